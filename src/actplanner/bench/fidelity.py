"""``actplanner bench fidelity``: fidelity from contacts over many weeks of a large team, timed.

One week of the large sample team is planned (greedy: the figures, not the plan,
are under test) and repeated over the period; ``domain.demo_contacts`` records
it (no-shows, make-ups, call-outs, phone calls). The table gives the size of the
log, the seconds to read it and the median seconds of ``fidelity`` over the period
(of five runs, since the machines are shared and noisy). Given the app factory,
it also stores the plans (published) and the log in a SQLite database of its own
and times the Fidelity page of the period as the lead opens it through the app's
TestClient: the whole request (the log and plans read from the database, the
report, its charts, the page rendered).
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.demo_contacts import recorded_contacts
from actplanner.domain.fidelity import FidelityFigures, fidelity
from actplanner.domain.formats import dump_plan, load_contacts, load_team
from actplanner.resources import fixture_file
from actplanner.settings import Settings
from solver import SolveParams, solve

WEEK = date(2026, 11, 30)
RUNS = 5


@dataclass
class FidelityRun:
    team: str
    weeks: int
    clients: int
    contacts: int
    read_seconds: float
    fidelity_seconds: float
    figures: FidelityFigures
    #: The page's seconds, each of ``RUNS`` requests after one to warm up (None: not timed), and
    #: the CPU seconds this process spent on each (what a shared machine's load moves least).
    page_seconds: list[float] | None = None
    page_cpu_seconds: list[float] | None = None


def repeated(plan: dict, weeks: int) -> list[dict]:
    """``plan``'s visits (and, for a rostered team, its shifts and breaks) in each of ``weeks``
    weeks from its own (ids repeat across weeks, as they may: a visit id is unique within one
    week's plan)."""
    out = []
    for k in range(weeks):
        shift = timedelta(days=7 * k)
        moved = {
            key: [
                {**item, "date": (date.fromisoformat(item["date"]) + shift).isoformat()} for item in plan[key]
            ]
            for key in ("visits", "shifts", "breaks")
            if plan.get(key) is not None
        }
        out.append({**plan, "week_start": (WEEK + shift).isoformat(), **moved})
    return out


def run_fidelity(
    team_name: str = "large", weeks: int = 12, make_app: Callable[[Settings], FastAPI] | None = None
) -> FidelityRun:
    team_doc = json.loads(fixture_file(team_name).read_text())
    team = load_team(team_doc)
    plan = dump_plan(to_plan_file(solve(to_problem(team, WEEK), SolveParams(greedy_only=True)), team, WEEK))
    log = recorded_contacts(team_doc, repeated(plan, weeks))
    started = time.monotonic()
    contacts = load_contacts(log, team).contacts
    read_seconds = time.monotonic() - started
    end = WEEK + timedelta(days=7 * weeks - 1)
    times = []
    for _ in range(RUNS):
        started = time.monotonic()
        figures = fidelity(team, contacts, WEEK, end)
        times.append(time.monotonic() - started)
    pages = None if make_app is None else page_times(make_app, team_doc, repeated(plan, weeks), log, end)
    return FidelityRun(
        team=team_name,
        weeks=weeks,
        clients=len(team.clients),
        contacts=len(contacts),
        read_seconds=read_seconds,
        fidelity_seconds=statistics.median(times),
        figures=figures,
        page_seconds=None if pages is None else pages[0],
        page_cpu_seconds=None if pages is None else pages[1],
    )


def page_times(
    make_app: Callable[[Settings], FastAPI],
    team_doc: dict[str, Any],
    plans: list[dict[str, Any]],
    log: dict[str, Any],
    end: date,
) -> tuple[list[float], list[float]]:
    """The Fidelity page of [WEEK, end] opened by the lead, ``RUNS`` times after one warm-up: the
    seconds of each request, and the CPU seconds of this process (app and client) in each."""
    # The bench of Today seeds a database the same way; imported here, not at the top, as that
    # module reads this one's WEEK.
    from fastapi.testclient import TestClient

    from actplanner.bench.record import store_log
    from actplanner.bench.today import sign_in_lead

    with tempfile.TemporaryDirectory(prefix="actplanner-bench-fidelity-") as folder:
        url = f"sqlite:///{Path(folder) / 'fidelity.sqlite3'}"
        app = make_app(Settings(database_url=url, secret_key="bench-" + "x" * 40, https=False))
        with TestClient(app) as client:
            with app.state.sessionmaker() as session:
                store_log(session, team_doc, plans, log)
                session.commit()
            sign_in_lead(client)
            times, cpu = [], []
            for i in range(RUNS + 1):
                started, used = time.monotonic(), time.process_time()
                response = client.get("/fidelity", params={"from": WEEK.isoformat(), "to": end.isoformat()})
                if response.status_code != 200:
                    raise RuntimeError(f"Fidelity answered {response.status_code}: {response.text[:300]}")
                if i:
                    times.append(time.monotonic() - started)
                    cpu.append(time.process_time() - used)
    return times, cpu


def format_fidelity(run: FidelityRun, machine: str) -> str:
    lines = [
        "# Fidelity from contacts, timed",
        "",
        f"Machine: {machine}.",
        "",
        f"The {run.team} team ({run.clients} clients), {run.weeks} weeks of recorded contacts "
        f"({run.contacts} entries). Target: fidelity over 12 weeks of the large team ≤ 1 s.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| reading and checking the log (s) | {run.read_seconds:.2f} |",
        f"| fidelity over the period, median of {RUNS} (s) | {run.fidelity_seconds:.3f} |",
    ]
    if run.page_seconds:
        page = statistics.median(run.page_seconds)
        lines += [
            f"| the Fidelity page of the period, median of {RUNS} (s) | {page:.2f} |",
            f"| the Fidelity page, slowest of {RUNS} (s) | {max(run.page_seconds):.2f} |",
        ]
        if run.page_cpu_seconds:
            lines.append(
                f"| the Fidelity page, CPU time of this process, median of {RUNS} (s) "
                f"| {statistics.median(run.page_cpu_seconds):.2f} |"
            )
    lines += [
        "",
        "The figures it computed:",
        "",
        "| figure | value |",
        "|---|---|",
    ]
    for key, value in run.figures.as_json().items():
        shown = f"{len(value)} clients" if isinstance(value, list) else "null" if value is None else value
        lines.append(f"| `{key}` | {shown} |")
    lines.append("")
    return "\n".join(lines)
