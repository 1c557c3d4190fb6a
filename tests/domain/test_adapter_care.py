"""Version 2 care rules from the team file and history to the plan, each as a pair: the plan
keeps the rule when it can, and says so in ``unmet`` when it cannot. Every plan is checked by
the independent checker (with the same history): no violation is left unexcused.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from actplanner.checker import check
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_plan, load_team
from actplanner.domain.history import read_history
from solver import SolveParams, solve
from tests.support.solver_factories import WEEK, rules_team_doc, visits_of

HOSPITAL = {"lat": 41.95, "lon": -87.64, "label": "County hospital"}
LAST_WEEK = "2026-11-23"


def team(policy: dict[str, Any] | None = None, staff: dict[str, dict] | None = None, **c6: Any) -> dict:
    """The rules team as team@2; ``c6`` changes its client c-6 (moderate, 3 visits, ITT s-cm1,
    s-rn1, s-tl1), ``staff`` its staff by id."""
    doc = rules_team_doc()
    doc["format"] = "actplanner/team@2"
    doc["policy"].update(policy or {})
    doc["clients"][5].update(c6)
    for member in doc["staff"]:
        member.update((staff or {}).get(member["id"], {}))
    return doc


def earlier_plan(*visits: tuple[str, str, str, str | None], place: str | None = None) -> dict:
    """A plan of record of last week: (client, staff, date, purpose) visits."""
    entries = []
    for i, (client, who, day, purpose) in enumerate(visits):
        entry = {
            "id": f"v-{i + 1:04d}",
            "client": client,
            "staff": [who],
            "date": day,
            "start": "10:00",
            "end": "10:45",
            "purpose": purpose,
        }
        if place:
            entry["place"] = place
        entries.append(entry)
    return {
        "format": "actplanner/plan@2" if place else "actplanner/plan@1",
        "team": "t",
        "week_start": LAST_WEEK,
        "visits": entries,
        "on_call": [],
        "caseload": {},
    }


def plan(doc: dict, *history: dict) -> tuple[dict, Any, Any]:
    """Solve the week (greedy, deterministic) with ``history``; the plan file, the checker's
    report and the problem the solver saw."""
    model = load_team(doc)
    past = read_history([(f"h{i}", h) for i, h in enumerate(history)], model, week=WEEK) if history else None
    problem = to_problem(model, WEEK, history=past)
    result = solve(problem, SolveParams(time_limit=2, greedy_only=True))
    out = dump_plan(to_plan_file(result, model, WEEK))
    report = check(doc, out, history=list(history) if history else None)
    assert report.unexcused == [], [v.message for v in report.unexcused]
    return out, report, problem


def rules_of(out: dict, client: str = "c-6") -> set[str]:
    return {u["rule"] for u in out["unmet"] if u.get("client") == client}


def days(out: dict, client: str = "c-6", place: str | None = None) -> list[str]:
    return sorted(v["date"] for v in visits_of(out, client) if v.get("place") == place)


# -- H13 inpatient visits ------------------------------------------------------------

STAY = {
    "kind": "inpatient",
    "start": "2026-12-01",
    "end": "2026-12-03",
    "location": HOSPITAL,
    "visits_per_week": 7,
}


def test_h13_inpatient_visits_at_the_hospital_and_no_home_visits_then() -> None:
    out, report, _ = plan(team(episodes=[STAY]))
    assert out["format"] == "actplanner/plan@2"
    assert days(out, place="hospital") == ["2026-12-01", "2026-12-02"]  # ceil(7 × 2 / 7)
    itt = {"s-cm1", "s-rn1", "s-tl1"}
    assert all(set(v["staff"]) & itt for v in visits_of(out, "c-6") if v.get("place") == "hospital")
    # Five open dates: ceil(3 × 5 / 7) = 3 home visits, none on Tuesday or Wednesday.
    home = days(out)
    assert not {"2026-12-01", "2026-12-02"} & set(home)
    assert len(home) == 3 or "H1" in rules_of(out)
    assert not [v for v in report.violations if v.rule == "H13"]
    load_plan(out)  # a valid plan@2


def test_h13_inpatient_visits_reported_when_the_itt_is_away() -> None:
    away = {"leave": [{"start": "2026-12-01T00:00", "end": "2026-12-03T00:00"}]}
    out, report, _ = plan(team(episodes=[STAY], staff=dict.fromkeys(("s-cm1", "s-rn1", "s-tl1"), away)))
    assert days(out, place="hospital") == []
    assert "H13" in rules_of(out)
    assert [v.rule for v in report.violations if v.client == "c-6" and v.rule == "H13"]  # caught, excused


def test_h13_a_transfer_mid_week_plans_visits_at_both_hospitals() -> None:
    first = {**STAY, "visits_per_week": 3}  # Tue-Wed: ceil(3 × 2 / 7) = 1
    second = {
        "kind": "inpatient",
        "start": "2026-12-03",
        "end": "2026-12-05",
        "location": {"lat": 41.80, "lon": -87.60, "label": "State hospital"},
        "visits_per_week": 4,  # Thu-Fri: ceil(4 × 2 / 7) = 2
    }
    out, report, problem = plan(team(episodes=[first, second]))
    assert [s.visits for s in problem.clients_by_id["c-6"].hospital] == [1, 2]
    ward = days(out, place="hospital")
    assert len(ward) == 3 and ward[1:] == ["2026-12-03", "2026-12-04"]
    assert not [v for v in report.violations if v.rule in ("H13", "H7")]


# -- H13 post-discharge -------------------------------------------------------------

POST = {"post_discharge": {"days": 14, "visits_per_week": 5, "first_within_days": 2}}
CAME_HOME_MONDAY = {"kind": "inpatient", "start": "2026-11-20", "end": "2026-11-30"}


def test_h13_post_discharge_count_and_first_visit_hold() -> None:
    out, report, problem = plan(team(POST, episodes=[CAME_HOME_MONDAY], acuity="stable"))
    # Stable is 1 a week; seven post-discharge dates ask ceil(5 × 7 / 7) = 5.
    c6 = problem.clients_by_id["c-6"]
    assert c6.visits_per_week == 5
    home = days(out)
    assert len(home) == 5 and home[0] in ("2026-11-30", "2026-12-01")
    assert rules_of(out) == set()


def test_h13_first_post_discharge_visit_reported_when_the_client_cannot_be_seen_then() -> None:
    later = {d: [["09:00", "17:00"]] for d in ("wed", "thu", "fri")}
    out, report, _ = plan(team(POST, episodes=[CAME_HOME_MONDAY], acuity="stable", availability=later))
    assert "H13" in rules_of(out)
    assert any(v.rule == "H13" and v.client == "c-6" for v in report.violations)


# -- H4 recurring requirements ------------------------------------------------------


def injection(**req: Any) -> list[dict]:
    return [{"skill": "lai_injection", "every_days": 14, "window_days": 1, **req}]


def injected(out: dict) -> list[str]:
    return sorted(v["date"] for v in visits_of(out, "c-6") if "s-rn1" in v["staff"])


def test_h4_recurring_injection_due_from_last_holds() -> None:
    out, _, problem = plan(team(requirements=injection(last="2026-11-18")))  # due 2 December
    assert [r.days for r in problem.clients_by_id["c-6"].skill_requirements] == [(1, 2, 3)]
    assert set(injected(out)) & {"2026-12-01", "2026-12-02", "2026-12-03"}
    assert rules_of(out) == set()


def test_h4_recurring_injection_given_last_week_is_not_due() -> None:
    """An injection planned on 25 November (a plan of record, no contact) resets the clock."""
    given = earlier_plan(("c-6", "s-rn1", "2026-11-25", "lai_injection"))
    _, _, problem = plan(team(requirements=injection(last="2026-11-18")), given)
    assert problem.clients_by_id["c-6"].skill_requirements == ()


def test_h4_recurring_injection_given_in_hospital_resets_the_clock() -> None:
    stay = {
        "kind": "inpatient",
        "start": "2026-11-20",
        "end": "2026-11-27",
        "location": HOSPITAL,
        "visits_per_week": 1,
    }
    given = earlier_plan(("c-6", "s-rn1", "2026-11-25", "lai_injection"), place="hospital")
    _, _, problem = plan(team(requirements=injection(last="2026-11-18"), episodes=[stay]), given)
    assert problem.clients_by_id["c-6"].skill_requirements == ()


def test_h4_overdue_injection_goes_first_in_the_week_or_is_reported() -> None:
    out, _, problem = plan(team(requirements=injection(last="2026-11-01")))
    assert [r.days for r in problem.clients_by_id["c-6"].skill_requirements] == [(0, 1)]  # Mon ± 1
    assert set(injected(out)) & {"2026-11-30", "2026-12-01"}
    off = {"leave": [{"start": "2026-11-30T00:00", "end": "2026-12-02T00:00"}]}
    out, report, _ = plan(team(requirements=injection(last="2026-11-01"), staff={"s-rn1": off}))
    assert rules_of(out) == {"H4"}
    assert any(v.rule == "H4" and v.client == "c-6" for v in report.violations)


def test_h4_recurring_discipline_requirement_holds() -> None:
    req = [{"discipline": "psychiatrist", "every_days": 28, "window_days": 2, "last": "2026-11-05"}]
    out, _, problem = plan(team(requirements=req, itt=["s-cm1", "s-rn1", "s-tl1", "s-md1"]))
    assert [r.days for r in problem.clients_by_id["c-6"].discipline_requirements] == [(1, 2, 3, 4, 5)]
    assert any("s-md1" in v["staff"] for v in visits_of(out, "c-6"))
    assert rules_of(out) == set()


# -- H2 across weeks, H3 employment, acuity changes, goal 6 -------------------------------


def test_h2_spaces_from_last_weeks_sunday() -> None:
    seen_sunday = earlier_plan(("c-6", "s-cm1", "2026-11-29", "home visit"))
    without, _, _ = plan(team())
    assert "2026-11-30" in days(without)  # Monday is the cheapest day without history
    out, report, _ = plan(team(), seen_sunday)
    assert "2026-11-30" not in days(out)
    assert not [v for v in report.violations if v.rule == "H2"]


def test_h3_no_visit_or_on_call_outside_employment() -> None:
    out, report, problem = plan(team(staff={"s-cm1": {"employed_until": "2026-12-03"}}))
    assert sorted(problem.staff_by_id["s-cm1"].shifts) == [0, 1, 2]
    late = [v for v in out["visits"] if "s-cm1" in v["staff"] and v["date"] >= "2026-12-03"]
    assert late == []
    assert not [p for p in out["on_call"] if p["staff"] == "s-cm1" and p["start"] >= "2026-12-03"]
    assert not [v for v in report.violations if v.rule in ("H3", "H9") and not v.excused]


def test_acuity_change_sets_the_weeks_count() -> None:
    _, _, problem = plan(team(acuity_changes=[{"date": "2026-11-30", "acuity": "stable"}]))
    assert problem.clients_by_id["c-6"].visits_per_week == 1
    _, _, problem = plan(team(acuity_changes=[{"date": "2026-12-01", "acuity": "stable"}]))
    assert problem.clients_by_id["c-6"].visits_per_week == 3  # from next week


def test_goal6_knows_who_saw_the_client_in_the_last_14_days() -> None:
    history = earlier_plan(("c-6", "s-tl1", "2026-11-24", "home visit"), ("c-6", "s-rn1", "2026-11-10", None))
    old = {**history, "week_start": "2026-11-09"}
    old["visits"] = [history["visits"][1]]
    history["visits"] = [history["visits"][0]]
    _, _, problem = plan(team(), history, old)
    assert problem.clients_by_id["c-6"].recent_staff == frozenset({"s-tl1"})


def test_the_full_search_keeps_every_care_rule_the_checker_reads() -> None:
    """Week search and day routes too: c-6 in hospital from Tuesday (open-ended, three visits,
    its injection due Tuesday to Thursday given there or at home on Monday), c-1 home from
    hospital on Monday (five visits, the first by Tuesday)."""
    stay = {"kind": "inpatient", "start": "2026-12-01", "location": HOSPITAL, "visits_per_week": 4}
    doc = team(POST, episodes=[stay], requirements=injection(last="2026-11-18"))
    doc["clients"][0]["episodes"] = [CAME_HOME_MONDAY]
    model = load_team(doc)
    result = solve(to_problem(model, WEEK), SolveParams(time_limit=3, seed=2))
    out = dump_plan(to_plan_file(result, model, WEEK))
    report = check(doc, out)
    assert report.unexcused == [], [v.message for v in report.unexcused]
    assert len(days(out, place="hospital")) == 4  # ceil(4 × 6 / 7)
    assert days(out) == ["2026-11-30"]  # ceil(3 × 1 / 7) home visit, on Monday
    assert len(days(out, "c-1")) == 5 and days(out, "c-1")[0] <= "2026-12-01"
    assert rules_of(out) == set() and rules_of(out, "c-1") == set()


def test_a_replan_without_history_still_counts_the_kept_injection() -> None:
    """Version 1 re-plan (a baseline and F, no history): the injection given on Tuesday, before
    F, meets the requirement, so it is not planned again from Thursday."""
    doc = team(requirements=injection(last="2026-11-18"))  # due Wed, window Tue-Thu
    model = load_team(doc)
    first = to_plan_file(
        solve(to_problem(model, WEEK), SolveParams(time_limit=2, greedy_only=True)), model, WEEK
    )
    given = [v.date for v in first.visits if v.client == "c-6" and "s-rn1" in v.staff]
    assert given and min(given) < "2026-12-03"
    problem = to_problem(model, WEEK, baseline=first, from_date=date(2026, 12, 3))
    assert [r.days for r in problem.clients_by_id["c-6"].skill_requirements] == [(1, 2, 3)]
