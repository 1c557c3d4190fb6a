"""Part B of the team file as the checker reads it: shift types, contracts, the fixed window of
a date, leave by the minute, the break rule, the team meeting, and the shifts of history.

The checker's own reading of the raw documents (FORMATS.md Part B), sharing no code with the
adapter or ``domain.rostering``, so that a roster built wrongly there is caught here. Lenient:
a value it cannot read counts as absent, never an exception.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .context import WEEKDAYS, Context, as_dict, as_list, at, parse_date, parse_time, weekday
from .history import PLAN_FORMATS
from .travel import Place, as_point

Window = tuple[int, int]


@dataclass(frozen=True)
class BreakRule:
    """``policy.breaks``: a shift longer than ``after`` minutes has one break of ``minutes``
    inside [window_start, window_end]."""

    after: int
    minutes: int
    window_start: int
    window_end: int

    def applies(self, shift: Window) -> bool:
        return shift[1] - shift[0] > self.after


@dataclass(frozen=True)
class Meeting:
    """``policy.team_meeting`` on one date: [start, end) at the office."""

    day: date
    start: int
    end: int


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _window(start: object, end: object) -> Window | None:
    a, b = parse_time(start), parse_time(end, end=True)
    return (a, b) if a is not None and b is not None and a < b else None


def day_label(ctx: Context, day: date) -> str:
    """A date in words for messages: "fri 2026-12-25 (Christmas Day)" on a holiday."""
    name = ctx.holidays.get(day)
    return f"{weekday(day)} {day}" + (f" ({name})" if name else "")


def admits(ctx: Context, days: object, day: date) -> bool:
    """Whether a ``days`` list admits a date: a holiday matches only ``holiday``; without a list,
    mon–sun but not holidays (a shift type's default)."""
    name = ctx.day_name(day)
    if not isinstance(days, list):
        return name in WEEKDAYS
    return name in days


# -- staff ------------------------------------------------------------------------------------


def contract(ctx: Context, staff_id: str) -> dict | None:
    """The staff member's contract, None for fixed hours."""
    found = ctx.staff[staff_id].get("contract")
    return found if isinstance(found, dict) else None


def contracted(ctx: Context) -> dict[str, dict]:
    return {sid: c for sid in ctx.staff if (c := contract(ctx, sid)) is not None}


def max_days(terms: dict) -> int:
    return _int(terms.get("max_days_per_week")) or 5


def is_day_off(ctx: Context, terms: dict, day: date) -> bool:
    """A contract's day off: its weekday is in ``days_off`` (holiday or not), or it is a holiday
    and ``holiday`` is."""
    off = as_list(terms.get("days_off"))
    return weekday(day) in off or (day in ctx.holidays and "holiday" in off)


def shift_type(ctx: Context, name: object) -> tuple[Window, object] | None:
    """A policy shift type's window and its ``days`` (None when absent), None when unknown."""
    if not isinstance(name, str):
        return None
    spec = as_dict(as_dict(ctx.policy.get("shift_types")).get(name))
    window = _window(spec.get("start"), spec.get("end"))
    return (window, spec.get("days")) if window is not None else None


def leave_pieces(ctx: Context, staff_id: str, day: date, window: Window) -> list[tuple[datetime, datetime]]:
    """What is left of [start, end) of ``day`` outside the staff member's leave, in time order."""
    pieces = [(at(day, window[0]), at(day, window[1]))]
    for gap in ctx.leave(staff_id):
        pieces = [p for a, b in pieces for p in ((a, min(b, gap[0])), (max(a, gap[1]), b)) if p[0] < p[1]]
    return pieces


def fixed_window(ctx: Context, staff_id: str, day: date) -> Window | None:
    """H14: a fixed-hours staff member's window on a date: the team file's shift for its day name
    (``holiday`` on holidays) cut by leave, keeping the longer piece (the earlier on a tie);
    None on a day off, wholly on leave, or outside their employment."""
    if not ctx.employed_on(staff_id, day):
        return None
    raw = as_dict(ctx.staff[staff_id].get("shifts")).get(ctx.day_name(day))
    window = _window(*raw) if isinstance(raw, list) and len(raw) == 2 else None
    if window is None:
        return None
    pieces = leave_pieces(ctx, staff_id, day, window)
    if not pieces:
        return None
    a, b = max(pieces, key=lambda p: p[1] - p[0])  # max keeps the first of equals: the earlier.
    midnight = at(day, 0)
    return int((a - midnight).total_seconds()) // 60, int((b - midnight).total_seconds()) // 60


def on_leave_at(ctx: Context, staff_id: str, moment: datetime) -> bool:
    return any(a <= moment < b for a, b in ctx.leave(staff_id))


def wholly_on_leave(ctx: Context, staff_id: str, day: date) -> bool:
    """Whether leave covers the whole date, [00:00, 24:00)."""
    return not leave_pieces(ctx, staff_id, day, (0, 24 * 60))


# -- the break rule, the meeting, the office ---------------------------------------------------


def break_rule(ctx: Context) -> BreakRule | None:
    spec = as_dict(ctx.policy.get("breaks"))
    after, minutes = _int(spec.get("after_minutes")), _int(spec.get("minutes"))
    raw = spec.get("window")
    window = _window(*raw) if isinstance(raw, list) and len(raw) == 2 else None
    if after is None or minutes is None or window is None:
        return None
    return BreakRule(after, minutes, *window)


def working_minutes(rule: BreakRule | None, shift: Window) -> int:
    """End − start − its break: the break the rule asks of the shift (H15 judges the plan's)."""
    length = shift[1] - shift[0]
    return length - rule.minutes if rule is not None and rule.applies(shift) else length


def meeting_on(ctx: Context, day: date) -> Meeting | None:
    """The team meeting on a date its ``days`` admit, None otherwise."""
    spec = as_dict(ctx.policy.get("team_meeting"))
    window, days = _window(spec.get("start"), spec.get("end")), spec.get("days")
    if window is None or not isinstance(days, list) or not admits(ctx, days, day):
        return None
    return Meeting(day, *window)


def office(ctx: Context) -> Place:
    return Place("the office", ("office",), as_point(ctx.office))


def starts_at_office(ctx: Context, staff_id: str) -> bool:
    """A staff member without their own start leaves from the office."""
    return ctx.staff[staff_id].get("start") is None


# -- history ----------------------------------------------------------------------------------


def history_shifts(ctx: Context) -> dict[str, dict[date, Window]]:
    """Each staff member's shifts before the week, by date: the ``shifts`` of the history's plans
    of record (the last plan file given for a week before the plan's). A plan of record without
    ``shifts`` (plan@1) gives none: its contracted staff count as not working (FORMATS.md)."""
    if not ctx.dates:
        return {}
    records: dict[date, dict] = {}
    for doc in ctx.history:
        doc = as_dict(doc)
        week = parse_date(doc.get("week_start"))
        if doc.get("format") in PLAN_FORMATS and week is not None and week < ctx.dates[0]:
            records[week] = doc
    found: dict[str, dict[date, Window]] = {}
    for week in sorted(records):
        for raw in as_list(records[week].get("shifts")):
            raw = as_dict(raw)
            staff, day = raw.get("staff"), parse_date(raw.get("date"))
            window = _window(raw.get("start"), raw.get("end"))
            if isinstance(staff, str) and day is not None and window is not None and day < ctx.dates[0]:
                found.setdefault(staff, {})[day] = window
    return found


def weekend_dates(monday: date, weeks_back: int) -> tuple[date, date]:
    """The Saturday and Sunday of the week ``weeks_back`` weeks before the one of ``monday``."""
    saturday = monday + timedelta(days=5 - 7 * weeks_back)
    return saturday, saturday + timedelta(days=1)
