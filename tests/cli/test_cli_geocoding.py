"""Addresses, not coordinates, on the command line: ``plan``, ``check`` and ``fidelity`` read a team
file whose homes and starts are given as an address only the way an import does (the agency's
geocoder, here a real Nominatim- and Pelias-shaped HTTP server in a thread); without one the
command exits 2 naming the field and saying what to do, never with a traceback; a file with
coordinates asks no geocoder anything."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from actplanner.checker import check as check_plan
from actplanner.cli.main import app
from tests.geocoding.fake_geocoder import UseGeocoder, fake_geocoder
from tests.support.contact_files import contact_log
from tests.support.team_files import team_file

WEEK = "2026-11-30"  # The Monday the fixtures are planned for.
HOME = "2300 W Chicago Ave"
START = "1300 W Lake St"
PLACES = {HOME: (41.8958123, -87.6843456), START: (41.8855, -87.6603)}

runner = CliRunner()


def text(result: Result) -> str:
    """The command's stdout and stderr with whitespace collapsed (rich wraps long lines)."""
    return " ".join(result.output.split())


def write(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc, indent=1))
    return path


def addressed_team() -> dict[str, Any]:
    """The small team with a client's home and a staff member's start given as an address only."""
    doc = team_file("small")
    doc["clients"][3]["home"] = {"label": HOME}
    doc["staff"][1]["start"] = {"label": START}
    return doc


def placed_team() -> dict[str, Any]:
    """``addressed_team`` with the coordinates the geocoder gives written in (rounded as stored)."""
    doc = team_file("small")
    doc["clients"][3]["home"] = {
        "lat": round(PLACES[HOME][0], 6),
        "lon": round(PLACES[HOME][1], 6),
        "label": HOME,
    }
    doc["staff"][1]["start"] = {"lat": PLACES[START][0], "lon": PLACES[START][1], "label": START}
    return doc


def plan(team: Path, out: Path) -> Result:
    return runner.invoke(app, ["plan", str(team), "--week", WEEK, "--out", str(out), "--greedy"])


def check(team: Path, plan_path: Path) -> Result:
    return runner.invoke(app, ["check", str(team), str(plan_path), "--week", WEEK])


def no_traceback(result: Result) -> None:
    """The command ended by its own exit, and printed no Python traceback."""
    assert isinstance(result.exception, SystemExit | None), repr(result.exception)
    assert "Traceback" not in result.output
    assert "Error" not in result.output.replace("error:", "")


@pytest.mark.parametrize("kind", ["nominatim", "pelias"])
def test_plan_geocodes_an_address_and_check_accepts_the_plan(
    tmp_path: Path, use_geocoder: UseGeocoder, kind: str
) -> None:
    """`plan` asks the configured geocoder once per address and plans with its answer: the same
    visits as from the file with those coordinates written in; `check` reads the same places and
    accepts the plan."""
    team = write(tmp_path / "team.json", addressed_team())
    out = tmp_path / "plan.json"
    with fake_geocoder(PLACES) as geocoder:
        use_geocoder(geocoder.url, kind)
        planned = plan(team, out)
        assert planned.exit_code == 0, planned.output
        assert sorted(geocoder.asked) == sorted([HOME, START])
        assert set(geocoder.paths) == {"/search" if kind == "nominatim" else "/v1/search"}
        checked = check(team, out)
        assert checked.exit_code == 0, checked.output
        assert "Metrics" in checked.output
        assert len(geocoder.asked) == 4, "check looks the two addresses up again, once each"
    written = json.loads(out.read_text())
    assert written["visits"], "a plan of 20 clients has visits"
    # The plan is the one the geocoded coordinates give, and the checker agrees on those.
    assert check_plan(placed_team(), written, week_start=WEEK).unexcused == []
    same = tmp_path / "same.json"
    assert plan(write(tmp_path / "placed.json", placed_team()), same).exit_code == 0
    assert json.loads(same.read_text())["visits"] == written["visits"]


def _plan_args(tmp: Path, team: Path) -> list[str]:
    return ["plan", str(team), "--week", WEEK, "--out", str(tmp / "plan.json"), "--greedy"]


def _weeks_args(tmp: Path, team: Path) -> list[str]:
    (tmp / "plans").mkdir()
    return ["plan", str(team), "--week", WEEK, "--weeks", "2", "--out-dir", str(tmp / "plans"), "--greedy"]


