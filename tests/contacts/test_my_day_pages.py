"""My day: one staff member's visits of a day in route order, recorded done or not done; other contacts."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from actplanner.contacts.service import list_contacts
from actplanner.db import AuditEvent
from actplanner.domain.words import day_words
from actplanner.planning.plans import publish_plan, save_plan
from tests.support.web_factories import TEAM, WEEK, World, db, form_token, plan_doc, sign_in, team_doc

DAY = WEEK.isoformat()


@pytest.fixture
def plan(app: FastAPI, world: World) -> dict[str, Any]:
    """The greedy plan of the small team for the week of 2026-11-30, published by the lead."""
    doc = plan_doc()
    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id)
        session.commit()
    return doc


def todays(plan: dict[str, Any], staff: str = "s-rn1") -> list[dict[str, Any]]:
    return sorted(
        (v for v in plan["visits"] if staff in v["staff"] and v["date"] == DAY), key=lambda v: v["start"]
    )


def stored(app: FastAPI) -> list[Any]:
    with db(app) as session:
        return list_contacts(session=session, team_id=TEAM)


def post_visit(client: TestClient, visit: dict[str, Any], **fields: str) -> Any:
    page = client.get(f"/my-day?day={DAY}")
    data = {"csrf_token": form_token(page.text), "staff": "s-rn1", "day": DAY, "visit": visit["id"], **fields}
    return client.post("/my-day/visit", data=data, follow_redirects=False)


def test_the_day_lists_the_visits_in_route_order_with_a_map_link_and_codes(
    client: TestClient, plan: dict[str, Any]
) -> None:
    """Each visit of the nurse's day is a card, by start time, with a geo: link and no client name."""
    sign_in(client, "nurse")
    page = client.get(f"/my-day?day={DAY}")
    assert page.status_code == 200
    ids = re.findall(r'<article class="visit-card" id="visit-([^"]+)"', page.text)
    assert ids == [v["id"] for v in todays(plan)] and ids
    assert page.text.count('href="geo:') == len(ids)
    for entry in team_doc()["clients"]:
        if entry.get("name"):
            assert entry["name"] not in page.text


def test_done_records_the_planned_start_and_minutes_as_typed(
    app: FastAPI, client: TestClient, plan: dict[str, Any]
) -> None:
    sign_in(client, "nurse")
    visit = todays(plan)[0]
    response = post_visit(client, visit, outcome="done", start="09:05", minutes="25")
    assert response.status_code == 303 and response.headers["location"].endswith(f"#visit-{visit['id']}")
    [contact] = stored(app)
    assert (contact.contact.visit, contact.contact.start, contact.contact.minutes) == (
        visit["id"],
        "09:05",
        25,
    )
    assert contact.contact.delivered
    page = client.get(f"/my-day?day={DAY}")
    assert f'<article class="visit-card recorded" id="visit-{visit["id"]}" data-outcome="done">' in page.text


def test_not_done_is_one_button_per_reason(app: FastAPI, client: TestClient, plan: dict[str, Any]) -> None:
    sign_in(client, "nurse")
    visit = todays(plan)[0]
    assert post_visit(client, visit, outcome="refused").status_code == 303
    [contact] = stored(app)
    assert (contact.contact.outcome, contact.contact.minutes, contact.contact.mode) == ("refused", 0, None)


def test_a_failed_submission_keeps_what_was_typed_and_names_the_field(
    app: FastAPI, client: TestClient, plan: dict[str, Any]
) -> None:
    sign_in(client, "nurse")
    visit = todays(plan)[0]
    response = post_visit(client, visit, outcome="done", start="25:99", minutes="17")
    assert response.status_code == 422
    assert "start: &#34;25:99&#34; is not a time (HH:MM)" in response.text
    assert 'value="25:99"' in response.text and 'value="17"' in response.text
    assert stored(app) == []


