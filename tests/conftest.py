"""Fixtures every test folder may use, kept in ``tests/support`` beside the factories.

``db_fixtures``: an engine per database (SQLite and PostgreSQL) and a session
rolled back after each test; ``web_fixtures``: a seeded app and its test
client; ``worker_fixtures``: a migrated database URL for worker processes; ``feed_fixtures``:
every feed a test renders read by six calendar readers; ``tests.geocoding.fake_geocoder``:
``use_geocoder``, which points the settings at a test geocoder (or at none).
"""

pytest_plugins = [
    "tests.support.db_fixtures",
    "tests.support.web_fixtures",
    "tests.support.worker_fixtures",
    "tests.support.feed_fixtures",
    "tests.geocoding.fake_geocoder",
]
