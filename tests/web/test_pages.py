"""The layout, the home and audit pages, static files, and that no page loads anything from elsewhere."""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest
from alembic import command
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from actplanner.accounts.service import create_user
from actplanner.audit.service import PAGE_SIZE, audit
from actplanner.db import Team, alembic_config, make_engine
from tests.support.db_factories import create_plan
from tests.support.db_fixtures import POSTGRES_URL
from tests.support.web_factories import OTHER_TEAM, PASSWORD, TEAM, World, db, sign_in

EXTERNAL_URL = re.compile(r"(?:https?:)?//[^\s\"'<>]+", re.IGNORECASE)


def test_htmx_is_served_from_the_installed_package_as_javascript(client: TestClient) -> None:
    """``/static/htmx.min.js`` is htmx itself, with a JavaScript content type."""
    response = client.get("/static/htmx.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert "htmx" in response.text[:200]


def test_stylesheet_is_served(client: TestClient) -> None:
    """The layout's stylesheet is a local static file."""
    response = client.get("/static/app.css")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/css")


def test_layout_boosts_links_and_carries_the_csrf_header(client: TestClient, world: World) -> None:
    """Pages use hx-boost, load htmx from here, and give htmx requests the session's CSRF token."""
    page = sign_in(client, "lead").text
    assert '<body hx-boost="true">' in page
    assert '<script src="/static/htmx.min.js" defer></script>' in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert f'hx-headers=\'{{"X-CSRF-Token": "{token}"}}\'' in page


def test_lead_and_staff_see_the_navigation_of_their_role(client: TestClient, world: World) -> None:
    """The lead's navigation links the audit trail; a staff member's does not."""
    assert 'href="/audit"' in sign_in(client, "lead").text
    client.post("/logout", headers={"X-CSRF-Token": _token(client)})
    staff_home = sign_in(client, "nurse").text
    assert "Hello, nurse" in staff_home
    assert 'href="/audit"' not in staff_home


def _token(client: TestClient) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)


