"""A home or start address changed on the team page's forms gets the new address's coordinates.

The forms post the stored latitude and longitude back with the address, so a new address
saved with them would keep the old point, and the nurse's maps link (which goes by the
coordinates) would lead to the old home. Here, against a Nominatim-shaped server in a thread:
a changed address with the old coordinates is looked up again (and My day links the new
place); with no geocoder it is refused in words at the address and nothing is saved;
coordinates typed with the new address are used as given; an unchanged address asks no one.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.domain.map_links import geo_uri
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.teams.service import import_team
from tests.domain.test_map_links import ANDROID
from tests.geocoding.fake_geocoder import FakeGeocoder, UseGeocoder, fake_geocoder
from tests.support.web_factories import TEAM, World, db, plan_doc, sign_in, team_doc
from tests.teams.test_part_b_forms import staff_form
from tests.teams.test_team_pages import HTMX, _export
from tests.teams.test_team_v2_pages import client_form

OLD = "1200 N Pulaski Rd"
NEW = "1640 N Damen Ave"
NEW_POINT = (41.9113, -87.6776)
TYPED = ("41.9200", "-87.6500")
NO_LOOKUP = (
    "The address changed: give its latitude and longitude too, or ask your IT person to set up "
    "address lookup (ACTPLANNER_GEOCODER_URL)"
)
START = {"lat": 41.8700, "lon": -87.6300, "label": "600 S Wabash Ave"}


@pytest.fixture
def geocoder(use_geocoder: UseGeocoder) -> Iterator[FakeGeocoder]:
    with fake_geocoder({NEW: NEW_POINT}) as server:
        use_geocoder(server.url)
        yield server


@pytest.fixture
def no_geocoder(use_geocoder: UseGeocoder) -> None:
    """No geocoder configured (``use_geocoder`` clears the settings)."""


@pytest.fixture
def week(app: FastAPI, world: World) -> dict[str, Any]:
    """The nurse's first visit's client lives at OLD, and s-rn1 starts from START; the week is
    published. Returns the visit and the client's id and home as stored."""
    doc = plan_doc()
    first = min((v for v in doc["visits"] if "s-rn1" in v["staff"]), key=lambda v: (v["date"], v["start"]))
    team = team_doc()
    client = next(c for c in team["clients"] if c["id"] == first["client"])
    client["home"]["label"] = OLD
    with db(app) as session:
        import_team(session=session, data=team)
        saved = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id)
        # Given after publishing: the plan's routes start at the office.
        next(s for s in team["staff"] if s["id"] == "s-rn1")["start"] = dict(START)
        import_team(session=session, data=team)
        session.commit()
    return {"visit": first, "id": client["id"], "home": dict(client["home"])}


def _home(app: FastAPI, client_id: str) -> dict[str, Any]:
    return next(c for c in _export(app)["clients"] if c["id"] == client_id)["home"]


def _start(app: FastAPI) -> Any:
    return next(s for s in _export(app)["staff"] if s["id"] == "s-rn1").get("start")


def _field_with(page: str, label: str) -> str:
    """The form field (its <label>) the page shows under ``label``."""
    match = re.search(rf'<label class="field[^"]*">{re.escape(label)}.*?</label>', page, re.S)
    assert match, f"no field {label!r}"
    return match.group(0)


# ---------------------------------------------------------------------------------------------
# A client's home


