"""Logins (argon2 password hashes) and tokens (stored as SHA-256 only).

A token is 32 random bytes (``secrets.token_urlsafe(32)``), shown once. Its kind
(``TOKEN_KINDS``) says what it opens: a personal API token opens the API and
nothing else, a feed token its feed only. A user has at most one live token of
each feed kind: issuing one rotates (revokes) the one before. Deactivating a user
revokes all of theirs.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, select, text
from sqlalchemy.orm import Session, joinedload
from zxcvbn import zxcvbn

from actplanner.audit.service import audit
from actplanner.db import ROLES, TOKEN_KINDS, ApiToken, Staff, User, UserSession, UtcDateTime, utcnow
from actplanner.domain.errors import NotFound
from actplanner.teams.service import get_team

MIN_PASSWORD_LENGTH = 8
#: The least zxcvbn score (0-4) a new password needs: 2 refuses the common passwords, names,
#: keyboard runs and repeats zxcvbn knows; the sign-in throttle and argon2 do the rest.
MIN_PASSWORD_SCORE = 2
#: zxcvbn's work grows fast with length; its authors score only the first 100 characters.
SCORED_CHARACTERS = 100
# Longer input than this is no username or password of ours; refusing it spares argon2 the work.
MAX_USERNAME = 150
MAX_PASSWORD = 1024
#: Token kinds of which a user keeps one live token per team (issuing a new one rotates).
ROTATING_KINDS = ("feed", "rota_feed")
#: How stale ``last_used_at`` may get: writing it on every request would make each
#: read (an on-call lookup at 200 requests a second) a write.
LAST_USED_PRECISION = timedelta(seconds=60)

#: How long a sign-in lasts: long enough for a shift, short enough that a phone left
#: signed in does not stay so for days. The cookie's own age is the same.
SESSION_LIFETIME = timedelta(hours=12)

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Checked against when a username is unknown, so a wrong name takes as long as a wrong password.

    Made on first use rather than at import: hashing is slow on purpose, and every CLI command imports this.
    """
    return _hasher.hash("not a password of anyone")


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
    if problem := password_problem(password, username=username):
        raise ValueError(problem)
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


