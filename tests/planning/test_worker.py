"""The solve worker: jobs end done, stopped (best plan kept) or failed; published plans stay."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

import solver
from actplanner.checker import check
from actplanner.db import Plan, SolveJob, utcnow
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import load_team
from actplanner.planning import worker
from actplanner.planning.jobs import finish_job, get_job, request_stop
from actplanner.planning.plans import get_plan, publish_plan, published_plan, save_plan, stored_plan_doc
from actplanner.planning.queue import DatabaseQueue
from actplanner.planning.worker import INTERRUPTED_MESSAGE, SHUTDOWN_MESSAGE, run_job, work_loop
from tests.support.worker_factories import WEEK, import_small, queue_job, team_doc


def published_greedy_plan(factory: sessionmaker[Session]) -> int:
    """The id of a published greedy plan of the small fixture's week."""
    import_small(factory)
    team = load_team(team_doc())
    result = solver.solve(to_problem(team, WEEK), solver.SolveParams(time_limit=1, greedy_only=True))
    with factory.begin() as session:
        plan = save_plan(
            session=session, team_id=team.team.id, plan_file=to_plan_file(result, team, WEEK), source="solve"
        )
        publish_plan(session=session, plan_id=plan.id, user_id=None)
        return plan.id


class SpyQueue(DatabaseQueue):
    """The database queue, noting each phase a heartbeat reports and how each job finished."""

    def __init__(self) -> None:
        self.reported: list[str] = []
        self.finished: list[str] = []

    def heartbeat(self, *, session: Session, job_id: int, progress: dict[str, Any]) -> bool:
        self.reported.append(progress["phase"])
        return super().heartbeat(session=session, job_id=job_id, progress=progress)

    def finish(self, *, session: Session, job_id: int, status: str, **kw: Any) -> SolveJob:
        self.finished.append(status)
        return super().finish(session=session, job_id=job_id, status=status, **kw)


def test_queued_job_runs_to_done_with_progress_and_a_valid_draft(factory: sessionmaker[Session]) -> None:
    """A job runs to done, reporting its phases through the queue it was given, and saves a valid draft."""
    queue = SpyQueue()
    job_id = queue_job(factory, time_limit=2)
    job = run_job(sessionmaker=factory, job_id=job_id, queue=queue)
    reported = queue.reported
    assert queue.finished == ["done"]
    assert (job.status, job.active, job.error) == ("done", None, None)
    assert {"first plan", "done"} <= set(reported) and reported[-1] == "done"
    assert job.progress is not None and job.progress["best_objective"] is not None
    with factory() as session:
        plan = get_plan(session=session, plan_id=job.plan_id)
        assert (plan.status, plan.source, plan.week_start) == ("draft", "solve", WEEK)
        doc = stored_plan_doc(session=session, plan_id=plan.id)
    report = check(team_doc(), doc, week_start=WEEK.isoformat())
    assert report.unexcused == []


def test_requested_stop_ends_the_job_stopped_with_its_best_plan(factory: sessionmaker[Session]) -> None:
    """A stop requested before the first report ends a 60 s solve within seconds, its first plan saved."""
    job_id = queue_job(factory, time_limit=60)
    with factory.begin() as session:
        request_stop(session=session, job_id=job_id)
    started = time.monotonic()
    job = run_job(sessionmaker=factory, job_id=job_id)
    assert time.monotonic() - started < 20
    assert (job.status, job.error) == ("stopped", None)
    with factory() as session:
        plan = get_plan(session=session, plan_id=job.plan_id)
        assert (plan.status, plan.solver_status) == ("draft", "stopped")
        assert plan.visits


def test_worker_shutdown_stops_the_job_and_says_why(factory: sessionmaker[Session]) -> None:
    """A worker shutting down stops its solve, keeps the best plan and names the reason on the job."""
    job_id = queue_job(factory, time_limit=60)
    shutdown = threading.Event()
    shutdown.set()
    job = run_job(sessionmaker=factory, job_id=job_id, shutdown=shutdown)
    assert (job.status, job.error) == ("stopped", SHUTDOWN_MESSAGE)
    assert job.plan_id is not None


