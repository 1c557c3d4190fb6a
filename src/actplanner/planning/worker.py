"""The solve worker: a process of its own that claims queued solve jobs and runs them.

The web server only queues jobs and reads their progress, so a long solve never
slows a page. Run one or more workers beside it (``actplanner serve`` starts
them; ``actplanner worker`` or ``python -m actplanner.planning.worker`` runs one alone).

Liveness: while a job runs, a heartbeat thread refreshes the job's
``heartbeat_at`` every few seconds, whatever the solver is doing; a worker that
is killed outright stops beating, and the next sweep marks its job failed:
a worker sweeps when it starts and while idle, ``actplanner serve`` sweeps every
few seconds, and enqueuing or stopping a solve sweeps that job. SIGTERM or Ctrl-C asks the running solve to
stop: its best plan so far is saved and the job ends ``stopped``, saying why.
A second signal gives up at once and marks the job failed.

A transient database error ("database is locked", a dropped connection) does
not end a worker: it waits, longer each time up to ``RETRY_MAX_SECONDS``, and
tries again. ``actplanner serve`` restarts a worker that exits all the same.

A solve only ever saves a new draft: the published plan is never touched.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm import Session, sessionmaker

import solver
from actplanner.db import SolveJob, make_engine, make_sessionmaker
from actplanner.db.unit_of_work import unit_of_work
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import FormatError, PlanFile, load_plan
from actplanner.planning.history import team_history
from actplanner.planning.jobs import STALE_SECONDS, SWEEP_SECONDS, chain_of, get_job
from actplanner.planning.plans import save_plan, stored_plan_doc
from actplanner.planning.queue import DatabaseQueue, SolveQueue
from actplanner.settings import get_settings
from actplanner.teams.service import team_file

log = logging.getLogger("actplanner.planning.worker")

#: Seconds between heartbeats of a running job, solver reports or not.
HEARTBEAT_SECONDS = 5.0
#: The first wait after a transient database error; each further one doubles, up to the most.
RETRY_FIRST_SECONDS = 0.5
RETRY_MAX_SECONDS = 10.0
#: Tries of one write of a running job (its plan, its failure) before it is left to the sweep.
JOB_WRITE_ATTEMPTS = 6
#: Phases whose progress is always written at once: the page should see them.
ALWAYS_RECORDED = ("first plan", "done")
SHUTDOWN_MESSAGE = "The worker was shut down during the solve; the best plan so far was kept."
INTERRUPTED_MESSAGE = "The worker was interrupted before the solve finished; no plan was saved."
MAX_ERROR_LENGTH = 500


def run_job(
    *,
    sessionmaker: sessionmaker[Session],
    job_id: int,
    stop_check_interval: float = 0.5,
    shutdown: threading.Event | None = None,
    heartbeat_seconds: float = HEARTBEAT_SECONDS,
    queue: SolveQueue | None = None,
) -> SolveJob:
    """Run one claimed (running) job to its end: ``done``, ``stopped`` or ``failed``; return the job.

    Progress goes to the database in short transactions of its own, at most every
    ``stop_check_interval`` seconds (always for the first plan and the end); the
    answer tells whether a stop was requested. ``shutdown``, when set, stops the
    search as a stop request would. Any error fails the job with a one-line
    message and saves no plan. A job that is not running is refused (ValueError).
    """
    shutdown = shutdown or threading.Event()
    queue = queue or DatabaseQueue()
    reporter = _Reporter(sessionmaker, queue, job_id, stop_check_interval, shutdown)

    def read_status() -> str:
        with sessionmaker() as session:
            return get_job(session=session, job_id=job_id).status

    status = _retrying(f"job {job_id}: reading it", read_status)
    if status != "running":
        raise ValueError(f"Job {job_id} is {status}, not running; claim it first (claim_next_job).")

    def load() -> tuple[Any, ...]:
        # Committed: reading the contact log leaves its audit record.
        with sessionmaker.begin() as session:
            job = get_job(session=session, job_id=job_id)
            team = team_file(session=session, team_id=job.team_id)
            baseline = (
                load_plan(stored_plan_doc(session=session, plan_id=job.baseline_plan_id))
                if job.baseline_plan_id is not None
                else None
            )
            after = chain_of(job)
            # Read at solve time, not stored with the job: a plan published or a contact
            # recorded while the job waited for a worker still counts. A re-plan from F also
            # counts the week's own contacts before F.
            replanning = baseline is not None and job.from_date is not None
            history = team_history(
                session,
                job.team_id,
                job.week_start,
                team=team,
                drafts=_chain_drafts(session, after),
                contacts_until=job.from_date - timedelta(days=1) if replanning and job.from_date else None,
                purpose="re-plan" if replanning else "plan",
            )
            params = solver.SolveParams(time_limit=job.time_limit, seed=job.seed)
            re_roster = tuple(job.re_roster or ())
            return team, baseline, job.week_start, job.from_date, history, params, after, re_roster

    try:
        team, baseline, week_start, from_date, history, params, after, re_roster = _retrying(
            f"job {job_id}: loading its team", load
        )
        if after:
            # The record of which weeks it was planned after outlives the progress reports.
            reporter.keep = {"after": after}
        # Part B: the baseline's shifts (stored_plan_doc) are kept but for the staff re-rostered.
        problem = to_problem(
            team, week_start, baseline=baseline, from_date=from_date, history=history, re_roster=re_roster
        )
        with _heartbeat(reporter, heartbeat_seconds):
            result = solver.solve(problem, params, reporter.on_progress)
        # A re-plan from F says so (plan@2 ``replan_from``): its publish check counts what happened.
        replan_from = from_date if baseline is not None else None
        plan = to_plan_file(result, team, week_start, replan_from=replan_from)
        source = "replan" if baseline is not None else "solve"
        stopped = result.status == "stopped"
        return _retrying(
            f"job {job_id}: saving its plan",
            lambda: _finish(sessionmaker, queue, job_id, plan, source, reporter, stopped=stopped),
        )
    except Exception as err:
        log.exception("job %s failed", job_id)
        message = one_line(err)
        return _retrying(
            f"job {job_id}: recording its failure", lambda: _fail(sessionmaker, queue, job_id, message)
        )
    except BaseException:
        # KeyboardInterrupt or SystemExit: say so on the job before the process goes.
        _fail(sessionmaker, queue, job_id, INTERRUPTED_MESSAGE)
        raise


def _chain_drafts(session: Session, after: list[int]) -> dict[date, int]:
    """The plans the earlier weeks' jobs of a plan of several weeks made, by week.

    A week whose job ended without a plan (failed, or stopped before its first plan) stops
    the chain: the later week would be planned without the history it was promised.
    """
    drafts = {}
    for earlier_id in after:
        earlier = get_job(session=session, job_id=earlier_id)
        if earlier.plan_id is None:
            raise ChainBroken(
                f"the week of {earlier.week_start} before it ended {earlier.status} without a plan, "
                "so this week was not planned; plan the weeks again from that one"
            )
        drafts[earlier.week_start] = earlier.plan_id
    return drafts


class ChainBroken(Exception):
    """A later week of a plan of several weeks whose earlier week has no plan to read."""


def work_loop(
    *,
    url: str | None = None,
    poll_seconds: float = 0.5,
    once: bool = False,
    shutdown: threading.Event | None = None,
    parent_pid: int | None = None,
    queue: SolveQueue | None = None,
) -> int:
    """Claim and run queued jobs until shut down; with ``once``, until the queue is empty. Returns jobs run.

    First, and again every ``SWEEP_SECONDS`` while idle, running jobs whose
    worker has gone silent are marked failed. ``parent_pid``: also shut down
    when that process (``actplanner serve``) is gone. A transient database error
    (see ``is_transient``) is logged and the loop tries again after a wait that
    doubles up to ``RETRY_MAX_SECONDS``; any other error ends the loop.
    """
    shutdown = shutdown or threading.Event()
    queue = queue or DatabaseQueue()
    engine = make_engine(url or get_settings().database_url, pool_pre_ping=True)
    factory = make_sessionmaker(engine)
    pid = os.getpid()
    ran = 0
    last_sweep = float("-inf")
    delay = RETRY_FIRST_SECONDS
    try:
        log.info("worker %s waiting for solve jobs", pid)
        while not shutdown.is_set():
            if parent_pid is not None and os.getppid() != parent_pid:
                log.info("worker %s: parent %s is gone, stopping", pid, parent_pid)
                break
            try:
                if time.monotonic() - last_sweep > SWEEP_SECONDS:
                    sweep_stale_jobs(factory, queue)
                    last_sweep = time.monotonic()
                with unit_of_work(factory) as work:
                    session = work.session
                    job = queue.claim(session=session, worker_pid=pid)
                    job_id = job.id if job is not None else None
                if job_id is not None:
                    log.info("worker %s: job %s started", pid, job_id)
                    finished = run_job(sessionmaker=factory, job_id=job_id, shutdown=shutdown, queue=queue)
                    ran += 1
                    log.info("worker %s: job %s %s", pid, job_id, finished.status)
            except Exception as err:
                if not is_transient(err):
                    raise
                log.warning("worker %s: %s; trying again in %.1f s", pid, database_trouble(err), delay)
                shutdown.wait(delay)
                delay = min(delay * 2, RETRY_MAX_SECONDS)
                continue
            delay = RETRY_FIRST_SECONDS
            if job_id is not None:
                continue
            if once:
                break
            shutdown.wait(poll_seconds)
    finally:
        engine.dispose()
    return ran


def is_transient(err: BaseException) -> bool:
    """Whether a database error may pass if tried again: a lock, a lost connection, a full pool.

    On SQLite only a busy or locked database counts: its other operational errors
    (a missing table, a read-only file) stay until someone acts.
    """
    if isinstance(err, PoolTimeoutError):
        return True
    if not isinstance(err, DBAPIError):
        return False
    if err.connection_invalidated:
        return True
    if not isinstance(err, OperationalError):
        return False
    if isinstance(err.orig, sqlite3.Error):
        return any(word in str(err.orig).lower() for word in ("locked", "busy"))
    return True


def database_trouble(err: BaseException) -> str:
    """A transient database error in words, without the SQL statement SQLAlchemy adds to it."""
    orig = err.orig if isinstance(err, DBAPIError) else err
    text = " ".join(str(orig).split()) or type(orig).__name__
    return f"the database did not answer ({text})"


T = TypeVar("T")


def _retrying(what: str, call: Callable[[], T], attempts: int | None = None) -> T:
    """``call()``, tried again after a transient database error, waiting longer each time."""
    attempts = JOB_WRITE_ATTEMPTS if attempts is None else attempts
    delay = RETRY_FIRST_SECONDS
    for attempt in range(1, attempts + 1):
        try:
            return call()
        except Exception as err:
            if not is_transient(err) or attempt == attempts:
                raise
            log.warning("%s: %s; trying again in %.1f s", what, database_trouble(err), delay)
            time.sleep(delay)
            delay = min(delay * 2, RETRY_MAX_SECONDS)
    raise AssertionError("unreachable")  # pragma: no cover


def one_line(err: BaseException) -> str:
    """An error as one short line for the job's page: its messages joined, its type when it has none."""
    if isinstance(err, FormatError):
        text = "; ".join(err.messages)
    elif is_transient(err):
        text = database_trouble(err)
    else:
        text = " ".join(str(err).split())
    text = text or type(err).__name__
    text = f"The solve failed: {text}"
    return text if len(text) <= MAX_ERROR_LENGTH else text[: MAX_ERROR_LENGTH - 1] + "…"


