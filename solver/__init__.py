"""actplanner's optimisation engine: pure Python plus OR-Tools and PyVRP.

It imports nothing from the application, FastAPI or SQLAlchemy.
"""

from solver.engine import solve
from solver.goals import GOALS, Goal
from solver.plan import Caseload, OnCallPeriod, Penalty, Plan, Unmet, Visit
from solver.problem import (
    Baseline,
    Client,
    DisciplineRequirement,
    OnCallRole,
    Policy,
    Problem,
    Progress,
    SkillRequirement,
    SolveParams,
    Staff,
    Window,
)

__all__ = [
    "Baseline",
    "Caseload",
    "Client",
    "GOALS",
    "DisciplineRequirement",
    "Goal",
    "OnCallPeriod",
    "OnCallRole",
    "Penalty",
    "Plan",
    "Policy",
    "Problem",
    "Progress",
    "SkillRequirement",
    "SolveParams",
    "Staff",
    "Unmet",
    "Visit",
    "Window",
    "solve",
]
