"""The packaged migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from actplanner.db import Base, migrate


def test_migrated_database_matches_the_models(engine: Engine) -> None:
    """Upgrading an empty database to head leaves no difference from the models."""
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_migrating_again_changes_nothing(engine: Engine) -> None:
    """Running the migrations on an up-to-date database (every app start does) is harmless."""
    migrate(engine=engine)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
