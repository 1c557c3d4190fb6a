"""Version 2 care rules in the solver (FORMATS.md, Part A), each as a pair: the rule holds
when it can, and it is reported in the plan's ``unmet`` when it cannot.

H13 inpatient visits (``Client.hospital``) and post-discharge quotas (``Client.day_quotas``),
H4 recurring discipline requirements (``DisciplineRequirement.days``), and soft goal 6
(``Client.recent_staff``).
"""

from __future__ import annotations

import math
from dataclasses import replace

from solver import SolveParams, solve
from solver.evaluate import penalties, visits_of
from solver.goals import RECENT
from solver.greedy import fill
from solver.plan import Caseload, Penalty, Unmet, Visit
from solver.problem import (
    DAY,
    Baseline,
    DayQuota,
    DisciplineRequirement,
    HospitalStay,
    Problem,
    SkillRequirement,
    Window,
)
from solver.schedule import Schedule
from tests.support.solver_factories import make_client, make_problem, make_staff, minutes, shift

HOSPITAL = (30.0, 40.0)  # 50 minutes from the origin, where everyone else is


def with_hospital(problem: Problem, days: tuple[int, ...], visits: int) -> Problem:
    """``problem`` with a hospital as a new last location, the client ``c`` staying there."""
    points = [(0.0, 0.0)] * len(problem.travel) + [HOSPITAL]
    travel = tuple(tuple(math.ceil(math.dist(a, b)) for b in points) for a in points)
    stay = HospitalStay(days=days, visits=visits, location=len(points) - 1, label="County")
    clients = tuple(replace(c, hospital=(stay,)) if c.id == "c" else c for c in problem.clients)
    return replace(problem, travel=travel, clients=clients)


class Placed:
    """The visit step alone (cheapest insertion) on ``problem``, with the ITTs it gives."""

    def __init__(self, problem: Problem) -> None:
        caseload = {c.id: Caseload(c.primary or "", c.itt or ()) for c in problem.clients}
        schedule = Schedule(problem, caseload, {})
        self.unmet: list[Unmet] = fill(schedule, problem.clients)
        self.visits: list[Visit] = [v for v in visits_of(schedule) if v.client == "c"]
        self.penalties: list[Penalty] = penalties(schedule, [], 0)
        self.travel = sum(schedule.route_travel(r) for r in schedule.routes.values())


def greedy(problem: Problem) -> Placed:
    return Placed(problem)


def rules(plan: Placed) -> list[str]:
    return sorted(u.rule for u in plan.unmet)


def home_only(days: tuple[int, ...]) -> dict[int, tuple[Window, ...]]:
    return {d: (Window(d * DAY + minutes("09:00"), d * DAY + minutes("17:00")),) for d in days}


def inpatient_problem(itt_works: tuple[int, ...] = (0, 1, 2, 3, 4), **client: object) -> Problem:
    """c in hospital Tuesday and Wednesday (two visits there), home Thursday (one visit, two
    days apart from the last home visit)."""
    staff = [
        make_staff("a", shifts={d: shift(d, "07:00", "19:00") for d in itt_works}),
        make_staff("x"),  # not on c's ITT: may not make an inpatient visit alone
    ]
    fields: dict = {"visits_per_week": 1, "min_gap_days": 2, "availability": home_only((3,))}
    fields.update(client)
    patient = make_client("c", primary="a", itt=("a",), **fields)
    return with_hospital(make_problem(staff=staff, clients=[patient]), days=(1, 2), visits=2)


def test_h13_inpatient_visits_hold_at_the_hospital_by_the_itt() -> None:
    plan = greedy(inpatient_problem())
    assert [(v.day, v.staff, v.place) for v in plan.visits] == [
        (1, ("a",), "hospital"),
        (2, ("a",), "hospital"),
        (3, ("a",), None),  # H2 ignores Wednesday's inpatient visit
    ]
    # Any time of the shift: the 07:00 start is outside the client's availability.
    assert min(v.start - v.day * DAY for v in plan.visits if v.place) < minutes("09:00")
    assert plan.unmet == []
    assert plan.travel >= 2 * 2 * 50  # there and back, twice


def test_h13_inpatient_visits_reported_when_no_itt_member_works_then() -> None:
    plan = greedy(inpatient_problem(itt_works=(3, 4)))
    assert not [v for v in plan.visits if v.place == "hospital"]  # x never goes alone
    assert "H13" in rules(plan)
    detail = next(u.detail for u in plan.unmet if u.rule == "H13")
    assert "0 of 2 inpatient visits at County" in detail


