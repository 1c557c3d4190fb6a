"""A solve whose worker died (``kill -9``) must not block its week: Stop ends it, a new solve is queued."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from actplanner.db import SolveJob, utcnow
from actplanner.planning.jobs import STALE_SECONDS, claim_next_job, enqueue_solve
from tests.support.web_factories import TEAM, WEEK, World, bearer, db, form_token, sign_in

BOARD = f"/board?week={WEEK.isoformat()}"
HX = {"HX-Request": "true"}
SOLVE = {
    "week_start": WEEK.isoformat(),
    "time_limit": 30,
    "seed": 0,
    "baseline_plan_id": None,
    "from_date": None,
}


def dead_worker_job(app: FastAPI, *, silent_for: float = STALE_SECONDS + 5) -> int:
    """The id of a running job of the small team's week whose worker last beat ``silent_for`` seconds ago."""
    with app.state.sessionmaker.begin() as session:
        enqueue_solve(session=session, team_id=TEAM, week_start=WEEK, time_limit=60)
        job = claim_next_job(session=session, worker_pid=4242)
        assert job is not None
        job.heartbeat_at = utcnow() - timedelta(seconds=silent_for)
        return job.id


def job(app: FastAPI, job_id: int) -> SolveJob:
    with db(app) as session:
        found = session.get(SolveJob, job_id)
        assert found is not None
        return found


def test_a_new_solve_of_a_dead_workers_week_is_queued_not_409(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """POST a solve while the week's job belongs to a dead worker: 202, and the old job is failed."""
    dead = dead_worker_job(app)
    response = client.post(f"/api/v1/teams/{TEAM}/solves", json=SOLVE, headers=bearer(world.lead_token))
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "queued"
    old = job(app, dead)
    assert old.status == "failed"
    assert (old.error or "").startswith("The worker stopped unexpectedly")


def test_a_solve_of_a_live_workers_week_is_still_409(app: FastAPI, client: TestClient, world: World) -> None:
    """A job that beat within the bound still holds its week."""
    live = dead_worker_job(app, silent_for=1)
    response = client.post(f"/api/v1/teams/{TEAM}/solves", json=SOLVE, headers=bearer(world.lead_token))
    assert response.status_code == 409
    assert job(app, live).status == "running"


def test_api_stop_ends_a_dead_workers_job_at_once(app: FastAPI, client: TestClient, world: World) -> None:
    """POST .../stop on a dead worker's job answers it failed, saying why, without waiting for any worker."""
    dead = dead_worker_job(app)
    response = client.post(f"/api/v1/jobs/{dead}/stop", headers=bearer(world.lead_token))
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "failed" and body["error"].startswith("The worker stopped unexpectedly")


def test_board_stop_ends_a_dead_workers_job_and_says_why(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Stop on the board ends the job at once; the fragment no longer polls and names the reason."""
    sign_in(client, "lead")
    dead = dead_worker_job(app)
    token = form_token(client.get(BOARD).text)
    fragment = client.post(f"/board/jobs/{dead}/stop", data={"csrf_token": token}, headers=HX)
    assert fragment.status_code == 200
    assert "hx-trigger" not in fragment.text
    assert "The worker stopped unexpectedly" in fragment.text
    with db(app) as session:
        assert session.scalars(select(SolveJob.status)).all() == ["failed"]
