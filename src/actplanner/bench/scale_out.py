"""``actplanner bench workers``: solve workers as separate processes on one PostgreSQL, measured.

An agency that outgrows one machine adds solve workers on other machines. The
queue is the ``solve_jobs`` table, claimed with ``FOR UPDATE SKIP LOCKED``
(``planning.jobs.claim_next_job``): there is no second queue system to run.
This benchmark starts each worker the way a shell on another host would: an
``actplanner worker`` process with a working folder, home and log of its own and
an environment holding nothing of this process but ``PATH`` and the database
URL. It queues a burst of solves of the sample teams, measures how long the
burst takes and how long each solve waited for a worker, and checks from the
workers' own logs that every job was started exactly once. A kill phase
``kill -9``s a worker mid-solve and follows its job: failed by a sweep, queued
again, done.
"""

from __future__ import annotations

import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import make_url, text
from sqlalchemy.orm import Session, sessionmaker

from actplanner.bench.teams import WEEK, machine
from actplanner.db import SolveJob, make_engine, make_sessionmaker, migrate, scratch, utcnow
from actplanner.db.unit_of_work import unit_of_work
from actplanner.domain.errors import NotFound
from actplanner.planning.jobs import FINISHED, STALE_SECONDS, get_job
from actplanner.planning.queue import DatabaseQueue
from actplanner.planning.worker import sweep_stale_jobs
from actplanner.resources import fixture_file
from actplanner.teams.service import get_team, import_team

#: The sample teams a burst takes in turn: 20 and 100 clients.
TEAMS = ("small", "standard")
#: What a worker logs once it waits for jobs, for each job it claims, and prints as it exits.
READY = "waiting for solve jobs"
STARTED = re.compile(r"worker (\d+): job (\d+) started")
RAN = re.compile(r"(\d+) solve job\(s\) run\.")
#: Seconds a worker may take to start (imports, migration check) on a busy machine.
START_SECONDS = 90.0
#: Seconds a worker gets to exit after SIGTERM when idle: it has no solve to save.
STOP_SECONDS = 30.0
POLL_SECONDS = 0.25
#: Progress phases of a solve that has not reached the search yet.
BEFORE_SEARCH = ("starting", "caseload")


class BenchError(Exception):
    """The benchmark could not run: a worker that did not start, a job that never ended."""


def fresh_database(server_url: str) -> AbstractContextManager[str]:
    """A new empty database for one benchmark run on the server ``server_url`` reaches, dropped afterwards."""
    return scratch.fresh_database(server_url, "actplanner_bench")


def import_sample_teams(factory: sessionmaker[Session]) -> list[str]:
    """Import the sample teams; their ids. A database that has one already is refused, not overwritten."""
    docs = [json.loads(fixture_file(name).read_text()) for name in TEAMS]
    with unit_of_work(factory) as work:
        for doc in docs:
            team_id = doc["team"]["id"]
            try:
                get_team(session=work.session, team_id=team_id)
            except NotFound:
                import_team(session=work.session, data=doc)
                continue
            raise BenchError(
                f"the database already has a team {team_id!r}; give an empty database "
                "or let the benchmark create its own"
            )
    return [doc["team"]["id"] for doc in docs]


