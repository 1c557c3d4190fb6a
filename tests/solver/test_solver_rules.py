"""Every hard rule H1–H12 from the solver's side: the plan keeps it, or says in
``unmet`` that it could not — never a silent break. Each plan is also run
through the independent checker."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from actplanner.checker import check
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_team
from solver import SolveParams, solve

WEEK = date(2026, 11, 30)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
NINE_TO_FIVE = {d: ["08:30", "17:00"] for d in WEEKDAYS}


def staff(id: str, discipline: str = "case_manager", **extra) -> dict:  # noqa: A002
    member = {
        "id": id,
        "name": id.upper(),
        "discipline": discipline,
        "fte": 1.0,
        "phone": "+1-312-555-0100",
        "languages": ["en"],
        "shifts": dict(NINE_TO_FIVE),
        "on_call_roles": [],
    }
    member.update(extra)
    return member


def client(id: str, lat: float = 41.90, lon: float = -87.65, **extra) -> dict:  # noqa: A002
    person = {
        "id": id,
        "code": id.upper().replace("-", ""),
        "home": {"lat": lat, "lon": lon},
        "acuity": "moderate",
    }
    person.update(extra)
    return person


def team(**changes) -> dict:
    """A small valid team: 5 staff (a nurse with injections, a psychiatrist), 6 clients."""
    doc = {
        "format": "actplanner/team@1",
        "team": {
            "id": "t",
            "name": "Test ACT",
            "timezone": "America/Chicago",
            "office": {"lat": 41.8959, "lon": -87.6845},
        },
        "policy": {
            "caseload_max_per_staff": 10,
            "acuity": {
                "high": {"visits_per_week": 5, "visit_minutes": 45, "min_gap_days": 1},
                "moderate": {"visits_per_week": 3, "visit_minutes": 45, "min_gap_days": 2},
                "stable": {"visits_per_week": 1, "visit_minutes": 60},
            },
            "team_approach_min_staff": 2,
            "travel": {"model": "haversine", "speed_kmh": 30, "detour_factor": 1.3},
            "on_call": {
                "handoff": "08:30",
                "roles": {
                    "primary": {"disciplines": ["nurse", "social_worker", "case_manager"]},
                    "backup": {"disciplines": ["nurse", "team_leader"]},
                    "prescriber": {"disciplines": ["psychiatrist"]},
                },
                "max_consecutive": 2,
                "rest_next_day_start": "10:00",
            },
        },
        "staff": [
            staff(
                "s-rn1",
                "nurse",
                skills=["lai_injection"],
                languages=["en", "es"],
                on_call_roles=["primary", "backup"],
            ),
            staff("s-cm1", on_call_roles=["primary"]),
            staff("s-cm2", on_call_roles=["primary"]),
            staff("s-tl1", "team_leader", on_call_roles=["backup"]),
            staff("s-md1", "psychiatrist", on_call_roles=["prescriber"], max_visits_per_day=4),
        ],
        "clients": [
            client("c-1", 41.91, -87.66, acuity="high"),
            client("c-2", 41.92, -87.70, language="es"),
            client("c-3", 41.88, -87.69, requirements=[{"discipline": "psychiatrist", "visits": 1}]),
            client(
                "c-4",
                41.90,
                -87.72,
                acuity="stable",
                requirements=[{"skill": "lai_injection", "due": "2026-12-02", "window_days": 1}],
            ),
            client(
                "c-5",
                41.89,
                -87.66,
                paired=True,
                visits_per_week=2,
                availability={d: [["10:00", "15:00"]] for d in WEEKDAYS},
            ),
            client(
                "c-6",
                41.93,
                -87.68,
                primary="s-cm1",
                itt=["s-cm1", "s-rn1", "s-tl1"],
                excluded_staff=["s-cm2"],
            ),
        ],
    }
    for key, value in changes.items():
        doc[key] = value
    return doc


def plan(doc: dict, limit: float = 2.0, greedy: bool = False) -> tuple[dict, list]:
    """Solve, write the plan file, check it independently; return the plan and violations."""
    model = load_team(doc)
    result = solve(to_problem(model, WEEK), SolveParams(time_limit=limit, greedy_only=greedy))
    out = dump_plan(to_plan_file(result, model, WEEK))
    report = check(doc, out)
    assert report.unexcused == [], [v.message for v in report.unexcused]
    return out, report.violations


def visits_of(plan_doc: dict, client_id: str) -> list[dict]:
    return [v for v in plan_doc["visits"] if v["client"] == client_id]


def unmet_rules(plan_doc: dict, client_id: str | None = None) -> set[str]:
    return {u["rule"] for u in plan_doc["unmet"] if u.get("client") == client_id}


@pytest.fixture(scope="module")
def good() -> tuple[dict, list]:
    return plan(team(), limit=4.0)


def test_valid_team_gets_a_plan_with_nothing_unmet(good):
    """The test team is fully servable: the plan meets every rule with an empty unmet list."""
    doc, violations = good
    assert doc["unmet"] == []
    assert violations == []


# H1 visit count ----------------------------------------------------------------


def test_h1_holds_every_client_gets_its_visits(good):
    """Hard H1: each client has exactly visits_per_week visits on distinct dates."""
    doc, _ = good
    for cid, want in {"c-1": 5, "c-2": 3, "c-3": 3, "c-4": 1, "c-5": 2, "c-6": 3}.items():
        dates = [v["date"] for v in visits_of(doc, cid)]
        assert len(dates) == want and len(set(dates)) == want


def test_h1_broken_reports_the_shortfall():
    """A client open on two weekdays but needing three visits is reported, not overbooked."""
    doc = team()
    doc["clients"][1]["availability"] = {"mon": [["09:00", "17:00"]], "wed": [["09:00", "17:00"]]}
    out, violations = plan(doc)
    assert len(visits_of(out, "c-2")) == 2
    assert "H1" in unmet_rules(out, "c-2")
    assert {v.rule for v in violations} == {"H1"}


# H2 spacing --------------------------------------------------------------------


def test_h2_holds_moderate_visits_two_days_apart(good):
    """Hard H2: a moderate client's visit dates are at least two days apart."""
    doc, _ = good
    days = sorted(date.fromisoformat(v["date"]) for v in visits_of(doc, "c-3"))
    assert all((b - a).days >= 2 for a, b in zip(days, days[1:], strict=False))


