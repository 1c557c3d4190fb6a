"""The commands around the web app: user and token create, worker, demo setup, serve's worker processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from actplanner.accounts.service import user_for_token, verify_password
from actplanner.cli import server
from actplanner.cli.main import app
from actplanner.cli.server import demo_setup, start_workers, stop_workers
from actplanner.db import AuditEvent, FeedEvent, Team, User, make_engine, make_sessionmaker
from actplanner.planning.jobs import get_job
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
