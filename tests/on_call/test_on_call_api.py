"""``GET /api/v1/on-call``: who is on call, for personal API tokens and read-only on-call link tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.accounts.service import create_token, revoke_token, token_row
from actplanner.on_call.api import OnCallRead
from actplanner.on_call.service import record_override
from actplanner.planning.jobs import enqueue_solve
from actplanner.planning.plans import publish_plan, save_plan
from tests.support.web_factories import OTHER_TEAM, TEAM, WEEK, World, bearer, db, plan_doc

TUESDAY_NOON = "2026-12-01T12:00"


@pytest.fixture
def published(app: FastAPI, world: World) -> dict[str, Any]:
    """The greedy plan of the small team for the week of 2026-11-30, published by the lead."""
    doc = plan_doc()
    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id)
        session.commit()
    return doc


@pytest.fixture
def link_token(app: FastAPI, world: World) -> str:
    """A read-only on-call link of the small team, made by its lead."""
    with db(app) as session:
        token = create_token(
            session=session,
            user_id=world.lead_id,
            name="answering service",
            kind="on_call_link",
            team_id=TEAM,
        )
        session.commit()
    return token


def holder(plan: dict[str, Any], role: str, local: str) -> str | None:
    return next(
        (p["staff"] for p in plan["on_call"] if p["role"] == role and p["start"] <= local < p["end"]), None
    )


def holders(document: dict[str, Any]) -> dict[str, str | None]:
    return {r["role"]: (r["staff"] or {}).get("id") for r in document["on_call"]}


def test_staff_token_gets_each_role_with_phone_next_and_escalation(
    client: TestClient, world: World, published: dict[str, Any]
) -> None:
    """A staff member's personal token reads their team's on-call answer, in the documented shape."""
    answer = client.get(f"/api/v1/on-call?at={TUESDAY_NOON}", headers=bearer(world.staff_token))
    assert answer.status_code == 200
    document = answer.json()
    OnCallRead.model_validate(document)
    assert document["team"] == TEAM and document["timezone"] == "America/Chicago"
    assert document["at"] == "2026-12-01T12:00:00-06:00"
    assert holders(document) == {
        r: holder(published, r, TUESDAY_NOON) for r in ("primary", "backup", "prescriber")
    }
    primary = document["on_call"][0]
    assert primary["staff"]["phone"].startswith("+1-312-555-")
    assert primary["since"] == "2026-12-01T08:30:00-06:00"
    assert primary["until"] == "2026-12-02T08:30:00-06:00"
    assert primary["next"] == {
        "staff": primary["next"]["staff"],
        "from": "2026-12-02T08:30:00-06:00",
    }
    assert primary["next"]["staff"]["id"] == holder(published, "primary", "2026-12-02T08:30")
    assert [(s["step"], s["role"]) for s in document["escalation"]] == [
        (1, "primary"),
        (2, "backup"),
        (3, "prescriber"),
        (4, "team_leader"),
    ]
    assert document["escalation"][3]["staff"]["id"] == "s-tl1"
    assert document["primary_gaps"] == [
        {"start": "2026-12-07T08:30:00-06:00", "end": "2026-12-15T12:00:00-06:00"}
    ]


def test_link_token_reads_its_team(client: TestClient, link_token: str, published: dict[str, Any]) -> None:
    """A read-only on-call link token answers for its own team, with no ``team`` needed."""
    answer = client.get(f"/api/v1/on-call?at={TUESDAY_NOON}", headers=bearer(link_token))
    assert answer.status_code == 200
    assert answer.json()["team"] == TEAM


def test_link_token_may_not_ask_for_another_team(client: TestClient, link_token: str) -> None:
    """A link shows its own team only."""
    answer = client.get(f"/api/v1/on-call?team={OTHER_TEAM}", headers=bearer(link_token))
    assert answer.status_code == 403


def test_staff_token_may_not_read_another_team(client: TestClient, world: World) -> None:
    """A staff member's token is refused for a team not theirs."""
    answer = client.get(f"/api/v1/on-call?team={TEAM}", headers=bearer(world.other_staff_token))
    assert answer.status_code == 403