def test_a_new_address_with_the_old_coordinates_is_looked_up_and_my_day_links_it(
    app: FastAPI, client: TestClient, week: dict[str, Any], geocoder: FakeGeocoder
) -> None:
    sign_in(client, "lead")
    fields = client_form(client, week["id"])
    # What a lead's browser sends: the stored point, shown in the form, back with the new address.
    assert (fields["home_lat"], fields["home_lon"]) == (str(week["home"]["lat"]), str(week["home"]["lon"]))
    fields["home_label"] = NEW
    response = client.post(f"/team/clients/{week['id']}", data=fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert _home(app, week["id"]) == {"lat": NEW_POINT[0], "lon": NEW_POINT[1], "label": NEW}
    assert geocoder.asked == [NEW]
    # The nurse's maps link goes to the new home, not the old one.
    sign_in(client, "nurse")
    text = client.get(f"/my-day?day={week['visit']['date']}", headers={"User-Agent": ANDROID}).text
    assert f'href="{html.escape(geo_uri(NEW_POINT[0], NEW_POINT[1], NEW))}"' in text
    assert geo_uri(week["home"]["lat"], week["home"]["lon"], OLD) not in html.unescape(text)


def test_without_a_geocoder_a_new_address_with_the_old_coordinates_is_refused_at_the_address(
    app: FastAPI, client: TestClient, week: dict[str, Any], no_geocoder: None
) -> None:
    sign_in(client, "lead")
    before = _export(app)
    fields = client_form(client, week["id"])
    fields["home_label"] = NEW
    for headers in ({}, HTMX):
        response = client.post(f"/team/clients/{week['id']}", data=fields, headers=headers)
        assert response.status_code == 422
        address = _field_with(response.text, "Home address (PHI)")
        assert NO_LOOKUP in address
        assert f'value="{NEW}"' in address  # what was typed comes back
        assert NO_LOOKUP not in _field_with(response.text, "Home latitude (PHI)")
        assert _export(app) == before


def test_a_new_address_with_typed_coordinates_keeps_them_and_asks_no_geocoder(
    app: FastAPI, client: TestClient, week: dict[str, Any], geocoder: FakeGeocoder
) -> None:
    sign_in(client, "lead")
    fields = client_form(client, week["id"])
    fields.update(home_label=NEW, home_lat=TYPED[0], home_lon=TYPED[1])
    response = client.post(f"/team/clients/{week['id']}", data=fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert _home(app, week["id"]) == {"lat": float(TYPED[0]), "lon": float(TYPED[1]), "label": NEW}
    assert geocoder.asked == []


def test_an_unchanged_address_keeps_its_coordinates_and_asks_no_geocoder(
    app: FastAPI, client: TestClient, week: dict[str, Any], geocoder: FakeGeocoder
) -> None:
    sign_in(client, "lead")
    fields = client_form(client, week["id"])
    fields["code"] = "Z9Z"  # another field changed: the home is left alone
    assert client.post(f"/team/clients/{week['id']}", data=fields, follow_redirects=False).status_code == 303
    assert _home(app, week["id"]) == week["home"]
    # The same address with other capitals and spacing is the same place: its spelling is saved.
    fields = client_form(client, week["id"])
    fields["home_label"] = "  1200 n  PULASKI rd "
    assert client.post(f"/team/clients/{week['id']}", data=fields, follow_redirects=False).status_code == 303
    assert _home(app, week["id"]) == {**week["home"], "label": "1200 n  PULASKI rd"}
    assert geocoder.asked == []


def test_a_new_address_the_geocoder_cannot_place_is_refused_and_nothing_saved(
    app: FastAPI, client: TestClient, week: dict[str, Any], geocoder: FakeGeocoder
) -> None:
    sign_in(client, "lead")
    before = _export(app)
    fields = client_form(client, week["id"])
    fields["home_label"] = "1 Nowhere Lane"
    response = client.post(f"/team/clients/{week['id']}", data=fields)
    assert response.status_code == 422
    assert "the geocoder found no place for" in _field_with(response.text, "Home address (PHI)")
    assert geocoder.asked == ["1 Nowhere Lane"]
    assert _export(app) == before


def test_the_client_form_puts_the_address_before_its_coordinates_and_the_code_in_its_heading(
    client: TestClient, week: dict[str, Any]
) -> None:
    sign_in(client, "lead")
    page = client.get(f"/team/clients/{week['id']}/edit").text
    form = page.split(f'<tr id="clients-{week["id"]}" class="editing">')[1]
    assert form.index('name="home_label"') < form.index('name="home_lat"') < form.index('name="home_lon"')
    code = next(c["code"] for c in team_doc()["clients"] if c["id"] == week["id"])
    assert re.search(rf'-title">Client {re.escape(code)} <code>{re.escape(week["id"])}</code></h3>', form)


# ---------------------------------------------------------------------------------------------
# A staff member's start


def test_a_new_start_address_with_the_old_coordinates_is_looked_up(
    app: FastAPI, client: TestClient, week: dict[str, Any], geocoder: FakeGeocoder
) -> None:
    sign_in(client, "lead")
    fields = staff_form(client, "s-rn1")
    assert (fields["start_lat"], fields["start_lon"]) == (str(START["lat"]), str(START["lon"]))
    fields["start_label"] = NEW
    response = client.post("/team/staff/s-rn1", data=fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert _start(app) == {"lat": NEW_POINT[0], "lon": NEW_POINT[1], "label": NEW}
    assert geocoder.asked == [NEW]


def test_without_a_geocoder_a_new_start_address_with_the_old_coordinates_is_refused(
    app: FastAPI, client: TestClient, week: dict[str, Any], no_geocoder: None
) -> None:
    sign_in(client, "lead")
    before = _export(app)
    fields = staff_form(client, "s-rn1")
    fields["start_label"] = NEW
    response = client.post("/team/staff/s-rn1", data=fields, headers=HTMX)
    assert response.status_code == 422
    assert NO_LOOKUP in _field_with(response.text, "Start address")
    assert _export(app) == before


def test_a_start_with_typed_coordinates_or_unchanged_asks_no_geocoder(
    app: FastAPI, client: TestClient, week: dict[str, Any], geocoder: FakeGeocoder
) -> None:
    sign_in(client, "lead")
    fields = staff_form(client, "s-rn1")
    fields["fte"] = "0.8"
    assert client.post("/team/staff/s-rn1", data=fields, follow_redirects=False).status_code == 303
    assert next(s for s in _export(app)["staff"] if s["id"] == "s-rn1")["fte"] == 0.8
    assert _start(app) == START
    fields = staff_form(client, "s-rn1")
    fields.update(start_label=NEW, start_lat=TYPED[0], start_lon=TYPED[1])
    assert client.post("/team/staff/s-rn1", data=fields, follow_redirects=False).status_code == 303
    assert _start(app) == {"lat": float(TYPED[0]), "lon": float(TYPED[1]), "label": NEW}
    assert geocoder.asked == []
