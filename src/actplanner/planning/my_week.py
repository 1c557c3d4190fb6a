"""My week: one staff member's visits and on-call periods from the published plan, and a printable day sheet.

Staff see only their own week, with what the visits need: time, client code,
purpose, the co-worker of a paired visit and where to go. The home address is
protected health information, so each page that shows one is recorded in the
audit trail with the clients it showed. The team lead sees any staff member's
week, client names included.

With rostered shifts (FORMATS.md Part B) each day shows the shift (its type and
hours), the holiday it falls on, the break and the team meeting; a staff member
on a contract asks here for a day off or a shift type on a date, and sees whether
the published roster honoured each request (the lead sees the same).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from actplanner.audit.service import audit
from actplanner.db import Client, OnCallPeriod, Plan, Staff, Team, User, Visit
from actplanner.domain.errors import NotFound
from actplanner.domain.formats import FormatError
from actplanner.domain.map_links import MapLink, Phone, map_links, phone_of
from actplanner.domain.places import visit_hospital
from actplanner.domain.week import WeekError, monday_of, parse_day, team_today
from actplanner.planning.day_items import DayItem, WorkShift, staff_day
from actplanner.planning.plans import published_plan
from actplanner.planning.shift_requests import request_lines
from actplanner.teams.service import clear_request, get_staff, get_team, set_request
from actplanner.web.deps import (
    CurrentUserDep,
    DayOfWeekDep,
    DayPathDep,
    SessionDep,
    TeamQuery,
    resolve_team,
)
from actplanner.web.schemas import TEAM_ID_PATTERN
from actplanner.web.templating import render

router = APIRouter(tags=["pages"])

StaffQuery = Annotated[
    str | None, Query(pattern=TEAM_ID_PATTERN, max_length=100, description="Whose week (the lead only).")
]
ROLE_NAMES = {"primary": "Primary on call", "backup": "Backup on call", "prescriber": "Prescriber on call"}


@dataclass(frozen=True)
class VisitLine:
    """A visit as a staff member's week shows it."""

    date: date
    start: str
    end: str
    client_id: str
    code: str
    name: str | None
    purpose: str | None
    coworkers: list[str]
    address: str
    #: Links that open the place in the phone's maps app (one for a known phone, else two).
    map_links: tuple[MapLink, ...] = ()


@dataclass(frozen=True)
class OnCallLine:
    role: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Day:
    date: date
    shift: WorkShift | None
    visits: list[VisitLine]
    on_call: list[OnCallLine]
    #: The holiday's name, when the date is one of the team's holidays.
    holiday: str | None = None
    #: The break and the team meeting, in time order.
    items: list[DayItem] = field(default_factory=list)
    meeting_excused: bool = False

    @property
    def timeline(self) -> list[tuple[str, VisitLine | DayItem]]:
        """Visits, the break and the meeting in time order, each with its kind."""
        rows: list[tuple[str, VisitLine | DayItem]] = [("visit", v) for v in self.visits]
        rows += [("item", i) for i in self.items]
        return sorted(rows, key=lambda row: (row[1].start, row[0] == "visit"))


class Denied(Exception):
    """A user asked for a week that is not theirs to see."""

    def __init__(self, message: str, target: str) -> None:
        super().__init__(message)
        self.message = message
        self.target = target


def _whose(session: Session, user: User, staff: str | None, team: str | None) -> tuple[Team, Staff | None]:
    """The team and the staff member whose week ``user`` asks for; Denied when it is not theirs to see."""
    if user.role != "lead":
        if user.team_id is None or user.staff_id is None:
            raise HTTPException(
                status_code=403, detail="Your login is not linked to a staff member of a team."
            )
        if (staff is not None and staff != user.staff_id) or (team is not None and team != user.team_id):
            raise Denied("You can see only your own week.", f"staff:{team or user.team_id}/{staff}")
        own = get_team(session=session, team_id=user.team_id)
        return own, get_staff(session=session, team_id=user.team_id, staff_id=user.staff_id)
    found = resolve_team(session=session, user=user, asked=team)
    if found is None:
        raise HTTPException(status_code=404, detail="Choose a team first (open My week from the team page).")
    staff_id = staff or (user.staff_id if user.team_id == found.id else None)
    if staff_id is None:
        return found, None
    member = get_staff(session=session, team_id=found.id, staff_id=staff_id)
    if member is None:
        raise HTTPException(status_code=404, detail=f"No staff member {staff_id!r} in team {found.id!r}.")
    return found, member


def _address(client: Client | None, visit: Visit | None = None) -> str:
    if client is None:
        return ""
    # An inpatient visit goes to the hospital, not the home.
    hospital = visit_hospital(visit.place, client.episodes, visit.date) if visit is not None else None
    if hospital is not None:
        return hospital.words
    return client.home_label or f"{client.home_lat:.5f}, {client.home_lon:.5f}"


