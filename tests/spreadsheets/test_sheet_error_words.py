"""A spreadsheet import error says the team's own lists in words ("the team's acuity levels are high,
moderate, stable"), not a JSON path, on the page and from ``read_team``."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from actplanner.spreadsheets.sheets import read_tables, write_csv
from actplanner.spreadsheets.team_sheets import read_team
from tests.spreadsheets.test_spreadsheet_pages import _upload
from tests.spreadsheets.test_team_sheets import _csv, _fixture
from tests.support.web_factories import World, sign_in

LEVELS = "(the team's acuity levels are high, moderate, stable)"


def test_an_unknown_acuity_names_the_teams_levels_in_words() -> None:
    doc = _fixture("small")

    def extreme(headers: list[str], rows: list[list[Any]]) -> None:
        rows[2][headers.index("Acuity")] = "extreme"

    _, errors, _ = read_team(read_tables(_csv(doc, "Clients", extreme), "Clients"), doc)
    assert [e.text for e in errors] == [f'Client 3 (row 4), Acuity: unknown acuity "extreme" {LEVELS}']
    assert errors[0].where == "clients[2].acuity"


def test_the_import_page_says_the_levels_in_words(client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    table = read_tables(client.get("/team/spreadsheets/clients.csv").content, "Clients")[0]
    table.rows[2][1][table.headers.index("Acuity")] = "extreme"
    content = write_csv(table.headers, [cells for _, cells in table.rows])
    response = _upload(client, "/team/spreadsheets/import", "clients.csv", content)
    assert response.status_code == 422
    assert "unknown acuity &#34;extreme&#34; (the team&#39;s acuity levels are high, moderate, stable)" in (
        response.text
    )
    assert "policy.acuity has" not in response.text
