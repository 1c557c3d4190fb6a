"""Addresses on My day and My week (issue 13, item 2): the client's address, not coordinates (those
only when the team has no address for the home), with a link that opens the phone's own maps app —
geo: on Android, Apple Maps on iOS, both when the browser says neither; never a map from elsewhere."""

from __future__ import annotations

import html
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.domain.map_links import apple_maps_url, geo_uri
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.teams.service import import_team
from tests.domain.test_map_links import ANDROID, DESKTOP, IPHONE
from tests.support.web_factories import TEAM, WEEK, World, db, plan_doc, sign_in, team_doc

ADDRESS = "2300 W Chicago Ave, Chicago, IL 60622"


@pytest.fixture
def week(app: FastAPI, world: World) -> dict[str, Any]:
    """The nurse's first visit's client has a home address; the week is published. Returns the
    visit, its client's entry, and another of the nurse's clients without an address."""
    doc = plan_doc()
    theirs = sorted(
        (v for v in doc["visits"] if "s-rn1" in v["staff"]), key=lambda v: (v["date"], v["start"])
    )
    team = team_doc()
    clients = {c["id"]: c for c in team["clients"]}
    first = clients[theirs[0]["client"]]
    first["home"]["label"] = ADDRESS
    other = next(clients[v["client"]] for v in theirs if v["client"] != first["id"])
    with db(app) as session:
        import_team(session=session, data=team)
        saved = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id)
        session.commit()
    return {"visit": theirs[0], "client": first, "other": other}


def _page(client: TestClient, url: str, agent: str) -> str:
    sign_in(client, "nurse")
    response = client.get(url, headers={"User-Agent": agent})
    assert response.status_code == 200
    return response.text


def _url(where: str, week: dict[str, Any]) -> str:
    if where == "my-week":
        return f"/my-week?week={WEEK.isoformat()}"
    return f"/my-day?day={week['visit']['date']}"


def _href(url: str) -> str:
    return f'href="{html.escape(url)}"'


@pytest.mark.parametrize("where", ["my-week", "my-day"])
def test_an_iphone_gets_the_address_and_an_apple_maps_link(
    client: TestClient, week: dict[str, Any], where: str
) -> None:
    home = week["client"]["home"]
    url = _url(where, week)
    text = _page(client, url, IPHONE)
    assert html.escape(ADDRESS) in text
    assert _href(apple_maps_url(home["lat"], home["lon"], ADDRESS)) in text
    # One link for a known phone: no geo: link an iPhone cannot open.
    assert 'href="geo:' not in text
    assert f"{home['lat']:.5f}, {home['lon']:.5f}" not in text


@pytest.mark.parametrize("where", ["my-week", "my-day"])
def test_an_android_phone_gets_a_geo_link_pinned_with_the_address(
    client: TestClient, week: dict[str, Any], where: str
) -> None:
    home = week["client"]["home"]
    url = _url(where, week)
    text = _page(client, url, ANDROID)
    assert _href(geo_uri(home["lat"], home["lon"], ADDRESS)) in text
    assert "maps.apple.com" not in text


def test_a_browser_that_says_neither_gets_both_links_named(client: TestClient, week: dict[str, Any]) -> None:
    home = week["client"]["home"]
    text = _page(client, f"/my-week?week={WEEK.isoformat()}", DESKTOP)
    assert f"{_href(geo_uri(home['lat'], home['lon'], ADDRESS))}>Map (Android)</a>" in text
    assert f"{_href(apple_maps_url(home['lat'], home['lon'], ADDRESS))}>Apple Maps</a>" in text


def test_a_home_without_an_address_shows_its_coordinates_and_links_them(
    client: TestClient, week: dict[str, Any]
) -> None:
    home = week["other"]["home"]
    text = _page(client, f"/my-week?week={WEEK.isoformat()}", ANDROID)
    assert f"{home['lat']:.5f}, {home['lon']:.5f}" in text
    assert _href(geo_uri(home["lat"], home["lon"], None)) in text


def test_no_map_tile_or_map_script_from_elsewhere(client: TestClient, week: dict[str, Any]) -> None:
    """The pages embed no map: every off-site URL is a link the phone's app opens, none an image or script."""
    for url in (f"/my-week?week={WEEK.isoformat()}", f"/my-day?day={week['visit']['date']}"):
        text = _page(client, url, DESKTOP)
        for tag in ("<img", "<script", "<iframe", "<link"):
            for piece in text.split(tag)[1:]:
                assert "https://" not in piece.split(">")[0], (url, tag, piece[:80])
