"""The audit trail: one row per sign-in, import, export, publish, PHI view or solve."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from actplanner.db import AuditEvent


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
