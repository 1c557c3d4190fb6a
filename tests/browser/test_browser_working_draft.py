"""Weeks, zones and the working draft in a browser (issue 13, items 6 and 7): a Wednesday opens its
week, times read in the team's zone, edits leave one draft with an Undo, and an earlier version is
published again after its diff."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import Page, expect

from actplanner.domain.formats import minutes
from actplanner.planning import edits, plans
from tests.browser.conftest import LiveServer
from tests.browser.test_browser_visits import save_draft

#: A week no other browser test plans.
WEEK = date(2027, 10, 4)
WEDNESDAY = WEEK + timedelta(days=2)


def publish_on_the_board(page: Page) -> None:
    """Press Publish; when the board lists problems to confirm (a flagged move), confirm them."""
    page.get_by_role("button", name=re.compile(r"^Publish this plan$")).click()
    anyway = page.get_by_role("button", name=re.compile(r"^Publish anyway"))
    published = page.get_by_role("heading", name=re.compile("Published version"))
    expect(anyway.or_(published)).to_be_visible()
    if anyway.count():
        anyway.click()


def test_a_lead_undoes_an_edit_and_publishes_an_earlier_version_again(
    lead_page: Page, live_server: LiveServer
) -> None:
    page = lead_page
    first = save_draft(live_server, WEEK)
    with live_server.session() as session:
        plans.publish_plan(session=session, plan_id=first, user_id=None, confirmed=True)
        doc = plans.stored_plan_doc(session=session, plan_id=first)
        moved = doc["visits"][0]
        start = minutes(moved["start"]) + 30
        working = edits.move_visit(
            session=session,
            plan_id=first,
            visit_id=moved["id"],
            from_staff=moved["staff"][0],
            to_staff="",
            to_date=None,
            to_start=f"{start // 60:02d}:{start % 60:02d}",
            flag=True,
            user_id=None,
        ).plan.id
        edits.toggle_pin(
            session=session, plan_id=working, staff_id=moved["staff"][0], visit_id=moved["id"], user_id=None
        )
        session.commit()

    # A Wednesday in the picker is its week; times are the team's, never UTC.
    page.goto(f"/board?week={WEDNESDAY}")
    expect(page.locator("input[name=week]").first).to_have_value(WEEK.isoformat())
    expect(page.get_by_role("heading", name=re.compile(rf"Draft {working}\b"))).to_be_visible()
    expect(page.locator(".plan-head")).to_contain_text(re.compile(r"\d\d:\d\d C[SD]T"))
    assert "UTC" not in page.content()
    # Two edits, one draft.
    expect(page.locator(".versions li", has_text="Draft")).to_have_count(1)

    page.get_by_role("button", name="Undo the last edit").click()
    expect(page.get_by_role("heading", name=re.compile(rf"Draft {working}\b"))).to_be_visible()
    with live_server.session() as session:
        doc = plans.stored_plan_doc(session=session, plan_id=working)
    after = next(v for v in doc["visits"] if v["id"] == moved["id"])
    assert "pinned" not in after and minutes(after["start"]) == start  # the pin undone, the move kept

    publish_on_the_board(page)
    expect(page.get_by_role("heading", name=re.compile("Published version 2"))).to_be_visible()
    versions = page.locator(".versions")
    versions.locator("li", has_text="Version 1").get_by_role(
        "link", name="Publish this version again"
    ).click()
    expect(page.get_by_role("heading", name="Publish version 1 again?")).to_be_visible()
    expect(page.locator('[data-count="moved"]')).to_have_text("1 moved")
    # The diff and its buttons fit a phone: the page itself does not scroll sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="Publish version 1 again").click()
    anyway = page.get_by_role("button", name=re.compile(r"^Publish it again anyway"))
    published = page.get_by_role("heading", name=re.compile("Published version"))
    expect(anyway.or_(published)).to_be_visible()
    if anyway.count():  # the team's checker finds what version 1 was published with
        anyway.click()
    expect(page.get_by_role("heading", name=re.compile("Published version 3"))).to_be_visible()
    with live_server.session() as session:
        current = plans.published_plan(session=session, team_id=live_server.team_id, week_start=WEEK)
        assert current is not None and current.version == 3
        again = plans.stored_plan_doc(session=session, plan_id=current.id)
    assert next(v for v in again["visits"] if v["id"] == moved["id"])["start"] == moved["start"]
