"""``actplanner bench today``: the morning meeting page of a large team with weeks of contacts, timed.

A SQLite database of its own gets the large sample team, its week planned
(greedy: the page, not the plan, is under test) and published for that week and
each of the ``weeks`` before it, and ``domain.demo_contacts``' log of those
earlier weeks stored as rows in one go (``bench.record.store_log``; the seed is
not under test). The lead then opens Today on the
sample week's Monday (a Monday reads last week's plan too; the team file's
injection and prescriber requirements are due that week) through the app's
TestClient; the table gives the time of the whole request, p50 and p95, after
warm-up requests.
"""

from __future__ import annotations

import json
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.bench.fidelity import WEEK
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.demo_contacts import recorded_contacts
from actplanner.domain.formats import dump_plan, load_team
from actplanner.resources import fixture_file
from actplanner.settings import Settings
from solver import SolveParams, solve

WARM_UP = 3
REQUESTS = 40
PASSWORD = "bench-password-1"
TARGET_MS = 300


@dataclass
class TodayRun:
    team: str
    clients: int
    weeks: int
    contacts: int
    day: date
    seed_seconds: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    lines: int


def run_today(make_app: Callable[[Settings], FastAPI], team_name: str = "large", weeks: int = 12) -> TodayRun:
    """Seed a fresh SQLite database and time ``REQUESTS`` views of Today (``make_app``: the app factory)."""
    team_doc = json.loads(fixture_file(team_name).read_text())
    team = load_team(team_doc)
    plan = dump_plan(to_plan_file(solve(to_problem(team, WEEK), SolveParams(greedy_only=True)), team, WEEK))
    plans = [shifted(plan, k) for k in range(-weeks, 1)]
    log = recorded_contacts(team_doc, plans[:weeks])
    day = WEEK
    with tempfile.TemporaryDirectory(prefix="actplanner-bench-today-") as folder:
        url = f"sqlite:///{Path(folder) / 'today.sqlite3'}"
        app = make_app(Settings(database_url=url, secret_key="bench-" + "x" * 40, https=False))
        with TestClient(app) as client:
            started = time.monotonic()
            with app.state.sessionmaker() as session:
                from actplanner.bench.record import store_log  # record reads this module's shifted

                store_log(session, team_doc, plans, log)
                session.commit()
            seed_seconds = time.monotonic() - started
            sign_in_lead(client)
            times = []
            for i in range(WARM_UP + REQUESTS):
                started = time.monotonic()
                response = client.get(f"/today?day={day.isoformat()}")
                elapsed = time.monotonic() - started
                if response.status_code != 200:
                    raise RuntimeError(f"Today answered {response.status_code}: {response.text[:300]}")
                if i >= WARM_UP:
                    times.append(elapsed * 1000)
            lines = response.text.count('<tr class="client-line')
    times.sort()
    return TodayRun(
        team=team_name,
        clients=len(team.clients),
        weeks=weeks,
        contacts=len(log["contacts"]),
        day=day,
        seed_seconds=seed_seconds,
        p50_ms=statistics.median(times),
        p95_ms=times[max(0, round(0.95 * len(times)) - 1)],
        max_ms=times[-1],
        lines=lines,
    )


def shifted(plan: dict, weeks: int) -> dict:
    """``plan`` moved by ``weeks`` weeks, its visits and on-call periods with it."""
    shift = timedelta(days=7 * weeks)

    def moved(text: str) -> str:
        return (datetime.fromisoformat(text) + shift).strftime("%Y-%m-%dT%H:%M")

    visits = [{**v, "date": (date.fromisoformat(v["date"]) + shift).isoformat()} for v in plan["visits"]]
    on_call = [{**p, "start": moved(p["start"]), "end": moved(p["end"])} for p in plan["on_call"]]
    start = date.fromisoformat(plan["week_start"]) + shift
    return {**plan, "week_start": start.isoformat(), "visits": visits, "on_call": on_call}


def sign_in_lead(client: TestClient) -> None:
    """Sign the benchmark's lead in (``bench.record.store_log`` made the login)."""
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    if token is None:
        raise RuntimeError("The sign-in page has no CSRF token.")
    client.post("/login", data={"username": "lead", "password": PASSWORD, "csrf_token": token.group(1)})


def format_today(run: TodayRun, machine: str) -> str:
    return "\n".join(
        [
            "# Today (the morning meeting page), timed",
            "",
            f"Machine: {machine}.",
            "",
            f"The {run.team} team ({run.clients} clients) with {run.weeks} weeks of recorded contacts "
            f"({run.contacts} entries) before {run.day.isoformat()} and a published plan for each week and "
            f"that one, on SQLite; Today opened by the lead for {run.day.isoformat()} (a Monday, so last "
            "week's plan is read too; the team file's requirements fall due that week), "
            f"{REQUESTS} requests after {WARM_UP} to warm up, through the app's TestClient "
            f"(the whole request: sign-in check, reads, the audit write, rendering {run.lines} lines). "
            f"Target: p95 ≤ {TARGET_MS} ms.",
            "",
            "| figure | value |",
            "|---|---|",
            f"| seeding the database (s) | {run.seed_seconds:.1f} |",
            f"| Today, p50 (ms) | {run.p50_ms:.0f} |",
            f"| Today, p95 (ms) | {run.p95_ms:.0f} |",
            f"| Today, slowest (ms) | {run.max_ms:.0f} |",
            "",
        ]
    )
