"""What a team prints: the whole team's week on one landscape page, and the day's assignment sheet.

The week (``/board/print``) is a staff × day table of the week's plan: each cell the
staff member's shift (the type and hours when rostered, FORMATS.md Part B; their fixed
hours otherwise), leave, and their visits as start time and client code; under it who
is on call each day, with the holidays named in the header. A team of up to
``STAFF_PER_PAGE`` staff (the standard team has 13) prints on one page a week; a larger
team prints that many staff a page, each page with the header and the on-call rows, so
each sheet stands on the wall alone. ``weeks`` prints several weeks, a page break
between them.

The day sheet (``/board/print/day``) is one block per staff member working that date:
shift, on call, and the visits, break and team meeting in time order; a block never
splits across pages.

Both show client codes only, as the board does (no name, no address), so, as the board,
they leave no view record in the audit trail. Both are pages of their own, with no
navigation and no form: a link back to the board is hidden when printed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from actplanner.db import Plan, Team, User
from actplanner.domain.formats import ROLES
from actplanner.domain.week import WeekError, monday_of, parse_day, week_dates
from actplanner.domain.words import purpose_label
from actplanner.planning.board import MAX_WEEKS, _shown_plan, _week_of, board_href, on_call_rota
from actplanner.planning.day_items import DayItem, WorkShift, holiday_names, staff_day
from actplanner.planning.plans import published_plan, week_plans
from actplanner.web.deps import LeadDep, SessionDep, TeamDep, TodayDep
from actplanner.web.templating import render

router = APIRouter(tags=["pages"])

#: Staff rows a printed week page holds: the standard team (13) on one page, with room for a few more.
STAFF_PER_PAGE = 16
ROLE_NAMES = {"primary": "Primary on call", "backup": "Backup on call", "prescriber": "Prescriber on call"}


# ---------------------------------------------------------------------------------------------
# The week


@dataclass(frozen=True)
class PrintVisit:
    """A visit as a printed cell shows it: start time and client code; ``shared`` when paired."""

    start: str
    end: str
    code: str
    shared: bool


@dataclass(frozen=True)
class PrintCell:
    day: date
    shift: WorkShift | None
    leave: bool
    visits: list[PrintVisit]


@dataclass(frozen=True)
class PrintRow:
    staff_id: str
    name: str
    discipline: str
    cells: list[PrintCell]


@dataclass(frozen=True)
class DayHead:
    day: date
    holiday: str | None
    weekend: bool


@dataclass(frozen=True)
class PrintPage:
    """One printed sheet of a week: some of the staff (all of a team up to ``STAFF_PER_PAGE``)."""

    rows: list[PrintRow]
    number: int
    count: int


@dataclass(frozen=True)
class PrintWeek:
    week: date
    heads: list[DayHead]
    plan: Plan | None
    pages: list[PrintPage]
    #: (role's words, who holds the period starting each date)
    rota: list[tuple[str, list[str]]]

    @property
    def draft(self) -> bool:
        return self.plan is not None and self.plan.status != "published"


def printed_plan(session: Session, team_id: str, week: date, plan_id: int | None = None) -> Plan | None:
    """The plan a printed week shows: the one asked for, else the published plan (what staff work
    to), else the plan the board shows (a draft, printed as such)."""
    plans = week_plans(session=session, team_id=team_id, week_start=week)
    if plan_id is not None:
        return _shown_plan(plans, plan_id)
    return published_plan(session=session, team_id=team_id, week_start=week) or _shown_plan(plans, None)


def _on_leave(leave: list[Any], day: date) -> bool:
    """Whether any leave period touches ``day`` (ISO date-times compare as text)."""
    first, after = f"{day.isoformat()}T00:00", f"{(day + timedelta(days=1)).isoformat()}T00:00"
    return any(str(p.get("start", "")) < after and str(p.get("end", "")) > first for p in leave or [])


def print_week(team: Team, plan: Plan | None, week: date) -> PrintWeek:
    """A week of ``team`` as it prints, from ``plan`` (None: the week has no plan yet)."""
    days = week_dates(week)
    holidays = holiday_names(team.policy)
    heads = [DayHead(d, holidays.get(d), d.weekday() >= 5) for d in days]
    if plan is None:
        return PrintWeek(week, heads, None, [], [])
    codes = {c.id: c.code for c in team.clients}
    by_cell: dict[tuple[str, date], list[PrintVisit]] = {}
    for visit in sorted(plan.visits, key=lambda v: (v.date, v.start)):
        for sid in visit.staff:
            by_cell.setdefault((sid, visit.date), []).append(
                PrintVisit(
                    visit.start, visit.end, codes.get(visit.client_id, visit.client_id), len(visit.staff) > 1
                )
            )
    rows = []
    for member in team.staff:
        cells = [
            PrintCell(
                day=d,
                shift=staff_day(team.policy, plan, member.id, member.shifts, d).shift,
                leave=_on_leave(member.leave, d),
                visits=by_cell.get((member.id, d), []),
            )
            for d in days
        ]
        rows.append(PrintRow(member.id, member.name, member.discipline.replace("_", " "), cells))
    chunks = [rows[i : i + STAFF_PER_PAGE] for i in range(0, len(rows), STAFF_PER_PAGE)] or [[]]
    pages = [PrintPage(chunk, n, len(chunks)) for n, chunk in enumerate(chunks, start=1)]
    roles = [r for r in ROLES if (team.policy.get("on_call") or {}).get("roles", {}).get(r) is not None]
    names = {s.id: s.name for s in team.staff}
    rota = [
        (ROLE_NAMES.get(r, r), held)
        for r, held in zip(roles, on_call_rota(plan, days, roles, names), strict=True)
    ]
    return PrintWeek(week, heads, plan, pages, rota)


def _print_href(path: str, team: Team, user: User, **query: Any) -> str:
    params = {k: v for k, v in query.items() if v is not None}
    if user.team_id != team.id:
        params["team"] = team.id
    return path + "?" + urlencode(params)


@router.get("/board/print", name="print_week")
def print_weeks(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    today: TodayDep,
    week: Annotated[str | None, Query(max_length=40)] = None,
    weeks: Annotated[int, Query(ge=1, le=MAX_WEEKS)] = 1,
    plan: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """The team's roster and visits of a week (or ``weeks`` weeks) on landscape pages, for the wall."""
    if team is None:
        return RedirectResponse("/board", status_code=303)
    monday, _text, errors = _week_of(today, week)
    if monday is None:
        context = {"title": "Not valid", "message": errors["week"], "status_code": 422}
        return render(request, "error.html", context, status_code=422)
    printed = []
    for k in range(weeks):
        first = monday + timedelta(weeks=k)
        # A plan asked for by id belongs to one week: the first.
        chosen = printed_plan(session, team.id, first, plan if k == 0 else None)
        printed.append(print_week(team, chosen, first))
    context = {
        "team": team,
        "weeks": printed,
        "role_names": ROLE_NAMES,
        "board_url": board_href(team, user, monday),
        "day_url": lambda d: _print_href("/board/print/day", team, user, date=d.isoformat()),
    }
    return render(request, "planning/print_week.html", context)


