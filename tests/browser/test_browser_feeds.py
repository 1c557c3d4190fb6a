"""A staff member subscribes to their calendar from the Feeds page, as on a phone."""

from __future__ import annotations

import re
import urllib.request
from datetime import date

from playwright.sync_api import Page, expect

import solver
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.teams.service import team_file
from tests.browser.conftest import REPO, LiveServer

SCREENSHOT = REPO / "docs" / "screenshots" / "feeds.png"
#: A week no other browser test plans: the live server and its database are shared by the whole run.
WEEK = date(2027, 3, 1)


def publish_week(live_server: LiveServer, week: date) -> None:
    """A quick (greedy) plan of the week, published."""
    with live_server.session() as session:
        team = team_file(session=session, team_id=live_server.team_id)
        params = solver.SolveParams(time_limit=5, seed=0, greedy_only=True)
        plan = solver.solve(to_problem(team, week), params, None)
        saved = save_plan(
            session=session, team_id=team.team.id, plan_file=to_plan_file(plan, team, week), source="solve"
        )
        publish_plan(session=session, plan_id=saved.id, user_id=None)
        session.commit()


def test_staff_member_subscribes_and_the_link_shows_once(staff_page: Page, live_server: LiveServer) -> None:
    publish_week(live_server, WEEK)
    page = staff_page
    page.set_viewport_size({"width": 420, "height": 900})
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Feeds").click()
    expect(page.get_by_role("heading", name="Calendar feeds")).to_be_visible()
    page.get_by_role("button", name="Create link").click()
    webcal = page.get_by_role("link", name="Subscribe in Apple Calendar or Outlook")
    expect(webcal).to_have_attribute(
        "href", re.compile(r"^webcal://127\.0\.0\.1:\d+/feeds/[A-Za-z0-9_-]{43}\.ics$")
    )
    google = page.get_by_role("link", name="Add to Google Calendar")
    expect(google).to_have_attribute(
        "href", re.compile(r"^https://calendar\.google\.com/calendar/r\?cid=webcal")
    )
    address = page.get_by_label("Feed address, for any other calendar app").input_value()
    assert address.startswith(live_server.url + "/feeds/")
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    with urllib.request.urlopen(address, timeout=10) as response:
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        body = response.read().decode()
    assert body.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in body
    assert "SUMMARY:On call" in body or "SUMMARY:Visit" in body

    page.goto("/feeds")
    expect(page.get_by_role("link", name="Subscribe in Apple Calendar or Outlook")).to_have_count(0)
    expect(page.locator("#feed-feed .last-fetched")).not_to_have_text("never")
