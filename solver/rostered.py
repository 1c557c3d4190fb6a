"""A chosen roster applied to the problem and judged: the shared end of both roster builders.

``finish`` fills the contracted staff's ``Staff.shifts`` with the chosen windows, lists every
staff member's ``Shift`` for the plan, and says what the roster could not meet (H17 coverage,
H18 contracts) and what its soft goals cost (7 requests, 8 fair weekends and holidays), the
same way whichever builder chose it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from fractions import Fraction
from math import ceil
from typing import NamedTuple

from solver import goals
from solver.contracts import contract_unmet
from solver.coverage import coverage_unmet
from solver.plan import Penalty, Shift, Unmet
from solver.problem import (
    DAY,
    DAYS,
    WEEKDAY_NAMES,
    WEIGHTS,
    Contract,
    Problem,
    Roster,
    ShiftOption,
    ShiftRequest,
)

#: Per contracted staff member, day → the shift worked (days absent are off).
Chosen = Mapping[str, Mapping[int, ShiftOption]]

WEEKEND = (5, 6)
#: Goal 8 within the week, after the fairness weeks: per shift above the ceiling of the week's
#: own share, so two staff owed the same over the weeks split this weekend rather than one
#: working both days.
WITHIN_WEEK = WEIGHTS.weekend_shift_share // 5


class Rostered(NamedTuple):
    """The problem with every staff member's shifts, the plan's shifts, and the roster's verdict."""

    problem: Problem
    shifts: tuple[Shift, ...]
    unmet: list[Unmet]
    penalties: list[Penalty]


def contracted(problem: Problem) -> list[tuple[str, Contract]]:
    """The staff whose shifts the roster chooses, in the problem's order."""
    assert problem.roster is not None
    contracts = problem.roster.contracts
    return [(s.id, contracts[s.id]) for s in problem.staff if s.id in contracts]


def day_options(roster: Roster, sid: str, contract: Contract) -> dict[int, list[ShiftOption]]:
    """The shifts open each day: the contract's options, or only the kept one (none when kept off)."""
    out: dict[int, list[ShiftOption]] = {d: [] for d in range(DAYS)}
    for option in contract.options:
        if 0 <= option.day < DAYS:
            out[option.day].append(option)
    for (who, day), kept in roster.kept.items():
        if who == sid and 0 <= day < DAYS:
            out[day] = [kept] if kept is not None else []
    return out


def kept_days(roster: Roster, sid: str) -> dict[int, ShiftOption | None]:
    return {day: kept for (who, day), kept in roster.kept.items() if who == sid and 0 <= day < DAYS}


def fair_day(roster: Roster, day: int) -> bool:
    """Goal 8 counts weekend and holiday shifts."""
    return day in WEEKEND or day in roster.holidays


def fair_pool(problem: Problem) -> list[str]:
    """Contracted staff who could work a weekend or holiday shift this week: goal 8 shares
    among them (someone who never can is owed no share of them)."""
    assert problem.roster is not None
    roster = problem.roster
    return [
        sid
        for sid, contract in contracted(problem)
        if any(fair_day(roster, d) and opts for d, opts in day_options(roster, sid, contract).items())
    ]


def fte_units(problem: Problem, ids: list[str]) -> dict[str, int]:
    """FTE in hundredths, so shares are whole numbers in the CP-SAT model."""
    staff = problem.staff_by_id
    return {sid: max(1, round(staff[sid].fte * 100)) for sid in ids}


def honoured(request: ShiftRequest, days: Mapping[int, ShiftOption]) -> bool:
    worked = days.get(request.day)
    return worked is None if request.shift is None else worked is not None and worked.name == request.shift


