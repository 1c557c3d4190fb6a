"""Plain words everywhere (issue 13, item 5), page by page: every page a lead or a staff member
reaches (the fit test's list) is read as a person reads it, and none shows a staff or client id
or an ISO date outside small print, code and form fields, where the machine's form is kept for the
IT person on purpose, and outside a block marked ``data-as-typed`` (the spreadsheet page's column
reference, whose examples are cells as a lead types them). The findings of all pages are
collected before the test fails."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import WAIT_MS, LiveServer
from tests.browser.test_browser_fit import lead_pages, sign_in, staff_pages, week_plans
from tests.browser.test_browser_plain_words import ISO_DATE, SKIP, id_pattern, team_ids, visible_words

#: A week no other browser test plans.
WEEK = date(2027, 11, 22)

#: Besides small print and form fields: code, and blocks that show cells as typed.
SKIP_ALSO = ", code, [data-as-typed]"


@pytest.fixture(scope="module")
def plans(live_server: LiveServer) -> dict[str, Any]:
    """The week published and, over it, a working draft: the pages have visits, rota and unmet."""
    return week_plans(live_server, WEEK)


def findings(page: Any, path: str, ids: re.Pattern[str]) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    text = visible_words(page.locator("body"), SKIP + SKIP_ALSO)
    found = [m for pattern in (ids, ISO_DATE) for m in pattern.finditer(text)]
    return [f"{path}: …{text[max(0, m.start() - 50) : m.end() + 30]}…" for m in found[:6]]


def test_no_page_shows_ids_or_iso_dates(
    browser: Browser, live_server: LiveServer, plans: dict[str, Any]
) -> None:
    shown = team_ids(live_server)
    ids = id_pattern(shown)
    found: list[str] = []
    for username, pages in (
        (live_server.lead, lead_pages(plans, WEEK)),
        (live_server.staff, staff_pages(plans, WEEK)),
    ):
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 768})
        context.set_default_timeout(WAIT_MS)
        try:
            page = context.new_page()
            sign_in(page, live_server, username)
            for path in pages:
                found += findings(page, path, ids)
        finally:
            context.close()
    assert not found, f"{len(found)} places show ids or ISO dates:\n" + "\n".join(found)
