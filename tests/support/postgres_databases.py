"""A PostgreSQL database of its own for a test that works on whole databases (backup, restore).

The schema-per-run fixtures of ``db_fixtures`` share the ``test`` database; a
restore replaces a whole database, so these tests make one (``CREATE
DATABASE``) and drop it at the end. Skipped when ``ACTPLANNER_SKIP_POSTGRES=1``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from actplanner.db import scratch
from tests.support.db_fixtures import POSTGRES_URL


@contextmanager
def fresh_database(prefix: str = "actplanner_test") -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database on the test server; dropped afterwards."""
    if os.environ.get("ACTPLANNER_SKIP_POSTGRES") == "1":
        pytest.skip("ACTPLANNER_SKIP_POSTGRES=1")
    with scratch.fresh_database(POSTGRES_URL, prefix) as url:
        yield url
