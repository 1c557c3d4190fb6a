"""The audit trail: one row per sign-in, import, export, publish, PHI view or solve, and its pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.db import AuditEvent, User

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditRow:
    """One event as the audit page lists it: who by username (None: the system)."""

    id: int
    at: datetime
    username: str | None
    action: str
    target: str
    detail: dict[str, Any] | None


def audit(
    *, session: Session, user_id: int | None, action: str, target: str, detail: dict[str, Any] | None = None
) -> AuditEvent:
    """Record that ``user_id`` (None: the system) did ``action`` to ``target``."""
    if not action:
        raise ValueError("An audit event needs an action.")
    event = AuditEvent(user_id=user_id, action=action, target=target, detail=detail)
    session.add(event)
    session.flush()
    return event


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