def test_h2_never_broken_to_reach_the_count():
    """Open only Mon–Thu, three visits two days apart cannot fit: one is dropped and reported."""
    doc = team()
    doc["clients"][2]["availability"] = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu")}
    out, violations = plan(doc)
    assert len(visits_of(out, "c-3")) == 2
    assert "H1" in unmet_rules(out, "c-3")
    assert "H2" not in {v.rule for v in violations}


# H3 staff eligibility ----------------------------------------------------------


def test_h3_holds_language_exclusion_and_shifts(good):
    """Hard H3: the Spanish speaker is seen by Spanish speakers; excluded staff never visit."""
    doc, _ = good
    assert {s for v in visits_of(doc, "c-2") for s in v["staff"]} <= {"s-rn1"}
    assert all("s-cm2" not in v["staff"] for v in visits_of(doc, "c-6"))


def test_h3_broken_no_speaker_at_work():
    """With the only Spanish speaker on leave all week, the client's visits are unmet, not given to others."""
    doc = team()
    doc["staff"][0]["leave"] = [{"start": "2026-11-30T00:00", "end": "2026-12-07T00:00"}]
    doc["staff"][0]["on_call_roles"] = []
    out, _ = plan(doc)
    assert visits_of(out, "c-2") == []
    assert "H1" in unmet_rules(out, "c-2")


# H4 requirements ---------------------------------------------------------------


