"""The audit trail: one row per sign-in, import, export, publish, PHI view or solve, and its pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.db import ApiToken, AuditEvent, OnCallOverride, Plan, User

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
    #: The team the event concerns (None: no team); the page shows its time in that team's zone.
    team_id: str | None = None


def audit(
    *,
    session: Session,
    user_id: int | None,
    action: str,
    target: str,
    detail: dict[str, Any] | None = None,
    team_id: str | None = None,
) -> AuditEvent:
    """Record that ``user_id`` (None: the system) did ``action`` to ``target``.

    The event belongs to ``team_id`` when given, else to the team ``event_team`` finds.
    """
    if not action:
        raise ValueError("An audit event needs an action.")
    team = team_id if team_id is not None else event_team(session=session, user_id=user_id, target=target)
    event = AuditEvent(user_id=user_id, action=action, target=target, detail=detail, team_id=team)
    session.add(event)
    session.flush()
    return event


def event_team(*, session: Session, user_id: int | None, target: str) -> str | None:
    """The team an event concerns: the acting login's team, else the team of its record, else None.

    Records are named ``kind:key`` (``team:west-town``, ``staff:west-town/s-rn1``,
    ``plan:12``, ``user:3``, ``token:7``, ``override:5``, ``username:maria``). A lead of
    no team has none of their own, so their events belong to the team of what they touched.
    """
    if user_id is not None:
        own = session.scalar(select(User.team_id).where(User.id == user_id))
        if own is not None:
            return own
    kind, _, key = target.partition(":")
    if kind == "team":
        return key[:100] or None
    if kind == "staff" and "/" in key:
        return key.split("/", 1)[0][:100] or None
    if kind == "username":
        return session.scalar(select(User.team_id).where(User.username == key))
    if not (key.isascii() and key.isdigit() and len(key) < 19):
        return None
    row_id = int(key)
    if kind == "plan":
        return session.scalar(select(Plan.team_id).where(Plan.id == row_id))
    if kind == "override":
        return session.scalar(select(OnCallOverride.team_id).where(OnCallOverride.id == row_id))
    if kind == "user":
        return session.scalar(select(User.team_id).where(User.id == row_id))
    if kind == "token":
        token = session.get(ApiToken, row_id)
        return None if token is None else token.team_id or token.user.team_id
    return None


def audit_page(
    *, session: Session, team_id: str | None, before: int | None, size: int = PAGE_SIZE
) -> tuple[list[AuditRow], int | None]:
    """Up to ``size`` events older than event ``before`` (or the newest), and the cursor of the next page.

    Only team ``team_id``'s events; every team's, and those of no team, when ``team_id`` is
    None (a lead of no team leads them all). Pass the lead's own ``team_id``.
    """
    query = (
        select(AuditEvent, User.username)
        .outerjoin(User, User.id == AuditEvent.user_id)
        .order_by(AuditEvent.id.desc())
        .limit(size + 1)
    )
    if team_id is not None:
        query = query.where(AuditEvent.team_id == team_id)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    rows = [
        AuditRow(event.id, event.at, username, event.action, event.target, event.detail, event.team_id)
        for event, username in session.execute(query)
    ]
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].id if more else None)
