"""Browser tests: a live server on a seeded SQLite file, driven by Debian's Chromium via Playwright.

``live_server`` runs the web app in a process of its own (uvicorn, a free port)
on a temporary SQLite file holding the small fixture team, a lead (``lead``)
and a staff login (``nurse``, staff member ``s-rn1``), both with ``PASSWORD``.
It is made once per run and shared, so a test that plans a week should pick a
week no other test uses. ``worker`` starts a solve worker process on the same
database for one test. ``browser`` is Chromium at /usr/bin/chromium;
``new_page`` makes pages in fresh browser contexts (say, with JavaScript off);
``page``, ``lead_page`` and ``staff_page`` are such pages, the last two signed
in through the form (``sign_in``).

Without /usr/bin/chromium the tests are skipped, saying why, unless the
environment variable CI is set: then they must run, and fail if they cannot.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from actplanner.accounts.service import create_user
from actplanner.db import make_engine, make_sessionmaker, migrate
from actplanner.teams.service import import_team
from tests.support.team_files import team_file

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
TEAM = "west-town-small"
LEAD = "lead"
STAFF = "nurse"
STAFF_ID = "s-rn1"
PASSWORD = "correct horse"
#: Seconds Playwright waits for a page element before a test fails.
WAIT_MS = 10_000
SERVER_START_SECONDS = 30.0


def _require_chromium() -> None:
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium package); browser tests need it")


@dataclass(frozen=True)
class LiveServer:
    """A running web app: its base URL, its database and the logins on it."""

    url: str
    database_url: str
    log: Path
    team_id: str = TEAM
    lead: str = LEAD
    staff: str = STAFF
    password: str = PASSWORD

    def env(self) -> dict[str, str]:
        """The environment for another actplanner process on the same database."""
        return {**os.environ, "ACTPLANNER_DATABASE_URL": self.database_url}

    def session(self) -> Any:
        """A database session on the server's database (a context manager; commit explicitly)."""
        return make_sessionmaker(make_engine(self.database_url))()


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seed(url: str) -> None:
    migrate(url=url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        import_team(session=session, data=team_file())
        create_user(session=session, username=LEAD, password=PASSWORD, role="lead", team_id=TEAM)
        create_user(
            session=session, username=STAFF, password=PASSWORD, role="staff", team_id=TEAM, staff_id=STAFF_ID
        )
        session.commit()
    engine.dispose()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The web server exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise RuntimeError(f"The web server did not answer within {SERVER_START_SECONDS} s:\n{log.read_text()}")


def _end(process: subprocess.Popen[bytes], seconds: float) -> None:
    """Ask a process we started to stop (SIGTERM), killing it if it has not within ``seconds``."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The web app served by uvicorn in its own process on a free port, on a seeded temporary SQLite file."""
    _require_chromium()
    folder = tmp_path_factory.mktemp("live")
    database_url = f"sqlite:///{folder / 'live.sqlite3'}"
    _seed(database_url)
    port = free_port()
    server = LiveServer(url=f"http://127.0.0.1:{port}", database_url=database_url, log=folder / "server.log")
    env = {
        **server.env(),
        "ACTPLANNER_SECRET_KEY": "browser-test-secret-" + "x" * 32,
        "ACTPLANNER_HTTPS": "false",
    }
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "actplanner.web.app:create_app",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    with server.log.open("wb") as log:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(server.url, process, server.log)
        yield server
    finally:
        _end(process, 10)


@pytest.fixture
def worker(live_server: LiveServer, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A solve worker process on the live server's database, for one test; SIGTERM at its end."""
    command = [sys.executable, "-m", "actplanner.planning.worker", "--poll", "0.2"]
    command += ["--parent-pid", str(os.getpid())]
    with (tmp_path / "worker.log").open("wb") as log:
        process = subprocess.Popen(
            command, env=live_server.env(), cwd=REPO, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        _end(process, 20)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium from /usr/bin/chromium, driven by Playwright's sync API."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any, live_server: LiveServer) -> Iterator[Callable[..., Any]]:
    """Make pages in fresh browser contexts (no cookies; Playwright context options as keywords).

    Relative URLs go to the live server; the contexts are closed after the test.
    """
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        options = {"base_url": live_server.url, "viewport": {"width": 1280, "height": 900}, **options}
        context = browser.new_context(**options)
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        return context.new_page()

    try:
        yield make
    finally:
        for context in contexts:
            context.close()


@pytest.fixture
def page(new_page: Callable[..., Any]) -> Any:
    """A page in a fresh browser context, signed in as nobody."""
    return new_page()


@pytest.fixture
def sign_in(live_server: LiveServer) -> Callable[[Any, str], Any]:
    """Sign a page in through the form as a user of the live server; returns the page."""

    def signed_in(page: Any, username: str) -> Any:
        page.goto("/login")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(live_server.password)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("button", name="Sign out").wait_for()
        return page

    return signed_in


@pytest.fixture
def lead_page(page: Any, sign_in: Callable[[Any, str], Any], live_server: LiveServer) -> Any:
    """A page signed in as the team lead."""
    return sign_in(page, live_server.lead)


@pytest.fixture
def staff_page(page: Any, sign_in: Callable[[Any, str], Any], live_server: LiveServer) -> Any:
    """A page signed in as the staff member ``nurse`` (s-rn1)."""
    return sign_in(page, live_server.staff)
