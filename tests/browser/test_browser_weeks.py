"""Weeks and times as a team lead thinks of them (issue 13, item 6), in a browser: the board, the
month view and the roster open on the week the team is in; any date picked in the week picker
shows its week (a Wednesday is no error), with JavaScript and without; and every time a page
shows (a plan's, a solve's, the audit trail's, a read-only link's) is in the team's zone with
its abbreviation, never "UTC".

The live server is shared: the weeks picked and planned here are weeks no other browser test
plans, and the read-only link made here is revoked again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from actplanner.db import ApiToken, Plan, SolveJob
from actplanner.teams.service import get_team
from tests.browser.conftest import LiveServer
from tests.browser.test_browser_working_draft import publish_on_the_board

#: Wednesdays picked in the week picker, one with JavaScript and one without: weeks no other
#: browser test plans (only looked at here, never planned).
WEDNESDAY = date(2028, 2, 9)
NO_SCRIPT_WEDNESDAY = date(2028, 2, 16)
#: A week planned through the board here, to read its plan's times.
TIMES_WEEK = date(2028, 2, 21)
#: A week whose solve's worker falls silent here, to read the time the board says it last spoke.
SILENT_WEEK = date(2028, 2, 28)
#: What ``strftime`` writes for a moment on every page (``domain.week.team_time``'s format).
TIME_FORMAT = "%a %-d %b %Y, %H:%M %Z"
WEEK_LABEL = "Week of (any date in it)"
MONTH_LABEL = "First week (any date in it)"


def team_zone(live_server: LiveServer) -> ZoneInfo:
    with live_server.session() as session:
        return ZoneInfo(get_team(session=session, team_id=live_server.team_id).timezone)


def local(moment: datetime, zone: ZoneInfo) -> str:
    """``moment`` (stored in UTC; naive means UTC) as the team's clocks show it, as the pages write it."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(zone).strftime(TIME_FORMAT)


def open_from_nav(page: Page, label: str) -> None:
    """Open a page as a lead would: from the main navigation, wherever the page is now."""
    if page.url in ("", "about:blank"):
        page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name=label, exact=True).click()


def no_utc(page: Page) -> None:
    text = page.locator("main").inner_text()
    assert "UTC" not in text, f"{page.url} says UTC: {text[max(0, text.find('UTC') - 80) :][:160]!r}"


# --- The week a page opens on, and the week a date means ----------------------------------------


def test_the_board_month_and_roster_open_on_the_week_the_team_is_in(
    lead_page: Page, live_server: LiveServer
) -> None:
    page = lead_page
    today = datetime.now(team_zone(live_server)).date()
    monday = (today - timedelta(days=today.weekday())).isoformat()

    open_from_nav(page, "Board")
    expect(page).to_have_url(re.compile(r"/board$"))
    expect(page.get_by_label(WEEK_LABEL)).to_have_value(monday)
    # Generate plans the week shown, not the next one.
    expect(page.locator("form.generate input[name=week]")).to_have_value(monday)
    expect(page.locator("#week-error")).to_have_count(0)

    page.locator("#month-link").click()
    expect(page.get_by_label(MONTH_LABEL)).to_have_value(monday)
    expect(page.locator(".month-week").first).to_have_attribute("data-week", monday)
    page.get_by_role("link", name="Back to the board").click()
    page.locator("#roster-link").click()
    expect(page).to_have_url(re.compile(r"/board/roster\?"))
    expect(page.get_by_label(WEEK_LABEL)).to_have_value(monday)

    # With no week in the address each page finds the team's week itself.
    page.goto("/board/month")
    expect(page.get_by_label(MONTH_LABEL)).to_have_value(monday)
    expect(page.locator(".month-week").first).to_have_attribute("data-week", monday)
    page.goto("/board/roster")
    expect(page.get_by_label(WEEK_LABEL)).to_have_value(monday)
    expect(page.locator("#week-error")).to_have_count(0)


