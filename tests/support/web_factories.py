"""Helpers for the web tests: fixture files, a greedy plan, signing in through the form, the audit trail."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.db import AuditEvent
from tests.support.team_files import team_file

WEEK = date(2026, 11, 30)
TEAM = "west-town-small"
OTHER_TEAM = "other-team"
PASSWORD = "correct horse"


# The page tests of the features import the builder from here under this name.
team_doc = team_file


@cache
def _greedy_plan() -> str:
    from actplanner.bench.teams import plan_team

    return json.dumps(plan_team(team_file(), 2.0, greedy=True)[0])


def plan_doc() -> dict[str, Any]:
    """A fresh copy of a greedy plan of the small fixture for the week of 2026-11-30."""
    return copy.deepcopy(json.loads(_greedy_plan()))


@dataclass
class World:
    """Ids and personal API tokens of the users the ``world`` fixture made."""

    lead_id: int
    lead_token: str
    staff_id: int
    staff_token: str
    other_staff_id: int
    other_staff_token: str


def db(app: FastAPI) -> Session:
    """A session on the app's database (use as a context manager; commit explicitly)."""
    return app.state.sessionmaker()


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for a personal token."""
    return {"Authorization": f"Bearer {token}"}


def form_token(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    """Sign in through the form, as a browser would; the response after redirects."""
    token = form_token(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


def audit_events(app: FastAPI) -> list[tuple[int | None, str, str]]:
    """``(user_id, action, target)`` of every audit event, oldest first."""
    with db(app) as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.user_id, e.action, e.target) for e in events]
