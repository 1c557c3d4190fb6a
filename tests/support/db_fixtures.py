"""A migrated database per backend (SQLite file, PostgreSQL schema); each test in a rolled-back transaction.

PostgreSQL runs unless ``ACTPLANNER_SKIP_POSTGRES=1``; its URL is
``ACTPLANNER_TEST_POSTGRES_URL`` (default: the local ``test`` database). Each run
migrates a schema of its own and drops it at the end, so runs side by side do
not meet.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.orm import Session, sessionmaker

from actplanner.db import AuditEvent, SolveJob, Team, make_engine, make_sessionmaker, migrate

POSTGRES_URL = os.environ.get(
    "ACTPLANNER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """An engine on a freshly migrated database of one backend."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}")
        migrate(engine=engine)
        yield engine
        engine.dispose()
        return
    if os.environ.get("ACTPLANNER_SKIP_POSTGRES") == "1":
        pytest.skip("ACTPLANNER_SKIP_POSTGRES=1")
    schema = f"actplanner_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine = make_engine(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    try:
        migrate(engine=engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose every change, commits included, is rolled back after the test."""
    with engine.connect() as connection:
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            session.close()
            outer.rollback()


@pytest.fixture
def committed(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions that really commit (for tests between connections); what they wrote is deleted afterwards."""
    factory = make_sessionmaker(engine)
    yield factory
    with factory.begin() as cleanup:
        for model in (AuditEvent, SolveJob, Team):
            cleanup.execute(delete(model))
