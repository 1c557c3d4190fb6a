"""The team page of the large sample team in a browser (issue 13, item 4), at 1366×768 and 390×844.

Search and filters work as GET parameters (JavaScript on and off), the client table is one
line per client, the edit form opens where its row is (in place with JavaScript; without, the
link jumps to the form), and nothing runs off the side. The page height is printed for the
report (``pytest -s``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from actplanner.accounts.service import create_user
from actplanner.db import User
from actplanner.resources import fixture_file
from actplanner.teams.service import import_team
from tests.browser.conftest import LiveServer

LEAD = "large-lead"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def seed_large_team(live_server: LiveServer) -> dict[str, Any]:
    """Import the large sample team and its lead into the live server's database (once per run)."""
    doc = json.loads(fixture_file("large").read_text())
    with live_server.session() as session:
        if session.scalar(select(User).where(User.username == LEAD)) is None:
            import_team(session=session, data=doc)
            create_user(
                session=session,
                username=LEAD,
                password=live_server.password,
                role="lead",
                team_id=doc["team"]["id"],
            )
            session.commit()
    return doc


def no_horizontal_overflow(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 0, f"the page is {width}px wider than the screen"


def page_height(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollHeight"))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1366x768", "390x844"])
def test_search_and_filters_narrow_the_table_and_the_page_fits(
    new_page: Any, sign_in: Any, live_server: LiveServer, viewport: dict[str, int]
) -> None:
    doc = seed_large_team(live_server)
    page = sign_in(new_page(viewport=viewport), LEAD)
    page.goto("/team")
    rows = page.locator("#clients tbody tr[id^='clients-']")
    expect(rows).to_have_count(50)  # a page of the table, not all 380
    expect(page.locator("#clients-count")).to_contain_text(f"of {len(doc['clients'])}")
    print(f"\nteam page height at {viewport['width']}px: {page_height(page)} px")
    no_horizontal_overflow(page)
    if viewport is DESKTOP:
        # One line per client: a row is no taller than one line of text and its padding, and the
        # whole table (its Edit links too) fits the screen without scrolling sideways.
        heights = rows.evaluate_all("rs => rs.map(r => r.getBoundingClientRect().height)")
        assert max(heights) < 48, f"a client line is {max(heights)}px tall"
        wrap = page.locator("#clients .table-wrap")
        assert wrap.evaluate("w => w.scrollWidth - w.clientWidth") <= 0
    # Values, not placeholders.
    table = page.locator("#clients table").inner_text()
    assert "(acuity)" not in table and "(solver)" not in table
    assert "from acuity" in table

    target = doc["clients"][0]
    page.get_by_label("Search").fill(target["code"])
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    expect(page.locator(f"#clients-{target['id']}")).to_contain_text(target["name"])
    assert f"q={target['code']}" in page.url

    page.goto("/team")
    filters = page.get_by_role("search", name="Find clients")
    filters.locator("select[name=acuity]").select_option("high")
    filters.locator("select[name=language]").select_option("es")
    filters.locator("select[name=sort]").select_option("visits")
    page.get_by_role("button", name="Show").click()
    wanted = [c for c in doc["clients"] if c["acuity"] == "high" and c.get("language") == "es"]
    expect(rows).to_have_count(min(50, len(wanted)))
    for cells in rows.evaluate_all("rs => rs.map(r => [...r.cells].map(c => c.innerText))"):
        assert cells[2] == "high" and cells[6] == "Spanish"  # the language by name, not its code
    no_horizontal_overflow(page)


def test_the_edit_form_opens_where_its_row_is_with_javascript(
    new_page: Any, sign_in: Any, live_server: LiveServer
) -> None:
    doc = seed_large_team(live_server)
    page = sign_in(new_page(viewport=DESKTOP), LEAD)
    page.goto("/team?sort=acuity")
    client = page.locator("#clients tbody tr[id^='clients-']").nth(30)
    client_id = client.get_attribute("id")
    client.scroll_into_view_if_needed()
    top = client.bounding_box()["y"]
    client.get_by_role("link", name="Edit").click()
    form = page.locator(f"#{client_id} form.entry-form")
    expect(form).to_be_visible()
    # The form row takes the row's place (not below the table or 38 rows down).
    assert abs(page.locator(f"#{client_id}").bounding_box()["y"] - top) < 5
    expect(form.get_by_label("Time 1: day")).to_be_visible()
    no_horizontal_overflow(page)
    assert doc  # the team was seeded


def test_without_javascript_the_edit_link_jumps_to_the_form_on_a_phone(
    new_page: Any, sign_in: Any, live_server: LiveServer
) -> None:
    doc = seed_large_team(live_server)
    page = sign_in(new_page(viewport=PHONE, java_script_enabled=False), LEAD)
    page.goto("/team?acuity=moderate&sort=primary")
    client = page.locator("#clients tbody tr[id^='clients-']").nth(40)
    client_id = client.get_attribute("id")
    client.get_by_role("link", name="Edit").click()
    form = page.locator(f"#{client_id} form.entry-form")
    expect(form).to_be_visible()
    assert "acuity=moderate" in page.url and page.url.endswith(f"#{client_id}")
    box = page.locator(f"#{client_id}").bounding_box()
    assert -2 <= box["y"] < PHONE["height"], f"the form is at {box['y']}px, off the screen"
    # "Add another time" posts back with one more row (no JavaScript), nothing saved.
    rows_before = form.locator("input[name$='-start'][name^='availability-']").count()
    form.get_by_role("button", name="Add another time").click()
    form = page.locator(f"#{client_id} form.entry-form")
    expect(form.locator("input[name$='-start'][name^='availability-']")).to_have_count(rows_before + 1)
    no_horizontal_overflow(page)
    assert doc
