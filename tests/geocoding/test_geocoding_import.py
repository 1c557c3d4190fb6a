"""Addresses, not coordinates: a place given as an address only gets its coordinates from the
agency's own geocoder (Nominatim or Pelias, here a real HTTP server in a thread) before the
team file is checked; without one, or when it cannot place the address, the import is refused
naming the field and saying what to do, and nothing is saved."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from sqlalchemy.orm import Session

from actplanner.domain.formats import FormatError
from actplanner.geocoding.geocoders import GeocoderProblem, configured_geocoder
from actplanner.settings import Settings
from actplanner.teams.service import export_team, import_team
from tests.geocoding.fake_geocoder import UseGeocoder, fake_geocoder
from tests.support.db_factories import team_doc

ADDRESS = "2300 W Chicago Ave"
POINT = (41.8958123, -87.6843456)
FAR = "2300 W Chicago Ave, Detroit"
PLACES = {ADDRESS: POINT, "1300 W Lake St": (41.8855, -87.6603), FAR: (42.3601, -83.0995)}


def _with_home(address: str, index: int = 3) -> dict[str, Any]:
    doc = team_doc("small")
    doc["clients"][index]["home"] = {"label": address}
    return doc


def _refused(session: Session, doc: dict[str, Any]) -> list[str]:
    before = export_team(session=session, team_id=doc["team"]["id"]) if _has_team(session, doc) else None
    with pytest.raises(FormatError) as err:
        import_team(session=session, data=doc)
    after = export_team(session=session, team_id=doc["team"]["id"]) if _has_team(session, doc) else None
    assert after == before
    return err.value.messages


def _has_team(session: Session, doc: dict[str, Any]) -> bool:
    from actplanner.db import Team

    return session.get(Team, doc["team"]["id"]) is not None


@pytest.mark.parametrize("kind", ["nominatim", "pelias"])
def test_a_home_given_as_an_address_gets_the_geocoders_coordinates(
    session: Session, use_geocoder: UseGeocoder, kind: str
) -> None:
    """Nominatim's and Pelias's answers both fill in lat and lon; the address stays the label."""
    with fake_geocoder(PLACES) as geocoder:
        use_geocoder(geocoder.url, kind)
        import_team(session=session, data=_with_home(ADDRESS))
    home = export_team(session=session, team_id="west-town-small")["clients"][3]["home"]
    assert home == {"lat": round(POINT[0], 6), "lon": round(POINT[1], 6), "label": ADDRESS}
    assert geocoder.asked == [ADDRESS]
    assert geocoder.paths == ["/search" if kind == "nominatim" else "/v1/search"]


def test_a_staff_start_and_the_office_are_geocoded_too(session: Session, use_geocoder: UseGeocoder) -> None:
    """Any place of the file may be an address only; the URL may be given with the search path."""
    doc = team_doc("small")
    doc["team"]["office"] = {"label": "1300 W Lake St"}
    doc["staff"][0]["start"] = {"label": ADDRESS}
    with fake_geocoder(PLACES) as geocoder:
        use_geocoder(geocoder.url + "/v1/search/", "pelias")
        import_team(session=session, data=doc)
    exported = export_team(session=session, team_id="west-town-small")
    assert exported["team"]["office"] == {"lat": 41.8855, "lon": -87.6603, "label": "1300 W Lake St"}
    assert exported["staff"][0]["start"]["lat"] == round(POINT[0], 6)
    assert geocoder.paths == ["/v1/search", "/v1/search"]


def test_without_a_geocoder_an_address_alone_is_an_error_saying_what_to_do(
    session: Session, use_geocoder: UseGeocoder
) -> None:
    """No geocoder is configured by default (addresses are PHI): the message names the field and the fix."""
    assert configured_geocoder() is None
    assert _refused(session, _with_home("2300 W Chicago Ave")) == [
        'clients[3].home: no coordinates for "2300 W Chicago Ave": give lat and lon, or have your IT '
        "person set ACTPLANNER_GEOCODER_URL to your agency's own Nominatim or Pelias (docs/operations.md)"
    ]


def test_coordinates_in_the_file_are_kept_and_no_geocoder_is_asked(
    session: Session, use_geocoder: UseGeocoder
) -> None:
    """A place with lat and lon is never looked up, whatever its label says (and needs no geocoder)."""
    doc = team_doc("small")
    doc["clients"][3]["home"] = {"lat": 41.9, "lon": -87.66, "label": ADDRESS}
    import_team(session=session, data=doc)
    with fake_geocoder(PLACES) as geocoder:
        use_geocoder(geocoder.url)
        import_team(session=session, data=doc)
    assert geocoder.asked == []
    assert export_team(session=session, team_id="west-town-small")["clients"][3]["home"]["lat"] == 41.9


def test_a_place_with_only_one_coordinate_is_the_files_error_not_a_lookup(
    session: Session, use_geocoder: UseGeocoder
) -> None:
    """lat without lon is a broken file (the format's message), not an address to look up."""
    doc = team_doc("small")
    doc["clients"][3]["home"] = {"lat": 41.9, "label": ADDRESS}
    with fake_geocoder(PLACES) as geocoder:
        use_geocoder(geocoder.url)
        messages = _refused(session, doc)
    assert geocoder.asked == []
    assert any(m.startswith("clients[3].home.lon:") for m in messages)


def test_an_address_the_geocoder_does_not_know_names_the_field(
    session: Session, use_geocoder: UseGeocoder
) -> None:
    """No match: refused, naming the place and what to do; the other addresses were still placed."""
    doc = _with_home("99 Nowhere Lane")
    doc["clients"][4]["home"] = {"label": ADDRESS}
    with fake_geocoder(PLACES) as geocoder:
        use_geocoder(geocoder.url)
        messages = _refused(session, doc)
    assert messages == [
        'clients[3].home: the geocoder found no place for "99 Nowhere Lane": check the address '
        "(street, city, ZIP code), or give lat and lon"
    ]


def test_a_match_far_from_the_office_is_taken_for_a_wrong_one(
    session: Session, use_geocoder: UseGeocoder
) -> None:
    """A same-named street in another city (Detroit, ~380 km away) is refused, not saved silently."""
    with fake_geocoder(PLACES) as geocoder:
        use_geocoder(geocoder.url)
        messages = _refused(session, _with_home(FAR))
    assert len(messages) == 1
    assert messages[0].startswith('clients[3].home: the geocoder placed "2300 W Chicago Ave, Detroit" 3')
    assert "km from the team's office" in messages[0]
    assert "add the city and ZIP code to the address, or give lat and lon" in messages[0]


def test_a_geocoder_that_is_down_refuses_the_import_naming_the_field(
    session: Session, use_geocoder: UseGeocoder
) -> None:
    """Nothing listens at the URL: one message (not one per address), and nothing saved."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    use_geocoder(f"http://127.0.0.1:{port}")
    doc = _with_home(ADDRESS)
    doc["clients"][5]["home"] = {"label": "1300 W Lake St"}
    messages = _refused(session, doc)
    assert len(messages) == 1
    assert messages[0].startswith(
        f'clients[3].home: could not look up "{ADDRESS}": the geocoder at http://127.0.0.1:'
    )
    assert "1 more addresses were not looked up" in messages[0]


def test_a_public_geocoder_is_refused_even_when_configured(use_geocoder: UseGeocoder) -> None:
    """Client addresses are PHI: the public Nominatim (or geocode.earth) is never asked."""
    for url in ("https://nominatim.openstreetmap.org", "https://api.geocode.earth/v1"):
        use_geocoder(url)
        with pytest.raises(GeocoderProblem, match="public service"):
            configured_geocoder()
    with pytest.raises(GeocoderProblem, match="not a web address"):
        configured_geocoder(Settings(geocoder_url="geocoder.internal"))


def test_an_address_is_asked_once_and_known_addresses_not_again(
    session: Session, use_geocoder: UseGeocoder
) -> None:
    """Two clients at one address: one query; importing the same sheet again asks nothing (and works
    with the geocoder gone), since the team already has those coordinates."""
    doc = _with_home(ADDRESS)
    doc["clients"][4]["home"] = {"label": " 2300 w chicago AVE "}
    with fake_geocoder(PLACES) as geocoder:
        use_geocoder(geocoder.url)
        import_team(session=session, data=doc)
        import_team(session=session, data=doc)
    assert geocoder.asked == [ADDRESS]
    use_geocoder("")
    import_team(session=session, data=doc)
    homes = [c["home"] for c in export_team(session=session, team_id="west-town-small")["clients"][3:5]]
    assert homes[0]["lat"] == homes[1]["lat"] == round(POINT[0], 6)
