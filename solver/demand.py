"""Visit demand: how many visit minutes the clients want, per day and time of day.

The roster cannot see routes, so it is told where visits are likely to fall: each client's
visits still needed are spread over the days they can be seen (at most one a day) and,
within a day, over their availability windows by length. A client seen only in the
evening so pulls a late shift, and a day with many visits pulls more staff. The engine's
feedback raises the demand of clients whose visits stayed unmet.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from solver.problem import Problem, Window

#: Share of a shift spent in visits; the rest is travel, notes and breaks. Turns visit
#: minutes into the staff-minutes of shift that serve them.
VISIT_SHARE = 0.5
#: How much more a client whose visits stayed unmet pulls in the re-roster.
RAISED = 3.0


@dataclass(frozen=True)
class Demand:
    """Visit minutes wanted inside ``window`` (spread evenly over it)."""

    window: Window
    minutes: float


def visit_demand(problem: Problem, raised: Iterable[str] = ()) -> tuple[Demand, ...]:
    """Every client's expected visit minutes per availability window; ``raised`` clients count
    ``RAISED`` times."""
    boost = set(raised)
    out: list[Demand] = []
    for client in problem.clients:
        days = [d for d, ws in sorted(client.availability.items()) if ws and client.counts(d)]
        wanted = client.visits_wanted
        if not days or wanted <= 0:
            continue
        per_day = min(1.0, wanted / len(days)) * client.visit_minutes
        if client.paired:
            per_day *= 2
        if client.id in boost:
            per_day *= RAISED
        for day in days:
            windows = client.availability[day]
            total = sum(w.end - w.start for w in windows)
            for w in windows:
                if total and w.end > w.start:
                    out.append(Demand(w, per_day * (w.end - w.start) / total))
    return tuple(out)


def staff_minutes_wanted(demand: Sequence[Demand], segment: Window) -> int:
    """Staff-minutes of shift worth having inside ``segment``: its share of each demand's
    visit minutes, over the share of a shift spent in visits."""
    minutes = 0.0
    for d in demand:
        overlap = min(d.window.end, segment.end) - max(d.window.start, segment.start)
        if overlap > 0:
            minutes += d.minutes * overlap / (d.window.end - d.window.start)
    return round(minutes / VISIT_SHARE)