class _Reporter:
    """Writes a job's progress to the database, throttled, and knows whether the search should stop."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        queue: SolveQueue,
        job_id: int,
        interval: float,
        shutdown: threading.Event,
    ) -> None:
        self.factory, self.queue, self.job_id = factory, queue, job_id
        self.interval, self.shutdown = interval, shutdown
        self.stop = False
        self.asked_to_stop = False
        self.last: dict[str, Any] = {"phase": "starting"}
        #: Kept in every report: the earlier weeks' jobs a later week was planned after.
        self.keep: dict[str, Any] = {}
        self.last_write = float("-inf")
        # The heartbeat thread and the solver's callback take turns writing.
        self.lock = threading.Lock()

    def on_progress(self, progress: Any) -> bool:
        """The solver's callback: store the report when due; True stops the search, keeping its best plan."""
        if progress.phase == "first plan" and progress.best_objective is not None:
            # Kept so the page can say how much the search has improved on it.
            self.keep["first_objective"] = progress.best_objective
        if getattr(progress, "visits", None) is not None:
            # The last whole plan's figures (visits placed, travel) stay shown, with the phase
            # they are from, while the search reports only its score.
            self.keep.update(
                visits=progress.visits, travel_minutes=progress.travel_minutes, figures_phase=progress.phase
            )
        report = {
            "phase": progress.phase,
            "elapsed": progress.elapsed,
            "time_limit": progress.time_limit,
            "best_objective": progress.best_objective,
            "bound": progress.bound,
            "unmet": progress.unmet,
            "message": progress.message,
            **self.keep,
        }
        with self.lock:
            self.last = report
            due = time.monotonic() - self.last_write >= self.interval
        if due or progress.phase in ALWAYS_RECORDED:
            try:
                self.write()
            except Exception as err:
                # A report lost to a busy database is not worth the solve: the next one carries on.
                if not is_transient(err):
                    raise
                log.warning("job %s: progress not recorded: %s", self.job_id, database_trouble(err))
        if self.shutdown.is_set() or self.stop:
            self.asked_to_stop = True
        return self.asked_to_stop

    def write(self) -> None:
        """Store the last report (refreshing the heartbeat) and learn whether a stop was requested."""
        with self.lock, unit_of_work(self.factory) as work:
            session = work.session
            self.stop = self.queue.heartbeat(session=session, job_id=self.job_id, progress=self.last)
            self.last_write = time.monotonic()


