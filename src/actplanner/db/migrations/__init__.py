"""Alembic migrations of the actplanner database, shipped with the package (see ``db.session.migrate``)."""
