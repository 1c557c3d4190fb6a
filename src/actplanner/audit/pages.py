"""The audit trail page for the team lead: newest first, older events a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.db import AuditEvent, User
from actplanner.web.deps import LeadDep, SessionDep
from actplanner.web.schemas import MAX_ID
from actplanner.web.templating import is_fragment_request, render

router = APIRouter(tags=["pages"])

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str | None
    action: str
    target: str
    detail: dict[str, Any] | None


def audit_page(
    *, session: Session, before: int | None, size: int = PAGE_SIZE
) -> tuple[list[AuditRow], int | None]:
    """Up to ``size`` events older than event ``before`` (or the newest), and the cursor of the next page."""
    query = (
        select(AuditEvent, User.username)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .order_by(AuditEvent.id.desc())
        .limit(size + 1)
    )
    if before is not None:
        query = query.where(AuditEvent.id < before)
    rows = [
        AuditRow(event.id, event.at, username, event.action, event.target, event.detail)
        for event, username in session.execute(query)
    ]
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].id if more else None)


@router.get("/audit", name="audit")
def audit(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """Sign-ins, imports, exports, publishing and PHI views: who, what, when."""
    rows, next_before = audit_page(session=session, before=before)
    context = {"rows": rows, "next_before": next_before, "first_page": before is None}
    if is_fragment_request(request):
        return render(request, "audit/_audit_rows.html", context)
    return render(request, "audit/audit.html", context)