def password_problem(password: str, *, username: str = "") -> str | None:
    """Why ``password`` may not be a password, in a sentence that names the field; None when it may.

    Too short, too long, or easy to guess: zxcvbn (Dropbox's estimator, as maintained
    on PyPI) finds common passwords, words, names, dates, keyboard runs, repeats and
    the username itself.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"password: a password needs at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD:
        return f"password: a password may have at most {MAX_PASSWORD} characters."
    inputs = [part for part in (username.strip(), "actplanner") if part]
    result = zxcvbn(password[:SCORED_CHARACTERS], user_inputs=inputs)
    if result["score"] >= MIN_PASSWORD_SCORE:
        return None
    feedback = result.get("feedback") or {}
    why = " ".join(
        part for part in (feedback.get("warning"), *(feedback.get("suggestions") or [])[:1]) if part
    )
    return "password: this password is too easy to guess" + (f". {why}" if why else ".")


def change_password(
    *, session: Session, user_id: int, current: str, new: str, keep_session: str | None = None
) -> int:
    """Give ``user_id`` the password ``new`` if ``current`` is theirs; audited once.

    Every other sign-in session of the login ends (a browser signed in with the old
    password is signed out); ``keep_session`` names the one to keep. Returns how many
    ended. A wrong ``current`` is PermissionError, a ``new`` not allowed ValueError,
    each with a sentence naming the field.
    """
    user = active_user(session=session, user_id=user_id)
    if user is None:
        raise NotFound(f"No active user {user_id}.")
    if not current or len(current) > MAX_PASSWORD:
        raise PermissionError("current_password: that is not your current password.")
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise PermissionError("current_password: that is not your current password.") from None
    if problem := password_problem(new, username=user.username):
        raise ValueError(problem.replace("password:", "new_password:", 1))
    if new == current:
        raise ValueError("new_password: the new password is the current one; choose another.")
    with session.begin_nested():
        user.password_hash = _hasher.hash(new)
        ended = end_sessions(session=session, user_id=user_id, keep=keep_session)
        session.flush()
        audit(
            session=session,
            user_id=user_id,
            action="change_password",
            target=f"user:{user_id}",
            detail={"sessions_ended": ended},
        )
    return ended


def create_login(
    *,
    session: Session,
    username: str,
    password: str,
    role: str,
    staff_id: str | None = None,
    team_id: str | None = None,
    by: int | None,
    token_name: str = "personal",
) -> tuple[User, str]:
    """A new login (see ``create_user``) with a personal API token, shown here once; audited once."""
    with session.begin_nested():
        user = create_user(
            session=session,
            username=username,
            password=password,
            role=role,
            staff_id=staff_id,
            team_id=team_id,
        )
        token = create_token(session=session, user_id=user.id, name=token_name)
        audit(session=session, user_id=by, action="create_user", target=f"user:{user.id}")
    return user, token


def active_user(*, session: Session, user_id: int) -> User | None:
    """The login ``user_id`` while it is active; None when it was deleted or deactivated."""
    user = session.get(User, user_id)
    return user if user is not None and user.active else None


def user_named(*, session: Session, username: str) -> User | None:
    """The login called ``username`` (spaces around it ignored), or None."""
    return session.scalars(select(User).where(User.username == username.strip())).one_or_none()


def log_in(*, session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, or None; audited as ``login`` or ``login_failed``.

    Input too long to be anyone's spares argon2 the work and fails like a wrong password.
    """
    username = username.strip()
    user: User | None = None
    if username and password and len(username) <= MAX_USERNAME and len(password) <= MAX_PASSWORD:
        user = verify_password(session=session, username=username, password=password)
    if user is None:
        target = f"username:{username[:MAX_USERNAME]}"
        audit(session=session, user_id=None, action="login_failed", target=target)
        return None
    audit(session=session, user_id=user.id, action="login", target=f"user:{user.id}")
    return user


def log_out(*, session: Session, user_id: int, key: str | None = None) -> None:
    """``user_id`` signs out: the sign-in session ``key`` names ends on the server; audited.

    The cookie itself is the web layer's; with its session revoked here, a copy of
    it opens nothing.
    """
    if key is not None:
        end_session(session=session, key=key)
    audit(session=session, user_id=user_id, action="logout", target=f"user:{user_id}")


def start_session(*, session: Session, user_id: int) -> str:
    """A new sign-in session of ``user_id``: its key, for the cookie, returned here once and never stored.

    The user's ended and expired sessions are cleared away at the same time.
    """
    now = utcnow()
    with session.begin_nested():
        for old in session.scalars(
            select(UserSession).where(
                UserSession.user_id == user_id,
                (UserSession.revoked_at.is_not(None)) | (UserSession.expires_at <= now),
            )
        ):
            session.delete(old)
        key = secrets.token_urlsafe(32)
        session.add(UserSession(user_id=user_id, key_hash=token_hash(key), expires_at=now + SESSION_LIFETIME))
        session.flush()
    return key


def session_user(*, session: Session, user_id: int, key: str) -> User | None:
    """The active user ``user_id`` if ``key`` names a live sign-in session of theirs; None otherwise.

    Reads only, so a page that only reads can check it in a read-only session.
    """
    digest = token_hash(key)
    row = session.scalars(select(UserSession).where(UserSession.key_hash == digest)).one_or_none()
    if row is None or not hmac.compare_digest(row.key_hash, digest) or row.user_id != user_id:
        return None
    if row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    return active_user(session=session, user_id=user_id)


def end_session(*, session: Session, key: str) -> None:
    """End the sign-in session ``key`` names (nothing when there is none)."""
    row = session.scalars(select(UserSession).where(UserSession.key_hash == token_hash(key))).one_or_none()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()


