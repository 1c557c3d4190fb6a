"""The daily loop in a browser (issue 10, "Done when"): a nurse records a day on a phone, the lead
runs the morning meeting from Today, makes up the miss and publishes, then reads the month's fidelity.

The loop needs a week under way, so this test runs a server of its own, on a database of its own,
whose clock stands on the day after the recorded one (``serve``: the team's today and the planning
verbs' now are moved; everything else runs as usual). The worker runs in this process on the same
clock. Run alone: ``pytest tests/browser/test_browser_daily_loop.py``.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from actplanner.contacts.service import list_contacts
from actplanner.db import Plan
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, dump_team
from actplanner.planning import edits
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.planning.worker import work_loop
from actplanner.teams.service import team_file
from solver import SolveParams, solve
from tests.browser.conftest import (
    PASSWORD,
    REPO,
    STAFF_ID,
    TEAM,
    WAIT_MS,
    LiveServer,
    _end,
    _require_chromium,
    _seed,
    _wait_until_up,
    free_port,
)
from tests.browser.test_browser_on_call import PHONE

#: The week of the loop: the server and its database are this test's own, so any Monday would do.
WEEK = date(2027, 5, 3)
#: The hour of the lead's morning-after (afternoon, in the team's zone) the server's clock stands at.
AFTERNOON = time(15, 0)


def serve(moment: str, port: int) -> None:
    """The web app on ``port``, its clock moved to start at ``moment`` (an aware ISO time).

    The team's today (``domain.week.team_today``, wherever a module imported it) and the
    planning verbs' now (``planning.edits.utc_now``) are moved, so every page reads the
    same day; the rest (sessions, audit times) runs on the real clock.
    """
    import uvicorn

    from actplanner.domain import week
    from actplanner.web.app import create_app

    shift = datetime.fromisoformat(moment) - datetime.now(UTC)
    real_today = week.team_today

    def moved_now() -> datetime:
        return datetime.now(UTC) + shift

    def moved_today(timezone: str, now: datetime | None = None) -> date:
        return real_today(timezone, now or moved_now())

    for module in list(sys.modules.values()):
        if getattr(module, "team_today", None) is real_today:
            module.team_today = moved_today  # type: ignore[attr-defined]
    edits.utc_now = moved_now

    uvicorn.run(create_app(), host="127.0.0.1", port=port, log_level="warning")


def nurse_day_and_visits(
    doc: dict[str, Any], team: dict[str, Any]
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The first weekday (Monday to Friday) on which the nurse has two visits, one of them to a
    client the plan gives exactly their weekly count: (that date, the visit to mark done, the one
    to mark a no-show, which leaves its client short)."""
    wanted = {
        c["id"]: c.get("visits_per_week") or team["policy"]["acuity"][c["acuity"]]["visits_per_week"]
        for c in team["clients"]
    }
    # Home visits only: a hospital visit (plan@2 place) counts towards no weekly count.
    home = [v for v in doc["visits"] if v.get("place", "home") == "home"]
    dates: dict[str, set[str]] = {}
    for v in home:
        dates.setdefault(v["client"], set()).add(v["date"])
    for offset in range(5):
        day = (WEEK + timedelta(days=offset)).isoformat()
        theirs = [v for v in home if v["date"] == day and STAFF_ID in v["staff"]]
        exact = [v for v in theirs if len(dates[v["client"]]) == wanted[v["client"]]]
        others = [v for v in theirs if exact and v["client"] != exact[0]["client"]]
        if exact and others:
            return day, others[0], exact[0]
    raise AssertionError("the nurse has no weekday with two visits, one to a client at their count")


@pytest.fixture
def loop_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[LiveServer, dict[str, Any]]]:
    """A server of its own on a seeded database with the week's greedy plan published, its clock on
    the afternoon after the nurse's day; this process's planning clock moved the same way.
    Yields the server and what the test needs to know of the plan."""
    _require_chromium()
    database_url = f"sqlite:///{tmp_path / 'loop.sqlite3'}"
    _seed(database_url)
    port = free_port()
    server = LiveServer(
        url=f"http://127.0.0.1:{port}", database_url=database_url, log=tmp_path / "server.log"
    )
    with server.session() as session:
        team = team_file(session=session, team_id=TEAM)
        result = solve(to_problem(team, WEEK), SolveParams(time_limit=5, greedy_only=True), None)
        doc = dump_plan(to_plan_file(result, team, WEEK))
        saved = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=None, confirmed=True)
        session.commit()
        team_doc = dump_team(team)
        zone = ZoneInfo(team.team.timezone)
    day, done, no_show = nurse_day_and_visits(doc, team_doc)
    moment = datetime.combine(date.fromisoformat(day) + timedelta(days=1), AFTERNOON, zone)
    shift = moment - datetime.now(UTC)
    monkeypatch.setattr(edits, "utc_now", lambda: datetime.now(UTC) + shift)
    env = {
        **server.env(),
        "ACTPLANNER_SECRET_KEY": "browser-test-secret-" + "x" * 32,
        "ACTPLANNER_HTTPS": "false",
    }
    code = f"from tests.browser.test_browser_daily_loop import serve; serve({moment.isoformat()!r}, {port})"
    with server.log.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-c", code], env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_up(server.url, process, server.log)
        codes = {c["id"]: c["code"] for c in team_doc["clients"]}
        yield (
            server,
            {
                "day": day,
                "done": done,
                "no_show": no_show,
                "code": codes[no_show["client"]],
                "clients": len(team_doc["clients"]),
                "published": saved.id,
            },
        )
    finally:
        _end(process, 10)


