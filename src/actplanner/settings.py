"""Application settings, read once from ``ACTPLANNER_*`` environment variables (or a ``.env`` file)."""

from __future__ import annotations

import secrets
from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the data lives and how the web app signs and serves things."""

    model_config = SettingsConfigDict(env_prefix="ACTPLANNER_", env_file=".env", extra="ignore")

    #: SQLAlchemy URL; the default needs nothing but Python: a SQLite file in the working directory.
    database_url: str = "sqlite:///./actplanner.sqlite3"
    # A random key per process keeps a fresh install safe without setup; its cost is that
    # sign-ins do not survive a restart, so a deployment sets ACTPLANNER_SECRET_KEY.
    secret_key: str = Field(default_factory=lambda: secrets.token_urlsafe(32))
    #: Served over HTTPS (secure cookies, HSTS).
    https: bool = False


@lru_cache
def get_settings() -> Settings:
    """The settings of this process, read on first use."""
    return Settings()