def _check_args(tmp: Path, team: Path) -> list[str]:
    # A plan of the same team made from its coordinates: only the team file lacks them.
    plan_path = tmp / "made.json"
    assert plan(write(tmp / "placed.json", placed_team()), plan_path).exit_code == 0
    return ["check", str(team), str(plan_path), "--week", WEEK]


def _fidelity_args(tmp: Path, team: Path) -> list[str]:
    log = write(tmp / "contacts.json", contact_log(team=addressed_team()["team"]["id"]))
    return ["fidelity", str(team), str(log), "--from", WEEK, "--to", "2026-12-06"]


COMMANDS = [
    ("plan", _plan_args),
    ("plan --weeks", _weeks_args),
    ("check", _check_args),
    ("fidelity", _fidelity_args),
]


@pytest.mark.parametrize("args", [a for _, a in COMMANDS], ids=[n for n, _ in COMMANDS])
def test_without_a_geocoder_an_address_alone_exits_2_saying_what_to_do(
    tmp_path: Path, use_geocoder: UseGeocoder, args: Callable[[Path, Path], list[str]]
) -> None:
    """No geocoder is configured by default: the import's own message, naming each field and the
    fix, after the file's name; exit 2 (bad input, not a failed check), nothing written."""
    team = write(tmp_path / "team.json", addressed_team())
    command = args(tmp_path, team)
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = runner.invoke(app, command)
    assert result.exit_code == 2, result.output
    shown = text(result)
    assert (
        f'team.json: clients[3].home: no coordinates for "{HOME}": give lat and lon, or have your IT '
        "person set ACTPLANNER_GEOCODER_URL to your agency's own Nominatim or Pelias (docs/operations.md)"
    ) in shown
    assert f'team.json: staff[1].start: no coordinates for "{START}"' in shown
    assert "Metrics" not in shown
    no_traceback(result)
    assert sorted(p.name for p in tmp_path.rglob("*")) == before, "no plan file was written"


def test_a_geocoder_that_cannot_be_reached_exits_2_naming_the_field(
    tmp_path: Path, use_geocoder: UseGeocoder
) -> None:
    """A geocoder that is down is the import's message too (try later, or give lat and lon)."""
    with fake_geocoder(PLACES) as geocoder:
        url = geocoder.url
    use_geocoder(url)  # The server is shut down: nothing listens at its port any more.
    team = write(tmp_path / "team.json", addressed_team())
    result = plan(team, tmp_path / "plan.json")
    assert result.exit_code == 2, result.output
    shown = text(result)
    # Places are looked up in file order (staff starts before client homes); the first failure
    # stops the lookups and counts the addresses left.
    assert f'team.json: staff[1].start: could not look up "{START}": the geocoder at {url} could not' in shown
    assert "1 more addresses were not looked up (try again later, give lat and lon" in shown
    no_traceback(result)
    assert not (tmp_path / "plan.json").exists()


def test_an_unusable_geocoder_setting_is_one_line_not_a_traceback(
    tmp_path: Path, use_geocoder: UseGeocoder
) -> None:
    """The settings are read when an address needs them: a wrong ACTPLANNER_GEOCODER says so."""
    with fake_geocoder(PLACES) as geocoder:
        use_geocoder(geocoder.url, "google")
        result = plan(write(tmp_path / "team.json", addressed_team()), tmp_path / "plan.json")
        assert geocoder.paths == []
    assert result.exit_code == 2, result.output
    assert "ACTPLANNER_GEOCODER: Input should be 'nominatim' or 'pelias'" in text(result)
    no_traceback(result)


@pytest.mark.parametrize("args", [a for _, a in COMMANDS], ids=[n for n, _ in COMMANDS])
def test_coordinates_in_the_file_ask_no_geocoder(
    tmp_path: Path, use_geocoder: UseGeocoder, args: Callable[[Path, Path], list[str]]
) -> None:
    """Places with lat and lon (here with an address as their label too) are read as written: with
    a geocoder configured, the commands succeed without a single HTTP request to it."""
    team = write(tmp_path / "team.json", placed_team())
    with fake_geocoder(PLACES) as geocoder:
        use_geocoder(geocoder.url)
        result = runner.invoke(app, args(tmp_path, team))
        assert geocoder.paths == []
        assert geocoder.asked == []
    assert result.exit_code == 0, result.output
