"""The JSON API's team files (``/api/v1/teams``): import a team file, export it again.

Callers authenticate with a personal token (``Authorization: Bearer``); a bad
team file is a 422 whose ``detail`` lists every problem as ``path: message``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from actplanner.db import User
from actplanner.domain.formats import MAX_FILE_BYTES, FormatError, dump_team
from actplanner.teams import service as teams
from actplanner.web.deps import SessionDep, TokenLeadDep, require_team
from actplanner.web.schemas import TeamIdPath, TeamImported, error_responses

#: Largest team file accepted (the formats' own limit); the app's body limit for the import paths follows it.
MAX_TEAM_FILE_BYTES = MAX_FILE_BYTES

router = APIRouter(prefix="/api/v1", tags=["api"])

TEAM_FILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A team file, `actplanner/team@1` or `@2` (docs/formats/team.md).",
        "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
    }
}


@router.post(
    "/teams",
    response_model=TeamImported,
    openapi_extra=TEAM_FILE_BODY,
    responses=error_responses(403, 413, 422),
    summary="Import a team file",
)
async def import_team(request: Request, session: SessionDep, user: TokenLeadDep) -> TeamImported:
    """Create or replace a team from its team file; a file with problems changes nothing."""
    data = await request.body()
    if len(data) > MAX_TEAM_FILE_BYTES:
        raise HTTPException(
            status_code=413,
            detail=f"A team file may have at most {MAX_TEAM_FILE_BYTES // (1024 * 1024)} MB; "
            "nothing was read or changed.",
        )
    # Checking and writing a large file takes a while: off the event loop, like the sync routes.
    return await run_in_threadpool(_import_team, session=session, user=user, data=data)


def _import_team(*, session: Session, user: User, data: bytes) -> TeamImported:
    try:
        # Places given as an address only are geocoded first (addresses are PHI: the agency's own).
        team_file = teams.load_team_file(session=session, data=data)
    except FormatError as err:
        raise HTTPException(status_code=422, detail=err.messages) from None
    require_team(user, team_file.team.id)
    team = teams.import_team(session=session, data=dump_team(team_file), user_id=user.id)
    return TeamImported(team=team.id)


@router.get(
    "/teams/{team_id}/file",
    response_model=dict[str, Any],
    responses=error_responses(403, 404),
    summary="Export a team file",
)
def export_team(team_id: TeamIdPath, session: SessionDep, user: TokenLeadDep) -> dict[str, Any]:
    """The team file of a team, as imported with any edits since; recorded in the audit trail."""
    require_team(user, team_id)
    return teams.export_team(session=session, team_id=team_id, user_id=user.id)
