"""My week: a staff member's visits and on-call periods from the published plan; the printable day sheet."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from actplanner.db import AuditEvent
from actplanner.planning.plans import publish_plan, save_plan
from tests.support.web_factories import TEAM, WEEK, World, audit_events, db, plan_doc, sign_in, team_doc

STAFF_ID = "s-rn1"


@pytest.fixture
def plan(app: FastAPI, world: World) -> dict[str, Any]:
    """The greedy plan of the small team for the week of 2026-11-30, published by the lead."""
    doc = plan_doc()
    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id)
        session.commit()
    return doc


def _theirs(plan: dict[str, Any], staff_id: str = STAFF_ID) -> list[dict[str, Any]]:
    return [v for v in plan["visits"] if staff_id in v["staff"]]


def test_staff_sees_exactly_their_visits_by_client_code(client: TestClient, plan: dict[str, Any]) -> None:
    """Every visit of theirs is listed, day by day, by client code; no client name appears."""
    sign_in(client, "nurse")
    page = client.get(f"/my-week?week={WEEK.isoformat()}")
    assert page.status_code == 200
    theirs = _theirs(plan)
    assert theirs, "the fixture plan gives the nurse visits"
    assert page.text.count('<tr class="visit">') == len(theirs)
    codes = {c["id"]: c["code"] for c in team_doc()["clients"]}
    for visit in theirs:
        assert f"{visit['start']}–{visit['end']}" in page.text
        assert f"<strong>{codes[visit['client']]}</strong>" in page.text
    for entry in team_doc()["clients"]:
        if "name" in entry:
            assert entry["name"] not in page.text


def test_any_day_of_the_week_shows_that_week(client: TestClient, plan: dict[str, Any]) -> None:
    """``?week=`` may be any day; the page shows the week it falls in."""
    sign_in(client, "nurse")
    page = client.get(f"/my-week?week={(WEEK + timedelta(days=3)).isoformat()}")
    assert page.text.count('<tr class="visit">') == len(_theirs(plan))


def test_on_call_periods_are_shown(client: TestClient, plan: dict[str, Any]) -> None:
    """The staff member's on-call periods appear with role, start and end."""
    sign_in(client, "nurse")
    page = client.get(f"/my-week?week={WEEK.isoformat()}").text
    periods = [p for p in plan["on_call"] if p["staff"] == STAFF_ID]
    assert periods, "the fixture plan puts the nurse on call"
    section = re.search(r'<section aria-labelledby="on-call-title".*?</section>', page, re.S).group(0)
    assert section.count("<li>") == len(periods)
    first = periods[0]
    assert first["start"][11:] in section


def test_viewing_the_week_is_audited_once_with_the_clients(
    app: FastAPI, client: TestClient, world: World, plan: dict[str, Any]
) -> None:
    """Addresses are PHI: one view_phi event per page view, naming every client shown."""
    sign_in(client, "nurse")
    client.get(f"/my-week?week={WEEK.isoformat()}")
    with db(app) as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "view_phi")))
    assert len(events) == 1
    assert events[0].user_id == world.staff_id
    assert events[0].target == f"staff:{STAFF_ID}"
    assert events[0].detail["clients"] == sorted({v["client"] for v in _theirs(plan)})


def test_another_staff_members_week_is_403_and_recorded(
    app: FastAPI, client: TestClient, world: World, plan: dict[str, Any]
) -> None:
    """A staff member asking for someone else's week or day sheet is refused; the attempt is on record."""
    sign_in(client, "nurse")
    assert client.get(f"/my-week?week={WEEK.isoformat()}&staff=s-sw1").status_code == 403
    assert client.get(f"/my-week/{WEEK.isoformat()}/print?staff=s-sw1").status_code == 403
    assert client.get(f"/my-week?week={WEEK.isoformat()}&team=other-team").status_code == 403
    events = audit_events(app)
    assert (world.staff_id, "denied", f"staff:{TEAM}/s-sw1") in events
    assert not [e for e in events if e[1] == "view_phi"]


