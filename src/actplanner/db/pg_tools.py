"""PostgreSQL's own client tools, ``pg_dump`` and ``pg_restore``: finding them, their versions, running them.

The database URL reaches them as a libpq connection URI without its password,
which goes in ``PGPASSWORD`` in the tool's environment only: a command line is
visible to every user of the machine (``ps``) and ends up in shell histories and logs.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, make_url


class ToolFailed(RuntimeError):
    """A tool ran and failed; the message is its first error line."""


@dataclass(frozen=True)
class Connection:
    """How a tool reaches the database: a libpq URI without the password, and the password apart."""

    uri: str
    password: str | None

    def env(self) -> dict[str, str]:
        """The environment to run a tool in: this process's, plus ``PGPASSWORD`` when the URL has one."""
        env = dict(os.environ)
        if self.password is not None:
            env["PGPASSWORD"] = self.password
        return env


def connection(url: str | URL) -> Connection:
    """The libpq form of a SQLAlchemy PostgreSQL URL (``postgresql+psycopg://…`` → ``postgresql://…``)."""
    parsed = make_url(url)
    # The query (sslmode, options=-csearch_path=…) is libpq's own parameters, as psycopg passes them.
    # URL.set treats password=None as "keep it"; the named tuple's _replace removes it.
    bare = parsed.set(drivername="postgresql")._replace(password=None)
    return Connection(bare.render_as_string(hide_password=False), parsed.password)


def find(tool: str) -> str | None:
    """Where ``tool`` is on PATH, or None."""
    return shutil.which(tool)


def major_version(path: str) -> int | None:
    """The major version a tool reports (``pg_dump (PostgreSQL) 15.20`` → 15), or None when it says none."""
    try:
        said = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\(PostgreSQL\)\s+(\d+)", said) or re.search(r"(\d+)(?:\.\d+)", said)
    return int(match.group(1)) if match else None


def arguments(options: list[str], target: Connection | None, files: tuple[Path, ...] = ()) -> list[str]:
    """A tool's arguments: its options, the database (when it works on one), then the files it reads."""
    dbname = [f"--dbname={target.uri}"] if target is not None else []
    return [*options, *dbname, *(str(file) for file in files)]


def by_hand(tool: str, options: list[str], target: Connection, files: tuple[Path, ...] = ()) -> str:
    """The command to type on a machine that has ``tool``: the password as a placeholder, never itself."""
    command = shlex.join([tool, *arguments(options, target, files)])
    return f"PGPASSWORD='<the password>' {command}" if target.password is not None else command


def run(path: str, options: list[str], target: Connection | None, files: tuple[Path, ...] = ()) -> str:
    """Run the tool (on the database, when ``target`` is given); its output, or ``ToolFailed``."""
    env = target.env() if target is not None else None
    try:
        done = subprocess.run(
            [path, *arguments(options, target, files)], capture_output=True, text=True, env=env
        )
    except OSError as err:
        raise ToolFailed(f"{Path(path).name} could not be started: {err.strerror or err}") from err
    if done.returncode != 0:
        raise ToolFailed(first_error(done.stderr) or f"{Path(path).name} exited with code {done.returncode}")
    return done.stdout


def first_error(stderr: str) -> str:
    """The line of a tool's output that says what went wrong (``pg_dump: error: …``), else its first line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "error:" in line or "FATAL:" in line or "ERROR:" in line:
            return line
    return lines[0] if lines else ""
