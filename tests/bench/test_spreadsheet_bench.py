"""``actplanner bench spreadsheet``: the spreadsheet import of a large team, timed and written as a table."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from actplanner.bench.spreadsheet import run_spreadsheet, team_of
from actplanner.cli.main import app as cli


def test_the_team_is_padded_to_the_clients_asked() -> None:
    """400 clients: the large sample team's 380 and 20 copies under new ids and codes."""
    doc = team_of(400)
    assert len(doc["clients"]) == 400
    assert len({c["id"] for c in doc["clients"]}) == 400


def test_both_files_are_imported_and_timed() -> None:
    """The workbook and the clients CSV each import (no error) and get their timings."""
    timings = run_spreadsheet(clients=40, repeats=1)
    assert [t.name for t in timings] == [
        "Staff and clients (.xlsx)",
        "Clients (.csv)",
        "Team file (.json), for comparison",
    ]
    assert all(t.import_max >= t.import_median > 0 and t.check_median > 0 for t in timings)


def test_the_command_writes_the_table(tmp_path: Path) -> None:
    """The command is registered under bench and writes its Markdown table."""
    out = tmp_path / "spreadsheet.md"
    result = CliRunner().invoke(
        cli, ["bench", "spreadsheet", "--clients", "30", "--repeats", "1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith("# Spreadsheet import benchmark")
    assert "| Clients (.csv) | 30 |" in text
