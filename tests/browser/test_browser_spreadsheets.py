"""Spreadsheets in and out in a browser (issue 13, item 1): what a team lead does on /team/spreadsheets.

From the team page by its link: the templates download with their header rows; the team exports as
.xlsx, a bad cell uploaded back names its row, column and what was expected and changes nothing,
the fixed cell imports and the team page shows it; a clients CSV works the same way; an EHR export
with its own column names imports contacts once its columns are mapped; a CSV sent to the team
file (JSON) import points to the spreadsheet import. At 1366×768 with JavaScript on, and the main
path (export, bad upload, fixed upload) at 390×844 with JavaScript off.

The live server is shared by the whole run: each test that imports puts the team back as it found
it, and the contacts go on dates of a week no other browser test uses, deleted afterwards.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from playwright.sync_api import Page, expect
from sqlalchemy import delete

from actplanner.contacts.service import list_contacts
from actplanner.db import Contact
from actplanner.teams.service import export_team, import_team
from tests.browser.conftest import REPO, STAFF_ID, LiveServer

SCREENSHOT = REPO / "docs" / "screenshots" / "spreadsheets.png"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
#: Clients whose visits per week the tests change (and put back): one for the workbook, one for the CSV.
XLSX_CLIENT = "c-020"
CSV_CLIENT = "c-019"
#: A Monday no other browser test plans or records contacts in.
CONTACT_WEEK = date(2028, 1, 10)

STAFF_HEADERS = ["ID", "Name", "Discipline", "FTE", "Phone", "Languages", "Skills"]
CLIENT_HEADERS = ["ID", "Code", "Name", "Home latitude", "Home longitude", "Home address", "Acuity"]


def _team(live_server: LiveServer) -> dict[str, Any]:
    with live_server.session() as session:
        doc = export_team(session=session, team_id=live_server.team_id)
        session.commit()
    return doc


@pytest.fixture
def team_kept(live_server: LiveServer) -> Iterator[dict[str, Any]]:
    """The shared team as the test found it (yielded); imported back afterwards if the test changed it."""
    before = _team(live_server)
    try:
        yield before
    finally:
        if _team(live_server) != before:
            with live_server.session() as session:
                import_team(session=session, data=before)
                session.commit()


@pytest.fixture
def desktop_lead(
    new_page: Callable[..., Any], sign_in: Callable[[Any, str], Any], live_server: LiveServer
) -> Page:
    """The lead, signed in on a 1366×768 screen with JavaScript on."""
    return sign_in(new_page(viewport=DESKTOP), live_server.lead)


def _to_spreadsheets(page: Page) -> None:
    """The lead's way to the page: the team page's link, not a typed address."""
    page.goto("/team")
    page.locator("#import").get_by_role("link", name="Import from a spreadsheet").click()
    expect(page).to_have_url(re.compile(r"/team/spreadsheets$"))
    expect(page.get_by_role("heading", name="Import from a spreadsheet")).to_be_visible()


def _download(page: Page, line: str, link: str, folder: Path) -> Path:
    """Click ``link`` on the export section's line starting ``line``; the file it downloads."""
    item = page.locator("#sheets-export li").filter(has_text=line)
    with page.expect_download() as info:
        item.get_by_role("link", name=link, exact=True).click()
    download = info.value
    assert download.failure() is None, download.failure()
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def _upload(page: Page, path: Path, holds: str | None = None) -> None:
    """Send ``path`` through the import form (``holds``: what the CSV holds, as the select says)."""
    form = page.locator("#sheets-import form")
    form.get_by_label("Spreadsheet").set_input_files(path)
    if holds is not None:
        form.get_by_label("A CSV holds").select_option(holds)
    form.get_by_role("button", name="Import", exact=True).click()


def _visits(doc: dict[str, Any], client_id: str) -> int:
    """The client's visits per week: their own, else their acuity level's."""
    client = next(c for c in doc["clients"] if c["id"] == client_id)
    return client.get("visits_per_week") or doc["policy"]["acuity"][client["acuity"]]["visits_per_week"]