def test_audit_page_lists_newest_first_a_page_at_a_time(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """The audit page shows the newest events first and links to older ones; htmx gets the rows alone."""
    with db(app) as session:
        for i in range(PAGE_SIZE + 5):
            audit(session=session, user_id=world.lead_id, action="export", target=f"team:t{i}")
        session.commit()
    sign_in(client, "lead")
    page = client.get("/audit").text
    # A team that is not (or no longer) in the database still reads as one, its id in small print.
    targets = re.findall(r"<td>team t(\d+) \(deleted\) <small", page)
    assert len(targets) == PAGE_SIZE - 1  # the newest row is this sign-in
    assert targets[0] == str(PAGE_SIZE + 4)
    assert targets == sorted(targets, key=int, reverse=True)
    older = re.search(r'hx-get="(/audit\?before=\d+)"', page).group(1)
    fragment = client.get(older, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert re.findall(r"<td>team t(\d+) \(deleted\) <small", fragment.text) == ["5", "4", "3", "2", "1", "0"]
    assert "Older events" not in fragment.text
    whole = client.get(older)
    assert "<html" in whole.text
    assert "team:t0" in whole.text


def test_audit_page_with_an_impossible_cursor_is_a_clear_422(client: TestClient, world: World) -> None:
    """A negative page cursor gets an error page naming the field, not a crash."""
    sign_in(client, "lead")
    response = client.get("/audit?before=-4")
    assert response.status_code == 422
    assert "before" in response.text


def test_audit_page_shows_a_lead_only_the_events_of_their_team(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Another team's sign-ins, failed sign-ins and PHI views stay off a team lead's audit page.

    A lead of no team leads every team and sees them all, events of no team included.
    """
    with db(app) as session:
        other_plan = create_plan(session, session.get_one(Team, OTHER_TEAM))
        own_plan = create_plan(session, session.get_one(Team, TEAM))
        session.commit()
        other_id, own_id = other_plan.id, own_plan.id
    sign_in(client, "other-nurse")
    client.post("/logout", headers={"X-CSRF-Token": _token(client)})
    sign_in(client, "other-nurse", "wrong password")
    sign_in(client, "nobody-at-all", "wrong password")
    with db(app) as session:
        # Viewed by a lead of no team: the event is the plan's team's.
        agency = create_user(session=session, username="agency", password=PASSWORD, role="lead")
        audit(session=session, user_id=agency.id, action="view_phi", target=f"plan:{other_id}")
        audit(session=session, user_id=agency.id, action="view_phi", target=f"plan:{own_id}")
        session.commit()

    sign_in(client, "lead")
    page = client.get("/audit").text
    assert "other-nurse" not in page
    assert "nobody-at-all" not in page
    assert f"plan:{other_id}" not in page
    assert f"plan:{own_id}" in page
    assert "of West Town ACT (small sample)" in page
    client.post("/logout", headers={"X-CSRF-Token": _token(client)})

    sign_in(client, "agency")
    page = client.get("/audit").text
    for seen in (
        "other-nurse",
        "username:nobody-at-all",
        f"plan:{other_id}",
        f"plan:{own_id}",
        f"user:{world.lead_id}",
    ):
        assert seen in page
    assert "of every team" in page


def test_unknown_page_is_a_404_page(client: TestClient) -> None:
    """A page that does not exist gets an HTML 404 in the layout."""
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Not found" in response.text


def test_no_page_references_an_external_url(client: TestClient, world: World) -> None:
    """No rendered page names another host: no CDN, no fonts, no trackers (and no absolute self-links)."""
    pages = [client.get("/login").text, client.get("/no-such-page").text]
    pages += [sign_in(client, "lead").text, client.get("/audit").text]
    client.post("/logout", headers={"X-CSRF-Token": _token(client)})
    pages += [sign_in(client, "nurse").text, client.get("/audit").text]
    for page in pages:
        assert "<html" in page
        assert EXTERNAL_URL.findall(page) == []


def test_pages_forbid_external_resources_and_framing(client: TestClient) -> None:
    """Every page is sent with a same-origin content security policy and is not cached."""
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrading_gives_earlier_audit_events_their_team(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Events written before audit events had a team get one from who acted or what they name."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'upgrade.sqlite3'}")
    else:
        if os.environ.get("ACTPLANNER_SKIP_POSTGRES") == "1":
            pytest.skip("ACTPLANNER_SKIP_POSTGRES=1")
        schema = f"actplanner_audit_{uuid.uuid4().hex[:12]}"
        admin = make_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')

        def drop() -> None:
            with admin.begin() as connection:
                connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
            admin.dispose()

        request.addfinalizer(drop)
        engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    request.addfinalizer(engine.dispose)
    command.upgrade(alembic_config(engine=engine), "0002")
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run(
            "INSERT INTO teams (id, name, timezone, office_lat, office_lon, policy, given_defaults,"
            " created_at, updated_at)"
            " VALUES ('t-a', 'A', 'UTC', 0, 0, '{}', '[]', '2026-01-01', '2026-01-01'),"
            " ('t-b', 'B', 'UTC', 0, 0, '{}', '[]', '2026-01-01', '2026-01-01')"
        )
        run(
            "INSERT INTO users (id, username, password_hash, role, team_id, active, created_at) VALUES"
            " (1, 'lead-a', 'x', 'lead', 't-a', true, '2026-01-01'), (2, 'agency', 'x', 'lead', NULL, true,"
            " '2026-01-01'), (3, 'lead-b', 'x', 'lead', 't-b', true, '2026-01-01')"
        )
        run(
            "INSERT INTO plans (id, team_id, week_start, status, source, created_at, caseload, unmet,"
            " metrics, given_defaults)"
            " VALUES (7, 't-b', '2026-11-30', 'draft', 'solve', '2026-01-01', '[]', '[]', '{}', '[]')"
        )
        events = [
            (1, "export", "team:t-b"),  # the acting lead's team wins
            (2, "view_phi", "plan:7"),
            (2, "export", "team:t-a"),
            (None, "login_failed", "username:lead-b"),
            (None, "login_failed", "username:nobody"),
            (2, "create_user", "user:3"),
        ]
        insert = text(
            "INSERT INTO audit_events (id, at, user_id, action, target)"
            " VALUES (:id, '2026-01-01', :user, :action, :target)"
        )
        for i, (user_id, action, target) in enumerate(events, start=1):
            connection.execute(insert, {"id": i, "user": user_id, "action": action, "target": target})
    command.upgrade(alembic_config(engine=engine), "head")
    with engine.connect() as connection:
        teams = [row[0] for row in connection.exec_driver_sql("SELECT team_id FROM audit_events ORDER BY id")]
    assert teams == ["t-a", "t-b", "t-a", "t-b", None, "t-b"]