@contextmanager
def _heartbeat(reporter: _Reporter, seconds: float) -> Iterator[None]:
    """Beat for the job in a thread while the body runs: some solver phases report rarely."""
    done = threading.Event()

    def beat() -> None:
        while not done.wait(seconds):
            try:
                reporter.write()
            except Exception:  # a missed beat is retried; only silence for STALE_SECONDS matters
                log.warning("job %s: heartbeat failed", reporter.job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"heartbeat-{reporter.job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def _finish(
    factory: sessionmaker[Session],
    queue: SolveQueue,
    job_id: int,
    plan: PlanFile,
    source: str,
    reporter: _Reporter,
    *,
    stopped: bool,
) -> SolveJob:
    with unit_of_work(factory) as work:
        session = work.session
        job = get_job(session=session, job_id=job_id)
        if job.status != "running":
            # A sweep gave up on this job meanwhile; its verdict stands and the plan is dropped.
            log.warning("job %s is %s; its plan is not saved", job_id, job.status)
            return job
        saved = save_plan(
            session=session,
            team_id=job.team_id,
            plan_file=plan,
            source=source,
            baseline_plan_id=job.baseline_plan_id,
        )
        stopped = stopped or reporter.asked_to_stop
        error = SHUTDOWN_MESSAGE if stopped and reporter.shutdown.is_set() and not reporter.stop else None
        return queue.finish(
            session=session,
            job_id=job_id,
            status="stopped" if stopped else "done",
            plan_id=saved.id,
            error=error,
        )