def test_h13_no_home_visit_on_a_hospital_day_even_when_short() -> None:
    """Two home visits wanted, only Thursday open: H1 short, no home visit in hospital."""
    everyday = home_only((0, 1, 2, 3, 4))
    plan = greedy(inpatient_problem(visits_per_week=3, min_gap_days=1, availability=everyday))
    assert [(v.day, v.place) for v in plan.visits] == [
        (0, None),
        (1, "hospital"),
        (2, "hospital"),
        (3, None),
        (4, None),
    ]
    plan = greedy(inpatient_problem(visits_per_week=2, availability=home_only((1, 2, 3))))
    assert [(v.day, v.place) for v in plan.visits] == [(1, "hospital"), (2, "hospital"), (3, None)]
    assert rules(plan) == ["H1"]


def test_h4_an_inpatient_visit_meets_a_requirement() -> None:
    staff = [make_staff("n", "nurse", skills=frozenset({"lai_injection"})), make_staff("a")]
    client = make_client(
        "c",
        visits_per_week=1,
        availability=home_only((3, 4)),
        primary="a",
        itt=("a", "n"),
        skill_requirements=(SkillRequirement("lai_injection", days=(1,)),),
    )
    plan = greedy(with_hospital(make_problem(staff=staff, clients=[client]), days=(0, 1, 2), visits=1))
    ward = [v for v in plan.visits if v.place == "hospital"]
    assert [(v.day, v.staff, v.purpose) for v in ward] == [(1, ("n",), "lai_injection")]
    assert "H4" not in rules(plan)


def quota_problem(works: tuple[int, ...] = (0, 1, 2, 3, 4)) -> Problem:
    staff = [make_staff("a", shifts={d: shift(d) for d in works})]
    client = make_client("c", visits_per_week=2, primary="a", itt=("a",))
    return make_problem(staff=staff, clients=[client])


def with_quota(problem: Problem, quota: DayQuota) -> Problem:
    return replace(problem, clients=tuple(replace(c, day_quotas=(quota,)) for c in problem.clients))


def test_h13_post_discharge_quota_holds() -> None:
    """Without a quota the first days win; with two visits asked on Thursday and Friday, there."""
    assert [v.day for v in greedy(quota_problem()).visits] == [0, 1]
    plan = greedy(with_quota(quota_problem(), DayQuota(days=(3, 4), visits=2)))
    assert [v.day for v in plan.visits] == [3, 4]
    assert plan.unmet == []


def test_h13_post_discharge_quota_reported_when_staff_are_off() -> None:
    plan = greedy(with_quota(quota_problem(works=(0, 1, 2, 3)), DayQuota(days=(3, 4), visits=2)))
    assert 3 in [v.day for v in plan.visits]
    assert rules(plan) == ["H13"]
    assert "1 of the 2 post-discharge visits on thu, fri" in plan.unmet[0].detail


def test_h13_first_post_discharge_visit_holds_and_is_reported() -> None:
    first = DayQuota(days=(2,), visits=1, kind="first post-discharge visit")
    assert 2 in [v.day for v in greedy(with_quota(quota_problem(), first)).visits]
    plan = greedy(with_quota(quota_problem(works=(0, 1, 3, 4)), first))
    assert [(u.rule, "first post-discharge visit" in u.detail) for u in plan.unmet] == [("H13", True)]


def recurring_problem(psychiatrist_works: tuple[int, ...]) -> Problem:
    staff = [
        make_staff("a"),
        make_staff("p", "psychiatrist", shifts={d: shift(d) for d in psychiatrist_works}),
    ]
    client = make_client(
        "c",
        visits_per_week=2,
        primary="a",
        itt=("a", "p"),
        discipline_requirements=(DisciplineRequirement("psychiatrist", 1, days=(3, 4), due="2026-12-04"),),
    )
    return make_problem(staff=staff, clients=[client])


def test_h4_recurring_discipline_requirement_holds_inside_its_window() -> None:
    plan = greedy(recurring_problem((0, 1, 2, 3, 4)))
    assert [v.day for v in plan.visits if "p" in v.staff] in ([3], [4])
    assert plan.unmet == []