def _map_links(client: Client | None, visit: Visit, phone: Phone | None) -> tuple[MapLink, ...]:
    """The visit's place (the hospital of an inpatient visit, else the home) in the phone's maps app."""
    if client is None:
        return ()
    hospital = visit_hospital(visit.place, client.episodes, visit.date)
    if hospital is not None:
        return map_links(hospital.lat, hospital.lon, hospital.label, phone)
    return map_links(client.home_lat, client.home_lon, client.home_label, phone)


def _lines(
    session: Session, plan: Plan, member: Staff, team: Team, *, with_names: bool, phone: Phone | None = None
) -> tuple[list[VisitLine], list[OnCallLine]]:
    clients = {c.id: c for c in team.clients}
    names = {s.id: s.name for s in team.staff}
    visits: list[Visit] = sorted(
        (v for v in plan.visits if member.id in v.staff), key=lambda v: (v.date, v.start, v.id)
    )
    lines = [
        VisitLine(
            date=v.date,
            start=v.start,
            end=v.end,
            client_id=v.client_id,
            code=clients[v.client_id].code if v.client_id in clients else v.client_id,
            name=clients[v.client_id].name if with_names and v.client_id in clients else None,
            purpose=v.purpose,
            coworkers=[names.get(s, s) for s in v.staff if s != member.id],
            address=_address(clients.get(v.client_id), v),
            map_links=_map_links(clients.get(v.client_id), v, phone),
        )
        for v in visits
    ]
    periods: list[OnCallPeriod] = sorted(
        (p for p in plan.on_call if p.staff_id == member.id), key=lambda p: (p.start, p.role)
    )
    on_call = [
        OnCallLine(p.role, datetime.fromisoformat(p.start), datetime.fromisoformat(p.end)) for p in periods
    ]
    return lines, on_call


def _day(
    day: date,
    team: Team,
    plan: Plan | None,
    member: Staff,
    visits: list[VisitLine],
    on_call: list[OnCallLine],
) -> Day:
    start, end = (
        datetime.combine(day, datetime.min.time()),
        datetime.combine(day + timedelta(days=1), datetime.min.time()),
    )
    working = staff_day(team.policy, plan, member.id, member.shifts, day)
    return Day(
        date=day,
        shift=working.shift,
        visits=[v for v in visits if v.date == day],
        on_call=[p for p in on_call if p.start < end and p.end > start],
        holiday=working.holiday,
        items=working.items,
        meeting_excused=working.meeting_excused,
    )


def _audit_view(
    session: Session, user: User, team: Team, member: Staff, week: date, page: str, visits: list[VisitLine]
) -> None:
    if not visits:
        return
    # Addresses (and for the lead, names) are PHI: one record per page, naming every client shown.
    audit(
        session=session,
        user_id=user.id,
        action="view_phi",
        target=f"staff:{member.id}",
        detail={
            "team": team.id,
            "page": page,
            "week_start": week.isoformat(),
            "clients": sorted({v.client_id for v in visits}),
        },
    )


def _denied(request: Request, session: Session, user: User, denied: Denied) -> Response:
    # Rendered rather than raised, so the session commits and the refused attempt stays on record.
    audit(session=session, user_id=user.id, action="denied", target=denied.target, detail={"page": "my_week"})
    context = {"title": "Not allowed", "message": denied.message, "status_code": 403}
    return render(request, "error.html", context, status_code=403)


