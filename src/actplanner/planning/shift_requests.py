"""A contracted staff member's requests (FORMATS.md Part B, goal 7) and whether the published
roster of each request's week honoured it: the day off (no shift that date) or the shift type
asked for. A week with no published plan, or one made without rostered shifts, has not been
rostered yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from actplanner.db import Plan, Staff, Team
from actplanner.domain.week import monday_of
from actplanner.planning.day_items import is_rostered
from actplanner.planning.plans import published_plan

#: A request's state, in the words the page shows.
HONOURED, NOT_HONOURED, NOT_ROSTERED = "honoured", "not honoured", "not rostered yet"


@dataclass(frozen=True)
class RequestLine:
    date: date
    #: ``off``, or the shift type asked for.
    asked: str
    state: str
    #: What the roster gave instead, when it did not honour the request (``late 11:30–20:00``, ``off``).
    given: str | None = None

    @property
    def words(self) -> str:
        return "the day off" if self.asked == "off" else f"the {self.asked} shift"


def request_lines(*, session: Session, team: Team, member: Staff) -> list[RequestLine]:
    """The staff member's requests by date, each judged against its week's published plan."""
    contract = member.contract or {}
    plans: dict[date, Plan | None] = {}
    lines = []
    for request in contract.get("requests") or []:
        try:
            day = date.fromisoformat(str(request.get("date")))
        except ValueError:
            continue
        asked = "off" if request.get("off") else str(request.get("shift"))
        monday = monday_of(day)
        if monday not in plans:
            plans[monday] = published_plan(session=session, team_id=team.id, week_start=monday)
        lines.append(_judged(plans[monday], member.id, day, asked))
    return sorted(lines, key=lambda line: line.date)


def _judged(plan: Plan | None, staff_id: str, day: date, asked: str) -> RequestLine:
    if plan is None or not is_rostered(plan):
        return RequestLine(day, asked, NOT_ROSTERED)
    shift = next((s for s in plan.shifts if s.staff_id == staff_id and s.date == day), None)
    if asked == "off":
        if shift is None:
            return RequestLine(day, asked, HONOURED)
        return RequestLine(day, asked, NOT_HONOURED, f"{shift.type or ''} {shift.start}–{shift.end}".strip())
    if shift is not None and shift.type == asked:
        return RequestLine(day, asked, HONOURED)
    given = "off" if shift is None else f"{shift.type or ''} {shift.start}–{shift.end}".strip()
    return RequestLine(day, asked, NOT_HONOURED, given)
