"""``actplanner bench today``: the Today page of a team with weeks of contacts in the database, timed."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from actplanner.bench.today import shifted
from actplanner.cli.main import app
from tests.support.contact_files import plan_file, visit


def test_a_week_moves_back_with_its_visits_and_on_call_periods() -> None:
    doc = plan_file("2026-11-30", visit("v-1", "c-1", ["s-rn"], "2026-12-02"))
    doc["on_call"] = [
        {"role": "primary", "staff": "s-rn", "start": "2026-11-30T08:30", "end": "2026-12-01T08:30"}
    ]
    moved = shifted(doc, -2)
    assert (moved["week_start"], moved["visits"][0]["date"]) == ("2026-11-16", "2026-11-18")
    assert (moved["on_call"][0]["start"], moved["on_call"][0]["end"]) == (
        "2026-11-16T08:30",
        "2026-11-17T08:30",
    )


def test_the_command_times_the_page_over_every_client(tmp_path: Path) -> None:
    """The small team's page is opened and every one of its 20 clients' lines is rendered."""
    out = tmp_path / "today.md"
    result = CliRunner().invoke(app, ["bench", "today", "--team", "small", "--weeks", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "rendering 20 lines" in text and "1 weeks of recorded contacts" in text
    assert "| Today, p95 (ms) |" in text
