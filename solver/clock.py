"""The solve's time budget and progress reports, shared by the engine and the day router."""

from __future__ import annotations

import time
from collections.abc import Callable

from solver.plan import Plan
from solver.problem import Progress, SolveParams

ProgressCallback = Callable[[Progress], bool | None]


class Clock:
    """Time budget and progress reports; a callback returning True asks to stop."""

    def __init__(self, params: SolveParams, on_progress: ProgressCallback | None) -> None:
        self.params = params
        self.on_progress = on_progress
        self.started = time.monotonic()
        self.stopped = False

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def remaining(self) -> float:
        return max(0.0, self.params.time_limit - self.elapsed)

    def report(
        self,
        phase: str,
        *,
        best_objective: float | None = None,
        unmet: int | None = None,
        message: str = "",
        plan: Plan | None = None,
    ) -> None:
        """Report a phase; with ``plan`` (the best so far) its objective, unmet count, visits
        and travel minutes, so the page can say what the plan holds, not only a score."""
        if self.on_progress is None:
            return
        visits = travel = None
        if plan is not None:
            best_objective = plan.objective if best_objective is None else best_objective
            unmet = len(plan.unmet) if unmet is None else unmet
            visits = len(plan.visits)
            minutes = plan.metrics.get("travel_minutes_total")
            travel = round(minutes) if isinstance(minutes, (int, float)) else None
        progress = Progress(
            phase=phase,
            elapsed=round(self.elapsed, 3),
            time_limit=self.params.time_limit,
            best_objective=best_objective,
            unmet=unmet,
            message=message,
            visits=visits,
            travel_minutes=travel,
        )
        if self.on_progress(progress):
            self.stopped = True

    @property
    def done(self) -> bool:
        return self.stopped or self.remaining <= 0
