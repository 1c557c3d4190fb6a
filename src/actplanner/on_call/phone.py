"""On call on my phone: a staff member makes, sees and revokes their own link; its web app manifest.

The link itself opens at ``/on-call/t/<token>`` like a team link (``on_call.pages``),
so the access log's redaction and the no-Referer rule cover it too. This page is
where its holder makes it (shown once) and revokes it, and the lead's on-call page
lists every holder's to revoke. The manifest lets Android (and iOS 16.4 on) open the
saved link as an app of its own, starting at the link.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from actplanner.accounts.service import token_grant
from actplanner.db import Team, User
from actplanner.domain.errors import NotFound
from actplanner.on_call.links import get_on_call_link
from actplanner.on_call.pages import LINK_HEADERS, manage_href
from actplanner.on_call.personal import create_personal_link, personal_link, revoke_personal_link
from actplanner.teams.service import get_team, list_teams
from actplanner.web.deps import (
    CurrentUserDep,
    LeadDep,
    ReadSessionDep,
    SessionDep,
    TeamDep,
    link_still_valid,
    require_team,
)
from actplanner.web.schemas import MAX_ID
from actplanner.web.templating import render

router = APIRouter(tags=["pages"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Token = Annotated[str, Path(max_length=200)]


def local(moment: datetime | None, team: Team) -> str:
    """A stored UTC time as the team reads it (``Tue 1 Dec 14:05 CST``); "never" for None."""
    if moment is None:
        return "never"
    return moment.astimezone(ZoneInfo(team.timezone)).strftime("%a %-d %b %Y %H:%M %Z")


def _team(user: User, team: Team | None) -> Team:
    """The team the link shows: the user's own, or the one a lead of no team chose."""
    if user.role != "lead" and user.team_id is None:
        raise HTTPException(status_code=403, detail="Your login is not linked to a team.")
    if team is None:
        raise HTTPException(status_code=422, detail="team: choose the team first.")
    return team


def phone_context(session: Session, user: User, team: Team, *, new_link: str | None = None) -> dict[str, Any]:
    link = personal_link(session=session, user_id=user.id)
    return {
        "team": team,
        "team_field": None if user.team_id == team.id else team.id,
        "link": link,
        "link_made": local(link.created_at, team) if link else None,
        "link_used": local(link.last_used_at, team) if link else None,
        "new_link": new_link,
    }


@router.get("/on-call/phone", name="on_call_phone")
def phone(request: Request, session: SessionDep, user: CurrentUserDep, team: TeamDep) -> Response:
    """Make (or see, or revoke) one's own on-call link, to save on the phone's home screen."""
    if team is None and user.role == "lead":
        # A lead of several teams and none of their own picks the team the link shows.
        return render(
            request, "on_call/on_call_phone.html", {"team": None, "teams": list_teams(session=session)}
        )
    found = _team(user, team)
    return render(request, "on_call/on_call_phone.html", phone_context(session, user, found))


@router.post("/on-call/phone/link", name="on_call_phone_create")
def create(request: Request, session: SessionDep, user: CurrentUserDep, team: TeamDep) -> Response:
    """A new link of one's own (the one before stops working); its address shows on this response only."""
    found = _team(user, team)
    try:
        link = create_personal_link(session=session, user=user, team_id=found.id)
    except ValueError as err:
        raise HTTPException(status_code=422, detail=str(err)) from None
    url = str(request.url_for("on_call_link", token=link.token))
    context = phone_context(session, user, found, new_link=url)
    # The page holds the link's password: no cache may keep it.
    return render(request, "on_call/on_call_phone.html", context, headers=LINK_HEADERS)


@router.post("/on-call/phone/revoke", name="on_call_phone_revoke")
def revoke_own(request: Request, session: SessionDep, user: CurrentUserDep, team: TeamDep) -> Response:
    """Revoke one's own link (a lost phone): it opens nothing from now on; audited."""
    found = _team(user, team)
    link = personal_link(session=session, user_id=user.id)
    if link is not None:
        revoke_personal_link(session=session, link_id=link.id, user=user)
    query = f"?team={found.id}" if user.team_id != found.id else ""
    return RedirectResponse(f"{request.app.url_path_for('on_call_phone')}{query}", status_code=303)


@router.post("/on-call/manage/personal-links/{token_id}/revoke", name="on_call_personal_revoke")
def revoke_by_lead(request: Request, session: SessionDep, user: LeadDep, token_id: Id) -> Response:
    """A lead revokes a staff member's own link (a phone lost, someone leaving); audited."""
    row = get_on_call_link(session=session, link_id=token_id)
    require_team(user, str(row.team_id))
    try:
        revoke_personal_link(session=session, link_id=row.id, user=user)
    except NotFound as err:
        raise HTTPException(status_code=404, detail=str(err)) from None
    found = get_team(session=session, team_id=str(row.team_id))
    return RedirectResponse(manage_href(request, found, user, "#personal-links"), status_code=303)


@router.get("/on-call/t/{token}/manifest.webmanifest", name="on_call_manifest")
def manifest(request: Request, session: ReadSessionDep, token: Token) -> Response:
    """The web app manifest of a link: saved to a home screen, it opens the link full screen."""
    row = token_grant(session=session, token=token, kinds=("on_call_link",))
    if row is None or row.team_id is None or not link_still_valid(row):
        raise HTTPException(status_code=404, detail="This on-call link is unknown or has been revoked.")
    start = request.app.url_path_for("on_call_link", token=token)
    static = request.app.url_path_for
    body = {
        "name": f"On call · {get_team(session=session, team_id=row.team_id).name}",
        "short_name": "On call",
        "description": "Who is on call now: names, roles and phone numbers.",
        "start_url": str(start),
        "scope": str(start),
        "id": str(start),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0a4a8c",
        "icons": [
            {"src": str(static("static", path="icon-192.png")), "sizes": "192x192", "type": "image/png"},
            {"src": str(static("static", path="icon-512.png")), "sizes": "512x512", "type": "image/png"},
            {"src": str(static("static", path="icon.svg")), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JSONResponse(body, media_type="application/manifest+json", headers=LINK_HEADERS)
