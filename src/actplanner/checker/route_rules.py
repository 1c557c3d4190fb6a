"""Hard rules H7–H8: each staff member's day must be a route they can drive."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from itertools import pairwise

from .context import Context, Visit, hhmm
from .report import Violation
from .travel import Place


@dataclass(frozen=True)
class Stop:
    """A visit with well-formed times, as one stop of a staff member's route."""

    visit: Visit
    start: int
    end: int

    @property
    def client(self) -> str:
        return self.visit.client

    @property
    def where(self) -> str:
        """The client, and the hospital for an inpatient visit (version 2)."""
        return f"{self.client} in hospital" if self.visit.in_hospital else self.client


def staff_days(ctx: Context) -> dict[tuple[str, date], list[Stop]]:
    """Each known staff member's timed visits per date, in start order."""
    days: dict[tuple[str, date], list[Stop]] = defaultdict(list)
    for visit in ctx.visits:
        if visit.start is None or visit.end is None:
            continue
        for sid in visit.staff:
            if sid in ctx.staff:
                days[(sid, visit.date)].append(Stop(visit, visit.start, visit.end))
    for stops in days.values():
        stops.sort(key=lambda s: (s.start, s.end, s.visit.id))
    return dict(sorted(days.items()))


def h7_routes(ctx: Context) -> list[Violation]:
    """Hard: a staff member's visits of a date leave time to travel, within their shift.

    Shift bounds are the shift of that date as written (a missing shift is H3's
    business); overlapping visits are reported as such, not as travel.
    """
    return [v for (sid, day), stops in staff_days(ctx).items() for v in _route(ctx, sid, day, stops)]


def _route(ctx: Context, sid: str, day: date, stops: list[Stop]) -> list[Violation]:
    found: list[Violation] = []

    def travel(a: Place, b: Place, stop: Stop) -> int:
        minutes = ctx.travel.minutes(a, b)
        if minutes is None:
            found.append(
                _h7(
                    stop,
                    sid,
                    f"The travel time from {a.label} to {b.label} cannot be "
                    "worked out from the team's travel model.",
                )
            )
        return minutes or 0

    home, shift = ctx.start_place(sid), ctx.shift(sid, day)
    first, last = stops[0], stops[-1]
    if shift is not None:
        trip = travel(home, ctx.place_of(first.visit), first)
        if first.start < shift[0] + trip:
            found.append(
                _h7(
                    first,
                    sid,
                    f"{sid} cannot reach {first.where} by "
                    f"{hhmm(first.start)} on {day}: the shift starts at "
                    f"{hhmm(shift[0])} and the trip takes {trip} minutes.",
                )
            )
    for before, after in pairwise(stops):
        if after.start < before.end:
            found.append(
                _h7(
                    after,
                    sid,
                    f"{sid} has two visits at once on {day}: "
                    f"{before.client} {hhmm(before.start)}–{hhmm(before.end)} and "
                    f"{after.client} {hhmm(after.start)}–{hhmm(after.end)}.",
                )
            )
            continue
        trip = travel(ctx.place_of(before.visit), ctx.place_of(after.visit), after)
        if after.start < before.end + trip:
            found.append(
                _h7(
                    after,
                    sid,
                    f"{sid} cannot get from {before.where} (ends "
                    f"{hhmm(before.end)}) to {after.where} by {hhmm(after.start)} "
                    f"on {day}: the trip takes {trip} minutes.",
                )
            )
    if shift is not None:
        trip = travel(ctx.place_of(last.visit), home, last)
        if last.end > shift[1] - trip:
            found.append(
                _h7(
                    last,
                    sid,
                    f"{sid} cannot be back by the end of their shift "
                    f"({hhmm(shift[1])}) on {day}: the visit to {last.where} ends "
                    f"{hhmm(last.end)} and the trip back takes {trip} minutes.",
                )
            )
    return found


def _h7(stop: Stop, sid: str, message: str) -> Violation:
    return Violation("H7", message, client=stop.client, staff=sid, date=str(stop.visit.date))


def h8_daily_limit(ctx: Context) -> list[Violation]:
    """Hard: no staff member has more than max_visits_per_day visits on a date."""
    counts: dict[tuple[str, date], int] = defaultdict(int)
    for visit in ctx.visits:
        for sid in visit.staff:
            if sid in ctx.staff:
                counts[(sid, visit.date)] += 1
    found = []
    for (sid, day), count in sorted(counts.items()):
        limit = ctx.staff[sid].get("max_visits_per_day")
        if isinstance(limit, int) and count > limit:
            found.append(
                Violation(
                    "H8",
                    f"{sid} has {count} visits on {day}; their limit is {limit} a day.",
                    staff=sid,
                    date=str(day),
                )
            )
    return found
