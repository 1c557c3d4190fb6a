"""Logins (argon2 password hashes) and API/calendar-feed tokens (stored as SHA-256 only)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.db import ROLES, ApiToken, Staff, User, utcnow
from actplanner.services.errors import NotFound
from actplanner.services.teams import get_team

MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()
# Checked against when a username is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def create_user(
    *,
    session: Session,
    username: str,
    password: str,
    role: str,
    staff_id: str | None = None,
    team_id: str | None = None,
) -> User:
    """A new active login; a staff login must name its team and its Staff row there."""
    username = username.strip()
    if not username:
        raise ValueError("A username must not be empty.")
    if role not in ROLES:
        raise ValueError(f"Role {role!r} not understood; expected one of {', '.join(ROLES)}.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if role == "staff" and staff_id is None:
        raise ValueError("A staff login needs the staff member it belongs to.")
    if staff_id is not None and team_id is None:
        raise ValueError("A login linked to a staff member needs that member's team.")
    if team_id is not None:
        get_team(session=session, team_id=team_id)
    if staff_id is not None and session.get(Staff, (team_id, staff_id)) is None:
        raise NotFound(f"No staff member {staff_id!r} in team {team_id!r}.")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise ValueError(f"Username {username!r} is taken.")
    user = User(
        username=username,
        password_hash=_hasher.hash(password),
        role=role,
        team_id=team_id,
        staff_id=staff_id,
        active=True,
    )
    with session.begin_nested():
        session.add(user)
        session.flush()
    return user


def verify_password(*, session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, or None (same work either way)."""
    user = session.scalars(select(User).where(User.username == username.strip())).one_or_none()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
        session.flush()
    return user


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, session: Session, user_id: int, name: str) -> str:
    """A new token for ``user_id``; the plain token is returned here once and never stored."""
    if session.get(User, user_id) is None:
        raise NotFound(f"No user {user_id}.")
    token = secrets.token_urlsafe(32)
    with session.begin_nested():
        session.add(ApiToken(user_id=user_id, token_hash=token_hash(token), name=name))
        session.flush()
    return token


def user_for_token(*, session: Session, token: str) -> User | None:
    """The active user a live token belongs to (noting its use), or None for an unknown or revoked one."""
    digest = token_hash(token)
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).one_or_none()
    # The lookup is by the hash of a random token, so its timing reveals nothing usable;
    # the constant-time compare guards against a database that matches loosely.
    if row is None or not hmac.compare_digest(row.token_hash, digest) or row.revoked_at is not None:
        return None
    if not row.user.active:
        return None
    row.last_used_at = utcnow()
    session.flush()
    return row.user


def revoke_token(*, session: Session, token_id: int) -> ApiToken:
    """Revoke a token: from now on it finds no user. Revoking twice keeps the first time."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"No token {token_id}.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return row
