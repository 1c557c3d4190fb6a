"""Hand-built Part B problems for the roster tests: shift options, contracts and coverage needs
in the solver's own types (as the adapter would hand them over)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from solver.problem import (
    DAY,
    DAYS,
    BreakRule,
    Client,
    Contract,
    CoverageNeed,
    Problem,
    Roster,
    ShiftOption,
    Staff,
    Window,
)
from tests.support.solver_factories import make_policy, make_problem, make_staff, minutes, shift

#: FORMATS.md's example shift types: (start, end, days).
TYPES = {
    "day": ("08:30", "17:00", range(5)),
    "late": ("11:30", "20:00", range(5)),
    "weekend": ("09:00", "17:30", (5, 6)),
}
#: 08:30-17:00 less its 30 minute break.
SHIFT_MINUTES = 480
BREAKS = BreakRule(after_minutes=360, minutes=30, window=(minutes("11:30"), minutes("14:30")))


def option(name: str, day: int) -> ShiftOption:
    start, end, _ = TYPES[name]
    return ShiftOption(name, day, shift(day, start, end))


def options(types: tuple[str, ...] = ("day", "late", "weekend"), days: range | tuple[int, ...] = range(DAYS)):
    return tuple(option(name, d) for d in days for name in types if d in TYPES[name][2])


def contract(**fields: Any) -> Contract:
    """Full time: any of the example types on their days, 2160-2400 working minutes a week."""
    given: dict[str, Any] = {"options": options(), "minutes": (2160, 2400), "credit": 432}
    given.update(fields)
    return Contract(**given)


def need(
    day: int, start: str = "08:30", end: str = "20:00", staff: int = 1, **by_discipline: int
) -> CoverageNeed:
    return CoverageNeed(shift(day, start, end), staff, tuple(sorted(by_discipline.items())))


def weekday_needs(staff: int = 1, **by_discipline: int) -> tuple[CoverageNeed, ...]:
    return tuple(need(d, staff=staff, **by_discipline) for d in range(5))


def team(
    contracts: dict[str, Contract],
    *,
    disciplines: dict[str, str] | None = None,
    fixed: list[Staff] | None = None,
    clients: list[Client] | None = None,
    **roster: Any,
) -> Problem:
    """Contracted staff (empty ``shifts``) plus any fixed-hours staff, with the Roster given."""
    disciplines = disciplines or {}
    staff = [make_staff(sid, disciplines.get(sid, "case_manager"), shifts={}) for sid in contracts]
    staff += fixed or []
    problem = make_problem(staff=staff, clients=clients, policy=make_policy(on_call_roles=()))
    roster.setdefault("breaks", BREAKS)
    return replace(problem, roster=Roster(contracts=contracts, **roster))


def worked(shifts, sid: str) -> dict[int, str | None]:
    """Day → shift type of one staff member's shifts."""
    return {s.day: s.type for s in shifts if s.staff == sid}


def before(*days: int, start: str = "08:30", end: str = "17:00") -> tuple[Window, ...]:
    """Shift windows on days before the week (negative day indices), latest last."""
    return tuple(Window(d * DAY + minutes(start), d * DAY + minutes(end)) for d in sorted(days))
