"""Re-planning from a published plan: a sick call, a new admission, pinned and past visits."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from actplanner.checker import check as check_plan
from actplanner.cli.main import app
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_plan, load_team
from solver import SolveParams, solve
from tests.support.team_files import team_file

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "fixtures" / "small.json"
WEEK = "2026-11-30"
FROM = "2026-12-02"  # Wednesday: Monday and Tuesday have happened.
THU = "2026-12-03"
#: The most a sick call or an admission may move, as a share of the visits from FROM on.
MOVED_SHARE = 0.25

runner = CliRunner()


def small_team() -> dict:
    return team_file("small")


def write(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc, indent=1))
    return path


def text(result: Result) -> str:
    return " ".join(result.output.split())


def replan(
    tmp_path: Path, team: dict, baseline: dict, *, week: str = WEEK, start: str = FROM
) -> tuple[Result, Path]:
    """``actplanner plan TEAM --baseline BASE --from START`` with a 2 s limit."""
    team_path = write(tmp_path / "team2.json", team)
    base_path = write(tmp_path / "base.json", baseline)
    out = tmp_path / "plan2.json"
    result = runner.invoke(
        app,
        [
            "plan", str(team_path), "--week", week, "--out", str(out), "--time-limit", "2",
            "--baseline", str(base_path), "--from", start,
        ],
    )  # fmt: skip
    return result, out


def by_day(plan: dict) -> dict[tuple[str, str], dict]:
    """Visits keyed by (client, date): H1 allows one visit per client and date."""
    return {(v["client"], v["date"]): v for v in plan["visits"]}


def content(visit: dict | None) -> dict | None:
    """A visit without its id: client, staff, date, times, purpose and pin."""
    return None if visit is None else {k: v for k, v in visit.items() if k != "id"}


def moved_between(old: dict, new: dict, start: str = FROM) -> int:
    """Baseline visits from ``start`` on whose date, staff or start time changed, or vanished."""
    now = by_day(new)
    moved = 0
    for v in old["visits"]:
        if v["date"] < start:
            continue
        after = now.get((v["client"], v["date"]))
        if after is None or sorted(after["staff"]) != sorted(v["staff"]) or after["start"] != v["start"]:
            moved += 1
    return moved


def add_day_off(team: dict, staff_id: str, day: str) -> None:
    """A whole-day leave (a sick call) for one staff member."""
    member = next(s for s in team["staff"] if s["id"] == staff_id)
    end = date.fromisoformat(day).toordinal() + 1
    member.setdefault("leave", []).append(
        {"start": f"{day}T00:00", "end": f"{date.fromordinal(end).isoformat()}T00:00"}
    )


def busiest(plan: dict, day: str) -> str:
    """The staff member with the most visits on ``day``."""
    counts: dict[str, int] = {}
    for v in plan["visits"]:
        if v["date"] == day:
            for s in v["staff"]:
                counts[s] = counts.get(s, 0) + 1
    return max(sorted(counts), key=lambda s: counts[s])


@pytest.fixture(scope="module")
def baseline() -> dict:
    """The published plan: the small team's week after a 2 s search."""
    team = load_team(SMALL.read_bytes())
    week = date.fromisoformat(WEEK)
    result = solve(to_problem(team, week), SolveParams(time_limit=2, seed=0))
    doc = dump_plan(to_plan_file(result, team, week))
    assert check_plan(small_team(), doc).valid
    return doc


def test_unchanged_team_moves_nothing(baseline: dict, tmp_path: Path) -> None:
    """Re-planning an unchanged team from its own valid plan keeps every visit (moved 0)."""
    result, out = replan(tmp_path, small_team(), baseline)
    assert result.exit_code == 0, result.output
    new = json.loads(out.read_text())
    assert new["solver"]["moved"] == 0
    assert moved_between(baseline, new) == 0
    assert len(new["visits"]) == len(baseline["visits"])


def test_visits_before_from_are_kept_exactly(baseline: dict, tmp_path: Path) -> None:
    """Visits dated before `--from` come back identical (staff, times), whatever changed after."""
    team = small_team()
    add_day_off(team, busiest(baseline, FROM), FROM)
    add_day_off(team, busiest(baseline, THU), THU)
    result, out = replan(tmp_path, team, baseline)
    assert result.exit_code == 0, result.output
    new = json.loads(out.read_text())
    past = [v for v in baseline["visits"] if v["date"] < FROM]
    assert past, "the baseline has visits on Monday and Tuesday"
    now = by_day(new)
    for v in past:
        assert content(now.get((v["client"], v["date"]))) == content(v)
    assert len([v for v in new["visits"] if v["date"] < FROM]) == len(past)


