"""The solve queue: one active job per team and week, claimed by exactly one worker, swept when stale."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from actplanner.db import SolveJob, utcnow
from actplanner.domain.errors import JobConflict
from actplanner.planning.jobs import (
    STALE_SECONDS,
    claim_next_job,
    enqueue_solve,
    fail_stale_jobs,
    finish_job,
    get_job,
    record_progress,
    request_stop,
)
from actplanner.teams.service import get_team
from tests.support.db_factories import WEEK, create_team


def test_second_active_job_for_a_week_is_rejected(session: Session) -> None:
    """Queuing a solve while one is queued or running for that team and week raises JobConflict."""
    team = create_team(session)
    job = enqueue_solve(session=session, team_id=team.id, week_start=WEEK, time_limit=10)
    with pytest.raises(JobConflict, match="already queued or running"):
        enqueue_solve(session=session, team_id=team.id, week_start=WEEK, time_limit=10)
    enqueue_solve(session=session, team_id=team.id, week_start=WEEK + timedelta(days=7), time_limit=10)
    finish_job(session=session, job_id=job.id, status="failed", error="test")
    again = enqueue_solve(session=session, team_id=team.id, week_start=WEEK, time_limit=10)
    assert again.status == "queued"


def test_database_itself_refuses_two_active_jobs(session: Session) -> None:
    """The unique index refuses a second active job even when the service's check is bypassed."""
    team = create_team(session)
    session.add(SolveJob(team_id=team.id, week_start=WEEK, time_limit=5))
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(SolveJob(team_id=team.id, week_start=WEEK, time_limit=5, status="running"))
        session.flush()
    for _ in range(2):
        session.add(SolveJob(team_id=team.id, week_start=WEEK, time_limit=5, status="done"))
    session.flush()


def test_claim_takes_the_oldest_and_reports_progress_and_stop(session: Session) -> None:
    """A worker claims the oldest queued job, learns of a stop request from its progress report, finishes."""
    team = create_team(session)
    first = enqueue_solve(session=session, team_id=team.id, week_start=WEEK, time_limit=10)
    enqueue_solve(session=session, team_id=team.id, week_start=WEEK + timedelta(days=7), time_limit=10)
    job = claim_next_job(session=session, worker_pid=4242)
    assert job is not None and job.id == first.id
    assert (job.status, job.worker_pid) == ("running", 4242)
    progress = {"elapsed": 1.5, "best_objective": 900.0, "bound": 850.0, "unmet": 2, "phase": "week"}
    assert record_progress(session=session, job_id=job.id, progress=progress) is False
    assert request_stop(session=session, job_id=job.id).stop_requested
    assert record_progress(session=session, job_id=job.id, progress=progress) is True
    done = finish_job(session=session, job_id=job.id, status="stopped")
    assert (done.status, done.active, done.progress) == ("stopped", None, progress)


def test_stopping_a_queued_job_ends_it_at_once(session: Session) -> None:
    """A queued job that is stopped never reaches a worker."""
    team = create_team(session)
    job = enqueue_solve(session=session, team_id=team.id, week_start=WEEK, time_limit=10)
    assert request_stop(session=session, job_id=job.id).status == "stopped"
    assert claim_next_job(session=session, worker_pid=1) is None


def test_stale_running_job_is_failed(session: Session) -> None:
    """A running job with a heartbeat older than the limit fails with a message; a fresh one keeps running."""
    team = create_team(session)
    stale = enqueue_solve(session=session, team_id=team.id, week_start=WEEK, time_limit=10)
    fresh = enqueue_solve(session=session, team_id=team.id, week_start=WEEK + timedelta(7), time_limit=10)
    for pid in (1, 2):
        claim_next_job(session=session, worker_pid=pid)
    stale.heartbeat_at = utcnow() - timedelta(minutes=10)
    session.flush()
    failed = fail_stale_jobs(session=session, older_than_seconds=60)
    assert [job.id for job in failed] == [stale.id]
    assert stale.status == "failed" and "worker stopped unexpectedly" in (stale.error or "")
    assert get_job(session=session, job_id=fresh.id).status == "running"
    assert record_progress(session=session, job_id=stale.id, progress={}) is True


