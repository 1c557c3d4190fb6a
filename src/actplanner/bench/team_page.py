"""``actplanner bench team-page``: the team page of the large sample team, timed.

A SQLite database of its own gets the large sample team and a lead; the lead opens
the team page (staff table, the first page of the client table, the policy form; the
audit write of the names shown) and a search of it, through the app's TestClient.
The table gives the time of the whole request, p50 and p95, after warm-up requests.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from actplanner.resources import fixture_file
from actplanner.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

# Timed as Today is (``bench.today``); the web app and its test client load only when the bench runs.
WARM_UP = 3
REQUESTS = 40
PASSWORD = "bench-password-1"

TARGET_MS = 200
#: The two views timed: the page as it opens, and a filtered, sorted search.
VIEWS = {"the team page": "/team", "a search (acuity, sorted by visits)": "/team?acuity=high&sort=visits"}


@dataclass
class ViewTiming:
    view: str
    url: str
    rows: int
    p50_ms: float
    p95_ms: float
    max_ms: float


@dataclass
class TeamPageRun:
    team: str
    staff: int
    clients: int
    views: list[ViewTiming]


def run_team_page(make_app: Callable[[Settings], FastAPI], team_name: str = "large") -> TeamPageRun:
    """Seed a fresh SQLite database with the sample team and time ``REQUESTS`` views of each URL."""
    from fastapi.testclient import TestClient

    from actplanner.accounts.service import create_user
    from actplanner.bench.today import sign_in_lead
    from actplanner.teams.service import import_team

    doc = json.loads(fixture_file(team_name).read_text())
    with tempfile.TemporaryDirectory(prefix="actplanner-bench-team-") as folder:
        url = f"sqlite:///{Path(folder) / 'team.sqlite3'}"
        app = make_app(Settings(database_url=url, secret_key="bench-" + "x" * 40, https=False))
        with TestClient(app) as client:
            with app.state.sessionmaker() as session:
                team = import_team(session=session, data=doc)
                create_user(session=session, username="lead", password=PASSWORD, role="lead", team_id=team.id)
                session.commit()
            sign_in_lead(client)
            views = [_time(client, name, path) for name, path in VIEWS.items()]
    return TeamPageRun(team=team_name, staff=len(doc["staff"]), clients=len(doc["clients"]), views=views)


def _time(client: Any, view: str, path: str) -> ViewTiming:
    times = []
    for i in range(WARM_UP + REQUESTS):
        started = time.monotonic()
        response = client.get(path)
        elapsed = time.monotonic() - started
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}: {response.text[:300]}")
        if i >= WARM_UP:
            times.append(elapsed * 1000)
    times.sort()
    return ViewTiming(
        view=view,
        url=path,
        rows=response.text.count('<tr id="clients-'),
        p50_ms=statistics.median(times),
        p95_ms=times[max(0, round(0.95 * len(times)) - 1)],
        max_ms=times[-1],
    )


def format_team_page(run: TeamPageRun, machine: str) -> str:
    lines = [
        "# The team page, timed",
        "",
        f"Machine: {machine}.",
        "",
        f"The {run.team} sample team ({run.staff} staff, {run.clients} clients) on SQLite; the lead opens "
        f"the team page (staff table, a page of the client table, the policy form, the audit write of the "
        f"names shown) {REQUESTS} times after {WARM_UP} to warm up, through the app's TestClient "
        f"(the whole request). Target: p95 ≤ {TARGET_MS} ms.",
        "",
        "| view | client lines | p50 (ms) | p95 (ms) | slowest (ms) |",
        "|---|---|---|---|---|",
    ]
    for v in run.views:
        lines.append(
            f"| {v.view} (`{v.url}`) | {v.rows} | {v.p50_ms:.0f} | {v.p95_ms:.0f} | {v.max_ms:.0f} |"
        )
    return "\n".join([*lines, ""])
