"""Alembic environment: migrates the engine or URL that ``actplanner.db.session.migrate`` passes."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context

from actplanner.db.base import UtcDateTime
from actplanner.db.models import Base
from actplanner.db.session import make_engine
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


def run_migrations_online() -> None:
    given = config.attributes.get("engine")
    engine = given or make_engine(config.attributes.get("url") or get_settings().database_url)
    try:
        with engine.connect() as connection:
            # Batch mode lets later revisions alter SQLite tables (copy and move).
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=True,
                render_item=render_item,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        if given is None:
            engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
