"""The team lead's adjustments of a week's plan: a staff member's day, pins, moves, re-plans and sick calls.

The pages parse the form, call one verb of ``planning.edits`` and show what it
did. Pages show client codes only: a day's route is read on phones in cars.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Path, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from actplanner.checker import Violation
from actplanner.checker.report import RULE_TITLES
from actplanner.checker.words import Words
from actplanner.db import Plan, SolveJob, Team
from actplanner.domain import errors
from actplanner.domain.adapter import travel_matrix
from actplanner.domain.formats import FormatError, Location, TeamFile, dump_team
from actplanner.domain.places import visit_hospital
from actplanner.domain.week import week_dates
from actplanner.planning import edits, jobs, plans
from actplanner.planning.day_items import DayItem, staff_day
from actplanner.planning.edits import FLAG_PREFIX, BadEdit, MoveRefused, staff_name
from actplanner.planning.page_edits import edit_answer, edit_errors, lead_plan
from actplanner.planning.route_map import MapPoint, route_map_svg
from actplanner.teams import service as teams
from actplanner.web.deps import LeadDep, QueueDep, SessionDep, TeamDep, TodayDep, WeekDep, require_team
from actplanner.web.schemas import MAX_ID
from actplanner.web.templating import is_fragment_request, render, url_path

router = APIRouter(tags=["pages"])

#: Seconds a re-plan (from the day view or a sick call) may search: an answer within the morning meeting.
REPLAN_SECONDS = 30.0
#: Longest search a page may ask for.
MAX_REPLAN_SECONDS = 600.0

RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
ItemId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]+$", max_length=100)]
DAY_PAGE = "planning/day.html"
#: The day's route and an edit's outcome, as htmx swaps it in after an edit.
MOVE_RESULT = "planning/_move_result.html"


@dataclass(frozen=True)
class RouteStop:
    """One visit of a day's route, as the day view lists it."""

    number: int
    visit_id: str
    client_code: str
    purpose: str | None
    start: str
    end: str
    co_workers: tuple[str, ...]
    travel_before: int
    pinned: bool
    #: Where the visit takes place: the hospital's words for an inpatient visit, else None (the home).
    hospital: str | None = None


@dataclass(frozen=True)
class RouteItem:
    """An item of the day that is not a visit (Part B): the ``meeting`` at the office, with the
    travel to it, or the ``break`` (no place, no travel)."""

    kind: str
    start: str
    end: str
    travel_before: int = 0


@dataclass(frozen=True)
class DayRoute:
    """A staff member's visits on one date in start order, with the travel between them; under
    Part B the team meeting (at the office) and the break are items of the day among them."""

    stops: list[RouteStop]
    travel_back: int
    map_svg: str
    items: list[RouteItem] = field(default_factory=list)

    @property
    def total_travel(self) -> int:
        """Minutes of travel from leaving the start to getting back to it."""
        legs = [stop.travel_before for stop in self.stops] + [item.travel_before for item in self.items]
        return sum(legs) + self.travel_back

    @property
    def rows(self) -> list[tuple[str, RouteStop | RouteItem]]:
        """Visits and items in time order, each with its kind (``visit`` or ``item``)."""
        rows: list[tuple[str, RouteStop | RouteItem]] = [("visit", stop) for stop in self.stops]
        rows += [("item", item) for item in self.items]
        return sorted(rows, key=lambda row: (row[1].start, row[0] == "visit"))


@dataclass
class Outcome:
    """What an adjustment did: ``saved``, ``flagged`` (saved against the checker), ``refused``, ``error``."""

    kind: str
    message: str
    violations: list[Violation] = field(default_factory=list)
    link: str | None = None
    link_text: str = ""


# ---------------------------------------------------------------------------
# The day view


