"""The adapter: team files to solver problems, solver plans to plan files."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_plan, load_team
from solver.plan import Caseload, OnCallPeriod, Plan, Unmet, Visit
from solver.problem import Window
from tests.domain.test_formats import EXAMPLE_PLAN, EXAMPLE_TEAM

WEEK = date(2026, 11, 30)


def team_with(edit=None):  # noqa: ANN001, ANN201
    doc = copy.deepcopy(EXAMPLE_TEAM)
    if edit:
        edit(doc)
    return load_team(doc)


def test_haversine_matches_a_hand_calculation() -> None:
    """One degree of longitude on the equator is 111.195 km: ×1.3 / 30 km/h = 289.1 → 290 min."""

    def edit(d: dict) -> None:
        d["team"]["office"] = {"lat": 0.0, "lon": 0.0}
        d["staff"][0]["start"] = {"lat": 0.0, "lon": 0.0}
        d["clients"][0]["home"] = {"lat": 0.0, "lon": 1.0}
        d["staff"][1]["start"] = {"lat": 0.1, "lon": 0.0}

    travel = to_problem(team_with(edit), WEEK).travel
    # Locations: 0 office, 1-4 staff starts, 5 the client's home.
    assert travel[0][5] == travel[5][0] == 290
    # 0.1 degree of latitude: 11.1195 km × 1.3 / 30 × 60 = 28.9 → 29 minutes.
    assert travel[0][2] == 29
    assert travel[0][1] == travel[1][0] == travel[3][3] == 0
    assert travel[0][3] == 0  # s-md1 has no start: it starts at the office


def test_matrix_travel_looks_up_ids() -> None:
    """With the matrix model, each location takes the row of its staff id, client id or office."""
    places = ["office", "s-rn1", "s-cm2", "s-md1", "s-sw3", "c-014"]

    def edit(d: dict) -> None:
        minutes = {a: {b: 10 * i + j for j, b in enumerate(places)} for i, a in enumerate(places)}
        d["policy"]["travel"] = {"model": "matrix", "minutes": minutes}

    travel = to_problem(team_with(edit), WEEK).travel
    assert travel[0][5] == 5
    assert travel[5][2] == 52
    assert travel[1][1] == 0


def test_leave_cuts_a_shift_and_keeps_the_longest_piece() -> None:
    """Leave from 10:00 to 12:00 on a 08:30-17:00 Monday leaves the 12:00-17:00 part."""

    def edit(d: dict) -> None:
        d["staff"][0]["leave"].append({"start": "2026-11-30T10:00", "end": "2026-11-30T12:00"})

    nurse = to_problem(team_with(edit), WEEK).staff[0]
    assert nurse.shifts[0] == Window(720, 1020)
    assert nurse.shifts[1] == Window(1440 + 510, 1440 + 1020)
    # The whole of Thursday is on leave: no shift that day.
    assert 3 not in nurse.shifts
    assert nurse.leave == (Window(3 * 1440, 4 * 1440), Window(600, 720))


def test_leave_is_clipped_to_the_week_and_its_on_call_edges() -> None:
    """Leave beyond the week is clipped to [-1440, 8 × 1440]; leave wholly outside is dropped."""

    def edit(d: dict) -> None:
        d["staff"][0]["leave"] = [
            {"start": "2026-11-01T00:00", "end": "2026-12-31T00:00"},
            {"start": "2026-10-01T00:00", "end": "2026-10-02T00:00"},
        ]

    nurse = to_problem(team_with(edit), WEEK).staff[0]
    assert nurse.leave == (Window(-1440, 8 * 1440),)
    assert nurse.shifts == {}


def test_availability_absent_means_any_time() -> None:
    """A client without availability can be visited all day, every day."""
    client = to_problem(team_with(lambda d: d["clients"][0].pop("availability")), WEEK).clients[0]
    assert client.availability == {d: (Window(d * 1440, (d + 1) * 1440),) for d in range(7)}


def test_availability_lists_only_the_given_days() -> None:
    """Listed days keep their windows (24:00 is the day's end); other days have none."""

    def edit(d: dict) -> None:
        d["clients"][0]["availability"]["sun"] = [["18:00", "24:00"]]
        d["clients"][0]["availability"]["tue"] = []

    client = to_problem(team_with(edit), WEEK).clients[0]
    assert client.availability == {
        0: (Window(540, 720), Window(840, 1080)),
        6: (Window(6 * 1440 + 1080, 7 * 1440),),
    }


def test_visit_defaults_come_from_the_acuity() -> None:
    """visits_per_week and visit_minutes default to the acuity's; given values override them."""

    def edit(d: dict) -> None:
        del d["clients"][0]["visit_minutes"]
        d["clients"][0]["acuity"] = "moderate"
        d["clients"][0]["visits_per_week"] = 4

    client = to_problem(team_with(edit), WEEK).clients[0]
    assert (client.visits_per_week, client.visit_minutes, client.min_gap_days) == (4, 45, 2)


@pytest.mark.parametrize(
    ("due", "window", "days"),
    [
        ("2026-12-02", 1, (1, 2, 3)),
        ("2026-12-06", 2, (4, 5, 6)),
        ("2026-11-28", 2, (0,)),
        ("2026-11-20", 1, None),
    ],
)
def test_skill_window_is_intersected_with_the_week(due: str, window: int, days) -> None:  # noqa: ANN001
    """A skill requirement's due window becomes the week's days inside it, or is dropped."""

    def edit(d: dict) -> None:
        d["clients"][0]["requirements"][1].update(due=due, window_days=window)

    client = to_problem(team_with(edit), WEEK).clients[0]
    assert [(r.discipline, r.visits) for r in client.discipline_requirements] == [("nurse", 2)]
    if days is None:
        assert client.skill_requirements == ()
    else:
        (req,) = client.skill_requirements
        assert (req.skill, req.days, req.due) == ("lai_injection", days, due)


def test_policy_converts_roles_and_times() -> None:
    """On-call roles come in escalation order; handoff and rest are minutes after midnight."""

    def edit(d: dict) -> None:
        del d["policy"]["on_call"]["roles"]["backup"]
        d["staff"][0]["on_call_roles"] = ["primary"]

    policy = to_problem(team_with(edit), WEEK).policy
    assert [r.name for r in policy.on_call_roles] == ["primary", "prescriber"]
    assert (policy.handoff, policy.rest_next_day_start, policy.max_consecutive) == (510, 600, 2)


def test_baseline_becomes_week_minutes() -> None:
    """A baseline plan's visits and on-call periods turn into week minutes; from_date a day."""
    baseline = load_plan(EXAMPLE_PLAN)
    problem = to_problem(team_with(), WEEK, baseline=baseline, from_date=date(2026, 12, 2))
    assert problem.baseline is not None
    (visit,) = problem.baseline.visits
    assert (visit.day, visit.start, visit.end, visit.id) == (
        2,
        2 * 1440 + 555,
        2 * 1440 + 585,
        "v-0001",
    )
    assert problem.baseline.from_day == 2
    assert problem.baseline.on_call == (OnCallPeriod("primary", "s-rn1", 510, 1440 + 510),)
    late = to_problem(team_with(), WEEK, baseline=baseline, from_date=date(2027, 1, 1))
    assert late.baseline is not None and late.baseline.from_day == 7


def test_baseline_of_another_week_is_refused() -> None:
    """A baseline for a different week cannot be re-planned from."""
    with pytest.raises(ValueError, match="week"):
        to_problem(team_with(), date(2026, 12, 7), baseline=load_plan(EXAMPLE_PLAN))


def test_plan_file_dates_times_and_ids() -> None:
    """Visits are numbered in date/start/staff order, with dates and HH:MM times of their day."""
    plan = Plan(
        visits=(
            Visit("c-014", ("s-rn1",), 2, 2 * 1440 + 555, 2 * 1440 + 585, "lai_injection"),
            Visit("c-014", ("s-cm2",), 0, 540, 570, pinned=True),
            Visit("c-014", ("s-cm2", "s-rn1"), 6, 6 * 1440 + 1410, 7 * 1440, id="v-0002"),
        ),
        on_call=(
            OnCallPeriod("primary", "s-rn1", 6 * 1440 + 510, 7 * 1440 + 510),
            OnCallPeriod("backup", "s-cm2", 510, 1440 + 510),
        ),
        caseload={"c-014": Caseload("s-cm2", ("s-cm2", "s-rn1", "s-md1"))},
        unmet=(Unmet("H9", "no backup on sunday"),),
        metrics={"travel_minutes_total": 42},
        seconds=1.5,
        objective=10.0,
        moved=3,
    )
    doc = dump_plan(to_plan_file(plan, team_with(), WEEK))
    assert [(v["id"], v["date"], v["start"], v["end"]) for v in doc["visits"]] == [
        ("v-0001", "2026-11-30", "09:00", "09:30"),
        ("v-0003", "2026-12-02", "09:15", "09:45"),
        ("v-0002", "2026-12-06", "23:30", "24:00"),
    ]
    assert doc["visits"][0]["pinned"] is True
    assert "pinned" not in doc["visits"][1]
    assert doc["on_call"][0] == {
        "role": "primary",
        "staff": "s-rn1",
        "start": "2026-12-06T08:30",
        "end": "2026-12-07T08:30",
    }
    assert doc["caseload"] == {"c-014": {"primary": "s-cm2", "itt": ["s-cm2", "s-rn1", "s-md1"]}}
    assert doc["unmet"] == [{"rule": "H9", "detail": "no backup on sunday"}]
    assert doc["solver"] == {
        "status": "feasible",
        "seconds": 1.5,
        "objective": 10.0,
        "bound": None,
        "moved": 3,
    }
    assert dump_plan(load_plan(doc)) == doc


def test_plan_file_leaves_out_moved_when_not_counted() -> None:
    """The solver block has no "moved" key when the plan was not a re-plan."""
    plan = Plan(visits=(), on_call=(), caseload={})
    assert "moved" not in dump_plan(to_plan_file(plan, team_with(), WEEK))["solver"]