def _fail(factory: sessionmaker[Session], queue: SolveQueue, job_id: int, message: str) -> SolveJob:
    with unit_of_work(factory) as work:
        session = work.session
        job = get_job(session=session, job_id=job_id)
        if not job.active:
            return job
        return queue.finish(session=session, job_id=job_id, status="failed", error=message)


def sweep_stale_jobs(
    factory: sessionmaker[Session], queue: SolveQueue, older_than_seconds: float | None = None
) -> list[int]:
    """Fail the running jobs silent for ``older_than_seconds`` (default ``STALE_SECONDS``); their ids."""
    bound = STALE_SECONDS if older_than_seconds is None else older_than_seconds
    with unit_of_work(factory) as work:
        session = work.session
        failed = queue.sweep(session=session, older_than_seconds=bound)
        for job in failed:
            log.warning("job %s failed: %s", job.id, job.error)
        return [job.id for job in failed]


@contextmanager
def stop_on_signals(shutdown: threading.Event) -> Iterator[None]:
    """SIGTERM or SIGINT sets ``shutdown`` (the solve keeps its best plan); a second one interrupts."""

    def handle(signum: int, _frame: Any) -> None:
        if shutdown.is_set():
            raise KeyboardInterrupt
        log.info("%s: stopping after the current solve saves its best plan", signal.Signals(signum).name)
        shutdown.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


#: Solves run at a lower CPU priority than the web server: on a small machine an
#: on-call lookup in a crisis must not queue behind a solve (docs/on_call_load.md).
SOLVE_NICENESS = 19


def lower_priority(niceness: int) -> None:
    """Make this process yield the CPU to the web server.

    On Linux the idle scheduling class: the solve runs only on CPU time nobody else
    wants, and a waking web request preempts it at once (nice 19 alone measured p99
    lookups of 13 to 54 ms during a solve). The solve's budgets are counted in work
    units, so it finds the same plan, only later when the server is busy.
    Elsewhere, or when that is refused, plain ``nice``.
    """
    if niceness <= 0:
        return
    os.nice(niceness)
    if hasattr(os, "sched_setscheduler") and hasattr(os, "SCHED_IDLE"):
        try:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        except OSError:
            log.info("the idle scheduling class was refused; the worker runs at nice %s", niceness)


def main(argv: list[str] | None = None) -> None:
    """``python -m actplanner.planning.worker``: run a worker on ``ACTPLANNER_DATABASE_URL``."""
    parser = argparse.ArgumentParser(
        prog="python -m actplanner.planning.worker", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--once", action="store_true", help="run the queued jobs, then exit")
    parser.add_argument("--poll", type=float, default=0.5, help="seconds between looks at an empty queue")
    parser.add_argument("--parent-pid", type=int, help="exit when this process is gone")
    parser.add_argument(
        "--nice",
        type=int,
        default=SOLVE_NICENESS,
        help="how much to lower this process's CPU priority (0: not at all)",
    )
    args = parser.parse_args(argv)
    lower_priority(args.nice)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    shutdown = threading.Event()
    try:
        with stop_on_signals(shutdown):
            work_loop(poll_seconds=args.poll, once=args.once, shutdown=shutdown, parent_pid=args.parent_pid)
    except KeyboardInterrupt:
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
