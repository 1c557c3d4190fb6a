"""The on-call API survives a database restart: its own pool pings a connection before lending it.

A PostgreSQL restart, a failover or an idle-connection timeout closes the pooled
connections server-side. The crisis lookup must not answer the first call after
that with a 500; here the server ends the app's connections with pg_terminate_backend.
"""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from actplanner.accounts.service import create_token, create_user
from actplanner.db import make_engine, make_sessionmaker
from actplanner.settings import Settings
from actplanner.teams.service import import_team
from actplanner.web.app import create_app
from tests.support.team_files import team_file
from tests.support.web_factories import TEAM, bearer

AT = "2026-12-01T12:00"


def _terminate(url: str, application_name: str) -> int:
    """End every server connection of ``application_name``; how many there were."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE application_name = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": application_name},
                ).all()
            )
    finally:
        engine.dispose()


def test_the_first_lookup_after_the_server_dropped_its_connections_is_answered(url: str) -> None:
    if not url.startswith("postgresql"):
        pytest.skip("only a database server drops connections")
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        import_team(session=session, data=team_file())
        lead = create_user(
            session=session, username="lead", password="Correct-Horse-Battery-9417", role="lead", team_id=TEAM
        )
        token = create_token(session=session, user_id=lead.id, name="answering service")
        session.commit()
    engine.dispose()
    application_name = f"on-call-reconnect-{uuid.uuid4().hex[:8]}"
    settings = Settings(
        database_url=f"{url}&application_name={application_name}",
        secret_key="test-secret-key-" + "x" * 32,
        https=False,
    )
    with TestClient(create_app(settings, migrate_database=False)) as client:
        assert client.get(f"/api/v1/on-call?at={AT}", headers=bearer(token)).status_code == 200
        assert _terminate(url, application_name) >= 1
        for _ in range(3):
            answer = client.get(f"/api/v1/on-call?at={AT}", headers=bearer(token))
            assert answer.status_code == 200, answer.text
            assert [r["role"] for r in answer.json()["on_call"]] == ["primary", "backup", "prescriber"]
