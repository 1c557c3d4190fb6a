"""The re-plan with what happened, end to end: team file and contact log → adapter → solver →
plan file → the independent checker with the same history (FORMATS.md, version 2 Part A).

The team is the tiny one with the nurse s-rn and case manager s-cm working every day, so
c-1 (3 visits a week, 2 days apart, an injection due Tuesday to Thursday) can be made up
over the weekend. The baseline is the checker's valid plan: c-1 Monday (s-rn), Wednesday
(s-rn, the injection) and Friday (s-cm), c-2 Tuesday and Thursday in pairs.
"""

from __future__ import annotations

from datetime import date

from actplanner.checker import check
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_plan, load_team
from actplanner.domain.history import History, read_history
from solver import SolveParams, solve
from solver.problem import SeenBefore
from tests.checker.test_checker import make_plan
from tests.support.contact_files import (
    MON,
    THU,
    WED,
    contact,
    contact_log,
    history_team,
    missed,
    plan_file,
    visit,
)

WEEK = date(2026, 11, 30)
THURSDAY = date(2026, 12, 3)
EVERY_DAY = {d: ["08:30", "17:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def team_doc() -> dict:
    doc = history_team()
    for member in doc["staff"][:2]:
        member["shifts"] = EVERY_DAY
    return doc


def baseline() -> dict:
    plan = make_plan()
    plan["visits"][1]["purpose"] = "lai_injection"
    plan["solver"] = {"status": "feasible", "seconds": 1.0}
    return plan


def replan(*history: dict, from_date: date | None = THURSDAY) -> dict:
    """Re-plan the baseline from ``from_date`` with ``history`` (a short search: the repair may
    move the kept Friday visit to make room for the injection), as ``actplanner plan --from``
    writes it."""
    team = load_team(team_doc())
    base = load_plan(baseline())
    files = [(f"h{i}", doc) for i, doc in enumerate(history)]
    records = read_history(files, team, week=WEEK, plan=base)
    problem = to_problem(team, WEEK, baseline=base, from_date=from_date, history=records)
    result = solve(problem, SolveParams(time_limit=3))
    return dump_plan(to_plan_file(result, team, WEEK, replan_from=from_date))


def c1_dates(plan: dict, since: str = THU) -> list[str]:
    return sorted(v["date"] for v in plan["visits"] if v["client"] == "c-1" and v["date"] >= since)


def unexcused(plan: dict, *history: dict) -> list[str]:
    return [v.message for v in check(team_doc(), plan, history=list(history)).unexcused]


NO_SHOW_WEDNESDAY = contact_log(contact("k-1", visit="v-1"), missed("k-2", visit="v-2", date=WED))


def test_a_no_show_is_made_up_from_f_and_the_missed_injection_placed_again() -> None:
    """H1, H2, H4 hold: Wednesday's injection was a no-show, so c was 1 (Monday) and two visits
    are placed from Thursday, the first on Thursday (no gap kept from the no-show; inside the
    injection window) with the nurse; the kept visits before Thursday are unchanged."""
    plan = replan(NO_SHOW_WEDNESDAY)
    assert plan["format"] == "actplanner/plan@2" and plan["replan_from"] == THU
    assert len(c1_dates(plan)) == 2
    thursday = [v for v in plan["visits"] if v["client"] == "c-1" and v["date"] == THU]
    assert [v["staff"] for v in thursday] == [["s-rn"]]
    kept = {v["id"]: v for v in plan["visits"] if v["date"] < THU}
    assert {k: (v["date"], v["staff"]) for k, v in kept.items()} == {
        "v-1": (MON, ["s-rn"]),
        "v-4": ("2026-12-01", ["s-cm", "s-tl"]),
        "v-2": (WED, ["s-rn"]),
    }
    assert unexcused(plan, NO_SHOW_WEDNESDAY) == []


def test_without_the_contact_log_the_no_show_is_not_made_up_and_the_checker_says_so() -> None:
    """The re-plan that does not know of the no-show breaks H1 and H4 as the log tells them."""
    plan = replan()
    assert c1_dates(plan) == ["2026-12-04"]
    problems = unexcused(plan, NO_SHOW_WEDNESDAY)
    assert any(m.startswith("c-1 has 1 visit(s) from 2026-12-03") for m in problems), problems
    assert any("skill 'lai_injection'" in m for m in problems), problems


def test_the_next_visit_is_spaced_from_the_last_planned_seen_date() -> None:
    """H2 holds: Monday was a no-show and Wednesday delivered (with the injection), so the two
    visits still needed go on Friday and Sunday, never Thursday (one day after Wednesday)."""
    log = contact_log(
        missed("k-1", visit="v-1"), contact("k-2", visit="v-2", date=WED, skills=["lai_injection"])
    )
    plan = replan(log)
    assert c1_dates(plan) == ["2026-12-04", "2026-12-06"]
    assert unexcused(plan, log) == []


def test_a_crisis_call_out_counts_as_seen() -> None:
    """H1 holds with c = 3 (Monday, Wednesday and a Tuesday call-out): no visit from Thursday."""
    log = contact_log(contact("k-9", date="2026-12-01", staff=["s-cm"], place="community"))
    plan = replan(log)
    assert c1_dates(plan) == []
    assert unexcused(plan, log) == []


def test_history_across_weeks_spaces_monday_from_last_sunday() -> None:
    """H2 across the week boundary: last week's plan of record saw c-1 on Sunday, so this
    week's first visit is not on Monday."""
    team = load_team(team_doc())
    last_week = plan_file("2026-11-23", visit("v-7", "c-1", ["s-rn"], "2026-11-29"))
    records = read_history([("last", last_week)], team, week=WEEK)
    result = solve(to_problem(team, WEEK, history=records), SolveParams(time_limit=2, greedy_only=True))
    plan = dump_plan(to_plan_file(result, team, WEEK))
    assert plan["format"] == "actplanner/plan@1"
    assert c1_dates(plan, since=MON)[0] > MON
    assert unexcused(plan, last_week) == []


def test_the_adapter_turns_seen_dates_into_what_the_solver_needs() -> None:
    """Per client: the visits still needed, the last planned day to space from (negative for
    an earlier week) and only the requirements the week has not met yet."""
    team = load_team(team_doc())
    base = load_plan(baseline())
    records = read_history([("log", NO_SHOW_WEDNESDAY)], team, week=WEEK, plan=base)
    clients = to_problem(team, WEEK, baseline=base, from_date=THURSDAY, history=records).clients_by_id
    assert clients["c-1"].seen_before == SeenBefore(from_day=3, visits=2, last_planned_day=0)
    # The nurse's Monday visit met the nurse requirement; the injection is still due.
    assert clients["c-1"].discipline_requirements == ()
    assert [r.skill for r in clients["c-1"].skill_requirements] == ["lai_injection"]
    assert clients["c-2"].seen_before == SeenBefore(from_day=3, visits=1, last_planned_day=1)
    without = to_problem(team, WEEK, baseline=base, from_date=THURSDAY)
    assert without.clients_by_id["c-1"].seen_before is None
    assert to_problem(team, WEEK, history=History()).clients_by_id["c-1"].seen_before == SeenBefore(0, 3)