@pytest.mark.parametrize(
    ("javascript", "wednesday"),
    [(True, WEDNESDAY), (False, NO_SCRIPT_WEDNESDAY)],
    ids=["javascript", "no-javascript"],
)
def test_a_wednesday_picked_in_the_week_picker_shows_its_week(
    new_page: Callable[..., Page],
    sign_in: Callable[[Page, str], Page],
    live_server: LiveServer,
    javascript: bool,
    wednesday: date,
) -> None:
    page = sign_in(new_page(java_script_enabled=javascript), live_server.lead)
    monday = wednesday - timedelta(days=2)
    assert wednesday.weekday() == 2

    def pick(label: str, button: str, path: str) -> None:
        # The page the link led to, not the one it left (both have a week picker).
        expect(page).to_have_url(re.compile(rf"{re.escape(path)}(\?|$)"))
        picker = page.locator("form.week-picker")
        picker.get_by_label(label).fill(wednesday.isoformat())
        with page.expect_response(lambda r: f"{path}?" in r.url and "week=" in r.url) as answer:
            picker.get_by_role("button", name=button, exact=True).click()
        assert answer.value.status == 200, f"{path} answered {answer.value.status} for a Wednesday"
        expect(page).to_have_url(re.compile(rf"{re.escape(path)}\?(.*&)?week={wednesday.isoformat()}"))
        expect(page.locator("#week-error")).to_have_count(0)

    open_from_nav(page, "Board")
    pick(WEEK_LABEL, "Show week", "/board")
    expect(page.get_by_label(WEEK_LABEL)).to_have_value(monday.isoformat())
    expect(page.locator("form.generate input[name=week]")).to_have_value(monday.isoformat())
    week_nav = page.locator(".week-nav")
    previous = (monday - timedelta(days=7)).isoformat()
    expect(week_nav.get_by_role("link", name="← Previous week")).to_have_attribute(
        "href", re.compile(rf"week={previous}")
    )
    expect(page.locator(".empty")).to_contain_text("No plan for this week yet")

    page.locator("#month-link").click()
    pick(MONTH_LABEL, "Show", "/board/month")
    expect(page.get_by_label(MONTH_LABEL)).to_have_value(monday.isoformat())
    expect(page.locator(".month-week").first).to_have_attribute("data-week", monday.isoformat())

    page.get_by_role("link", name="Back to the board").click()
    page.locator("#roster-link").click()
    pick(WEEK_LABEL, "Show week", "/board/roster")
    expect(page.get_by_label(WEEK_LABEL)).to_have_value(monday.isoformat())


# --- Times in the team's zone ------------------------------------------------------------------


def test_a_plans_times_on_the_board_read_in_the_teams_zone(
    lead_page: Page, live_server: LiveServer, worker: Any
) -> None:
    """Generated through the board and published: when it was made and published, as the team's
    clocks showed it, on the plan and in the list of versions; the solve's panel says no UTC."""
    page, zone = lead_page, team_zone(live_server)
    open_from_nav(page, "Board")
    page.get_by_label(WEEK_LABEL).fill(TIMES_WEEK.isoformat())
    page.get_by_role("button", name="Show week").click()
    expect(page.locator("form.generate input[name=week]")).to_have_value(TIMES_WEEK.isoformat())
    page.get_by_label("Time limit (seconds)").fill("3")
    page.get_by_role("button", name="Generate").click()
    # The solve's end first, so that a solve that fails shows its panel's words here.
    expect(page.locator("#progress .result")).to_contain_text("The solve is done.", timeout=60_000)
    show = page.get_by_role("link", name=re.compile(r"Show draft \d+"))
    expect(show).to_be_visible()
    assert "UTC" not in page.locator("#progress").inner_text()
    show.click()

    heading = page.get_by_role("heading", name=re.compile(r"Draft \d+"))
    expect(heading).to_be_visible()
    match = re.search(r"Draft (\d+)", heading.inner_text())
    assert match is not None
    draft = int(match.group(1))
    with live_server.session() as session:
        made = session.get(Plan, draft).created_at
    expect(page.locator(".plan-head")).to_contain_text(f"Made {local(made, zone)} by the solver.")
    expect(page.locator(".versions li", has_text=f"Draft {draft}")).to_contain_text(local(made, zone))
    no_utc(page)

    publish_on_the_board(page)
    expect(page.get_by_role("heading", name=re.compile("Published version 1"))).to_be_visible()
    with live_server.session() as session:
        published = session.get(Plan, draft).published_at
    assert published is not None
    head = page.locator(".plan-head")
    expect(head).to_contain_text(f"Made {local(made, zone)}")
    expect(head).to_contain_text(f"Published {local(published, zone)}.")
    expect(page.locator(".versions li", has_text="Version 1")).to_contain_text(local(published, zone))
    abbreviation = published.astimezone(zone).tzname()
    assert abbreviation and abbreviation != "UTC"
    expect(head).to_contain_text(re.compile(rf"\d\d:\d\d {abbreviation}\b"))
    no_utc(page)


