"""Each accounts verb writes exactly one audit event: signing in (or failing to), out, logins, tokens."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.accounts.service import (
    MAX_USERNAME,
    create_api_token,
    create_login,
    deactivate_user,
    log_in,
    log_out,
    user_for_token,
)
from actplanner.db import AuditEvent
from tests.support.db_factories import create_user


def events(session: Session) -> list[tuple[int | None, str, str]]:
    """``(user_id, action, target)`` of every audit event, oldest first."""
    return [
        (e.user_id, e.action, e.target) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
    ]


def test_log_in_is_audited_once_either_way(session: Session) -> None:
    """A sign-in leaves one ``login``; a wrong or empty password or an overlong name one ``login_failed``."""
    user = create_user(session)
    assert log_in(session=session, username=" lead ", password="correct horse") is user
    assert log_in(session=session, username="lead", password="wrong horse") is None
    assert log_in(session=session, username="lead", password="") is None
    assert log_in(session=session, username="x" * (MAX_USERNAME + 1), password="correct horse") is None
    assert events(session) == [
        (user.id, "login", f"user:{user.id}"),
        (None, "login_failed", "username:lead"),
        (None, "login_failed", "username:lead"),
        (None, "login_failed", f"username:{'x' * MAX_USERNAME}"),
    ]


def test_log_out_is_audited_once(session: Session) -> None:
    user = create_user(session)
    log_out(session=session, user_id=user.id)
    assert events(session) == [(user.id, "logout", f"user:{user.id}")]


def test_create_login_makes_a_login_and_a_token_audited_once(session: Session) -> None:
    """A new login comes with a working personal token; one ``create_user`` event, by whoever made it."""
    user, token = create_login(
        session=session, username="maria", password="long enough", role="lead", by=None
    )
    assert user_for_token(session=session, token=token) is user
    assert events(session) == [(None, "create_user", f"user:{user.id}")]


def test_create_api_token_is_audited_once(session: Session) -> None:
    user = create_user(session)
    token = create_api_token(session=session, user_id=user.id, name="laptop", by=None)
    assert user_for_token(session=session, token=token) is user
    assert events(session) == [(None, "create_token", f"user:{user.id}")]


def test_deactivate_user_is_audited_once(session: Session) -> None:
    user = create_user(session)
    deactivate_user(session=session, user_id=user.id, by=None)
    assert events(session) == [(None, "deactivate_user", f"user:{user.id}")]
