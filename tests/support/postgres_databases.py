"""A PostgreSQL database of its own for a test that works on whole databases (backup, restore).

The schema-per-run fixtures of ``db_fixtures`` share the ``test`` database; a
restore replaces a whole database, so these tests make one (``CREATE
DATABASE``) and drop it at the end. Skipped when ``ACTPLANNER_SKIP_POSTGRES=1``.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import make_url

from actplanner.db import make_engine
from tests.support.db_fixtures import POSTGRES_URL


@contextmanager
def fresh_database(prefix: str = "actplanner_test") -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database on the test server; dropped afterwards."""
    if os.environ.get("ACTPLANNER_SKIP_POSTGRES") == "1":
        pytest.skip("ACTPLANNER_SKIP_POSTGRES=1")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()
