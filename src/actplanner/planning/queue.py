"""The solve queue as one small interface: pages enqueue and stop, workers claim, beat, finish and sweep.

``DatabaseQueue`` keeps the queue in the ``solve_jobs`` table (``planning.jobs``);
another backend is one more class with these methods. The job rows stay the
record of what was asked and what came of it, whichever backend carries them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol

from sqlalchemy.orm import Session

from actplanner.db import SolveJob
from actplanner.planning import jobs


class SolveQueue(Protocol):
    """Where solves wait for a worker."""

    def enqueue(
        self,
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

        ``after``: the jobs of the earlier weeks of a plan of several weeks, in week order.
        The job waits for the last of them to end and is planned with their plans as history.
        ``re_roster`` (Part B): the staff whose shifts a re-plan chooses again (ids).

        A running job of that week whose worker is silent past ``jobs.STALE_SECONDS`` is
        failed first and does not count: a dead worker must not block its week.
        """
        ...

    def claim(self, *, session: Session, worker_pid: int) -> SolveJob | None:
        """The oldest queued job that may start (not waiting for an earlier week), now running
        for this worker; None when there is none."""
        ...

    def heartbeat(self, *, session: Session, job_id: int, progress: dict[str, Any]) -> bool:
        """Report a running job's progress; True when its worker should stop now."""
        ...

    def finish(
        self,
        *,
        session: Session,
        job_id: int,
        status: str,
        plan_id: int | None = None,
        error: str | None = None,
    ) -> SolveJob:
        """End an active job as done, failed or stopped."""
        ...

    def stop(self, *, session: Session, job_id: int) -> SolveJob:
        """Stop a job: a queued one at once, a running one at its next heartbeat.

        A running job whose worker is silent past ``jobs.STALE_SECONDS`` ends failed at once.
        """
        ...

    def sweep(self, *, session: Session, older_than_seconds: float) -> list[SolveJob]:
        """Fail the running jobs whose worker has been silent for ``older_than_seconds``.

        Workers sweep, and so does ``actplanner serve`` every few seconds, with or without workers.
        """
        ...


class DatabaseQueue:
    """The solve queue in the database: a unique index allows one active job per team and week."""

    def enqueue(
        self,
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
        return jobs.enqueue_solve(
            session=session,
            team_id=team_id,
            week_start=week_start,
            time_limit=time_limit,
            seed=seed,
            baseline_plan_id=baseline_plan_id,
            from_date=from_date,
            user_id=user_id,
            after=after,
            re_roster=re_roster,
        )

    def claim(self, *, session: Session, worker_pid: int) -> SolveJob | None:
        return jobs.claim_next_job(session=session, worker_pid=worker_pid)

    def heartbeat(self, *, session: Session, job_id: int, progress: dict[str, Any]) -> bool:
        return jobs.record_progress(session=session, job_id=job_id, progress=progress)

    def finish(
        self,
        *,
        session: Session,
        job_id: int,
        status: str,
        plan_id: int | None = None,
        error: str | None = None,
    ) -> SolveJob:
        return jobs.finish_job(session=session, job_id=job_id, status=status, plan_id=plan_id, error=error)

    def stop(self, *, session: Session, job_id: int) -> SolveJob:
        return jobs.request_stop(session=session, job_id=job_id)

    def sweep(self, *, session: Session, older_than_seconds: float) -> list[SolveJob]:
        return jobs.fail_stale_jobs(session=session, older_than_seconds=older_than_seconds)
