"""Hand-built teams for solver tests: plain factory functions with sensible defaults.

Positions are points on a plane; ``make_problem`` turns them into a travel matrix
where one unit of distance is one minute, so tests can reason about "nearby".
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from solver.problem import DAY, Client, OnCallRole, Policy, Problem, Staff, Window

#: Monday to Friday, 08:30-17:00.
WEEKDAYS = tuple(range(5))


def shift(day: int, start: str = "08:30", end: str = "17:00") -> Window:
    """The window of one day's shift given as local times."""
    return Window(day * DAY + minutes(start), day * DAY + minutes(end))


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def make_staff(id: str, discipline: str = "case_manager", **overrides: Any) -> Staff:
    """A full-time weekday worker speaking English, with no on-call roles unless given."""
    fields: dict[str, Any] = {
        "fte": 1.0,
        "location": 0,
        "shifts": {day: shift(day) for day in WEEKDAYS},
        "languages": frozenset({"en"}),
    }
    fields.update(overrides)
    return Staff(id=id, discipline=discipline, **fields)


def make_client(id: str, **overrides: Any) -> Client:
    """A stable client seen once a week, available any weekday 09:00-17:00."""
    fields: dict[str, Any] = {
        "code": id.upper(),
        "location": 0,
        "acuity": "stable",
        "visits_per_week": 1,
        "visit_minutes": 60,
        "min_gap_days": 1,
        "availability": {
            day: (Window(day * DAY + minutes("09:00"), day * DAY + minutes("17:00")),) for day in WEEKDAYS
        },
    }
    fields.update(overrides)
    return Client(id=id, **fields)


def make_policy(**overrides: Any) -> Policy:
    """FORMATS.md's example policy: primary, backup and prescriber roles, handoff 08:30."""
    fields: dict[str, Any] = {
        "caseload_max_per_staff": 10,
        "team_approach_min_staff": 2,
        "on_call_roles": (
            OnCallRole(
                "primary",
                frozenset({"nurse", "social_worker", "case_manager", "team_leader"}),
            ),
            OnCallRole("backup", frozenset({"team_leader", "nurse"})),
            OnCallRole("prescriber", frozenset({"psychiatrist", "nurse_practitioner"})),
        ),
        "handoff": minutes("08:30"),
        "max_consecutive": 2,
        "rest_next_day_start": minutes("10:00"),
    }
    fields.update(overrides)
    return Policy(**fields)


def make_problem(
    *,
    staff: list[Staff],
    clients: list[Client] | None = None,
    policy: Policy | None = None,
    at: dict[str, tuple[float, float]] | None = None,
) -> Problem:
    """A problem whose locations are the points in ``at`` (default origin), travel = distance.

    Location 0 is the office at the origin; every staff member and client gets its
    own location, so ``travel[a][b]`` is ceil(euclidean distance) minutes.
    """
    clients = clients or []
    at = at or {}
    points: list[tuple[float, float]] = [(0.0, 0.0)]
    placed_staff = []
    for s in staff:
        points.append(at.get(s.id, (0.0, 0.0)))
        placed_staff.append(replace(s, location=len(points) - 1))
    placed_clients = []
    for c in clients:
        points.append(at.get(c.id, (0.0, 0.0)))
        placed_clients.append(replace(c, location=len(points) - 1))
    travel = tuple(tuple(math.ceil(math.dist(a, b)) for b in points) for a in points)
    return Problem(
        team="test",
        staff=tuple(placed_staff),
        clients=tuple(placed_clients),
        policy=policy or make_policy(),
        travel=travel,
    )
