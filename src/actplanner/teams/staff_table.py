"""The team page's staff table: one line per staff member, in the words a lead says them.

The team file keeps machine values (leave as ``2026-12-04T12:00``, a contract's week as
``[2160, 2400]`` minutes, languages as ISO codes); the table says "Fri 4 Dec 12:00–17:00",
"36–40 h a week" and "Spanish". The form keeps the file's values, so a lead edits what is
saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from actplanner.domain.formats import WEEKDAYS
from actplanner.domain.words import day_words, language_name
from actplanner.teams.roster_forms import DAY_LABELS, DEFAULT_MAX_DAYS


@dataclass(frozen=True)
class StaffRow:
    """A staff member's line (``entry``: the team-file entry; ``index``: its place in the file)."""

    index: int
    entry: dict[str, Any]
    #: Their fixed shifts or their contract, in words.
    shifts: str
    #: Each leave period in words, in the file's order.
    leave: tuple[str, ...] = ()
    #: Their languages by name ("English, Spanish").
    languages: str = ""


def staff_rows(staff: list[dict[str, Any]]) -> list[StaffRow]:
    """Every staff member's line, in the file's order."""
    return [staff_row(i, entry) for i, entry in enumerate(staff)]


def staff_row(index: int, entry: dict[str, Any]) -> StaffRow:
    return StaffRow(
        index=index,
        entry=entry,
        shifts=hours_summary(entry),
        leave=tuple(leave_words(p) for p in entry.get("leave") or [] if isinstance(p, dict)),
        languages=", ".join(language_name(str(code)) for code in entry.get("languages") or []),
    )


def hours_summary(entry: dict[str, Any]) -> str:
    """What the staff table says of someone's hours: their fixed shifts, or their contract."""
    if isinstance(entry.get("contract"), dict):
        return contract_summary(entry["contract"])
    return shifts_summary(entry.get("shifts", {}))


def shifts_summary(shifts: dict[str, list[str]]) -> str:
    """``Mon–Fri 08:30–17:00, Sat 10:00–14:00``: runs of weekdays with the same shift."""
    parts: list[str] = []
    run: list[str] = []
    for day in [*WEEKDAYS, None]:
        span = shifts.get(day) if day else None
        if run and (
            span is None or span != shifts[run[0]] or WEEKDAYS.index(day) != WEEKDAYS.index(run[-1]) + 1
        ):
            days = run[0].title() if len(run) == 1 else f"{run[0].title()}–{run[-1].title()}"
            start, end = shifts[run[0]]
            parts.append(f"{days} {start}–{end}")
            run = []
        if span is not None and day is not None:
            run.append(day)
    holiday = shifts.get("holiday")
    if holiday:
        parts.append(f"Holidays {holiday[0]}–{holiday[1]}")
    return ", ".join(parts) or "no shifts"


def contract_summary(contract: dict[str, Any]) -> str:
    """``Contract: day, late · 36–40 h a week · at most 5 days``, for the staff table."""
    types = ", ".join(str(t) for t in contract.get("shift_types") or [])
    days = contract.get("max_days_per_week", DEFAULT_MAX_DAYS)
    parts = [f"Contract: {types}", week_words(contract.get("minutes_per_week")), f"at most {days} days"]
    off = contract.get("days_off") or []
    if off:
        parts.append("never " + ", ".join(DAY_LABELS.get(d, d) for d in off))
    return " · ".join(parts)


def week_words(minutes: Any) -> str:
    """A contract's fewest and most minutes a week in hours: "36–40 h a week", "36 h 30 min – 40 h a week"."""
    low, high = minutes if isinstance(minutes, list) and len(minutes) == 2 else (None, None)
    if not isinstance(low, int) or not isinstance(high, int):
        return "? h a week"  # The form refuses this; a file the check let through would say so.
    if low == high:
        return f"{duration_words(low)} a week"
    if low % 60 == 0 and high % 60 == 0:
        return f"{low // 60}–{high // 60} h a week"
    return f"{duration_words(low)} – {duration_words(high)} a week"


def duration_words(minutes: int) -> str:
    """Minutes as hours, keeping the minutes that are not a whole hour: "36 h", "36 h 30 min", "45 min"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def leave_words(period: dict[str, Any]) -> str:
    """A leave period as a lead says it: "Fri 4 Dec 12:00–17:00", "Fri 4 Dec 12:00 – Mon 7 Dec 17:00".

    The file's end is not included, so whole days (both ends at midnight) read as the days
    taken: "Thu 3 Dec, all day" or "Thu 3 Dec – Sun 6 Dec"."""
    start, end = _moment(period.get("start")), _moment(period.get("end"))
    if start is None or end is None:
        # Not a date-time the check accepts: as written, rather than nothing.
        return f"{_raw(period.get('start'))} – {_raw(period.get('end'))}"
    if start.time() == end.time() == datetime.min.time() and end > start:
        last = (end - timedelta(days=1)).date()
        first = start.date()
        return f"{day_words(first)}, all day" if last == first else f"{day_words(first)} – {day_words(last)}"
    if start.date() == end.date():
        return f"{day_words(start.date())} {start:%H:%M}–{end:%H:%M}"
    return f"{day_words(start.date())} {start:%H:%M} – {day_words(end.date())} {end:%H:%M}"


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _raw(value: Any) -> str:
    return str(value or "?").replace("T", " ")
