"""The audit trail page for the team lead: newest first, older events a page at a time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from actplanner.audit.service import audit_page
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
    context = {
        "rows": rows,
        "next_before": next_before,
        "first_page": before is None,
        "team_id": user.team_id,
    }
    if is_fragment_request(request):
        return render(request, "audit/_audit_rows.html", context)
    return render(request, "audit/audit.html", context)
