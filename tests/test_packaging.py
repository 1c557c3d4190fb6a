"""``pip install .`` (not editable) gives a working actplanner: every page serves, ``actplanner demo`` runs.

The install goes into a fresh virtualenv from a copy of the source tree (a stale
``build/`` in the checkout cannot leak into the wheel). Its dependencies come from
the running environment's site-packages as a plain path entry: a path entry's
``.pth`` files are not run, so the editable install's import hook stays out and
``import actplanner`` can only find the installed copy.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[1]
# What the build reads: the metadata, the packages, and the files the package links to.
SOURCES = ("pyproject.toml", "README.md", "src", "solver", "templates", "fixtures")
START_SECONDS = 120

# Every page a user reaches from the navigation, by role.
LEAD_PAGES = ("/", "/board", "/board/sick-call", "/team", "/on-call", "/on-call/manage", "/feeds", "/audit")
STAFF_PAGES = ("/", "/my-week", "/on-call", "/feeds")


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv with actplanner installed from a copy of this tree the way ``pip install .`` does."""
    root = tmp_path_factory.mktemp("packaging")
    source = root / "source"
    for name in SOURCES:
        path = REPO / name
        if path.is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
            shutil.copytree(path, source / name, symlinks=True, ignore=ignore)
        else:
            source.mkdir(exist_ok=True)
            shutil.copy2(path, source / name)
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(purelib) / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    install += ["--no-deps", "--no-build-isolation", "--no-index", str(source)]
    subprocess.run(install, check=True, cwd=root, env=_clean_env())
    return venv


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACTPLANNER_", "PYTHON"))}
    return {**env, **extra}


def test_the_installed_package_is_the_wheel_not_the_checkout(venv: Path) -> None:
    """In the new environment actplanner, its templates and its sample teams all live inside the venv."""
    probe = (
        "import sys, actplanner\n"
        "from actplanner.resources import fixture_file, templates_dir\n"
        "print(actplanner.__file__)\n"
        "print(templates_dir() / 'planning' / 'board.html')\n"
        "print(fixture_file('standard'))\n"
        "print(*sys.path, sep='\\n')\n"
    )
    result = subprocess.run(
        [venv / "bin" / "python", "-c", probe],
        cwd=venv.parent,
        env=_clean_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    package, template, fixture, *path = result.stdout.splitlines()
    for shipped in (package, template, fixture):
        assert Path(shipped).resolve().is_relative_to(venv), shipped
        assert Path(shipped).is_file(), shipped
    assert str(REPO / "src") not in path and str(REPO) not in path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def demo(venv: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """``actplanner demo`` of the installed package, running: its URL and the password of each login."""
    port = _free_port()
    env = _clean_env(ACTPLANNER_SECRET_KEY="packaging-test-" + "x" * 32, COLUMNS="300")
    command = [venv / "bin" / "actplanner", "demo", "--db", venv.parent / "demo.sqlite3", "--port", str(port)]
    log = venv.parent / "demo.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=venv.parent, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url, process, log)
        passwords = dict(re.findall(r"login: username (\S+)  password (\S+)", log.read_text()))
        assert set(passwords) == {"lead", "staff"}, log.read_text()
        yield url, passwords
    finally:
        # Ctrl-C, as a person ends the demo: the server stops its solve worker on the way out.
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            pytest.fail(f"actplanner demo did not stop on Ctrl-C:\n{log.read_text()}")


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"actplanner demo exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{url}/login", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"actplanner demo did not answer within {START_SECONDS} s:\n{log.read_text()}")


def _sign_in(client: httpx.Client, username: str, password: str) -> None:
    form = client.get("/login")
    assert form.status_code == 200
    match = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert match, form.text
    answer = client.post(
        "/login", data={"csrf_token": match.group(1), "username": username, "password": password, "next": "/"}
    )
    assert answer.status_code == 303, answer.text


@pytest.mark.parametrize(("role", "pages"), [("lead", LEAD_PAGES), ("staff", STAFF_PAGES)])
def test_the_installed_demo_serves_every_page(
    demo: tuple[str, dict[str, str]], role: str, pages: tuple[str, ...]
) -> None:
    """Signed in with a login the demo printed, every page of that role answers 200 with its styles."""
    url, passwords = demo
    with httpx.Client(base_url=url, timeout=30) as client:
        _sign_in(client, role, passwords[role])
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (page, response.text[:500])
            assert "<html" in response.text, page
        for asset in ("/static/app.css", "/static/htmx.min.js"):
            assert client.get(asset).status_code == 200, asset
