"""Weak passwords are refused, sign-ins are throttled, and a password can be changed (issue 9, item 11)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from actplanner.accounts.service import change_password, password_problem, verify_password
from actplanner.accounts.throttle import PER_ADDRESS, PER_USERNAME, WINDOW_SECONDS, SignInThrottle
from actplanner.web.security import SESSION_COOKIE
from tests.support.db_factories import create_user
from tests.support.web_factories import PASSWORD, World, audit_events, db, form_token, sign_in


@pytest.mark.parametrize(
    "password",
    ["password", "12345678", " " * 8, "qwertyuiop", "Password123", "abc", "lead-lead", "actplanner1"],
)
def test_common_short_and_guessable_passwords_are_refused(session: Session, password: str) -> None:
    """The audit's three (``password``, ``12345678``, eight spaces) and their kin, with a sentence."""
    problem = password_problem(password, username="lead-lead")
    assert problem is not None and problem.startswith("password: ")
    with pytest.raises(ValueError, match="password: "):
        create_user(session, username="lead-lead", password=password)


def test_a_good_password_is_accepted() -> None:
    for password in (PASSWORD, "violet tram ninety", "Tr0ub4dor&3x"):
        assert password_problem(password, username="maria") is None


def test_change_password_checks_the_current_one_and_ends_other_sessions(session: Session) -> None:
    from actplanner.accounts.service import session_user, start_session

    user = create_user(session)
    here = start_session(session=session, user_id=user.id)
    elsewhere = start_session(session=session, user_id=user.id)
    with pytest.raises(PermissionError, match="current_password"):
        change_password(session=session, user_id=user.id, current="wrong horse", new="violet tram ninety")
    with pytest.raises(ValueError, match="new_password: this password is too easy"):
        change_password(session=session, user_id=user.id, current=PASSWORD, new="password")
    assert (
        change_password(
            session=session, user_id=user.id, current=PASSWORD, new="violet tram ninety", keep_session=here
        )
        == 1
    )
    assert verify_password(session=session, username="lead", password="violet tram ninety") is user
    assert verify_password(session=session, username="lead", password=PASSWORD) is None
    assert session_user(session=session, user_id=user.id, key=here) is user
    assert session_user(session=session, user_id=user.id, key=elsewhere) is None


def test_throttle_counts_per_username_and_per_address_in_a_window() -> None:
    now = [0.0]
    throttle = SignInThrottle(clock=lambda: now[0])
    for _ in range(PER_USERNAME):
        assert throttle.check(username="lead", address="10.0.0.1") is None
        throttle.failed(username="lead", address="10.0.0.1")
    wait = throttle.check(username="Lead ", address="10.0.0.2")
    assert wait is not None and "for this username" in wait.message
    assert wait.retry_after == WINDOW_SECONDS
    # Other names from the same address still may, until the address has failed too often.
    assert throttle.check(username="nurse", address="10.0.0.1") is None
    for i in range(PER_ADDRESS - PER_USERNAME):
        throttle.failed(username=f"name-{i}", address="10.0.0.1")
    address_wait = throttle.check(username="nurse", address="10.0.0.1")
    assert address_wait is not None and "network address" in address_wait.message
    now[0] = WINDOW_SECONDS + 1
    assert throttle.check(username="lead", address="10.0.0.1") is None


def test_the_sign_in_form_throttles_with_a_429_and_a_sentence(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """After five wrong passwords the form says to wait, even for the right password, without checking it."""
    for _ in range(PER_USERNAME):
        assert sign_in(client, "lead", "wrong password").status_code == 400
    response = sign_in(client, "lead")
    assert response.status_code == 429
    assert "Too many failed sign-ins for this username" in response.text
    assert int(response.headers["retry-after"]) > 0
    assert SESSION_COOKIE not in client.cookies or client.get("/", follow_redirects=False).status_code == 303
    # Another login from here is not held up.
    assert sign_in(client, "nurse").status_code == 200
    assert [a for _u, a, _t in audit_events(app)].count("login_failed") == PER_USERNAME


def test_password_change_in_the_page_signs_out_the_other_browsers(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """The menu links the form; a change keeps this browser signed in and ends every other one."""
    home = sign_in(client, "nurse").text
    assert 'href="/account/password"' in home
    other = TestClient(client.app)
    sign_in(other, "nurse")
    token = form_token(client.get("/account/password").text)

    def change(**fields: str):  # noqa: ANN202
        return client.post("/account/password", data={"csrf_token": token, **fields})

    wrong = change(
        current_password="nope nope", new_password="violet tram ninety", repeat_password="violet tram ninety"
    )
    assert wrong.status_code == 400 and "current_password: that is not your current password" in wrong.text
    weak = change(current_password=PASSWORD, new_password="12345678", repeat_password="12345678")
    assert weak.status_code == 400 and "new_password: this password is too easy to guess" in weak.text
    differ = change(
        current_password=PASSWORD, new_password="violet tram ninety", repeat_password="violet tram"
    )
    assert differ.status_code == 400 and "repeat_password" in differ.text
    done = change(
        current_password=PASSWORD, new_password="violet tram ninety", repeat_password="violet tram ninety"
    )
    assert done.status_code == 200 and "Your password is changed" in done.text
    assert client.get("/", follow_redirects=False).status_code == 200
    assert other.get("/", follow_redirects=False).status_code == 303
    assert sign_in(other, "nurse", "violet tram ninety").status_code == 200
    with db(app) as session:
        assert verify_password(session=session, username="nurse", password=PASSWORD) is None
    assert (world.staff_id, "change_password", f"user:{world.staff_id}") in audit_events(app)
