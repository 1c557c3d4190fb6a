"""Alembic environment: migrates the engine or URL that ``actplanner.db.session.migrate`` passes.

Alembic's command line works too (``alembic.ini`` beside this file; the database is
``ACTPLANNER_DATABASE_URL``). One run is one transaction on every database, SQLite
included, so a downgrade refused halfway (``migrations.downgrades``) leaves the
database exactly as it was. A run that upgraded to head ends by reconciling every
team, in the same transaction: what was published while the database was at an
older revision (or before the feeds existed) reaches the calendar feeds' ledger.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from actplanner.db.base import UtcDateTime
from actplanner.db.models import Base, Team
from actplanner.db.session import make_engine
from actplanner.db.unit_of_work import UnitOfWork
from actplanner.settings import get_settings

config = context.config
target_metadata = Base.metadata


def render_item(kind: str, obj: Any, _context: Any) -> str | Literal[False]:
    # Revisions stay plain SQLAlchemy, so later changes to the app's types cannot rewrite history.
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline() -> None:
    context.configure(
        url=config.attributes.get("url") or get_settings().database_url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def reconcile_every_team(connection: Connection) -> None:
    """Run the unit of work's reconcilers (the feeds' ledger) for every team, in the migration's run."""
    with Session(bind=connection) as session:
        work = UnitOfWork(session)
        for team_id in session.scalars(select(Team.id)):
            work.team_changed(team_id)
        work.reconcile()
        session.flush()


def run_migrations_online() -> None:
    given = config.attributes.get("engine")
    engine = given or make_engine(config.attributes.get("url") or get_settings().database_url)
    upgraded: list[bool] = []
    try:
        with engine.connect() as connection:
            # Batch mode lets later revisions alter SQLite tables (copy and move).
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,
                render_item=render_item,
                # SQLite's DDL is transactional too (the engine leaves BEGIN to SQLAlchemy).
                transactional_ddl=True,
                on_version_apply=lambda *, step, **_: upgraded.append(step.is_upgrade),
            )
            with context.begin_transaction():
                context.run_migrations()
                heads = set(context.get_context().get_current_heads())
                if any(upgraded) and heads == set(context.script.get_heads()):
                    reconcile_every_team(connection)
    finally:
        if given is None:
            engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
