"""A staff member's working day as the pages show it (FORMATS.md Part B): their shift, the holiday
it falls on, and the items of the day besides visits: the break and the team meeting.

My week, My day and the lead's day view read it from a stored plan the same way. A plan with
``shifts`` (Part B) says who works when; a plan without them (Part A) leaves the fixed hours of
the team file in force. The break is the plan's; the meeting is the policy's, attended on its
days by everyone whose shift covers it, except last night's primary on call when
``rest_next_day_start`` is later than its start (H16). Client data is never read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from actplanner.db import Plan
from actplanner.domain.rostering import day_name

#: What a page calls each kind of item.
ITEM_WORDS = {"break": "Break", "meeting": "Team meeting"}


@dataclass(frozen=True)
class WorkShift:
    """A working window on one date: a contracted staff member's shift type, None for fixed hours."""

    type: str | None
    start: str
    end: str

    @property
    def words(self) -> str:
        """``late 11:30–20:00``, or ``08:30–17:00`` for fixed hours."""
        hours = f"{self.start}–{self.end}"
        return f"{self.type} {hours}" if self.type else hours


@dataclass(frozen=True)
class DayItem:
    """An item of a staff member's day that is not a visit: ``break`` (no place) or ``meeting``
    (at the office)."""

    kind: str
    start: str
    end: str

    @property
    def words(self) -> str:
        where = " at the office" if self.kind == "meeting" else ""
        return f"{ITEM_WORDS[self.kind]} {self.start}–{self.end}{where}"


@dataclass(frozen=True)
class StaffDay:
    """One staff member's date: shift (None: not working), the holiday's name, breaks and meeting."""

    day: date
    shift: WorkShift | None
    holiday: str | None = None
    items: list[DayItem] = field(default_factory=list)
    #: Last night's primary on call, excused from this morning's meeting.
    meeting_excused: bool = False

    @property
    def breaks(self) -> list[DayItem]:
        return [item for item in self.items if item.kind == "break"]


def holiday_names(policy: dict[str, Any]) -> dict[date, str]:
    """The policy's holidays by date."""
    names: dict[date, str] = {}
    for holiday in policy.get("holidays") or []:
        try:
            names[date.fromisoformat(str(holiday.get("date")))] = str(holiday.get("name") or "")
        except ValueError:
            continue
    return names


def is_rostered(plan: Plan | None) -> bool:
    """Whether the plan says who works when (Part B ``shifts``, even an empty list)."""
    return plan is not None and (bool(plan.shifts) or "shifts" in (plan.given_defaults or []))


def staff_day(
    policy: dict[str, Any], plan: Plan | None, staff_id: str, fixed: dict[str, Any], day: date
) -> StaffDay:
    """``staff_id``'s ``day`` from ``plan`` (None: no plan), their fixed hours ``fixed`` (the
    team file's ``shifts``) where the plan does not roster, and the team's ``policy``."""
    holidays = holiday_names(policy)
    shift = _shift(plan, staff_id, fixed, day, holidays)
    items: list[DayItem] = []
    if plan is not None:
        items += [
            DayItem("break", b.start, b.end) for b in plan.breaks if b.staff_id == staff_id and b.date == day
        ]
    excused = False
    meeting = _meeting(policy, day, holidays, shift)
    if meeting is not None:
        if _rested(policy, plan, staff_id, day, meeting.start):
            excused = True
        else:
            items.append(meeting)
    items.sort(key=lambda i: (i.start, i.end))
    return StaffDay(day, shift, holidays.get(day), items, excused)


def _shift(
    plan: Plan | None, staff_id: str, fixed: dict[str, Any], day: date, holidays: dict[date, str]
) -> WorkShift | None:
    if is_rostered(plan):
        assert plan is not None
        found = next((s for s in plan.shifts if s.staff_id == staff_id and s.date == day), None)
        return None if found is None else WorkShift(found.type, found.start, found.end)
    # Fixed hours: on a holiday only the holiday entry (Part B "Day names"); a plan without
    # holidays in its team never meets one.
    span = fixed.get(day_name(day, holidays))
    if isinstance(span, list | tuple) and len(span) == 2:
        return WorkShift(None, str(span[0]), str(span[1]))
    return None


def _meeting(
    policy: dict[str, Any], day: date, holidays: dict[date, str], shift: WorkShift | None
) -> DayItem | None:
    """The team meeting of ``day`` when the shift covers it (HH:MM text compares in time order)."""
    meeting = policy.get("team_meeting")
    if not isinstance(meeting, dict) or shift is None:
        return None
    if day_name(day, holidays) not in (meeting.get("days") or []):
        return None
    start, end = str(meeting.get("start")), str(meeting.get("end"))
    if not (shift.start <= start and end <= shift.end):
        return None
    return DayItem("meeting", start, end)


def _rested(policy: dict[str, Any], plan: Plan | None, staff_id: str, day: date, start: str) -> bool:
    """H16's exception: primary on call through the night before (this plan's periods), when
    ``rest_next_day_start`` is later than the meeting's start."""
    rest = (policy.get("on_call") or {}).get("rest_next_day_start")
    if plan is None or not rest or rest <= start:
        return False
    midnight = f"{day.isoformat()}T00:00"
    return any(
        p.role == "primary" and p.staff_id == staff_id and p.start < midnight < p.end for p in plan.on_call
    )
