"""The on-call page, API and CLI agree with a brute-force oracle on every minute of a week with overrides.

The oracle knows nothing of the rota module: for each minute it takes the
last-created live override covering it, else the plan file's period covering
it. The week of 2026-11-30 has no daylight-saving change in America/Chicago,
so local ``YYYY-MM-DDTHH:MM`` text compares in time order and every local
minute is an instant (UTC−6).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import httpx
import pytest
import typer.main
import typer.testing
from fastapi import FastAPI
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import actplanner.cli.database
from actplanner.cli.main import app as cli
from actplanner.db import OnCallOverride
from actplanner.on_call import pages as on_call_router
from actplanner.on_call.service import cancel_override, record_override
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.settings import Settings, get_settings
from tests.support.web_factories import TEAM, WEEK, World, bearer, db, form_token, plan_doc, sign_in

ROLES = ("primary", "backup", "prescriber")
MINUTES_A_WEEK = 7 * 1440
#: The oracle looks two days past the week, so "until" and "next" of the week's last minutes are known.
ORACLE_MINUTES = MINUTES_A_WEEK + 2 * 1440
START = datetime.combine(WEEK, datetime.min.time())
OFFSET = "-06:00"
ROLE_SECTION = re.compile(
    r'<section class="on-call-role[^"]*" data-role="(\w+)" data-staff="([^"]*)"(.*?)</section>', re.S
)

Oracle = dict[str, list[str | None]]
Override = tuple[str, str, str, str]


def local(index: int) -> str:
    """The local minute ``index`` minutes after the week starts, as ``YYYY-MM-DDTHH:MM``."""
    return (START + timedelta(minutes=index)).strftime("%Y-%m-%dT%H:%M")


def instant(index: int | None) -> str | None:
    """The minute ``index`` as the API writes instants (None stays None)."""
    return None if index is None else f"{local(index)}:00{OFFSET}"


def oracle(plan: dict[str, Any], overrides: list[Override]) -> Oracle:
    """Per role, who holds it at each minute: the last override covering it wins, else the plan's period."""
    table: Oracle = {}
    for role in ROLES:
        periods = [(p["start"], p["end"], p["staff"]) for p in plan["on_call"] if p["role"] == role]
        covers = [(start, end, staff) for r, staff, start, end in reversed(overrides) if r == role]
        column: list[str | None] = []
        for index in range(ORACLE_MINUTES):
            minute = local(index)
            found = next((s for start, end, s in covers if start <= minute < end), None)
            if found is None:
                found = next((s for start, end, s in periods if start <= minute < end), None)
            column.append(found)
        table[role] = column
    return table


def expected(table: Oracle) -> list[dict[str, dict[str, Any]]]:
    """Per minute of the week and role, what the answer must say: holder, since, until, next and from when.

    ``since`` is where the holder's (or nobody's) stretch began, ``until`` the next
    minute someone else holds the role, ``next`` the next holder other than nobody
    and the current one. Before the oracle's first minute no plan is published.
    """
    rows: list[dict[str, dict[str, Any]]] = [{} for _ in range(MINUTES_A_WEEK)]
    for role in ROLES:
        column = table[role]
        first = [0] * len(column)
        for i in range(1, len(column)):
            first[i] = first[i - 1] if column[i] == column[i - 1] else i
        change: list[int | None] = [None] * len(column)
        following: list[int | None] = [None] * len(column)
        for i in range(len(column) - 2, -1, -1):
            change[i] = i + 1 if column[i + 1] != column[i] else change[i + 1]
            later = change[i]
            while later is not None and column[later] in (None, column[i]):
                later = change[later]
            following[i] = later
        for i in range(MINUTES_A_WEEK):
            after = following[i]
            rows[i][role] = {
                "staff": column[i],
                "since": instant(first[i] or None),
                "until": instant(change[i]),
                "next": None if after is None else column[after],
                "from": instant(after),
            }
    return rows


def _answer(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        r["role"]: {
            "staff": (r["staff"] or {}).get("id"),
            "since": r["since"],
            "until": r["until"],
            "next": r["next"]["staff"]["id"] if r["next"] else None,
            "from": r["next"]["from"] if r["next"] else None,
        }
        for r in document["on_call"]
    }


