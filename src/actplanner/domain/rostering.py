"""Part B dates: day names under holidays, fixed hours of a date, and contract history.

FORMATS.md Part B, "Day names": a holiday date matches only ``holiday``; its weekday's
entries do not apply. A shift type without ``days`` admits mon–sun, not holidays. In
``days_off`` a weekday name also covers that weekday when it is a holiday, and
``holiday`` means no holidays. The adapter and the team file's contradiction checks
read these rules here, so they are written once.

Contract history (H18 across the week boundary, goal 8) is read from the plans of
record's ``shifts``: a week whose plan has none counts as not worked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta

from actplanner.domain.formats import WEEKDAYS, Staff, TeamFile, minutes
from actplanner.domain.formats.plan import PlanShift
from actplanner.domain.formats.team import Contract, ShiftType
from actplanner.domain.history import History
from solver import problem as sv

HOLIDAY = "holiday"
#: H18: the consecutive-days and rest rules look this far back across the week boundary.
WORKED_BEFORE_DAYS = 14
#: H18: the weekends rule reads the 4 weekends ending with the week's, so 3 before it.
WEEKENDS_BEFORE = 3
SATURDAY, SUNDAY = 5, 6


def holiday_dates(team: TeamFile) -> frozenset[date]:
    """The dates of ``policy.holidays``."""
    return frozenset(date.fromisoformat(h.date) for h in team.policy.holidays)


def day_name(day: date, holidays: Iterable[date] = ()) -> str:
    """The name a date matches in a ``days`` list: ``holiday`` on a holiday, else its weekday."""
    return HOLIDAY if day in holidays else WEEKDAYS[day.weekday()]


def type_admits(shift_type: ShiftType, name: str) -> bool:
    """Whether a shift type may be worked on a day of this name (no ``days``: mon–sun)."""
    return name != HOLIDAY if shift_type.days is None else name in shift_type.days


def is_day_off(contract: Contract, day: date, holidays: Iterable[date] = ()) -> bool:
    """H18 ``days_off``: a weekday name covers that weekday even when it is a holiday, and
    ``holiday`` covers every holiday."""
    if WEEKDAYS[day.weekday()] in contract.days_off:
        return True
    return HOLIDAY in contract.days_off and day in holidays


def fixed_window(member: Staff, day: date, holidays: Iterable[date] = ()) -> tuple[int, int] | None:
    """A fixed-hours staff member's window on ``day`` in minutes after midnight, before leave
    and employment: the ``holiday`` entry on a holiday (none: off), else the weekday's."""
    span = member.shifts.get(day_name(day, holidays))  # type: ignore[call-overload]
    if span is None:
        return None
    return minutes(span[0]), minutes(span[1])


def working_minutes(start: int, end: int, team: TeamFile) -> int:
    """A shift's working minutes: end − start − its break (FORMATS.md Part B)."""
    rule = team.policy.breaks
    length = end - start
    return length - rule.minutes if rule is not None and length > rule.after_minutes else length


def _shifts_of(staff_id: str, history: History | None) -> list[tuple[date, PlanShift]]:
    """Every shift of ``staff_id`` in the plans of record, by date (a later plan of the same
    week was already chosen by ``read_history``)."""
    if history is None:
        return []
    found = [
        (date.fromisoformat(s.date), s)
        for record in history.plans.values()
        for s in record.shifts or ()
        if s.staff == staff_id
    ]
    return sorted(found, key=lambda pair: (pair[0], pair[1].start))


def worked_before(
    staff_id: str, history: History | None, week_start: date, days: int = WORKED_BEFORE_DAYS
) -> tuple[sv.Window, ...]:
    """The shift windows of the ``days`` dates before the week, in the week's minutes
    (negative), earliest first: what the rest and consecutive-days rules read across the
    boundary."""
    monday = datetime.combine(week_start, time())
    since = week_start - timedelta(days=days)
    out = []
    for day, shift in _shifts_of(staff_id, history):
        if since <= day < week_start:
            start = datetime.combine(day, time()) - monday
            offset = start // timedelta(minutes=1)
            out.append(sv.Window(offset + minutes(shift.start), offset + minutes(shift.end)))
    return tuple(out)


def weekends_before(
    staff_id: str, history: History | None, week_start: date, weekends: int = WEEKENDS_BEFORE
) -> int:
    """How many of the ``weekends`` weekends before the week's were worked (a Saturday or
    Sunday with a shift; a weekend with no plan counts as not worked)."""
    worked = {day for day, _ in _shifts_of(staff_id, history)}
    count = 0
    for k in range(1, weekends + 1):
        saturday = week_start + timedelta(days=SATURDAY - 7 * k)
        if saturday in worked or saturday + timedelta(days=1) in worked:
            count += 1
    return count


def weekend_or_holiday(day: date, holidays: Iterable[date] = ()) -> bool:
    """Goal 8: a Saturday, a Sunday or a holiday."""
    return day.weekday() in (SATURDAY, SUNDAY) or day in holidays


def fair_before(
    staff_id: str, history: History | None, week_start: date, weeks: int, holidays: Iterable[date] = ()
) -> int:
    """Goal 8: the staff member's weekend and holiday shifts in the ``weeks`` weeks before the
    week (holidays as today's team file names them)."""
    since = week_start - timedelta(weeks=weeks)
    held = frozenset(holidays)
    return sum(
        1
        for day, _ in _shifts_of(staff_id, history)
        if since <= day < week_start and weekend_or_holiday(day, held)
    )


def wholly_on_leave(day: date, leave: Sequence[tuple[datetime, datetime]]) -> bool:
    """Whether leave periods (local date-times) together cover all of ``day``, 00:00 to 24:00."""
    at = datetime.combine(day, time())
    end = at + timedelta(days=1)
    for start, stop in sorted(leave):
        if start > at:
            return False
        at = max(at, stop)
        if at >= end:
            return True
    return at >= end