@router.get("/my-week", name="my_week")
def my_week(
    request: Request,
    session: SessionDep,
    user: CurrentUserDep,
    week: DayOfWeekDep,
    staff: StaffQuery = None,
    team: TeamQuery = None,
    saved: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """A staff member's visits and on-call periods day by day, from the week's published plan."""
    try:
        found, member = _whose(session, user, staff, team)
    except Denied as denied:
        return _denied(request, session, user, denied)
    monday = monday_of(week or team_today(found.timezone))
    return render(
        request,
        "planning/my_week.html",
        _week_context(
            session, user, found, member, monday, saved, phone=phone_of(request.headers.get("user-agent"))
        ),
    )


def _week_context(
    session: Session,
    user: User,
    found: Team,
    member: Staff | None,
    monday: date,
    saved: str | None = None,
    phone: Phone | None = None,
    **extra: Any,
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "team": found,
        "member": member,
        "week_start": monday,
        "previous_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7),
        "plan": None,
        "days": [],
        "on_call": [],
        "visit_count": 0,
        "show_names": user.role == "lead",
        "staff_choices": [],
        "role_names": ROLE_NAMES,
        "params": _params(user, found, member),
        "saved": saved,
        "requests": None,
        "request_form": {"date": "", "what": "off"},
        "request_error": None,
        "request_choices": [],
    }
    context.update(extra)
    if member is None:
        context["staff_choices"] = [(s.id, s.name) for s in found.staff]
        return context
    plan = published_plan(session=session, team_id=found.id, week_start=monday)
    if plan is not None:
        visits, on_call = _lines(session, plan, member, found, with_names=user.role == "lead", phone=phone)
        days = [_day(monday + timedelta(days=i), found, plan, member, visits, on_call) for i in range(7)]
        context.update(plan=plan, days=days, on_call=on_call, visit_count=len(visits))
        _audit_view(session, user, found, member, monday, "my_week", visits)
    if member.contract is not None:
        context["requests"] = request_lines(session=session, team=found, member=member)
        context["request_choices"] = [("off", "the day off")] + [
            (f"shift:{name}", f"the {name} shift") for name in member.contract.get("shift_types") or []
        ]
    return context


def _params(user: User, team: Team, member: Staff | None) -> str:
    """Query parameters that keep a lead on the week they chose (staff need none)."""
    parts = []
    if user.role == "lead" and user.team_id != team.id:
        parts.append(f"team={team.id}")
    if user.role == "lead" and member is not None and member.id != user.staff_id:
        parts.append(f"staff={member.id}")
    return "&".join(parts)


@router.get("/my-week/{day}/print", name="day_sheet")
def day_sheet(
    request: Request,
    session: SessionDep,
    user: CurrentUserDep,
    day: DayPathDep,
    staff: StaffQuery = None,
    team: TeamQuery = None,
) -> Response:
    """One day's route in order on a printable page: times, client codes, purposes, on call; no addresses."""
    try:
        found, member = _whose(session, user, staff, team)
    except Denied as denied:
        return _denied(request, session, user, denied)
    if member is None:
        raise HTTPException(status_code=404, detail="Choose a staff member (?staff=ID) to print their day.")
    monday = monday_of(day)
    plan = published_plan(session=session, team_id=found.id, week_start=monday)
    context: dict[str, Any] = {
        "team": found,
        "member": member,
        "day": None,
        "date": day,
        "plan": plan,
        "week_start": monday,
        "show_names": user.role == "lead",
        "role_names": ROLE_NAMES,
        "params": _params(user, found, member),
    }
    if plan is not None:
        visits, on_call = _lines(session, plan, member, found, with_names=user.role == "lead")
        context["day"] = _day(day, found, plan, member, visits, on_call)
        _audit_view(session, user, found, member, monday, "day_sheet", context["day"].visits)
    return render(request, "planning/day_sheet.html", context)


# ---------------------------------------------------------------------------------------------
# Requests (Part B, goal 7): a contracted staff member asks for a date off or for a shift type

RequestField = Annotated[str, Form(max_length=100)]


@router.post("/my-week/requests", name="my_week_request")
def ask(
    request: Request,
    session: SessionDep,
    user: CurrentUserDep,
    date: Annotated[str, Form(max_length=40)] = "",
    what: RequestField = "off",
    staff: RequestField = "",
    team: RequestField = "",
) -> Response:
    """Ask for the day off or a shift type on a date; one request a date, a new one replaces it."""
    return _change_request(request, session, user, date, what, staff, team, withdraw=False)


@router.post("/my-week/requests/withdraw", name="my_week_withdraw")
def withdraw(
    request: Request,
    session: SessionDep,
    user: CurrentUserDep,
    date: Annotated[str, Form(max_length=40)] = "",
    staff: RequestField = "",
    team: RequestField = "",
) -> Response:
    """Withdraw the request for a date."""
    return _change_request(request, session, user, date, "", staff, team, withdraw=True)


def _change_request(
    request: Request,
    session: Session,
    user: User,
    text: str,
    what: str,
    staff: str,
    team: str,
    *,
    withdraw: bool,
) -> Response:
    try:
        found, member = _whose(session, user, staff or None, team or None)
    except Denied as denied:
        return _denied(request, session, user, denied)
    if member is None:
        raise HTTPException(status_code=422, detail="staff: choose whose request this is.")
    form = {"date": text.strip(), "what": what}
    day: date | None = None
    try:
        day = parse_day(text.strip(), field="date") if text.strip() else None
        if day is None:
            raise FormatError(["date: choose the date of the request (YYYY-MM-DD)."])
        kind, _, shift = what.partition(":")
        if withdraw:
            clear_request(session, found.id, member.id, day, user_id=user.id)
            message = f"Withdrew the request for {day:%a %-d %b %Y}."
        elif kind == "shift" and shift:
            set_request(session, found.id, member.id, day, shift=shift, user_id=user.id)
            message = f"Asked for the {shift} shift on {day:%a %-d %b %Y}."
        elif kind == "off":
            set_request(session, found.id, member.id, day, off=True, user_id=user.id)
            message = f"Asked for {day:%a %-d %b %Y} off."
        else:
            raise FormatError(["what: choose the day off or a shift type."])
    except (FormatError, WeekError, NotFound) as err:
        words = "; ".join(err.messages) if isinstance(err, FormatError) else str(err)
        monday = monday_of(day or team_today(found.timezone))
        context = _week_context(
            session,
            user,
            found,
            member,
            monday,
            request_error=words,
            request_form=form,
            phone=phone_of(request.headers.get("user-agent")),
        )
        return render(request, "planning/my_week.html", context, status_code=422)
    params = {"week": monday_of(day).isoformat(), "saved": message}
    extra = _params(user, found, member)
    url = f"{request.app.url_path_for('my_week')}?{urlencode(params)}" + (f"&{extra}" if extra else "")
    return RedirectResponse(f"{url}#requests", status_code=303)
