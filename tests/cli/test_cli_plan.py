"""The ``actplanner`` command end to end: plan, check, bad input and the VRPTW benchmark."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from actplanner.checker import check as check_plan
from actplanner.cli.main import app
from actplanner.domain.formats import load_plan
from actplanner.settings import get_settings
from tests.support.team_files import team_file

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "fixtures" / "small.json"
SOLOMON_C101 = REPO.parent / "shared" / "benchmarks" / "solomon" / "C101.100.10.vrptw"
WEEK = "2026-11-30"  # The Monday the fixtures are planned for.
SAT = "2026-12-05"

runner = CliRunner()


def small_team() -> dict:
    return team_file("small")


def text(result: Result) -> str:
    """The command's stdout and stderr with whitespace collapsed (rich wraps long lines)."""
    return " ".join(result.output.split())


def write(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc, indent=1))
    return path


def plan(team: Path, out: Path, *args: str) -> Result:
    """``actplanner plan TEAM --week WEEK --out OUT`` (greedy unless told otherwise)."""
    extra = list(args) if args else ["--greedy"]
    if "--week" not in extra:
        extra += ["--week", WEEK]
    return runner.invoke(app, ["plan", str(team), "--out", str(out), *extra])


def check(team: Path, plan_file: Path, *args: str) -> Result:
    return runner.invoke(app, ["check", str(team), str(plan_file), *args])