def _page_answer(html: str) -> dict[str, dict[str, Any]]:
    answer = {}
    for role, staff, body in ROLE_SECTION.findall(html):

        def time_of(css: str, body: str = body) -> str | None:
            match = re.search(rf'<time class="{css}" datetime="([^"]+)">', body)
            return match.group(1) if match else None

        following = re.search(r'<span class="next-name" data-staff="([^"]+)">', body)
        answer[role] = {
            "staff": staff or None,
            "since": time_of("since"),
            "until": time_of("until"),
            "next": following.group(1) if following else None,
            "from": time_of("next-from"),
        }
    return answer


def _written(index: int) -> str:
    """Minute ``index`` as a caller may write ``at``: team-local, with the offset, or UTC with Z, in turn."""
    minute = START + timedelta(minutes=index)
    forms = (
        f"{minute:%Y-%m-%dT%H:%M}",
        f"{minute:%Y-%m-%dT%H:%M}{OFFSET}",
        f"{minute + timedelta(hours=6):%Y-%m-%dT%H:%M}Z",
    )
    return forms[index % 3]


async def _ask_api(app: FastAPI, headers: dict[str, str], ats: list[str]) -> list[dict[str, Any]]:
    """The API's answers at each ``at`` in turn, through the ASGI app in one event loop.

    One loop for all 10,080 requests: the TestClient's thread hop per request would
    double the test's time without exercising anything more of the app.
    """
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as api:
        answers = []
        for at in ats:
            response = await api.get("/api/v1/on-call", params={"at": at}, headers=headers)
            assert response.status_code == 200, response.text
            answers.append(response.json())
        return answers


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The lead's page sees the fixture week as upcoming (a Sunday noon before it), so it offers swaps."""
    monkeypatch.setattr(on_call_router, "utcnow", lambda: datetime(2026, 11, 29, 12, 0, tzinfo=UTC))
    yield


