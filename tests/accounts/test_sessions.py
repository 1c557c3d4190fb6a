"""Sessions live on the server: signing out or deactivation ends a copied cookie (issue 9, item 10)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from actplanner.accounts.service import (
    deactivate_user,
    end_sessions,
    live_tokens,
    session_user,
    start_session,
)
from actplanner.db import UserSession, utcnow
from actplanner.web.security import SESSION_COOKIE
from tests.support.db_factories import create_user
from tests.support.web_factories import World, db, form_token, sign_in


def _copy_of(client: TestClient) -> TestClient:
    """Another browser holding a copy of ``client``'s session cookie."""
    copy = TestClient(client.app)
    copy.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])
    return copy


def _signed_in(client: TestClient) -> bool:
    return client.get("/", follow_redirects=False).status_code == 200


def test_a_copied_cookie_stops_working_at_logout(client: TestClient, world: World) -> None:
    """After signing out, a copy of the cookie taken while signed in opens nothing and changes nothing."""
    page = sign_in(client, "nurse").text
    stolen = _copy_of(client)
    assert _signed_in(stolen)
    client.post("/logout", data={"csrf_token": form_token(page)})
    assert not _signed_in(client)
    assert not _signed_in(stolen)
    # Rotating a feed with it, the CSRF token of the copied page included, sends to the sign-in form.
    response = stolen.post(
        "/feeds", data={"kind": "feed", "csrf_token": form_token(page)}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    with db(client.app) as session:  # type: ignore[arg-type]
        assert live_tokens(session=session, user_id=world.staff_id, kind="feed") == []


def test_signing_out_ends_only_that_browser(client: TestClient, world: World) -> None:
    """Two browsers signed in as one user: signing out in one leaves the other signed in."""
    sign_in(client, "lead")
    other = TestClient(client.app)
    sign_in(other, "lead")
    client.post("/logout", data={"csrf_token": form_token(client.get("/").text)})
    assert not _signed_in(client)
    assert _signed_in(other)


def test_deactivation_ends_every_session_of_the_login(app: FastAPI, client: TestClient, world: World) -> None:
    """Deactivating a login signs out its browsers at once, copies of their cookies included."""
    sign_in(client, "nurse")
    stolen = _copy_of(client)
    with db(app) as session:
        deactivate_user(session=session, user_id=world.staff_id, by=world.lead_id)
        session.commit()
    assert not _signed_in(client)
    assert not _signed_in(stolen)


def test_a_cookie_of_an_expired_session_opens_nothing(app: FastAPI, client: TestClient, world: World) -> None:
    """The server ends a sign-in at its expiry, whatever the cookie says."""
    sign_in(client, "nurse")
    with db(app) as session:
        session.execute(update(UserSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    assert not _signed_in(client)


def test_session_user_needs_the_live_key_of_that_user(session: Session) -> None:
    """A key works for its own user only, until it is ended; ending all but one keeps that one."""
    user = create_user(session)
    other = create_user(session, username="other")
    first = start_session(session=session, user_id=user.id)
    second = start_session(session=session, user_id=user.id)
    assert session_user(session=session, user_id=user.id, key=first) is user
    assert session_user(session=session, user_id=other.id, key=first) is None
    assert session_user(session=session, user_id=user.id, key="not-a-key") is None
    assert end_sessions(session=session, user_id=user.id, keep=second) == 1
    assert session_user(session=session, user_id=user.id, key=first) is None
    assert session_user(session=session, user_id=user.id, key=second) is user
    # Only the hash is stored.
    hashes = set(session.scalars(select(UserSession.key_hash)))
    assert first not in hashes and second not in hashes
