"""A staff member's day as items (FORMATS.md Part B, H15 and H16): where the break fits,
and whether the team meeting holds.

The day is a sequence: shift start (at the start location), visits (at the client's
place), the team meeting (at the office), the break (no place), shift end (back at the
start location). A *gap* is the time between two consecutive items that have places; a
break fits in a gap when the gap holds the travel between its two places plus the break,
and the break lies inside the rule's window. The break moves no one, so it costs nothing
wherever it fits; it goes in the gap with the most room, where later moves are least
likely to squeeze it.

Pure functions of plain values, so the schedule (every insertion), the day router (its
results) and the plan's unmet list all read the same rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol

from solver.problem import DAY, WEEKDAY_NAMES, Window

#: The office is travel location 0 (the adapter's convention); the meeting is held there.
OFFICE = 0

Travel = Sequence[Sequence[int]]


class Timed(Protocol):
    """A visit in a route: where and when (a schedule ``Slot``)."""

    @property
    def client(self) -> str: ...
    @property
    def location(self) -> int: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


class Gap(NamedTuple):
    """The time between two consecutive items with places.

    ``position`` is the index in the route's visits a visit placed in this gap takes;
    ``start`` and ``before`` are when and where the earlier item ends, ``end`` and
    ``after`` when and where the later one starts.
    """

    position: int
    start: int
    before: int
    end: int
    after: int


def gaps(home: int, shift: Window, slots: Sequence[Timed], meeting: Window | None) -> list[Gap]:
    """Every gap of the day, in order: from the shift's start to its end, with the meeting
    (when the route holds one) between the visits before it and those starting at or after it."""
    out: list[Gap] = []
    end, where = shift.start, home
    pending = meeting is not None
    for position, slot in enumerate(slots):
        if pending and meeting is not None and slot.start >= meeting.start:
            out.append(Gap(position, end, where, meeting.start, OFFICE))
            end, where, pending = meeting.end, OFFICE, False
        out.append(Gap(position, end, where, slot.start, slot.location))
        end, where = slot.end, slot.location
    if pending and meeting is not None:
        out.append(Gap(len(slots), end, where, meeting.start, OFFICE))
        end, where = meeting.end, OFFICE
    out.append(Gap(len(slots), end, where, shift.end, home))
    return out


def break_room(
    after_end: int, before: int, before_start: int, after: int, travel: Travel, window: Window, minutes: int
) -> int:
    """How many minutes to spare a break of ``minutes`` has between an item ending at
    ``after_end`` at place ``before`` and one starting at ``before_start`` at ``after``:
    negative when it does not fit (the gap must hold the travel plus the break, and the
    break must lie inside ``window``)."""
    in_gap = before_start - after_end - travel[before][after] - minutes
    in_window = min(before_start, window.end) - max(after_end, window.start) - minutes
    return min(in_gap, in_window)


def place_break(gaps_of_day: Sequence[Gap], travel: Travel, window: Window, minutes: int) -> int | None:
    """The break's start: in the gap with the most room (the earliest of equal ones), as early
    in it as the window allows, so the travel follows it. None when no gap holds it."""
    best: tuple[int, int] | None = None
    for gap in gaps_of_day:
        room = break_room(gap.start, gap.before, gap.end, gap.after, travel, window, minutes)
        if room >= 0 and (best is None or room > best[0]):
            best = (room, max(gap.start, window.start))
    return None if best is None else best[1]


def squeezed_break(gaps_of_day: Sequence[Gap], travel: Travel, window: Window, minutes: int) -> int:
    """Where the break goes when no gap holds it: the plan still has exactly one break of the
    rule's length inside the window (its room in the day is what the plan reports unmet), in
    the gap that comes closest to holding it."""
    closest = max(
        gaps_of_day, key=lambda g: break_room(g.start, g.before, g.end, g.after, travel, window, minutes)
    )
    return max(window.start, min(max(closest.start, window.start), window.end - minutes))


def clock(minute: int) -> str:
    """Week minutes as the local time of their day ("08:30"; a day's end is "24:00")."""
    within = minute - (minute // DAY) * DAY
    if within == 0 and minute > 0:
        within = DAY
    return f"{within // 60:02d}:{within % 60:02d}"


def meeting_problems(
    staff: str, home: int, shift: Window, slots: Sequence[Timed], meeting: Window, travel: Travel
) -> list[str]:
    """H16: why this day does not hold the meeting, as sentences (empty when it does): a visit
    overlapping it, or no time to travel to the office before it or back after it."""
    day = WEEKDAY_NAMES[meeting.start // DAY]
    at = f"the team meeting ({clock(meeting.start)}–{clock(meeting.end)}) on {day}"
    found = [
        f"{staff}'s visit to {s.client} ({clock(s.start)}–{clock(s.end)}) overlaps {at}"
        for s in slots
        if s.start < meeting.end and meeting.start < s.end
    ]
    if found:
        return found
    before = [s for s in slots if s.end <= meeting.start]
    after = [s for s in slots if s.start >= meeting.end]
    if before:
        last = before[-1]
        trip = travel[last.location][OFFICE]
        if last.end + trip > meeting.start:
            found.append(
                f"{staff} cannot get from the visit to {last.client} (ends {clock(last.end)}) to {at} "
                f"at the office: the trip takes {trip} minutes"
            )
    else:
        trip = travel[home][OFFICE]
        if shift.start + trip > meeting.start:
            found.append(
                f"{staff} cannot reach {at} at the office: the shift starts at {clock(shift.start)} "
                f"and the trip from their start location takes {trip} minutes"
            )
    if after:
        first = after[0]
        trip = travel[OFFICE][first.location]
        if meeting.end + trip > first.start:
            found.append(
                f"{staff} cannot get from {at} at the office to the visit to {first.client} "
                f"(starts {clock(first.start)}): the trip takes {trip} minutes"
            )
    else:
        trip = travel[OFFICE][home]
        if meeting.end + trip > shift.end:
            found.append(
                f"{staff} cannot be back from {at} by the end of the shift ({clock(shift.end)}): "
                f"the trip from the office takes {trip} minutes"
            )
    return found


def break_problem(
    staff: str, shift: Window, window: Window | None, minutes: int, meeting: Window | None
) -> str:
    """H15: why ``staff``'s day on ``shift`` holds no break (the caller found no gap for it)."""
    day = WEEKDAY_NAMES[shift.start // DAY]
    head = f"{staff} has no {minutes}-minute break on {day}"
    if window is None or window.end - window.start < minutes:
        hours = f"{clock(shift.start)}–{clock(shift.end)}"
        return f"{head}: the shift ({hours}) leaves less than {minutes} minutes in the break window"
    why = (
        f"{head}: no gap between {clock(window.start)}–{clock(window.end)} holds it and the travel around it"
    )
    if meeting is not None and meeting.overlaps(window):
        return f"{why} (the team meeting is in the way)"
    return why


__all__ = [
    "OFFICE",
    "Gap",
    "break_problem",
    "break_room",
    "clock",
    "gaps",
    "meeting_problems",
    "place_break",
    "squeezed_break",
]
