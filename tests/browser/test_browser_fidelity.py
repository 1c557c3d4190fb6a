"""Fidelity explained (issue 13, item 8), in a browser: beside each figure below its DACTS top
rating the Fidelity page says why in the team's own terms and what it would take; a figure at
its top rating says nothing more; and the page fits a laptop (1366 × 768) and a phone (390 × 844).

The shared small team gets two weeks long past, which no other browser test plans or records,
planned and published (each week alone) and recorded as a team's log looks
(``demo_contacts.recorded_contacts``: no-shows, refusals, make-ups, office contacts). The
contacts are deleted again afterwards; the two published weeks stay, as other tests' do.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete

from actplanner.contacts.service import import_contacts
from actplanner.db import Contact
from actplanner.domain.care import acuity_in_force
from actplanner.domain.demo_contacts import recorded_contacts
from actplanner.domain.formats import dump_plan
from actplanner.teams.service import export_team, team_file
from tests.browser.conftest import LiveServer
from tests.browser.test_browser_audit import ax_role, label_of
from tests.browser.test_browser_on_call import publish_week

#: Two whole weeks (H2 reads 14-day windows), long before any week another browser test plans
#: and further back than any solve of those weeks reads history.
FIRST = date(2026, 3, 2)
LAST = FIRST + timedelta(days=13)
WEEKS = (FIRST, FIRST + timedelta(days=7))
#: The contacts' ids here, apart from any other test's.
ID_PREFIX = "fidelity-browser-"
#: DACTS S5's top rating: contacts per client a week.
S5_TOP = 4
VIEWPORTS = {"1366x768": {"width": 1366, "height": 768}, "390x844": {"width": 390, "height": 844}}


def number(value: float, places: int) -> str:
    """A number as a lead reads it: ``places`` decimals at most, no trailing zeros ("2.8", "3")."""
    return f"{value:.{places}f}".rstrip("0").rstrip(".") if places else f"{value:.0f}"


@pytest.fixture(scope="module")
def recorded(live_server: LiveServer) -> Iterator[dict[str, Any]]:
    """The two weeks published and their log stored; what the team's file says of them, worked
    out here by hand: its clients, the levels they are at and the contacts a week those ask for."""

    def clear() -> None:
        with live_server.session() as session:
            session.execute(
                delete(Contact).where(
                    Contact.team_id == live_server.team_id, Contact.date.between(FIRST, LAST)
                )
            )
            session.commit()

    clear()
    plans = [dump_plan(publish_week(live_server, monday)) for monday in WEEKS]
    with live_server.session() as session:
        log = recorded_contacts(export_team(session=session, team_id=live_server.team_id), plans, seed=7)
        for entry in log["contacts"]:
            entry["id"] = ID_PREFIX + entry["id"]
        import_contacts(session=session, team_id=live_server.team_id, data=log, by=None)
        team = team_file(session=session, team_id=live_server.team_id)
        session.commit()
    levels = team.policy.acuity
    in_force = [(client, acuity_in_force(client, monday)) for client in team.clients for monday in WEEKS]
    asked = [client.visits_per_week or levels[name].visits_per_week for client, name in in_force]
    try:
        yield {
            "contacts": len(log["contacts"]),
            "clients": len(team.clients),
            "asked": sum(asked) / len(asked),
            "levels": sorted({name.replace("_", " ") for _, name in in_force}),
        }
    finally:
        clear()


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
def test_each_figure_below_its_top_rating_says_why_beside_it_and_a_met_one_says_nothing(
    new_page: Callable[..., Page],
    sign_in: Callable[[Page, str], Page],
    live_server: LiveServer,
    recorded: dict[str, Any],
    viewport: dict[str, int],
) -> None:
    page = sign_in(new_page(viewport=viewport), live_server.lead)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Fidelity", exact=True).click()
    page.get_by_label("From (a Monday)").fill(FIRST.isoformat())
    page.get_by_label("To (a Sunday)").fill(LAST.isoformat())
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page.locator("#figures-title")).to_contain_text(
        f"{FIRST:%a %-d %b} – {LAST:%a %-d %b %Y} · 2 weeks, {recorded['contacts']} contacts recorded"
    )

    figures = page.locator("#figures tbody tr[data-figure]")
    states = {row.get_attribute("data-figure"): (row.get_attribute("class") or "") for row in figures.all()}
    missed = [key for key, state in states.items() if state == "missed"]
    met = [key for key, state in states.items() if state == "met"]
    # The small team's levels ask for fewer than 4 contacts a week: S5 cannot reach its top rating.
    assert recorded["asked"] < S5_TOP
    assert "contacts_per_client_week" in missed
    assert met, f"no figure of the recorded weeks meets its top rating: {states}"

    for key in missed:
        row = page.locator(f'#figures tr[data-figure="{key}"]')
        # The very next row, in the same table: read with the figure, not in a list elsewhere.
        beside = page.locator(f'#figures tr[data-figure="{key}"] + tr.explain')
        expect(beside).to_have_attribute("data-explains", key)
        expect(beside).to_contain_text("What it would take:")
        above, below = row.bounding_box(), beside.bounding_box()
        assert above is not None and below is not None
        assert abs(below["y"] - (above["y"] + above["height"])) < 2, f"{key}'s explanation is not under it"
    for key in met:
        expect(page.locator(f'#figures tr[data-figure="{key}"] + tr.explain')).to_have_count(0)
        expect(page.locator(f'tr.explain[data-explains="{key}"]')).to_have_count(0)

    # S5 in the team's terms: what its levels ask, by name, and the contacts a week 4 would take.
    s5 = page.locator('tr.explain[data-explains="contacts_per_client_week"]').inner_text()
    assert f"ask for {number(recorded['asked'], 2)} contacts a week per client on average" in s5
    for level in recorded["levels"]:
        assert level in s5, f"the S5 explanation does not name the level {level!r}: {s5}"
    delivered = float(
        page.locator('tr[data-figure="contacts_per_client_week"]').get_attribute("data-value") or ""
    )
    more = math.ceil((S5_TOP - delivered) * recorded["clients"] - 1e-9)
    assert f"{S5_TOP} would need about {more} more face-to-face contacts a week" in s5
    assert re.search(r"at this team's pace \(\d+(\.\d)? contacts per FTE a week\)", s5), s5
    if "team_approach_share" in missed:
        h2 = page.locator('tr.explain[data-explains="team_approach_share"]').inner_text()
        assert f"of your {recorded['clients']} clients" in h2

    # Nothing runs off the side of the window and nothing waits for a swipe: on a phone the figures
    # stack (table.stacks), so each explanation wraps inside the window and the figures' section
    # does not scroll sideways, which would hide its right-hand part.
    width = page.evaluate("document.documentElement.clientWidth")
    assert width == viewport["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    section = page.locator("section.fidelity-figures")
    assert section.evaluate("box => box.scrollWidth <= box.clientWidth"), "the figures scroll sideways"
    explanations = page.locator("tr.explain td").all()
    assert len(explanations) >= len(missed)  # and one for planned visits not done, which has no rating
    for cell in explanations:
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (
            f"an explanation runs off a {width} px window: {box} {cell.inner_text()[:80]!r}"
        )
    for cell in figures.locator("th, td").all():
        if not cell.inner_text().strip():
            continue  # no top rating (clients below their count): its empty cell is not shown
        box = cell.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (
            f"a figure's cell runs off a {width} px window: {box} {cell.inner_text()[:80]!r}"
        )

    # On a phone each figure is a block: its name, then each value on a line of its own led by its
    # column's name; on a laptop a row of the table under its header row. A table to a screen
    # reader on both, whatever the display.
    cells = page.locator('#figures tr[data-figure="contacts_per_client_week"]').locator("th, td").all()
    boxes = [cell.bounding_box() for cell in cells]
    assert len(cells) == 4 and all(box is not None for box in boxes)
    header = page.locator("#figures thead").bounding_box()
    assert header is not None
    if viewport["width"] < VIEWPORTS["1366x768"]["width"]:
        assert header["width"] <= 1 and header["height"] <= 1, "the header row is in sight on a phone"
        assert [label_of(cell) for cell in cells[1:]] == [
            '"Delivered: "',
            '"Planned: "',
            '"DACTS top rating: "',
        ]
        for above, below in zip(boxes, boxes[1:], strict=False):
            assert above and below and below["y"] >= above["y"] + above["height"] - 1, (
                "S5's lines do not stack"
            )
    else:
        expect(
            page.locator("#figures").get_by_role("columnheader", name="Delivered", exact=True)
        ).to_be_visible()
        assert len({round(box["y"]) for box in boxes if box}) == 1, "S5's cells are not on one line"
        assert all(label_of(cell) == "none" for cell in cells)
    assert ax_role(page, "#figures") == "table"
    assert ax_role(page, "#figures thead th") == "columnheader"
    assert ax_role(page, "#figures tr[data-figure] th") == "rowheader"
    assert ax_role(page, "#figures tr[data-figure] td") == "cell"
