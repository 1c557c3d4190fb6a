"""The day view in a browser: the route and its map, a pin, a refused move, a sick call and its re-plan."""

from __future__ import annotations

import re
import threading
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Page, expect

import solver
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.planning.plans import save_plan
from actplanner.planning.worker import work_loop
from actplanner.teams.service import team_file
from tests.browser.conftest import REPO, LiveServer

SCREENSHOT = REPO / "docs" / "screenshots" / "day_view.png"
#: A week no other browser test plans: the live server and its database are shared by the whole run.
WEEK = date(2027, 2, 1)
#: Whose route is opened, and who calls in sick (not the ``nurse`` login other tests use).
ROUTE_STAFF = "s-cm1"
SICK_STAFF = "s-cm2"


def save_draft(live_server: LiveServer, week: date) -> int:
    """A quick (greedy) plan of the week saved as a draft, as a solve would leave it; its id."""
    with live_server.session() as session:
        team = team_file(session=session, team_id=live_server.team_id)
        params = solver.SolveParams(time_limit=5, seed=0, greedy_only=True)
        plan = solver.solve(to_problem(team, week), params, None)
        saved = save_plan(
            session=session, team_id=team.team.id, plan_file=to_plan_file(plan, team, week), source="solve"
        )
        session.commit()
        return saved.id


def test_lead_reviews_a_day_pins_is_refused_a_move_and_replans_a_sick_call(
    lead_page: Page, live_server: LiveServer
) -> None:
    """Day view with its map; a pin changes the working draft in place; an impossible move is refused;
    a sick call re-plans."""
    page = lead_page
    draft = save_draft(live_server, WEEK)
    page.goto(f"/board/plans/{draft}/staff/{ROUTE_STAFF}/days/{WEEK}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Monday")
    stops = page.locator("tr.stop")
    count = stops.count()
    assert count >= 2
    route_map = page.locator("svg.route-map")
    expect(route_map).to_be_visible()
    expect(route_map.locator("g.map-stop")).to_have_count(count)
    legs = page.locator("td.leg").evaluate_all("cells => cells.map(c => Number(c.dataset.minutes))")
    assert sum(legs) == int(page.locator("#total-travel").get_attribute("data-minutes"))

    first = stops.first
    first.get_by_role("button", name="Pin").click()
    expect(page.locator(".outcome-saved")).to_contain_text("Pinned visit")
    expect(stops.first).to_have_class(re.compile(r"\bpinned\b"))
    expect(stops.first.get_by_role("button", name="Unpin")).to_be_visible()
    # The draft is the lead's working copy: the pin changed it, no new draft was made.
    page.wait_for_url(re.compile(rf"/board/plans/{draft}/staff/{ROUTE_STAFF}/days/{WEEK}$"))
    pinned = draft
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert Path(SCREENSHOT).stat().st_size > 10_000

    row = stops.nth(1)
    row.locator("summary", has_text="Move").click()
    row.get_by_label("Start").fill("06:00")
    row.get_by_role("button", name="Move").click()
    refusal = page.locator(".outcome-refused")
    expect(refusal).to_contain_text("was refused")
    expect(refusal).to_contain_text("Nothing was saved")
    expect(refusal.locator(".rule").first).to_have_text(re.compile(r"^H\d+$"))
    assert f"/plans/{pinned}/" in page.url

    # Staff work from a published plan: publish the pinned draft, then call in sick.
    page.get_by_role("link", name="Compare with the published plan").click()
    page.get_by_role("button", name=f"Publish plan {pinned}").click()
    page.goto(f"/board/sick-call?week={WEEK}")
    page.get_by_label("Staff member").select_option(SICK_STAFF)
    page.get_by_label("First day off").fill((WEEK + timedelta(days=1)).isoformat())
    page.get_by_label("Last day off").fill((WEEK + timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Record and re-plan").click()
    expect(page.get_by_role("heading", name="Re-plan after a sick call")).to_be_visible()
    expect(page.get_by_role("link", name="Follow the re-plan on the board")).to_have_attribute(
        "href", re.compile(rf"/board\?week={WEEK}")
    )

    worker = threading.Thread(target=work_loop, kwargs={"url": live_server.database_url, "once": True})
    worker.start()
    try:
        expect(page.locator("#moved-count")).to_be_visible(timeout=60_000)
    finally:
        worker.join(timeout=90)
    expect(page.locator("#replan")).to_contain_text("Changes against the published plan")
    assert int(page.locator("#moved-count").inner_text()) + page.locator("table.changes tbody tr").count() > 0
    expect(page.get_by_role("button", name=re.compile(r"Publish plan \d+"))).to_be_visible()
