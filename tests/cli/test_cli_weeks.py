"""``actplanner plan TEAM --week W --weeks N --out-dir DIR``: several weeks, each planned with the
history files and the weeks just planned before it as history; bad options exit 2 naming the option."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from actplanner.cli import plans as cli_plans
from actplanner.cli.main import app
from tests.support.team_files import team_file

WEEK = "2026-11-30"
WEEKS = ["2026-11-30", "2026-12-07", "2026-12-14"]

runner = CliRunner()


def text(result: Result) -> str:
    return " ".join(result.output.split())


def team_path(tmp_path: Path) -> Path:
    path = tmp_path / "team.json"
    path.write_text(json.dumps(team_file("small")))
    return path


def plan_weeks(tmp_path: Path, *extra: str) -> Result:
    args = ["plan", str(team_path(tmp_path)), "--week", WEEK, "--greedy", "--time-limit", "2", *extra]
    return runner.invoke(app, args)


def test_three_weeks_each_planned_after_the_ones_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []
    real = cli_plans.to_problem

    def noting(*args: Any, **kwargs: Any) -> Any:
        history = kwargs["history"]
        seen.append(sorted(d.isoformat() for d in history.plans))
        return real(*args, **kwargs)

    monkeypatch.setattr(cli_plans, "to_problem", noting)
    out = tmp_path / "weeks"
    out.mkdir()
    result = plan_weeks(tmp_path, "--weeks", "3", "--out-dir", str(out))
    assert result.exit_code == 0, result.output
    team_id = team_file("small")["team"]["id"]
    assert sorted(p.name for p in out.iterdir()) == [f"plan-{team_id}-{w}.json" for w in WEEKS]
    for week in WEEKS:
        plan = json.loads((out / f"plan-{team_id}-{week}.json").read_text())
        assert plan["week_start"] == week and plan["visits"]
    # Week 2 reads week 1's plan, week 3 both.
    assert seen == [[], WEEKS[:1], WEEKS[:2]]


def test_a_history_file_is_history_for_every_week(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    args = ["plan", str(team_path(tmp_path)), "--week", "2026-11-23", "--greedy", "--weeks", "1"]
    assert runner.invoke(app, [*args, "--out-dir", str(earlier)]).exit_code == 0
    [previous] = list(earlier.iterdir())
    seen: list[list[str]] = []
    real = cli_plans.to_problem
    monkeypatch.setattr(
        cli_plans,
        "to_problem",
        lambda *a, **k: seen.append(sorted(d.isoformat() for d in k["history"].plans)) or real(*a, **k),
    )
    out = tmp_path / "weeks"
    out.mkdir()
    result = plan_weeks(tmp_path, "--weeks", "2", "--out-dir", str(out), "--history", str(previous))
    assert result.exit_code == 0, result.output
    assert seen == [["2026-11-23"], ["2026-11-23", WEEK]]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--weeks", "5", "--out-dir", "{dir}"], "error: --weeks: 5 is not a number of weeks from 1 to 4"),
        (["--weeks", "0", "--out-dir", "{dir}"], "error: --weeks: 0 is not a number of weeks from 1 to 4"),
        (["--weeks", "2"], "error: --out-dir: say which folder the plan files of the weeks go into"),
        (
            ["--weeks", "2", "--out-dir", "{dir}/missing"],
            "error: --out-dir: {dir}/missing is not a folder (it does not exist)",
        ),
        (
            ["--weeks", "2", "--out-dir", "{dir}", "--out", "{dir}/p.json"],
            "error: --out: names one plan file; with --out-dir each week's plan goes into that folder",
        ),
        (
            ["--weeks", "2", "--out-dir", "{dir}", "--baseline", "{dir}/p.json"],
            "error: --baseline: re-plans one week; leave out --weeks and --out-dir to use it",
        ),
    ],
)
def test_bad_options_exit_2_naming_the_option(tmp_path: Path, extra: list[str], message: str) -> None:
    result = plan_weeks(tmp_path, *(e.replace("{dir}", str(tmp_path)) for e in extra))
    assert result.exit_code == 2
    assert text(result) == message.replace("{dir}", str(tmp_path))
    assert not list(tmp_path.glob("plan-*.json"))


def test_a_history_plan_of_a_planned_week_is_refused_before_any_is_written(tmp_path: Path) -> None:
    out = tmp_path / "weeks"
    out.mkdir()
    first = plan_weeks(tmp_path, "--weeks", "1", "--out-dir", str(out))
    assert first.exit_code == 0
    [planned] = list(out.iterdir())
    again = tmp_path / "again"
    again.mkdir()
    result = plan_weeks(tmp_path, "--weeks", "2", "--out-dir", str(again), "--history", str(planned))
    assert result.exit_code == 2
    assert f"{planned}: week_start: {WEEK} is not before the week of {WEEK}" in text(result)
    assert not list(again.iterdir())