def test_h4_holds_injection_and_psychiatrist(good):
    """Hard H4: the injection is given by a skilled nurse in its window; the psychiatrist visits."""
    doc, _ = good
    injection = visits_of(doc, "c-4")
    assert any("s-rn1" in v["staff"] and "2026-12-01" <= v["date"] <= "2026-12-03" for v in injection)
    assert any("s-md1" in v["staff"] for v in visits_of(doc, "c-3"))


def test_h4_broken_nurse_on_leave_in_the_window():
    """With the only skilled nurse away over the due window, the plan names the unmet injection."""
    doc = team()
    doc["staff"][0]["leave"] = [{"start": "2026-12-01T00:00", "end": "2026-12-04T00:00"}]
    out, _ = plan(doc)
    assert "H4" in unmet_rules(out, "c-4")


# H5 pairs ----------------------------------------------------------------------


def test_h5_holds_paired_visits_have_two_staff(good):
    """Hard H5: every paired visit has two distinct staff, every other visit one."""
    doc, _ = good
    for v in doc["visits"]:
        assert len(set(v["staff"])) == (2 if v["client"] == "c-5" else 1)


def test_h5_broken_only_one_staff_member_can_go():
    """When only one staff member may see the paired client, the visits are unmet, not single-handed."""
    doc = team()
    doc["clients"][4]["excluded_staff"] = ["s-cm1", "s-cm2", "s-tl1", "s-md1"]
    out, _ = plan(doc)
    assert visits_of(out, "c-5") == []
    assert "H1" in unmet_rules(out, "c-5")


# H6 time windows ---------------------------------------------------------------


def test_h6_holds_visits_inside_windows(good):
    """Hard H6: the paired client's visits lie inside 10:00–15:00 and last 45 minutes."""
    doc, _ = good
    for v in visits_of(doc, "c-5"):
        assert "10:00" <= v["start"] and v["end"] <= "15:00"


def test_h6_broken_window_shorter_than_the_visit():
    """A 30-minute window cannot hold a 45-minute visit: reported, never squeezed."""
    doc = team()
    doc["clients"][3]["availability"] = {d: [["09:00", "09:30"]] for d in WEEKDAYS}
    out, _ = plan(doc)
    assert visits_of(out, "c-4") == []
    assert "H1" in unmet_rules(out, "c-4")


# H7 routes ---------------------------------------------------------------------


def test_h7_holds_routes_leave_time_to_travel(good):
    """Hard H7: the checker finds no route where travel does not fit (it ran in ``plan``)."""
    _, violations = good
    assert not any(v.rule == "H7" for v in violations)


def test_h7_broken_client_too_far_to_reach():
    """A client five hours' drive away cannot be reached inside a shift: reported as unmet."""
    doc = team()
    doc["clients"][0]["home"] = {"lat": 43.2, "lon": -87.65}
    out, _ = plan(doc)
    assert visits_of(out, "c-1") == []
    assert "H1" in unmet_rules(out, "c-1")


# H8 daily limit ----------------------------------------------------------------


def test_h8_holds_psychiatrist_limit(good):
    """Hard H8: nobody exceeds max_visits_per_day."""
    doc, _ = good
    per_day: dict[tuple[str, str], int] = {}
    for v in doc["visits"]:
        for s in v["staff"]:
            per_day[(s, v["date"])] = per_day.get((s, v["date"]), 0) + 1
    assert all(n <= 4 for (s, _), n in per_day.items() if s == "s-md1")


def test_h8_broken_limit_of_one_visit_a_day():
    """With one visit a day per staff member, the team's 17 visits cannot all fit: unmet, limit kept."""
    doc = team()
    for member in doc["staff"]:
        member["max_visits_per_day"] = 1
    out, violations = plan(doc)
    assert out["unmet"]
    assert not any(v.rule == "H8" for v in violations)


# H9 on-call coverage -----------------------------------------------------------


