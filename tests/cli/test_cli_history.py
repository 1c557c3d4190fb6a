"""``actplanner plan --baseline --from --history`` and ``actplanner check --history``: the re-plan
with what happened from the terminal, and bad history files as one error line, exit 2."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from actplanner.cli.main import app
from tests.domain.test_replan_with_history import NO_SHOW_WEDNESDAY, baseline, team_doc
from tests.support.contact_files import THU, contact, contact_log, plan_file

runner = CliRunner()


def write(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc))
    return path


def text(result: Result) -> str:
    return " ".join(result.output.split())


def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    return (
        write(tmp_path / "team.json", team_doc()),
        write(tmp_path / "base.json", baseline()),
        write(tmp_path / "contacts.json", NO_SHOW_WEDNESDAY),
    )


def test_plan_from_with_the_log_makes_up_the_no_show_and_check_agrees(tmp_path: Path) -> None:
    """The plan says replan_from; checked with the same log it holds, checked without it it
    has one visit too many for what its own visits before Thursday say."""
    team, base, log = files(tmp_path)
    out = tmp_path / "plan.json"
    args = ["plan", str(team), "--week", "2026-11-30", "--baseline", str(base), "--from", THU]
    result = runner.invoke(app, [*args, "--history", str(log), "--out", str(out), "--time-limit", "3"])
    assert result.exit_code == 0, result.output
    plan = json.loads(out.read_text())
    assert (plan["format"], plan["replan_from"]) == ("actplanner/plan@2", THU)
    checked = runner.invoke(app, ["check", str(team), str(out), "--history", str(log)])
    assert checked.exit_code == 0, checked.output
    alone = runner.invoke(app, ["check", str(team), str(out)])
    assert alone.exit_code == 1
    assert "c-1 has 2 visit(s) from 2026-12-03" in text(alone)


def test_check_with_history_finds_the_no_show_left_unmade(tmp_path: Path) -> None:
    team, base, log = files(tmp_path)
    plan = baseline()
    plan.update(format="actplanner/plan@2", replan_from=THU)
    checked = runner.invoke(
        app, ["check", str(team), str(write(tmp_path / "p.json", plan)), "--history", str(log)]
    )
    assert checked.exit_code == 1
    assert "so 2 of their 3 are still needed" in text(checked)


def test_a_history_file_of_another_kind_is_one_error_line(tmp_path: Path) -> None:
    team, base, _ = files(tmp_path)
    result = runner.invoke(app, ["check", str(team), str(base), "--history", str(team)])
    assert result.exit_code == 2
    assert text(result) == f"error: {team}: format: not a plan file or a contact log"


def test_plan_names_the_bad_entry_of_a_history_file(tmp_path: Path) -> None:
    team, base, _ = files(tmp_path)
    bad = write(tmp_path / "bad.json", contact_log(contact("k-1", visit="v-9")))
    later = write(tmp_path / "later.json", plan_file("2026-12-07"))
    args = ["plan", str(team), "--week", "2026-11-30", "--baseline", str(base), "--from", THU, "--greedy"]
    result = runner.invoke(
        app, [*args, "--history", str(bad), "--history", str(later), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert text(result) == (
        f"error: {later}: week_start: 2026-12-07 is not before the week of 2026-11-30; history holds "
        "earlier weeks (the plan being re-planned or checked is given on its own) "
        f'error: {bad}: contacts[0].visit: the plan of the week of 2026-11-30 has no visit "v-9"'
    )
    assert not (tmp_path / "o").exists()
