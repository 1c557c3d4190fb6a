"""``actplanner bench record``: recording contacts through the app, timed on SQLite and PostgreSQL.

Each database (a SQLite file of its own; a fresh database on the PostgreSQL server
given, dropped afterwards) gets the large sample team, a greedy plan of the sample
week published for that week and each of the ``weeks`` before it, and
``domain.demo_contacts``' log of those earlier weeks (stored as rows in one go: the
seed is not under test). The four busiest staff members' personal tokens then
record their planned visits of the sample week one by one through the contacts API (``POST
/api/v1/teams/{team}/contacts``, each checked against the team file and the week's
plan, stored, audited, read back), and the lead records a few unplanned phone calls
through My day's form (``POST /my-day/add``, answered with a redirect). The table
gives p50 and p95 of the whole request in the app's TestClient: the server's time,
with no network in between.
"""

from __future__ import annotations

import json
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from actplanner.accounts.service import create_login
from actplanner.bench.fidelity import WEEK
from actplanner.bench.today import shifted
from actplanner.contacts.service import OPTIONAL
from actplanner.db import Contact as ContactRow
from actplanner.db.scratch import fresh_database
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.demo_contacts import recorded_contacts
from actplanner.domain.formats import dump_plan, load_team
from actplanner.domain.week import monday_of
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.resources import fixture_file
from actplanner.settings import Settings
from actplanner.teams.service import import_team
from solver import SolveParams, solve

WARM_UP = 3
#: Planned visits recorded through the API after the warm-up ones (at most: those of the
#: ``RECORDERS`` busiest staff members in the sample week), and contacts added on My day.
RECORDS = 100
FORMS = 30
#: Staff members with a token of their own who record their visits (the busiest of the week).
RECORDERS = 4
PASSWORD = "bench-password-1"
TARGET_MS = 50


@dataclass
class RecordRun:
    database: str
    clients: int
    weeks: int
    contacts: int
    seed_seconds: float
    records: int
    api_p50_ms: float
    api_p95_ms: float
    form_p50_ms: float
    form_p95_ms: float


def run_record(
    make_app: Callable[[Settings], FastAPI],
    *,
    postgres: str | None,
    team_name: str = "large",
    weeks: int = 12,
) -> list[RecordRun]:
    """Time recording on SQLite and, given a server URL, on a fresh PostgreSQL database."""
    team_doc = json.loads(fixture_file(team_name).read_text())
    team = load_team(team_doc)
    plan = dump_plan(to_plan_file(solve(to_problem(team, WEEK), SolveParams(greedy_only=True)), team, WEEK))
    plans = [shifted(plan, k) for k in range(-weeks, 1)]
    log = recorded_contacts(team_doc, plans[:weeks])
    runs = []
    with tempfile.TemporaryDirectory(prefix="actplanner-bench-record-") as folder:
        url = f"sqlite:///{Path(folder) / 'record.sqlite3'}"
        runs.append(_run(make_app, "SQLite", url, team_doc, plans, log, weeks))
    if postgres is not None:
        with fresh_database(postgres, "actplanner_bench_record") as url:
            runs.append(_run(make_app, "PostgreSQL", url, team_doc, plans, log, weeks))
    return runs


def _run(
    make_app: Callable[[Settings], FastAPI],
    name: str,
    url: str,
    team_doc: dict[str, Any],
    plans: list[dict[str, Any]],
    log: dict[str, Any],
    weeks: int,
) -> RecordRun:
    app = make_app(Settings(database_url=url, secret_key="bench-" + "x" * 40, https=False))
    with TestClient(app) as client:
        started = time.monotonic()
        with app.state.sessionmaker() as session:
            team_id, recorders = _seed(session, team_doc, plans, log)
            session.commit()
        seed_seconds = time.monotonic() - started
        # Each recorder's visits in turn, a joint visit once (by the first of its staff here).
        queues = [[v for v in plans[-1]["visits"] if staff in v["staff"]] for staff, _ in recorders]
        mine: list[tuple[dict[str, Any], str]] = []
        seen: set[str] = set()
        for k in range(max(len(q) for q in queues)):
            for (_, token), queue in zip(recorders, queues, strict=True):
                if k < len(queue) and queue[k]["id"] not in seen:
                    seen.add(queue[k]["id"])
                    mine.append((queue[k], token))
        if len(mine) <= WARM_UP:
            raise RuntimeError(
                f"the recorders have {len(mine)} visits in the week; more than {WARM_UP} needed."
            )
        api = []
        for i, (visit, token) in enumerate(mine[: WARM_UP + RECORDS]):
            headers = {"Authorization": f"Bearer {token}"}
            entry = {
                "client": visit["client"],
                "staff": visit["staff"],
                "date": visit["date"],
                "start": visit["start"],
                "minutes": 45,
                "outcome": "done" if i % 8 else "no_show",
                "visit": visit["id"],
            }
            if entry["outcome"] == "done":
                entry.update(mode="face_to_face", place="home")
            else:
                entry["minutes"] = 0
            started = time.perf_counter()
            response = client.post(f"/api/v1/teams/{team_id}/contacts", json=entry, headers=headers)
            took = (time.perf_counter() - started) * 1000
            if response.status_code != 201:
                raise RuntimeError(f"recording answered {response.status_code}: {response.text[:300]}")
            if i >= WARM_UP:
                api.append(took)
        form = _form_times(client, team_id, recorders[0][0], team_doc)
    return RecordRun(
        database=name,
        clients=len(team_doc["clients"]),
        weeks=weeks,
        contacts=len(log["contacts"]),
        seed_seconds=seed_seconds,
        records=len(api),
        api_p50_ms=statistics.median(api),
        api_p95_ms=percentile(api, 0.95),
        form_p50_ms=statistics.median(form),
        form_p95_ms=percentile(form, 0.95),
    )


