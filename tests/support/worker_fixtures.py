"""A migrated database per backend for the worker, which commits from threads and processes of its own.

The worker opens its own engines from a URL, so a test cannot roll its work
back: the database (a SQLite file, or a PostgreSQL schema named in the URL) is
made once per run and emptied after each test. PostgreSQL runs unless
``ACTPLANNER_SKIP_POSTGRES=1``; its URL is ``ACTPLANNER_TEST_POSTGRES_URL``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from actplanner.db import AuditEvent, SolveJob, Team, User, make_engine, make_sessionmaker, migrate
from actplanner.settings import get_settings

POSTGRES_URL = os.environ.get(
    "ACTPLANNER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of a freshly migrated database of one backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('worker') / 'worker.sqlite3'}"
        migrate(url)
        yield url
        return
    if os.environ.get("ACTPLANNER_SKIP_POSTGRES") == "1":
        pytest.skip("ACTPLANNER_SKIP_POSTGRES=1")
    schema = f"actplanner_worker_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
        migrate(url)
        yield url
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def url(database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The test database's URL, also as ``ACTPLANNER_DATABASE_URL``; emptied after the test."""
    monkeypatch.setenv("ACTPLANNER_DATABASE_URL", database)
    get_settings.cache_clear()
    yield database
    get_settings.cache_clear()
    engine = make_engine(database)
    with engine.begin() as connection:
        for model in (AuditEvent, SolveJob, User, Team):
            connection.execute(delete(model))
    engine.dispose()


@pytest.fixture
def factory(url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on the test database that really commit."""
    engine = make_engine(url)
    yield make_sessionmaker(engine)
    engine.dispose()
