"""Printing in Chromium (issue 13, item 9): the standard team's week prints on exactly one landscape
page, on A4 and on US Letter; several weeks print a page each; the day sheets and the other pages,
with print media emulated, show no navigation, form or button.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from actplanner.accounts.service import create_user
from actplanner.db import User
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.teams.service import import_team
from tests.browser.conftest import LiveServer
from tests.planning.test_print_views import DAY, LEAD, PRINT, STANDARD, standard_plan
from tests.support.team_files import team_file

#: A page object of a PDF (not the /Pages tree): one per printed sheet.
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
#: What print must hide, wherever it is on a page.
CONTROLS = "nav, form, button, input, select, textarea, .site-header"


def seed_standard_team(live_server: LiveServer) -> None:
    """The standard team with its published plan of the test week and its lead (once per run)."""
    with live_server.session() as session:
        if session.scalar(select(User).where(User.username == LEAD)) is None:
            import_team(session=session, data=team_file("standard"))
            plan = save_plan(session=session, team_id=STANDARD, plan_file=standard_plan(), source="solve")
            publish_plan(session=session, plan_id=plan.id, user_id=None, confirmed=True)
            create_user(
                session=session, username=LEAD, password=live_server.password, role="lead", team_id=STANDARD
            )
            session.commit()


def pdf_pages(pdf: bytes) -> int:
    return len(PAGE_OBJECT.findall(pdf))


def visible_controls(page: Page) -> list[str]:
    """The navigation and form elements a reader would see, as tag names."""
    return page.locator(CONTROLS).evaluate_all(
        "els => els.filter(e => e.checkVisibility()).map(e => e.tagName.toLowerCase() + '.' + e.className)"
    )


@pytest.fixture
def standard_lead(page: Page, sign_in: Any, live_server: LiveServer) -> Page:
    seed_standard_team(live_server)
    return sign_in(page, LEAD)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_standard_teams_week_prints_on_one_landscape_page(standard_lead: Page, paper: str) -> None:
    standard_lead.goto(PRINT)
    assert standard_lead.locator("table.print-grid tbody tr").count() == 13
    pdf = standard_lead.pdf(format=paper, landscape=True, print_background=False)
    assert pdf_pages(pdf) == 1
    # And it is the whole week: every row's last cell is inside the page, nothing cut off at the side.
    standard_lead.emulate_media(media="print")
    assert standard_lead.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert visible_controls(standard_lead) == []
    assert standard_lead.locator(".print-help").evaluate_all("els => els.every(e => !e.checkVisibility())")


def test_four_weeks_print_a_page_each(standard_lead: Page) -> None:
    standard_lead.goto(f"{PRINT}&weeks=4")
    pdf = standard_lead.pdf(format="A4", landscape=True)
    assert pdf_pages(pdf) == 4


def test_the_day_sheets_print_without_navigation_or_forms(
    standard_lead: Page, new_page: Any, sign_in: Any, live_server: LiveServer
) -> None:
    lead = standard_lead
    lead.goto(f"/board/print/day?date={DAY}")
    assert lead.locator("section.staff-day").count() >= 10
    lead.emulate_media(media="print")
    assert visible_controls(lead) == []
    assert lead.locator(".print-help").evaluate_all("els => els.every(e => !e.checkVisibility())")
    # No staff member's block is split over two sheets.
    assert lead.locator("section.staff-day").first.evaluate("s => getComputedStyle(s).breakInside") == "avoid"
    pdf = lead.pdf(format="A4")
    assert pdf_pages(pdf) >= 2

    # A staff member's own day sheet (a page of the app, with its navigation on screen).
    lead.emulate_media(media="screen")
    lead.goto(f"/my-week/{DAY}/print?staff=s-rn1")
    assert lead.locator("nav").first.is_visible()
    lead.emulate_media(media="print")
    assert visible_controls(lead) == []
    assert lead.locator("table.visits").is_visible()

    # Every page of the app prints without its navigation and forms: the board and the team page.
    for url in (f"/board?week={DAY}", "/team", "/board/roster?week=" + DAY):
        lead.goto(url)
        assert visible_controls(lead) == [], url
        assert lead.locator("main h1").first.is_visible(), url
