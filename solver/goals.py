"""The soft goals: one table naming each goal, its weight and what it asks for.

Every ``Penalty`` the solver writes carries one of these labels in ``goal``, so a
plan's objective adds up goal by goal (``metrics["objective_by_goal"]``), and
anything showing a plan can explain a goal from the same table.
"""

from __future__ import annotations

from dataclasses import dataclass

from solver.problem import WEIGHTS

CONTINUITY = "1 ITT continuity"
TEAM_APPROACH = "2 team approach"
TRAVEL = "3 travel"
BALANCE = "4 balanced work"
ON_CALL = "5 fair on-call"
RECENT = "6 continuity across weeks"
REQUESTS = "7 requests honoured"
FAIR_WEEKENDS = "8 fair weekends and holidays"
STABILITY = "stability (re-plan)"


@dataclass(frozen=True)
class Goal:
    """A soft goal: its label in plans, the ``Constants`` field weighting it, and why it counts."""

    label: str
    weight_key: str
    explanation: str

    @property
    def weight(self) -> int:
        value: int = getattr(WEIGHTS, self.weight_key)
        return value


#: In FORMATS.md's order of importance. Unmet hard rules are no goal: each costs
#: ``WEIGHTS.unmet_visit`` in the objective and is listed in the plan's ``unmet``.
GOALS: tuple[Goal, ...] = (
    Goal(CONTINUITY, "non_itt_visit", "each visit by staff on the client's individual treatment team"),
    Goal(TEAM_APPROACH, "team_approach_missing", "a client with two or more visits meets two or more staff"),
    Goal(TRAVEL, "travel_minute", "as few minutes on the road as possible"),
    Goal(BALANCE, "imbalance_minute", "visit and travel minutes per FTE even across the field staff"),
    Goal(ON_CALL, "on_call_spread", "on-call periods, and weekend periods apart, shared evenly"),
    Goal(RECENT, "not_recent_staff", "visits by the ITT members who saw the client in the last 14 days"),
    Goal(REQUESTS, "request_not_honoured", "a staff member's request for a day off or a shift is honoured"),
    Goal(
        FAIR_WEEKENDS,
        "weekend_shift_share",
        "weekend and holiday shifts shared in proportion to FTE over the fairness weeks",
    ),
    Goal(STABILITY, "moved_visit", "a re-plan moves as few of the planned visits as it can"),
)

GOALS_BY_LABEL: dict[str, Goal] = {goal.label: goal for goal in GOALS}