@pytest.fixture(scope="module")
def small_plan(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One short (2 s) search of the small team, planned once for the module."""
    out = tmp_path_factory.mktemp("plan") / "plan.json"
    result = plan(SMALL, out, "--time-limit", "2", "--seed", "0")
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text())


# --- plan, then check -------------------------------------------------------


def test_plan_writes_a_plan_that_check_accepts(small_plan: dict, tmp_path: Path) -> None:
    """`plan` writes a loadable plan for the requested team and week, and `check` exits 0 on it."""
    plan_path = write(tmp_path / "plan.json", small_plan)
    loaded = load_plan(plan_path.read_bytes())
    assert loaded.team == small_team()["team"]["id"]
    assert loaded.week_start == WEEK
    assert loaded.visits, "a plan of 20 clients has visits"
    assert loaded.solver is not None and loaded.solver.status in {"feasible", "optimal"}
    result = check(SMALL, plan_path, "--week", WEEK)
    assert result.exit_code == 0, result.output
    assert "Metrics" in result.output


def test_greedy_plan_is_valid_too(tmp_path: Path) -> None:
    """`plan --greedy` (cheapest insertion only) also gives a plan the checker accepts."""
    out = tmp_path / "plan.json"
    result = plan(SMALL, out, "--greedy")
    assert result.exit_code == 0, result.output
    assert check(SMALL, out).exit_code == 0


def test_installed_entry_point_plans_and_checks(tmp_path: Path) -> None:
    """The installed `actplanner` script plans the small team and checks its own plan."""
    script = Path(sys.executable).parent / "actplanner"
    if not script.exists():
        pytest.skip("the actplanner console script is not installed beside this Python")
    out = tmp_path / "plan.json"
    planned = subprocess.run(
        [str(script), "plan", str(SMALL), "--week", WEEK, "--out", str(out), "--greedy"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert planned.returncode == 0, planned.stderr
    assert out.exists()
    checked = subprocess.run(
        [str(script), "check", str(SMALL), str(out)], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


# --- bad input: exit 2, the field named, nothing written ------------------------


def _unknown_key(t: dict) -> None:
    t["staff"][2]["shfits"] = t["staff"][2].pop("shifts")


def _shift_backwards(t: dict) -> None:
    t["staff"][2]["shifts"]["mon"] = ["17:00", "08:00"]


def _unknown_itt_member(t: dict) -> None:
    t["clients"][0]["itt"][1] = "s-nobody"


def _bad_timezone(t: dict) -> None:
    t["team"]["timezone"] = "Mars/Olympus_Mons"


def _visits_do_not_fit(t: dict) -> None:
    # clients[2] is "moderate" (min_gap_days 2): 5 visits need 9 days.
    assert t["clients"][2]["acuity"] == "moderate"
    t["clients"][2]["visits_per_week"] = 5


def _requirement_exceeds_visits(t: dict) -> None:
    # clients[0] is "stable": one visit a week.
    assert t["clients"][0]["acuity"] == "stable"
    t["clients"][0]["requirements"] = [{"discipline": "nurse", "visits": 3}]


def _skill_nobody_has(t: dict) -> None:
    t["clients"][0]["requirements"] = [
        {"discipline": "nurse", "visits": 1},
        {"skill": "hang_gliding", "due": "2026-12-02", "window_days": 1},
    ]


BAD_TEAMS: list[tuple[str, Callable[[dict], None], str]] = [
    ("unknown key", _unknown_key, "staff[2].shfits: unknown key"),
    ("shift ends before it starts", _shift_backwards, "staff[2].shifts.mon:"),
    ("unknown staff in an ITT", _unknown_itt_member, 'clients[0].itt[1]: unknown staff "s-nobody"'),
    ("no such time zone", _bad_timezone, "team.timezone:"),
    ("visits do not fit the spacing", _visits_do_not_fit, "clients[2].visits_per_week:"),
    ("requirement beyond the visits", _requirement_exceeds_visits, "clients[0].requirements[0].visits:"),
    ("skill nobody has", _skill_nobody_has, "clients[0].requirements[1].skill:"),
]


@pytest.mark.parametrize(
    ("edit", "expected"), [(e, m) for _, e, m in BAD_TEAMS], ids=[n for n, _, _ in BAD_TEAMS]
)
def test_bad_team_file_exits_2_naming_the_field(
    edit: Callable[[dict], None], expected: str, tmp_path: Path
) -> None:
    """A team file that breaks FORMATS.md exits 2, names the JSON path, and writes no plan."""
    team = small_team()
    edit(team)
    team_path = write(tmp_path / "team.json", team)
    out = tmp_path / "plan.json"
    result = plan(team_path, out)
    assert result.exit_code == 2, result.output
    assert expected in text(result)
    assert "team.json" in text(result)
    assert not out.exists()


def test_invalid_json_exits_2(tmp_path: Path) -> None:
    """A team file that is not JSON exits 2 with the file and the position, and writes no plan."""
    team_path = tmp_path / "team.json"
    team_path.write_text('{"format": "actplanner/team@1", "team": ')
    out = tmp_path / "plan.json"
    result = plan(team_path, out)
    assert result.exit_code == 2, result.output
    assert "invalid JSON at line 1" in text(result)
    assert "team.json" in text(result)
    assert not out.exists()


def test_week_that_is_not_a_monday_exits_2(tmp_path: Path) -> None:
    """`--week` on a Tuesday exits 2 naming `--week`, and writes no plan."""
    out = tmp_path / "plan.json"
    result = plan(SMALL, out, "--greedy", "--week", "2026-12-01")
    assert result.exit_code == 2, result.output
    assert "--week" in text(result) and "Monday" in text(result)
    assert not out.exists()


def test_week_that_is_not_a_date_exits_2(tmp_path: Path) -> None:
    """`--week` that is no date exits 2 naming `--week`, and writes no plan."""
    out = tmp_path / "plan.json"
    result = plan(SMALL, out, "--greedy", "--week", "2026-11-31")
    assert result.exit_code == 2, result.output
    assert "--week" in text(result)
    assert not out.exists()


def test_from_that_is_not_a_date_exits_2(small_plan: dict, tmp_path: Path) -> None:
    """`--from` that is no date exits 2 naming `--from`, and writes no plan."""
    base = write(tmp_path / "base.json", small_plan)
    out = tmp_path / "plan.json"
    result = plan(SMALL, out, "--greedy", "--baseline", str(base), "--from", "Wednesday")
    assert result.exit_code == 2, result.output
    assert "--from" in text(result)
    assert not out.exists()


def test_missing_team_file_exits_2(tmp_path: Path) -> None:
    """A team file that does not exist exits 2 saying so, and writes no plan."""
    out = tmp_path / "plan.json"
    result = plan(tmp_path / "nowhere.json", out)
    assert result.exit_code == 2, result.output
    assert "nowhere.json: no such file" in text(result)
    assert not out.exists()


def test_check_with_missing_or_broken_plan_exits_2(tmp_path: Path) -> None:
    """`check` exits 2 (not 0 or 1) when the plan file is missing or not JSON."""
    missing = check(SMALL, tmp_path / "nowhere.json")
    assert missing.exit_code == 2, missing.output
    assert "no such file" in text(missing)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = check(SMALL, broken)
    assert result.exit_code == 2, result.output
    assert "not JSON" in text(result)


# --- a team that cannot be fully served ------------------------------------------


def test_unservable_client_is_reported_in_unmet(tmp_path: Path) -> None:
    """A client available only on Sunday, when nobody works, gets a plan (exit 0) with H1 unmet."""
    team = small_team()
    assert all("sun" not in s["shifts"] for s in team["staff"])
    team["clients"].append(
        {
            "id": "c-sunday",
            "code": "SUN",
            "home": {"lat": 41.90, "lon": -87.69},
            "acuity": "stable",
            "availability": {"sun": [["09:00", "17:00"]]},
        }
    )
    team_path = write(tmp_path / "team.json", team)
    out = tmp_path / "plan.json"
    result = plan(team_path, out)
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert any(u.get("client") == "c-sunday" and u["rule"] == "H1" for u in doc["unmet"])
    assert not [v for v in doc["visits"] if v["client"] == "c-sunday"]
    assert "c-sunday" in doc["caseload"], "an unvisited client still gets a primary and ITT"
    assert "H1 c-sunday" in text(result), "the summary names the unmet rule and client"
    assert check(team_path, out).exit_code == 0


# --- check catches tampering ------------------------------------------------------


def test_check_exits_1_on_visit_outside_availability_and_0_when_excused(
    small_plan: dict, tmp_path: Path
) -> None:
    """Moving a weekday-only client's visit to Saturday fails `check`; naming it in unmet excuses it."""
    team = small_team()
    client = next(c for c in team["clients"] if c.get("availability") and "sat" not in c["availability"])
    tampered = copy.deepcopy(small_plan)
    visit = next(v for v in tampered["visits"] if v["client"] == client["id"])
    visit["date"] = SAT
    plan_path = write(tmp_path / "tampered.json", tampered)
    result = check(SMALL, plan_path)
    assert result.exit_code == 1, result.output
    assert f"H6 {client['id']}" in result.output

    report = check_plan(team, tampered)
    rules = {v.rule for v in report.unexcused}
    assert "H6" in rules
    assert {v.client for v in report.unexcused} == {client["id"]}
    tampered["unmet"] = tampered.get("unmet", []) + [
        {"client": client["id"], "rule": rule, "detail": "moved by hand for the test"}
        for rule in sorted(rules)
    ]
    excused = check(SMALL, write(tmp_path / "excused.json", tampered))
    assert excused.exit_code == 0, excused.output
    assert "excused by unmet" in excused.output


def test_check_exits_1_without_an_on_call_primary_and_0_when_excused(
    small_plan: dict, tmp_path: Path
) -> None:
    """Deleting Wednesday's on-call primary fails `check` (H9); an H9 unmet entry excuses it."""
    tampered = copy.deepcopy(small_plan)
    before = len(tampered["on_call"])
    tampered["on_call"] = [
        p for p in tampered["on_call"] if not (p["role"] == "primary" and p["start"] == "2026-12-02T08:30")
    ]
    assert len(tampered["on_call"]) == before - 1
    result = check(SMALL, write(tmp_path / "tampered.json", tampered))
    assert result.exit_code == 1, result.output
    assert "H9" in result.output

    tampered["unmet"] = tampered.get("unmet", []) + [
        {"rule": "H9", "detail": "nobody can take Wednesday's primary on-call"}
    ]
    excused = check(SMALL, write(tmp_path / "excused.json", tampered))
    assert excused.exit_code == 0, excused.output


def test_check_exits_1_for_the_wrong_week(small_plan: dict, tmp_path: Path) -> None:
    """`check --week` with another Monday than the plan's fails on H12."""
    plan_path = write(tmp_path / "plan.json", small_plan)
    result = check(SMALL, plan_path, "--week", "2026-12-07")
    assert result.exit_code == 1, result.output
    assert "H12" in result.output


# --- the routing benchmark ---------------------------------------------------------


def test_bench_vrptw_prints_one_json_object(tmp_path: Path) -> None:
    """`bench vrptw` on one Solomon instance prints one JSON line with the result's fields."""
    if not SOLOMON_C101.exists():
        pytest.skip(f"{SOLOMON_C101} is not here")
    result = runner.invoke(
        app, ["bench", "vrptw", str(SOLOMON_C101), "--time-limit", "1", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    row = json.loads(lines[0])
    assert {"instance", "distance_x10", "vehicles", "feasible", "seconds"} <= row.keys()
    assert row["instance"] == "C101"
    assert isinstance(row["feasible"], bool)
    assert row["distance_x10"] > 0 and row["vehicles"] >= 1
    assert 0 < row["seconds"] < 10


def test_from_without_baseline_is_refused(tmp_path: Path) -> None:
    """--from means "keep the baseline before this date": without --baseline it is an error."""
    out = tmp_path / "plan.json"
    result = runner.invoke(
        app,
        ["plan", str(SMALL), "--week", "2026-11-30", "--from", "2026-12-02", "--out", str(out), "--greedy"],
    )
    assert result.exit_code == 2
    assert "--from" in result.output
    assert not out.exists()


def _deep(tmp: Path) -> Path:
    path = tmp / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    return path


def _long_timezone(tmp: Path) -> Path:
    doc = small_team()
    doc["team"]["timezone"] = "A" * 300  # too long for a file name: zoneinfo raised OSError
    return write(tmp / "team.json", doc)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (lambda t: ["plan", str(_deep(t)), "--week", WEEK], "nested too deeply"),
        (lambda t: ["check", str(_deep(t)), str(SMALL)], "nested too deeply"),
        (lambda t: ["plan", str(_long_timezone(t)), "--week", WEEK, "--greedy"], "team.timezone"),
        (lambda t: ["plan", str(t), "--week", WEEK], "is a directory"),
        (lambda t: ["check", str(SMALL), str(t)], "is a directory"),
        (lambda t: ["plan", str(SMALL), "--week", WEEK, "--time-limit", "-5"], "--time-limit"),
        (lambda t: ["plan", str(SMALL), "--week", WEEK, "--time-limit", "nan"], "--time-limit"),
        (lambda t: ["plan", str(SMALL), "--week", WEEK, "--greedy", "--out", str(t)], "--out"),
        (
            lambda t: ["plan", str(SMALL), "--week", WEEK, "--greedy", "--out", str(t / "no" / "p.json")],
            "--out",
        ),
    ],
    ids=[
        "plan-nested-json",
        "check-nested-json",
        "plan-long-timezone",
        "plan-directory",
        "check-directory",
        "time-limit-negative",
        "time-limit-nan",
        "out-is-a-directory",
        "out-folder-missing",
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    args: Callable[[Path], list[str]], says: str, tmp_path: Path
) -> None:
    result = runner.invoke(app, args(tmp_path))
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error:") and says in lines[0], result.output


def test_serve_without_a_reachable_database_is_one_line_and_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTPLANNER_DATABASE_URL", "postgresql+psycopg://nobody:secret@127.0.0.1:1/none")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["serve"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "cannot reach the database" in lines[0] and "secret" not in lines[0], result.output
