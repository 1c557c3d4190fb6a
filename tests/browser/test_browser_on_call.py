"""The on-call page on a phone with JavaScript off: who to call, in large type, tap to call."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from playwright.sync_api import expect

import solver
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.teams.service import team_file
from tests.browser.conftest import REPO, LiveServer

SCREENSHOT = REPO / "docs" / "screenshots" / "on_call.png"
#: A week no other browser test plans: the live server and its database are shared by the whole run.
WEEK = date(2027, 3, 15)
#: Wednesday evening of that week, team-local.
AT = "2027-03-17T20:00"
PHONE = {"width": 390, "height": 844}


def publish_week(live_server: LiveServer, week: date) -> Any:
    """A quick (greedy) plan of the week, planned alone, published; its plan file.

    Planned without history so that the week is the same whichever weeks other tests of the
    shared server published before; the publish is confirmed, since the publish check does
    read those weeks and may find the boundary between them broken (a Sunday primary's
    Monday visits), which is not what these tests are about."""
    with live_server.session() as session:
        team = team_file(session=session, team_id=live_server.team_id)
        plan = solver.solve(to_problem(team, week), solver.SolveParams(time_limit=5, greedy_only=True), None)
        doc = to_plan_file(plan, team, week)
        saved = save_plan(session=session, team_id=team.team.id, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=None, confirmed=True)
        session.commit()
        return doc


def test_staff_member_finds_who_to_call_on_a_phone_without_javascript(
    new_page: Callable[..., Any], sign_in: Callable[[Any, str], Any], live_server: LiveServer
) -> None:
    doc = publish_week(live_server, WEEK)
    primary = next(p for p in doc.on_call if p.role == "primary" and p.start == "2027-03-17T08:30")
    page = sign_in(new_page(java_script_enabled=False, viewport=PHONE, is_mobile=True), live_server.staff)
    page.goto(f"/on-call?at={AT}")
    section = page.locator('section.on-call-role[data-role="primary"]')
    expect(section).to_have_attribute("data-staff", primary.staff)
    call = section.get_by_role("link").first
    expect(call).to_have_attribute("href", _starts_with("tel:"))
    # Big enough to hit with a thumb.
    box = call.bounding_box()
    assert box is not None and box["height"] >= 40
    steps = page.locator("section.escalation li")
    expect(steps).to_have_count(4)
    expect(steps.nth(3)).to_have_attribute("data-role", "team_leader")
    assert page.locator('meta[http-equiv="refresh"]').get_attribute("content") == "60"
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def _starts_with(prefix: str) -> Any:
    import re

    return re.compile("^" + re.escape(prefix))