def test_a_solve_whose_worker_fell_silent_says_when_in_the_teams_zone(
    lead_page: Page, live_server: LiveServer
) -> None:
    """A running solve whose worker last reported minutes ago: stopping it fails it, and the board
    says since when the worker was silent at the team's time."""
    zone = team_zone(live_server)
    silent_since = datetime.now(UTC) - timedelta(minutes=5)
    with live_server.session() as session:
        job = SolveJob(
            team_id=live_server.team_id,
            week_start=SILENT_WEEK,
            status="running",
            time_limit=60,
            worker_pid=999_999,
            started_at=silent_since,
            heartbeat_at=silent_since,
        )
        session.add(job)
        session.commit()
        job_id = job.id
    page = lead_page
    page.goto(f"/board?week={SILENT_WEEK.isoformat()}")
    progress = page.locator("#progress")
    expect(progress).to_contain_text(f"Solve {job_id}")
    page.get_by_role("button", name="Stop and keep the best plan").click()
    expect(progress).to_contain_text(
        f"no word from process 999999 since {local(silent_since, zone)}.", timeout=15_000
    )
    no_utc(page)
    with live_server.session() as session:
        assert session.get(SolveJob, job_id).status == "failed"


def test_the_audit_trail_reads_in_the_teams_zone(lead_page: Page, live_server: LiveServer) -> None:
    """Each event's time is the stored moment at the team's clocks (the lead's sign-in among them)."""
    page, zone = lead_page, team_zone(live_server)
    open_from_nav(page, "Audit")
    times = page.locator("#audit-rows time")
    expect(times.first).to_be_visible()
    count = min(times.count(), 25)
    for i in range(count):
        shown = times.nth(i)
        stored = datetime.fromisoformat(shown.get_attribute("datetime") or "")
        assert shown.inner_text() == local(stored, zone)
    newest = datetime.fromisoformat(times.first.get_attribute("datetime") or "")
    newest = newest if newest.tzinfo is not None else newest.replace(tzinfo=UTC)
    assert datetime.now(UTC) - newest < timedelta(minutes=10), "the lead's sign-in is among the newest"
    abbreviation = datetime.now(zone).tzname()
    expect(times.first).to_have_text(re.compile(rf"\d\d:\d\d {abbreviation}$"))
    no_utc(page)


def test_a_read_only_links_times_read_in_the_teams_zone(
    lead_page: Page, new_page: Callable[..., Page], live_server: LiveServer
) -> None:
    """A read-only on-call link made, used and revoked: made and last used at the team's time."""
    page, zone, name = lead_page, team_zone(live_server), "Weeks test answering service"
    open_from_nav(page, "On call")
    page.get_by_role("link", name="Rota, swaps, covers and read-only links").click()
    links = page.locator("#links")
    links.get_by_label("Who it is for").fill(name)
    links.get_by_role("button", name="Make a link").click()
    url = page.get_by_label("The new link").input_value()
    assert "/on-call/t/" in url
    with live_server.session() as session:
        link = session.scalars(
            select(ApiToken).where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
        ).one()
        link_id, made = link.id, link.created_at
    try:
        row = page.locator(f'tr[data-link="{link_id}"]')
        expect(row.locator("td").nth(2)).to_have_text(local(made, zone))
        expect(row.locator("td").nth(3)).to_have_text("never")
        no_utc(page)

        kiosk = new_page(java_script_enabled=False)
        opened = kiosk.goto(url)
        assert opened is not None and opened.status == 200
        with live_server.session() as session:
            used = session.get(ApiToken, link_id).last_used_at
        assert used is not None
        # Opened afresh: the page that made the link answered its form (a POST) and shows it once.
        page.goto("/on-call/manage")
        expect(row.locator("td").nth(2)).to_have_text(local(made, zone))
        expect(row.locator("td").nth(3)).to_have_text(local(used, zone))
        no_utc(page)
    finally:
        # Leave the shared server's links as found: this one revoked.
        page.goto("/on-call/manage")
        page.locator(f'tr[data-link="{link_id}"]').get_by_role("button", name="Revoke").click()
        expect(page.locator(f'tr[data-link="{link_id}"]')).to_have_count(0)