def burst(team_ids: list[str], count: int, first_week: date = WEEK) -> list[tuple[str, date]]:
    """``count`` solves as (team, week): the teams taken in turn, each on successive weeks."""
    return [
        (team_ids[i % len(team_ids)], first_week + timedelta(weeks=i // len(team_ids))) for i in range(count)
    ]


def queue_solves(
    factory: sessionmaker[Session], solves: list[tuple[str, date]], time_limit: float
) -> list[int]:
    """Queue the solves in one transaction, so every worker sees them at once; their job ids."""
    queue = DatabaseQueue()
    with unit_of_work(factory) as work:
        jobs = [
            queue.enqueue(session=work.session, team_id=team_id, week_start=week, time_limit=time_limit)
            for team_id, week in solves
        ]
        return [job.id for job in jobs]


def worker_command() -> list[str]:
    """``actplanner worker`` from this install; at full CPU priority, as on a host of its own."""
    return [sys.executable, "-m", "actplanner.cli.main", "worker", "--nice", "0"]


@dataclass
class WorkerProcess:
    """One ``actplanner worker`` process and the log it writes in its own folder."""

    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def ready(self) -> bool:
        return READY in self.text()

    def started_jobs(self) -> list[int]:
        """The job ids this worker logged starting, once per claim."""
        return [int(job) for pid, job in STARTED.findall(self.text()) if int(pid) == self.pid]

    def jobs_run(self) -> int | None:
        """How many jobs the worker said it ran as it exited; None before that."""
        found = RAN.search(self.text())
        return int(found.group(1)) if found else None

    def last_line(self) -> str:
        lines = self.text().strip().splitlines()
        return lines[-1] if lines else "(nothing logged)"

    def cpu_seconds(self) -> float | None:
        """CPU time the process has used so far (user and system); None where /proc cannot tell."""
        try:
            # The command name in parentheses may hold spaces; utime and stime follow it.
            fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return None


def start_worker(url: str, folder: Path) -> WorkerProcess:
    """A worker with only the database URL in common with anything else: folder, home and log its own."""
    folder.mkdir(parents=True)
    env = {"PATH": os.environ.get("PATH", os.defpath), "HOME": str(folder), "ACTPLANNER_DATABASE_URL": url}
    for name in ("LANG", "LC_ALL"):
        if name in os.environ:
            env[name] = os.environ[name]
    log = folder / "worker.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            worker_command(),
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return WorkerProcess(proc, log)


def start_workers(url: str, count: int, folder: Path) -> list[WorkerProcess]:
    """``count`` workers, returned once every one of them waits for jobs."""
    workers = [start_worker(url, folder / f"worker-{i + 1}") for i in range(count)]
    deadline = time.monotonic() + START_SECONDS
    try:
        while not all(w.ready() for w in workers):
            for w in workers:
                code = w.proc.poll()
                if code is not None:
                    raise BenchError(f"worker {w.pid} exited with code {code} as it started: {w.last_line()}")
            if time.monotonic() > deadline:
                raise BenchError(f"the workers were not ready after {START_SECONDS:g} s")
            time.sleep(POLL_SECONDS)
    except BaseException:
        stop_workers(workers)
        raise
    return workers


def stop_workers(workers: list[WorkerProcess]) -> None:
    """SIGTERM each worker (an idle one exits at once, saying how many jobs it ran); kill the stuck."""
    for w in workers:
        if w.proc.poll() is None:
            w.proc.terminate()
    for w in workers:
        try:
            w.proc.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            w.proc.kill()
            w.proc.wait()


def wait_finished(
    factory: sessionmaker[Session],
    job_ids: list[int],
    workers: list[WorkerProcess],
    timeout: float,
    tick: Callable[[], None] | None = None,
) -> dict[int, SolveJob]:
    """The jobs once every one has finished; BenchError when the time is up or every worker is gone."""
    deadline = time.monotonic() + timeout
    while True:
        if tick is not None:
            tick()
        with factory() as session:
            jobs = {job_id: get_job(session=session, job_id=job_id) for job_id in job_ids}
        if all(job.status in FINISHED for job in jobs.values()):
            return jobs
        if all(w.proc.poll() is not None for w in workers):
            raise BenchError("every worker exited with jobs still queued or running")
        if time.monotonic() > deadline:
            waiting = sorted(job_id for job_id, job in jobs.items() if job.status not in FINISHED)
            raise BenchError(f"jobs {waiting} had not finished after {timeout:g} s")
        time.sleep(POLL_SECONDS)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` quantile (0 < share <= 1), interpolated between the closest ranks."""
    if share >= 1 or len(values) == 1:
        return max(values)
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def _seconds(values: list[float], share: float | None = None) -> str:
    """A table cell: the quantile (the mean when ``share`` is None) to a tenth of a second; – when empty."""
    if not values:
        return "–"
    return f"{statistics.mean(values) if share is None else percentile(values, share):.1f}"


@dataclass(frozen=True)
class Burst:
    """One run: ``workers`` processes working off the same queued solves."""

    workers: int
    jobs: dict[int, SolveJob]
    #: Job id -> how many worker logs say it was started, and by which pid.
    starts: dict[int, list[int]]
    #: What each worker said it ran as it exited (None: it did not say).
    reported: list[int | None]
    #: CPU seconds the workers used from the queueing to the last job's end; None where unknown.
    cpu_seconds: float | None = None
    #: The 1-minute load average as the solves were queued: how busy the shared machine was.
    load: float | None = None

    @property
    def cpu_per_solve(self) -> float | None:
        return None if self.cpu_seconds is None else self.cpu_seconds / len(self.jobs)

    @property
    def cores_used(self) -> float | None:
        """The workers' CPU time over the makespan: how many cores they had between them."""
        return None if self.cpu_seconds is None or not self.makespan else self.cpu_seconds / self.makespan

    @property
    def objectives(self) -> dict[tuple[str, date], float]:
        """Each solve's final objective (lower is better) by team and week, as its worker reported it."""
        found = {}
        for job in self.jobs.values():
            objective = (job.progress or {}).get("best_objective")
            if objective is not None:
                found[(job.team_id, job.week_start)] = float(objective)
        return found

    def objective_ratio(self, base: Burst) -> float | None:
        """The mean over the solves both runs made of this run's objective over ``base``'s."""
        mine, theirs = self.objectives, base.objectives
        ratios = [mine[key] / theirs[key] for key in mine.keys() & theirs.keys() if theirs[key]]
        return statistics.mean(ratios) if ratios else None

    @property
    def makespan(self) -> float:
        """Seconds from the first job queued to the last one finished."""
        first = min(job.created_at for job in self.jobs.values())
        last = max(job.finished_at or job.created_at for job in self.jobs.values())
        return (last - first).total_seconds()

    @property
    def throughput(self) -> float:
        """Solves finished per minute."""
        return len(self.jobs) / self.makespan * 60 if self.makespan else 0.0

    @property
    def waits(self) -> list[float]:
        """Each job's time-to-start: claimed (``started_at``) minus queued (``created_at``), seconds."""
        return [
            (job.started_at - job.created_at).total_seconds()
            for job in self.jobs.values()
            if job.started_at is not None
        ]

    @property
    def solve_seconds(self) -> list[float]:
        return [
            (job.finished_at - job.started_at).total_seconds()
            for job in self.jobs.values()
            if job.started_at is not None and job.finished_at is not None
        ]

    @property
    def per_worker(self) -> list[int]:
        """Solves each worker ran, most first."""
        counts = Counter(pid for pids in self.starts.values() for pid in pids)
        return sorted(counts.values(), reverse=True)

    def problems(self) -> list[str]:
        """What broke the promise: a job not done, or not started exactly once (``start_problems``)."""
        ended = [
            f"job {job_id} ended {job.status}: {job.error}"
            for job_id, job in sorted(self.jobs.items())
            if job.status != "done"
        ]
        return ended + self.start_problems()

    def start_problems(self) -> list[str]:
        """Jobs not started exactly once, by the worker their row names; run counts that do not add up."""
        found = []
        for job_id, job in sorted(self.jobs.items()):
            pids = self.starts.get(job_id, [])
            if len(pids) != 1:
                found.append(f"job {job_id} was started {len(pids)} times (workers {pids})")
            elif pids[0] != job.worker_pid:
                found.append(f"job {job_id} was started by worker {pids[0]}, its row names {job.worker_pid}")
        ran = sum(r or 0 for r in self.reported)
        if any(r is None for r in self.reported):
            found.append("a worker did not say how many jobs it ran as it exited")
        elif ran != len(self.jobs):
            found.append(f"the workers ran {ran} jobs for {len(self.jobs)} queued")
        return found


def run_burst(
    url: str, *, workers: int, solves: list[tuple[str, date]], time_limit: float, folder: Path
) -> Burst:
    """Start ``workers`` processes, queue ``solves`` at once, wait until all have finished, stop them."""
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    procs = start_workers(url, workers, folder)
    try:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        cpu_before = [w.cpu_seconds() for w in procs]
        job_ids = queue_solves(factory, solves, time_limit)
        # Generous: one worker at a time, on a machine shared with others, plus a start for each.
        timeout = len(solves) * (time_limit * 6 + 10) + 60
        jobs = wait_finished(factory, job_ids, procs, timeout)
        cpu_after = [w.cpu_seconds() for w in procs]
    finally:
        stop_workers(procs)
        engine.dispose()
    spans = [
        (a - b) if a is not None and b is not None else None
        for a, b in zip(cpu_after, cpu_before, strict=True)
    ]
    cpu = None if None in spans else sum(x or 0.0 for x in spans)
    starts: dict[int, list[int]] = {job_id: [] for job_id in jobs}
    for w in procs:
        for job_id in w.started_jobs():
            starts.setdefault(job_id, []).append(w.pid)
    return Burst(
        workers=workers,
        jobs=jobs,
        starts=starts,
        reported=[w.jobs_run() for w in procs],
        cpu_seconds=cpu,
        load=load,
    )


@dataclass
class KillOutcome:
    """What became of a job whose worker was killed mid-solve, and of its re-queue."""

    job_id: int
    victim_pid: int
    survivor_pid: int
    phase_at_kill: str
    seconds_to_failed: float
    failed_status: str
    error: str
    swept_by: str
    survivor_job_status: str
    requeued_job_id: int
    requeued_status: str
    requeued_by: int | None
    seconds_to_done: float
    #: Seconds from the job's last heartbeat to the kill (the sweep's bound counts from the beat).
    silent_before_kill: float = 0.0
    victim_started: list[int] = field(default_factory=list)
    survivor_started: list[int] = field(default_factory=list)

    def problems(self) -> list[str]:
        """What broke the promise (killed job failed, saying why; the re-queue done by the survivor)."""
        found = []
        if self.failed_status != "failed" or not self.error.startswith("The worker stopped unexpectedly"):
            found.append(f"the killed worker's job {self.job_id} ended {self.failed_status}: {self.error}")
        if self.requeued_status != "done":
            found.append(f"the re-queued job {self.requeued_job_id} ended {self.requeued_status}")
        if self.survivor_job_status != "done":
            found.append(f"the surviving worker's own job ended {self.survivor_job_status}")
        if self.victim_started != [self.job_id]:
            found.append(f"the killed worker logged starting jobs {self.victim_started}, not [{self.job_id}]")
        if self.job_id in self.survivor_started or self.survivor_started.count(self.requeued_job_id) != 1:
            found.append(f"the surviving worker logged starting jobs {self.survivor_started}")
        return found


def run_kill_phase(
    url: str,
    *,
    team_id: str,
    first_week: date,
    kill_time_limit: float,
    time_limit: float,
    folder: Path,
    stale_seconds: float | None = None,
) -> KillOutcome:
    """Two workers take a solve each; ``kill -9`` one mid-solve, wait for its job to fail, re-queue it.

    With ``stale_seconds`` None the failure comes from the workers' own sweep
    (``jobs.STALE_SECONDS``: what happens when only workers run). A number makes
    this process sweep every second with that bound, as ``actplanner serve`` does
    every few seconds, so a short test need not wait out the production bound.
    """
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    workers = start_workers(url, 2, folder)
    try:
        solves = [(team_id, first_week), (team_id, first_week + timedelta(weeks=1))]
        job_ids = queue_solves(factory, solves, kill_time_limit)
        job, victim = _mid_solve(factory, job_ids, workers, timeout=START_SECONDS)
        (survivor,) = [w for w in workers if w is not victim]
        (other_id,) = [job_id for job_id in job_ids if job_id != job.id]
        phase_at_kill = (job.progress or {}).get("phase", "?")
        os.kill(victim.pid, signal.SIGKILL)
        killed_at, killed_wall = time.monotonic(), utcnow()
        victim.proc.wait()

        swept: list[int] = []

        def bench_sweep() -> None:
            if stale_seconds is not None:
                swept.extend(sweep_stale_jobs(factory, DatabaseQueue(), stale_seconds))

        bound = STALE_SECONDS if stale_seconds is None else stale_seconds
        # A stale job is failed at the first sweep after its bound; workers sweep every STALE_SECONDS.
        failed = wait_finished(
            factory,
            [job.id],
            [survivor],
            timeout=bound + STALE_SECONDS + kill_time_limit * 6 + 60,
            tick=bench_sweep,
        )[job.id]
        seconds_to_failed = time.monotonic() - killed_at
        last_beat = failed.heartbeat_at or killed_wall
        if job.id in swept:
            swept_by = f"this benchmark's sweep every second, bound {stale_seconds:g} s (as `serve` sweeps)"
        elif f"job {job.id} failed:" in survivor.text():
            swept_by = f"the surviving worker's own sweep (bound STALE_SECONDS = {STALE_SECONDS:g} s)"
        else:
            swept_by = "another process"
        own = wait_finished(factory, [other_id], [survivor], timeout=kill_time_limit * 6 + 60)[other_id]
        queued_at = time.monotonic()
        (requeued_id,) = queue_solves(factory, [solves[job_ids.index(job.id)]], time_limit)
        requeued = wait_finished(factory, [requeued_id], [survivor], timeout=time_limit * 6 + 60)[requeued_id]
        seconds_to_done = time.monotonic() - queued_at
    finally:
        stop_workers(workers)
        engine.dispose()
    return KillOutcome(
        job_id=job.id,
        victim_pid=victim.pid,
        survivor_pid=survivor.pid,
        phase_at_kill=phase_at_kill,
        seconds_to_failed=seconds_to_failed,
        silent_before_kill=(killed_wall - last_beat).total_seconds(),
        failed_status=failed.status,
        error=failed.error or "",
        swept_by=swept_by,
        survivor_job_status=own.status,
        requeued_job_id=requeued_id,
        requeued_status=requeued.status,
        requeued_by=requeued.worker_pid,
        seconds_to_done=seconds_to_done,
        victim_started=victim.started_jobs(),
        survivor_started=survivor.started_jobs(),
    )


def _mid_solve(
    factory: sessionmaker[Session], job_ids: list[int], workers: list[WorkerProcess], timeout: float
) -> tuple[SolveJob, WorkerProcess]:
    """The first job found searching (past its setup) and the worker process running it."""
    by_pid = {w.pid: w for w in workers}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with factory() as session:
            for job_id in job_ids:
                job = get_job(session=session, job_id=job_id)
                phase = (job.progress or {}).get("phase")
                if (
                    job.status == "running"
                    and phase not in (None, *BEFORE_SEARCH)
                    and job.worker_pid in by_pid
                ):
                    return job, by_pid[job.worker_pid]
        if any(w.proc.poll() is not None for w in workers):
            raise BenchError("a worker exited before the kill")
        time.sleep(POLL_SECONDS)
    raise BenchError(f"no job was under way after {timeout:g} s")


@dataclass
class Results:
    """A whole benchmark run: the bursts, the kill phase and where it ran."""

    command: str
    solves: int
    time_limit: float
    bursts: list[Burst]
    kill: KillOutcome | None
    database: str
    machine: str
    ran_at: str

    def problems(self) -> list[str]:
        found = [f"{b.workers} worker(s): {p}" for b in self.bursts for p in b.problems()]
        if self.kill is not None:
            found += [f"kill phase: {p}" for p in self.kill.problems()]
        return found


def run_benchmark(
    url: str,
    *,
    solves: int,
    worker_counts: list[int],
    time_limit: float,
    kill: bool = True,
    kill_time_limit: float = 20.0,
    stale_seconds: float | None = None,
    folder: Path,
    echo: Callable[[str], None] = print,
    command: str = "actplanner bench workers",
) -> Results:
    """Migrate ``url`` (an empty PostgreSQL database), import the sample teams, run bursts and kill."""
    migrate(url)
    engine = make_engine(url)
    try:
        team_ids = import_sample_teams(make_sessionmaker(engine))
        with engine.connect() as connection:
            version = connection.execute(text("SHOW server_version")).scalar_one()
    finally:
        engine.dispose()
    planned = burst(team_ids, solves)
    bursts = []
    for count in worker_counts:
        echo(f"{solves} solves, {count} worker process(es)")
        bursts.append(
            run_burst(
                url, workers=count, solves=planned, time_limit=time_limit, folder=folder / f"burst-{count}"
            )
        )
    outcome = None
    if kill:
        echo("kill phase: 2 workers, one killed mid-solve")
        # Weeks after the bursts', so the kill phase's solves meet no job of theirs.
        outcome = run_kill_phase(
            url,
            team_id=team_ids[0],
            first_week=planned[-1][1] + timedelta(weeks=1),
            kill_time_limit=kill_time_limit,
            time_limit=time_limit,
            folder=folder / "kill",
            stale_seconds=stale_seconds,
        )
    host = make_url(url).host or "a local socket"
    return Results(
        command=command,
        solves=solves,
        time_limit=time_limit,
        bursts=bursts,
        kill=outcome,
        database=f"PostgreSQL {version} on {host}",
        machine=machine(),
        ran_at=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    )


def results_table(results: Results) -> str:
    """The markdown results file: the bursts against the one-worker run, then the kill phase."""
    base = next((b for b in results.bursts if b.workers == 1), results.bursts[0])
    teams = " and ".join(f"`{name}`" for name in TEAMS)
    lines = [
        "# Solve workers on several machines: measured",
        "",
        f"Written by `{results.command}` on {results.ran_at}.",
        "",
        f"Machine: {results.machine}. Database: {results.database}.",
        "",
        "Each worker is an `actplanner worker` process started the way a shell on another host starts "
        "one: a working folder, home and log of its own and an environment holding only `PATH` and "
        "`ACTPLANNER_DATABASE_URL`. Nothing else is shared; the queue is the `solve_jobs` table, claimed "
        "with row locks (`FOR UPDATE SKIP LOCKED`). Workers run at full CPU priority (`--nice 0`), as on "
        "a host of their own. Each run starts its workers, waits until every one waits for jobs, then "
        f"queues the same {results.solves} solves at once (one transaction): the sample teams {teams} "
        f"in turn, on successive weeks, {results.time_limit:g} s time limit each. It ends when the last "
        "is done.",
        "",
        "*Makespan*: first job queued to last job finished. *Time-to-start*: a job's `started_at` (set "
        "as a worker claims it) minus its `created_at` (queued). *Solve s*: claimed to finished. "
        "*Started once*: every job id appears in exactly one worker's log line `job N started`, that "
        "worker's pid is the one the job row names, and the jobs the workers say they ran as they exit "
        "add up to the solves queued.",
        "",
        "*CPU s per solve*: the CPU time the worker processes used while the run's solves ran, per "
        "solve. *Cores used*: the workers' CPU time over the makespan. *Objective vs*: the mean over "
        "the solves of a plan's objective (lower is better) divided by the same team and week's in the "
        "first run. *Load*: the machine's 1-minute load average as the solves were queued.",
        "",
        f"| worker processes | load | makespan s | solves/min | throughput vs {base.workers} "
        "| time-to-start p50 s | p95 s | max s | mean solve s | CPU s per solve | cores used "
        f"| objective vs {base.workers} | solves per worker | done | started once |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for b in results.bursts:
        waits, done = b.waits, sum(1 for job in b.jobs.values() if job.status == "done")
        once = not b.start_problems()
        lines.append(
            f"| {b.workers} | {_number(b.load)} | {b.makespan:.1f} | {b.throughput:.1f} "
            f"| {b.throughput / base.throughput:.2f} "
            f"| {_seconds(waits, 0.5)} | {_seconds(waits, 0.95)} | {_seconds(waits, 1.0)} "
            f"| {_seconds(b.solve_seconds)} | {_number(b.cpu_per_solve)} | {_number(b.cores_used, 2)} "
            f"| {_number(b.objective_ratio(base), 3)} | {', '.join(map(str, b.per_worker))} "
            f"| {done}/{len(b.jobs)} | {'yes' if once else '**no**'} |"
        )
    lines += ["", *_reading(results, base)]
    if results.kill is not None:
        lines += ["", *_kill_section(results.kill)]
    problems = results.problems()
    lines += ["", "## Checks", ""]
    lines += [f"- **{p}**" for p in problems] or ["- Every check held: no job ran twice and none was lost."]
    return "\n".join(lines) + "\n"


def _number(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _reading(results: Results, base: Burst) -> list[str]:
    """What the runs say about scaling, in sentences made from this run's numbers."""
    cores = os.cpu_count() or 1
    best = max(results.bursts, key=lambda b: b.throughput)
    most = max(results.bursts, key=lambda b: b.workers)
    lines = [
        "## Reading the numbers",
        "",
        "A solve runs until its time limit on the wall clock (its last phase re-routes days while "
        "time remains), so it takes about as long however busy the machine is. What a busy machine "
        "takes from it is CPU time, and with it search.",
        "",
        f"The most throughput was {best.throughput / base.throughput:.2f} × the {base.workers}-worker "
        f"run's, with {best.workers} workers, on {cores} cores.",
    ]
    base_cpu, most_cpu = base.cpu_per_solve, most.cpu_per_solve
    if most.workers > cores and most is not base and base_cpu and most_cpu is not None:
        lines[-1] += (
            f" With {most.workers} workers each solve got {most_cpu:.1f} CPU s against "
            f"{base_cpu:.1f} with {base.workers} ({most_cpu / base_cpu:.2f} ×), and its plan's objective "
            f"was {_number(most.objective_ratio(base), 3)} × the {base.workers}-worker plan's."
        )
        if most_cpu < 0.9 * base_cpu:
            lines[-1] += " Beyond the cores, more solves per minute come from searching less per solve."
    loads = ", ".join(_number(b.load) for b in results.bursts)
    cores_used = ", ".join(_number(b.cores_used, 2) for b in results.bursts)
    lines += [
        "",
        f"The machine was shared with other work (load average {loads} as each run began), and the "
        f"workers had {cores_used} cores between them in the runs above. The operating system shares "
        "the CPU per process, so where other work already wants the cores, more worker processes also "
        "take a larger share of them from it. On machines of their own, throughput grows with cores: "
        "run about one worker per core, and add machines to go further. One run is one sample: compare "
        "the ratios within this run.",
    ]
    return lines


def _kill_section(kill: KillOutcome) -> list[str]:
    return [
        "## A worker killed mid-solve",
        "",
        f"Two workers took a solve each (time limit long enough to be mid-search); worker {kill.victim_pid} "
        f"was sent SIGKILL while its job {kill.job_id} was in phase `{kill.phase_at_kill}`. "
        "No server ran: only the workers and this benchmark.",
        "",
        f"- Job {kill.job_id} was `{kill.failed_status}` {kill.seconds_to_failed:.1f} s after the kill "
        f"({kill.seconds_to_failed + kill.silent_before_kill:.1f} s after its last heartbeat), by "
        f"{kill.swept_by}: \u201c{kill.error}\u201d",
        f"- The surviving worker {kill.survivor_pid} finished its own solve meanwhile: "
        f"`{kill.survivor_job_status}`.",
        f"- The same team and week queued again (job {kill.requeued_job_id}) was `{kill.requeued_status}` "
        f"{kill.seconds_to_done:.1f} s later, run by worker {kill.requeued_by}.",
        f"- Logs: the killed worker started job(s) {kill.victim_started}; the survivor "
        f"{kill.survivor_started}. The killed job stays in the table, failed: the record of what happened.",
    ]
