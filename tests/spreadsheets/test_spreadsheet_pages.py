"""The spreadsheet page: lead only, import all or nothing with errors by row and header, audited exports,
the contact log from an EHR export mapped by column, and the JSON imports' hint for a spreadsheet."""

from __future__ import annotations

import io
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from actplanner.contacts.service import list_contacts
from actplanner.spreadsheets.sheets import XLSX_TYPE, read_tables, write_csv, write_xlsx
from actplanner.teams.service import export_team
from tests.support.web_factories import TEAM, WEEK, World, audit_events, db, form_token, sign_in


def _team(app: FastAPI) -> dict[str, Any]:
    with db(app) as session:
        return export_team(session=session, team_id=TEAM)


def _upload(client: TestClient, url: str, name: str, content: bytes, **data: str) -> Any:
    token = form_token(client.get("/team/spreadsheets").text)
    kind = XLSX_TYPE if name.endswith(".xlsx") else "text/csv"
    return client.post(url, data={"csrf_token": token, **data}, files={"file": (name, content, kind)})


def test_the_page_is_for_the_lead_and_needs_a_login(client: TestClient, world: World) -> None:
    """Signed out: to the sign-in page; a staff login: 403, for the page, the exports and the imports."""
    assert client.get("/team/spreadsheets", follow_redirects=False).status_code == 303
    assert client.get("/team/spreadsheets/team.xlsx", follow_redirects=False).status_code == 303
    sign_in(client, "nurse")
    for url in ("/team/spreadsheets", "/team/spreadsheets/team.xlsx", "/team/spreadsheets/clients.csv"):
        assert client.get(url).status_code == 403
    assert client.get("/team/spreadsheets/template.xlsx").status_code == 403


def test_an_import_without_the_csrf_token_is_refused(client: TestClient, world: World) -> None:
    """The import form is checked like every other form: no token, no import."""
    sign_in(client, "lead")
    response = client.post("/team/spreadsheets/import", files={"file": ("s.csv", b"ID\n", "text/csv")})
    assert response.status_code == 403


def test_export_is_audited_and_imports_back_unchanged(app: FastAPI, client: TestClient, world: World) -> None:
    """The workbook download holds both sheets, leaves an export record, and imports back to the same team."""
    sign_in(client, "lead")
    before = _team(app)
    response = client.get("/team/spreadsheets/team.xlsx")
    assert response.status_code == 200
    assert response.headers["content-type"] == XLSX_TYPE
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["Staff", "Clients"]
    assert (world.lead_id, "export", f"team:{TEAM}") in audit_events(app)
    imported = _upload(client, "/team/spreadsheets/import", "team.xlsx", response.content)
    assert imported.status_code == 200
    assert "Imported staff and clients" in imported.text
    assert _team(app) == before
    assert audit_events(app)[-1] == (world.lead_id, "import", f"team:{TEAM}")