def test_own_staff_id_in_the_query_is_fine(client: TestClient, plan: dict[str, Any]) -> None:
    """Naming oneself is not someone else."""
    sign_in(client, "nurse")
    assert client.get(f"/my-week?week={WEEK.isoformat()}&staff={STAFF_ID}").status_code == 200


def test_lead_sees_any_staff_members_week_with_client_names(client: TestClient, plan: dict[str, Any]) -> None:
    """The lead picks a staff member and sees their week, names included."""
    sign_in(client, "lead")
    chooser = client.get(f"/my-week?week={WEEK.isoformat()}")
    assert chooser.status_code == 200
    assert f"staff={STAFF_ID}" in chooser.text
    page = client.get(f"/my-week?week={WEEK.isoformat()}&staff=s-sw1")
    assert page.status_code == 200
    assert page.text.count('<tr class="visit">') == len(_theirs(plan, "s-sw1"))
    names = {c["id"]: c.get("name") for c in team_doc()["clients"]}
    named = [names[v["client"]] for v in _theirs(plan, "s-sw1") if names[v["client"]]]
    assert named and named[0] in page.text
    assert client.get(f"/my-week?week={WEEK.isoformat()}&staff=nobody").status_code == 404


def test_day_sheet_lists_the_days_route_in_order(client: TestClient, plan: dict[str, Any]) -> None:
    """The printable day sheet has the day's visits in start order with codes and print CSS."""
    sign_in(client, "nurse")
    by_day: dict[str, list[dict[str, Any]]] = {}
    for visit in _theirs(plan):
        by_day.setdefault(visit["date"], []).append(visit)
    day, visits = max(by_day.items(), key=lambda item: len(item[1]))
    sheet = client.get(f"/my-week/{day}/print")
    assert sheet.status_code == 200
    assert '<link rel="stylesheet" href="/static/team.css">' in sheet.text
    times = re.findall(r'<td class="time">(\d\d:\d\d)–', sheet.text)
    assert times == sorted(v["start"] for v in visits)
    assert "@media print" in client.get("/static/team.css").text
    for entry in team_doc()["clients"]:
        if "name" in entry:
            assert entry["name"] not in sheet.text


def test_printed_day_sheet_carries_codes_only_even_for_the_lead(
    client: TestClient, plan: dict[str, Any]
) -> None:
    """A printout never shows a client's name or home address (DOMAIN.md), whoever prints it."""
    sign_in(client, "lead")
    day = _theirs(plan, "s-sw1")[0]["date"]
    sheet = client.get(f"/my-week/{day}/print?staff=s-sw1")
    assert sheet.status_code == 200
    clients = {c["id"]: c for c in team_doc()["clients"]}
    shown = [clients[v["client"]] for v in _theirs(plan, "s-sw1") if v["date"] == day]
    assert shown and all(c["code"] in sheet.text for c in shown)
    for entry in shown:
        if entry.get("name"):
            assert entry["name"] not in sheet.text
        assert f"{entry['home']['lat']:.5f}" not in sheet.text
        if entry["home"].get("label"):
            assert entry["home"]["label"] not in sheet.text


def test_no_published_plan_says_so(client: TestClient, world: World) -> None:
    """Without a published plan for the week the page says there is none."""
    sign_in(client, "nurse")
    page = client.get(f"/my-week?week={WEEK.isoformat()}")
    assert page.status_code == 200
    assert 'id="no-plan"' in page.text
    assert "No plan has been published for the week of 30 November 2026" in page.text


def test_a_draft_is_not_shown(app: FastAPI, client: TestClient, world: World) -> None:
    """Only the published plan counts: a draft of the week stays invisible to staff."""
    with db(app) as session:
        save_plan(session=session, team_id=TEAM, plan_file=plan_doc(), source="solve")
        session.commit()
    sign_in(client, "nurse")
    assert 'id="no-plan"' in client.get(f"/my-week?week={WEEK.isoformat()}").text


def test_staff_navigation_links_my_week(client: TestClient, world: World) -> None:
    """A staff member's navigation has My week."""
    assert 'href="/my-week"' in sign_in(client, "nurse").text
