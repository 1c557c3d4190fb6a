"""The roster in a browser (issue 12, "Done when"): a Part B team generates the week with Christmas
Day in it through the board and the worker, opens the roster and sees Christmas marked, then tries
to move an evening shift to a day shift where the evening has only the staff it needs: the change
is refused with the coverage rule in words, and "Save anyway, flagged" is offered. The page fits a
phone (the grid scrolls inside its own box) and the office screen. Saved anyway, the change is
flagged in the draft, which the board then publishes once the lead confirms the broken rule; with
JavaScript off another such change is refused on a page of its own.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect
from sqlalchemy import select

from actplanner.accounts.service import create_user
from actplanner.db import User
from actplanner.teams.service import import_team
from tests.browser.conftest import LiveServer
from tests.support.roster_team import CHRISTMAS_WEEK, roster_team

#: A team of its own (the live server is shared): the small team, rostered, with a lead of its own.
TEAM = "west-town-roster"
LEAD = "roster-lead"
WEEK = CHRISTMAS_WEEK.isoformat()
WEEKDAYS = ("2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24")


def seed_roster_team(live_server: LiveServer) -> None:
    """Import the Part B team and its lead into the live server's database (once per run)."""
    with live_server.session() as session:
        if session.scalar(select(User).where(User.username == LEAD)) is None:
            import_team(session=session, data=roster_team(id=TEAM, name="West Town ACT (rostered)"))
            create_user(
                session=session, username=LEAD, password=live_server.password, role="lead", team_id=TEAM
            )
            session.commit()


def lates(page: Page, day: str) -> list[str]:
    """The staff ids with a late shift on ``day``, as the roster grid shows them."""
    return page.locator(f'td.shift-cell[data-date="{day}"][data-shift^="late "]').evaluate_all(
        "cells => cells.map(c => c.closest('tr').dataset.staff)"
    )


def test_lead_generates_christmas_week_sees_the_roster_and_a_coverage_break_refused(
    page: Page, new_page: Any, sign_in: Any, live_server: LiveServer, worker: Any
) -> None:
    seed_roster_team(live_server)
    sign_in(page, LEAD)
    page.goto(f"/board?week={WEEK}")
    page.get_by_label("Time limit (seconds)").fill("20")
    page.get_by_role("button", name="Generate").click()
    page.get_by_role("link", name=re.compile(r"Show draft \d+")).click(timeout=120_000)
    page.locator("#roster-link").click()

    expect(page.get_by_role("heading", name=re.compile(r"^Roster"))).to_be_visible()
    grid = page.locator("table.roster-grid")
    expect(grid.locator("tbody tr")).to_have_count(6)
    christmas = grid.locator('thead th[data-date="2026-12-25"]')
    expect(christmas).to_contain_text("Christmas Day")
    expect(christmas).to_have_class(re.compile(r"\bholiday\b"))
    expect(grid.locator('thead th[data-date="2026-12-26"]')).to_have_class(re.compile(r"\bweekend\b"))
    expect(grid.locator('tr[data-staff="s-tl1"] td[data-date="2026-12-25"]')).to_have_attribute(
        "data-shift", "off"
    )
    expect(page.locator("#coverage ol.strip")).to_have_count(7)

    # An evening with exactly the two staff coverage asks: one of them on a day shift breaks it.
    day = next((d for d in WEEKDAYS if len(lates(page, d)) == 2), None)
    assert day is not None, f"no weekday with exactly two late shifts: {[lates(page, d) for d in WEEKDAYS]}"
    staff = lates(page, day)[0]
    cell = grid.locator(f'tr[data-staff="{staff}"] td[data-date="{day}"]')
    cell.locator("summary").click()
    cell.get_by_label("Shift").select_option("day")
    cell.get_by_role("button", name="Change").click()

    outcome = page.locator("#roster-outcome")
    expect(outcome).to_contain_text("was refused")
    # The rule by its title, its code in small print (the day view does the same).
    expect(outcome).to_contain_text(re.compile(r"Coverage: .* short"))
    expect(outcome.locator("small.rule")).to_contain_text(["H17"])
    expect(outcome.get_by_role("button", name="Save anyway, flagged")).to_be_visible()
    expect(outcome).not_to_contain_text(staff)
    expect(cell).to_have_attribute("data-shift", re.compile(r"^late "))

    # A phone: the page itself does not scroll sideways; the grid scrolls in its own box.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    wrap = page.locator(".roster-wrap")
    assert wrap.evaluate("box => box.scrollWidth > box.clientWidth")
    page.set_viewport_size({"width": 1366, "height": 900})
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    # Saved anyway, flagged: the draft lists the rule; it publishes with the week's plan, on the board.
    outcome.get_by_role("button", name="Save anyway, flagged").click()
    expect(page.locator("#roster-outcome")).to_contain_text("It breaks these rules")
    expect(cell).to_have_attribute("data-shift", re.compile(r"^day "))
    expect(cell).to_contain_text("pinned")
    expect(page.locator("#roster-unmet")).to_contain_text("Coverage: ")
    expect(page.locator("#roster-unmet small.rule")).to_contain_text(["H17"])
    page.get_by_role("link", name="publish it on the board").click()
    page.get_by_role("button", name="Publish this plan").click()
    expect(page.locator("#confirm-publish")).to_contain_text("Coverage: ")
    expect(page.locator("#confirm-publish small.rule")).to_contain_text(["H17"])
    page.get_by_role("button", name="Publish anyway, with these problems").click()
    expect(page.get_by_role("heading", name=re.compile("Published version 1"))).to_be_visible()

    # Without JavaScript the change is a plain form: the refusal is a page of its own, saying why.
    plain = sign_in(new_page(java_script_enabled=False), LEAD)
    plain.goto(f"/board/roster?week={WEEK}")
    other = next((d for d in WEEKDAYS if d != day and len(lates(plain, d)) == 2), None)
    assert other is not None, f"no other weekday with two late shifts: {[lates(plain, d) for d in WEEKDAYS]}"
    staff = lates(plain, other)[0]
    cell = plain.locator(f'table.roster-grid tr[data-staff="{staff}"] td[data-date="{other}"]')
    cell.locator("summary").click()
    cell.get_by_label("Shift").select_option("day")
    cell.get_by_role("button", name="Change").click()
    expect(plain.locator("#roster-outcome")).to_contain_text("was refused")
    expect(plain.locator("#roster-outcome")).to_contain_text("Coverage: ")
