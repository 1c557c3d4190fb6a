"""A staff member's own on-call link, for their phone's home screen: made, shown, revoked.

At 2 a.m. nobody types a password on a cold phone. So any signed-in staff member
(or lead) may make one read-only link to their team's on-call lookup, tied to
their login: a token of kind ``on_call_link`` named ``PERSONAL_NAME``, stored as
its SHA-256 like every token and shown once. It shows what the team link shows
(names, roles, phones; never client data). A login has one at a time: making a
new one revokes the one before. Its holder or a lead of the team revokes it;
deactivating the login revokes it with the login's other tokens, and the lookup
also refuses it while the login is inactive or no longer in the team
(``web.deps.link_still_valid``). Making and revoking are audited; each use is
noted on the token (``last_used_at``, at most once a minute) as for team links.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.accounts.service import token_hash
from actplanner.audit.service import audit
from actplanner.db import ApiToken, Staff, User, utcnow
from actplanner.domain.errors import NotFound
from actplanner.on_call.links import KIND, PERSONAL_NAME, NewLink, get_on_call_link
from actplanner.teams.service import get_team


@dataclass(frozen=True)
class PersonalLinkRow:
    """A live personal link as its holder and the lead see it: never its token."""

    id: int
    username: str
    staff_name: str | None
    created_at: datetime
    last_used_at: datetime | None


def is_personal(row: ApiToken) -> bool:
    """Whether the on-call link ``row`` is a staff member's own rather than one of the team's."""
    return row.kind == KIND and row.name == PERSONAL_NAME


def create_personal_link(*, session: Session, user: User, team_id: str) -> NewLink:
    """A new link of ``user``'s own to ``team_id``'s lookup, revoking the one they had; audited once.

    ValueError says so when the login is inactive or may not see the team.
    """
    if not user.active:
        raise ValueError("This login is deactivated; it may not make an on-call link.")
    if user.team_id is not None and user.team_id != team_id:
        raise ValueError(f"team: your login may see only team {user.team_id!r}, not {team_id!r}.")
    if user.team_id is None and user.role != "lead":
        raise ValueError("Your login is not linked to a team.")
    get_team(session=session, team_id=team_id)
    with session.begin_nested():
        replaced = [row.id for row in _live(session, user.id)]
        now = utcnow()
        for row in _live(session, user.id):
            row.revoked_at = now
        # Made here rather than by accounts.issue_token, whose on-call links are a lead's for the
        # team: this one is its holder's own. Same token as every other: 32 random bytes, hash kept.
        token = secrets.token_urlsafe(32)
        row = ApiToken(
            user_id=user.id, token_hash=token_hash(token), name=PERSONAL_NAME, kind=KIND, team_id=team_id
        )
        session.add(row)
        session.flush()
        detail: dict[str, object] = {"team": team_id, "holder": user.id}
        if replaced:
            detail["replaced"] = replaced
        audit(
            session=session,
            user_id=user.id,
            action="create_personal_on_call_link",
            target=f"token:{row.id}",
            detail=detail,
            team_id=team_id,
        )
    return NewLink(row.id, token)


def personal_link(*, session: Session, user_id: int) -> PersonalLinkRow | None:
    """The live personal link of login ``user_id``, or None."""
    rows = _rows(session, ApiToken.user_id == user_id)
    return rows[-1] if rows else None


def personal_links(*, session: Session, team_id: str) -> list[PersonalLinkRow]:
    """The team's live personal links (every holder's), oldest first: what a lead may revoke."""
    return _rows(session, ApiToken.team_id == team_id)


def revoke_personal_link(*, session: Session, link_id: int, user: User) -> ApiToken:
    """Revoke a personal link: by its holder, or by a lead who may see its team. Audited; twice is a no-op.

    NotFound when ``link_id`` is no personal link; PermissionError when ``user`` may not revoke it.
    """
    row = get_on_call_link(session=session, link_id=link_id)
    if not is_personal(row):
        raise NotFound(f"No personal on-call link {link_id}.")
    lead_of_team = user.role == "lead" and user.team_id in (None, row.team_id)
    if row.user_id != user.id and not lead_of_team:
        raise PermissionError("Only its holder or a lead of the team may revoke this link.")
    if row.revoked_at is None:
        with session.begin_nested():
            row.revoked_at = utcnow()
            session.flush()
            audit(
                session=session,
                user_id=user.id,
                action="revoke_personal_on_call_link",
                target=f"token:{row.id}",
                detail={"team": row.team_id, "holder": row.user_id},
                team_id=row.team_id,
            )
    return row


def _live(session: Session, user_id: int) -> list[ApiToken]:
    query = select(ApiToken).where(
        ApiToken.user_id == user_id,
        ApiToken.kind == KIND,
        ApiToken.name == PERSONAL_NAME,
        ApiToken.revoked_at.is_(None),
    )
    return list(session.scalars(query.order_by(ApiToken.id)))


def _rows(session: Session, where: object) -> list[PersonalLinkRow]:
    query = (
        select(ApiToken.id, User.username, Staff.name, ApiToken.created_at, ApiToken.last_used_at)
        .join(User, User.id == ApiToken.user_id)
        .outerjoin(Staff, (Staff.team_id == User.team_id) & (Staff.id == User.staff_id))
        .where(
            where,  # type: ignore[arg-type]
            ApiToken.kind == KIND,
            ApiToken.name == PERSONAL_NAME,
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
        .order_by(ApiToken.id)
    )
    return [PersonalLinkRow(*row) for row in session.execute(query).all()]
