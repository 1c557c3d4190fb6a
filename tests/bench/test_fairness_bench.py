"""``actplanner bench fairness``: the rota over weeks with history is fairer than without,
the figures add up, and the command writes them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from actplanner.bench.fairness import format_fairness, run_fairness
from actplanner.cli.main import app


def test_weeks_planned_with_history_share_the_rota_and_the_figures_add_up() -> None:
    run = run_fairness("small", weeks=3, repeats=1)
    w, wo = run.with_history, run.without_history

    # 21 primary periods a run, all held by staff who may be primary; the checker agrees.
    assert sum(w.primary[s] for s in run.eligible) == sum(wo.primary[s] for s in run.eligible) == 21
    assert w.violations == wo.violations == 0
    assert run.spread(w) <= 1 and run.spread(w, weekend=True) <= 1
    assert run.spread(w, weekend=True) < run.spread(wo, weekend=True)
    assert all(w.weekend[s] for s in run.eligible)  # every eligible member takes a weekend period
    text = format_fairness(run, "test machine")
    assert "Machine: test machine." in text
    row = f"| primary periods per FTE, max − min | {run.spread(w):.2f} (met) | {run.spread(wo):.2f} |"
    assert row in text
    assert len(run.first_with) == len(run.first_without) == 1


def test_the_command_writes_the_table(tmp_path: Path) -> None:
    out = tmp_path / "fairness.md"
    args = ["bench", "fairness", "--team", "small", "--weeks", "2", "--repeats", "1", "--out", str(out)]
    result = CliRunner().invoke(app, args)

    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("# On-call fairness over weeks")
    assert "| staff | FTE | primary (with) |" in out.read_text()
