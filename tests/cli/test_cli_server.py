"""The commands around the web app: user and token create, worker, demo setup, serve's worker processes."""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from actplanner.accounts.service import user_for_token, verify_password
from actplanner.cli import server
from actplanner.cli.main import app
from actplanner.cli.server import demo_setup, start_workers, stop_workers
from actplanner.db import AuditEvent, FeedEvent, SolveJob, Team, User, make_engine, make_sessionmaker, utcnow
from actplanner.planning.jobs import STALE_SECONDS, get_job
from actplanner.planning.plans import published_plan
from actplanner.planning.worker import SOLVE_NICENESS
from actplanner.teams.service import get_team
from tests.support.worker_factories import import_small, queue_job

runner = CliRunner()


def shown(output: str, label: str) -> str:
    """The value printed after ``label:`` on a line of its own."""
    match = re.search(rf"^{label}: (\S+)$", output, re.MULTILINE)
    assert match, output
    return match.group(1)


def test_user_create_prints_a_working_token_and_password(url: str, factory: sessionmaker[Session]) -> None:
    """``user create`` makes a lead whose printed token and generated password both sign in."""
    result = runner.invoke(app, ["user", "create", "maria", "--role", "lead"])
    assert result.exit_code == 0, result.output
    token, password = shown(result.stdout, "token"), shown(result.stdout, "password")
    with factory() as session:
        user = user_for_token(session=session, token=token)
        assert user is not None and (user.username, user.role) == ("maria", "lead")
        assert verify_password(session=session, username="maria", password=password) is not None


def test_user_create_links_a_staff_login_and_keeps_a_given_password(
    url: str, factory: sessionmaker[Session]
) -> None:
    """A staff login names its team and staff member; a password given on the command line is not echoed."""
    team_id = import_small(factory)
    args = ["user", "create", "rn1", "--role", "staff", "--team", team_id, "--staff-id", "s-rn1"]
    result = runner.invoke(app, [*args, "--password", "long enough"])
    assert result.exit_code == 0, result.output
    assert "long enough" not in result.output
    with factory() as session:
        user = user_for_token(session=session, token=shown(result.stdout, "token"))
        assert user is not None and (user.team_id, user.staff_id) == (team_id, "s-rn1")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "admin"], "'admin' not understood"),
        (["--role", "staff"], "needs --team and --staff-id"),
        (["--role", "lead", "--password", "short"], "at least 8 characters"),
        (["--role", "lead", "--team", "nowhere"], "No team 'nowhere'"),
    ],
)
def test_user_create_refuses_bad_input_with_exit_2(url: str, args: list[str], message: str) -> None:
    """Bad options end with exit code 2 and a message naming the problem, and create no login."""
    result = runner.invoke(app, ["user", "create", "someone", *args])
    assert result.exit_code == 2
    assert message in result.output
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0
    engine.dispose()


def test_taken_username_is_refused(url: str) -> None:
    """A second login with the same username is refused with exit code 2."""
    assert runner.invoke(app, ["user", "create", "maria", "--role", "lead"]).exit_code == 0
    again = runner.invoke(app, ["user", "create", "maria", "--role", "lead"])
    assert again.exit_code == 2 and "is taken" in again.output


def test_token_create_for_a_user_and_for_nobody(url: str, factory: sessionmaker[Session]) -> None:
    """``token create`` gives a known user another working token and refuses an unknown one."""
    assert runner.invoke(app, ["user", "create", "maria", "--role", "lead"]).exit_code == 0
    result = runner.invoke(app, ["token", "create", "maria", "--name", "laptop"])
    assert result.exit_code == 0, result.output
    with factory() as session:
        user = user_for_token(session=session, token=shown(result.stdout, "token"))
        assert user is not None and len(user.tokens) == 2
    missing = runner.invoke(app, ["token", "create", "nobody"])
    assert missing.exit_code == 2 and "no user 'nobody'" in missing.output


