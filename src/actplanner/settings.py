"""Application settings, read once from ``ACTPLANNER_*`` environment variables (or a ``.env`` file)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Literal

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
    # Addresses are PHI: they may only go to a geocoder the agency runs itself, so there is
    # none by default (an address without coordinates is then an error saying what to do).
    #: Which kind of geocoder ACTPLANNER_GEOCODER_URL is: "nominatim" or "pelias".
    geocoder: Literal["nominatim", "pelias"] = "nominatim"
    #: The agency's own Nominatim or Pelias, e.g. http://geocoder.internal:8080 (docs/operations.md).
    geocoder_url: str | None = None
    #: An API key, for a Pelias behind a gateway that asks for one.
    geocoder_api_key: str | None = None
    #: Seconds to wait for one address.
    geocoder_timeout: float = 10.0
    #: ISO country codes to search in, comma-separated ("us"); none searches everywhere.
    geocoder_countries: str | None = None


@lru_cache
def get_settings() -> Settings:
    """The settings of this process, read on first use."""
    return Settings()
