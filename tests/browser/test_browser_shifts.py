"""A staff member sees their break in their day on a phone (390×844), issue 12: the team works
rostered shifts (Part B), and the published week's plan holds the nurse's shifts and breaks (written
into the plan file here until the solver writes breaks). My day shows the shift, the team meeting
and the break among the visit cards in time order; My week shows the same as rows of the day.

The live server is shared: the test moves the Part B week to a week no other browser test plans,
and puts the team back as it found it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from actplanner.planning.plans import publish_plan, save_plan
from actplanner.teams.service import export_team, import_team
from tests.browser.conftest import LiveServer
from tests.browser.test_browser_on_call import PHONE
from tests.planning.part_b_plans import NURSE_WEEK, part_b_plan, part_b_team
from tests.support.web_factories import WEEK as SAMPLE_WEEK

#: A week no other browser test plans.
WEEK = date(2027, 7, 5)
SHIFT = WEEK - SAMPLE_WEEK


def moved(text: str) -> str:
    """A date (or date-time) of the sample week, moved to ``WEEK``."""
    return (date.fromisoformat(text[:10]) + SHIFT).isoformat() + text[10:]


def team_in_week() -> dict[str, Any]:
    doc = part_b_team()
    for holiday in doc["policy"]["holidays"]:
        holiday["date"] = moved(holiday["date"])
    for member in doc["staff"]:
        for request in (member.get("contract") or {}).get("requests", []):
            request["date"] = moved(request["date"])
    return doc


def plan_in_week(team: dict[str, Any]) -> dict[str, Any]:
    doc = part_b_plan(team)
    doc["week_start"] = WEEK.isoformat()
    for entry in [*doc["visits"], *doc["shifts"], *doc["breaks"]]:
        entry["date"] = moved(entry["date"])
    for period in doc["on_call"]:
        period["start"], period["end"] = moved(period["start"]), moved(period["end"])
    return doc


@pytest.fixture
def rostered_week(live_server: LiveServer) -> Iterator[dict[str, Any]]:
    """The Part B team and its week published on the live server; the team as it was afterwards."""
    with live_server.session() as session:
        before = export_team(session=session, team_id=live_server.team_id)
        team = team_in_week()
        import_team(session=session, data=team)
        saved = save_plan(
            session=session, team_id=live_server.team_id, plan_file=plan_in_week(team), source="solve"
        )
        publish_plan(session=session, plan_id=saved.id, user_id=None, confirmed=True)
        session.commit()
    try:
        yield team
    finally:
        with live_server.session() as session:
            import_team(session=session, data=json.loads(json.dumps(before)))
            session.commit()


def test_a_nurse_sees_her_break_in_her_day_on_a_phone(
    new_page: Callable[..., Any],
    sign_in: Callable[[Any, str], Any],
    live_server: LiveServer,
    rostered_week: dict[str, Any],
) -> None:
    kind, start, end, rest_start, rest_end = NURSE_WEEK[SAMPLE_WEEK]
    page = sign_in(new_page(java_script_enabled=False, viewport=PHONE, is_mobile=True), live_server.staff)
    page.goto(f"/my-day?day={WEEK.isoformat()}")
    expect(page.locator("#shift-line")).to_have_text(f"Shift {kind} {start}–{end}")
    rest = page.locator("article.day-item.break")
    expect(rest).to_be_visible()
    expect(rest).to_contain_text(f"{rest_start}–{rest_end} Break")
    meeting = page.locator("article.day-item.meeting")
    expect(meeting).to_contain_text("08:30–09:15 Team meeting at the office")
    # In time order among the visit cards: the meeting first, the break between the two visits.
    order = page.locator("article.visit-card, article.day-item").evaluate_all(
        "nodes => nodes.map(n => n.className)"
    )
    assert order == ["day-item meeting", "visit-card", "day-item break", "visit-card"], order
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # My week says the same as rows of Monday.
    page.goto(f"/my-week?week={WEEK.isoformat()}")
    monday = page.locator(f'section.day[aria-labelledby="day-{WEEK.isoformat()}"]')
    expect(monday.locator(".shift")).to_have_text(f"Shift {kind} {start}–{end}")
    expect(monday.locator("tr.day-item.break")).to_contain_text(f"{rest_start}–{rest_end}")
    tuesday = page.locator(f'section.day[aria-labelledby="day-{(WEEK + timedelta(days=1)).isoformat()}"]')
    expect(tuesday.locator(".shift")).to_have_text("Shift late 11:30–20:00")
    expect(tuesday.locator("tr.day-item.meeting")).to_have_count(0)
    expect(page.locator("#requests")).to_contain_text("the late shift — honoured")
