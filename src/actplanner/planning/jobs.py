"""The solve queue: web requests enqueue, worker processes claim, report progress and finish.

A job is active while ``queued`` or ``running``; a unique index on (team,
week, active) lets at most one active job per team and week exist, whatever
the number of web servers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from actplanner.audit.service import audit
from actplanner.db import SolveJob, Team, utcnow
from actplanner.domain.errors import JobConflict, NotFound
from actplanner.domain.week import team_time
from actplanner.planning.plans import get_plan
from actplanner.teams.service import get_team

FINISHED = ("done", "failed", "stopped")
#: A running job whose heartbeat is older than this many seconds belongs to a dead worker.
#: A live worker beats every few seconds (``worker.HEARTBEAT_SECONDS``), whatever its solver does.
STALE_SECONDS = 30.0
#: Seconds between sweeps for such jobs, by the server and by every idle worker, so a dead
#: worker's job fails within STALE_SECONDS + SWEEP_SECONDS (under a minute) whoever is left.
SWEEP_SECONDS = 10.0


def get_job(*, session: Session, job_id: int) -> SolveJob:
    """The job with this id, read afresh from the database; NotFound when there is none."""
    job = session.get(SolveJob, job_id, populate_existing=True)
    if job is None:
        raise NotFound(f"No solve job {job_id}.")
    return job


def active_job(*, session: Session, team_id: str, week_start: date) -> SolveJob | None:
    """The queued or running job of a team's week, if there is one."""
    return session.scalars(
        select(SolveJob)
        .where(SolveJob.team_id == team_id, SolveJob.week_start == week_start, SolveJob.active.is_(True))
        .execution_options(populate_existing=True)
    ).one_or_none()


def latest_job(*, session: Session, team_id: str, week_start: date) -> SolveJob | None:
    """The week's active job, else its most recent one."""
    active = active_job(session=session, team_id=team_id, week_start=week_start)
    if active is not None:
        return active
    return session.scalars(
        select(SolveJob)
        .where(SolveJob.team_id == team_id, SolveJob.week_start == week_start)
        .order_by(SolveJob.id.desc())
        .limit(1)
    ).one_or_none()


def enqueue_solve(
    *,
    session: Session,
    team_id: str,
    week_start: date,
    time_limit: float,
    seed: int = 0,
    baseline_plan_id: int | None = None,
    from_date: date | None = None,
    user_id: int | None = None,
    after: Sequence[int] = (),
    re_roster: Sequence[str] = (),
) -> SolveJob:
    """Queue a solve of a team's week; JobConflict when one is already queued or running.

    ``re_roster`` (Part B): staff ids whose shifts a re-plan chooses again; everyone else keeps
    the baseline's roster (``adapter.to_problem``). ValueError names an id the team lacks.

    ``after`` makes it a later week of a plan of several weeks: the ids of the jobs of the
    earlier weeks, in week order. No worker takes it before the last of them has ended, and
    its solve reads their plans as those weeks' history (``chain_of``).
    """
    team = get_team(session=session, team_id=team_id)
    named = list(dict.fromkeys(re_roster))
    unknown = [ident for ident in named if ident not in {member.id for member in team.staff}]
    if unknown:
        raise ValueError(f"re_roster: the team has no staff member {', '.join(map(repr, unknown))}.")
    if week_start.weekday() != 0:
        raise ValueError(f"week_start {week_start} is not a Monday.")
    if not time_limit > 0:
        raise ValueError("A solve needs a positive time limit.")
    if baseline_plan_id is not None:
        baseline = get_plan(session=session, plan_id=baseline_plan_id)
        if baseline.team_id != team_id or baseline.week_start != week_start:
            raise ValueError(f"Baseline plan {baseline_plan_id} is not a plan of this team's week.")
    current = active_job(session=session, team_id=team_id, week_start=week_start)
    if current is not None and current.status == "running":
        # Whoever enqueues sweeps too: a dead worker's job must not block its week.
        if fail_stale_jobs(session=session, job_id=current.id):
            current = None
    if current is not None:
        raise _conflict(team_id, week_start, current)
    for earlier_id in after:
        earlier = get_job(session=session, job_id=earlier_id)
        if earlier.team_id != team_id or earlier.week_start >= week_start:
            raise ValueError(f"Job {earlier_id} is not a solve of an earlier week of team {team_id!r}.")
    job = SolveJob(
        team_id=team_id,
        week_start=week_start,
        status="queued",
        time_limit=time_limit,
        seed=seed,
        baseline_plan_id=baseline_plan_id,
        from_date=from_date,
        re_roster=named,
    )
    if after:
        job.progress = waiting_progress(list(after))
    try:
        with session.begin_nested():
            session.add(job)
            session.flush()
            audit(
                session=session,
                user_id=user_id,
                action="solve",
                target=f"team:{team_id}",
                detail={
                    "job": job.id,
                    "week_start": week_start.isoformat(),
                    "time_limit": time_limit,
                    **({"re_roster": named} if named else {}),
                },
            )
    except IntegrityError:
        # Another request queued one between our check and our insert.
        raise _conflict(team_id, week_start, None) from None
    return job