# ---------------------------------------------------------------------------------------------
# The day's assignment sheet


@dataclass(frozen=True)
class SheetLine:
    """A line of a staff member's printed day: a visit (code, purpose, with whom) or an item."""

    start: str
    end: str
    code: str | None = None
    purpose: str | None = None
    with_staff: tuple[str, ...] = ()
    item: DayItem | None = None


@dataclass(frozen=True)
class SheetBlock:
    staff_id: str
    name: str
    discipline: str
    shift: WorkShift | None
    on_call: list[str]
    lines: list[SheetLine]
    meeting_excused: bool


def _when(moment: str) -> str:
    """A period's local start or end as a sheet says it: "Tue 1 Dec 08:30"."""
    return f"{datetime.fromisoformat(moment):%a %-d %b %H:%M}"


def day_blocks(team: Team, plan: Plan, day: date) -> list[SheetBlock]:
    """One block per staff member who works ``day`` or has a visit or is on call in it."""
    codes = {c.id: c.code for c in team.clients}
    names = {s.id: s.name for s in team.staff}
    midnight, next_midnight = f"{day.isoformat()}T00:00", f"{(day + timedelta(days=1)).isoformat()}T00:00"
    blocks = []
    for member in team.staff:
        working = staff_day(team.policy, plan, member.id, member.shifts, day)
        lines = [
            SheetLine(
                v.start,
                v.end,
                code=codes.get(v.client_id, v.client_id),
                purpose=purpose_label(v.purpose),
                with_staff=tuple(names.get(s, s) for s in v.staff if s != member.id),
            )
            for v in plan.visits
            if v.date == day and member.id in v.staff
        ]
        lines += [SheetLine(i.start, i.end, item=i) for i in working.items]
        lines.sort(key=lambda line: (line.start, line.item is None))
        on_call = [
            f"{ROLE_NAMES.get(p.role, p.role)} {_when(p.start)} – {_when(p.end)}"
            for p in sorted(plan.on_call, key=lambda p: p.start)
            if p.staff_id == member.id and p.start < next_midnight and p.end > midnight
        ]
        if working.shift is None and not lines and not on_call:
            continue
        blocks.append(
            SheetBlock(
                member.id,
                member.name,
                member.discipline.replace("_", " "),
                working.shift,
                on_call,
                lines,
                working.meeting_excused,
            )
        )
    return blocks


@router.get("/board/print/day", name="print_day")
def print_day(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    today: TodayDep,
    date: Annotated[str | None, Query(max_length=40)] = None,
    plan: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """The day's assignment sheet: each staff member's visits, break and meeting, a block each."""
    if team is None:
        return RedirectResponse("/board", status_code=303)
    try:
        day = parse_day(date, field="date") if date and date.strip() else today
    except WeekError as err:
        context = {"title": "Not valid", "message": str(err), "status_code": 422}
        return render(request, "error.html", context, status_code=422)
    week = monday_of(day)
    chosen = printed_plan(session, team.id, week, plan)
    context = {
        "team": team,
        "day": day,
        "plan": chosen,
        "holiday": holiday_names(team.policy).get(day),
        "blocks": [] if chosen is None else day_blocks(team, chosen, day),
        "board_url": board_href(team, user, week),
        "week_url": _print_href("/board/print", team, user, week=week.isoformat()),
    }
    return render(request, "planning/print_day.html", context)