def test_a_bad_row_saves_nothing_and_names_row_and_header(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """One bad cell among good changes: nothing is saved, the page names the row and the column."""
    sign_in(client, "lead")
    before = _team(app)
    table = read_tables(client.get("/team/spreadsheets/clients.csv").content, "Clients")[0]
    visits = table.headers.index("Visits per week")
    code = table.headers.index("Code")
    table.rows[0][1][code] = "CHANGED"
    table.rows[2][1][visits] = "five"
    content = write_csv(table.headers, [cells for _, cells in table.rows])
    response = _upload(client, "/team/spreadsheets/import", "clients.csv", content)
    assert response.status_code == 422
    assert "Nothing was imported" in response.text
    assert "Client 3 (row 4), Visits per week: &#34;five&#34; is not a number" in response.text
    assert _team(app) == before
    table.rows[2][1][visits] = "8"
    content = write_csv(table.headers, [cells for _, cells in table.rows])
    response = _upload(client, "/team/spreadsheets/import", "clients.csv", content)
    assert response.status_code == 422
    assert "Client 3 (row 4), Visits per week: " in response.text
    assert "clients[2].visits_per_week" in response.text
    assert _team(app) == before


def test_templates_download_for_each_sheet(client: TestClient, world: World) -> None:
    """The template workbook and each sheet's CSV template carry the headers."""
    sign_in(client, "lead")
    book = load_workbook(io.BytesIO(client.get("/team/spreadsheets/template.xlsx").content))
    assert book.sheetnames == ["Staff", "Clients", "Read me"]
    staff = client.get("/team/spreadsheets/template/staff.csv")
    assert staff.status_code == 200 and staff.text.lstrip("\ufeff").startswith("ID,Name,Discipline,FTE")


def _ehr(*rows: list[str]) -> bytes:
    headers = ["Patient", "Visit date", "Time", "Duration", "Clinician", "Status", "Type", "Location"]
    return write_csv(headers, list(rows))


EHR_MAPPING = {
    "column_client": "Patient",
    "column_date": "Visit date",
    "column_start": "Time",
    "column_minutes": "Duration",
    "column_staff": "Clinician",
    "column_outcome": "Status",
    "column_mode": "Type",
    "column_place": "Location",
    "column_skills": "",
    "column_visit": "",
    "column_id": "",
}


def _stored(app: FastAPI) -> list[Any]:
    with db(app) as session:
        return list_contacts(session=session, team_id=TEAM, start=WEEK, end=WEEK)


def test_contact_log_from_an_ehr_export_mapped_by_column(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """An EHR's columns mapped in the form become contacts; importing it again replaces, not doubles."""
    sign_in(client, "lead")
    day = WEEK.isoformat()
    content = _ehr(
        ["c-001", day, "9:30 AM", "20", "s-rn1", "Completed", "Telephone", ""],
        ["c-002", f"{day} 14:00", f"{day} 14:00", "", "s-rn1", "No show", "", ""],
    )
    response = _upload(client, "/team/spreadsheets/contacts", "ehr.csv", content, **EHR_MAPPING)
    assert response.status_code == 200, response.text
    assert "Imported 2 contacts" in response.text
    stored = _stored(app)
    assert sorted((c.contact.client, c.contact.start, c.contact.outcome) for c in stored) == [
        ("c-001", "09:30", "done"),
        ("c-002", "14:00", "no_show"),
    ]
    assert audit_events(app)[-1][1:] == ("import", f"contacts:{TEAM}")
    again = _upload(client, "/team/spreadsheets/contacts", "ehr.csv", content, **EHR_MAPPING)
    assert again.status_code == 200
    assert len(_stored(app)) == 2


def test_a_bad_contact_row_saves_nothing(app: FastAPI, client: TestClient, world: World) -> None:
    """A bad row (and a rule of the log broken by another) imports nothing; each names row and header."""
    sign_in(client, "lead")
    day = WEEK.isoformat()
    content = _ehr(
        ["c-001", day, "09:00", "20", "s-rn1", "Completed", "Telephone", ""],
        ["c-001", day, "10:00", "twenty", "s-rn1", "Completed", "Telephone", ""],
        ["c-002", day, "11:00", "30", "s-rn1", "Completed", "", ""],
    )
    response = _upload(client, "/team/spreadsheets/contacts", "ehr.csv", content, **EHR_MAPPING)
    assert response.status_code == 422
    assert "Contact 2 (row 3), Duration: &#34;twenty&#34; is not a number" in response.text
    assert _stored(app) == []
    fixed = content.replace(b"twenty", b"20")
    response = _upload(client, "/team/spreadsheets/contacts", "ehr.csv", fixed, **EHR_MAPPING)
    assert response.status_code == 422
    assert "Contact 3 (row 4), Type: required when outcome is done" in response.text
    assert _stored(app) == []


def test_a_mapped_column_the_file_lacks_is_named(client: TestClient, world: World) -> None:
    """A mapping naming a header the export does not have says so, listing the file's headers."""
    sign_in(client, "lead")
    mapping = {**EHR_MAPPING, "column_client": "Client ID"}
    content = _ehr(["c-001", WEEK.isoformat(), "09:00", "20", "s-rn1", "Completed", "Telephone", ""])
    response = _upload(client, "/team/spreadsheets/contacts", "ehr.csv", content, **mapping)
    assert response.status_code == 422
    assert "Mapping, Client: the sheet has no column &#34;Client ID&#34;" in response.text


def test_the_forms_suggested_names_for_optional_fields_are_skipped_when_the_sheet_lacks_them(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """The form opens with each field's own name as its column. An export with no "Skills", "Visit"
    or "Contact ID" column imports with those left as suggested; a required field's missing
    column, and an optional one the lead named, are still errors."""
    sign_in(client, "lead")
    page = client.get("/team/spreadsheets").text
    for key, name in (("skills", "Skills"), ("visit", "Visit"), ("id", "Contact ID")):
        assert f'name="column_{key}" value="{name}"' in page
    suggested = {**EHR_MAPPING, "column_skills": "Skills", "column_visit": "Visit", "column_id": "Contact ID"}
    content = _ehr(["c-001", WEEK.isoformat(), "09:00", "20", "s-rn1", "Completed", "Telephone", ""])
    response = _upload(client, "/team/spreadsheets/contacts", "ehr.csv", content, **suggested)
    assert response.status_code == 200, response.text
    assert "Imported 1 contact" in response.text
    named = {**EHR_MAPPING, "column_skills": "Injections given"}
    response = _upload(client, "/team/spreadsheets/contacts", "ehr.csv", content, **named)
    assert response.status_code == 422
    assert "Mapping, Skills: the sheet has no column &#34;Injections given&#34;" in response.text
    required = {**EHR_MAPPING, "column_client": "Client"}
    response = _upload(client, "/team/spreadsheets/contacts", "ehr.csv", content, **required)
    assert response.status_code == 422
    assert "Mapping, Client: the sheet has no column &#34;Client&#34;" in response.text


def test_a_spreadsheet_on_the_json_imports_points_to_the_spreadsheet_import(
    client: TestClient, world: World
) -> None:
    """A CSV or an .xlsx sent as a team file or a contact log says to use Import from a spreadsheet."""
    sign_in(client, "lead")
    token = form_token(client.get("/team").text)
    book = client.get("/team/spreadsheets/template.xlsx").content
    for name, content in (("team.csv", b"ID,Name,Discipline\ns-1,A,nurse\n"), ("team.xlsx", book)):
        response = client.post("/team/import", data={"csrf_token": token}, files={"file": (name, content)})
        assert response.status_code == 422
        assert "this looks like a spreadsheet" in response.text
        assert "use Import from a spreadsheet" in response.text
        assert "invalid JSON" not in response.text
        response = client.post(
            "/contacts/import", data={"csrf_token": token}, files={"file": (name, content)}
        )
        # The contact log page shows import errors as sentences, so this one starts with a capital.
        assert response.status_code == 422 and "this looks like a spreadsheet" in response.text.lower()
        assert "invalid JSON" not in response.text


def test_contacts_from_an_excel_export(app: FastAPI, client: TestClient, world: World) -> None:
    """An .xlsx export (date and time as Excel cells) imports like a CSV."""
    from datetime import datetime

    sign_in(client, "lead")
    headers = ["Patient", "Visit date", "Time", "Duration", "Clinician", "Status", "Type", "Location"]
    when = datetime(WEEK.year, WEEK.month, WEEK.day, 11, 15)
    content = write_xlsx(
        [("Export", headers, [["c-001", when, when, 30, "s-rn1", "Attended", "In person", "Home"]])]
    )
    response = _upload(client, "/team/spreadsheets/contacts", "ehr.xlsx", content, **EHR_MAPPING)
    assert response.status_code == 200, response.text
    [stored] = _stored(app)
    assert (stored.contact.start, stored.contact.mode, stored.contact.place) == (
        "11:15",
        "face_to_face",
        "home",
    )


def test_a_workbook_error_points_at_its_cell(app: FastAPI, client: TestClient, world: World) -> None:
    """A bad cell of an .xlsx names the row and header, and the sheet's cell in small print."""
    sign_in(client, "lead")
    before = _team(app)
    book = load_workbook(io.BytesIO(client.get("/team/spreadsheets/team.xlsx").content))
    headers = [c.value for c in book["Staff"][1]]
    book["Staff"].cell(row=3, column=headers.index("FTE") + 1, value="full")
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, "/team/spreadsheets/import", "team.xlsx", out.getvalue())
    assert response.status_code == 422
    assert "Staff 2 (row 3), FTE: &#34;full&#34; is not a number" in response.text
    assert "<code>Staff!D3</code>" in response.text
    assert _team(app) == before


def test_the_api_says_a_csv_is_a_spreadsheet(client: TestClient, world: World) -> None:
    """The JSON API's team import answers a CSV body with the spreadsheet hint, not a JSON parse error."""
    response = client.post(
        "/api/v1/teams",
        content=b"ID,Name,Discipline,FTE\ns-1,A,nurse,1\n",
        headers={"Authorization": f"Bearer {world.lead_token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert "this looks like a spreadsheet" in response.json()["detail"][0]


def test_the_team_and_contact_log_pages_link_the_spreadsheet_page(client: TestClient, world: World) -> None:
    """Import from a spreadsheet is one click from the team page and from the contact log page."""
    sign_in(client, "lead")
    assert 'href="/team/spreadsheets"' in client.get("/team").text
    assert 'href="/team/spreadsheets#sheets-contacts"' in client.get("/contacts").text
    page = client.get("/team/spreadsheets")
    assert page.status_code == 200 and "Import from a spreadsheet" in page.text
