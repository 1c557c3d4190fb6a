"""One table of soft goals: every penalty the solver writes names a goal in it."""

from __future__ import annotations

from dataclasses import fields

import solver
from solver.goals import GOALS, GOALS_BY_LABEL
from solver.problem import WEIGHTS, Constants
from tests.support.solver_factories import rules_team_doc


def test_goals_are_exported_with_their_weights() -> None:
    assert solver.GOALS is GOALS
    keys = {f.name for f in fields(Constants)}
    for goal in GOALS:
        assert goal.weight_key in keys
        assert goal.weight == getattr(WEIGHTS, goal.weight_key)
        assert goal.explanation
    assert len(GOALS_BY_LABEL) == len(GOALS)


def test_every_penalty_of_a_plan_names_a_goal_of_the_table(good) -> None:  # noqa: ANN001
    """The rules team's plan groups its objective by goal labels from the table only."""
    doc, _ = good
    assert rules_team_doc()["team"]["id"] == doc["team"]
    assert set(doc["metrics"]["objective_by_goal"]) <= set(GOALS_BY_LABEL)
