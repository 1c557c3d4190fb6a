"""``actplanner bench fidelity``: a repeated week's recorded contacts, read and measured."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from actplanner.bench.fidelity import repeated, run_fidelity
from actplanner.cli.main import app
from tests.support.contact_files import plan_file, visit


def test_a_week_is_repeated_into_later_weeks() -> None:
    weeks = repeated(plan_file("2026-11-30", visit("v-1", "c-1", ["s-rn"], "2026-12-02")), 3)
    assert [(w["week_start"], w["visits"][0]["date"]) for w in weeks] == [
        ("2026-11-30", "2026-12-02"),
        ("2026-12-07", "2026-12-09"),
        ("2026-12-14", "2026-12-16"),
    ]


def test_the_run_reads_every_contact_and_computes_every_figure(tmp_path: Path) -> None:
    run = run_fidelity("small", weeks=2)
    assert run.contacts > run.clients
    assert run.figures.team_approach_share is not None  # two weeks hold one 14-day window
    out = tmp_path / "f.md"
    result = CliRunner().invoke(
        app, ["bench", "fidelity", "--team", "small", "--weeks", "1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "| `team_approach_share` | null |" in text
    # The page through the app, read from a database: a time for it, and the slowest not below it.
    median = float(text.split("| the Fidelity page of the period, median of 5 (s) | ")[1].split(" ")[0])
    slowest = float(text.split("| the Fidelity page, slowest of 5 (s) | ")[1].split(" ")[0])
    assert 0 < median <= slowest