@pytest.mark.parametrize("headers", [{}, bearer("not-a-token"), {"Authorization": "Basic bGVhZDpsZWFk"}])
def test_no_or_unknown_token_is_401(client: TestClient, world: World, headers: dict[str, str]) -> None:
    """Without a known token the answer is 401 with a reason."""
    answer = client.get("/api/v1/on-call", headers=headers)
    assert answer.status_code == 401
    assert answer.json()["detail"]


def test_revoked_link_token_is_401(app: FastAPI, client: TestClient, link_token: str) -> None:
    """A revoked link opens the API no more."""
    with db(app) as session:
        row = token_row(session=session, token=link_token, kinds=("on_call_link",))
        revoke_token(session=session, token_id=row.id)
        session.commit()
    assert client.get("/api/v1/on-call", headers=bearer(link_token)).status_code == 401


@pytest.mark.parametrize(
    "at",
    [
        "2026-12-01T12:00",
        "2026-12-01T12:00:00",
        "2026-12-01T12:00-06:00",
        "2026-12-01T18:00Z",
        "2026-12-01T18:00:00%2B00:00",
        "2026-12-01T19:00%2B01:00",
    ],
)
def test_at_with_an_offset_or_z_or_none(
    client: TestClient, world: World, published: dict[str, Any], at: str
) -> None:
    """``at`` with an offset or Z is that instant; without one it is the team's local time."""
    answer = client.get(f"/api/v1/on-call?at={at}", headers=bearer(world.staff_token))
    assert answer.status_code == 200
    assert answer.json()["at"] == "2026-12-01T12:00:00-06:00"


@pytest.mark.parametrize("at", ["noon", "2026-13-01T12:00", "2026-12-01T25:00", "0001-01-01T00:00", ""])
def test_bad_at_is_a_422_naming_at(client: TestClient, world: World, at: str) -> None:
    """An ``at`` that is not an ISO 8601 moment (empty, or absurdly far off) is refused, naming ``at``."""
    answer = client.get("/api/v1/on-call", params={"at": at}, headers=bearer(world.staff_token))
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("at: ")


def test_default_is_now(client: TestClient, world: World) -> None:
    """Without ``at`` the answer is for the present moment."""
    answer = client.get("/api/v1/on-call", headers=bearer(world.staff_token)).json()
    asked = datetime.fromisoformat(answer["at"])
    assert abs((asked - datetime.now(UTC)).total_seconds()) < 60


def test_answers_from_the_published_plan_while_no_worker_runs(
    app: FastAPI, client: TestClient, world: World, published: dict[str, Any]
) -> None:
    """A queued solve nobody runs and a newer draft change nothing: the published plan and overrides hold."""
    before = client.get(f"/api/v1/on-call?at={TUESDAY_NOON}", headers=bearer(world.staff_token)).json()
    draft = plan_doc()
    for period in draft["on_call"]:
        if period["role"] == "primary":
            period["staff"] = "s-tl1"
    with db(app) as session:
        save_plan(session=session, team_id=TEAM, plan_file=draft, source="edit")
        enqueue_solve(session=session, team_id=TEAM, week_start=WEEK, time_limit=5)
        session.commit()
    after = client.get(f"/api/v1/on-call?at={TUESDAY_NOON}", headers=bearer(world.staff_token)).json()
    assert after == before


def test_an_override_shows_at_once(
    app: FastAPI, client: TestClient, world: World, published: dict[str, Any]
) -> None:
    """A cover recorded by the lead is the API's answer straight away, with no re-solve."""
    with db(app) as session:
        record_override(
            session=session,
            team_id=TEAM,
            role="primary",
            staff_id="s-sw1",
            start="2026-12-01T11:00",
            end="2026-12-01T13:00",
            user_id=world.lead_id,
        )
        session.commit()
    answer = client.get(f"/api/v1/on-call?at={TUESDAY_NOON}", headers=bearer(world.staff_token)).json()
    assert answer["on_call"][0]["staff"]["id"] == "s-sw1"
    assert answer["on_call"][0]["until"] == "2026-12-01T13:00:00-06:00"


def test_the_endpoint_is_documented(client: TestClient) -> None:
    """The schema at /openapi.json documents the endpoint and its answer."""
    schema = client.get("/openapi.json").json()
    operation = schema["paths"]["/api/v1/on-call"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"at", "team"}
    assert "OnCallRead" in schema["components"]["schemas"]
