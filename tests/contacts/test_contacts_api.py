"""The contact log's JSON API: record, list, correct, import and export with personal tokens."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.planning.plans import publish_plan, save_plan
from tests.support.web_factories import TEAM, WEEK, World, bearer, db, plan_doc

URL = f"/api/v1/teams/{TEAM}/contacts"


@pytest.fixture
def plan(app: FastAPI, world: World) -> dict[str, Any]:
    doc = plan_doc()
    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id)
        session.commit()
    return doc


def nurse_visit(plan: dict[str, Any]) -> dict[str, Any]:
    return next(v for v in plan["visits"] if v["staff"] == ["s-rn1"])


def entry(visit: dict[str, Any], **fields: Any) -> dict[str, Any]:
    made = {
        "client": visit["client"],
        "staff": visit["staff"],
        "date": visit["date"],
        "start": visit["start"],
        "minutes": 30,
        "outcome": "done",
        "mode": "face_to_face",
        "place": "home",
        "visit": visit["id"],
    }
    made.update(fields)
    return made


def test_staff_record_list_and_correct_their_contact(
    client: TestClient, world: World, plan: dict[str, Any]
) -> None:
    visit = nurse_visit(plan)
    made = client.post(URL, json=entry(visit), headers=bearer(world.staff_token))
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["contact"]["visit"] == visit["id"] and body["recorded_by"] == world.staff_id
    listed = client.get(
        URL, params={"from": WEEK.isoformat(), "to": WEEK.isoformat()}, headers=bearer(world.staff_token)
    )
    assert [c["id"] for c in listed.json()] == [body["id"]]
    fixed = client.patch(f"{URL}/{body['id']}", json={"minutes": 45}, headers=bearer(world.staff_token))
    assert fixed.status_code == 200 and fixed.json()["contact"]["minutes"] == 45
    assert fixed.json()["corrected_by"] == world.staff_id


def test_a_bad_entry_is_a_422_naming_the_field(
    client: TestClient, world: World, plan: dict[str, Any]
) -> None:
    response = client.post(URL, json=entry(nurse_visit(plan), mode=None), headers=bearer(world.lead_token))
    assert response.status_code == 422
    assert response.json()["detail"] == ["mode: required when outcome is done"]


def test_staff_may_not_record_for_others_nor_list_their_contacts(
    client: TestClient, world: World, plan: dict[str, Any]
) -> None:
    other = next(v for v in plan["visits"] if "s-rn1" not in v["staff"])
    assert client.post(URL, json=entry(other), headers=bearer(world.staff_token)).status_code == 403
    assert client.get(URL, params={"staff": "s-cm1"}, headers=bearer(world.staff_token)).status_code == 403
    assert client.get(URL).status_code == 401


def test_export_then_import_gives_back_the_log_and_a_bad_log_changes_nothing(
    client: TestClient, world: World, plan: dict[str, Any]
) -> None:
    lead = bearer(world.lead_token)
    assert client.post(URL, json=entry(nurse_visit(plan), id="k-1"), headers=lead).status_code == 201
    span = {"from": WEEK.isoformat(), "to": "2026-12-06"}
    exported = client.get(f"{URL}/export", params=span, headers=lead).json()
    assert exported["format"] == "actplanner/contacts@1" and [c["id"] for c in exported["contacts"]] == [
        "k-1"
    ]
    bad = {
        **exported,
        "contacts": [*exported["contacts"], {**exported["contacts"][0], "id": "k-2", "start": "7"}],
    }
    refused = client.post(f"{URL}/import", json=bad, headers=lead)
    assert refused.status_code == 422
    assert refused.json()["detail"] == ['contacts[1].start: "7" is not a time (HH:MM)']
    assert client.post(f"{URL}/import", json=exported, headers=lead).json() == {"contacts": 1}
    assert client.get(f"{URL}/export", params=span, headers=lead).json() == exported
    assert client.get(f"{URL}/export", params=span, headers=bearer(world.staff_token)).status_code == 403
    assert (
        client.get(
            f"{URL}/export", params={"from": "2026-12-06", "to": WEEK.isoformat()}, headers=lead
        ).status_code
        == 422
    )


def test_the_operations_are_in_the_openapi_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"post", "get"} <= set(paths["/api/v1/teams/{team_id}/contacts"])
    assert "patch" in paths["/api/v1/teams/{team_id}/contacts/{contact_id}"]
    assert "get" in paths["/api/v1/teams/{team_id}/contacts/export"]
    assert "post" in paths["/api/v1/teams/{team_id}/contacts/import"]


def test_an_unknown_contact_is_a_404(client: TestClient, world: World) -> None:
    response = client.patch(f"{URL}/999999", json={"minutes": 5}, headers=bearer(world.lead_token))
    assert response.status_code == 404 and "No contact 999999" in response.json()["detail"]
