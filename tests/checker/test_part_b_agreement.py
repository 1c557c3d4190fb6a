"""The solver's Part B plans as the checker judges them: every violation owned up to in unmet, and
the Part B figures the same (the checker computes them from the files alone)."""

from __future__ import annotations

from datetime import timedelta

from actplanner.checker import check, format_report
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_team
from actplanner.domain.history import History
from solver import SolveParams, solve
from tests.support.part_b_files import CHRISTMAS_WEEK, doc_b

FIGURES = ("team_meeting_days", "coverage_minutes_short", "requests_honoured_share", "travel_minutes_total")


def test_two_planned_weeks_agree_with_the_checker_across_the_boundary():
    """Christmas week and the week after it (New Year's Day is no holiday of this team), the
    second planned and checked with the first as history: no unexcused violation, and the same
    Part B figures from solver and checker."""
    doc = doc_b()
    team = load_team(doc)
    plans, documents = {}, []
    for week in (CHRISTMAS_WEEK, CHRISTMAS_WEEK + timedelta(days=7)):
        problem = to_problem(team, week, history=History(plans=dict(plans)))
        planned = to_plan_file(
            solve(problem, SolveParams(time_limit=5, seed=0, greedy_only=True)), team, week
        )
        plan = dump_plan(planned)
        found = check(doc, plan, week_start=str(week), history=list(documents))
        assert found.valid, format_report(found)
        assert plan["shifts"], "a Part B plan carries its shifts"
        for name in FIGURES:
            assert found.metrics[name] == plan["metrics"][name], name
        plans[week] = planned
        documents.append(plan)
