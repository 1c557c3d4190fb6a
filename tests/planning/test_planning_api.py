"""The JSON API: tokens and roles, team files in and out, solves, jobs, plans and publishing."""

from __future__ import annotations

import json

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from actplanner.db import SolveJob, Team
from actplanner.planning.plans import save_plan, stored_plan_doc
from tests.support.web_factories import (
    OTHER_TEAM,
    TEAM,
    WEEK,
    World,
    audit_events,
    bearer,
    db,
    plan_doc,
    team_doc,
)

SOLVE = {
    "week_start": WEEK.isoformat(),
    "time_limit": 30,
    "seed": 0,
    "baseline_plan_id": None,
    "from_date": None,
}


def _draft(app: FastAPI, team_id: str = TEAM) -> int:
    """A draft plan of ``team_id`` saved from the greedy plan of the small fixture."""
    doc = plan_doc()
    doc["team"] = team_id
    with db(app) as session:
        plan = save_plan(session=session, team_id=team_id, plan_file=doc, source="solve")
        session.commit()
        return plan.id


def test_api_without_a_token_is_401(client: TestClient, world: World) -> None:
    """No token, a wrong scheme or an unknown token: 401 with a Bearer challenge and a JSON detail."""
    for headers in ({}, {"Authorization": "Basic bGVhZDpwdw=="}, bearer("not-a-token")):
        response = client.get(f"/api/v1/teams/{TEAM}/file", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "token" in response.json()["detail"]


def test_a_session_cookie_does_not_open_the_api(client: TestClient, world: World) -> None:
    """The API reads tokens only: a signed-in browser is still 401 there (so CSRF cannot reach it)."""
    from tests.support.web_factories import sign_in

    sign_in(client, "lead")
    assert client.get(f"/api/v1/teams/{TEAM}/file").status_code == 401


def test_import_then_export_gives_back_the_same_file(app: FastAPI, client: TestClient, world: World) -> None:
    """A team file imported through the API exports unchanged; both are audited."""
    doc = team_doc(name="West Town ACT (renamed)")
    response = client.post("/api/v1/teams", content=json.dumps(doc), headers=bearer(world.lead_token))
    assert response.status_code == 200
    assert response.json() == {"team": TEAM}
    exported = client.get(f"/api/v1/teams/{TEAM}/file", headers=bearer(world.lead_token))
    assert exported.status_code == 200
    assert exported.json() == doc
    assert list(exported.json()) == list(doc)
    actions = [(user, action, target) for user, action, target in audit_events(app)]
    assert (world.lead_id, "import", f"team:{TEAM}") in actions
    assert (world.lead_id, "export", f"team:{TEAM}") in actions


def test_broken_team_file_is_422_naming_the_field_and_changes_nothing(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A team file with a bad value gets every problem by path, and the stored team stays as it was."""
    before = client.get(f"/api/v1/teams/{TEAM}/file", headers=bearer(world.lead_token)).json()
    events = len(audit_events(app))
    doc = team_doc(name="Should not be saved")
    doc["clients"][3]["visits_per_week"] = "many"
    response = client.post("/api/v1/teams", json=doc, headers=bearer(world.lead_token))
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert isinstance(detail, list)
    assert any(line.startswith("clients[3].visits_per_week:") for line in detail)
    assert client.get(f"/api/v1/teams/{TEAM}/file", headers=bearer(world.lead_token)).json() == before
    assert len(audit_events(app)) == events + 1  # only the export just above


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "invalid JSON"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"a": 1, "a": 2}', "duplicate key"),
    ],
)
def test_unreadable_team_file_is_422(client: TestClient, world: World, body: bytes, message: str) -> None:
    """Text that is not a JSON object is refused with what is wrong with it."""
    response = client.post(
        "/api/v1/teams",
        content=body,
        headers={**bearer(world.lead_token), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert message in " ".join(response.json()["detail"])


def test_new_team_is_created_by_an_agency_lead_only(app: FastAPI, client: TestClient, world: World) -> None:
    """A lead of one team cannot import another team's file; nothing is created."""
    response = client.post("/api/v1/teams", json=team_doc(id="third-team"), headers=bearer(world.lead_token))
    assert response.status_code == 403
    with db(app) as session:
        assert session.get(Team, "third-team") is None


def test_staff_cannot_import_export_or_solve(client: TestClient, world: World) -> None:
    """Lead-only endpoints are 403 for a staff token."""
    headers = bearer(world.staff_token)
    assert client.post("/api/v1/teams", json=team_doc(), headers=headers).status_code == 403
    assert client.get(f"/api/v1/teams/{TEAM}/file", headers=headers).status_code == 403
    assert client.post(f"/api/v1/teams/{TEAM}/solves", json=SOLVE, headers=headers).status_code == 403


def test_lead_cannot_reach_another_teams_file(client: TestClient, world: World) -> None:
    """A lead of one team gets 403 for another team's file."""
    response = client.get(f"/api/v1/teams/{OTHER_TEAM}/file", headers=bearer(world.lead_token))
    assert response.status_code == 403
    assert OTHER_TEAM in response.json()["detail"]


def test_solve_is_queued_once_per_week(app: FastAPI, client: TestClient, world: World) -> None:
    """Starting a solve queues a job; a second for the same week is 409 and queues nothing."""
    response = client.post(f"/api/v1/teams/{TEAM}/solves", json=SOLVE, headers=bearer(world.lead_token))
    assert response.status_code == 202
    job = response.json()
    assert (job["status"], job["team_id"], job["week_start"], job["plan_id"]) == (
        "queued",
        TEAM,
        WEEK.isoformat(),
        None,
    )
    again = client.post(f"/api/v1/teams/{TEAM}/solves", json=SOLVE, headers=bearer(world.lead_token))
    assert again.status_code == 409
    assert "already queued or running" in again.json()["detail"]
    with db(app) as session:
        assert session.scalar(select(func.count()).select_from(SolveJob)) == 1


@pytest.mark.parametrize(
    "change",
    [
        {"week_start": "2026-12-01"},
        {"time_limit": 0},
        {"time_limit": -3},
        {"seed": -1},
        {"from_date": "2026-12-09"},
        {"week_start": "not a date"},
        {"unknown": 1},
    ],
)
def test_impossible_solve_requests_are_422(
    app: FastAPI, client: TestClient, world: World, change: dict
) -> None:
    """A non-Monday week, a non-positive time limit or a day outside the week is 422; nothing is queued."""
    response = client.post(
        f"/api/v1/teams/{TEAM}/solves", json={**SOLVE, **change}, headers=bearer(world.lead_token)
    )
    assert response.status_code == 422
    with db(app) as session:
        assert session.scalar(select(func.count()).select_from(SolveJob)) == 0


def test_solve_of_an_unknown_team_or_baseline_is_404(client: TestClient, world: World) -> None:
    """An agency-wide lead asking for a team or baseline plan that does not exist gets 404."""
    response = client.post(
        f"/api/v1/teams/{TEAM}/solves",
        json={**SOLVE, "baseline_plan_id": 999},
        headers=bearer(world.lead_token),
    )
    assert response.status_code == 404
    assert "999" in response.json()["detail"]


def test_job_can_be_read_and_stopped(client: TestClient, world: World) -> None:
    """A queued job reads back as queued and is stopped at once."""
    job = client.post(f"/api/v1/teams/{TEAM}/solves", json=SOLVE, headers=bearer(world.lead_token)).json()
    read = client.get(f"/api/v1/jobs/{job['id']}", headers=bearer(world.lead_token))
    assert read.status_code == 200
    assert read.json()["status"] == "queued"
    stopped = client.post(f"/api/v1/jobs/{job['id']}/stop", headers=bearer(world.lead_token))
    assert stopped.status_code == 200
    assert stopped.json()["status"] == "stopped"
    assert (
        client.get(f"/api/v1/jobs/{job['id']}", headers=bearer(world.lead_token)).json()["status"]
        == "stopped"
    )
    assert client.get(f"/api/v1/jobs/{job['id'] + 1}", headers=bearer(world.lead_token)).status_code == 404


def test_staff_cannot_read_or_stop_jobs(client: TestClient, world: World) -> None:
    """Solve jobs are the lead's: staff get 403 and the job keeps running."""
    job = client.post(f"/api/v1/teams/{TEAM}/solves", json=SOLVE, headers=bearer(world.lead_token)).json()
    assert client.post(f"/api/v1/jobs/{job['id']}/stop", headers=bearer(world.staff_token)).status_code == 403
    assert (
        client.get(f"/api/v1/jobs/{job['id']}", headers=bearer(world.lead_token)).json()["status"] == "queued"
    )


def test_publish_then_read_the_plan(app: FastAPI, client: TestClient, world: World) -> None:
    """A published plan reads back as the saved plan file; its week finds it; the read is audited."""
    plan_id = _draft(app)
    with db(app) as session:
        saved = stored_plan_doc(session=session, plan_id=plan_id)
    published = client.post(f"/api/v1/plans/{plan_id}/publish", headers=bearer(world.lead_token))
    assert published.status_code == 200
    assert published.json()["version"] == 1
    assert published.json()["plan_id"] == plan_id
    read = client.get(f"/api/v1/plans/{plan_id}", headers=bearer(world.lead_token))
    assert read.status_code == 200
    assert read.json() == saved
    assert read.json() == {**plan_doc(), "team": TEAM}
    week = client.get(f"/api/v1/teams/{TEAM}/weeks/{WEEK}/published", headers=bearer(world.staff_token))
    assert week.status_code == 200
    assert (week.json()["plan_id"], week.json()["version"]) == (plan_id, 1)
    assert (world.lead_id, "publish", f"plan:{plan_id}") in audit_events(app)
    assert (world.lead_id, "view_phi", f"plan:{plan_id}") in audit_events(app)


def test_publishing_twice_is_409(client: TestClient, app: FastAPI, world: World) -> None:
    """Only a draft can be published; publishing it again is a conflict."""
    plan_id = _draft(app)
    assert (
        client.post(f"/api/v1/plans/{plan_id}/publish", headers=bearer(world.lead_token)).status_code == 200
    )
    again = client.post(f"/api/v1/plans/{plan_id}/publish", headers=bearer(world.lead_token))
    assert again.status_code == 409
    assert "only a draft" in again.json()["detail"]


def test_publishing_a_plan_that_breaks_rules_needs_confirm_true(
    client: TestClient, app: FastAPI, world: World
) -> None:
    """A plan with an unexcused violation is a 409 that names it until the body says ``"confirm": true``."""
    doc = plan_doc()
    next(v for v in doc["visits"] if v["client"] == "c-005")["staff"] = ["s-cm1"]
    with db(app) as session:
        plan_id = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve").id
        session.commit()
    url = f"/api/v1/plans/{plan_id}/publish"
    for body in (None, {"confirm": False}):
        asked = client.post(url, json=body, headers=bearer(world.lead_token))
        assert asked.status_code == 409
        detail = asked.json()["detail"]
        assert "c-005 speaks 'es' but s-cm1, who visits them on 2026-12-03, does not." in detail
        assert 'Send {"confirm": true} to publish it anyway.' in detail
    assert "publish" not in [action for _u, action, _t in audit_events(app)]
    assert client.post(url, json={"confirm": "maybe"}, headers=bearer(world.lead_token)).status_code == 422
    assert client.post(url, json={"confrim": True}, headers=bearer(world.lead_token)).status_code == 422
    published = client.post(url, json={"confirm": True}, headers=bearer(world.lead_token))
    assert published.status_code == 200
    assert published.json()["version"] == 1


def test_staff_read_only_published_plans_of_their_own_team(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Staff may not read drafts, nor any plan of another team, nor publish; the lead's plan stays a draft."""
    plan_id = _draft(app)
    assert client.get(f"/api/v1/plans/{plan_id}", headers=bearer(world.staff_token)).status_code == 403
    assert (
        client.post(f"/api/v1/plans/{plan_id}/publish", headers=bearer(world.staff_token)).status_code == 403
    )
    client.post(f"/api/v1/plans/{plan_id}/publish", headers=bearer(world.lead_token))
    staff_read = client.get(f"/api/v1/plans/{plan_id}", headers=bearer(world.staff_token))
    assert staff_read.status_code == 200
    assert (world.staff_id, "view_phi", f"plan:{plan_id}") in audit_events(app)
    other = client.get(f"/api/v1/plans/{plan_id}", headers=bearer(world.other_staff_token))
    assert other.status_code == 403
    assert TEAM in other.json()["detail"]
    week = client.get(f"/api/v1/teams/{TEAM}/weeks/{WEEK}/published", headers=bearer(world.other_staff_token))
    assert week.status_code == 403


def test_week_without_a_published_plan_is_404(client: TestClient, world: World) -> None:
    """No published version yet: 404 with a sentence, also asked by a Tuesday of the week; a non-date, 422."""
    response = client.get(f"/api/v1/teams/{TEAM}/weeks/{WEEK}/published", headers=bearer(world.lead_token))
    assert response.status_code == 404
    assert "No published plan" in response.json()["detail"]
    tuesday = client.get(f"/api/v1/teams/{TEAM}/weeks/2026-12-01/published", headers=bearer(world.lead_token))
    assert tuesday.status_code == 404 and "week of 2026-11-30" in tuesday.json()["detail"]
    bad = client.get(f"/api/v1/teams/{TEAM}/weeks/2026-12-32/published", headers=bearer(world.lead_token))
    assert bad.status_code == 422


def test_openapi_schema_describes_the_api(client: TestClient) -> None:
    """The OpenAPI schema lists the API's operations with their response models and the Bearer scheme."""
    schema = client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/teams",
        "/api/v1/teams/{team_id}/file",
        "/api/v1/teams/{team_id}/solves",
        "/api/v1/jobs/{job_id}",
        "/api/v1/jobs/{job_id}/stop",
        "/api/v1/plans/{plan_id}",
        "/api/v1/plans/{plan_id}/publish",
        "/api/v1/teams/{team_id}/weeks/{week_start}/published",
    ):
        assert path in paths
    assert {"JobRead", "PlanPublished", "SolveCreate", "ErrorRead"} <= set(schema["components"]["schemas"])
    assert schema["components"]["securitySchemes"]["PersonalToken"]["scheme"] == "bearer"
    assert "/login" not in paths


def test_unknown_api_path_is_a_json_404(client: TestClient) -> None:
    """A path under /api that does not exist answers in JSON, like the rest of the API."""
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_api_docs_pages_are_off_because_they_load_from_a_cdn(client: TestClient) -> None:
    """Swagger UI and ReDoc would load scripts from elsewhere, so only the schema is served."""
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert client.get("/openapi.json").status_code == 200
