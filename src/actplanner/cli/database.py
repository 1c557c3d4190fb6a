"""The database a command works on: ``ACTPLANNER_DATABASE_URL`` (``actplanner.settings``) unless given.

Commands that write migrate it to the newest schema first, as the web app does on
start, and write in a unit of work (``actplanner.db.unit_of_work``), so what they
change in a team's published state reaches its calendar feeds in the same commit.
Commands that only read (``on-call``) never change it: a lookup in a crisis must
not run a migration, and a database without the schema gets a sentence, not a
stack trace.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from actplanner.cli.output import fail
from actplanner.db import alembic_config, make_engine, make_sessionmaker, migrate
from actplanner.db.unit_of_work import unit_of_work
from actplanner.settings import get_settings

SET_UP = "`actplanner serve` or `actplanner user create` sets it up"
#: The file ``actplanner demo`` makes in the folder it runs in (``cli.server.DEMO_DB`` uses it).
DEMO_FILE = Path("actplanner-demo.sqlite3")


def default_url() -> str:
    """``ACTPLANNER_DATABASE_URL``; when it is not set and the default SQLite file is not here but
    the demo's is, the demo's: ``actplanner on-call`` run in the demo's folder answers from it."""
    settings = get_settings()
    if "database_url" in settings.model_fields_set:
        return settings.database_url
    default = make_url(settings.database_url).database
    if default and not Path(default).exists() and DEMO_FILE.is_file():
        return f"sqlite:///{DEMO_FILE.resolve()}"
    return settings.database_url


def open_database(
    url: str | None = None, *, migrate_first: bool = True
) -> tuple[sessionmaker[Session], Engine]:
    """Sessions on the database, and its engine for the caller to dispose; migrated first by default.

    Without ``migrate_first`` it must already have this version's schema, or the command fails saying so.
    """
    url = url or default_url()
    if migrate_first:
        with _unreachable_is_one_line(url):
            migrate(url)
    else:
        _refuse_missing_file(url)
    engine = make_engine(url)
    if not migrate_first:
        try:
            with _unreachable_is_one_line(url):
                _require_schema(engine, url)
        except BaseException:
            engine.dispose()
            raise
    return make_sessionmaker(engine), engine


@contextmanager
def _unreachable_is_one_line(url: str) -> Iterator[None]:
    """A database that cannot be reached is one error line naming it (exit 2), not a stack trace."""
    try:
        yield
    except OperationalError as err:
        where = make_url(url).render_as_string(hide_password=True)
        lines = str(err.orig or err).strip().splitlines()
        reason = lines[0] if lines else type(err).__name__
        raise fail([f"cannot reach the database {where}: {reason}"]) from err


def migrate_database(url: str | None = None) -> None:
    """Bring the database to the newest schema, for the processes a command is about to start."""
    _factory, engine = open_database(url)
    engine.dispose()


@contextmanager
def database_session(*, write: bool, url: str | None = None) -> Iterator[Session]:
    """One session for a command: ``write`` migrates first and commits at the end; a read changes nothing."""
    factory, engine = open_database(url, migrate_first=write)
    try:
        if write:
            with unit_of_work(factory) as work:
                yield work.session
        else:
            with factory() as session:
                yield session
    finally:
        engine.dispose()


def _refuse_missing_file(url: str) -> None:
    # Connecting to a SQLite file that is not there would create an empty one.
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not path.exists():
            raise fail([f"no database at {path}: {SET_UP}"])


def _require_schema(engine: Engine, url: str) -> None:
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    where = make_url(url).render_as_string(hide_password=True)
    if current is None:
        raise fail([f"the database {where} has no actplanner tables yet: {SET_UP}"])
    if current != head:
        raise fail(
            [
                f"the database {where} has the schema of another actplanner version "
                f"(revision {current}, this one needs {head}): `actplanner serve` migrates it"
            ]
        )