def _client_row(sheet: Worksheet, client_id: str) -> tuple[int, int]:
    """The sheet row of the client, and which client of the sheet (1-based) it is."""
    ids = [row[0].value for row in sheet.iter_rows(min_row=2)]
    return ids.index(client_id) + 2, ids.index(client_id) + 1


def _visits_on_team_page(page: Page, client_id: str) -> str:
    """What the team page's client table says in Visits a week for the client (the 4th column)."""
    page.get_by_role("link", name="team page").first.click()
    expect(page).to_have_url(re.compile(r"/team(\?|$)"))
    return page.locator(f"#clients-{client_id} td").nth(3).inner_text().strip()


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert width <= 0, f"the page is {width}px wider than the screen"


def test_templates_download_with_their_header_rows(desktop_lead: Page, tmp_path: Path) -> None:
    page = desktop_lead
    _to_spreadsheets(page)
    book = load_workbook(
        _download(page, "Empty templates", "workbook (.xlsx, with a read-me sheet)", tmp_path)
    )
    assert book.sheetnames == ["Staff", "Clients", "Read me"]
    staff = [c.value for c in book["Staff"][1]]
    clients = [c.value for c in book["Clients"][1]]
    assert staff[: len(STAFF_HEADERS)] == STAFF_HEADERS
    assert clients[: len(CLIENT_HEADERS)] == CLIENT_HEADERS
    for header in ("Shifts", "On-call roles", "Leave"):
        assert header in staff
    for header in ("Visits per week", "Visit minutes", "Availability", "Primary", "ITT", "Requirements"):
        assert header in clients
    assert book["Staff"].max_row == 1 and book["Clients"].max_row == 1  # headers only
    # The read-me sheet says what every column of both sheets holds.
    described = {(r[0], r[1]) for r in book["Read me"].iter_rows(min_row=2, values_only=True)}
    assert described == {("Staff", h) for h in staff} | {("Clients", h) for h in clients}
    for link, headers in (("staff.csv", staff), ("clients.csv", clients)):
        text = _download(page, "Empty templates", link, tmp_path).read_text(encoding="utf-8-sig")
        assert list(csv.reader(io.StringIO(text))) == [headers]


@pytest.mark.parametrize(
    ("viewport", "javascript"), [(DESKTOP, True), (PHONE, False)], ids=["1366x768-js", "390x844-no-js"]
)
def test_a_bad_cell_in_the_workbook_changes_nothing_and_the_fixed_one_imports(
    new_page: Callable[..., Any],
    sign_in: Callable[[Any, str], Any],
    live_server: LiveServer,
    team_kept: dict[str, Any],
    tmp_path: Path,
    viewport: dict[str, int],
    javascript: bool,
) -> None:
    page = sign_in(new_page(viewport=viewport, java_script_enabled=javascript), live_server.lead)
    _to_spreadsheets(page)
    exported = _download(page, "Staff and clients", "Staff and clients (.xlsx)", tmp_path)
    book = load_workbook(exported)
    sheet = book["Clients"]
    headers = [c.value for c in sheet[1]]
    row, nth = _client_row(sheet, XLSX_CLIENT)
    cell = sheet.cell(row=row, column=headers.index("Visits per week") + 1)
    old = cell.value
    cell.value = "five"
    bad = tmp_path / "team-five.xlsx"
    book.save(bad)

    _upload(page, bad)
    errors = page.locator("#sheets-errors")
    expect(errors).to_contain_text("Nothing was imported")
    expect(errors).to_contain_text(f'Client {nth} (row {row}), Visits per week: "five" is not a number')
    expect(errors.locator("code")).to_have_text(f"Clients!{cell.coordinate}")
    expect(page.locator("#sheets-imported")).to_have_count(0)
    if javascript:
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)
    else:
        _no_sideways_scroll(page)
    assert _team(live_server) == team_kept
    shown_before = _visits_on_team_page(page, XLSX_CLIENT)

    # The fixed cell: a number the client did not have before.
    visits = _visits(team_kept, XLSX_CLIENT)
    new = visits % 7 + 1
    assert old in (None, visits) and shown_before.startswith(str(visits))
    cell.value = new
    fixed = tmp_path / "team-fixed.xlsx"
    book.save(fixed)
    _to_spreadsheets(page)
    _upload(page, fixed)
    expect(page.locator("#sheets-imported")).to_contain_text(
        f"Imported staff and clients: the team now has {len(team_kept['staff'])} staff "
        f"and {len(team_kept['clients'])} clients"
    )
    expect(page.locator("#sheets-errors")).to_have_count(0)
    after = _team(live_server)
    assert [c.get("visits_per_week") for c in after["clients"] if c["id"] == XLSX_CLIENT] == [new]
    assert {**after, "clients": []} == {**team_kept, "clients": []}
    others = [c for c in after["clients"] if c["id"] != XLSX_CLIENT]
    assert others == [c for c in team_kept["clients"] if c["id"] != XLSX_CLIENT]
    assert _visits_on_team_page(page, XLSX_CLIENT) == str(new)


