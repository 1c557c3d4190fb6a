"""The audit trail fits a phone (issue 13, item 10): at 390 × 844 each event is a block of
labelled lines (When, Who, What, Record, Detail) inside the window, long file names wrapping, and
neither the page nor the table's box scrolls sideways, which would hide the Detail column until
swiped; at 1366 × 768 it is still a table with its header row. On both, the browser still reads
it to a screen reader as a table.

The lead's sign-in gives the trail its events; one more, a backup under a long file name of no
spaces, is recorded here for the team (as the backup command records one) and deleted again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete

from actplanner.audit.service import audit
from actplanner.db import AuditEvent
from tests.browser.conftest import LiveServer

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 768}
#: A backup file's name with nowhere to break a line (no spaces, no hyphens): wider than a phone
#: unless it wraps anywhere.
LONG_FILE = "actplanner_west_town_small_nightly_backup_20271108T235959Z_before_restore_check.sqlite3"
COLUMNS = ["When", "Who", "What", "Record", "Detail"]


def ax_role(page: Page, selector: str) -> str:
    """The role Chromium's accessibility tree gives the first element ``selector`` matches: what a
    screen reader is told, which a CSS display change can alter (Playwright's roles read the tags)."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, f"nothing matches {selector}"
        tree = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})
        return str(tree["nodes"][0]["role"]["value"])
    finally:
        cdp.detach()


def label_of(cell: Any) -> str:
    """What the stylesheet writes before a cell (``none`` when nothing)."""
    return str(cell.evaluate("td => getComputedStyle(td, '::before').content"))


@pytest.fixture(scope="module")
def long_record(live_server: LiveServer) -> Iterator[int]:
    """A backup event of the team under ``LONG_FILE``; deleted again afterwards."""
    with live_server.session() as session:
        event = audit(
            session=session,
            user_id=None,
            action="backup",
            target=f"file:/var/backups/actplanner/{LONG_FILE}",
            detail={"database": "sqlite", "bytes": 1_048_576, "teams": [live_server.team_id]},
            team_id=live_server.team_id,
        )
        session.commit()
        event_id = event.id
    try:
        yield event_id
    finally:
        with live_server.session() as session:
            session.execute(delete(AuditEvent).where(AuditEvent.id == event_id))
            session.commit()


def open_audit(
    new_page: Callable[..., Page],
    sign_in: Callable[[Page, str], Page],
    live: LiveServer,
    size: dict[str, int],
) -> Page:
    page = sign_in(new_page(viewport=size), live.lead)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit", exact=True).click()
    expect(page.locator("#audit-rows tr").first).to_be_visible()
    return page


def test_on_a_phone_each_event_is_a_block_of_labelled_lines_inside_the_window(
    new_page: Callable[..., Page],
    sign_in: Callable[[Page, str], Page],
    live_server: LiveServer,
    long_record: int,
) -> None:
    page = open_audit(new_page, sign_in, live_server, PHONE)
    width = page.evaluate("document.documentElement.clientWidth")
    assert width == PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    wrap = page.locator("main .table-wrap")
    assert wrap.evaluate("box => box.scrollWidth <= box.clientWidth"), "the audit table scrolls sideways"
    # The header row is out of sight (each line names its column instead), not out of the table.
    header = page.locator("main table thead").bounding_box()
    assert header is not None and header["width"] <= 1 and header["height"] <= 1

    rows = page.locator("#audit-rows tr")
    signed_in = rows.filter(has_text="Signed in")
    assert signed_in.count() > 0, "the lead's sign-ins are not on the trail"
    for row in rows.all():
        for cell in row.locator("td").all():
            if not cell.inner_text().strip():
                continue  # an event with no detail: its empty cell is not shown
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (
                f"an audit cell runs off a {width} px window: {box} {cell.inner_text()[:80]!r}"
            )

    # A sign-in: its cells one under the other, each led by its column's name.
    cells = signed_in.first.locator("td").all()
    assert len(cells) == len(COLUMNS)
    above = None
    for column, cell in zip(COLUMNS, cells, strict=True):
        if not cell.inner_text().strip():
            continue
        assert label_of(cell) == f'"{column}: "'
        box = cell.bounding_box()
        assert box is not None
        if above is not None:
            assert box["y"] >= above["y"] + above["height"] - 1, f"{column} is not under the line above it"
        above = box

    # The long file name wraps inside the window rather than widening the Record line.
    backup = rows.filter(has_text=LONG_FILE)
    expect(backup).to_have_count(1)
    record = backup.locator("td").nth(COLUMNS.index("Record"))
    box = record.bounding_box()
    assert box is not None and box["x"] + box["width"] <= width
    assert record.evaluate("td => td.scrollWidth <= td.clientWidth"), "the file name runs out of its line"

    # Still a table to a screen reader.
    assert ax_role(page, "main table") == "table"
    assert ax_role(page, "main table thead th") == "columnheader"
    assert ax_role(page, "#audit-rows td") == "cell"


def test_on_a_laptop_the_trail_is_a_table_with_its_header_row(
    new_page: Callable[..., Page],
    sign_in: Callable[[Page, str], Page],
    live_server: LiveServer,
    long_record: int,
) -> None:
    page = open_audit(new_page, sign_in, live_server, DESKTOP)
    table = page.locator("main table")
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    for column in COLUMNS:
        expect(page.get_by_role("columnheader", name=column, exact=True)).to_be_visible()
    header = page.locator("main table thead tr").bounding_box()
    assert header is not None and header["width"] > DESKTOP["width"] / 2
    # A sign-in's cells side by side on one line, under their headers, with no label of their own.
    cells = page.locator("#audit-rows tr").filter(has_text="Signed in").first.locator("td").all()
    boxes = [cell.bounding_box() for cell in cells]
    assert all(box is not None for box in boxes)
    assert len({round(box["y"]) for box in boxes if box}) == 1, "a sign-in's cells are not on one line"
    lefts = [box["x"] for box in boxes if box]
    assert lefts == sorted(lefts) and len(set(lefts)) == len(COLUMNS)
    assert all(label_of(cell) == "none" for cell in cells)
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    # The long file name wraps in its column rather than push Detail out of the table's box.
    wrap = page.locator("main .table-wrap")
    assert wrap.evaluate("box => box.scrollWidth <= box.clientWidth"), "the audit table scrolls sideways"
    detail = page.get_by_role("columnheader", name="Detail", exact=True).bounding_box()
    assert detail is not None and detail["x"] + detail["width"] <= DESKTOP["width"]
    assert ax_role(page, "#audit-rows td") == "cell"
