"""``actplanner bench recurring``: every injection and prescriber window over weeks planned with
history is judged from the plans alone, a missing injection is caught with its reason, and the
command writes the table."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from actplanner.bench.fairness import plan_weeks
from actplanner.bench.recurring import evaluate, format_recurring
from actplanner.cli.main import app
from actplanner.resources import fixture_file

WEEKS = 3


def _standard_weeks() -> tuple[dict, list[dict]]:
    team = json.loads(fixture_file("standard").read_text())
    _, docs = plan_weeks(team, WEEKS, history=True)
    return team, docs


def test_weeks_with_history_meet_every_window_and_a_dropped_injection_is_a_miss() -> None:
    team, docs = _standard_weeks()
    run = evaluate(team, docs, WEEKS)
    injections = run.of("lai_injection")
    # The standard team's 15 injection clients over 3 weeks: 19 windows judged (those every 14
    # days twice), each met inside its dates.
    assert len(injections) == 19 and len({w.client for w in injections}) == 15
    assert all(w.met_on is not None for w in injections)
    assert all(w.start <= w.met_on <= w.end for w in injections if w.met_on)
    assert run.of("psychiatrist") and all(w.met_on is not None for w in run.of("psychiatrist"))

    # The same weeks with one injection visit taken out (nothing in unmet says so): a miss.
    first = min(injections, key=lambda w: w.due)
    broken = copy.deepcopy(docs)
    for doc in broken:
        doc["visits"] = [
            v
            for v in doc["visits"]
            if not (v["client"] == first.client and v.get("purpose") == "lai_injection")
        ]
    missed = [w for w in evaluate(team, broken, WEEKS).of("lai_injection") if w.met_on is None]
    assert [(w.client, w.due) for w in missed] == [(first.client, first.due)]
    assert missed[0].reason == "not reported in unmet (a bug)"
    text = format_recurring(evaluate(team, broken, WEEKS), "test machine")
    assert "Machine: test machine." in text
    assert f"| {first.client} | lai_injection | {first.due} |" in text


def test_the_command_writes_the_table(tmp_path: Path) -> None:
    out = tmp_path / "recurring.md"
    args = ["bench", "recurring", "--team", "standard", "--weeks", "1", "--out", str(out)]
    result = CliRunner().invoke(app, args)

    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("# Recurring care over weeks")
    assert "| lai_injection |" in out.read_text()
    assert date(2026, 11, 30).isoformat() in out.read_text()
