"""``actplanner backup`` and ``restore``: what they print, and every refusal as one line with exit 2."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from typer.testing import CliRunner

from actplanner.cli.main import app
from actplanner.db import alembic_config
from actplanner.settings import get_settings
from tests.support.backup_factories import rename_teams, sqlite_url, team_ids, team_names, with_teams
from tests.support.postgres_databases import fresh_database

runner = CliRunner()
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A SQLite database with two teams, as ``ACTPLANNER_DATABASE_URL``."""
    url = with_teams(sqlite_url(tmp_path / "live.sqlite3"), "north", "south")
    monkeypatch.setenv("ACTPLANNER_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def said(output: str) -> str:
    return " ".join(output.split())


def one_error_line(output: str) -> str:
    """The one line a refusal prints, after checking that it is one line and no traceback."""
    lines = output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), output
    return lines[0]


def test_backup_says_what_it_wrote(live: str, tmp_path: Path) -> None:
    """The file, its size, the schema revision and the number of teams, and a word on keeping it safe."""
    file = tmp_path / "nightly.sqlite3"
    result = runner.invoke(app, ["backup", str(file)])
    assert result.exit_code == 0, result.output
    assert f"Wrote {file} (" in said(result.output)
    assert f"kB): schema revision {HEAD}, 2 teams" in said(result.output)
    assert "keep it where only IT can read it" in said(result.output)
    assert team_ids(sqlite_url(file)) == ["north", "south"]


def test_restore_brings_the_backup_back_and_says_what_it_replaced(live: str, tmp_path: Path) -> None:
    """Restore --force after a change: the data is back, the output names what was replaced."""
    file = tmp_path / "nightly.sqlite3"
    assert runner.invoke(app, ["backup", str(file)]).exit_code == 0
    rename_teams(live, "Renamed")
    with_teams(live, "east")
    result = runner.invoke(app, ["restore", str(file), "--force"])
    assert result.exit_code == 0, result.output
    assert f"schema revision {HEAD}, 2 teams; it replaced 3 teams and" in said(result.output)
    assert team_ids(live) == ["north", "south"] and "Renamed" not in team_names(live)


def test_db_names_another_database_than_the_settings(live: str, tmp_path: Path) -> None:
    """``--db`` restores into the database it names; the configured one is untouched."""
    file = tmp_path / "b.sqlite3"
    assert runner.invoke(app, ["backup", str(file)]).exit_code == 0
    other = sqlite_url(tmp_path / "spare.sqlite3")
    result = runner.invoke(app, ["restore", str(file), "--db", other])
    assert result.exit_code == 0, result.output
    assert team_ids(other) == ["north", "south"]
    with_teams(live, "east")
    assert runner.invoke(app, ["backup", str(tmp_path / "spare-copy.sqlite3"), "--db", other]).exit_code == 0
    assert team_ids(sqlite_url(tmp_path / "spare-copy.sqlite3")) == ["north", "south"]


def newer(file: Path) -> None:
    with sqlite3.connect(file) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("backup over a file", "already exists; --force replaces it"),
        ("backup of no database", "no database at"),
        ("backup into no folder", "no folder"),
        ("restore of a text file", "is not an actplanner backup: not a SQLite database"),
        ("restore of no file", "no backup file"),
        ("restore over data", "holds 2 teams and 3 audit events; --force replaces them"),
        ("restore of a newer schema", "schema revision 0099, which this actplanner does not know"),
    ],
)
def test_each_refusal_is_one_line_and_exit_2(live: str, tmp_path: Path, case: str, message: str) -> None:
    """Bad input or a refusal: one error line naming what is wrong, exit 2, the database unchanged."""
    backup = tmp_path / "b.sqlite3"
    assert runner.invoke(app, ["backup", str(backup)]).exit_code == 0
    arguments = {
        "backup over a file": ["backup", str(backup)],
        "backup of no database": ["backup", str(tmp_path / "c"), "--db", sqlite_url(tmp_path / "none.db")],
        "backup into no folder": ["backup", str(tmp_path / "no" / "such" / "b.sqlite3")],
        "restore of a text file": ["restore", str(tmp_path / "notes.txt"), "--force"],
        "restore of no file": ["restore", str(tmp_path / "missing.sqlite3")],
        "restore over data": ["restore", str(backup)],
        "restore of a newer schema": ["restore", str(backup), "--force"],
    }[case]
    (tmp_path / "notes.txt").write_text("north,North\n")
    if case == "restore of a newer schema":
        newer(backup)
    rename_teams(live, "Renamed")
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2
    assert message in one_error_line(result.output)
    assert team_names(live) == ["Renamed", "Renamed"]
    assert not (tmp_path / "none.db").exists()


def test_without_pg_dump_the_command_to_run_is_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL without its tools on PATH: one line with the exact command, no password, exit 2."""
    monkeypatch.setenv("PATH", str(tmp_path))
    url = "postgresql+psycopg://actplanner:s3cret@db.example:5432/actplanner"
    result = runner.invoke(app, ["backup", str(tmp_path / "b.dump"), "--db", url])
    assert result.exit_code == 2
    line = one_error_line(result.output)
    assert "pg_dump (PostgreSQL's client tools) is not on PATH" in line
    assert line.endswith(
        f"the command to run there: PGPASSWORD='<the password>' pg_dump --format=custom "
        f"--file={tmp_path / 'b.dump'} --dbname=postgresql://actplanner@db.example:5432/actplanner"
    )
    assert "s3cret" not in result.output


@pytest.mark.skipif(
    shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
    reason="pg_dump and pg_restore are not on PATH",
)
def test_postgres_backup_and_restore_from_the_command_line(tmp_path: Path) -> None:
    """pg_dump and pg_restore through the commands, on a database of this test's own."""
    with fresh_database("actplanner_cli_backup") as url:
        with_teams(url, "north", "south")
        file = tmp_path / "nightly.dump"
        result = runner.invoke(app, ["backup", str(file), "--db", url])
        assert result.exit_code == 0, result.output
        assert f"schema revision {HEAD}, 2 teams" in said(result.output)
        rename_teams(url, "Renamed")
        refused = runner.invoke(app, ["restore", str(file), "--db", url])
        assert refused.exit_code == 2 and "holds 2 teams" in one_error_line(refused.output)
        result = runner.invoke(app, ["restore", str(file), "--db", url, "--force"])
        assert result.exit_code == 0, result.output
        assert team_ids(url) == ["north", "south"] and "Renamed" not in team_names(url)
