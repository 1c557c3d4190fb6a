"""Staff see the client's address on My day and My week on a phone (390×844, JavaScript off), with a
link that opens the phone's own maps app: Apple Maps on an iPhone, geo: on Android (issue 13, item 2).

The live server is shared: the test gives the team's homes addresses for a week no other browser
test plans, and puts the team back as it found it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from actplanner.teams.service import export_team, import_team
from tests.browser.conftest import LiveServer
from tests.browser.test_browser_on_call import PHONE, publish_week
from tests.domain.test_map_links import ANDROID, IPHONE

#: A week no other browser test plans.
WEEK = date(2027, 12, 6)


@pytest.fixture
def addressed_week(live_server: LiveServer) -> Iterator[dict[str, Any]]:
    """Every client's home has an address; the week is published. Yields the nurse's first visit."""
    with live_server.session() as session:
        before = export_team(session=session, team_id=live_server.team_id)
        team = json.loads(json.dumps(before))
        for i, entry in enumerate(team["clients"]):
            entry["home"]["label"] = f"{1200 + 2 * i} W Chicago Ave, Chicago, IL"
        import_team(session=session, data=team)
        session.commit()
    try:
        doc = publish_week(live_server, WEEK)
        theirs = sorted((v for v in doc.visits if "s-rn1" in v.staff), key=lambda v: (v.date, v.start))
        labels = {c["id"]: c["home"]["label"] for c in team["clients"]}
        yield {"visit": theirs[0], "address": labels[theirs[0].client]}
    finally:
        with live_server.session() as session:
            import_team(session=session, data=before)
            session.commit()


@pytest.mark.parametrize(("agent", "link"), [(IPHONE, "https://maps.apple.com/?ll="), (ANDROID, "geo:")])
def test_a_nurse_sees_the_address_and_opens_it_in_her_maps_app(
    new_page: Callable[..., Any],
    sign_in: Callable[[Any, str], Any],
    live_server: LiveServer,
    addressed_week: dict[str, Any],
    agent: str,
    link: str,
) -> None:
    visit, address = addressed_week["visit"], addressed_week["address"]
    phone = new_page(java_script_enabled=False, viewport=PHONE, is_mobile=True, user_agent=agent)
    page = sign_in(phone, live_server.staff)
    page.goto(f"/my-week?week={WEEK.isoformat()}")
    row = page.locator(f'section.day[aria-labelledby="day-{visit.date}"] tr.visit').first
    expect(row.locator("td.where")).to_contain_text(address)
    maps = row.locator("a.map-link")
    expect(maps).to_have_count(1)
    assert (maps.get_attribute("href") or "").startswith(link)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.goto(f"/my-day?day={visit.date}")
    card = page.locator(f"#visit-{visit.id}")
    expect(card.locator(".where")).to_contain_text(address)
    maps = card.locator("a.map-link")
    expect(maps).to_have_count(1)
    assert (maps.get_attribute("href") or "").startswith(link)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
