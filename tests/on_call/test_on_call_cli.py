"""``actplanner on-call`` in a terminal, ``actplanner on-call link …`` and ``actplanner user deactivate``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from actplanner.cli.main import app as cli
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.settings import Settings, get_settings
from tests.support.web_factories import TEAM, World, bearer, db, plan_doc

runner = CliRunner()
TUESDAY_NOON = "2026-12-01T12:00"


@pytest.fixture
def database(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The web test database as the CLI's ``ACTPLANNER_DATABASE_URL``."""
    monkeypatch.setenv("ACTPLANNER_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    yield settings.database_url
    get_settings.cache_clear()


@pytest.fixture
def published(app: FastAPI, world: World, database: str) -> dict[str, Any]:
    """The greedy plan of the small team for the week of 2026-11-30, published by the lead."""
    doc = plan_doc()
    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id)
        session.commit()
    return doc


def test_json_is_the_api_document(client: TestClient, world: World, published: dict[str, Any]) -> None:
    """``--json`` prints exactly what the API answers for the same moment."""
    result = runner.invoke(cli, ["on-call", "--team", TEAM, "--at", TUESDAY_NOON, "--json"])
    assert result.exit_code == 0, result.output
    api = client.get(f"/api/v1/on-call?at={TUESDAY_NOON}", headers=bearer(world.staff_token)).json()
    assert json.loads(result.stdout) == api


def test_terminal_shows_holders_phones_escalation_and_gaps(published: dict[str, Any]) -> None:
    """The rich display names each holder with their phone, the escalation order and the gaps ahead."""
    result = runner.invoke(cli, ["on-call", "--team", TEAM, "--at", TUESDAY_NOON])
    assert result.exit_code == 0, result.output
    assert "Tue 01 Dec 2026 12:00 CST" in result.stdout
    assert "+1-312-555-" in result.stdout
    assert "4. team_leader: Victor Miller +1-312-555-0106" in result.stdout
    # The gap runs to the end of the look-ahead: the CLI names the week to publish, not a moving end.
    # The line wraps at the terminal's width; its words are what the page says.
    assert (
        "Ahead: no primary on call from Mon 7 Dec 08:30 (CST): no rota is published after that "
        "(publish the week of Mon 7 Dec)"
    ) in " ".join(result.stdout.split())
    assert "Tue 15 Dec 12:00" not in result.stdout


def test_several_teams_need_team(database: str, world: World) -> None:
    """With more than one team in the database, ``--team`` is required."""
    result = runner.invoke(cli, ["on-call"])
    assert result.exit_code == 2
    assert "--team: the database has several teams" in result.output


def test_bad_at_names_the_option(database: str, world: World) -> None:
    """A moment that is not ISO 8601 exits 2 naming ``--at``."""
    result = runner.invoke(cli, ["on-call", "--team", TEAM, "--at", "noon"])
    assert result.exit_code == 2
    assert "--at: 'noon' is not an ISO 8601 date and time" in result.output


def test_unknown_team_is_an_error(database: str, world: World) -> None:
    result = runner.invoke(cli, ["on-call", "--team", "nowhere"])
    assert result.exit_code == 2


def test_link_create_list_revoke(client: TestClient, database: str, world: World) -> None:
    """A link made in the terminal opens the read-only page, is listed, and is revoked by its id."""
    made = runner.invoke(
        cli, ["on-call", "link", "create", "--team", TEAM, "--by", "lead", "--name", "kiosk"]
    )
    assert made.exit_code == 0, made.output
    link_id, path = made.stdout.split("link ", 1)[1].strip().split(": ")
    assert client.get(path).status_code == 200
    listed = runner.invoke(cli, ["on-call", "link", "list", "--team", TEAM])
    assert "kiosk" in listed.stdout and path.rsplit("/", 1)[1] not in listed.stdout
    assert runner.invoke(cli, ["on-call", "link", "revoke", link_id]).exit_code == 0
    assert client.get(path).status_code == 404


def test_link_needs_a_lead(database: str, world: World) -> None:
    """A staff login cannot own a team's read-only link."""
    result = runner.invoke(cli, ["on-call", "link", "create", "--team", TEAM, "--by", "nurse"])
    assert result.exit_code == 2


def test_user_deactivate_revokes_every_token(client: TestClient, database: str, world: World) -> None:
    """A deactivated login's personal token no longer opens the API."""
    assert client.get("/api/v1/on-call", headers=bearer(world.staff_token)).status_code == 200
    result = runner.invoke(cli, ["user", "deactivate", "nurse"])
    assert result.exit_code == 0, result.output
    assert "1 token(s) revoked" in result.stdout
    assert client.get("/api/v1/on-call", headers=bearer(world.staff_token)).status_code == 401
    assert runner.invoke(cli, ["user", "deactivate", "nobody"]).exit_code == 2