def test_h9_holds_every_period_has_each_role(good):
    """Hard H9: seven periods, each with one primary, backup and prescriber; primary ≠ backup."""
    doc, _ = good
    for role in ("primary", "backup", "prescriber"):
        assert len([p for p in doc["on_call"] if p["role"] == role]) == 7
    by_start: dict[str, dict[str, str]] = {}
    for p in doc["on_call"]:
        by_start.setdefault(p["start"], {})[p["role"]] = p["staff"]
    assert all(roles["primary"] != roles["backup"] for roles in by_start.values())


def test_h9_broken_prescriber_on_leave():
    """With the only prescriber on leave on Wednesday, the uncovered period is named in unmet."""
    doc = team()
    doc["staff"][4]["leave"] = [{"start": "2026-12-02T00:00", "end": "2026-12-03T00:00"}]
    out, _ = plan(doc)
    assert "H9" in unmet_rules(out)


# H10 on-call limits ------------------------------------------------------------


def test_h10_holds_rest_after_a_night_on_call(good):
    """Hard H10: whoever was primary overnight starts no visit before 10:00 the next day."""
    doc, _ = good
    for p in doc["on_call"]:
        if p["role"] != "primary":
            continue
        next_day = p["end"][:10]
        early = [
            v
            for v in doc["visits"]
            if p["staff"] in v["staff"] and v["date"] == next_day and v["start"] < "10:00"
        ]
        assert early == []


def test_h10_broken_a_single_primary():
    """With one primary-eligible staff member, the consecutive limit is reported, not hidden."""
    doc = team()
    for member in doc["staff"][1:3]:
        member["on_call_roles"] = []
    out, _ = plan(doc)
    assert "H10" in unmet_rules(out)


# H11 caseload ------------------------------------------------------------------


def test_h11_holds_given_itt_kept_and_missing_ones_assigned(good):
    """Hard H11: the given ITT is kept; every other client gets a primary and 3–5 ITT members."""
    doc, _ = good
    assert doc["caseload"]["c-6"] == {"primary": "s-cm1", "itt": ["s-cm1", "s-rn1", "s-tl1"]}
    for load in doc["caseload"].values():
        assert 3 <= len(set(load["itt"])) <= 5 and load["primary"] in load["itt"]


def test_h11_broken_caseload_cap_too_small():
    """With a cap of one client per staff member, six clients overflow it: reported as H11."""
    doc = team()
    doc["policy"]["caseload_max_per_staff"] = 1
    out, _ = plan(doc, greedy=True)
    assert any(u["rule"] == "H11" for u in out["unmet"])


# H12 integrity -----------------------------------------------------------------


def test_h12_holds_ids_team_and_week(good):
    """Hard H12: the plan names the team and Monday requested, and only ids of the team file."""
    doc, _ = good
    assert doc["team"] == "t" and doc["week_start"] == "2026-11-30"
    staff_ids = {s["id"] for s in team()["staff"]}
    assert all(set(v["staff"]) <= staff_ids for v in doc["visits"])


def test_h12_broken_plan_for_another_week_is_caught(good):
    """The checker flags a plan checked against a week it was not made for."""
    doc, _ = good
    report = check(team(), copy.deepcopy(doc), week_start="2026-12-07")
    assert any(v.rule == "H12" for v in report.unexcused)


# Search behaviour ----------------------------------------------------------------


def test_same_seed_and_limit_give_the_same_plan():
    """Determinism: two runs with one seed and one time limit produce identical plans."""
    first, _ = plan(team(), limit=3.0)
    second, _ = plan(team(), limit=3.0)
    for doc in (first, second):
        doc["solver"].pop("seconds")
    assert first == second


def test_stop_keeps_the_best_plan_so_far():
    """A progress callback asking to stop ends the search early with a valid plan."""
    model = load_team(team())
    calls = []

    def stop_after_first(progress):
        calls.append(progress.phase)
        return progress.phase == "first plan"

    result = solve(to_problem(model, WEEK), SolveParams(time_limit=60), stop_after_first)
    assert result.status == "stopped" and result.seconds < 30
    assert len(result.visits) == 17
    assert "first plan" in calls
