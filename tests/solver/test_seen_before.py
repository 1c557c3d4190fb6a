"""A re-plan with what happened in the solver: ``Client.seen_before`` (FORMATS.md, version 2).

Visits kept before the re-plan day count for nothing (the contact log speaks for those
days): H1 places exactly the visits still needed, H2 spaces from the last planned seen
day, H4 is not met by a kept visit. Each rule once as the log tells it and once as the
plan alone would (the version 1 reading, which the log breaks).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from solver.greedy import fill
from solver.plan import Caseload, Visit
from solver.problem import DAY, Baseline, SeenBefore, SkillRequirement, Window
from solver.replan import apply_baseline
from solver.schedule import Schedule
from tests.support.solver_factories import make_client, make_problem, make_staff, minutes


def kept(day: int, staff: str = "a") -> Visit:
    start = day * DAY + minutes("10:00")
    return Visit("c", (staff,), day, start, start + 60, "home visit", id=f"v{day}")


def placed_days(seen: SeenBefore | None, *visits: Visit, **client: object) -> list[int]:
    """The days of the visits the greedy fill adds from day 3 on, after keeping ``visits``."""
    staff = [make_staff("a"), make_staff("n", "nurse", skills=frozenset({"lai_injection"}))]
    problem = make_problem(staff=staff, clients=[replace(make_client("c", **client), seen_before=seen)])
    schedule = Schedule(problem, {"c": Caseload("a", ("a", "n"))}, {})
    apply_baseline(schedule, Baseline(visits, from_day=3))
    before = set(schedule.visits["c"])
    fill(schedule, problem.clients, range(3, 7))
    return sorted(set(schedule.visits["c"]) - before)


def test_h1_places_the_visits_still_needed_however_many_were_kept() -> None:
    """Three visits kept Monday to Wednesday, two of them no-shows: two more from Thursday."""
    visits = (kept(0), kept(1), kept(2))
    assert placed_days(SeenBefore(from_day=3, visits=2, last_planned_day=0), *visits, visits_per_week=3) == [
        3,
        4,
    ]
    assert placed_days(None, *visits, visits_per_week=3) == []


def test_h2_spaces_from_the_last_planned_seen_day_not_from_a_no_show() -> None:
    """Two days apart: Wednesday seen keeps Thursday free; Wednesday a no-show does not."""
    only_thursday = {3: (Window(3 * DAY + minutes("09:00"), 3 * DAY + minutes("17:00")),)}
    rules = {"visits_per_week": 2, "min_gap_days": 2, "availability": only_thursday}
    assert placed_days(SeenBefore(from_day=3, visits=1, last_planned_day=2), kept(2), **rules) == []
    assert placed_days(SeenBefore(from_day=3, visits=1, last_planned_day=0), kept(2), **rules) == [3]
    assert placed_days(None, kept(2), **rules) == []


def test_h2_spacing_reaches_into_the_week_before() -> None:
    """Seen last Sunday (day −1), two days apart: not on Monday."""
    seen = SeenBefore(from_day=0, visits=1, last_planned_day=-1)
    staff = [make_staff("a")]
    problem = make_problem(staff=staff, clients=[replace(make_client("c", min_gap_days=2), seen_before=seen)])
    schedule = Schedule(problem, {"c": Caseload("a", ("a",))}, {})
    fill(schedule, problem.clients)
    assert sorted(schedule.visits["c"]) == [1]


def test_h4_a_kept_visit_meets_no_requirement() -> None:
    """The nurse's kept Wednesday visit was a no-show: the injection due Wednesday or Thursday
    is placed again on Thursday, with the nurse."""
    injection = (SkillRequirement("lai_injection", (2, 3)),)
    rules = {"visits_per_week": 2, "skill_requirements": injection}
    seen = SeenBefore(from_day=3, visits=2, last_planned_day=None)
    staff = [make_staff("a"), make_staff("n", "nurse", skills=frozenset({"lai_injection"}))]
    problem = make_problem(staff=staff, clients=[replace(make_client("c", **rules), seen_before=seen)])
    schedule = Schedule(problem, {"c": Caseload("a", ("a", "n"))}, {})
    apply_baseline(schedule, Baseline((kept(2, staff="n"),), from_day=3))
    assert fill(schedule, problem.clients, range(3, 7)) == []
    assert schedule.visits["c"][3][0] == ("n",)
    assert sorted(schedule.visits["c"]) == [2, 3, 4]
    assert len(placed_days(None, kept(2, staff="n"), **rules)) == 1  # the kept visit met it and counted


def test_negative_visits_still_needed_are_refused() -> None:
    with pytest.raises(ValueError, match="Negative visits"):
        SeenBefore(from_day=3, visits=-1)
