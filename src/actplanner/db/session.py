"""Engines, sessions and migrations, for SQLite (the embedded default) and PostgreSQL."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from actplanner.settings import get_settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
#: The execution option marking a read-only session's connections (see ``make_sessionmaker``).
READ_ONLY = "actplanner_read_only"


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, say when transactions begin: the
        # module's own handling breaks SAVEPOINT and transactional DDL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # WAL lets the web pages read while a worker writes progress.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # IMMEDIATE takes the write lock up front. With a plain BEGIN, a transaction
        # that read before another connection committed a write fails at once with
        # "database is locked" when it then writes (busy_timeout cannot help): the
        # web server's Stop and the worker's progress writes hit exactly that. Under
        # WAL, readers outside a transaction are unaffected; writers queue instead.
        # A read-only session (``make_sessionmaker(read_only=True)``) must not queue
        # with the writers: the on-call lookup answers from a snapshot, at once.
        if connection.get_execution_options().get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, WAL and working savepoints."""
    sqlite = url.startswith("sqlite")
    if sqlite:
        kwargs.setdefault("connect_args", {}).setdefault("check_same_thread", False)
    engine = create_engine(url, **kwargs)
    if sqlite:
        _sqlite_setup(engine)
    return engine


@lru_cache
def get_engine() -> Engine:
    """The engine for the configured ``database_url``, made on first use."""
    return make_engine(get_settings().database_url, pool_pre_ping=True)


def make_sessionmaker(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions on ``engine``; objects stay readable after commit (pages render after saving).

    ``read_only`` sessions are for reads that must never wait on a writer (the
    on-call lookup, calendar feeds): on SQLite they begin a deferred transaction,
    a snapshot that takes no lock. They must not write; a write there may fail
    with "database is locked" rather than wait.
    """
    if read_only:
        engine = engine.execution_options(**{READ_ONLY: True})
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(url: str | None = None, engine: Engine | None = None) -> Config:
    """Alembic's configuration for the packaged migrations, on ``engine`` or ``url``.

    New revisions: ``alembic.command.revision(alembic_config(url), message=..., autogenerate=True)``.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = url
    config.attributes["engine"] = engine
    return config


def migrate(url: str | None = None, engine: Engine | None = None) -> None:
    """Bring the database to the newest schema (``alembic upgrade head``); the app runs this on start."""
    if url is None and engine is None:
        url = get_settings().database_url
    command.upgrade(alembic_config(url, engine), "head")
