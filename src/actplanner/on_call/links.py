"""Read-only on-call links for an answering service or a kiosk: made by a team lead, listed, revoked.

A link is a token of kind ``on_call_link``. Its plain value is the link's
password, shown once when it is made: only its hash is stored, and neither the
list nor the audit trail ever holds it (anyone reading it could open the link).
The page and the CLI make, list and revoke links through these verbs alone.
A staff member's own link to their phone (``on_call.personal``) is a link of the
same kind under the name ``PERSONAL_NAME``: the team's list leaves it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.accounts.service import issue_token, revoke_token
from actplanner.audit.service import audit
from actplanner.db import ApiToken, User
from actplanner.domain.errors import NotFound

KIND = "on_call_link"
#: The name that makes a link a staff member's own (``on_call.personal``), kept from the team's links.
PERSONAL_NAME = "own phone"


@dataclass(frozen=True)
class LinkRow:
    """A live link as the lead's page and ``on-call link list`` show it: never its token."""

    id: int
    name: str
    created_by: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True)
class NewLink:
    """A link just made: its id, and its token, shown this once."""

    id: int
    token: str


def create_on_call_link(
    *, session: Session, team_id: str, name: str, owner_id: int, user_id: int | None
) -> NewLink:
    """A new read-only link to ``team_id``'s lookup, belonging to the lead ``owner_id``; audited once.

    ``user_id`` is who made it (None: the system, e.g. the CLI). The link stops
    working when its owner is no longer a lead of the team. ValueError names ``name``
    when it is empty, and says so when the owner may not make links for the team.
    """
    name = name.strip()
    if not name:
        raise ValueError("name: say who the link is for (e.g. answering service).")
    if name.casefold() == PERSONAL_NAME:
        raise ValueError(f"name: {PERSONAL_NAME!r} is kept for staff members' own links; choose another.")
    with session.begin_nested():
        row, token = issue_token(session=session, user_id=owner_id, name=name, kind=KIND, team_id=team_id)
        audit(
            session=session,
            user_id=user_id,
            action="create_on_call_link",
            target=f"token:{row.id}",
            detail={"team": team_id, "name": name, "owner": owner_id},
        )
    return NewLink(row.id, token)


def on_call_links(*, session: Session, team_id: str) -> list[LinkRow]:
    """The team's live links, oldest first; staff members' own links are not among them."""
    rows = session.execute(
        select(ApiToken.id, ApiToken.name, User.username, ApiToken.created_at, ApiToken.last_used_at)
        .join(User, User.id == ApiToken.user_id)
        .where(
            ApiToken.team_id == team_id,
            ApiToken.kind == KIND,
            ApiToken.name != PERSONAL_NAME,
            ApiToken.revoked_at.is_(None),
        )
        .order_by(ApiToken.id)
    ).all()
    return [LinkRow(*row) for row in rows]


def get_on_call_link(*, session: Session, link_id: int) -> ApiToken:
    """The link ``link_id``, live or revoked; NotFound when no on-call link has that id."""
    row = session.get(ApiToken, link_id)
    if row is None or row.kind != KIND or row.team_id is None:
        raise NotFound(f"No on-call link {link_id}.")
    return row


def revoke_on_call_link(*, session: Session, link_id: int, user_id: int | None) -> ApiToken:
    """Revoke a link: it opens nothing from now on. Audited; revoking twice is a no-op."""
    row = get_on_call_link(session=session, link_id=link_id)
    if row.revoked_at is None:
        with session.begin_nested():
            revoke_token(session=session, token_id=row.id)
            # A staff member's own link (the CLI revokes any link by id) is recorded as theirs.
            own = row.name == PERSONAL_NAME
            audit(
                session=session,
                user_id=user_id,
                action="revoke_personal_on_call_link" if own else "revoke_on_call_link",
                target=f"token:{row.id}",
                detail={"team": row.team_id, "holder": row.user_id}
                if own
                else {"team": row.team_id, "name": row.name},
                team_id=row.team_id if own else None,
            )
    return row
