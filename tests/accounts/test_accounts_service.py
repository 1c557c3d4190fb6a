"""Logins check argon2 password hashes; tokens are stored hashed and can be revoked."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.accounts.service import create_token, revoke_token, user_for_token, verify_password
from actplanner.db import ApiToken
from actplanner.domain.errors import NotFound
from tests.support.db_factories import create_team, create_user


def test_password_is_hashed_and_verified(session: Session) -> None:
    """The right password finds the user; a wrong one, an unknown name or an inactive login finds none."""
    user = create_user(session)
    assert user.password_hash.startswith("$argon2") and "correct horse" not in user.password_hash
    assert verify_password(session=session, username="lead", password="correct horse") is user
    assert verify_password(session=session, username="lead", password="wrong horse") is None
    assert verify_password(session=session, username="nobody", password="correct horse") is None
    user.active = False
    assert verify_password(session=session, username="lead", password="correct horse") is None


def test_a_staff_login_needs_a_staff_member_of_its_team(session: Session) -> None:
    """A staff login names an existing Staff row of its team; usernames are unique."""
    team = create_team(session)
    member = create_user(session, username="maria", role="staff", team_id=team.id, staff_id=team.staff[0].id)
    assert member.staff_id == team.staff[0].id
    with pytest.raises(NotFound):
        create_user(session, username="ghost", role="staff", team_id=team.id, staff_id="s-ghost")
    with pytest.raises(ValueError, match="taken"):
        create_user(session, username="maria")
    with pytest.raises(ValueError, match="at least 8"):
        create_user(session, username="short", password="abc")


def test_plain_token_is_never_stored(session: Session) -> None:
    """Only the SHA-256 of a token is stored, and the token finds its user."""
    user = create_user(session)
    token = create_token(session=session, user_id=user.id, name="calendar")
    row = session.scalars(select(ApiToken)).one()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(getattr(row, c.key)) for c in ApiToken.__table__.columns}
    assert len(token) >= 43
    assert user_for_token(session=session, token=token) is user
    assert row.last_used_at is not None


def test_revoked_or_unknown_token_finds_no_user(session: Session) -> None:
    """A revoked token, an unknown one and one of an inactive user are rejected."""
    user = create_user(session)
    token = create_token(session=session, user_id=user.id, name="calendar")
    other = create_token(session=session, user_id=user.id, name="phone")
    row = session.scalars(select(ApiToken).where(ApiToken.name == "calendar")).one()
    revoke_token(session=session, token_id=row.id)
    assert user_for_token(session=session, token=token) is None
    assert user_for_token(session=session, token=token + "x") is None
    assert user_for_token(session=session, token=other) is user
    user.active = False
    assert user_for_token(session=session, token=other) is None