def test_failing_solve_fails_the_job_and_leaves_the_published_plan(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A solver error fails the job with a one-line message, saves no plan, and the published plan stays."""
    published = published_greedy_plan(factory)

    def broken(*_args: object, **_kw: object) -> None:
        raise RuntimeError("engine exploded\n  while routing Tuesday")

    monkeypatch.setattr(solver, "solve", broken)
    job_id = queue_job(factory)
    job = run_job(sessionmaker=factory, job_id=job_id)
    assert (job.status, job.plan_id) == ("failed", None)
    assert job.error == "The solve failed: engine exploded while routing Tuesday"
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Plan)) == 1
        current = published_plan(session=session, team_id=team_doc()["team"]["id"], week_start=WEEK)
        assert current is not None and (current.id, current.version) == (published, 1)


def test_job_the_adapter_rejects_fails_with_the_reason(factory: sessionmaker[Session]) -> None:
    """A job for a week that does not start on a Monday fails with the adapter's message and no plan."""
    job_id = queue_job(factory)
    with factory.begin() as session:
        session.get(SolveJob, job_id).week_start = WEEK + timedelta(days=1)
    job = run_job(sessionmaker=factory, job_id=job_id)
    assert (job.status, job.plan_id) == ("failed", None)
    assert job.error == f"The solve failed: week_start {WEEK + timedelta(days=1)} is not a Monday."


def test_replan_saves_a_draft_against_its_baseline_and_leaves_the_published_plan(
    factory: sessionmaker[Session],
) -> None:
    """A re-plan from the published plan saves a new ``replan`` draft; the published plan stays as it was."""
    published = published_greedy_plan(factory)
    with factory() as session:
        before = stored_plan_doc(session=session, plan_id=published)
    job_id = queue_job(factory, baseline_plan_id=published, from_date=WEEK + timedelta(days=2))
    job = run_job(sessionmaker=factory, job_id=job_id)
    assert job.status == "done"
    with factory() as session:
        draft = get_plan(session=session, plan_id=job.plan_id)
        assert (draft.status, draft.source, draft.baseline_plan_id) == ("draft", "replan", published)
        current = published_plan(session=session, team_id=draft.team_id, week_start=WEEK)
        assert current is not None and current.id == published
        assert stored_plan_doc(session=session, plan_id=published) == before


def test_stale_running_job_is_failed_when_a_worker_starts(url: str, factory: sessionmaker[Session]) -> None:
    """A running job whose worker went silent is marked failed by the next worker's start."""
    job_id = queue_job(factory)
    with factory.begin() as session:
        session.get(SolveJob, job_id).heartbeat_at = utcnow() - timedelta(minutes=5)
    assert work_loop(url=url, once=True) == 0
    with factory() as session:
        job = get_job(session=session, job_id=job_id)
        assert job.status == "failed"
        assert "stopped unexpectedly" in job.error


def test_work_loop_once_runs_every_queued_job(url: str, factory: sessionmaker[Session]) -> None:
    """One pass of the loop claims and runs the queued job, then returns."""
    job_id = queue_job(factory, time_limit=1, claim=False)
    assert work_loop(url=url, once=True) == 1
    with factory() as session:
        assert get_job(session=session, job_id=job_id).status == "done"


def test_sigterm_stops_a_worker_process_keeping_the_best_plan(
    url: str, factory: sessionmaker[Session]
) -> None:
    """SIGTERM to ``python -m actplanner.planning.worker`` mid-solve ends its job stopped with a plan."""
    job_id = queue_job(factory, time_limit=60, claim=False)
    env = {**os.environ, "ACTPLANNER_DATABASE_URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "actplanner.planning.worker"], env=env)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with factory() as session:
                job = get_job(session=session, job_id=job_id)
            if job.progress and job.progress["phase"] not in ("starting", "caseload"):
                break
            time.sleep(0.2)
        assert job.status == "running"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    with factory() as session:
        job = get_job(session=session, job_id=job_id)
    assert (job.status, job.error) == ("stopped", SHUTDOWN_MESSAGE)
    assert job.plan_id is not None


def test_heartbeat_beats_while_the_solver_is_silent(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The heartbeat moves on during a phase that sends no progress, so the job is not taken for dead."""
    job_id = queue_job(factory)
    beats = []

    def silent(*_args: object, **_kw: object) -> None:
        for _ in range(2):
            with factory() as session:
                beats.append(get_job(session=session, job_id=job_id).heartbeat_at)
            time.sleep(0.5)
        raise RuntimeError("silent solver gave up")

    monkeypatch.setattr(solver, "solve", silent)
    run_job(sessionmaker=factory, job_id=job_id, heartbeat_seconds=0.1)
    assert beats[1] > beats[0]


def test_job_given_up_on_during_its_solve_keeps_that_verdict(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A job a sweep failed while its solve ran stops early, stays failed and saves no plan."""
    job_id = queue_job(factory, time_limit=60)
    real_solve = solver.solve

    def swept_first(*args: object, **kw: object) -> object:
        with factory.begin() as session:
            finish_job(session=session, job_id=job_id, status="failed", error="swept")
        return real_solve(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(solver, "solve", swept_first)
    job = run_job(sessionmaker=factory, job_id=job_id)
    assert (job.status, job.error, job.plan_id) == ("failed", "swept", None)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Plan)) == 0


def test_interrupted_worker_fails_its_job_and_passes_the_interrupt_on(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A KeyboardInterrupt mid-solve (a second Ctrl-C) marks the job failed, then reaches the caller."""
    job_id = queue_job(factory)

    def interrupted(*_args: object, **_kw: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(solver, "solve", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_job(sessionmaker=factory, job_id=job_id)
    with factory() as session:
        job = get_job(session=session, job_id=job_id)
    assert (job.status, job.error) == ("failed", INTERRUPTED_MESSAGE)


def test_unclaimed_job_is_refused_and_left_queued(factory: sessionmaker[Session]) -> None:
    """Running a job no worker claimed raises and leaves it queued for a worker."""
    job_id = queue_job(factory, claim=False)
    with pytest.raises(ValueError, match="not running"):
        run_job(sessionmaker=factory, job_id=job_id)
    with factory() as session:
        assert get_job(session=session, job_id=job_id).status == "queued"


def locked() -> OperationalError:
    """The error SQLAlchemy raises while another connection holds SQLite's write lock."""
    return OperationalError("UPDATE solve_jobs ...", {}, sqlite3.OperationalError("database is locked"))


class LockedQueue(DatabaseQueue):
    """The database queue, whose first claims and sweeps fail as a locked database does."""

    def __init__(self, claims: int, sweeps: int = 0) -> None:
        self.claims, self.sweeps = claims, sweeps

    def claim(self, *, session: Session, worker_pid: int) -> SolveJob | None:
        if self.claims:
            self.claims -= 1
            raise locked()
        return super().claim(session=session, worker_pid=worker_pid)

    def sweep(self, *, session: Session, older_than_seconds: float) -> list[SolveJob]:
        if self.sweeps:
            self.sweeps -= 1
            raise locked()
        return super().sweep(session=session, older_than_seconds=older_than_seconds)


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Waits of milliseconds between tries, so a test does not sit out the real backoff."""
    monkeypatch.setattr(worker, "RETRY_FIRST_SECONDS", 0.01)
    monkeypatch.setattr(worker, "RETRY_MAX_SECONDS", 0.02)


def test_worker_survives_a_locked_database_and_runs_the_job_after(
    url: str, factory: sessionmaker[Session], quick_retries: None, caplog: pytest.LogCaptureFixture
) -> None:
    """ "database is locked" from claim (and from the sweep) is logged and retried; the job then runs."""
    job_id = queue_job(factory, time_limit=1, claim=False)
    queue = LockedQueue(claims=3, sweeps=1)
    with caplog.at_level(logging.WARNING, logger="actplanner.planning.worker"):
        assert work_loop(url=url, once=True, queue=queue) == 1
    assert queue.claims == 0 and queue.sweeps == 0
    with factory() as session:
        assert get_job(session=session, job_id=job_id).status == "done"
    retried = [r.getMessage() for r in caplog.records if "trying again" in r.getMessage()]
    assert len(retried) == 4
    assert "the database did not answer (database is locked)" in retried[0]
    assert "UPDATE" not in retried[0]


def test_worker_waits_longer_after_each_failed_claim(
    url: str, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The waits between tries double up to the most, and SIGTERM during one is not kept waiting."""
    import_small(factory)
    waits: list[float] = []
    shutdown = threading.Event()

    class Recording(threading.Event):
        def wait(self, timeout: float | None = None) -> bool:
            waits.append(timeout or 0.0)
            if len(waits) == 6:
                shutdown.set()
            return shutdown.is_set()

        def is_set(self) -> bool:
            return shutdown.is_set()

    monkeypatch.setattr(worker, "RETRY_MAX_SECONDS", 4.0)
    assert work_loop(url=url, queue=LockedQueue(claims=100), shutdown=Recording()) == 0
    assert waits == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_other_errors_still_end_the_worker(url: str, factory: sessionmaker[Session]) -> None:
    """A bug is not retried for ever: it ends the loop (and ``serve`` starts another worker)."""
    import_small(factory)

    class Broken(DatabaseQueue):
        def claim(self, *, session: Session, worker_pid: int) -> SolveJob | None:
            raise RuntimeError("a bug")

    with pytest.raises(RuntimeError, match="a bug"):
        work_loop(url=url, once=True, queue=Broken())


def test_a_locked_database_when_saving_the_plan_is_retried(
    factory: sessionmaker[Session], quick_retries: None
) -> None:
    """The finished solve's plan is saved once the lock passes; the job ends done, not failed."""

    class LockedFinish(DatabaseQueue):
        tries = 0

        def finish(self, *, session: Session, job_id: int, status: str, **kw: Any) -> SolveJob:
            LockedFinish.tries += 1
            if LockedFinish.tries < 3:
                raise locked()
            return super().finish(session=session, job_id=job_id, status=status, **kw)

    job_id = queue_job(factory, time_limit=1)
    job = run_job(sessionmaker=factory, job_id=job_id, queue=LockedFinish())
    assert (job.status, LockedFinish.tries) == ("done", 3)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Plan)) == 1


def test_a_database_that_stays_locked_fails_the_job_in_words(
    factory: sessionmaker[Session], quick_retries: None
) -> None:
    """When saving never gets through, the job fails with a sentence about the database, not SQL."""

    class AlwaysLocked(DatabaseQueue):
        def finish(self, *, session: Session, job_id: int, status: str, **kw: Any) -> SolveJob:
            if status == "done":
                raise locked()
            return super().finish(session=session, job_id=job_id, status=status, **kw)

    job_id = queue_job(factory, time_limit=1)
    job = run_job(sessionmaker=factory, job_id=job_id, queue=AlwaysLocked())
    assert (job.status, job.plan_id) == ("failed", None)
    assert job.error == "The solve failed: the database did not answer (database is locked)"


class CountingQueue(DatabaseQueue):
    """The database queue, counting its sweeps."""

    def __init__(self) -> None:
        self.sweeps = 0

    def sweep(self, *, session: Session, older_than_seconds: float) -> list[SolveJob]:
        self.sweeps += 1
        return super().sweep(session=session, older_than_seconds=older_than_seconds)


def test_an_idle_worker_sweeps_every_sweep_seconds(
    url: str, factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With only workers running, a dead worker's job still fails within a minute: idle ones sweep often."""
    from actplanner.planning.jobs import STALE_SECONDS, SWEEP_SECONDS

    assert STALE_SECONDS + SWEEP_SECONDS < 60
    import_small(factory)
    monkeypatch.setattr(worker, "SWEEP_SECONDS", 0.2)
    queue, shutdown = CountingQueue(), threading.Event()
    loop = threading.Thread(
        target=work_loop, kwargs={"url": url, "shutdown": shutdown, "queue": queue, "poll_seconds": 0.05}
    )
    loop.start()
    time.sleep(1.5)
    shutdown.set()
    loop.join(10)
    assert not loop.is_alive()
    assert 4 <= queue.sweeps <= 9, f"{queue.sweeps} sweeps in 1.5 s of idling, one every 0.2 s expected"
