"""The web app and its solve workers: ``serve`` (production), ``demo`` (try it out), ``worker``."""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from sqlalchemy.orm import Session

import solver
from actplanner.accounts.service import create_login, user_named
from actplanner.cli.database import DEMO_FILE, migrate_database, open_database
from actplanner.cli.output import console, fail, out
from actplanner.cli.users import new_password
from actplanner.contacts.service import import_contacts
from actplanner.db import get_engine, make_engine, make_sessionmaker
from actplanner.db.unit_of_work import unit_of_work
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.demo_contacts import recorded_contacts
from actplanner.domain.errors import NotFound
from actplanner.domain.formats import dump_plan, dump_team
from actplanner.domain.week import monday_of, team_today
from actplanner.planning.history import team_history
from actplanner.planning.jobs import SWEEP_SECONDS
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.planning.queue import DatabaseQueue
from actplanner.planning.worker import (
    SOLVE_NICENESS,
    lower_priority,
    stop_on_signals,
    sweep_stale_jobs,
    work_loop,
)
from actplanner.resources import fixture_file
from actplanner.settings import get_settings
from actplanner.teams.service import get_team, import_team, team_file

DEMO_DB = DEMO_FILE
DEMO_TEAM = "standard"
#: Seconds a worker gets to save its best plan after SIGTERM before it is interrupted, then killed.
WORKER_GRACE_SECONDS = 15.0
INTERRUPT_SECONDS = 5.0
WEB_APP = "actplanner.web.app:create_app"
#: Seconds between the server's looks at its solve workers (restarting one that exited).
WATCH_SECONDS = 1.0
#: A worker that exits within this many seconds of starting is restarted after a wait that
#: doubles each time, up to RESTART_MAX_SECONDS: a worker that cannot start must not spin.
QUICK_EXIT_SECONDS = 60.0
RESTART_MAX_SECONDS = 60.0

log = logging.getLogger("actplanner.cli.server")


def worker_command(
    once: Annotated[bool, typer.Option(help="Run the queued solve jobs, then exit.")] = False,
    poll: Annotated[float, typer.Option(help="Seconds between looks at an empty queue.")] = 0.5,
    nice: Annotated[
        int, typer.Option(help="How much to lower this process's CPU priority (0: not at all).")
    ] = SOLVE_NICENESS,
) -> None:
    """Run solve jobs queued by the web app; Ctrl-C stops the current one, keeping its best plan."""
    if poll <= 0:
        raise fail(["--poll: must be positive"])
    migrate_database()
    # As low as the workers ``serve`` starts: a solve must not slow an on-call lookup.
    lower_priority(nice)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    shutdown = threading.Event()
    with stop_on_signals(shutdown):
        ran = work_loop(poll_seconds=poll, once=once, shutdown=shutdown)
    console.print(f"{ran} solve job(s) run.")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Web server processes.")] = 1,
    solve_workers: Annotated[int, typer.Option(help="Solve worker processes.")] = 1,
) -> None:
    """Run the web app and its solve workers on ACTPLANNER_DATABASE_URL (production)."""
    _check_serve_options(port, workers, solve_workers)
    url = get_settings().database_url
    migrate_database(url)
    _serve(url, host=host, port=port, workers=workers, solve_workers=solve_workers)


