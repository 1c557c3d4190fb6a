"""The solved rules team, shared by every module's hard-rule pairs: solved once per run."""

from __future__ import annotations

import pytest

from tests.support.solver_factories import rules_team_doc, solve_checked


@pytest.fixture(scope="session")
def good() -> tuple[dict, list]:
    """The rules team's plan file (checked by the independent checker) and its violations."""
    return solve_checked(rules_team_doc(), limit=4.0)
