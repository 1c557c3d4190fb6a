"""On call on my phone: a staff member makes their own link, and a phone with no login opens it."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import REPO, LiveServer
from tests.browser.test_browser_on_call import PHONE, publish_week

SCREENSHOT = REPO / "docs" / "screenshots" / "on_call_phone.png"
#: A week no other browser test plans (the live server is shared); the week after stays unpublished.
WEEK = date(2027, 9, 13)
#: Wednesday night of that week, team-local: "tonight" for the test.
TONIGHT = "2027-09-15T23:00"


def test_staff_member_saves_a_link_and_a_cold_phone_opens_tonights_answer_first(
    new_page: Callable[..., Any], sign_in: Callable[[Any, str], Any], live_server: LiveServer
) -> None:
    doc = publish_week(live_server, WEEK)
    primary = next(
        p for p in doc.on_call if p.role == "primary" and p.start <= TONIGHT < p.end
    )  # the plan's primary tonight
    page = sign_in(new_page(viewport=PHONE, is_mobile=True), live_server.staff)
    page.goto("/on-call")
    page.get_by_role("link", name=re.compile("On call on my phone")).click()
    page.get_by_role("button", name="Make my link").click()
    link = page.get_by_role("link", name="Open my on-call link")
    expect(link).to_be_visible()
    url = link.get_attribute("href")
    assert url and "/on-call/t/" in url
    expect(page.get_by_text("Add to Home Screen", exact=True)).to_be_visible()
    made_width = page.evaluate("document.documentElement.scrollWidth")
    assert made_width <= PHONE["width"], f"the page with the new link is {made_width}px wide"

    # A phone with no cookies, no login, no JavaScript: the saved link alone.
    phone = new_page(java_script_enabled=False, viewport=PHONE, is_mobile=True)
    assert phone.context.cookies() == []
    answer = phone.goto(f"{url}?at={TONIGHT}")
    assert answer is not None and answer.status == 200
    first = phone.locator("section.on-call-role").first
    expect(first).to_have_attribute("data-role", "primary")
    expect(first).to_have_attribute("data-staff", primary.staff)
    call = first.get_by_role("link").first
    expect(call).to_have_attribute("href", re.compile(r"^tel:"))
    box = call.bounding_box()
    assert box is not None and box["height"] >= 44 and box["y"] + box["height"] <= PHONE["height"]
    # Nothing above the answer: the unpublished week after is a line below it.
    expect(phone.locator(".gap-warning")).to_have_count(0)
    ahead = phone.locator("p.gap-ahead").first
    expect(ahead).to_contain_text("Ahead: no primary on call from Mon 20 Sep 08:30")
    ahead_box = ahead.bounding_box()
    assert ahead_box is not None and ahead_box["y"] > box["y"]
    # Made to be saved: its manifest and icon, and the steps to save it.
    manifest = phone.locator('link[rel="manifest"]').get_attribute("href")
    assert manifest == f"{url.removeprefix(live_server.url)}/manifest.webmanifest"
    assert phone.request.get(manifest).json()["start_url"] == url.removeprefix(live_server.url)
    assert phone.request.get("/favicon.ico").status == 200
    expect(phone.locator("details.home-screen")).to_contain_text("Add to Home Screen")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"
    phone.screenshot(path=str(SCREENSHOT), full_page=True)
