"""A web app per test on its own SQLite file, copied from one migrated and seeded once.

``world`` gives a team (the small fixture) with a lead and a staff login, and a
second team with a staff login of its own, each with a personal API token.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.accounts.service import create_token, create_user
from actplanner.db import make_engine, make_sessionmaker, migrate
from actplanner.settings import Settings
from actplanner.teams.service import import_team
from actplanner.web.app import create_app
from tests.support.team_files import team_file
from tests.support.web_factories import OTHER_TEAM, PASSWORD, TEAM, World


@pytest.fixture(scope="session")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, World]:
    """A SQLite file migrated to the newest schema with the teams and users of ``world``, copied by each test.

    Made once: argon2 hashing makes users slow to create on purpose.
    """
    path = tmp_path_factory.mktemp("template") / "seeded.sqlite3"
    url = f"sqlite:///{path}"
    migrate(url=url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        import_team(session=session, data=team_file())
        import_team(session=session, data=team_file(id=OTHER_TEAM))
        lead = create_user(session=session, username="lead", password=PASSWORD, role="lead", team_id=TEAM)
        staff = create_user(
            session=session, username="nurse", password=PASSWORD, role="staff", team_id=TEAM, staff_id="s-rn1"
        )
        other = create_user(
            session=session,
            username="other-nurse",
            password=PASSWORD,
            role="staff",
            team_id=OTHER_TEAM,
            staff_id="s-rn1",
        )
        world = World(
            lead_id=lead.id,
            lead_token=create_token(session=session, user_id=lead.id, name="test"),
            staff_id=staff.id,
            staff_token=create_token(session=session, user_id=staff.id, name="test"),
            other_staff_id=other.id,
            other_staff_token=create_token(session=session, user_id=other.id, name="test"),
        )
        session.commit()
    engine.dispose()
    return path, world


@pytest.fixture
def settings(tmp_path: Path, seeded_db: tuple[Path, World]) -> Settings:
    """Settings on a fresh copy of the seeded database."""
    path = tmp_path / "web.sqlite3"
    shutil.copy(seeded_db[0], path)
    return Settings(database_url=f"sqlite:///{path}", secret_key="test-secret-key-" + "x" * 32, https=False)


@pytest.fixture
def app(settings: Settings) -> FastAPI:
    """The web app on the test database."""
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A browser-like client of the app, started (and so migrated) through its lifespan."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def world(seeded_db: tuple[Path, World], client: TestClient) -> World:
    """Team ``west-town-small`` with a lead and a staff login, and ``other-team`` with a staff login."""
    return seeded_db[1]
