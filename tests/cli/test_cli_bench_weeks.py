"""``actplanner bench weeks``: a plan of several weeks against one week's time, checked with history."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from actplanner.bench.multiweek import run_weeks
from actplanner.cli.main import app

runner = CliRunner()


def test_bench_weeks_writes_the_ratio_and_the_checker_by_rule(tmp_path: Path) -> None:
    out = tmp_path / "weeks.md"
    args = ["bench", "weeks", "--team", "small", "--weeks", "2", "--time-limit", "1", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("# A plan of 2 weeks ahead\n")
    one = float(re.search(r"\| one week alone \| ([\d.]+) s \|", text).group(1))  # type: ignore[union-attr]
    two = float(re.search(r"\| 2 weeks \| ([\d.]+) s \|", text).group(1))  # type: ignore[union-attr]
    ratio = float(re.search(r"\| ratio \| ([\d.]+) ×", text).group(1))  # type: ignore[union-attr]
    # Seconds are shown to 0.1 s and the ratio to 0.01: the ratio is the two weeks over one.
    assert abs(ratio * one - two) <= 0.05 * ratio + 0.05 + 0.005 * one + 0.01
    assert "(target ≤ 2.25:" in text
    rows = re.findall(r"^\| (2026-\d\d-\d\d) \| [\d.]+ \| (\d+) \|", text, re.M)
    assert [week for week, _ in rows] == ["2026-11-30", "2026-12-07"]
    assert all(int(visits) > 0 for _, visits in rows)


def test_each_week_planned_after_the_last_passes_the_checker_given_that_history() -> None:
    """The solver reads week 1 as history for week 2 and the checker, given the same, agrees:
    no hard violation the plans' unmet lists do not excuse."""
    run = run_weeks("small", weeks=2, time_limit=1)
    assert [w.week.isoformat() for w in run.weeks] == ["2026-11-30", "2026-12-07"]
    assert run.unexcused == 0, [w.unexcused for w in run.weeks]
