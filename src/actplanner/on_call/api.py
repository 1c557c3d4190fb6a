"""``GET /api/v1/on-call``: who is on call at a moment, for an answering service, a kiosk or a script.

It reads the published plans and the lead's overrides straight from the
database (``on_call_now``), so it answers while a solve runs or the
worker is down. A caller authenticates with a personal API token (any team it
may see) or a read-only on-call link token (its own team only); the answer
holds staff names, roles and phone numbers, never client data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from actplanner.accounts.service import TokenGrant, token_grant, use_is_stale
from actplanner.on_call.document import on_call_document
from actplanner.on_call.service import on_call_now
from actplanner.web.deps import link_still_valid, note_use, team_access
from actplanner.web.schemas import TEAM_ID_PATTERN, ErrorRead

router = APIRouter(prefix="/api/v1", tags=["on call"])

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="OnCallToken",
    description="A personal API token, or the token of a read-only on-call link: "
    "`Authorization: Bearer <token>`.",
)

UNAUTHORIZED = (
    "Send a personal API token or an on-call link token in the header Authorization: Bearer <token>."
)


class StaffOnCall(BaseModel):
    """A staff member as the lookup shows them: no client data."""

    id: str
    name: str
    phone: str | None
    discipline: str


class NextOnCall(BaseModel):
    """Who takes the role over next, and from when."""

    staff: StaffOnCall
    from_: datetime = Field(alias="from")


class RoleOnCall(BaseModel):
    """One role at the moment asked: its holder (null: nobody), since and until when, who is next."""

    role: str
    staff: StaffOnCall | None
    since: datetime | None = Field(description="When the holder took over (or when the last one ended).")
    until: datetime | None = Field(description="When the holder hands over (or when the next one starts).")
    next: NextOnCall | None


class EscalationStepRead(BaseModel):
    """Whom to call at one step: primary, backup, prescriber, then the team leader(s)."""

    step: int
    role: str
    staff: StaffOnCall | None


class GapRead(BaseModel):
    """A stretch with no primary on call."""

    start: datetime
    end: datetime


class OnCallRead(BaseModel):
    """Who is on call for a team at a moment; times carry the team's UTC offset."""

    team: str
    team_name: str
    timezone: str
    at: datetime
    on_call: list[RoleOnCall]
    escalation: list[EscalationStepRead]
    primary_gaps: list[GapRead] = Field(description="Stretches of the two weeks from `at` with no primary.")


def _caller_team(
    session: Session,
    credentials: HTTPAuthorizationCredentials | None,
    team: str | None,
) -> tuple[str, TokenGrant]:
    """The team the caller may look up: an on-call link's own, or one a personal token's user may see."""
    if credentials is None:
        raise HTTPException(status_code=401, detail=UNAUTHORIZED, headers={"WWW-Authenticate": "Bearer"})
    row = token_grant(session=session, token=credentials.credentials, kinds=("api", "on_call_link"))
    if row is None:
        raise HTTPException(
            status_code=401,
            detail="The token is unknown or revoked, or its user is deactivated.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    if not link_still_valid(row):
        raise HTTPException(
            status_code=401,
            detail="The token is unknown or revoked, or its user is deactivated.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    if row.kind == "on_call_link":
        if team is not None and team != row.team_id:
            raise HTTPException(status_code=403, detail=f"This on-call link shows team {row.team_id!r} only.")
        return str(row.team_id), row
    team_id = team or row.user_team_id
    if team_id is None:
        raise HTTPException(status_code=422, detail="team: name the team (?team=ID); your login has none.")
    if not team_access(row.user_role, row.user_team_id, team_id):
        raise HTTPException(status_code=403, detail=f"You have no access to team {team_id!r}.")
    return team_id, row


@router.get(
    "/on-call",
    response_model=OnCallRead,
    responses={code: {"model": ErrorRead} for code in (401, 403, 404, 422)},
    summary="Who is on call",
)
async def read_on_call(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    at: Annotated[
        str | None,
        Query(
            max_length=64,
            description="The moment, ISO 8601 (`2026-11-30T14:05-06:00`, `…Z`, or without an offset "
            "for the team's local time); default now.",
        ),
    ] = None,
    team: Annotated[
        str | None,
        Query(pattern=TEAM_ID_PATTERN, max_length=100, description="The team; default the caller's own."),
    ] = None,
) -> JSONResponse:
    """Each role's holder with phone, since/until and who is next; the escalation order; gaps ahead."""
    # On the event loop, not in a worker thread: its reads take well under a millisecond
    # (a read-only session never waits on a writer), less than the thread hops a sync
    # route and a session dependency cost (docs/on_call_load.md). Noting the token's use
    # is a write that may wait, so it runs after the answer, in the thread pool.
    with request.app.state.lookup_sessionmaker() as session:
        team_id, grant = _caller_team(session, credentials, team)
        try:
            answer = on_call_now(session=session, team_id=team_id, at_text=at)
        except ValueError as err:
            raise HTTPException(status_code=422, detail=str(err)) from None
        session.rollback()
    # The document is what OnCallRead describes (a test holds it to that); sent as it is, it skips
    # a validation and a re-serialisation on a route meant for 200 requests a second.
    noted = BackgroundTask(note_use, request, grant) if use_is_stale(grant) else None
    return JSONResponse(on_call_document(answer), background=noted)