def test_each_job_is_claimed_by_exactly_one_worker(committed: sessionmaker[Session]) -> None:
    """Workers claiming at the same time each get different jobs, and every job is claimed once."""
    with committed.begin() as session:
        team = create_team(session, id="claim-race")
        jobs = {
            enqueue_solve(
                session=session, team_id=team.id, week_start=WEEK + timedelta(weeks=w), time_limit=5
            ).id
            for w in range(6)
        }
    workers = 8
    start = threading.Barrier(workers)
    claims: dict[int, list[int]] = {pid: [] for pid in range(workers)}
    errors: list[BaseException] = []

    def worker(pid: int) -> None:
        try:
            start.wait()
            while True:
                with committed.begin() as session:
                    job = claim_next_job(session=session, worker_pid=pid)
                    if job is None:
                        return
                    claims[pid].append(job.id)
        except BaseException as err:  # noqa: BLE001 - reported by the main thread
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(pid,)) for pid in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    claimed = [job for got in claims.values() for job in got]
    assert sorted(claimed) == sorted(jobs)
    with committed() as session:
        for pid, got in claims.items():
            for job_id in got:
                assert get_job(session=session, job_id=job_id).worker_pid == pid


def test_a_race_lost_at_the_database_is_a_conflict_and_undoes_only_that_call(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job the unique index refuses (a lost race) is a JobConflict; earlier work in the session stays."""
    team = create_team(session)
    first = enqueue_solve(session=session, team_id=team.id, week_start=WEEK, time_limit=10)
    monkeypatch.setattr("actplanner.planning.jobs.active_job", lambda **_: None)
    with pytest.raises(JobConflict):
        enqueue_solve(session=session, team_id=team.id, week_start=WEEK, time_limit=10)
    assert session.scalars(select(SolveJob)).all() == [first]
    assert get_team(session=session, team_id=team.id) is team


def _dead_worker_job(session: Session, team_id: str, week_offset: int = 0) -> SolveJob:
    """A running job whose worker last beat ten minutes ago, as after ``kill -9``."""
    job = enqueue_solve(
        session=session, team_id=team_id, week_start=WEEK + timedelta(weeks=week_offset), time_limit=10
    )
    claimed = claim_next_job(session=session, worker_pid=4242)
    assert claimed is not None and claimed.id == job.id
    job.heartbeat_at = utcnow() - timedelta(minutes=10)
    session.flush()
    return job


def test_a_dead_workers_job_does_not_block_its_week(session: Session) -> None:
    """Queuing a solve of a week whose running job's worker went silent fails that job and queues anew."""
    team = create_team(session)
    dead = _dead_worker_job(session, team.id)
    job = enqueue_solve(session=session, team_id=team.id, week_start=WEEK, time_limit=10)
    assert job.status == "queued"
    dead = get_job(session=session, job_id=dead.id)
    assert (dead.status, dead.active) == ("failed", None)
    assert (dead.error or "").startswith("The worker stopped unexpectedly: no word from process 4242")


def test_a_live_workers_job_still_blocks_its_week(session: Session) -> None:
    """A running job that beat within the bound is left alone and a second solve is still a conflict."""
    team = create_team(session)
    job = enqueue_solve(session=session, team_id=team.id, week_start=WEEK, time_limit=10)
    claim_next_job(session=session, worker_pid=4242)
    with pytest.raises(JobConflict, match="already queued or running"):
        enqueue_solve(session=session, team_id=team.id, week_start=WEEK, time_limit=10)
    assert get_job(session=session, job_id=job.id).status == "running"
    assert request_stop(session=session, job_id=job.id).status == "running"


def test_stopping_a_dead_workers_job_ends_it_at_once(session: Session) -> None:
    """Stop on a running job whose worker is silent ends it failed at once, saying the worker stopped."""
    team = create_team(session)
    dead = _dead_worker_job(session, team.id)
    other = _dead_worker_job(session, team.id, week_offset=1)
    stopped = request_stop(session=session, job_id=dead.id)
    assert (stopped.status, stopped.active) == ("failed", None)
    assert "worker stopped unexpectedly" in (stopped.error or "")
    # Only the job asked about: the other is left to a sweep.
    assert get_job(session=session, job_id=other.id).status == "running"
    again = enqueue_solve(session=session, team_id=team.id, week_start=WEEK, time_limit=10)
    assert again.status == "queued"


def test_sweep_default_bound_is_the_stale_limit(session: Session) -> None:
    """With no bound given the sweep uses STALE_SECONDS: older fails, younger stays."""
    team = create_team(session)
    old = _dead_worker_job(session, team.id)
    young = _dead_worker_job(session, team.id, week_offset=1)
    old.heartbeat_at = utcnow() - timedelta(seconds=STALE_SECONDS + 5)
    young.heartbeat_at = utcnow() - timedelta(seconds=STALE_SECONDS - 10)
    session.flush()
    assert [job.id for job in fail_stale_jobs(session=session)] == [old.id]
    assert get_job(session=session, job_id=young.id).status == "running"