def _conflict(team_id: str, week_start: date, job: SolveJob | None) -> JobConflict:
    which = f" (job {job.id}, {job.status})" if job else ""
    return JobConflict(
        f"A solve of team {team_id!r} for the week of {week_start} is already queued or running{which}."
    )


def waiting_progress(after: list[int]) -> dict[str, Any]:
    """What a later week of a plan of several weeks shows while it waits for the week before."""
    return {
        "phase": "waiting",
        "after": after,
        "message": "Waits for the week before it: it is planned with that week's plan as history.",
    }


def chain_of(job: SolveJob) -> list[int]:
    """The ids of the jobs of the earlier weeks a job is planned after (empty for a lone week)."""
    return _after(job.progress)


def claim_next_job(*, session: Session, worker_pid: int) -> SolveJob | None:
    """Take the oldest queued job that may start for this worker, marking it running; None when none.

    A later week of a plan of several weeks may start once the job of the week before it
    has ended (``enqueue_solve``'s ``after``). Exactly one of several concurrent callers
    gets a given job. Call it at the start of a transaction and commit right after: on
    SQLite the claim takes the write lock before it reads; on PostgreSQL other workers
    skip the row locked here.
    """
    now = utcnow()
    values = {"status": "running", "worker_pid": worker_pid, "started_at": now, "heartbeat_at": now}
    postgres = session.get_bind().dialect.name == "postgresql"
    if not postgres:
        # An UPDATE first, even of no row, takes SQLite's write lock for the whole claim: a
        # transaction that read first and wrote later could fail on another's commit.
        session.execute(
            update(SolveJob).where(SolveJob.id == 0).values(worker_pid=None),
            execution_options={"synchronize_session": False},
        )
    queued = session.execute(
        select(SolveJob.id, SolveJob.progress).where(SolveJob.status == "queued").order_by(SolveJob.id)
    ).all()
    waits = {row.id: chain[-1] for row in queued if (chain := _after(row.progress))}
    busy: set[int] = set()
    if waits:
        busy = set(
            session.scalars(
                select(SolveJob.id).where(SolveJob.id.in_(set(waits.values())), SolveJob.active.is_(True))
            )
        )
    for row in queued:
        if waits.get(row.id) in busy:
            continue
        if postgres:
            job_id = session.scalar(
                select(SolveJob.id)
                .where(SolveJob.id == row.id, SolveJob.status == "queued")
                .with_for_update(skip_locked=True)
            )
            if job_id is None:
                continue
            session.execute(
                update(SolveJob).where(SolveJob.id == job_id).values(**values),
                execution_options={"synchronize_session": False},
            )
        else:
            job_id = session.scalar(
                update(SolveJob)
                .where(SolveJob.id == row.id, SolveJob.status == "queued")
                .values(**values)
                .returning(SolveJob.id),
                execution_options={"synchronize_session": False},
            )
            if job_id is None:
                continue
        return get_job(session=session, job_id=job_id)
    return None


