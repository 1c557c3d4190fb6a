"""Hard rule H17 (FORMATS.md Part B): enough staff working at every minute of each coverage window.

Working at minute t of a date: a plan shift that date with start ≤ t < end and no leave at t.
Visits, breaks and the meeting do not matter; being on call is not working. The minutes short
are also the plan's ``coverage_minutes_short`` metric, so the rule and the figure agree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from .context import Context, as_dict, as_list, at, hhmm, parse_time
from .report import Violation
from .roster import admits, day_label, on_leave_at

#: How many short spans a violation spells out before it sums up the rest.
_SHOWN_SPANS = 3


@dataclass(frozen=True)
class Need:
    """One coverage entry on one date it applies to."""

    index: int
    day: date
    start: int
    end: int
    min_staff: int
    by_discipline: dict[str, int]


@dataclass(frozen=True)
class Short:
    """A span of a need where some minimum fails, with who was working."""

    start: int
    end: int
    staff: int
    disciplines: Counter


def needs(ctx: Context) -> list[Need]:
    """Each readable coverage entry on each date of the week its ``days`` admit."""
    found: list[Need] = []
    for i, raw in enumerate(as_list(ctx.policy.get("coverage"))):
        raw = as_dict(raw)
        start, end = parse_time(raw.get("start")), parse_time(raw.get("end"), end=True)
        least, days = raw.get("min_staff", 0), raw.get("days")
        if (
            start is None
            or end is None
            or end <= start
            or not isinstance(least, int)
            or not isinstance(days, list)
        ):
            continue
        by_discipline = {d: n for d, n in as_dict(raw.get("min_by_discipline")).items() if isinstance(n, int)}
        found.extend(Need(i, d, start, end, least, by_discipline) for d in ctx.dates if admits(ctx, days, d))
    return found


def shortfalls(ctx: Context, need: Need) -> list[Short]:
    """The spans of ``need`` where fewer staff work than it asks, overall or of a discipline.

    The count only changes where a shift or a leave period starts or ends, so it is taken once
    per piece between those moments rather than at every minute."""
    shifts = [s for (sid, day), s in ctx.shift_of.items() if day == need.day]
    cuts = {need.start, need.end}
    for s in shifts:
        cuts.update((s.start, s.end))
        for gone, back in ctx.leave(s.staff):
            for moment in (gone, back):
                if moment.date() == need.day:
                    cuts.add(moment.hour * 60 + moment.minute)
    points = sorted(c for c in cuts if need.start <= c <= need.end)
    found: list[Short] = []
    for a, b in zip(points, points[1:], strict=False):
        working = [
            s.staff for s in shifts if s.start <= a < s.end and not on_leave_at(ctx, s.staff, at(need.day, a))
        ]
        disciplines = Counter(ctx.staff[sid].get("discipline") for sid in working)
        if len(working) >= need.min_staff and all(disciplines[d] >= n for d, n in need.by_discipline.items()):
            continue
        if (
            found
            and found[-1].end == a
            and (found[-1].staff, found[-1].disciplines) == (len(working), disciplines)
        ):
            found[-1] = Short(found[-1].start, b, len(working), disciplines)
        else:
            found.append(Short(a, b, len(working), disciplines))
    return found


def minutes_short(ctx: Context) -> int:
    """``coverage_minutes_short``: over every need, the minutes where some minimum fails."""
    return sum(s.end - s.start for need in needs(ctx) for s in shortfalls(ctx, need))


def h17_coverage(ctx: Context) -> list[Violation]:
    """Hard: at every minute of each coverage window on its days, at least ``min_staff`` staff
    work, with at least the stated number of each discipline; one violation per window and date."""
    if not ctx.part_b:
        return []
    found = []
    for need in needs(ctx):
        short = shortfalls(ctx, need)
        if not short:
            continue
        asked = f"{need.min_staff} staff" + "".join(
            f", {n} {d.replace('_', ' ')}" for d, n in sorted(need.by_discipline.items())
        )
        spans = [f"{hhmm(s.start)}–{hhmm(s.end)} ({_who(s, need)})" for s in short[:_SHOWN_SPANS]]
        if len(short) > _SHOWN_SPANS:
            spans.append(f"{len(short) - _SHOWN_SPANS} more span(s)")
        total = sum(s.end - s.start for s in short)
        found.append(
            Violation(
                "H17",
                f"Coverage {hhmm(need.start)}–{hhmm(need.end)} on {day_label(ctx, need.day)} needs "
                f"{asked} working; it is short for {total} minutes: {'; '.join(spans)}.",
                date=str(need.day),
            )
        )
    return found


def _who(short: Short, need: Need) -> str:
    parts = [f"{short.staff} working"]
    parts.extend(
        f"{short.disciplines[d]} {d.replace('_', ' ')}"
        for d, n in sorted(need.by_discipline.items())
        if short.disciplines[d] < n
    )
    return ", ".join(parts)
