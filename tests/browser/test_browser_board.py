"""The week board in a real browser: generate with live progress, stop, review, publish; and with JS off."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "board.png"
#: Weeks no other browser test plans: the live server is shared by the whole run.
WEEK = "2026-12-14"
NO_SCRIPT_WEEK = "2026-12-21"


def progress_value(page: Page) -> float:
    return float(page.locator("#progress progress").evaluate("bar => bar.value"))


def test_lead_generates_watches_progress_stops_and_publishes(
    lead_page: Page, live_server: Any, worker: Any
) -> None:
    """Generate shows a live progress bar; Stop keeps the best plan, whose grid is published as version 1."""
    page = lead_page
    page.goto(f"/board?week={WEEK}")
    expect(page.get_by_role("heading", name=re.compile("Week board"))).to_be_visible()
    page.get_by_label("Time limit (seconds)").fill("20")
    page.get_by_role("button", name="Generate").click()

    progress = page.locator("#progress")
    expect(progress).to_be_visible()
    expect(progress.locator("progress")).to_have_attribute("value", re.compile(r"^\d"))
    first = progress_value(page)
    page.wait_for_function(
        "before => (document.querySelector('#progress progress')?.value ?? 0) > before", arg=first
    )
    expect(progress.locator(".objective")).to_have_text(re.compile(r"^\d+$"))

    started = time.monotonic()
    other = page.request.get(f"/board?week={WEEK}")
    assert other.ok and time.monotonic() - started < 2, "the server answers while a solve runs"

    page.get_by_role("button", name="Stop and keep the best plan").click()
    expect(progress).to_contain_text("Stopped early", timeout=15_000)
    expect(progress.locator("progress")).to_have_count(0)
    page.get_by_role("link", name=re.compile(r"Show draft \d+")).click()

    grid = page.locator("table.board-grid")
    expect(grid).to_be_visible()
    expect(grid.locator("tbody tr")).to_have_count(6)
    assert (
        sum(int(n) for n in grid.locator("td.cell").evaluate_all("cs => cs.map(c => c.dataset.visits)")) > 0
    )
    expect(page.locator("#fidelity")).to_contain_text("Contacts per client this week")
    expect(page.locator("#unmet")).to_be_visible()

    page.get_by_role("button", name="Publish this plan").click()
    expect(page.get_by_role("heading", name=re.compile("Published version 1"))).to_be_visible()
    expect(page.locator(".versions")).to_contain_text("Version 1")
    expect(page.get_by_role("button", name="Publish this plan")).to_have_count(0)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert Path(SCREENSHOT).stat().st_size > 10_000


def test_generate_and_stop_work_without_javascript(
    new_page: Callable[..., Page], sign_in: Callable[[Page, str], Page], live_server: Any
) -> None:
    """With JavaScript off, Generate and Stop are plain forms and the progress has a Refresh link."""
    page = sign_in(new_page(java_script_enabled=False), live_server.lead)
    page.goto(f"/board?week={NO_SCRIPT_WEEK}")
    page.get_by_label("Time limit (seconds)").fill("0")
    page.get_by_label("Time limit (seconds)").evaluate("input => input.form.noValidate = true")
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("#time-limit-error")).to_contain_text("from 1 to 21600")
    expect(page.locator("#progress")).to_have_count(0)

    page.get_by_label("Time limit (seconds)").fill("5")
    page.get_by_role("button", name="Generate").click()
    expect(page.locator("#progress")).to_contain_text("Waiting for a worker")
    page.get_by_role("link", name="Refresh").click()
    expect(page.locator("#progress")).to_contain_text("Waiting for a worker")
    page.get_by_role("button", name="Stop and keep the best plan").click()
    expect(page.locator("#progress")).to_contain_text("Stopped early")
    assert page.url.endswith(f"/board?week={NO_SCRIPT_WEEK}")
