"""Spreadsheet uploads take what the JSON imports take: a staff and clients sheet or an EHR export
over the 1 MB body limit of other requests imports, as a team file or contact log does
(docs/decisions.md, "Limits on imported files"); past the file limit, a 413 says how much may be
sent and that nothing changed."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.spreadsheets.sheets import read_tables, write_csv
from actplanner.web.app import TEAM_FILE_PATHS
from actplanner.web.security import BODY_LIMIT
from tests.spreadsheets.test_spreadsheet_pages import EHR_MAPPING, _ehr, _stored, _team, _upload
from tests.support.web_factories import TEAM, WEEK, World, audit_events, sign_in

IMPORT = "/team/spreadsheets/import"
CONTACTS = "/team/spreadsheets/contacts"
TOO_LARGE = "The request is too large: at most 10 MB may be sent here. Nothing was read or changed."
TWO_MB = 2 * 1024 * 1024


def padded(content: bytes, columns: int, size: int) -> bytes:
    """``content`` with rows of blank cells after it (a spreadsheet's tail) to ``size`` bytes or more.

    Cells of spaces, not empty ones, so that the file passes ``size`` in fewer rows than the
    sheets' row limit: the reader strips them and drops the blank rows."""
    row = (",".join([" " * 10] * columns) + "\r\n").encode()
    return content + row * (max(0, size - len(content)) // len(row) + 1)


def test_a_two_megabyte_staff_and_clients_csv_imports(app: FastAPI, client: TestClient, world: World) -> None:
    """A clients sheet of 2 MB (a changed code, then a long blank tail) imports the change."""
    sign_in(client, "lead")
    table = read_tables(client.get("/team/spreadsheets/clients.csv").content, "Clients")[0]
    code = table.headers.index("Code")
    table.rows[0][1][code] = "CHANGED"
    content = padded(write_csv(table.headers, [cells for _, cells in table.rows]), len(table.headers), TWO_MB)
    assert len(content) >= TWO_MB > BODY_LIMIT
    response = _upload(client, IMPORT, "clients.csv", content)
    assert response.status_code == 200, response.text[:300]
    assert "Imported" in response.text
    assert _team(app)["clients"][0]["code"] == "CHANGED"
    assert audit_events(app)[-1] == (world.lead_id, "import", f"team:{TEAM}")


def test_a_two_megabyte_ehr_export_imports(app: FastAPI, client: TestClient, world: World) -> None:
    """An EHR export of 2 MB (two contacts, then a long blank tail) imports its contacts."""
    sign_in(client, "lead")
    day = WEEK.isoformat()
    rows = _ehr(
        ["c-001", day, "9:30 AM", "20", "s-rn1", "Completed", "Telephone", ""],
        ["c-002", day, "14:00", "", "s-rn1", "No show", "", ""],
    )
    content = padded(rows, 8, TWO_MB)
    assert len(content) >= TWO_MB > BODY_LIMIT
    response = _upload(client, CONTACTS, "ehr.csv", content, **EHR_MAPPING)
    assert response.status_code == 200, response.text[:300]
    assert "Imported 2 contacts" in response.text
    assert len(_stored(app)) == 2


def test_a_sheet_just_over_the_limit_is_a_413_saying_how_much_and_that_nothing_changed(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Just past each import's body limit (the file alone a byte over it): refused unread, nothing stored."""
    sign_in(client, "lead")
    before, events = _team(app), audit_events(app)
    for url, name, data in ((IMPORT, "clients.csv", {}), (CONTACTS, "ehr.csv", EHR_MAPPING)):
        # The file alone one byte past the path's limit: the body (file and form) is just over it.
        content = b" " * (TEAM_FILE_PATHS[url] + 1)
        response = _upload(client, url, name, content, **data)
        assert response.status_code == 413, url
        assert TOO_LARGE in response.text, url
    assert _team(app) == before
    assert _stored(app) == []
    assert audit_events(app) == events