@pytest.fixture
def cli_on_test_database(
    app: FastAPI, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], dict[str, Any]]]:
    """``actplanner on-call --json --at …`` on the test database, as a function of the local minute.

    Two costs that do not touch the answer are paid once rather than per call: typer
    building its command tree and the CLI opening the database (and checking its schema).
    """
    monkeypatch.setenv("ACTPLANNER_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    monkeypatch.setattr(typer.testing, "_get_command", cache(typer.main.get_command))

    class _KeptEngine:
        def dispose(self) -> None:
            """The test's engine outlives each command."""

    kept = (app.state.sessionmaker, _KeptEngine())
    monkeypatch.setattr(actplanner.cli.database, "open_database", lambda url=None, **_options: kept)
    runner = CliRunner()

    def run(minute: str) -> dict[str, Any]:
        result = runner.invoke(cli, ["on-call", "--team", TEAM, "--at", minute, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    yield run
    get_settings.cache_clear()


def _record_overrides(app: FastAPI, client: TestClient, world: World, plan: dict[str, Any]) -> list[Override]:
    """Covers, an overlapping cover, a swap (through the lead's form) and a cancelled cover; the live ones."""
    live: list[Override] = []

    def cover(role: str, staff: str, start: str, end: str) -> int:
        with db(app) as session:
            row = record_override(
                session=session,
                team_id=TEAM,
                role=role,
                staff_id=staff,
                start=start,
                end=end,
                user_id=world.lead_id,
            )
            session.commit()
            return row.id

    # A partial cover in the middle of a period, then a later one inside it: the later wins.
    # (Not Tuesday's backup, s-tl1: one person is never primary and backup at once.)
    cover("primary", "s-sw1", "2026-12-01T13:00", "2026-12-01T17:45")
    live.append(("primary", "s-sw1", "2026-12-01T13:00", "2026-12-01T17:45"))
    cover("primary", "s-cm1", "2026-12-01T15:00", "2026-12-01T16:00")
    live.append(("primary", "s-cm1", "2026-12-01T15:00", "2026-12-01T16:00"))
    # A swap of Wednesday's and Friday's primary, as the lead makes it.
    wed = next(p for p in plan["on_call"] if p["role"] == "primary" and p["start"] == "2026-12-02T08:30")
    fri = next(p for p in plan["on_call"] if p["role"] == "primary" and p["start"] == "2026-12-04T08:30")
    assert wed["staff"] != fri["staff"]
    page = client.get("/on-call/manage").text
    form = {
        "first": f"primary|{wed['start']}|{wed['end']}",
        "second": f"primary|{fri['start']}|{fri['end']}",
        "csrf_token": form_token(page),
    }
    assert client.post("/on-call/manage/swap", data=form, follow_redirects=False).status_code == 303
    live.append(("primary", fri["staff"], wed["start"], wed["end"]))
    live.append(("primary", wed["staff"], fri["start"], fri["end"]))
    # A cover across the 08:30 handoff, running into the cover's own next period; s-tl1 is
    # Thursday's primary, so that evening's primary is covered first.
    cover("primary", "s-cm1", "2026-12-03T20:00", "2026-12-04T08:30")
    live.append(("primary", "s-cm1", "2026-12-03T20:00", "2026-12-04T08:30"))
    cover("backup", "s-tl1", "2026-12-03T20:00", "2026-12-04T11:00")
    live.append(("backup", "s-tl1", "2026-12-03T20:00", "2026-12-04T11:00"))
    # A cover recorded and then cancelled: it must leave no trace.
    cancelled = cover("primary", "s-sw1", "2026-12-05T00:00", "2026-12-05T12:00")
    with db(app) as session:
        cancel_override(session=session, override_id=cancelled, user_id=world.lead_id)
        session.commit()
    # A cover just before the holder's own period: the two read as one stretch.
    cover("primary", "s-rn1", "2026-12-05T06:00", "2026-12-05T08:30")
    live.append(("primary", "s-rn1", "2026-12-05T06:00", "2026-12-05T08:30"))
    return live


def test_page_api_and_cli_agree_with_the_oracle_on_every_minute(
    app: FastAPI,
    client: TestClient,
    world: World,
    frozen: None,
    cli_on_test_database: Callable[[str], dict[str, Any]],
) -> None:
    """Per role and minute of the week: the holder, since, until and who is next, from four sources.

    The API is asked at every one of the 10,080 minutes (its ``at`` written three
    ways in turn: team-local, with the offset, in UTC with Z). The page and the CLI
    cost more per call, so they are asked at every minute where the oracle's answer
    changes, the minutes either side of each change, and every 7th minute.
    """
    plan = plan_doc()
    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=plan, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id)
        session.commit()
    sign_in(client, "lead")
    live = _record_overrides(app, client, world, plan)
    with db(app) as session:
        rows = session.query(OnCallOverride).filter(OnCallOverride.cancelled_at.is_(None)).all()
        assert sorted((o.role, o.staff_id, o.start, o.end) for o in rows) == sorted(live)
    table = oracle(plan, live)
    wanted = expected(table)

    ats = [_written(index) for index in range(MINUTES_A_WEEK)]
    started = time.perf_counter()
    # In a thread of its own: a session-wide browser fixture (Playwright's sync API) may
    # already run an event loop in this one when the browser tests ran first.
    with ThreadPoolExecutor(max_workers=1) as pool:
        documents = pool.submit(asyncio.run, _ask_api(app, bearer(world.staff_token), ats)).result()
    api_seconds = time.perf_counter() - started
    for index, document in enumerate(documents):
        assert document["at"] == instant(index)
        assert _answer(document) == wanted[index], local(index)

    changes = {i for role in ROLES for i in range(1, MINUTES_A_WEEK) if table[role][i] != table[role][i - 1]}
    sampled = sorted(
        {j for i in changes for j in (i - 1, i, i + 1) if 0 <= j < MINUTES_A_WEEK}
        | set(range(0, MINUTES_A_WEEK, 7))
    )
    started = time.perf_counter()
    for index in sampled:
        assert _answer(cli_on_test_database(local(index))) == wanted[index], local(index)
    cli_seconds = time.perf_counter() - started

    started = time.perf_counter()
    for index in sampled:
        page = client.get("/on-call", params={"at": local(index)})
        assert _page_answer(page.text) == wanted[index], local(index)
    page_seconds = time.perf_counter() - started
    print(
        f"\nagreement: API {MINUTES_A_WEEK} minutes in {api_seconds:.1f} s; "
        f"CLI and page {len(sampled)} minutes ({len(changes)} changes) "
        f"in {cli_seconds:.1f} s and {page_seconds:.1f} s"
    )
