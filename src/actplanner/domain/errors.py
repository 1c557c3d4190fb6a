"""Errors the services raise, for the web app and API to turn into responses."""

from __future__ import annotations


class NotFound(LookupError):
    """A team, plan, user or job that does not exist."""


class JobConflict(RuntimeError):
    """A solve is already queued or running for that team and week."""
