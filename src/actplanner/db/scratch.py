"""A PostgreSQL database of its own, made for a run and dropped after it.

The worker benchmark and the tests of whole-database verbs (backup, restore)
need a database nobody else uses: a restore replaces a whole database, and the
benchmark's workers must share nothing but its URL.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import make_url

from actplanner.db.session import make_engine


@contextmanager
def fresh_database(server_url: str, prefix: str = "actplanner_scratch") -> Iterator[str]:
    """A new empty database on the PostgreSQL server ``server_url`` reaches, dropped afterwards; its URL."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                # FORCE: a worker killed by a failed run may still hold a connection.
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()