def test_htmx_gets_the_card_alone(client: TestClient, plan: dict[str, Any]) -> None:
    sign_in(client, "nurse")
    visit = todays(plan)[0]
    page = client.get(f"/my-day?day={DAY}")
    data = {
        "csrf_token": form_token(page.text),
        "staff": "s-rn1",
        "day": DAY,
        "visit": visit["id"],
        "outcome": "no_show",
    }
    response = client.post("/my-day/visit", data=data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response.text.lstrip().startswith(
        f'<article class="visit-card recorded" id="visit-{visit["id"]}" data-outcome="no_show">'
    )
    assert "<html" not in response.text


def test_add_a_contact_records_an_unplanned_one_and_a_bad_one_keeps_the_form(
    app: FastAPI, client: TestClient, plan: dict[str, Any]
) -> None:
    sign_in(client, "nurse")
    page = client.get(f"/my-day?day={DAY}")
    base = {
        "csrf_token": form_token(page.text),
        "staff": "s-rn1",
        "day": DAY,
        "client": "c-001",
        "start": "16:00",
    }
    bad = client.post(
        "/my-day/add", data={**base, "minutes": "20", "outcome": "done", "mode": "face_to_face", "place": ""}
    )
    assert bad.status_code == 422 and "place: required when mode is face_to_face" in bad.text
    assert 'value="16:00"' in bad.text and '<details class="add-contact" open>' in bad.text
    good = client.post(
        "/my-day/add",
        data={**base, "minutes": "20", "outcome": "done", "mode": "phone", "place": ""},
        follow_redirects=False,
    )
    assert good.status_code == 303
    [contact] = stored(app)
    assert (contact.contact.visit, contact.contact.mode, contact.contact.client) == (None, "phone", "c-001")


def test_staff_see_only_their_own_day_and_the_lead_picks_anyone(
    app: FastAPI, client: TestClient, plan: dict[str, Any], world: World
) -> None:
    sign_in(client, "nurse")
    assert client.get(f"/my-day?day={DAY}&staff=s-cm1").status_code == 403
    sign_in(client, "lead")
    picker = client.get(f"/my-day?day={DAY}")
    assert 'name="staff"' in picker.text and "visit-card" not in picker.text
    other = todays(plan, "s-cm1")
    page = client.get(f"/my-day?day={DAY}&staff=s-cm1")
    assert page.text.count('class="visit-card"') == len(other)
    assert other, "the fixture plan gives the case manager visits that day"
    data = {
        "csrf_token": form_token(page.text),
        "staff": "s-cm1",
        "day": DAY,
        "visit": other[0]["id"],
        "outcome": "cancelled",
    }
    assert client.post("/my-day/visit", data=data, follow_redirects=False).status_code == 303
    [contact] = stored(app)
    assert contact.recorded_by == world.lead_id and "s-cm1" in contact.contact.staff


def test_the_page_is_audited_and_a_correction_is_saved(
    app: FastAPI, client: TestClient, plan: dict[str, Any]
) -> None:
    sign_in(client, "nurse")
    visit = todays(plan)[0]
    post_visit(client, visit, outcome="done", start=visit["start"], minutes="30")
    [contact] = stored(app)
    form = client.get(f"/my-day/contacts/{contact.id}")
    assert form.status_code == 200 and 'value="30"' in form.text
    # The contact is named as the pages name it: its day in words, the client by code.
    said = re.search(r'<p class="muted">(.*?)</p>', form.text, re.S).group(1)
    assert said.startswith(day_words(date.fromisoformat(DAY)) + " · ")
    assert visit["client"] not in said and DAY not in said
    saved = client.post(
        f"/my-day/contacts/{contact.id}",
        data={
            "csrf_token": form_token(form.text),
            "start": visit["start"],
            "minutes": "40",
            "outcome": "done",
            "mode": "face_to_face",
            "place": "home",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert stored(app)[0].contact.minutes == 40
    with db(app) as session:
        actions = [e.action for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
        views = [e.detail for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "view_phi"))]
    assert "record_contact" in actions and "correct_contact" in actions
    assert any(d and d.get("page") == "my_day" for d in views)