def test_h4_recurring_discipline_requirement_reported_outside_its_window() -> None:
    plan = greedy(recurring_problem((0,)))
    assert not [v for v in plan.visits if "p" in v.staff and v.day in (3, 4)]
    assert rules(plan) == ["H4"]
    assert "no visit by a psychiatrist could be placed in the due window" in plan.unmet[0].detail


def continuity_problem(recent: frozenset[str], b_works: bool = True) -> Problem:
    staff = [make_staff("a"), make_staff("b", shifts={} if not b_works else {d: shift(d) for d in range(5)})]
    client = make_client("c", primary="a", itt=("a", "b"), recent_staff=recent)
    return make_problem(staff=staff, clients=[client])


def test_goal6_prefers_the_itt_member_who_saw_the_client_recently() -> None:
    assert greedy(continuity_problem(frozenset())).visits[0].staff == ("a",)
    plan = greedy(continuity_problem(frozenset({"b"})))
    assert plan.visits[0].staff == ("b",)
    assert not [p for p in plan.penalties if p.goal == RECENT]


def test_goal6_costs_a_visit_by_someone_else_when_they_are_away() -> None:
    plan = greedy(continuity_problem(frozenset({"b"}), b_works=False))
    assert plan.visits[0].staff == ("a",)
    assert [p.label for p in plan.penalties if p.goal == RECENT] == [
        "not a recent ITT member (client=c, day=0, staff=a)"
    ]


def test_full_solve_keeps_inpatient_visits_through_the_day_routes() -> None:
    plan = solve(inpatient_problem(), SolveParams(time_limit=3, seed=1))
    ward = [v for v in plan.visits if v.place == "hospital"]
    assert [(v.day, v.staff) for v in ward] == [(1, ("a",)), (2, ("a",))]
    assert "H13" not in [u.rule for u in plan.unmet]


def test_h5_a_paired_inpatient_visit_has_two_staff_one_of_them_on_the_itt() -> None:
    problem = inpatient_problem(paired=True, visits_per_week=0)
    plan = greedy(problem)
    ward = [v for v in plan.visits if v.place == "hospital"]
    assert [(v.day, v.staff) for v in ward] == [(1, ("a", "x")), (2, ("a", "x"))]
    # Without the ITT member at work, the pair cannot go: reported, not sent without them.
    plan = greedy(inpatient_problem(itt_works=(3, 4), paired=True, visits_per_week=0))
    assert [v for v in plan.visits if v.place == "hospital"] == []
    assert rules(plan) == ["H13"]


def test_replan_keeps_an_inpatient_visit_that_still_holds() -> None:
    problem = inpatient_problem()
    first = solve(problem, SolveParams(time_limit=2, greedy_only=True))
    ward = [v for v in first.visits if v.place == "hospital"]
    again = solve(
        replace(problem, baseline=Baseline(first.visits, from_day=2)), SolveParams(time_limit=2, seed=1)
    )
    assert [(v.day, v.staff, v.start) for v in again.visits if v.place == "hospital"] == [
        (v.day, v.staff, v.start) for v in ward
    ]
    assert again.moved == 0 and "H13" not in [u.rule for u in again.unmet]


def test_h13_two_stays_in_one_week_each_get_their_visits_at_their_own_hospital() -> None:
    """Transferred on Wednesday: one visit at the first hospital (Tue), one at the second (Wed-Thu)."""
    staff = [make_staff("a", shifts={d: shift(d, "07:00", "19:00") for d in range(5)})]
    patient = make_client("c", visits_per_week=0, availability={}, primary="a", itt=("a",))
    problem = make_problem(staff=staff, clients=[patient])
    points = [(0.0, 0.0)] * len(problem.travel) + [HOSPITAL, (60.0, 80.0)]
    travel = tuple(tuple(math.ceil(math.dist(a, b)) for b in points) for a in points)
    first = HospitalStay(days=(1,), visits=1, location=len(points) - 2, label="County")
    second = HospitalStay(days=(2, 3), visits=1, location=len(points) - 1, label="State")
    problem = replace(
        problem, travel=travel, clients=(replace(problem.clients[0], hospital=(first, second)),)
    )
    plan = greedy(problem)
    assert [(v.day, v.place) for v in plan.visits] == [(1, "hospital"), (2, "hospital")]
    assert plan.travel == 2 * 50 + 2 * 100
    assert plan.unmet == []
