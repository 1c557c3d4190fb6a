"""On call: who is on call now (page, read-only team link), and the lead's swaps, covers and links.

The lookup is for a crisis: a phone, maybe no JavaScript, maybe an answering
service with a link and no login. So its pages load nothing but their own
stylesheet, run no script, refresh themselves every minute, and read only the
published plans and overrides (``on_call_now``): no solve, no worker.
A read-only link shows staff names, roles and phone numbers, never client data.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from actplanner.accounts.service import token_grant
from actplanner.db import Team, User, utcnow
from actplanner.domain.errors import NotFound
from actplanner.domain.rota import COVERAGE_HORIZON, utc_to_local
from actplanner.on_call.document import parse_at
from actplanner.on_call.links import (
    PERSONAL_NAME,
    create_on_call_link,
    get_on_call_link,
    on_call_links,
    revoke_on_call_link,
)
from actplanner.on_call.personal import is_personal, personal_links, revoke_personal_link
from actplanner.on_call.service import (
    cancel_override,
    coverage_gaps,
    get_override,
    list_overrides,
    on_call_now,
    record_override,
    swap_stretches,
    team_rota,
)
from actplanner.on_call.views import ROLE_NAMES, rota_days, swap_periods, team_roles
from actplanner.teams.service import get_team, list_teams
from actplanner.web.deps import (
    CurrentReaderDep,
    LeadDep,
    ReadSessionDep,
    SessionDep,
    TeamDep,
    TeamQuery,
    link_still_valid,
    note_use,
    require_team,
    resolve_team,
)
from actplanner.web.schemas import MAX_ID
from actplanner.web.templating import render

router = APIRouter(tags=["pages"])

AtQuery = Annotated[str | None, Query(max_length=64, description="Another moment (ISO 8601); default now.")]
Text = Annotated[str, Form(max_length=200)]
Id = Annotated[int, Path(ge=1, le=MAX_ID)]

#: Fields of the cover form; a service error naming one of them is shown beside it.
COVER_FIELDS = ("role", "staff", "start", "end", "note")
#: A read-only link's path is a password: no Referer may carry it elsewhere, no cache may keep the page.
LINK_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


# ---------------------------------------------------------------------------------------------
# The lookup


def _lookup_team(session: Session, user: User, team: str | None) -> Team | None:
    """The team whose on-call ``user`` looks up; None when a lead with no team has not chosen one."""
    if user.role != "lead" and user.team_id is None:
        raise HTTPException(status_code=403, detail="Your login is not linked to a team.")
    return resolve_team(session=session, user=user, asked=team)


def _moment(team: Team, at: str | None) -> tuple[datetime | None, str | None]:
    """The moment asked for (None: now) and any error about it."""
    if not at:
        return None, None
    try:
        return parse_at(at, ZoneInfo(team.timezone)), None
    except ValueError as err:
        return None, str(err)


def _answer_context(session: Session, team: Team, at: str | None) -> dict[str, Any]:
    moment, error = _moment(team, at)
    answer = on_call_now(session=session, team_id=team.id, at=moment or utcnow())
    # Tonight's answer comes first: only a gap that has begun goes above it; one ahead is a
    # line below it (as the CLI prints "Ahead:"), so a phone's first screen is who to call.
    return {
        "answer": answer,
        "at_error": error,
        "at_value": answer.at.strftime("%Y-%m-%dT%H:%M"),
        "asked_at": moment is not None,
        "role_names": ROLE_NAMES,
        "gaps_now": [gap for gap in answer.primary_gaps if gap.start <= answer.at],
        "gaps_ahead": [gap for gap in answer.primary_gaps if gap.start > answer.at],
    }


@router.get("/on-call", name="on_call")
def on_call(
    request: Request,
    session: ReadSessionDep,
    user: CurrentReaderDep,
    team: TeamQuery = None,
    at: AtQuery = None,
) -> Response:
    """Who is on call now (or at ``?at=``) for each role, the escalation order and any gap ahead."""
    if request.headers.get("HX-Request") == "true":
        # A boosted link from another page would swap this page into that one, keeping its
        # scripts and losing this page's refresh; a full load gives the phone a plain page.
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return Response(status_code=204, headers={"HX-Redirect": target})
    found = _lookup_team(session, user, team)
    context: dict[str, Any] = {
        "team": found,
        "teams": [],
        "is_lead": user.role == "lead",
        "team_field": None if found is None or user.team_id == found.id else found.id,
    }
    if found is None:
        context["teams"] = list_teams(session=session)
        return render(request, "on_call/on_call.html", context)
    context.update(_answer_context(session, found, at))
    return render(request, "on_call/on_call.html", context, status_code=422 if context["at_error"] else 200)


@router.get("/on-call/t/{token}", name="on_call_link")
def on_call_link(
    request: Request,
    session: ReadSessionDep,
    token: Annotated[str, Path(max_length=200)],
    at: AtQuery = None,
) -> Response:
    """The lookup for a read-only link: no login, no client data.

    A team link (an answering service, a kiosk) or a staff member's own, saved to their
    phone's home screen: that one also names its manifest and icons and says how to save it.
    """
    row = token_grant(session=session, token=token, kinds=("on_call_link",))
    if row is None or row.team_id is None or not link_still_valid(row):
        raise HTTPException(status_code=404, detail="This on-call link is unknown or has been revoked.")
    note_use(request, row)
    found = get_team(session=session, team_id=row.team_id)
    context = _answer_context(session, found, at)
    context["team"] = found
    context["token"] = token
    personal = row.name == PERSONAL_NAME
    return render(
        request,
        "on_call/on_call_phone_link.html" if personal else "on_call/on_call_link.html",
        context,
        status_code=422 if context["at_error"] else 200,
        headers=LINK_HEADERS,
    )


def manage_context(
    session: Session,
    user: User,
    team: Team,
    *,
    cover: dict[str, str] | None = None,
    cover_errors: dict[str, str] | None = None,
    swap: dict[str, str] | None = None,
    swap_errors: dict[str, str] | None = None,
    link_errors: dict[str, str] | None = None,
    new_link: str | None = None,
) -> dict[str, Any]:
    """Everything ``on_call/on_call_manage.html`` shows of a team's next two weeks on call."""
    tz = ZoneInfo(team.timezone)
    now = utcnow().astimezone(tz).replace(second=0, microsecond=0)
    holdings = team_rota(session=session, team=team, start=now, end=now + COVERAGE_HORIZON)
    roles = team_roles(team)
    names = {s.id: s.name for s in team.staff}
    default_start = now + timedelta(hours=1)
    return {
        "team": team,
        "team_field": None if user.team_id == team.id else team.id,
        "now": now,
        "roles": roles,
        "role_names": ROLE_NAMES,
        "staff": [(s.id, f"{s.name} ({s.discipline.replace('_', ' ')})") for s in team.staff],
        "names": names,
        "days": rota_days(holdings, roles, names, now, tz),
        "periods": swap_periods(holdings, roles, names, now, tz),
        "overrides": list_overrides(session=session, team_id=team.id, ending_after=utc_to_local(now, tz)),
        "coverage_gaps": coverage_gaps(session=session, team_id=team.id, now=now),
        "links": on_call_links(session=session, team_id=team.id),
        "personal_links": personal_links(session=session, team_id=team.id),
        "cover": cover
        or {
            "role": roles[0] if roles else "",
            "staff": "",
            "start": default_start.strftime("%Y-%m-%dT%H:00"),
            "end": (default_start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:00"),
            "note": "",
        },
        "cover_errors": cover_errors or {},
        "swap": swap or {"first": "", "second": "", "note": ""},
        "swap_errors": swap_errors or {},
        "link_errors": link_errors or {},
        "new_link": new_link,
    }


def _chosen(team: Team | None) -> Team:
    """The team a form changes; a lead with no team must have chosen one on the page."""
    if team is None:
        raise HTTPException(status_code=422, detail="Choose the team first.")
    return team


def manage_href(request: Request, team: Team, user: User, anchor: str = "") -> str:
    query = f"?{urlencode({'team': team.id})}" if user.team_id != team.id else ""
    return f"{request.app.url_path_for('on_call_manage')}{query}{anchor}"


def _field_error(message: str, fields: tuple[str, ...], default: str) -> dict[str, str]:
    """A service's ``field: message`` as ``{field: message}``; other messages go to ``default``."""
    field, _, rest = message.partition(": ")
    return {field: rest} if field in fields and rest else {default: message}


@router.get("/on-call/manage", name="on_call_manage")
def manage(request: Request, session: SessionDep, user: LeadDep, team: TeamDep) -> Response:
    """The lead's on-call page: the coming two weeks, live overrides, cover and swap forms, links."""
    found = team
    if found is None:
        context = {"team": None, "teams": list_teams(session=session)}
        return render(request, "on_call/on_call_manage.html", context)
    return render(request, "on_call/on_call_manage.html", manage_context(session, user, found))


@router.post("/on-call/manage/cover", name="on_call_cover")
def cover(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    role: Text = "",
    staff: Text = "",
    start: Text = "",
    end: Text = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Record that a staff member holds a role over a stretch of local time (a cover); audited."""
    found = _chosen(team)
    values = {"role": role, "staff": staff, "start": start, "end": end, "note": note}
    try:
        record_override(
            session=session,
            team_id=found.id,
            role=role,
            staff_id=staff,
            start=start,
            end=end,
            note=note,
            user_id=user.id,
        )
    except (ValueError, NotFound) as err:
        errors = _field_error(str(err), COVER_FIELDS, "form")
        context = manage_context(session, user, found, cover=values, cover_errors=errors)
        return render(request, "on_call/on_call_manage.html", context, status_code=422)
    return RedirectResponse(manage_href(request, found, user, "#overrides"), status_code=303)


@router.post("/on-call/manage/swap", name="on_call_swap")
def swap(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    first: Text = "",
    second: Text = "",
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Swap the holders of two upcoming periods of one role: two overrides, both recorded or neither."""
    found = _chosen(team)
    values = {"first": first, "second": second, "note": note}
    offered = {p.value: p for p in manage_context(session, user, found, swap=values)["periods"]}
    errors: dict[str, str] = {}
    for field, value in (("first", first), ("second", second)):
        if value not in offered:
            errors[field] = (
                "choose a period." if not value else "that period is no longer in the rota; choose again."
            )
    if not errors:
        try:
            swap_stretches(
                session=session,
                team_id=found.id,
                first=offered[first],
                second=offered[second],
                note=note,
                user_id=user.id,
            )
        except (ValueError, NotFound) as err:
            errors = _field_error(str(err), ("second",), "form")
    if errors:
        context = manage_context(session, user, found, swap=values, swap_errors=errors)
        return render(request, "on_call/on_call_manage.html", context, status_code=422)
    return RedirectResponse(manage_href(request, found, user, "#overrides"), status_code=303)


@router.post("/on-call/manage/overrides/{override_id}/cancel", name="on_call_cancel")
def cancel(request: Request, session: SessionDep, user: LeadDep, override_id: Id) -> Response:
    """Cancel an override: the plan (or an earlier override) holds again; audited."""
    override = get_override(session=session, override_id=override_id)
    require_team(user, override.team_id)
    cancel_override(session=session, override_id=override.id, user_id=user.id)
    found = get_team(session=session, team_id=override.team_id)
    return RedirectResponse(manage_href(request, found, user, "#overrides"), status_code=303)


@router.post("/on-call/manage/links", name="on_call_link_create")
def create_link(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    name: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """A new read-only on-call link for the team; its URL shows on this response only."""
    found = _chosen(team)
    try:
        link = create_on_call_link(
            session=session, team_id=found.id, name=name, owner_id=user.id, user_id=user.id
        )
    except ValueError as err:
        context = manage_context(session, user, found, link_errors=_field_error(str(err), ("name",), "name"))
        return render(request, "on_call/on_call_manage.html", context, status_code=422)
    # Absolute, to paste into an answering service's system; shown once, as only its hash is kept.
    url = str(request.url_for("on_call_link", token=link.token))
    return render(request, "on_call/on_call_manage.html", manage_context(session, user, found, new_link=url))


@router.post("/on-call/manage/links/{token_id}/revoke", name="on_call_link_revoke")
def revoke_link(request: Request, session: SessionDep, user: LeadDep, token_id: Id) -> Response:
    """Revoke a read-only link: it opens nothing from now on; audited."""
    link = get_on_call_link(session=session, link_id=token_id)
    require_team(user, str(link.team_id))
    if is_personal(link):
        # A staff member's own link revoked by its id here is still audited as theirs.
        revoke_personal_link(session=session, link_id=link.id, user=user)
    else:
        revoke_on_call_link(session=session, link_id=link.id, user_id=user.id)
    found = get_team(session=session, team_id=str(link.team_id))
    return RedirectResponse(manage_href(request, found, user, "#links"), status_code=303)