@router.get("/board/plans/{plan_id}/staff/{staff_id}/days/{date}", name="day_view")
def day_view(
    request: Request, session: SessionDep, user: LeadDep, plan_id: RowId, staff_id: ItemId, date: dt.date
) -> Response:
    """A staff member's route on one date: visits in order, travel legs, shift and a drawn map."""
    plan = lead_plan(session, user, plan_id)
    team = teams.team_file(session=session, team_id=plan.team_id)
    return render(request, DAY_PAGE, _day_context(request, session, plan, team, staff_id, date))


@router.post("/board/plans/{plan_id}/staff/{staff_id}/days/{date}/visits/{visit_id}/pin", name="pin_visit")
def pin_visit(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    plan_id: RowId,
    staff_id: ItemId,
    date: dt.date,
    visit_id: ItemId,
) -> Response:
    """Pin a visit (a re-plan keeps it exactly) or unpin it, in a new draft."""
    plan = lead_plan(session, user, plan_id)
    with edit_errors():
        saved, entry = edits.toggle_pin(
            session=session, plan_id=plan.id, staff_id=staff_id, visit_id=visit_id, user_id=user.id
        )
    team = teams.team_file(session=session, team_id=plan.team_id)
    what = "Pinned" if entry.get("pinned") else "Unpinned"
    code = _code(team, entry["client"])
    outcome = Outcome("saved", f"{what} visit {code}; saved as draft plan {saved.id}.")
    return _answer(request, session, saved, team, staff_id, date, outcome, after_save=True)


