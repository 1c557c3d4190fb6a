"""Whole databases for backup and restore tests: made by URL, read and changed by URL, no session kept.

A backup or restore works on a database as a whole, through connections of its
own, so these helpers open an engine per call and dispose of it at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Row, Select, select, update
from sqlalchemy.orm import Session

from actplanner.db import AuditEvent, Team, make_engine, make_sessionmaker, migrate
from actplanner.db.unit_of_work import unit_of_work
from tests.support.db_factories import create_team


def sqlite_url(path: Path) -> str:
    """The URL of the SQLite file at ``path``."""
    return f"sqlite:///{path}"


def with_teams(url: str, *team_ids: str) -> str:
    """Migrate the database at ``url`` and import the small sample team under each id."""
    migrate(url)
    engine = make_engine(url)
    try:
        with unit_of_work(make_sessionmaker(engine)) as work:
            for team_id in team_ids:
                create_team(work.session, id=team_id)
    finally:
        engine.dispose()
    return url


def read(url: str, query: Select[Any]) -> list[Row[Any]]:
    """The rows of one query on the database at ``url``."""
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return list(session.execute(query))
    finally:
        engine.dispose()


def team_ids(url: str) -> list[str]:
    """The ids of the teams in the database, sorted."""
    return sorted(row[0] for row in read(url, select(Team.id)))


def team_names(url: str) -> list[str]:
    """The names of the teams in the database, sorted."""
    return sorted(row[0] for row in read(url, select(Team.name)))


def audit_trail(url: str) -> list[tuple[str, str]]:
    """Each audit event's action and target, oldest first."""
    return [(row[0], row[1]) for row in read(url, select(AuditEvent.action, AuditEvent.target))]


def rename_teams(url: str, name: str) -> None:
    """Give every team in the database the name ``name`` (a change a restore must undo)."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(update(Team).values(name=name))
    finally:
        engine.dispose()