def test_sick_call_moves_few_visits_and_stays_valid(baseline: dict, tmp_path: Path) -> None:
    """A day's sick leave moves that person's visits that day to others, and few more."""
    sick = busiest(baseline, FROM)
    their_day = [v for v in baseline["visits"] if v["date"] == FROM and sick in v["staff"]]
    assert their_day
    team = small_team()
    add_day_off(team, sick, FROM)
    result, out = replan(tmp_path, team, baseline)
    assert result.exit_code == 0, result.output
    new = json.loads(out.read_text())

    assert not [v for v in new["visits"] if v["date"] == FROM and sick in v["staff"]]
    report = check_plan(team, new)
    assert report.valid, [v.message for v in report.unexcused]

    remaining = sum(1 for v in baseline["visits"] if v["date"] >= FROM)
    moved = new["solver"]["moved"]
    print(f"sick {sick}: {len(their_day)} of their visits on {FROM}; moved {moved} of {remaining}")
    assert moved == moved_between(baseline, new)
    assert len(their_day) <= moved <= MOVED_SHARE * remaining
    # Each of the sick person's clients is still seen (that day or another) unless unmet says not.
    excused = {u.get("client") for u in new["unmet"]}
    for v in their_day:
        count = sum(1 for w in new["visits"] if w["client"] == v["client"])
        before = sum(1 for w in baseline["visits"] if w["client"] == v["client"])
        assert count == before or v["client"] in excused


def test_sick_call_through_the_python_api(baseline: dict) -> None:
    """`to_problem(..., baseline=, from_date=)` + `solve` reports Plan.moved as the files show it."""
    sick = busiest(baseline, THU)
    doc = small_team()
    add_day_off(doc, sick, THU)
    team = load_team(doc)
    problem = to_problem(
        team,
        date.fromisoformat(WEEK),
        baseline=load_plan(baseline),
        from_date=date.fromisoformat(FROM),
    )
    result = solve(problem, SolveParams(time_limit=2, seed=0))
    new = dump_plan(to_plan_file(result, team, date.fromisoformat(WEEK)))
    assert check_plan(doc, new).valid
    remaining = sum(1 for v in baseline["visits"] if v["date"] >= FROM)
    print(f"API sick {sick} on {THU}: moved {result.moved} of {remaining}")
    assert result.moved is not None
    assert result.moved == new["solver"]["moved"] == moved_between(baseline, new)
    assert 1 <= result.moved <= MOVED_SHARE * remaining
    assert not [v for v in result.visits if sick in v.staff and v.day == 3]


def test_pinned_visits_never_move(baseline: dict, tmp_path: Path) -> None:
    """Visits pinned in the baseline come back unchanged after a sick call and an admission."""
    pinned_day = THU
    sick = busiest(baseline, pinned_day)
    others = [v for v in baseline["visits"] if v["date"] == pinned_day and sick not in v["staff"]]
    base = copy.deepcopy(baseline)
    pins = {v["id"] for v in others[:2]} | {v["id"] for v in base["visits"] if v["date"] == "2026-12-04"}
    for v in base["visits"]:
        if v["id"] in pins:
            v["pinned"] = True
    team = small_team()
    add_day_off(team, sick, pinned_day)
    team["clients"].append(
        {"id": "c-new", "code": "NEW", "home": {"lat": 41.90, "lon": -87.69}, "acuity": "stable"}
    )
    result, out = replan(tmp_path, team, base)
    assert result.exit_code == 0, result.output
    new = json.loads(out.read_text())
    now = by_day(new)
    pinned = [v for v in base["visits"] if v.get("pinned")]
    assert len(pinned) >= 3
    for v in pinned:
        assert content(now.get((v["client"], v["date"]))) == content(v)
    assert check_plan(team, new).valid