def _after(progress: Any) -> list[int]:
    after = progress.get("after") if isinstance(progress, dict) else None
    return [int(i) for i in after] if isinstance(after, list) else []


def record_progress(*, session: Session, job_id: int, progress: dict[str, Any]) -> bool:
    """Store a running job's progress and heartbeat; True when the worker should stop now.

    The worker stops when a stop was requested or the job is no longer running
    (a sweep declared it failed).
    """
    job = get_job(session=session, job_id=job_id)
    if job.status != "running":
        return True
    job.progress = progress
    job.heartbeat_at = utcnow()
    session.flush()
    return job.stop_requested


def finish_job(
    *, session: Session, job_id: int, status: str, plan_id: int | None = None, error: str | None = None
) -> SolveJob:
    """End an active job as done, failed or stopped, with the plan it produced or its error."""
    if status not in FINISHED:
        raise ValueError(f"A job finishes as one of {', '.join(FINISHED)}, not {status!r}.")
    job = get_job(session=session, job_id=job_id)
    if not job.active:
        raise ValueError(f"Job {job_id} has already finished ({job.status}).")
    now = utcnow()
    job.status, job.finished_at = status, now
    job.plan_id, job.error = plan_id, error
    session.flush()
    return job


def request_stop(*, session: Session, job_id: int) -> SolveJob:
    """Stop a job: a queued one is stopped at once, a running one is asked to stop and keep its best plan.

    A running job whose worker is silent past ``STALE_SECONDS`` has nobody to ask:
    it ends at once, failed, saying the worker stopped unexpectedly.
    """
    if fail_stale_jobs(session=session, job_id=job_id):
        return get_job(session=session, job_id=job_id)
    now = utcnow()
    # Conditional updates, so a worker claiming the job meanwhile is not overwritten.
    stopped = session.execute(
        update(SolveJob)
        .where(SolveJob.id == job_id, SolveJob.status == "queued")
        .values(status="stopped", active=None, finished_at=now),
        execution_options={"synchronize_session": False},
    )
    if not stopped.rowcount:  # type: ignore[attr-defined]
        session.execute(
            update(SolveJob)
            .where(SolveJob.id == job_id, SolveJob.status == "running")
            .values(stop_requested=True),
            execution_options={"synchronize_session": False},
        )
    return get_job(session=session, job_id=job_id)


def fail_stale_jobs(
    *, session: Session, older_than_seconds: float | None = None, job_id: int | None = None
) -> list[SolveJob]:
    """Mark failed every running job whose worker has not reported for ``older_than_seconds``.

    The default bound is ``STALE_SECONDS``; ``job_id`` limits the sweep to that one job.
    Anyone may sweep (a worker, the server, a request that enqueues or stops): the
    verdict is the same, and a job another transaction holds is left to the next sweep.
    """
    now = utcnow()
    bound = STALE_SECONDS if older_than_seconds is None else older_than_seconds
    cutoff: datetime = now - timedelta(seconds=bound)
    query = select(SolveJob).where(SolveJob.status == "running", SolveJob.heartbeat_at < cutoff)
    if job_id is not None:
        query = query.where(SolveJob.id == job_id)
    stale = session.scalars(
        query.with_for_update(skip_locked=True).execution_options(populate_existing=True)
    ).all()
    for job in stale:
        job.status, job.finished_at = "failed", now
        # The lead reads this on the board: the time as the team's clocks showed it.
        team = session.get(Team, job.team_id)
        since = team_time(job.heartbeat_at, team.timezone if team is not None else "UTC")
        job.error = f"The worker stopped unexpectedly: no word from process {job.worker_pid} since {since}."
    session.flush()
    return list(stale)
