"""The benchmark command produces its whole table, with every plan checked."""

from pathlib import Path

from typer.testing import CliRunner

from actplanner.bench.teams import scaling_team, sick_call
from actplanner.cli.main import app


def test_quick_bench_writes_every_section(tmp_path: Path) -> None:
    """`actplanner bench --quick` writes targets, fixture, scaling and re-plan tables."""
    out = tmp_path / "bench.md"
    result = CliRunner().invoke(app, ["bench", "--quick", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    for heading in ("## Targets", "## Fixture teams", "## Scaling", "## Re-plan after a sick call"):
        assert heading in text
    assert "| 0 hard violations on every plan | 0 at most | yes |" in text
    assert "Machine:" in text


def test_scaling_teams_are_cut_from_the_large_fixture() -> None:
    """A scaling team has exactly the clients asked for, and only staff of their areas."""
    team = scaling_team(50)
    assert len(team["clients"]) == 50
    areas = {c["id"].split("-")[1] for c in team["clients"]}
    assert {s["id"].split("-")[1] for s in team["staff"]} == areas


def test_sick_call_puts_the_busiest_staff_member_on_leave() -> None:
    """The sick call adds a whole-day leave on Wednesday for the busiest staff member."""
    team = {"staff": [{"id": "a"}, {"id": "b"}]}
    plan = {"visits": [{"date": "2026-12-02", "staff": ["b"]}, {"date": "2026-12-03", "staff": ["b"]}]}
    doc, sick, day = sick_call(team, plan)
    assert sick == "b" and str(day) == "2026-12-02"
    assert doc["staff"][1]["leave"] == [{"start": "2026-12-02T00:00", "end": "2026-12-03T00:00"}]
    assert "leave" not in team["staff"][1]
