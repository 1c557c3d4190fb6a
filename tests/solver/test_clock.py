"""The solve's clock: progress reports, and a callback asking to stop."""

from __future__ import annotations

from solver.clock import Clock
from solver.problem import Progress, SolveParams


def test_report_passes_progress_and_a_true_answer_stops() -> None:
    seen: list[Progress] = []
    clock = Clock(SolveParams(time_limit=60), lambda p: seen.append(p) or p.phase == "stop")
    clock.report("week", best_objective=5.0, unmet=1)
    assert not clock.done
    clock.report("stop")
    assert clock.done and clock.stopped
    assert (seen[0].phase, seen[0].best_objective, seen[0].unmet, seen[0].time_limit) == ("week", 5.0, 1, 60)


def test_remaining_counts_down_from_the_limit() -> None:
    clock = Clock(SolveParams(time_limit=60), None)
    clock.report("ignored without a callback")
    assert 0 < clock.remaining <= 60 and not clock.done