def test_a_clients_csv_imports_the_same_way(
    desktop_lead: Page, live_server: LiveServer, team_kept: dict[str, Any], tmp_path: Path
) -> None:
    page = desktop_lead
    _to_spreadsheets(page)
    text = _download(page, "Staff and clients", "clients.csv", tmp_path).read_text(encoding="utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    headers, rows = table[0], table[1:]
    assert [r[0] for r in rows] == [c["id"] for c in team_kept["clients"]]
    nth = [r[0] for r in rows].index(CSV_CLIENT) + 1
    column = headers.index("Visits per week")

    def saved(value: str, name: str) -> Path:
        rows[nth - 1][column] = value
        out = io.StringIO(newline="")
        csv.writer(out, lineterminator="\r\n").writerows([headers, *rows])
        path = tmp_path / name
        path.write_text(out.getvalue(), encoding="utf-8")
        return path

    _upload(page, saved("five", "clients-five.csv"), holds="clients")
    errors = page.locator("#sheets-errors")
    expect(errors).to_contain_text(f'Client {nth} (row {nth + 1}), Visits per week: "five" is not a number')
    assert _team(live_server) == team_kept

    new = _visits(team_kept, CSV_CLIENT) % 7 + 1
    _to_spreadsheets(page)
    _upload(page, saved(str(new), "clients-fixed.csv"))  # told by its columns: a clients sheet
    expect(page.locator("#sheets-imported")).to_contain_text(
        f"Imported clients: the team now has {len(team_kept['staff'])} staff"
    )
    after = _team(live_server)
    assert [c.get("visits_per_week") for c in after["clients"] if c["id"] == CSV_CLIENT] == [new]
    assert after["staff"] == team_kept["staff"]
    assert _visits_on_team_page(page, CSV_CLIENT) == str(new)


@pytest.fixture
def contact_week(live_server: LiveServer) -> Iterator[date]:
    """A week without contacts; any the test imports into it are deleted afterwards."""
    end = CONTACT_WEEK + timedelta(days=6)

    def clear() -> None:
        with live_server.session() as session:
            session.execute(
                delete(Contact).where(
                    Contact.team_id == live_server.team_id, Contact.date.between(CONTACT_WEEK, end)
                )
            )
            session.commit()

    clear()
    try:
        yield CONTACT_WEEK
    finally:
        clear()


def test_contacts_from_an_ehr_export_mapped_by_column(
    desktop_lead: Page, live_server: LiveServer, team_kept: dict[str, Any], contact_week: date, tmp_path: Path
) -> None:
    page = desktop_lead
    client, other = team_kept["clients"][0], team_kept["clients"][1]
    nurse = next(s for s in team_kept["staff"] if s["id"] == STAFF_ID)
    tuesday = contact_week + timedelta(days=1)
    # An EHR's own headers and words: clients by code, the clinician by name, times with AM/PM.
    headers = ["Patient ID", "Appt Date", "Appt Time", "Length (min)", "Provider", "Visit Status"]
    headers += ["Contact Type", "Setting"]
    day = tuesday.isoformat()
    export = tmp_path / "ehr-export.csv"
    with export.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(headers)
        writer.writerow(
            [client["code"], day, "9:30 AM", "40", nurse["name"], "Completed", "In person", "Home"]
        )
        writer.writerow([other["code"], day, "2:15 PM", "", nurse["name"], "No show", "", ""])
    fidelity = (
        f"/fidelity?from={contact_week.isoformat()}&to={(contact_week + timedelta(days=6)).isoformat()}"
    )
    page.goto(fidelity)
    expect(page.locator("#figures-title")).to_contain_text("0 contacts recorded")

    page.goto("/contacts")
    page.get_by_role("link", name="Import from a spreadsheet").click()
    mapping = {
        "Client (required)": "Patient ID",
        "Date (required)": "Appt Date",
        "Start (required)": "Appt Time",
        "Minutes (required)": "Length (min)",
        "Staff (required)": "Provider",
        "Outcome (required)": "Visit Status",
        "Mode": "Contact Type",
        "Place": "",  # left out at first: a face-to-face contact needs one
        "Skills": "",
        "Visit": "",
        "Contact ID": "",
    }

    def send(mapped: dict[str, str]) -> None:
        form = page.locator("#sheets-contacts form")
        form.get_by_label("EHR export (.xlsx or CSV)").set_input_files(export)
        for label, header in mapped.items():
            form.get_by_label(label, exact=True).fill(header)
        form.get_by_role("button", name="Import contacts").click()

    send(mapping)
    errors = page.locator("#contact-errors")
    expect(errors).to_contain_text("Nothing was imported")
    expect(errors).to_contain_text("Contact 1 (row 2), Place: required when mode is face to face")
    with live_server.session() as session:
        assert list_contacts(session=session, team_id=live_server.team_id, start=tuesday, end=tuesday) == []
    # The mapping stays filled in; the lead adds the one column missing.
    form = page.locator("#sheets-contacts form")
    expect(form.get_by_label("Client (required)", exact=True)).to_have_value("Patient ID")
    send({"Place": "Setting"})
    expect(page.locator("#contacts-imported")).to_have_text("Imported 2 contacts.")
    expect(page.locator("#contact-errors")).to_have_count(0)

    with live_server.session() as session:
        stored = list_contacts(session=session, team_id=live_server.team_id, start=tuesday, end=tuesday)
    found = [(c.contact.client, c.contact.start, c.contact.minutes, c.contact.outcome) for c in stored]
    assert sorted(found) == sorted(
        [(client["id"], "09:30", 40, "done"), (other["id"], "14:15", 0, "no_show")]
    )
    by_client = {c.contact.client: c.contact for c in stored}
    assert (by_client[client["id"]].mode, by_client[client["id"]].place) == ("face_to_face", "home")
    assert {tuple(c.contact.staff) for c in stored} == {(nurse["id"],)}
    page.goto(fidelity)
    expect(page.locator("#figures-title")).to_contain_text("2 contacts recorded")


def test_a_csv_on_the_team_file_import_points_to_the_spreadsheet_import(
    desktop_lead: Page, live_server: LiveServer, team_kept: dict[str, Any], tmp_path: Path
) -> None:
    page = desktop_lead
    _to_spreadsheets(page)
    clients = _download(page, "Staff and clients", "clients.csv", tmp_path)
    page.get_by_role("link", name="team page").first.click()
    section = page.locator("#import")
    section.get_by_label("Import a team file").set_input_files(clients)
    section.get_by_role("button", name="Import", exact=True).click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("nothing was changed")
    expect(errors).to_contain_text("this looks like a spreadsheet (CSV or Excel), not a JSON file")
    expect(errors).to_contain_text("use Import from a spreadsheet")
    expect(errors).not_to_contain_text("invalid JSON")
    expect(errors).not_to_contain_text("line 1")
    assert _team(live_server) == team_kept
    # The import it points to is one click away on the page that says so.
    page.locator("#import").get_by_role("link", name="Import from a spreadsheet").click()
    expect(page).to_have_url(re.compile(r"/team/spreadsheets$"))
