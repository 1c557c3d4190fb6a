"""A contact log bigger than the 1 MB body limit of other requests imports (API and page): a log
file's limit is a team file's (docs/decisions.md, "Limits on imported files"); past it, a 413 says
how much may be sent and that nothing changed."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.contacts.service import list_contacts
from actplanner.domain.formats import MAX_FILE_BYTES
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.web.security import BODY_LIMIT
from tests.support.web_factories import TEAM, WEEK, World, bearer, db, form_token, plan_doc, sign_in, team_doc

URL = f"/api/v1/teams/{TEAM}/contacts/import"
TOO_LARGE = "The request is too large: at most 10 MB may be sent here. Nothing was read or changed."


def twelve_weeks() -> dict[str, Any]:
    """Twelve weeks before the test week: every client called three times a day by a
    staff member in turn (phone, done), as an indented file the way the export writes it."""
    team = team_doc()
    staff = [s["id"] for s in team["staff"]]
    contacts = []
    first = WEEK - timedelta(weeks=12)
    for day in range(12 * 7):
        date = (first + timedelta(days=day)).isoformat()
        for n, client in enumerate(team["clients"]):
            for hour in ("09:00", "12:00", "15:00"):
                contacts.append(
                    {
                        "id": f"k-{date}-{client['id']}-{hour[:2]}",
                        "client": client["id"],
                        "staff": [staff[(day + n) % len(staff)]],
                        "date": date,
                        "start": hour,
                        "minutes": 10,
                        "outcome": "done",
                        "mode": "phone",
                    }
                )
    return {"format": "actplanner/contacts@1", "team": TEAM, "contacts": contacts}


def count(app: FastAPI) -> int:
    with db(app) as session:
        return len(list_contacts(session=session, team_id=TEAM))


def test_a_log_over_one_megabyte_imports_through_the_api(
    app: FastAPI, client: TestClient, world: World
) -> None:
    doc = twelve_weeks()
    body = json.dumps(doc, indent=2).encode()
    assert len(body) > BODY_LIMIT
    response = client.post(
        URL, content=body, headers={**bearer(world.lead_token), "Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text[:300]
    assert response.json() == {"contacts": len(doc["contacts"])}
    assert count(app) == len(doc["contacts"])


def test_a_log_over_one_megabyte_imports_through_the_page(
    app: FastAPI, client: TestClient, world: World
) -> None:
    doc = twelve_weeks()
    data = json.dumps(doc, indent=2).encode()
    assert len(data) > BODY_LIMIT
    sign_in(client, "lead")
    csrf = form_token(client.get("/contacts").text)
    files = {"file": ("log.json", data, "application/json")}
    imported = client.post("/contacts/import", data={"csrf_token": csrf}, files=files)
    assert imported.status_code == 200, imported.text[:300]
    assert f"Imported {len(doc['contacts']):,} contacts." in imported.text or (
        f"Imported {len(doc['contacts'])} contacts." in imported.text
    )
    assert count(app) == len(doc["contacts"])


def test_a_log_over_the_file_limit_is_a_413_saying_how_much_and_that_nothing_changed(
    app: FastAPI, client: TestClient, world: World
) -> None:
    body = b" " * (MAX_FILE_BYTES + 1)
    response = client.post(
        URL, content=body, headers={**bearer(world.lead_token), "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["detail"] == TOO_LARGE
    assert count(app) == 0


def test_the_file_limit_is_only_for_the_import(client: TestClient, world: World) -> None:
    """Recording one contact keeps the 1 MB limit of every other request."""
    body = b" " * (BODY_LIMIT + 1)
    response = client.post(
        f"/api/v1/teams/{TEAM}/contacts",
        content=body,
        headers={**bearer(world.lead_token), "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert "at most 1 MB" in response.json()["detail"]


def test_an_import_replaces_by_id_and_by_visit_even_when_two_stored_contacts_swap_visits(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Stored: k-1 for visit A, k-2 for visit B. The log gives k-1 for B, k-2 for A, and k-3 for a
    visit C whose stored k-0 it replaces: three contacts stored, each on the log's visit."""
    doc = plan_doc()
    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id, confirmed=True)
        session.commit()
    a, b, c = doc["visits"][:3]

    def on(visit: dict[str, Any], ident: str) -> dict[str, Any]:
        return {
            "id": ident,
            "client": visit["client"],
            "staff": visit["staff"],
            "date": visit["date"],
            "start": visit["start"],
            "minutes": 0,
            "outcome": "no_show",
            "visit": visit["id"],
        }

    lead = {**bearer(world.lead_token), "Content-Type": "application/json"}
    first = {
        "format": "actplanner/contacts@1",
        "team": TEAM,
        "contacts": [on(a, "k-1"), on(b, "k-2"), on(c, "k-0")],
    }
    assert client.post(URL, content=json.dumps(first), headers=lead).json() == {"contacts": 3}
    swapped = {
        "format": "actplanner/contacts@1",
        "team": TEAM,
        "contacts": [on(b, "k-1"), on(a, "k-2"), on(c, "k-3")],
    }
    response = client.post(URL, content=json.dumps(swapped), headers=lead)
    assert response.status_code == 200, response.text
    with db(app) as session:
        stored = {s.contact.id: s for s in list_contacts(session=session, team_id=TEAM)}
    assert {k: s.contact.visit for k, s in stored.items()} == {"k-1": b["id"], "k-2": a["id"], "k-3": c["id"]}
