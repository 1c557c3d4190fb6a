"""My day on a phone (390×844): Done in one tap, Not done in two, with and without JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import REPO, LiveServer
from tests.browser.test_browser_on_call import PHONE, publish_week

SCREENSHOT = REPO / "docs" / "screenshots" / "my_day.png"
#: Weeks no other browser test plans: the live server and its database are shared by the whole run.
WEEK = date(2027, 4, 5)
SCRIPT_WEEK = date(2027, 4, 12)


def nurse_day(doc: Any) -> str:
    """The first date of the week with at least two visits of the nurse (s-rn1)."""
    dates = sorted({v.date for v in doc.visits if "s-rn1" in v.staff})
    return next(d for d in dates if sum(1 for v in doc.visits if "s-rn1" in v.staff and v.date == d) >= 2)


def record_two_visits(page: Any, day: str, *, reload: bool = True) -> None:
    if reload:
        page.goto(f"/my-day?day={day}")
    cards = page.locator("article.visit-card")
    first, second = cards.nth(0), cards.nth(1)
    done = first.get_by_role("button", name="Done")
    box = done.bounding_box()
    assert box is not None and box["height"] >= 40, "big enough to hit with a thumb"
    done.click()
    expect(page.locator("article.visit-card").nth(0)).to_have_class("visit-card recorded")
    second = page.locator("article.visit-card").nth(1)
    second.get_by_text("Not done").click()
    second.get_by_role("button", name="No show").click()
    expect(page.locator("article.visit-card").nth(1)).to_contain_text("No show")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "nothing runs off the side of the phone"


def test_a_nurse_records_their_day_on_a_phone_without_javascript(
    new_page: Callable[..., Any], sign_in: Callable[[Any, str], Any], live_server: LiveServer
) -> None:
    page = sign_in(new_page(java_script_enabled=False, viewport=PHONE, is_mobile=True), live_server.staff)
    record_two_visits(page, nurse_day(publish_week(live_server, WEEK)))
    page.screenshot(path=str(SCREENSHOT), full_page=True)


def test_with_javascript_each_form_swaps_its_card(
    new_page: Callable[..., Any], sign_in: Callable[[Any, str], Any], live_server: LiveServer
) -> None:
    page = sign_in(new_page(viewport=PHONE, is_mobile=True), live_server.staff)
    day = nurse_day(publish_week(live_server, SCRIPT_WEEK))
    page.goto(f"/my-day?day={day}")
    # A mark outside the cards: a whole-page swap (a boosted post) would take it away.
    page.evaluate("document.querySelector('h1').dataset.mark = 'kept'")
    record_two_visits(page, day, reload=False)
    assert page.evaluate("document.querySelector('h1').dataset.mark") == "kept"
