"""``actplanner bench roster``: a Part B team over weeks with history, both roster methods,
checked and counted, and the command that writes the table."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from actplanner.bench.roster import format_roster, run_team
from actplanner.cli.main import app
from actplanner.domain import demo_roster
from tests.support.team_files import team_file

CHRISTMAS_WEEK = date(2026, 12, 21)


def small_rostered() -> dict:
    """The small sample team rostered as the standard team is (demo_roster), with coverage its
    three contracted staff can give: 2 staff on weekdays from 08:30 to 20:00, 1 at weekends."""
    doc = team_file("small")
    doc["format"] = "actplanner/team@2"
    demo_roster.add_policy(doc["policy"], 1)
    weekdays, weekends = doc["policy"]["coverage"]
    weekdays.update(min_staff=2, min_by_discipline={})
    weekends.update(min_staff=1)
    demo_roster.add_contracts(random.Random(0), doc["staff"], doc["clients"], holiday_hours=False)
    return doc


def test_both_rosters_are_planned_week_after_week_and_counted() -> None:
    """Two weeks of the small team, rostered, from Christmas week: every figure is there for both
    methods, the weeks' requests are counted, and weekend shifts are counted for the contracted
    staff whose contract allows them."""
    doc = small_rostered()
    contracted = sorted(s["id"] for s in doc["staff"] if "contract" in s)
    end = "2027-01-04"
    asked = [r["date"] for s in doc["staff"] for r in s.get("contract", {}).get("requests", [])]
    run = run_team("small-b", team_doc=doc, weeks=2, time_limit=1.0, first=CHRISTMAS_WEEK)
    assert run.contracted == 3 and run.weekenders == contracted
    assert run.target is None
    for method in ("actplanner", "greedy roster"):
        weeks = run.runs[method].weeks
        assert [w.week.isoformat() for w in weeks] == ["2026-12-21", "2026-12-28"]
        assert sum(w.requests for w in weeks) == sum("2026-12-21" <= d < end for d in asked)
        assert all(0 < w.first_valid <= w.seconds and w.visits > 0 for w in weeks)
        assert set(run.runs[method].weekend) <= set(contracted)
    # The contracts and the coverage can be kept, so the planner's roster keeps them.
    assert run.runs["actplanner"].total("coverage_short") == 0
    assert run.runs["actplanner"].unexcused == 0
    text = format_roster([run], "test machine")
    assert "Machine: test machine." in text
    assert "## small-b: 20 clients, 6 staff, 3 on contracts" in text
    assert "| coverage minutes short (H17) | 0 |" in text and "| requests honoured (" in text
    assert text.count("| 2026-12-21 |") == 2


def test_the_command_writes_the_table(tmp_path: Path) -> None:
    team = tmp_path / "small-b.json"
    team.write_text(json.dumps(small_rostered()))
    out = tmp_path / "roster.md"
    args = ["bench", "roster", "--team", str(team), "--weeks", "1", "--time-limit", "1"]
    result = CliRunner().invoke(app, [*args, "--first", "2026-12-21", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "## small-b: 20 clients" in out.read_text()


def test_a_team_without_rostered_shifts_is_refused(tmp_path: Path) -> None:
    """The small sample team has fixed hours only: the command says so and names the option."""
    out = tmp_path / "roster.md"
    result = CliRunner().invoke(
        app, ["bench", "roster", "--team", "small", "--weeks", "1", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "no rostered shifts" in result.output and "--team" in result.output
    assert not out.exists()
    result = CliRunner().invoke(app, ["bench", "roster", "--first", "2026-12-22", "--out", str(out)])
    assert result.exit_code == 2 and "not a Monday" in result.output
