"""``actplanner fidelity``: the figures as JSON and as a table, and bad input as one line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from actplanner.cli.main import app
from tests.domain.test_fidelity import two_weeks
from tests.support.contact_files import contact, contact_log, history_team, plan_file

runner = CliRunner()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    team = tmp_path / "team.json"
    team.write_text(json.dumps(history_team()))
    log = tmp_path / "contacts.json"
    log.write_text(json.dumps(contact_log(*two_weeks())))
    return team, log


def run(*args: str | Path) -> Result:
    return runner.invoke(app, ["fidelity", *map(str, args)])


def text(result: Result) -> str:
    return " ".join(result.output.split())


def test_json_prints_exactly_the_table_figures(files: tuple[Path, Path]) -> None:
    """The keys are the table's names; the values the hand-computed ones (tests/domain)."""
    result = run(*files, "--from", "2026-11-30", "--to", "2026-12-13", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "contacts_per_client_week": 2.75,
        "minutes_per_client_week": 100.0,
        "community_share": 0.8182,
        "team_approach_share": 0.5,
        "done_share": 0.8,
        "clients_below_required": ["c-1"],
    }


def test_the_table_shows_each_figure_beside_its_dacts_top_rating(files: tuple[Path, Path]) -> None:
    result = run(*files, "--from", "2026-11-30", "--to", "2026-12-06")
    assert result.exit_code == 0, result.output
    shown = text(result)
    assert "contacts_per_client_week 3 S5 frequency: ≥ 4" in shown
    assert "community_share 0.6667 S1 community-based: ≥ 0.8" in shown
    assert "team_approach_share no data H2 team approach: ≥ 0.9" in shown
    assert "clients_below_required none" in shown


def test_a_later_log_corrects_an_earlier_one(files: tuple[Path, Path], tmp_path: Path) -> None:
    """Logs are merged as history: the correction of k-14 (now at home) raises the community share."""
    team, log = files
    fix = tmp_path / "fix.json"
    fix.write_text(json.dumps(contact_log(contact("k-14", date="2026-12-05", minutes=10))))
    result = run(team, log, fix, "--from", "2026-11-30", "--to", "2026-12-13", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["community_share"] == 0.9091


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            ("2026-12-01", "2026-12-13"),
            "error: --from: 2026-12-01 is a Tuesday; the period starts on a Monday",
        ),
        (("2026-11-30", "2026-12-12"), "error: --to: 2026-12-12 is a Saturday; the period ends on a Sunday"),
        (("2026-11-30", "13.12.2026"), 'error: --to: "13.12.2026" is not a date (YYYY-MM-DD)'),
    ],
)
def test_a_period_not_of_whole_weeks_is_one_error_line(
    files: tuple[Path, Path], dates: tuple[str, str], message: str
) -> None:
    result = run(*files, "--from", dates[0], "--to", dates[1])
    assert result.exit_code == 2
    assert text(result) == message


def test_a_bad_log_names_the_file_entry_and_field(files: tuple[Path, Path], tmp_path: Path) -> None:
    team, _ = files
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(contact_log(contact("k-1", mode=None), contact("k-2", client="c-9"))))
    result = run(team, bad, "--from", "2026-11-30", "--to", "2026-12-13")
    assert result.exit_code == 2
    assert text(result) == (
        f"error: {bad}: contacts[0].mode: required when outcome is done "
        f'error: {bad}: contacts[1].client: unknown client "c-9"'
    )


def test_a_plan_file_among_the_logs_is_refused(files: tuple[Path, Path], tmp_path: Path) -> None:
    team, log = files
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(plan_file("2026-11-23")))
    result = run(team, log, plan, "--from", "2026-11-30", "--to", "2026-12-13")
    assert result.exit_code == 2
    assert text(result) == "error: fidelity reads contact logs only; a plan file was given"


def test_a_missing_log_is_one_error_line(files: tuple[Path, Path], tmp_path: Path) -> None:
    team, _ = files
    result = run(team, tmp_path / "none.json", "--from", "2026-11-30", "--to", "2026-12-13")
    assert result.exit_code == 2
    assert text(result) == f"error: {tmp_path / 'none.json'}: no such file"
