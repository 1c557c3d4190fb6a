"""Feed links: made, rotated and revoked by one verb each, each audited exactly once; a refusal too."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.accounts.service import token_row
from actplanner.db import AuditEvent, User
from actplanner.domain.errors import NotFound
from actplanner.feeds.service import FEED_KINDS, feed_kinds, issue_feed_token, revoke_feed_token
from tests.support.db_factories import create_team, create_user


def audited(session: Session) -> list[tuple[int | None, str]]:
    """``(user_id, action)`` of the feed links' events (not the team's import), oldest first."""
    events = session.scalars(select(AuditEvent).where(AuditEvent.action != "import").order_by(AuditEvent.id))
    return [(e.user_id, e.action) for e in events]


def staff_logins(session: Session) -> tuple[User, User]:
    """Two staff logins of one team."""
    team = create_team(session)
    first, second = team.staff[:2]
    return (
        create_user(session, username="nurse", role="staff", team_id=team.id, staff_id=first.id),
        create_user(session, username="other", role="staff", team_id=team.id, staff_id=second.id),
    )


def test_making_a_feed_link_then_another_is_one_create_then_one_rotate(session: Session) -> None:
    """A second link of a kind replaces the first: one ``create_feed_token``, one ``rotate_feed_token``."""
    nurse, _other = staff_logins(session)
    first = issue_feed_token(session=session, user=nurse, kind="feed", name="My calendar")
    second = issue_feed_token(session=session, user=nurse, kind="feed", name="My calendar")
    assert token_row(session=session, token=first, kinds=FEED_KINDS) is None
    assert token_row(session=session, token=second, kinds=FEED_KINDS) is not None
    assert audited(session) == [(nurse.id, "create_feed_token"), (nurse.id, "rotate_feed_token")]


def test_a_feed_a_user_may_not_have_is_refused_and_not_audited(session: Session) -> None:
    """A staff member has no team rota feed: PermissionError, and nothing written."""
    nurse, _other = staff_logins(session)
    assert feed_kinds(nurse) == ["feed"]
    with pytest.raises(PermissionError, match="team on-call rota"):
        issue_feed_token(session=session, user=nurse, kind="rota_feed", name="Team on-call rota")
    assert audited(session) == []


def test_revoking_is_audited_once_and_a_refusal_is_audited_as_denied(session: Session) -> None:
    """Revoking twice is one ``revoke_feed_token``; another's link is one ``denied`` and a PermissionError."""
    nurse, other = staff_logins(session)
    token = issue_feed_token(session=session, user=nurse, kind="feed", name="My calendar")
    row = token_row(session=session, token=token, kinds=FEED_KINDS)
    assert row is not None
    with pytest.raises(PermissionError, match="only your own"):
        revoke_feed_token(session=session, token_id=row.id, user=other)
    revoke_feed_token(session=session, token_id=row.id, user=nurse)
    revoke_feed_token(session=session, token_id=row.id, user=nurse)
    assert audited(session) == [
        (nurse.id, "create_feed_token"),
        (other.id, "denied"),
        (nurse.id, "revoke_feed_token"),
    ]
    with pytest.raises(NotFound):
        revoke_feed_token(session=session, token_id=row.id + 1000, user=nurse)
