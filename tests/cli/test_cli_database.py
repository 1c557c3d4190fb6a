"""Commands that only read never migrate the database, and say in words when it has no schema."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from actplanner.cli import database
from actplanner.cli.main import app
from actplanner.settings import get_settings

runner = CliRunner()


@pytest.fixture
def database_at(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[Path], None]]:
    """Point ``ACTPLANNER_DATABASE_URL`` at a SQLite file for one test."""

    def point(path: Path) -> None:
        monkeypatch.setenv("ACTPLANNER_DATABASE_URL", f"sqlite:///{path}")
        get_settings.cache_clear()

    yield point
    get_settings.cache_clear()


def tables(path: Path) -> list[str]:
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


@pytest.mark.parametrize("command", [["on-call"], ["on-call", "link", "list", "--team", "t"]])
def test_a_lookup_on_an_empty_database_says_so_and_leaves_it_empty(
    tmp_path: Path, database_at: Callable[[Path], None], command: list[str]
) -> None:
    """No migration: the empty database stays empty, and the message says it has no tables yet."""
    path = tmp_path / "empty.sqlite3"
    sqlite3.connect(path).close()
    database_at(path)
    result = runner.invoke(app, command)
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "has no actplanner tables yet" in said and "`actplanner serve`" in said
    assert tables(path) == []


def test_a_lookup_on_a_missing_file_makes_none(tmp_path: Path, database_at: Callable[[Path], None]) -> None:
    """A SQLite path with no file is named, and no empty file is left behind."""
    path = tmp_path / "nowhere.sqlite3"
    database_at(path)
    result = runner.invoke(app, ["on-call"])
    assert result.exit_code == 2 and f"no database at {path}" in " ".join(result.output.split())
    assert not path.exists()


def test_a_lookup_on_a_migrated_database_runs_no_migration(
    tmp_path: Path, database_at: Callable[[Path], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``on-call`` on an up-to-date database answers without calling the migration."""
    path = tmp_path / "ready.sqlite3"
    database.migrate(f"sqlite:///{path}")

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the read-only lookup migrated the database")

    monkeypatch.setattr(database, "migrate", refuse)
    database_at(path)
    result = runner.invoke(app, ["on-call"])
    assert result.exit_code == 2 and "no teams in the database" in " ".join(result.output.split())


def test_a_write_migrates_first(tmp_path: Path, database_at: Callable[[Path], None]) -> None:
    """``user create`` on an empty database sets the schema up, as the web app does on start."""
    path = tmp_path / "new.sqlite3"
    database_at(path)
    assert runner.invoke(app, ["user", "create", "maria", "--role", "lead"]).exit_code == 0
    assert "users" in tables(path)
