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


def publish_with_monday_no_show(app: FastAPI, lead_id: int) -> tuple[int, dict[str, Any]]:
    """The small team's plan published, and recorded as a no-show the Monday visit of a client
    the plan gives exactly their count, of those with the fewest visits a week (the weekdays
    after Wednesday leave room to make it up): (the published plan's id, that visit)."""
    # Imported here: most tests of the web layer need neither the plans nor the contact log.
    from actplanner.contacts.service import record_contact
    from actplanner.planning.plans import publish_plan, save_plan

    doc = plan_doc()
    team = team_doc()
    wanted = {
        c["id"]: c.get("visits_per_week") or team["policy"]["acuity"][c["acuity"]]["visits_per_week"]
        for c in team["clients"]
    }
    dates: dict[str, set[str]] = {}
    for v in doc["visits"]:
        dates.setdefault(v["client"], set()).add(v["date"])
    monday = min(
        (
            v
            for v in doc["visits"]
            if v["date"] == WEEK.isoformat() and len(dates[v["client"]]) == wanted[v["client"]]
        ),
        key=lambda v: (wanted[v["client"]], v["client"]),
    )
    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=None, confirmed=True)
        entry = {key: monday[key] for key in ("client", "staff", "date", "start")}
        entry.update(minutes=0, outcome="no_show", visit=monday["id"])
        record_contact(session=session, team_id=TEAM, entry=entry, by=lead_id)
        session.commit()
        return saved.id, monday