def signed_in(browser: Any, server: LiveServer, username: str, **options: Any) -> Any:
    """A page of a fresh browser context on ``server``, signed in through the form."""
    context = browser.new_context(base_url=server.url, **options)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()
    return page


def figure(page: Any, key: str) -> float | None:
    value = page.locator(f'#figures tr[data-figure="{key}"]').get_attribute("data-value")
    return None if value in (None, "") else float(value)


def test_the_daily_loop_record_meet_make_up_publish_and_read_fidelity(
    browser: Any, loop_server: tuple[LiveServer, dict[str, Any]]
) -> None:
    server, known = loop_server
    day, done, no_show = known["day"], known["done"], known["no_show"]

    # 1. The nurse records the day on a phone: one visit done, one no-show.
    nurse = signed_in(browser, server, server.staff, viewport=PHONE, is_mobile=True)
    nurse.goto(f"/my-day?day={day}")
    card = nurse.locator(f"#visit-{done['id']}")
    minutes = int(card.locator('input[name="minutes"]').input_value())
    card.get_by_role("button", name="Done").click()
    expect(nurse.locator(f"#visit-{done['id']}")).to_have_attribute("data-outcome", "done")
    missed = nurse.locator(f"#visit-{no_show['id']}")
    missed.get_by_text("Not done").click()
    missed.get_by_role("button", name="No show").click()
    expect(nurse.locator(f"#visit-{no_show['id']}")).to_have_attribute("data-outcome", "no_show")
    assert nurse.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    nurse.context.close()

    # 2. The lead's morning meeting: Today flags the miss on the client's line.
    lead = signed_in(browser, server, server.lead, viewport={"width": 1280, "height": 900})
    lead.goto("/today")
    line = lead.locator(f"tr#client-{no_show['client']}")
    expect(line.locator("td.flags")).to_contain_text("missed yesterday (no show)")

    # 3. The board says who is short and offers the make-up; the lead runs it.
    lead.goto(f"/board?week={WEEK.isoformat()}")
    offer = lead.locator("section.make-up")
    expect(offer).to_contain_text("1 contact of this week is recorded as not done.")
    text = " ".join(offer.inner_text().split())
    short = re.search(r"(\d+) clients? (?:is|are) now short this week: ([^.]+)\.", text)
    assert short is not None, text
    assert known["code"] in short.group(2).split(", ")
    # A short solve for the test: the form's own time limit field is what the API and the CLI take.
    offer.locator("form").evaluate(
        "f => { const i = document.createElement('input'); i.type = 'hidden'; i.name = 'time_limit';"
        " i.value = '5'; f.appendChild(i); }"
    )
    # The worker runs once the job is queued: wait for the form's answer, not just the click.
    with lead.expect_response(lambda r: r.request.method == "POST" and r.status < 400):
        offer.get_by_role("button", name="Re-plan the rest of the week").click()
    assert work_loop(url=server.database_url, once=True) == 1
    lead.goto(f"/board?week={WEEK.isoformat()}")
    head = lead.locator("#plan-title")
    expect(head).to_contain_text("Draft")
    changes = lead.locator("tr.change-added td.client-code")
    expect(changes.filter(has_text=known["code"])).not_to_have_count(0)
    # 4. Publishing the made-up week asks nothing: the check counts the no-show, as the solver did.
    lead.get_by_role("button", name="Publish this plan").click()
    expect(head).to_contain_text("Published version 2")
    expect(lead.get_by_role("button", name="Publish anyway, with these problems")).to_have_count(0)
    with server.session() as session:
        published = session.query(Plan).filter_by(team_id=TEAM, status="published").one()
        assert published.replan_from == date.fromisoformat(day) + timedelta(days=2)
        recorded = list_contacts(session=session, team_id=TEAM)
    assert sorted(c.contact.outcome for c in recorded) == ["done", "no_show"]

    # 5. The month's fidelity: the four whole weeks ending with this one, from what was recorded.
    first = WEEK - timedelta(weeks=3)
    lead.goto(f"/fidelity?from={first.isoformat()}&to={(WEEK + timedelta(days=6)).isoformat()}")
    expect(lead.locator("#figures-title")).to_contain_text("4 weeks, 2 contacts recorded")
    clients, weeks = known["clients"], 4
    assert figure(lead, "contacts_per_client_week") == round(1 / clients / weeks, 4)
    assert figure(lead, "minutes_per_client_week") == round(minutes / clients / weeks, 4)
    assert figure(lead, "done_share") == 0.5
    assert figure(lead, "community_share") == 1.0
    nurse_row = lead.locator(f'#staff tr[data-staff="{STAFF_ID}"] td')
    expect(nurse_row.nth(1)).to_have_text("1")
    expect(nurse_row.nth(2)).to_have_text(str(minutes))
    expect(nurse_row.nth(3)).to_have_text("1")
    lead.context.close()
