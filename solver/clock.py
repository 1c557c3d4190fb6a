"""The solve's time budget and progress reports, shared by the engine and the day router."""

from __future__ import annotations

import time
from collections.abc import Callable

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
    ) -> None:
        if self.on_progress is None:
            return
        progress = Progress(
            phase=phase,
            elapsed=round(self.elapsed, 3),
            time_limit=self.params.time_limit,
            best_objective=best_objective,
            unmet=unmet,
            message=message,
        )
        if self.on_progress(progress):
            self.stopped = True

    @property
    def done(self) -> bool:
        return self.stopped or self.remaining <= 0