def demo(
    port: Annotated[int, typer.Option(help="Port to listen on (127.0.0.1 only).")] = 8000,
    db: Annotated[Path, typer.Option(help="SQLite database file (made when missing).")] = DEMO_DB,
    no_browser_hint: Annotated[
        bool, typer.Option("--no-browser-hint", help="Print only the URL, no sign-in hint.")
    ] = False,
) -> None:
    """Try it out: a SQLite database with the standard sample team, a lead and a staff login, the server."""
    _check_serve_options(port, 1, 1)
    if db.exists() and not db.is_file():
        raise fail([f"--db: {db} is not a file"])
    url = f"sqlite:///{db.resolve()}"
    created = demo_setup(url)
    if created["team_created"]:
        console.print(f"Imported the sample team [bold]{created['team']}[/bold] into {db}.")
        console.print(
            f"Published a quick first plan for the week of {created['published_week']}: "
            "see On call, Feeds and My week; Generate on the board plans properly."
        )
    for user in created["users"]:
        out.print(
            f"[bold]{user['role']}[/bold] login: username {user['username']}  password {user['password']}"
            f"  API token {user['token']}",
            highlight=False,
        )
    if created["users"]:
        console.print("Passwords and tokens show once: only their hashes are stored.")
    site = f"http://127.0.0.1:{port}/"
    out.print(f"actplanner demo: {site}", highlight=False)
    if not no_browser_hint:
        console.print(f"Open {site} in a browser and sign in; Ctrl-C stops the demo.")
    _serve(url, host="127.0.0.1", port=port, workers=1, solve_workers=1)


def demo_setup(url: str) -> dict:
    """Migrate ``url``, import the standard sample team when absent, create the missing demo logins.

    Returns what it created: ``team``, ``team_created`` and ``users`` (each with
    ``username``, ``role``, ``staff_id``, ``password`` and ``token``, plain, shown
    once). A second call on the same database creates nothing.
    """
    factory, engine = open_database(url)
    try:
        with unit_of_work(factory) as work:
            session = work.session
            doc = demo_team()
            team_id = doc["team"]["id"]
            team_created = not _team_exists(session, team_id)
            published_week = None
            if team_created:
                import_team(session=session, data=doc)
                published_week = _publish_demo_weeks(session, team_id)
            team = get_team(session=session, team_id=team_id)
            # A nurse sees visits every day of the week: the fullest "my week" page; on a
            # contract (rostered shifts), whose week also shows shifts, breaks and requests.
            nurses = [s for s in team.staff if s.discipline == "nurse"]
            member = next((s for s in nurses if s.contract), nurses[0] if nurses else team.staff[0])
            users = []
            for username, role, staff_id in (("lead", "lead", None), ("staff", "staff", member.id)):
                if user_named(session=session, username=username) is not None:
                    continue
                password = new_password()
                # The demo's logins are made like any other, audited, with "demo" tokens.
                user, token = create_login(
                    session=session,
                    username=username,
                    password=password,
                    role=role,
                    staff_id=staff_id,
                    team_id=team_id,
                    by=None,
                    token_name="demo",
                )
                users.append(
                    {
                        "username": username,
                        "role": role,
                        "staff_id": staff_id,
                        "password": password,
                        "token": token,
                    }
                )
    finally:
        engine.dispose()
    return {"team": team_id, "team_created": team_created, "users": users, "published_week": published_week}


def _team_exists(session: Session, team_id: str) -> bool:
    try:
        get_team(session=session, team_id=team_id)
    except NotFound:
        return False
    return True


def _publish_demo_weeks(session: Session, team_id: str) -> date:
    """Publish quick (greedy) plans of this week and the two before it, and record the last two weeks.

    This week's plan makes On call, Feeds and My week show something at once; the
    contacts of the 14 days before today (``recorded_contacts``: done visits, no-shows,
    call-outs), which need the earlier weeks' plans, do the same for Today and Fidelity.
    Returns this week's Monday.
    """
    team = team_file(session=session, team_id=team_id)
    today = team_today(team.team.timezone)
    week = monday_of(today)
    plans = []
    for monday in (week - timedelta(days=14), week - timedelta(days=7), week):
        # Each week with the ones published before it as history, as the app plans: spacing,
        # recurring care and a fair rota carry over the week boundary.
        history = team_history(session, team_id, monday, team=team)
        plan = solver.solve(
            to_problem(team, monday, history=history),
            solver.SolveParams(time_limit=10, greedy_only=True),
            None,
        )
        doc = to_plan_file(plan, team, monday)
        saved = save_plan(session=session, team_id=team_id, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=None)
        plans.append(dump_plan(doc))
    log = recorded_contacts(dump_team(team), plans)
    # From the Monday two weeks back: the Fidelity page's default period follows the log's whole
    # weeks, so the demo opens on two of them (H2's 14-day windows have data), not one.
    first = week - timedelta(days=14)
    # Only what has happened: a contact dated today or later would be recorded in advance.
    log["contacts"] = [c for c in log["contacts"] if first <= date.fromisoformat(c["date"]) < today]
    import_contacts(session=session, team_id=team_id, data=log, by=None)
    return week