@router.post("/board/plans/{plan_id}/staff/{staff_id}/days/{date}/visits/{visit_id}/move", name="move_visit")
def move_visit(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    plan_id: RowId,
    staff_id: ItemId,
    date: dt.date,
    visit_id: ItemId,
    to_staff: Annotated[str, Form(max_length=100)] = "",
    to_date: Annotated[str, Form(max_length=10)] = "",
    to_start: Annotated[str, Form(max_length=8)] = "",
    flag: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Move a visit to another staff member, date or time; refused when it breaks a rule, unless flagged."""
    plan = lead_plan(session, user, plan_id)
    with edit_errors():
        edits.editable_plan(session=session, plan_id=plan.id)
    team = teams.team_file(session=session, team_id=plan.team_id)
    entry = edits.visit_entry_of(plans.stored_plan_doc(session=session, plan_id=plan.id), visit_id, staff_id)
    code = _code(team, entry["client"])
    try:
        day = _form_date(to_date, f"{to_date.strip()!r} is not a date (YYYY-MM-DD).")
        with edit_errors():
            moved = edits.move_visit(
                session=session,
                plan_id=plan.id,
                visit_id=visit_id,
                from_staff=staff_id,
                to_staff=to_staff,
                to_date=day,
                to_start=to_start,
                flag=bool(flag),
                user_id=user.id,
            )
    except BadEdit as err:
        outcome = Outcome("error", f"Visit {code} was not moved: {err}")
        return _answer(request, session, plan, team, staff_id, date, outcome, status_code=422)
    except MoveRefused as refused:
        where = _where(team, refused.entry)
        outcome = Outcome(
            "refused",
            f"Moving visit {code} to {where} was refused: it would break "
            f"{_count(len(refused.broken), 'hard rule')}. Nothing was saved.",
            refused.broken,
        )
        return _answer(request, session, plan, team, staff_id, date, outcome, status_code=409)
    saved, target = moved.plan, moved.entry
    message = f"Moved visit {code} to {_where(team, target)}; saved as draft plan {saved.id}."
    if moved.broken:
        message += " It breaks these rules, now listed in the plan's unmet list:"
    outcome = Outcome("flagged" if moved.broken else "saved", message, moved.broken)
    new_staff, new_day = target["staff"][0], dt.date.fromisoformat(target["date"])
    if staff_id not in target["staff"] or new_day != date:
        outcome.link = _day_url(request, saved.id, new_staff, new_day)
        outcome.link_text = f"Open the route of {staff_name(team, new_staff)} on {new_day:%a %-d %b}"
    return _answer(request, session, saved, team, staff_id, date, outcome, after_save=True)


@router.post("/board/plans/{plan_id}/resolve", name="replan")
def replan(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    queue: QueueDep,
    plan_id: RowId,
    time_limit: Annotated[float, Form(gt=0, le=MAX_REPLAN_SECONDS)] = REPLAN_SECONDS,
) -> Response:
    """Queue a re-plan of the plan's week that keeps its pinned visits and changes little else."""
    plan = lead_plan(session, user, plan_id)
    with edit_errors():
        edits.replan(session=session, queue=queue, plan_id=plan.id, time_limit=time_limit, user_id=user.id)
    return RedirectResponse(_board_url(request, plan.week_start), status_code=303)


# ---------------------------------------------------------------------------
# Sick calls and the changes a re-plan makes


@router.get("/board/sick-call", name="sick_call")
def sick_call_form(
    request: Request, session: SessionDep, user: LeadDep, team: TeamDep, week: WeekDep, today: TodayDep
) -> Response:
    """The form of a sick call: who is off, from which date to which."""
    team_file = teams.team_file(session=session, team_id=_chosen(team))
    first = min(max(today, week), week + dt.timedelta(days=6))
    form = {"staff": "", "first": first.isoformat(), "last": first.isoformat()}
    return _render_sick_call(request, session, team_file, week, form)


@router.post("/board/sick-call", name="record_sick_call")
def record_sick_call(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    week: WeekDep,
    queue: QueueDep,
    staff: Annotated[str, Form(max_length=100)] = "",
    first: Annotated[str, Form(max_length=10)] = "",
    last: Annotated[str, Form(max_length=10)] = "",
    time_limit: Annotated[float, Form(gt=0, le=MAX_REPLAN_SECONDS)] = REPLAN_SECONDS,
) -> Response:
    """Put a staff member on leave and queue a re-plan of the published week from their first day off.

    The leave and the queued job are one change: when either fails, neither is kept.
    """
    team_file = teams.team_file(session=session, team_id=_chosen(team))
    form = {"staff": staff, "first": first, "last": last}
    try:
        first_day = _form_date(first, f"The first day off, {first.strip()!r}, is not a date (YYYY-MM-DD).")
        last_day = _form_date(last, f"The last day off, {last.strip()!r}, is not a date (YYYY-MM-DD).")
        if first_day is None or last_day is None:
            raise BadEdit("Give the first and the last day off (YYYY-MM-DD).")
        job = edits.record_sick_call(
            session=session,
            queue=queue,
            team_id=team_file.team.id,
            staff_id=staff,
            first=first_day,
            last=last_day,
            week_start=week,
            time_limit=time_limit,
            user_id=user.id,
        )
    except FormatError as err:
        return _render_sick_call(request, session, team_file, week, form, "; ".join(err.messages), 422)
    except errors.JobConflict as err:
        return _render_sick_call(request, session, team_file, week, form, str(err), 409)
    except BadEdit as err:
        return _render_sick_call(request, session, team_file, week, form, str(err), 422)
    return RedirectResponse(request.app.url_path_for("replan_progress", job_id=job.id), status_code=303)


@router.get("/board/sick-call/jobs/{job_id}", name="replan_progress")
def replan_progress(request: Request, session: SessionDep, user: LeadDep, job_id: RowId) -> Response:
    """A re-plan's progress while it runs, then what it changed; htmx polls the fragment until then."""
    job = jobs.get_job(session=session, job_id=job_id)
    require_team(user, job.team_id)
    team_file = teams.team_file(session=session, team_id=job.team_id)
    context = _replan_context(request, session, team_file, job)
    if is_fragment_request(request):
        return render(request, "planning/_replan_diff.html", context)
    return render(request, "planning/sick_call.html", {**context, "mode": "progress", "week": job.week_start})


@router.get("/board/plans/{plan_id}/changes", name="plan_changes")
def plan_changes(request: Request, session: SessionDep, user: LeadDep, plan_id: RowId) -> Response:
    """What a plan changes against the published plan of its week, with a button to publish it."""
    plan = lead_plan(session, user, plan_id)
    team_file = teams.team_file(session=session, team_id=plan.team_id)
    context = {**_changes_context(request, session, team_file, plan), "job": None}
    if is_fragment_request(request):
        return render(request, "planning/_replan_diff.html", context)
    return render(request, "planning/sick_call.html", {**context, "mode": "changes", "week": plan.week_start})


# ---------------------------------------------------------------------------
# Helpers: plans and edits


def _form_date(text: str, message: str) -> dt.date | None:
    """A date field of a form (None when blank); BadEdit with ``message`` when it is not a date."""
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadEdit(message) from None


def _answer(
    request: Request,
    session: Session,
    plan: Plan,
    team: TeamFile,
    staff_id: str,
    day: dt.date,
    outcome: Outcome,
    *,
    after_save: bool = False,
    status_code: int = 200,
) -> Response:
    """htmx gets the route of ``plan`` with the outcome, a form the whole page; ``after_save`` (``plan``
    is the new draft) htmx also gets the draft's address and a form is redirected to it."""
    url = _day_url(request, plan.id, staff_id, day) if after_save else None
    return edit_answer(
        request,
        fragment=MOVE_RESULT,
        page=DAY_PAGE,
        context=partial(_day_context, request, session, plan, team, staff_id, day, outcome),
        redirect=url,
        push_url=url,
        status_code=status_code,
    )


# ---------------------------------------------------------------------------
# Helpers: the day's route


def _day_context(
    request: Request,
    session: Session,
    plan: Plan,
    team: TeamFile,
    staff_id: str,
    day: dt.date,
    outcome: Outcome | None = None,
) -> dict[str, Any]:
    staff = {m.id: m for m in team.staff}
    member = staff.get(staff_id)
    if member is None:
        raise HTTPException(status_code=404, detail=f"Team {team.team.id} has no staff member {staff_id!r}.")
    week = week_dates(plan.week_start)
    if day not in week:
        raise HTTPException(status_code=404, detail=f"{day} is not in the week of {plan.week_start}.")
    policy = dump_team(team)["policy"]
    fixed: dict[str, Any] = {name: span for name, span in member.shifts.items()}
    working = staff_day(policy, plan, staff_id, fixed, day)
    route = _route(team, plan, staff_id, day, working.items)
    leave = [
        period
        for period in member.leave
        if period.start < f"{day + dt.timedelta(days=1)}T00:00" and period.end > f"{day}T00:00"
    ]
    report = plans.checked(session=session, plan=plan, by=_viewer(request))
    clients = set(_day_clients(plan, staff_id, day))
    findings = [
        v
        for v in report.violations
        if v.date == day.isoformat() and (v.staff == staff_id or v.client in clients)
    ]
    flagged = [u for u in plan.unmet if str(u.get("detail", "")).startswith(FLAG_PREFIX)]
    index = week.index(day)
    return {
        "plan": plan,
        "staff": member,
        "day": day,
        "week_dates": week,
        "shift": working.shift,
        "holiday": working.holiday,
        "meeting_excused": working.meeting_excused,
        "leave": leave,
        "route": route,
        "team_staff": team.staff,
        "outcome": outcome,
        "editable": plan.status != "superseded",
        "findings": findings,
        "flagged": flagged,
        "rule_titles": RULE_TITLES,
        # Rules in words: staff by name, clients by code, dates as "Wed 2 Dec".
        "words": Words.of(team),
        "board_url": _board_url(request, plan.week_start),
        "prev_url": _day_url(request, plan.id, staff_id, week[index - 1]) if index > 0 else None,
        "next_url": _day_url(request, plan.id, staff_id, week[index + 1]) if index < 6 else None,
        "others": [
            (m.name, _day_url(request, plan.id, m.id, day), _visit_count(plan, m.id, day))
            for m in team.staff
            if m.id != staff_id
        ],
        "replan_url": url_path(request, "replan", plan_id=plan.id),
        "started_note": edits.started_note(session=session, team_id=plan.team_id, week_start=plan.week_start),
        "changes_url": url_path(request, "plan_changes", plan_id=plan.id),
        "sick_call_url": _sick_call_url(request, plan.week_start),
    }


def _day_clients(plan: Plan, staff_id: str, day: dt.date) -> list[str]:
    return [v.client_id for v in plan.visits if staff_id in v.staff and v.date == day]


def _visit_count(plan: Plan, staff_id: str, day: dt.date) -> int:
    return len(_day_clients(plan, staff_id, day))


def _route(team: TeamFile, plan: Plan, staff_id: str, day: dt.date, items: list[DayItem]) -> DayRoute:
    """The day's visits in start order and the travel legs between them, by the team's travel
    model; the team meeting is a stop at the office among them, the break a row without travel."""
    staff_index = {m.id: i for i, m in enumerate(team.staff)}
    client_index = {c.id: j for j, c in enumerate(team.clients)}
    clients = {c.id: c for c in team.clients}
    names = {m.id: m.name for m in team.staff}
    member = team.staff[staff_index[staff_id]]
    home = 1 + staff_index[staff_id]
    visits = sorted(
        (v for v in plan.visits if staff_id in v.staff and v.date == day), key=lambda v: (v.start, v.id)
    )
    # An inpatient visit's leg goes to its hospital: the matrix gains the day's hospitals last.
    hospitals = {
        v.id: found
        for v in visits
        if v.client_id in clients
        and (found := visit_hospital(v.place, clients[v.client_id].episodes, v.date)) is not None
    }
    located = list(hospitals.values())
    matrix = travel_matrix(team, [Location(lat=h.lat, lon=h.lon) for h in located])
    meetings = [i for i in items if i.kind == "meeting"]
    placed: list[Any] = sorted([*visits, *meetings], key=lambda p: (p.start, isinstance(p, DayItem)))
    stops, points, here = [], [], home
    route_items = [RouteItem(i.kind, i.start, i.end) for i in items if i.kind != "meeting"]
    number = 0
    for visit in placed:
        if isinstance(visit, DayItem):
            # The meeting is at the office, the travel matrix's place 0.
            route_items.append(RouteItem(visit.kind, visit.start, visit.end, matrix[here][0]))
            here = 0
            continue
        number += 1
        client = clients.get(visit.client_id)
        hospital = hospitals.get(visit.id)
        there = 1 + len(team.staff) + client_index[visit.client_id] if client else here
        if hospital is not None:
            there = 1 + len(team.staff) + len(team.clients) + located.index(hospital)
        stops.append(
            RouteStop(
                number=number,
                visit_id=visit.id,
                client_code=client.code if client else visit.client_id,
                purpose=visit.purpose,
                start=visit.start,
                end=visit.end,
                co_workers=tuple(names.get(s, s) for s in visit.staff if s != staff_id),
                travel_before=matrix[here][there],
                pinned=visit.pinned,
                hospital=hospital.words if hospital else None,
            )
        )
        if hospital is not None and client:
            points.append(MapPoint(hospital.lat, hospital.lon, client.code))
        elif client:
            points.append(MapPoint(client.home.lat, client.home.lon, client.code))
        here = there
    start = member.start or team.team.office
    label = "Office" if member.start is None else "Start"
    svg = route_map_svg(
        MapPoint(start.lat, start.lon, label),
        points,
        title=f"Route of {member.name} on {day:%A %-d %B}: {len(points)} stops",
    )
    return DayRoute(
        stops=stops, travel_back=matrix[here][home] if placed else 0, map_svg=svg, items=route_items
    )


def _code(team: TeamFile, client_id: str) -> str:
    return next((c.code for c in team.clients if c.id == client_id), client_id)


def _where(team: TeamFile, entry: dict[str, Any]) -> str:
    who = " and ".join(staff_name(team, s) for s in entry["staff"])
    day = dt.date.fromisoformat(entry["date"])
    return f"{who}, {day:%a %-d %b} {entry['start']}–{entry['end']}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _day_url(request: Request, plan_id: int, staff_id: str, day: dt.date) -> str:
    return str(request.app.url_path_for("day_view", plan_id=plan_id, staff_id=staff_id, date=day.isoformat()))


def _board_url(request: Request, week: dt.date) -> str:
    # The board is another router's page; until it exists its address is still the one to go to.
    return f"{url_path(request, 'board') or '/board'}?week={week.isoformat()}"


def _sick_call_url(request: Request, week: dt.date) -> str:
    return f"{request.app.url_path_for('sick_call')}?week={week.isoformat()}"


# ---------------------------------------------------------------------------
# Helpers: sick calls and changes


def _chosen(team: Team | None) -> str:
    """The id of the page's team; 400 for a lead of no team who has not said which of several."""
    if team is None:
        raise HTTPException(status_code=400, detail="Say which team: add ?team=<team id> to the address.")
    return team.id


def _render_sick_call(
    request: Request,
    session: Session,
    team: TeamFile,
    monday: dt.date,
    form: dict[str, str],
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    published = plans.published_plan(session=session, team_id=team.team.id, week_start=monday)
    context = {
        "mode": "form",
        "week": monday,
        "week_dates": week_dates(monday),
        "team_staff": team.staff,
        "form": form,
        "error": error,
        "published": published,
        "started_note": edits.started_note(session=session, team_id=team.team.id, week_start=monday),
        "action": f"{request.app.url_path_for('record_sick_call')}?week={monday.isoformat()}"
        + (f"&team={team.team.id}" if request.query_params.get("team") else ""),
        "board_url": _board_url(request, monday),
    }
    return render(request, "planning/sick_call.html", context, status_code=status_code)


@dataclass(frozen=True)
class ChangeRow:
    """One changed visit, by client code: where it was and where it is now."""

    code: str
    before: str | None
    after: str | None


def _viewer(request: Request) -> int | None:
    """The signed-in login whose reading of the contact log the check audits."""
    user = getattr(request.state, "user", None)
    return None if user is None else int(user.id)


def _replan_context(request: Request, session: Session, team: TeamFile, job: SolveJob) -> dict[str, Any]:
    context: dict[str, Any] = {
        "job": job,
        "progress_url": str(request.app.url_path_for("replan_progress", job_id=job.id)),
        "board_url": _board_url(request, job.week_start),
        "plan": None,
    }
    if job.plan_id is not None:
        plan = plans.get_plan(session=session, plan_id=job.plan_id)
        context.update(_changes_context(request, session, team, plan))
    return context


def _changes_context(request: Request, session: Session, team: TeamFile, plan: Plan) -> dict[str, Any]:
    published = plans.published_plan(session=session, team_id=plan.team_id, week_start=plan.week_start)
    changes = None
    if published is not None and published.id != plan.id:
        diff = plans.plan_diff(session=session, old_plan_id=published.id, new_plan_id=plan.id)
        code, where = partial(_code, team), partial(_where, team)
        changes = {
            "moved": [
                ChangeRow(code(m["after"]["client"]), where(m["before"]), where(m["after"]))
                for m in diff["moved"]
            ],
            "added": [ChangeRow(code(v["client"]), None, where(v)) for v in diff["added"]],
            "cancelled": [ChangeRow(code(v["client"]), where(v), None) for v in diff["cancelled"]],
        }
    # As publishing checks it (with the weeks before and the contact log), so this page's count
    # of broken rules is the one the publish question will ask about.
    report = plans.checked(session=session, plan=plan, by=_viewer(request))
    return {
        "plan": plan,
        "published": published,
        "changes": changes,
        "unexcused": report.unexcused,
        "rule_titles": RULE_TITLES,
        "words": Words.of(team),
        "board_url": _board_url(request, plan.week_start),
        # The board owns publishing (not the API's publish_plan, which takes a Bearer token).
        "publish_url": url_path(request, "board_publish", plan_id=plan.id)
        or f"/board/plans/{plan.id}/publish",
    }