def _seed(
    session: Session, team_doc: dict[str, Any], plans: list[dict[str, Any]], log: dict[str, Any]
) -> tuple[str, list[tuple[str, str]]]:
    """The team, its published plans and the log; a lead login, and a login with a token for each
    of the ``RECORDERS`` staff members with the most visits in the sample week."""
    team_id = store_log(session, team_doc, plans, log)
    counts: dict[str, int] = {}
    for visit in plans[-1]["visits"]:
        for staff in visit["staff"]:
            counts[staff] = counts.get(staff, 0) + 1
    busiest = sorted(sorted(counts), key=lambda s: -counts[s])[:RECORDERS]
    recorders = []
    for n, staff_id in enumerate(busiest):
        _, token = create_login(
            session=session,
            username=f"staff{n + 1}",
            password=PASSWORD,
            role="staff",
            staff_id=staff_id,
            team_id=team_id,
            by=None,
        )
        recorders.append((staff_id, token))
    return team_id, recorders


def store_log(
    session: Session, team_doc: dict[str, Any], plans: list[dict[str, Any]], log: dict[str, Any]
) -> str:
    """A benchmark's database: the team, a lead login ("lead", ``PASSWORD``) who publishes
    ``plans``, and the log stored as rows in one go (the demo log is valid against its team and
    plans; the seed is not what a benchmark times). The team's id."""
    team_id = import_team(session=session, data=team_doc).id
    lead, _ = create_login(
        session=session, username="lead", password=PASSWORD, role="lead", team_id=team_id, by=None
    )
    for doc in plans:
        saved = save_plan(session=session, team_id=team_id, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=lead.id, confirmed=True)
    session.add_all(_rows(team_id, log["contacts"]))
    session.flush()
    return team_id


def _rows(team_id: str, entries: list[dict[str, Any]]) -> Iterator[ContactRow]:
    """The log's entries as stored rows (the demo log is valid against its team and plans)."""
    for entry in entries:
        day = date.fromisoformat(entry["date"])
        yield ContactRow(
            team_id=team_id,
            key=entry["id"],
            client_id=entry["client"],
            staff=list(entry["staff"]),
            date=day,
            week_start=monday_of(day),
            start=entry["start"],
            minutes=entry["minutes"],
            outcome=entry["outcome"],
            mode=entry.get("mode"),
            place=entry.get("place"),
            skills=list(entry.get("skills", [])),
            visit_id=entry.get("visit"),
            given_defaults=sorted(k for k, v in OPTIONAL.items() if k in entry and entry[k] == v),
        )


def _form_times(client: TestClient, team_id: str, staff_id: str, team_doc: dict[str, Any]) -> list[float]:
    """The lead adds unplanned phone calls for the staff member on My day, through its form."""
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    if token is None:
        raise RuntimeError("The sign-in page has no CSRF token.")
    client.post("/login", data={"username": "lead", "password": PASSWORD, "csrf_token": token.group(1)})
    page = client.get("/my-day", params={"staff": staff_id, "day": WEEK.isoformat()}).text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if csrf is None:
        raise RuntimeError("My day has no CSRF token.")
    clients = [c["id"] for c in team_doc["clients"]]
    times = []
    for i in range(WARM_UP + FORMS):
        data = {
            "csrf_token": csrf.group(1),
            "staff": staff_id,
            "day": WEEK.isoformat(),
            "client": clients[i % len(clients)],
            "start": f"{8 + i % 10:02d}:30",
            "minutes": "10",
            "outcome": "done",
            "mode": "phone",
        }
        started = time.perf_counter()
        response = client.post("/my-day/add", data=data, follow_redirects=False)
        took = (time.perf_counter() - started) * 1000
        if response.status_code != 303:
            raise RuntimeError(f"My day's form answered {response.status_code}: {response.text[:300]}")
        if i >= WARM_UP:
            times.append(took)
    return times


def percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[max(0, round(share * len(ordered)) - 1)]


def format_record(runs: list[RecordRun], machine: str) -> str:
    first = runs[0]
    lines = [
        "# Recording a contact, timed",
        "",
        f"Machine: {machine}.",
        "",
        f"The large team ({first.clients} clients) with {first.weeks} weeks of recorded contacts "
        f"({first.contacts} entries) and a published plan for each week and the sample week "
        f"{WEEK.isoformat()}. The {RECORDERS} busiest staff members' tokens record {first.records} "
        f"of their planned visits of that week through the contacts API (after {WARM_UP} to warm "
        f"up; every eighth a no-show), and the lead adds {FORMS} phone calls through My day's "
        "form; the whole request in the app's TestClient (token or sign-in check, the entry "
        "checked against the team file and the week's plan, stored, audited, read back or "
        f"redirected). Target: p95 ≤ {TARGET_MS} ms.",
        "",
        "| database | seeding (s) | API p50 (ms) | API p95 (ms) | My day form p50 (ms) "
        "| My day form p95 (ms) |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs:
        lines.append(
            f"| {run.database} | {run.seed_seconds:.1f} | {run.api_p50_ms:.1f} | {run.api_p95_ms:.1f} "
            f"| {run.form_p50_ms:.1f} | {run.form_p95_ms:.1f} |"
        )
    lines.append("")
    return "\n".join(lines)