def demo_team() -> dict:
    """The standard sample team file the demo imports."""
    return json.loads(fixture_file(DEMO_TEAM).read_text())


def _check_serve_options(port: int, workers: int, solve_workers: int) -> None:
    if not 0 < port < 65536:
        raise fail([f"--port: {port} is not a TCP port (1–65535)"])
    if workers < 1:
        raise fail(["--workers: at least one web server process is needed"])
    if solve_workers < 0:
        raise fail(["--solve-workers: must not be negative"])


def _serve(url: str, *, host: str, port: int, workers: int, solve_workers: int) -> None:
    """Start the solve workers, run the web app until Ctrl-C, then stop the workers."""
    if importlib.util.find_spec("actplanner.web.app") is None:
        raise fail(["the web app (actplanner.web.app) is not installed"])
    os.environ["ACTPLANNER_DATABASE_URL"] = url
    if "ACTPLANNER_SECRET_KEY" not in os.environ:
        # All web processes must sign with one key; a fresh one means sign-ins end with the server.
        os.environ["ACTPLANNER_SECRET_KEY"] = secrets.token_urlsafe(32)
        console.print(
            "[yellow]note:[/yellow] ACTPLANNER_SECRET_KEY is not set; sign-ins end when the server stops."
        )
    get_settings.cache_clear()
    get_engine.cache_clear()
    supervisor = WorkerSupervisor(url, solve_workers)
    supervisor.start()
    # uvicorn answers SIGTERM by shutting down, then raising SIGTERM again once it has
    # put this handler back: it ends the run with SystemExit, so the workers are still
    # stopped below (with the default handler the process would die on the spot).
    previous = signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        uvicorn.run(WEB_APP, factory=True, host=host, port=port, workers=workers)
    finally:
        supervisor.stop()
        signal.signal(signal.SIGTERM, previous)


def _exit_on_sigterm(_signum: int, _frame: object) -> None:
    # A second SIGTERM while the workers are being stopped ends the server at once.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise SystemExit(0)