def end_sessions(*, session: Session, user_id: int, keep: str | None = None) -> int:
    """End every live sign-in session of ``user_id`` but the one ``keep`` names; how many ended."""
    query = select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
    if keep is not None:
        query = query.where(UserSession.key_hash != token_hash(keep))
    rows = list(session.scalars(query))
    now = utcnow()
    for row in rows:
        row.revoked_at = now
    session.flush()
    return len(rows)


def verify_password(*, session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, or None (same work either way)."""
    user = session.scalars(select(User).where(User.username == username.strip())).one_or_none()
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
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


def create_token(
    *, session: Session, user_id: int, name: str, kind: str = "api", team_id: str | None = None
) -> str:
    """A new token for ``user_id`` (see ``issue_token``); the plain token is returned here once."""
    return issue_token(session=session, user_id=user_id, name=name, kind=kind, team_id=team_id)[1]


def create_api_token(*, session: Session, user_id: int, name: str, by: int | None) -> str:
    """Another personal API token for a login, returned here once; audited."""
    with session.begin_nested():
        token = create_token(session=session, user_id=user_id, name=name)
        audit(session=session, user_id=by, action="create_token", target=f"user:{user_id}")
    return token


def issue_token(
    *, session: Session, user_id: int, name: str, kind: str = "api", team_id: str | None = None
) -> tuple[ApiToken, str]:
    """A new token for ``user_id``: its row and the plain token, returned here once and never stored.

    A ``feed`` or ``rota_feed`` token replaces (revokes) the user's live one of that
    kind and team. ``rota_feed`` and ``on_call_link`` show a team, so they need ``team_id``.
    """
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user {user_id}.")
    if kind not in TOKEN_KINDS:
        raise ValueError(f"Token kind {kind!r} not understood; expected one of {', '.join(TOKEN_KINDS)}.")
    if kind in ("rota_feed", "on_call_link") and team_id is None:
        raise ValueError(f"A {kind} token needs the team it shows.")
    if kind == "feed" and user.staff_id is None:
        raise ValueError("A calendar feed of one's own visits needs a login linked to a staff member.")
    if kind == "feed":
        if team_id is not None and team_id != user.team_id:
            raise ValueError("A calendar feed of one's own visits is for one's own team.")
        team_id = user.team_id
    if kind in ("rota_feed", "on_call_link") and (
        user.role != "lead" or (user.team_id is not None and user.team_id != team_id)
    ):
        raise ValueError(f"Only a lead of team {team_id!r} may make a {kind} token for it.")
    if team_id is not None:
        get_team(session=session, team_id=team_id)
    token = secrets.token_urlsafe(32)
    with session.begin_nested():
        if kind in ROTATING_KINDS:
            for old in live_tokens(session=session, user_id=user_id, kind=kind, team_id=team_id):
                old.revoked_at = utcnow()
        row = ApiToken(user_id=user_id, token_hash=token_hash(token), name=name, kind=kind, team_id=team_id)
        session.add(row)
        session.flush()
    return row, token


def live_tokens(
    *, session: Session, user_id: int, kind: str | None = None, team_id: str | None = None
) -> list[ApiToken]:
    """A user's tokens that are not revoked, oldest first; of one kind and for one team if given."""
    query = select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    if kind is not None:
        query = query.where(ApiToken.kind == kind)
    if team_id is not None:
        query = query.where(ApiToken.team_id == team_id)
    return list(session.scalars(query.order_by(ApiToken.id)))


def token_row(
    *, session: Session, token: str, kinds: tuple[str, ...], note_use: bool = True
) -> ApiToken | None:
    """The live token of one of ``kinds`` whose user is active, or None.

    Notes its use (``last_used_at``) unless ``note_use`` is false: a read-only
    session must not write, and notes it afterwards with ``note_token_use``.
    """
    digest = token_hash(token)
    # The user comes in the same query: every lookup needs them, and it is a hot path.
    query = select(ApiToken).options(joinedload(ApiToken.user)).where(ApiToken.token_hash == digest)
    row = session.scalars(query).one_or_none()
    # The lookup is by the hash of a random token, so its timing reveals nothing usable;
    # the constant-time compare guards against a database that matches loosely.
    if row is None or not hmac.compare_digest(row.token_hash, digest) or row.revoked_at is not None:
        return None
    if row.kind not in kinds or not row.user.active:
        return None
    if note_use and use_is_stale(row):
        row.last_used_at = utcnow()
        session.flush()
    return row


@dataclass(frozen=True)
class TokenGrant:
    """What a live token lets its bearer do, read in one plain query: the lookups' fast path."""

    id: int
    kind: str
    team_id: str | None
    last_used_at: datetime | None
    user_id: int
    user_role: str
    user_team_id: str | None
    user_staff_id: str | None
    #: The token's name: an on-call link's tells a staff member's own link from the team's.
    name: str = ""


_GRANT = text(
    """
    SELECT t.id, t.token_hash, t.kind, t.team_id, t.name, t.last_used_at, t.revoked_at,
           u.id AS user_id, u.role, u.team_id AS user_team_id, u.staff_id, u.active
      FROM api_tokens t JOIN users u ON u.id = t.user_id
     WHERE t.token_hash = :digest
    """
).columns(last_used_at=UtcDateTime(), revoked_at=UtcDateTime(), active=Boolean())


def token_grant(*, session: Session, token: str, kinds: tuple[str, ...]) -> TokenGrant | None:
    """Like ``token_row``, for read-only sessions: the grant of a live token of ``kinds``, or None.

    Notes no use; the caller does (``note_token_use``) in a write of its own.
    """
    digest = token_hash(token)
    row = session.connection().execute(_GRANT, {"digest": digest}).one_or_none()
    if row is None or not hmac.compare_digest(row.token_hash, digest) or row.revoked_at is not None:
        return None
    if row.kind not in kinds or not row.active:
        return None
    return TokenGrant(
        id=row.id,
        kind=row.kind,
        team_id=row.team_id,
        last_used_at=row.last_used_at,
        user_id=row.user_id,
        user_role=row.role,
        user_team_id=row.user_team_id,
        user_staff_id=row.staff_id,
        name=row.name,
    )


def use_is_stale(row: ApiToken | TokenGrant) -> bool:
    """Whether the token's ``last_used_at`` is older than ``LAST_USED_PRECISION`` (or unset)."""
    return row.last_used_at is None or utcnow() - row.last_used_at >= LAST_USED_PRECISION


def note_token_use(*, session: Session, token_id: int) -> None:
    """Record that a token was used just now (for a lookup made in a read-only session)."""
    row = session.get(ApiToken, token_id)
    if row is not None and use_is_stale(row):
        row.last_used_at = utcnow()
        session.flush()


def user_for_token(*, session: Session, token: str) -> User | None:
    """The active user a live personal API token belongs to (noting its use), or None."""
    row = token_row(session=session, token=token, kinds=("api",))
    return row.user if row is not None else None


def revoke_token(*, session: Session, token_id: int) -> ApiToken:
    """Revoke a token: from now on it finds no user. Revoking twice keeps the first time."""
    row = session.get(ApiToken, token_id)
    if row is None:
        raise NotFound(f"No token {token_id}.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
    return row


def deactivate_user(*, session: Session, user_id: int, by: int | None) -> User:
    """Deactivate a login: it cannot sign in, its sign-ins end, and its tokens, feeds included, are revoked.

    Audited.
    """
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user {user_id}.")
    with session.begin_nested():
        user.active = False
        revoked = live_tokens(session=session, user_id=user_id)
        for row in revoked:
            row.revoked_at = utcnow()
        detail = {"tokens_revoked": len(revoked)}
        if sessions_ended := end_sessions(session=session, user_id=user_id):
            detail["sessions_ended"] = sessions_ended
        session.flush()
        audit(session=session, user_id=by, action="deactivate_user", target=f"user:{user_id}", detail=detail)
    return user
