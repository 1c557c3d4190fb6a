"""``actplanner bench record``: recording contacts through the API and My day's form, timed."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from actplanner.bench.record import percentile
from actplanner.cli.main import app


def test_the_95th_percentile_is_the_value_below_which_95_percent_fall() -> None:
    times = [float(t) for t in range(1, 41)]
    assert percentile(times, 0.95) == 38.0
    assert percentile([5.0], 0.95) == 5.0


def test_the_command_records_through_the_app_and_writes_the_table(tmp_path: Path) -> None:
    """SQLite only here (the PostgreSQL run makes a database of its own on the server)."""
    out = tmp_path / "record.md"
    result = CliRunner().invoke(
        app, ["bench", "record", "--team", "small", "--weeks", "1", "--postgres", "", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "1 weeks of recorded contacts" in text
    row = next(line for line in text.splitlines() if line.startswith("| SQLite |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert len(cells) == 6 and all(float(c) > 0 for c in cells[1:])
    assert "| PostgreSQL |" not in text