def test_pinned_visit_of_a_sick_staff_member_stays_and_is_reported(baseline: dict, tmp_path: Path) -> None:
    """A pinned visit whose staff member falls sick is kept exactly, and unmet says so (H3)."""
    base = copy.deepcopy(baseline)
    sick = busiest(base, THU)
    visit = next(v for v in base["visits"] if v["date"] == THU and sick in v["staff"])
    visit["pinned"] = True
    team = small_team()
    add_day_off(team, sick, THU)
    result, out = replan(tmp_path, team, base)
    assert result.exit_code == 0, result.output
    new = json.loads(out.read_text())
    assert content(by_day(new).get((visit["client"], THU))) == content(visit)
    assert any(u.get("client") == visit["client"] and u["rule"] == "H3" for u in new["unmet"])
    report = check_plan(team, new)
    assert report.valid, [v.message for v in report.unexcused]
    assert any(v.rule == "H3" and v.client == visit["client"] for v in report.violations)


def test_new_admission_gets_visits_and_others_mostly_stay(baseline: dict, tmp_path: Path) -> None:
    """A client admitted mid-week gets their visits from `--from` on; few existing visits move."""
    team = small_team()
    team["clients"].append(
        {
            "id": "c-new",
            "code": "NEW",
            "home": {"lat": 41.90, "lon": -87.69},
            "acuity": "high",
            "visits_per_week": 3,  # Wednesday, Thursday and Friday are left.
        }
    )
    result, out = replan(tmp_path, team, baseline)
    assert result.exit_code == 0, result.output
    new = json.loads(out.read_text())
    theirs = sorted(v["date"] for v in new["visits"] if v["client"] == "c-new")
    assert theirs == [FROM, THU, "2026-12-04"]
    assert not [u for u in new["unmet"] if u.get("client") == "c-new"]
    assert "c-new" in new["caseload"]
    report = check_plan(team, new)
    assert report.valid, [v.message for v in report.unexcused]
    remaining = sum(1 for v in baseline["visits"] if v["date"] >= FROM)
    moved = new["solver"]["moved"]
    print(f"admission: moved {moved} of {remaining}")
    assert moved == moved_between(baseline, new)
    assert moved <= MOVED_SHARE * remaining


def test_replan_keeps_visit_ids(baseline: dict, tmp_path: Path) -> None:
    """A visit the re-plan keeps (here: all of them, nothing changed) keeps its baseline id."""
    base = copy.deepcopy(baseline)
    for v in base["visits"]:
        v["id"] = f"web-{v['client']}-{v['date']}"  # ids as another tool might write them
        if v["date"] == THU:
            v["pinned"] = True
    result, out = replan(tmp_path, small_team(), base)
    assert result.exit_code == 0, result.output
    new = json.loads(out.read_text())
    assert new["solver"]["moved"] == 0
    assert {v["id"] for v in new["visits"]} == {v["id"] for v in base["visits"]}


def test_unmet_detail_of_a_replan_names_only_blocked_days(baseline: dict, tmp_path: Path) -> None:
    """An H1 shortfall's detail in a re-plan does not name days on which the client has a visit."""
    result, out = replan(tmp_path, small_team(), baseline)
    assert result.exit_code == 0, result.output
    new = json.loads(out.read_text())
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for u in new["unmet"]:
        if u["rule"] != "H1" or "no eligible staff member free" not in u["detail"]:
            continue
        visited = {
            names[date.fromisoformat(v["date"]).weekday()]
            for v in new["visits"]
            if v["client"] == u["client"]
        }
        listed = set(u["detail"].split(" on ", 1)[1].split(" (")[0].split(", "))
        assert not listed & visited, u


@pytest.mark.parametrize(
    ("what", "week", "team_id"),
    [("another week", "2026-12-07", None), ("another team", WEEK, "some-other-team")],
)
def test_baseline_for_another_week_or_team_is_rejected(
    baseline: dict, tmp_path: Path, what: str, week: str, team_id: str | None
) -> None:
    """A baseline plan of another week or another team exits 2 naming the baseline; no plan written."""
    team = small_team()
    if team_id:
        team["team"]["id"] = team_id
    result, out = replan(tmp_path, team, baseline, week=week, start=week)
    assert result.exit_code == 2, (what, result.output)
    assert "base.json" in text(result) and "do not match" in text(result)
    assert not out.exists()


def test_adapter_rejects_a_baseline_of_another_week(baseline: dict) -> None:
    """`to_problem` refuses a baseline whose week_start is not the week asked for."""
    team = load_team(SMALL.read_bytes())
    with pytest.raises(ValueError, match="Baseline plan"):
        to_problem(team, date(2026, 12, 7), baseline=load_plan(baseline))