class WorkerSupervisor:
    """Keeps ``count`` solve workers running and sweeps for dead workers' jobs, from a thread of the server.

    A worker that exits (a crash, a kill) is started again at once, with a log line;
    one that keeps exiting right after its start waits longer each time. Every ``sweep_seconds``
    the running jobs silent for ``stale_seconds`` are failed, so a dead worker's job
    ends within a minute even when no worker is left to sweep.
    """

    def __init__(
        self,
        url: str,
        count: int,
        *,
        watch_seconds: float = WATCH_SECONDS,
        sweep_seconds: float = SWEEP_SECONDS,
        stale_seconds: float | None = None,
    ) -> None:
        self.url, self.count = url, count
        self.watch_seconds, self.sweep_seconds, self.stale_seconds = (
            watch_seconds,
            sweep_seconds,
            stale_seconds,
        )
        self.procs: list[subprocess.Popen] = []
        self.restarts = 0
        self._started_at: list[float] = []
        self._next_start: list[float] = []
        self._quick_exits: list[int] = []
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._engine = make_engine(url, pool_pre_ping=True)
        self._factory = make_sessionmaker(self._engine)

    def start(self) -> None:
        """Start the workers and the thread that watches them and sweeps."""
        with self._lock:
            self.procs = start_workers(self.count)
            now = time.monotonic()
            self._started_at = [now] * self.count
            self._next_start = [now] * self.count
            self._quick_exits = [0] * self.count
        self._thread = threading.Thread(target=self._run, name="solve-worker-supervisor", daemon=True)
        self._thread.start()

    def stop(self, grace: float = WORKER_GRACE_SECONDS) -> None:
        """Stop watching (nothing is restarted from now on), then stop the workers (``stop_workers``)."""
        self._done.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            stop_workers(self.procs, grace=grace)
        self._engine.dispose()

    def _run(self) -> None:
        last_sweep = float("-inf")
        while not self._done.wait(self.watch_seconds):
            try:
                self.check_workers()
            except Exception:  # the watch must go on: a failed start is tried again next time
                log.warning("could not restart a solve worker", exc_info=True)
            if time.monotonic() - last_sweep >= self.sweep_seconds:
                last_sweep = time.monotonic()
                self.sweep()

    def check_workers(self) -> None:
        """Start again each worker that has exited, once its wait after a quick exit is over."""
        with self._lock:
            if self._done.is_set():
                return
            now = time.monotonic()
            for slot, proc in enumerate(self.procs):
                code = proc.poll()
                if code is None:
                    continue
                if self._next_start[slot] <= self._started_at[slot]:
                    # Just noticed: decide when to start the next one.
                    quick = now - self._started_at[slot] < QUICK_EXIT_SECONDS
                    self._quick_exits[slot] = self._quick_exits[slot] + 1 if quick else 0
                    # The first exit is restarted at once; each further quick one waits 1 s, 2 s, 4 s, ...
                    repeats = self._quick_exits[slot] - 1
                    wait = min(2.0 ** (repeats - 1), RESTART_MAX_SECONDS) if repeats > 0 else 0.0
                    self._next_start[slot] = now + wait
                    log.warning(
                        "solve worker %s exited with code %s; starting another%s",
                        proc.pid,
                        code,
                        f" in {wait:.0f} s" if wait >= 1 else "",
                    )
                if now < self._next_start[slot]:
                    continue
                (self.procs[slot],) = start_workers(1)
                self._started_at[slot] = time.monotonic()
                self.restarts += 1
                log.warning("solve worker %s started in place of %s", self.procs[slot].pid, proc.pid)

    def sweep(self) -> list[int]:
        """Fail the running jobs whose worker has gone silent; their ids (none when the database is busy)."""
        try:
            return sweep_stale_jobs(self._factory, DatabaseQueue(), self.stale_seconds)
        except Exception:  # a busy database now is no reason to stop sweeping later
            log.warning("the sweep for stopped solve workers failed; trying again later", exc_info=True)
            return []


def start_workers(count: int) -> list[subprocess.Popen]:
    """``count`` solve worker processes on this process's environment; they exit when it is gone."""
    command = [sys.executable, "-m", "actplanner.planning.worker", "--parent-pid", str(os.getpid())]
    # A session of their own: Ctrl-C in the terminal reaches the server only, and
    # stop_workers then asks each worker once to save its best plan and stop.
    return [subprocess.Popen(command, start_new_session=True) for _ in range(count)]


def stop_workers(procs: list[subprocess.Popen], grace: float = WORKER_GRACE_SECONDS) -> None:
    """SIGTERM each worker (its solve keeps its best plan); interrupt the slow, then kill the stuck."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for last, seconds in ((False, grace), (True, INTERRUPT_SECONDS)):
        deadline = time.monotonic() + seconds
        for proc in procs:
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                if not last:
                    # A second SIGTERM interrupts the solve; the worker marks its job failed.
                    proc.terminate()
                else:
                    # Its job's heartbeat stops; the next sweep marks it failed.
                    proc.kill()
                    proc.wait()
