"""Signing in and out, the session cookie's flags, CSRF protection and page access by role."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from actplanner.accounts.pages import safe_next
from actplanner.db import User
from actplanner.web.app import create_app
from actplanner.web.security import SESSION_COOKIE
from tests.support.web_factories import PASSWORD, World, audit_events, db, form_token, sign_in


def _cookie_header(response) -> str:  # noqa: ANN001
    return next(v for k, v in response.headers.multi_items() if k == "set-cookie" and SESSION_COOKIE in v)


def test_session_cookie_is_httponly_and_samesite_lax_but_not_secure_over_http(client: TestClient) -> None:
    """Over plain HTTP the cookie is HttpOnly and SameSite=Lax, without Secure (it would never be sent)."""
    flags = _cookie_header(client.get("/login")).lower()
    assert "httponly" in flags
    assert "samesite=lax" in flags
    assert "secure" not in flags


def test_session_cookie_is_secure_behind_https(settings) -> None:  # noqa: ANN001
    """With ``https`` set the cookie is Secure, and pages send HSTS."""
    app = create_app(settings.model_copy(update={"https": True}))
    with TestClient(app, base_url="https://testserver") as client:
        response = client.get("/login")
    assert "secure" in _cookie_header(response).lower()
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_sign_in_goes_home_and_is_audited(app: FastAPI, client: TestClient, world: World) -> None:
    """The right password signs in, lands on the home page, and leaves a ``login`` event."""
    response = sign_in(client, "lead")
    assert response.status_code == 200
    assert "Hello, lead" in response.text
    assert (world.lead_id, "login", f"user:{world.lead_id}") in audit_events(app)


def test_sign_in_returns_to_the_page_asked_for(client: TestClient, world: World) -> None:
    """A page that needed signing in is where the user goes afterwards."""
    first = client.get("/audit", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/login?next=/audit"
    page = client.get(first.headers["location"])
    response = client.post(
        "/login",
        data={
            "username": "lead",
            "password": PASSWORD,
            "next": "/audit",
            "csrf_token": form_token(page.text),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/audit"


def test_wrong_password_is_refused_and_audited_without_a_user(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A wrong password gets the form back with a message, a ``login_failed`` event, and no session."""
    response = sign_in(client, "lead", "wrong horse")
    assert response.status_code == 400
    assert "do not match an active account" in response.text
    assert (None, "login_failed", "username:lead") in audit_events(app)
    assert client.get("/", follow_redirects=False).status_code == 303


def test_empty_or_absurd_sign_in_values_are_refused(app: FastAPI, client: TestClient, world: World) -> None:
    """An empty password or a username of thousands of characters is a clear 400, never a sign-in."""
    token = form_token(client.get("/login").text)
    empty = client.post("/login", data={"username": "lead", "password": "", "csrf_token": token})
    assert empty.status_code == 400
    assert "Enter your username and password" in empty.text
    huge = client.post("/login", data={"username": "x" * 5000, "password": PASSWORD, "csrf_token": token})
    assert huge.status_code == 400
    assert all(action != "login" for _user, action, _target in audit_events(app))


def test_forged_csrf_token_on_sign_in_is_403_and_changes_nothing(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A sign-in form with a forged token is refused before the password is even checked."""
    client.get("/login")
    before = audit_events(app)
    response = client.post("/login", data={"username": "lead", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403
    assert "security token does not match" in response.text
    assert audit_events(app) == before
    assert client.get("/", follow_redirects=False).status_code == 303


def test_missing_csrf_token_is_403(client: TestClient, world: World) -> None:
    """A form without any token is refused like a forged one."""
    client.get("/login")
    response = client.post("/login", data={"username": "lead", "password": PASSWORD})
    assert response.status_code == 403


def test_forged_csrf_token_on_sign_out_keeps_the_session(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A cross-site sign-out (wrong token) neither signs out nor writes to the audit trail."""
    sign_in(client, "lead")
    before = audit_events(app)
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/logout", headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert audit_events(app) == before
    assert client.get("/").status_code == 200


def test_sign_out_with_the_htmx_header_token(app: FastAPI, client: TestClient, world: World) -> None:
    """The token in the ``X-CSRF-Token`` header (as htmx sends it) is accepted; sign-out is audited."""
    home = sign_in(client, "lead")
    response = client.post("/logout", headers={"X-CSRF-Token": form_token(home.text)}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert client.get("/", follow_redirects=False).status_code == 303
    assert audit_events(app)[-1] == (world.lead_id, "logout", f"user:{world.lead_id}")


def test_csrf_token_changes_at_sign_in(client: TestClient, world: World) -> None:
    """The token of the anonymous session is not the signed-in one, so a planted token is useless."""
    before = form_token(client.get("/login").text)
    after = form_token(sign_in(client, "lead").text)
    assert before != after


def test_a_deactivated_login_loses_its_session(app: FastAPI, client: TestClient, world: World) -> None:
    """Deactivating a user ends their session at its next request."""
    sign_in(client, "nurse")
    with db(app) as session:
        session.execute(update(User).where(User.id == world.staff_id).values(active=False))
        session.commit()
    assert client.get("/", follow_redirects=False).status_code == 303


def test_htmx_request_without_session_is_told_to_redirect(client: TestClient) -> None:
    """An htmx request from an expired session gets HX-Redirect, not a sign-in form inside a fragment."""
    response = client.get("/audit", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/audit"


def test_staff_cannot_open_the_audit_page(client: TestClient, world: World) -> None:
    """The audit trail is the lead's: staff get a clear 403 page."""
    sign_in(client, "nurse")
    response = client.get("/audit")
    assert response.status_code == 403
    assert "for the team lead" in response.text


def test_next_never_leaves_the_site() -> None:
    """Only a path on this site is followed after signing in."""
    assert safe_next("/audit?before=3") == "/audit?before=3"
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "audit", "", None):
        assert safe_next(target) == "/"
