"""``solve`` end to end: the decomposition's steps in order, H12 integrity of the plan
file, determinism and stopping."""

from __future__ import annotations

import copy

from actplanner.checker import check
from actplanner.domain.adapter import to_problem
from actplanner.domain.formats import load_team
from solver import SolveParams, solve
from solver.problem import Progress
from tests.support.solver_factories import (
    WEEK,
    make_client,
    make_policy,
    make_problem,
    make_staff,
    rules_team_doc,
    solve_checked,
)


def phases(problem, **params) -> list[str]:  # noqa: ANN001, ANN003
    seen: list[Progress] = []
    solve(problem, SolveParams(**params), seen.append)
    return [p.phase for p in seen]


def test_steps_run_in_the_order_of_the_decomposition() -> None:
    """caseload → on-call → visits → first plan → week search → day routes → done."""
    problem = make_problem(
        staff=[make_staff("a"), make_staff("b")], clients=[make_client("c", visits_per_week=2)]
    )
    found = phases(problem, time_limit=1.0)
    order = [p for i, p in enumerate(found) if p not in found[:i]]
    assert order[:4] == ["caseload", "on-call", "visits", "first plan"]
    assert order[-1] == "done"
    assert set(order) <= {"caseload", "on-call", "visits", "first plan", "week", "routes", "done"}


def test_greedy_only_stops_after_the_first_plan() -> None:
    """The benchmarks' baseline: the first plan, no search."""
    problem = make_problem(staff=[make_staff("a")], clients=[make_client("c")])
    assert phases(problem, greedy_only=True) == ["caseload", "on-call", "visits", "first plan", "done"]


def test_objective_adds_up_goal_by_goal() -> None:
    """The plan's objective is the sum of its penalty terms when nothing is unmet."""
    problem = make_problem(
        staff=[make_staff("a"), make_staff("b"), make_staff("d")],
        clients=[make_client("c", visits_per_week=2)],
        policy=make_policy(on_call_roles=()),
        at={"c": (20, 0)},
    )
    plan = solve(problem, SolveParams(time_limit=1.0))
    by_goal = plan.metrics["objective_by_goal"]
    assert isinstance(by_goal, dict)
    assert plan.unmet == ()
    assert plan.objective == sum(t.cost for t in plan.penalties) == sum(by_goal.values())


def test_valid_team_gets_a_plan_with_nothing_unmet(good):
    """The test team is fully servable: the plan meets every rule with an empty unmet list."""
    doc, violations = good
    assert doc["unmet"] == []
    assert violations == []


def test_h12_holds_ids_team_and_week(good):
    """Hard H12: the plan names the team and Monday requested, and only ids of the team file."""
    doc, _ = good
    assert doc["team"] == "t" and doc["week_start"] == "2026-11-30"
    staff_ids = {s["id"] for s in rules_team_doc()["staff"]}
    assert all(set(v["staff"]) <= staff_ids for v in doc["visits"])


def test_h12_broken_plan_for_another_week_is_caught(good):
    """The checker flags a plan checked against a week it was not made for."""
    doc, _ = good
    report = check(rules_team_doc(), copy.deepcopy(doc), week_start="2026-12-07")
    assert any(v.rule == "H12" for v in report.unexcused)


def test_same_seed_and_limit_give_the_same_plan():
    """Determinism: two runs with one seed and one time limit produce identical plans."""
    first, _ = solve_checked(rules_team_doc(), limit=3.0)
    second, _ = solve_checked(rules_team_doc(), limit=3.0)
    for doc in (first, second):
        doc["solver"].pop("seconds")
    assert first == second


def test_stop_keeps_the_best_plan_so_far():
    """A progress callback asking to stop ends the search early with a valid plan."""
    model = load_team(rules_team_doc())
    calls = []

    def stop_after_first(progress):
        calls.append(progress.phase)
        return progress.phase == "first plan"

    result = solve(to_problem(model, WEEK), SolveParams(time_limit=60), stop_after_first)
    assert result.status == "stopped" and result.seconds < 30
    assert len(result.visits) == 17
    assert "first plan" in calls
