"""Hand-built teams for solver tests: plain factory functions with sensible defaults.

Positions are points on a plane; ``make_problem`` turns them into a travel matrix
where one unit of distance is one minute, so tests can reason about "nearby".

The hard-rule pairs also go through the whole path a user's plan takes (team
file → adapter → solver → plan file → independent checker): ``rules_team_doc``
is that test team and ``solve_checked`` that path.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from typing import Any

from actplanner.checker import check
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_team
from solver import SolveParams, solve
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


# -- team files ---------------------------------------------------------------------

WEEK = date(2026, 11, 30)
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri")
NINE_TO_FIVE = {d: ["08:30", "17:00"] for d in WEEKDAY_KEYS}


def staff_doc(id: str, discipline: str = "case_manager", **extra: Any) -> dict:  # noqa: A002
    """A full-time weekday team member of a team file."""
    member = {
        "id": id,
        "name": id.upper(),
        "discipline": discipline,
        "fte": 1.0,
        "phone": "+1-312-555-0100",
        "languages": ["en"],
        "shifts": dict(NINE_TO_FIVE),
        "on_call_roles": [],
    }
    member.update(extra)
    return member


def client_doc(id: str, lat: float = 41.90, lon: float = -87.65, **extra: Any) -> dict:  # noqa: A002
    """A moderate-acuity client of a team file, at a point in Chicago."""
    person = {
        "id": id,
        "code": id.upper().replace("-", ""),
        "home": {"lat": lat, "lon": lon},
        "acuity": "moderate",
    }
    person.update(extra)
    return person


def rules_team_doc(**changes: Any) -> dict:
    """A small valid team: 5 staff (a nurse with injections, a psychiatrist), 6 clients."""
    doc = {
        "format": "actplanner/team@1",
        "team": {
            "id": "t",
            "name": "Test ACT",
            "timezone": "America/Chicago",
            "office": {"lat": 41.8959, "lon": -87.6845},
        },
        "policy": {
            "caseload_max_per_staff": 10,
            "acuity": {
                "high": {"visits_per_week": 5, "visit_minutes": 45, "min_gap_days": 1},
                "moderate": {"visits_per_week": 3, "visit_minutes": 45, "min_gap_days": 2},
                "stable": {"visits_per_week": 1, "visit_minutes": 60},
            },
            "team_approach_min_staff": 2,
            "travel": {"model": "haversine", "speed_kmh": 30, "detour_factor": 1.3},
            "on_call": {
                "handoff": "08:30",
                "roles": {
                    "primary": {"disciplines": ["nurse", "social_worker", "case_manager"]},
                    "backup": {"disciplines": ["nurse", "team_leader"]},
                    "prescriber": {"disciplines": ["psychiatrist"]},
                },
                "max_consecutive": 2,
                "rest_next_day_start": "10:00",
            },
        },
        "staff": [
            staff_doc(
                "s-rn1",
                "nurse",
                skills=["lai_injection"],
                languages=["en", "es"],
                on_call_roles=["primary", "backup"],
            ),
            staff_doc("s-cm1", on_call_roles=["primary"]),
            staff_doc("s-cm2", on_call_roles=["primary"]),
            staff_doc("s-tl1", "team_leader", on_call_roles=["backup"]),
            staff_doc("s-md1", "psychiatrist", on_call_roles=["prescriber"], max_visits_per_day=4),
        ],
        "clients": [
            client_doc("c-1", 41.91, -87.66, acuity="high"),
            client_doc("c-2", 41.92, -87.70, language="es"),
            client_doc("c-3", 41.88, -87.69, requirements=[{"discipline": "psychiatrist", "visits": 1}]),
            client_doc(
                "c-4",
                41.90,
                -87.72,
                acuity="stable",
                requirements=[{"skill": "lai_injection", "due": "2026-12-02", "window_days": 1}],
            ),
            client_doc(
                "c-5",
                41.89,
                -87.66,
                paired=True,
                visits_per_week=2,
                availability={d: [["10:00", "15:00"]] for d in WEEKDAY_KEYS},
            ),
            client_doc(
                "c-6",
                41.93,
                -87.68,
                primary="s-cm1",
                itt=["s-cm1", "s-rn1", "s-tl1"],
                excluded_staff=["s-cm2"],
            ),
        ],
    }
    for key, value in changes.items():
        doc[key] = value
    return doc


def solve_checked(doc: dict, limit: float = 2.0, greedy: bool = False) -> tuple[dict, list]:
    """Solve, write the plan file, check it independently; return the plan and violations."""
    model = load_team(doc)
    result = solve(to_problem(model, WEEK), SolveParams(time_limit=limit, greedy_only=greedy))
    out = dump_plan(to_plan_file(result, model, WEEK))
    report = check(doc, out)
    assert report.unexcused == [], [v.message for v in report.unexcused]
    return out, report.violations


def visits_of(plan_doc: dict, client_id: str) -> list[dict]:
    """The plan file's visits to one client."""
    return [v for v in plan_doc["visits"] if v["client"] == client_id]


def unmet_rules(plan_doc: dict, client_id: str | None = None) -> set[str]:
    """The rules the plan file reports unmet for one client (or for no client: the rota)."""
    return {u["rule"] for u in plan_doc["unmet"] if u.get("client") == client_id}
