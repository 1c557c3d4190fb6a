"""``actplanner bench makeup``: the make-up benchmark's figures add up and are written."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from actplanner.bench.makeup import no_show_log, run_makeup
from actplanner.cli.main import app
from tests.support.contact_files import plan_file, visit


def test_no_shows_are_spread_one_per_client_before_thursday() -> None:
    plan = plan_file(
        "2026-11-30",
        *(visit(f"v-{i}", f"c-{i % 3}", ["s-rn"], f"2026-12-0{1 + i % 4}") for i in range(12)),
    )
    log = no_show_log(plan, 3)
    assert [c["outcome"] for c in log["contacts"]] == ["no_show"] * 3
    assert len({c["client"] for c in log["contacts"]}) == 3
    assert all(c["date"] < "2026-12-03" for c in log["contacts"])


def test_the_short_clients_are_made_up_or_named_with_a_reason_and_the_checker_agrees() -> None:
    """Every short client either gets every visit it still needs or has an H1 unmet; the
    re-plan breaks no rule the checker, given the same log, does not find excused."""
    run = run_makeup("small", baseline_limit=2, replan_limit=2, no_shows=5)
    assert run.no_shows == run.short_clients == 5
    assert run.made_up + len(run.left_short) == run.short_clients
    assert run.violations == 0
    assert 0 < run.visits_placed <= run.visits_possible <= run.visits_needed
    assert run.other_moved <= run.other_visits_from_f


def test_the_command_writes_the_table(tmp_path: Path) -> None:
    out = tmp_path / "makeup.md"
    args = ["bench", "makeup", "--team", "small", "--no-shows", "3", "--replan-limit", "1"]
    args += ["--baseline-limit", "1", "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "| short clients given every visit they still need |" in text
    assert "| unexcused violations (checker with the log) | 0 |" in text
