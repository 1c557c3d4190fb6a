"""A solver plan's ``unmet`` names the staff member and date of what it could not meet (version 2),
so that the independent checker's excusing, field by field, owns up to exactly those violations."""

from __future__ import annotations

from datetime import date

import solver
from actplanner.checker import check
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_team
from tests.support.team_files import team_file

MONDAY = date(2026, 11, 30)


def _planned(doc: dict) -> dict:
    team = load_team(doc)
    plan = solver.solve(to_problem(team, MONDAY), solver.SolveParams(time_limit=5, greedy_only=True), None)
    return dump_plan(to_plan_file(plan, team, MONDAY))


def test_a_period_nobody_can_hold_is_named_by_its_date_and_excused_by_it() -> None:
    doc = team_file("small")
    doc["policy"]["on_call"]["roles"]["prescriber"] = {"disciplines": ["nurse_practitioner"]}
    plan = _planned(doc)
    h9 = [u for u in plan["unmet"] if u["rule"] == "H9"]
    assert plan["format"] == "actplanner/plan@2"
    assert sorted(u["date"] for u in h9) == ["2026-11-30"] + [f"2026-12-{d:02d}" for d in range(1, 7)]
    report = check(doc, plan)
    assert [v for v in report.violations if v.rule == "H9"], "the checker finds the empty periods"
    assert not [v for v in report.unexcused if v.rule == "H9"]


def test_an_unmet_entry_for_another_date_excuses_nothing() -> None:
    doc = team_file("small")
    doc["policy"]["on_call"]["roles"]["prescriber"] = {"disciplines": ["nurse_practitioner"]}
    plan = _planned(doc)
    for entry in plan["unmet"]:
        if entry["rule"] == "H9":
            entry["date"] = "2026-11-30"
    unexcused = [v for v in check(doc, plan).unexcused if v.rule == "H9"]
    assert sorted(v.date for v in unexcused) == [f"2026-12-{d:02d}" for d in range(1, 7)]


def test_a_primary_run_over_the_limit_names_its_holder_and_the_period_that_goes_over() -> None:
    doc = team_file("small")
    primaries = [m for m in doc["staff"] if "primary" in m.get("on_call_roles", [])]
    for member in primaries[1:]:
        member["on_call_roles"] = [r for r in member["on_call_roles"] if r != "primary"]
    assert doc["policy"]["on_call"]["max_consecutive"] == 2
    plan = _planned(doc)
    h10 = [u for u in plan["unmet"] if u["rule"] == "H10"]
    assert [(u["staff"], u["date"]) for u in h10] == [(primaries[0]["id"], "2026-12-02")]
    report = check(doc, plan)
    assert [v for v in report.violations if v.rule == "H10"]
    assert not [v for v in report.unexcused if v.rule == "H10"]
