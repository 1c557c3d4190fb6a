"""Addresses through every import the lead uses: the team file page, the JSON API and the spreadsheets,
against a real Nominatim-shaped HTTP server in a thread; without a geocoder each says what to do."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.spreadsheets.sheets import read_tables, write_csv
from actplanner.teams.service import export_team
from tests.geocoding.fake_geocoder import FakeGeocoder, UseGeocoder, fake_geocoder
from tests.support.web_factories import TEAM, World, db, form_token, sign_in, team_doc

ADDRESS = "2300 W Chicago Ave"
POINT = (41.8958, -87.6843)
NO_GEOCODER = (
    "no coordinates for &#34;2300 W Chicago Ave&#34;: give lat and lon, or have your IT person set "
    "ACTPLANNER_GEOCODER_URL to your agency&#39;s own Nominatim or Pelias (docs/operations.md)"
)


@pytest.fixture
def geocoder(use_geocoder: UseGeocoder) -> Iterator[FakeGeocoder]:
    with fake_geocoder({ADDRESS: POINT}) as server:
        use_geocoder(server.url)
        yield server


@pytest.fixture
def no_geocoder(use_geocoder: UseGeocoder) -> None:
    """No geocoder configured (``use_geocoder`` clears the settings)."""


def _team(app: FastAPI) -> dict[str, Any]:
    with db(app) as session:
        return export_team(session=session, team_id=TEAM)


def _file_with_address() -> bytes:
    doc = team_doc()
    doc["clients"][3]["home"] = {"label": ADDRESS}
    return json.dumps(doc).encode()


def _upload(client: TestClient, url: str, page: str, name: str, content: bytes) -> Any:
    token = form_token(client.get(page).text)
    return client.post(url, data={"csrf_token": token}, files={"file": (name, content, "application/json")})


def test_the_team_file_page_geocodes_an_address(
    app: FastAPI, client: TestClient, world: World, geocoder: FakeGeocoder
) -> None:
    sign_in(client, "lead")
    response = _upload(client, "/team/import", "/team", "team.json", _file_with_address())
    assert response.status_code == 200
    assert _team(app)["clients"][3]["home"] == {"lat": POINT[0], "lon": POINT[1], "label": ADDRESS}
    assert geocoder.asked == [ADDRESS]


def test_the_team_file_page_without_a_geocoder_says_what_to_do(
    app: FastAPI, client: TestClient, world: World, no_geocoder: None
) -> None:
    sign_in(client, "lead")
    before = _team(app)
    response = _upload(client, "/team/import", "/team", "team.json", _file_with_address())
    assert response.status_code == 422
    assert NO_GEOCODER in response.text
    assert _team(app) == before


def test_the_api_geocodes_an_address_and_refuses_one_it_cannot_place(
    app: FastAPI, client: TestClient, world: World, geocoder: FakeGeocoder
) -> None:
    headers = {"Authorization": f"Bearer {world.lead_token}"}
    response = client.post("/api/v1/teams", content=_file_with_address(), headers=headers)
    assert response.status_code == 200
    assert _team(app)["clients"][3]["home"]["lat"] == POINT[0]
    doc = team_doc()
    doc["clients"][4]["home"] = {"label": "99 Nowhere Lane"}
    response = client.post("/api/v1/teams", json=doc, headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        'clients[4].home: the geocoder found no place for "99 Nowhere Lane": check the address '
        "(street, city, ZIP code), or give lat and lon"
    ]


def _clients_csv(client: TestClient, address: str) -> bytes:
    """The team's clients sheet with client 4's latitude and longitude cleared and an address typed."""
    table = read_tables(client.get("/team/spreadsheets/clients.csv").content, "Clients")[0]
    cells = table.rows[3][1]
    cells[table.headers.index("Home latitude")] = ""
    cells[table.headers.index("Home longitude")] = ""
    cells[table.headers.index("Home address")] = address
    return write_csv(table.headers, [row for _, row in table.rows])


def test_a_spreadsheet_row_with_an_address_and_no_coordinates_is_geocoded(
    app: FastAPI, client: TestClient, world: World, geocoder: FakeGeocoder
) -> None:
    sign_in(client, "lead")
    content = _clients_csv(client, ADDRESS)
    response = _upload(client, "/team/spreadsheets/import", "/team/spreadsheets", "clients.csv", content)
    assert response.status_code == 200, response.text
    assert _team(app)["clients"][3]["home"] == {"lat": POINT[0], "lon": POINT[1], "label": ADDRESS}


def test_a_spreadsheet_row_without_a_geocoder_names_its_row(
    app: FastAPI, client: TestClient, world: World, no_geocoder: None
) -> None:
    sign_in(client, "lead")
    before = _team(app)
    content = _clients_csv(client, ADDRESS)
    response = _upload(client, "/team/spreadsheets/import", "/team/spreadsheets", "clients.csv", content)
    assert response.status_code == 422
    assert "Client 4 (row 5), Home address: " + NO_GEOCODER in response.text
    assert NO_GEOCODER in response.text
    assert _team(app) == before


def _client_fields(client: TestClient, address: str) -> dict[str, str]:
    page = client.get("/team/clients/c-001/edit").text
    return {
        "csrf_token": form_token(page),
        "code": "P9R",
        "home_lat": "",
        "home_lon": "",
        "home_label": address,
        "acuity": "stable",
        "primary": "s-tl1",
        "itt": "s-tl1, s-md1, s-rn1, s-sw1",
        "availability_mode": "any",
    }


def test_the_client_form_takes_an_address_alone_and_looks_it_up_once(
    app: FastAPI, client: TestClient, world: World, geocoder: FakeGeocoder
) -> None:
    sign_in(client, "lead")
    fields = _client_fields(client, ADDRESS)
    response = client.post("/team/clients/c-001", data=fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert _team(app)["clients"][0]["home"] == {"lat": POINT[0], "lon": POINT[1], "label": ADDRESS}
    assert geocoder.asked == [ADDRESS]


def test_the_client_form_without_a_geocoder_says_what_to_do_at_the_home(
    app: FastAPI, client: TestClient, world: World, no_geocoder: None
) -> None:
    sign_in(client, "lead")
    before = _team(app)
    response = client.post("/team/clients/c-001", data=_client_fields(client, ADDRESS))
    assert response.status_code == 422
    assert NO_GEOCODER in response.text
    assert f'value="{ADDRESS}"' in response.text
    assert _team(app) == before
    empty = client.post("/team/clients/c-001", data=_client_fields(client, ""))
    assert "a client needs a home: its address, or latitude and longitude" in empty.text