def finish(problem: Problem, chosen: Chosen) -> Rostered:
    """Apply the chosen shifts and judge them."""
    roster = problem.roster
    assert roster is not None
    staff = tuple(
        replace(s, shifts={d: o.window for d, o in sorted(chosen.get(s.id, {}).items())})
        if s.id in roster.contracts
        else s
        for s in problem.staff
    )
    rostered = replace(problem, staff=staff)
    shifts = tuple(
        Shift(
            s.id,
            day,
            w.start,
            w.end,
            type=chosen[s.id][day].name if s.id in roster.contracts else None,
            pinned=(s.id, day) in roster.pinned,
        )
        for s in staff
        for day, w in sorted(s.shifts.items())
    )
    unmet = coverage_unmet(staff, roster.coverage)
    for sid, contract in contracted(problem):
        unmet += contract_unmet(sid, contract, chosen.get(sid, {}), roster.breaks)
    return Rostered(rostered, shifts, unmet, request_terms(problem, chosen) + fairness_terms(problem, chosen))


def request_terms(problem: Problem, chosen: Chosen) -> list[Penalty]:
    """Goal 7: one term per request not honoured."""
    out = []
    for sid, contract in contracted(problem):
        for request in contract.requests:
            if not honoured(request, chosen.get(sid, {})):
                wanted = "off" if request.shift is None else f"the {request.shift} shift"
                out.append(
                    Penalty(
                        f"request not honoured (staff={sid}, day={WEEKDAY_NAMES[request.day]}, "
                        f"wanted {wanted})",
                        goals.REQUESTS,
                        WEIGHTS.request_not_honoured,
                    )
                )
    return out


def fair_shares(problem: Problem, pool: list[str], *, this_week: bool = False) -> dict[str, Fraction]:
    """Goal 8: each pool member's FTE share of the weekend and holiday shifts over the fairness
    weeks: those held before plus the week's expected ones (the most staff a coverage need asks
    on each weekend day and holiday). The total is fixed, so no roster gains by adding shifts
    no one needs to dilute someone's past share. ``this_week``: the week's expected ones only."""
    roster = problem.roster
    assert roster is not None
    expected = sum(
        max((n.min_staff for n in roster.coverage if n.window.start // DAY == day), default=0)
        for day in range(DAYS)
        if fair_day(roster, day)
    )
    units = fte_units(problem, pool)
    before = sum(roster.contracts[sid].fair_before for sid in pool) if not this_week else 0
    total = before + expected
    return {sid: Fraction(units[sid] * total, sum(units.values())) for sid in pool}


def weekend_held(problem: Problem, sid: str, days: Mapping[int, ShiftOption]) -> int:
    """Weekend and holiday shifts over the fairness weeks: before, and this week's."""
    roster = problem.roster
    assert roster is not None
    return roster.contracts[sid].fair_before + sum(fair_day(roster, d) for d in days)


def fairness_terms(problem: Problem, chosen: Chosen) -> list[Penalty]:
    """Goal 8: per staff member, whole weekend and holiday shifts above their FTE share over the
    fairness weeks (less than one shift above costs nothing)."""
    roster = problem.roster
    assert roster is not None
    pool = fair_pool(problem)
    if len(pool) < 2:
        return []
    out = []
    for sid, share in fair_shares(problem, pool).items():
        held = weekend_held(problem, sid, chosen.get(sid, {}))
        above = max(0, int(held - share))
        if above:
            out.append(
                Penalty(
                    f"weekend and holiday shifts over {roster.fairness_weeks + 1} weeks (staff={sid}, "
                    f"{held} held, share {float(share):.1f})",
                    goals.FAIR_WEEKENDS,
                    above * WEIGHTS.weekend_shift_share,
                )
            )
    for sid, share in fair_shares(problem, pool, this_week=True).items():
        held = sum(fair_day(roster, d) for d in chosen.get(sid, {}))
        above = max(0, held - ceil(share))
        if above:
            out.append(
                Penalty(
                    f"weekend and holiday shifts this week (staff={sid}, {held} held, "
                    f"share {float(share):.1f})",
                    goals.FAIR_WEEKENDS,
                    above * WITHIN_WEEK,
                )
            )
    return out
