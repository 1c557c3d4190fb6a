"""Re-planning: baseline visits kept where they still hold, moves counted."""

from __future__ import annotations

from solver.plan import Caseload, Visit
from solver.problem import DAY, Baseline
from solver.replan import apply_baseline, count_moved, restorer
from solver.schedule import Schedule
from tests.support.solver_factories import make_client, make_problem, make_staff, minutes


def schedule_with(*staff_ids: str) -> Schedule:
    problem = make_problem(
        staff=[make_staff(s) for s in staff_ids], clients=[make_client("c", visits_per_week=2)]
    )
    return Schedule(problem, {"c": Caseload(staff_ids[0], staff_ids)}, {})


def visit(day: int, staff: str = "a", pinned: bool = False) -> Visit:
    start = day * DAY + minutes("10:00")
    return Visit("c", (staff,), day, start, start + 60, "home visit", pinned, id=f"v{day}")


def test_valid_baseline_visits_are_kept_with_their_ids() -> None:
    schedule = schedule_with("a")
    baseline = Baseline((visit(0), visit(2)), from_day=1)
    assert apply_baseline(schedule, baseline) == []
    assert sorted(schedule.visits["c"]) == [0, 2]
    assert schedule.ids == {("c", 0): "v0", ("c", 2): "v2"}
    assert count_moved(schedule, baseline) == 0


def test_a_visit_whose_staff_is_gone_is_dropped_and_counted_as_moved() -> None:
    schedule = schedule_with("a")
    baseline = Baseline((visit(2, staff="gone"),), from_day=1)
    apply_baseline(schedule, baseline)
    assert schedule.visits["c"] == {}
    assert count_moved(schedule, baseline) == 1


def test_a_past_visit_that_no_longer_fits_is_kept_and_reported() -> None:
    """H3: a visit before the re-plan date stays as it was, with the reason it breaks a rule."""
    schedule = schedule_with("a")
    (unmet,) = apply_baseline(schedule, Baseline((visit(0, staff="gone"),), from_day=1))
    assert unmet.rule == "H3" and "past visit on day 1" in unmet.detail
    assert schedule.visits["c"][0][0] == ("gone",)


def test_pinned_visits_are_marked_and_restorer_puts_visits_back() -> None:
    schedule = schedule_with("a")
    baseline = Baseline((visit(1, pinned=True), visit(3)), from_day=0)
    apply_baseline(schedule, baseline)
    assert schedule.pinned == {("c", 1)}
    schedule.remove_visit("c", 3)
    restorer(schedule, baseline)(schedule.clients["c"])
    assert sorted(schedule.visits["c"]) == [1, 3]
