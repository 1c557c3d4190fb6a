"""What a newcomer meets at the terminal: the demo's database found, whole phone numbers, plain help."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from actplanner.cli import users
from actplanner.cli.main import app
from actplanner.cli.server import demo_setup
from actplanner.settings import get_settings

runner = CliRunner()


@pytest.fixture
def in_demo_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder where ``actplanner demo`` ran, with no ACTPLANNER_DATABASE_URL set."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ACTPLANNER_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    demo_setup(f"sqlite:///{tmp_path / 'actplanner-demo.sqlite3'}")
    yield tmp_path
    get_settings.cache_clear()


def test_on_call_in_the_demo_folder_answers_from_the_demo_database(in_demo_folder: Path) -> None:
    result = runner.invoke(app, ["on-call"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "West Town ACT" in result.output and "primary" in result.output
    # No empty default database is left behind.
    assert not (in_demo_folder / "actplanner.sqlite3").exists()


def test_on_call_at_80_columns_prints_whole_phone_numbers(in_demo_folder: Path) -> None:
    result = runner.invoke(app, ["on-call"], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    # The sample team's numbers are +1-312-555-01NN: each appears whole on one line.
    table = [line for line in result.output.splitlines() if "│" in line or "┃" in line]
    assert any("+1-312-555-01" in line for line in table), result.output
    assert "…" not in result.output  # nothing cut short: names and roles wrap
    assert all(len(line) <= 80 for line in result.output.splitlines())


def test_a_set_database_url_is_used_even_in_the_demo_folder(
    in_demo_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = in_demo_folder / "other.sqlite3"
    monkeypatch.setenv("ACTPLANNER_DATABASE_URL", f"sqlite:///{elsewhere}")
    get_settings.cache_clear()
    result = runner.invoke(app, ["on-call"])
    assert result.exit_code == 2 and f"no database at {elsewhere}" in " ".join(result.output.split())


def test_demo_help_offers_one_browser_hint_flag() -> None:
    result = runner.invoke(app, ["demo", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "--no-browser-hint" in result.output and "--no-no-browser-hint" not in result.output


def test_generated_passwords_never_begin_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    draws = iter(["-starts-with-dash", "-again", "fine-password"])
    monkeypatch.setattr(users.secrets, "token_urlsafe", lambda _n: next(draws))
    assert users.new_password() == "fine-password"


def test_a_gap_next_week_is_a_line_below_tonights_answer(in_demo_folder: Path) -> None:
    """The demo publishes this week only: next week's gap is named after the answer, not above it."""
    result = runner.invoke(app, ["on-call"], env={"COLUMNS": "80"})
    lines = result.output.splitlines()
    gap = next(i for i, line in enumerate(lines) if "no primary on call" in line.lower())
    table = next(i for i, line in enumerate(lines) if "primary" in line and "│" in line)
    assert lines[gap].startswith("Ahead:") and gap > table
