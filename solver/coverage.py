"""H17 coverage: who is working at each minute of a coverage window, and where it falls short.

Counting works on segments: a coverage window cut at every start and end of the shifts
that could cover it, so the count is constant inside a segment and checking one minute
of each segment checks every minute (FORMATS.md Part B: "at every minute t").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from solver.plan import Unmet
from solver.problem import DAY, WEEKDAY_NAMES, CoverageNeed, Staff, Window


def segments(window: Window, cuts: Iterable[Window]) -> list[Window]:
    """``window`` cut at the starts and ends of ``cuts`` that fall inside it, in order."""
    points = {window.start, window.end}
    for w in cuts:
        for t in (w.start, w.end):
            if window.start < t < window.end:
                points.add(t)
    ordered = sorted(points)
    return [Window(a, b) for a, b in zip(ordered, ordered[1:], strict=False)]


def clock(minute: int) -> str:
    """Week minutes as the local time of their day ("17:00"; a day's end is "24:00")."""
    within = minute - (minute // DAY) * DAY
    if within == 0 and minute > 0:
        within = DAY
    return f"{within // 60:02d}:{within % 60:02d}"


@dataclass(frozen=True)
class Short:
    """A span of one coverage need where a minimum fails: the fewest staff (and of each
    listed discipline) working at any minute of it."""

    need: CoverageNeed
    window: Window
    staff: int
    by_discipline: tuple[tuple[str, int], ...]

    @property
    def day(self) -> int:
        return self.window.start // DAY

    def sentence(self) -> str:
        missing = []
        if self.staff < self.need.min_staff:
            missing.append(f"{self.need.min_staff} staff needed, {self.staff} working")
        working = dict(self.by_discipline)
        for discipline, wanted in self.need.by_discipline:
            if working.get(discipline, 0) < wanted:
                missing.append(
                    f"{wanted} {discipline.replace('_', ' ')}{'s' if wanted > 1 else ''} needed, "
                    f"{working.get(discipline, 0)} working"
                )
        return (
            f"Coverage is short on {WEEKDAY_NAMES[self.day]} {clock(self.window.start)}-"
            f"{clock(self.window.end)}: {'; '.join(missing)}."
        )


def working_at(staff: Iterable[Staff], window: Window) -> list[Staff]:
    """The staff whose shift covers all of ``window`` (a segment: covering part means all)."""
    return [
        s
        for s in staff
        if (w := s.shifts.get(window.start // DAY)) is not None and w.contains(window.start, window.end)
    ]


def short_spans(staff: Iterable[Staff], need: CoverageNeed) -> list[Short]:
    """H17 for one need: the spans (adjacent short segments merged) where a minimum fails."""
    people = list(staff)
    day = need.window.start // DAY
    cuts = [w for s in people if (w := s.shifts.get(day)) is not None]
    found: list[Short] = []
    for seg in segments(need.window, cuts):
        here = working_at(people, seg)
        counts = tuple((d, sum(s.discipline == d for s in here)) for d, _ in need.by_discipline)
        if len(here) >= need.min_staff and all(
            n >= k for (_, n), (_, k) in zip(counts, need.by_discipline, strict=True)
        ):
            continue
        last = found[-1] if found else None
        if last is not None and last.window.end == seg.start:
            merged = tuple((d, min(a, b)) for (d, a), (_, b) in zip(last.by_discipline, counts, strict=True))
            found[-1] = Short(need, Window(last.window.start, seg.end), min(last.staff, len(here)), merged)
        else:
            found.append(Short(need, seg, len(here), counts))
    return found


def minutes_short(staff: Iterable[Staff], needs: Iterable[CoverageNeed]) -> int:
    """The ``coverage_minutes_short`` metric: minutes where any minimum fails, once per need."""
    people = list(staff)
    return sum(s.window.end - s.window.start for need in needs for s in short_spans(people, need))


def coverage_unmet(staff: Iterable[Staff], needs: Iterable[CoverageNeed]) -> list[Unmet]:
    """H17 in words: one entry per short span, with its day."""
    people = list(staff)
    return [Unmet("H17", s.sentence(), day=s.day) for need in needs for s in short_spans(people, need)]