@pytest.fixture
def niceness(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """What the worker command asks ``lower_priority`` for; this test process keeps its own priority."""
    asked: list[int] = []
    monkeypatch.setattr(server, "lower_priority", asked.append)
    return asked


def test_worker_once_processes_the_queued_job(
    url: str, factory: sessionmaker[Session], niceness: list[int]
) -> None:
    """``actplanner worker --once`` runs the queued solve to done and exits."""
    job_id = queue_job(factory, time_limit=1, claim=False)
    result = runner.invoke(app, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    with factory() as session:
        job = get_job(session=session, job_id=job_id)
        assert job.status == "done" and job.plan_id is not None


def test_worker_command_lowers_its_priority_as_the_served_workers_do(url: str, niceness: list[int]) -> None:
    """``actplanner worker`` asks for the niceness of the workers ``serve`` starts; ``--nice 0`` for none."""
    assert runner.invoke(app, ["worker", "--once"]).exit_code == 0
    assert runner.invoke(app, ["worker", "--once", "--nice", "0"]).exit_code == 0
    assert niceness == [SOLVE_NICENESS, 0]


def priority(pid: int) -> tuple[int, int | None]:
    """A process's niceness and, where there are scheduling classes, its class."""
    policy = os.sched_getscheduler(pid) if hasattr(os, "sched_getscheduler") else None
    return os.getpriority(os.PRIO_PROCESS, pid), policy


def settled_priority(proc: subprocess.Popen) -> tuple[int, int | None]:
    """The priority a worker process runs at once it has lowered it (or after 60 s, whatever it is)."""
    start = priority(os.getpid())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and priority(proc.pid)[0] == start[0]:
        time.sleep(0.1)
    # The scheduling class is set right after the niceness.
    time.sleep(0.5)
    return priority(proc.pid)


def test_worker_command_runs_at_the_priority_of_the_worker_module(url: str) -> None:
    """``actplanner worker`` runs as low as ``python -m actplanner.planning.worker`` (what serve starts)."""
    seen = []
    for command in (["actplanner.cli.main", "worker"], ["actplanner.planning.worker"]):
        proc = subprocess.Popen([sys.executable, "-m", *command, "--poll", "0.2"])
        try:
            seen.append(settled_priority(proc))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    own_nice, own_policy = priority(os.getpid())
    assert seen[0] == seen[1]
    assert seen[0][0] == min(own_nice + SOLVE_NICENESS, 19)
    if own_policy is not None:
        assert seen[0][1] in (os.SCHED_IDLE, own_policy)


def test_user_create_is_audited_once(url: str, factory: sessionmaker[Session]) -> None:
    """Making a login and its token on the command line is one ``create_user`` event, by the system."""
    assert runner.invoke(app, ["user", "create", "maria", "--role", "lead"]).exit_code == 0
    assert runner.invoke(app, ["token", "create", "maria"]).exit_code == 0
    with factory() as session:
        events = [(e.user_id, e.action) for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert events == [(None, "create_user"), (None, "create_token")]


def test_demo_setup_creates_the_team_and_two_logins_once(tmp_path: Path) -> None:
    """The first setup imports the standard team and a lead and a staff login; a second creates nothing."""
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    first = demo_setup(url)
    assert first["team_created"] is True
    assert [(u["username"], u["role"]) for u in first["users"]] == [("lead", "lead"), ("staff", "staff")]
    assert first["published_week"] is not None and first["published_week"].weekday() == 0
    again = demo_setup(url)
    assert (again["team_created"], again["users"], again["published_week"]) == (False, [], None)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Team)) == 1
        assert session.scalar(select(func.count()).select_from(User)) == 2
        made = session.scalars(select(AuditEvent.target).where(AuditEvent.action == "create_user")).all()
        assert len(made) == 2, "each demo login is audited once, like any other"
        for created in first["users"]:
            user = user_for_token(session=session, token=created["token"])
            assert user is not None and user.username == created["username"]
            assert verify_password(
                session=session, username=created["username"], password=created["password"]
            )
        week = published_plan(session=session, team_id=first["team"], week_start=first["published_week"])
        assert week is not None and week.visits, "the demo's week is published, so On call shows someone"
        assert session.scalar(select(func.count()).select_from(FeedEvent)) > 0, "and Feeds shows it"
        staff = session.scalars(select(User).where(User.role == "staff")).one()
        member = get_team(session=session, team_id=first["team"]).staff
        assert staff.staff_id in {m.id for m in member if m.discipline == "nurse"}
    engine.dispose()


def test_demo_prints_logins_and_the_url_then_serves(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``actplanner demo`` prints each new login once and the URL, then serves the database it made."""
    served: list[tuple[str, int]] = []
    monkeypatch.setattr(server, "_serve", lambda url, *, port, **_kw: served.append((url, port)))
    db = tmp_path / "demo.sqlite3"
    first = runner.invoke(app, ["demo", "--db", str(db), "--port", "8123"])
    assert first.exit_code == 0, first.output
    assert "lead login: username lead" in first.stdout and "http://127.0.0.1:8123/" in first.stdout
    assert served == [(f"sqlite:///{db.resolve()}", 8123)]
    second = runner.invoke(app, ["demo", "--db", str(db), "--port", "8123", "--no-browser-hint"])
    assert second.exit_code == 0 and "login:" not in second.output


@pytest.mark.parametrize(
    "args", [["serve", "--port", "0"], ["serve", "--workers", "0"], ["demo", "--port", "70000"]]
)
def test_serve_options_out_of_range_exit_2(args: list[str]) -> None:
    """A port outside 1–65535 or no web process is refused with exit code 2 before anything starts."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "error:" in result.output


def test_started_worker_runs_jobs_and_stops_cleanly_on_sigterm(
    url: str, factory: sessionmaker[Session]
) -> None:
    """A worker process started for ``serve`` runs a queued job, then exits 0 when stopped."""
    job_id = queue_job(factory, time_limit=1, claim=False)
    procs = start_workers(1)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and job_status(factory, job_id) != "done":
            time.sleep(0.2)
        assert job_status(factory, job_id) == "done"
        assert procs[0].poll() is None
        stop_workers(procs, grace=20)
        assert procs[0].returncode == 0
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)


def job_status(factory: sessionmaker[Session], job_id: int) -> str:
    """The job's status as stored now."""
    with factory() as session:
        return get_job(session=session, job_id=job_id).status


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    """Whether ``condition()`` came true within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_server_restarts_a_killed_worker_and_fails_its_job(
    url: str, factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    """``kill -9`` of a worker mid-solve: the server starts another, says so, and fails the dead one's job."""
    job_id = queue_job(factory, time_limit=60, claim=False)
    # A 3 s bound instead of 30 s, so the test need not wait half a minute for the sweep.
    supervisor = server.WorkerSupervisor(url, 1, watch_seconds=0.1, sweep_seconds=0.2, stale_seconds=3)
    with caplog.at_level(logging.WARNING, logger="actplanner.cli.server"):
        supervisor.start()
        try:
            first = supervisor.procs[0]
            assert wait_for(lambda: job_status(factory, job_id) == "running")
            first.send_signal(signal.SIGKILL)
            assert wait_for(lambda: supervisor.restarts == 1)
            assert supervisor.procs[0].pid != first.pid and supervisor.procs[0].poll() is None
            assert wait_for(lambda: job_status(factory, job_id) == "failed")
            with factory() as session:
                error = get_job(session=session, job_id=job_id).error or ""
            assert error.startswith(f"The worker stopped unexpectedly: no word from process {first.pid}")
            # The week is free again, and the new worker runs its next solve.
            again = queue_job(factory, time_limit=1, claim=False)
            assert wait_for(lambda: job_status(factory, again) == "done")
        finally:
            supervisor.stop(grace=20)
    assert all(proc.poll() is not None for proc in supervisor.procs)
    said = [record.getMessage() for record in caplog.records]
    assert f"solve worker {first.pid} exited with code -9; starting another" in said


def test_server_sweeps_with_no_worker_at_all(url: str, factory: sessionmaker[Session]) -> None:
    """With no solve worker running, the server itself fails a job silent past the 30 s bound."""
    job_id = queue_job(factory)
    with factory.begin() as session:
        session.get(SolveJob, job_id).heartbeat_at = utcnow() - timedelta(seconds=STALE_SECONDS + 1)
    supervisor = server.WorkerSupervisor(url, 0, watch_seconds=0.05, sweep_seconds=0.1)
    supervisor.start()
    try:
        assert wait_for(lambda: job_status(factory, job_id) == "failed", seconds=10)
    finally:
        supervisor.stop()


def test_server_sweeps_often_enough_to_fail_a_dead_job_within_a_minute() -> None:
    """The bound plus the time between sweeps stays under a minute."""
    assert STALE_SECONDS + server.SWEEP_SECONDS + server.WATCH_SECONDS < 60


class ExitedProc:
    """A worker process that has already exited with code 1."""

    pid = 99999

    def poll(self) -> int:
        return 1


def test_a_worker_that_keeps_exiting_is_restarted_ever_more_slowly(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """A worker dying right after its start is restarted at once, then after 1 s, 2 s, ..., each logged."""
    started: list[int] = []

    def fake_start(count: int) -> list[Any]:
        started.append(count)
        return [ExitedProc() for _ in range(count)]

    monkeypatch.setattr(server, "start_workers", fake_start)
    supervisor = server.WorkerSupervisor(f"sqlite:///{tmp_path / 'x.sqlite3'}", 1)
    with caplog.at_level(logging.WARNING, logger="actplanner.cli.server"):
        supervisor.start()
        supervisor._done.set()  # the test drives the checks itself
        supervisor._thread.join()  # type: ignore[union-attr]
        supervisor._done.clear()
        supervisor.check_workers()  # the first exit: started again at once
        assert supervisor.restarts == 1
        supervisor.check_workers()  # it exited again at once: a wait
        assert supervisor.restarts == 1
        supervisor._next_start[0] = time.monotonic()  # the wait is over
        supervisor.check_workers()
        assert supervisor.restarts == 2
        supervisor.check_workers()
    said = [record.getMessage() for record in caplog.records]
    assert said == [
        "solve worker 99999 exited with code 1; starting another",
        "solve worker 99999 started in place of 99999",
        "solve worker 99999 exited with code 1; starting another in 1 s",
        "solve worker 99999 started in place of 99999",
        "solve worker 99999 exited with code 1; starting another in 2 s",
    ]
    supervisor._done.set()
    supervisor._engine.dispose()


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_sigterm_to_serve_stops_its_workers_before_it_exits(tmp_path: Path) -> None:
    """``kill`` (SIGTERM, as systemd stops a service) of ``serve`` asks its worker to stop, then exits 0."""
    log = tmp_path / "serve.log"
    env = {**os.environ, "ACTPLANNER_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}"}
    command = [sys.executable, "-m", "actplanner.cli.main", "serve", "--port", str(free_port())]
    with log.open("w") as out:
        proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        assert wait_for(lambda: "waiting for solve jobs" in log.read_text()), log.read_text()
        assert wait_for(lambda: "Uvicorn running" in log.read_text()), log.read_text()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
    text = log.read_text()
    # The worker was told (it did not merely notice its parent gone).
    assert "SIGTERM: stopping after the current solve saves its best plan" in text, text
    assert "is gone, stopping" not in text
