"""The audit trail page for the team lead: newest first, older events a page at a time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from actplanner.audit.service import audit_page
from actplanner.audit.words import audit_lines
from actplanner.teams.service import list_teams
from actplanner.web.deps import LeadDep, SessionDep
from actplanner.web.schemas import MAX_ID
from actplanner.web.templating import is_fragment_request, render

router = APIRouter(tags=["pages"])


@router.get("/audit", name="audit")
def audit(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """Sign-ins, imports, exports, publishing and PHI views of the lead's team: who, what, when.

    A lead of a team sees that team's events only; a lead of no team sees every team's.
    """
    rows, next_before = audit_page(session=session, team_id=user.team_id, before=before)
    # Each event at the time the team it concerns lived it; an event of no team (a lead of
    # no team signing in) in the zone of the lead's team, else of the first team.
    teams = list_teams(session=session)
    zones = {team.id: team.timezone for team in teams}
    fallback = zones.get(user.team_id or "") or next(iter(zones.values()), "UTC")
    context = {
        # Who, what and which record in words; the stored codes ride along for the small print.
        "lines": audit_lines(session=session, rows=rows, team_id=user.team_id),
        "zone_of": lambda row: zones.get(row.team_id or "", fallback),
        "next_before": next_before,
        "first_page": before is None,
        "team_id": user.team_id,
        "team_name": next((team.name for team in teams if team.id == user.team_id), user.team_id),
    }
    if is_fragment_request(request):
        return render(request, "audit/_audit_rows.html", context)
    return render(request, "audit/audit.html", context)
