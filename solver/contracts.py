"""H18 contracts: what a contracted staff member's week of shifts must respect, checked on a
chosen roster, and the one-shift test the greedy roster builds with.

A roster here is ``{day: ShiftOption}`` per staff member (days absent are off). Both roster
builders report what they could not meet through ``contract_unmet``, so the CP-SAT model
and the greedy baseline are judged by the same words.
"""

from __future__ import annotations

from collections.abc import Mapping

from solver.plan import Unmet
from solver.problem import DAY, DAYS, WEEKDAY_NAMES, BreakRule, Contract, ShiftOption, Window

WEEKEND = (5, 6)

Chosen = Mapping[int, ShiftOption]


def working_minutes(window: Window, breaks: BreakRule | None) -> int:
    """A shift's working minutes: end − start − its break (FORMATS.md Part B)."""
    return breaks.working_minutes(window) if breaks is not None else window.end - window.start


def week_minutes(contract: Contract, chosen: Chosen, breaks: BreakRule | None) -> int:
    """Working minutes plus credits: leave days, and holidays not worked."""
    worked = sum(working_minutes(o.window, breaks) for o in chosen.values())
    holidays_off = sum(1 for day in contract.holidays if day not in chosen)
    return worked + contract.credit * (contract.credited_days + holidays_off)


def days_before(contract: Contract) -> frozenset[int]:
    """Day indices (negative) worked before the week, from the history's shifts."""
    return frozenset(w.start // DAY for w in contract.worked_before)


def run_through(contract: Contract, worked: set[int] | frozenset[int], day: int) -> int:
    """Length of the run of working days containing ``day`` (counting the week before)."""
    before = days_before(contract)

    def works(d: int) -> bool:
        return d in worked if d >= 0 else d in before

    if not works(day):
        return 0
    lo = day
    while works(lo - 1):
        lo -= 1
    hi = day
    while hi + 1 < DAYS and works(hi + 1):
        hi += 1
    return hi - lo + 1


def _too_close(a: Window, b: Window, min_rest: int) -> bool:
    first, second = (a, b) if a.start <= b.start else (b, a)
    return second.start - first.end < min_rest


def can_add(contract: Contract, chosen: Chosen, option: ShiftOption, breaks: BreakRule | None) -> bool:
    """Whether working ``option`` on its free day keeps every H18 rule that held before."""
    day = option.day
    if day in chosen or option not in contract.options:
        return False
    if len(chosen) + 1 > contract.max_days:
        return False
    with_it = {**chosen, day: option}
    if week_minutes(contract, with_it, breaks) > contract.minutes[1]:
        return False
    if (
        contract.max_consecutive is not None
        and run_through(contract, set(with_it), day) > contract.max_consecutive
    ):
        return False
    if contract.min_rest is not None:
        others = [o.window for o in chosen.values()] + list(contract.worked_before)
        if any(_too_close(option.window, w, contract.min_rest) for w in others):
            return False
    if contract.max_weekends_per_4 is not None and day in WEEKEND and not any(d in chosen for d in WEEKEND):
        if contract.weekends_before + 1 > contract.max_weekends_per_4:
            return False
    return True


def runs_this_week(contract: Contract, chosen: Chosen) -> bool:
    """Whether the weekly minutes ask anything: not in a week where nothing can count (no shift
    open or worked, no credit), which is a week outside the staff member's employment (the
    adapter opens no shift and credits nothing there); the checker reads it the same way."""
    return bool(contract.options or chosen or contract.credited_days or contract.holidays)


def contract_unmet(sid: str, contract: Contract, chosen: Chosen, breaks: BreakRule | None) -> list[Unmet]:
    """H18 in words: every rule the staff member's week breaks, with the day where it has one."""
    out: list[Unmet] = []
    for day, option in sorted(chosen.items()):
        if option not in contract.options:
            out.append(
                Unmet(
                    "H18",
                    f"{sid} works the {option.name} shift on {WEEKDAY_NAMES[day]}, which the contract does "
                    "not allow that day (its shift types, the type's days, days off or leave).",
                    staff=sid,
                    day=day,
                )
            )
    if len(chosen) > contract.max_days:
        out.append(
            Unmet(
                "H18",
                f"{sid} works {len(chosen)} days this week, above the contract's {contract.max_days}.",
                staff=sid,
            )
        )
    total = week_minutes(contract, chosen, breaks)
    lo, hi = contract.minutes
    if runs_this_week(contract, chosen) and not lo <= total <= hi:
        out.append(
            Unmet(
                "H18",
                f"{sid} has {total} working minutes this week (credits included), outside the "
                f"contract's {lo}-{hi}.",
                staff=sid,
            )
        )
    out += _consecutive_unmet(sid, contract, chosen)
    out += _rest_unmet(sid, contract, chosen)
    if contract.max_weekends_per_4 is not None:
        worked = contract.weekends_before + any(d in chosen for d in WEEKEND)
        if worked > contract.max_weekends_per_4:
            first = next((d for d in WEEKEND if d in chosen), None)
            out.append(
                Unmet(
                    "H18",
                    f"{sid} works {worked} of the 4 weekends ending with this one, above the contract's "
                    f"{contract.max_weekends_per_4}.",
                    staff=sid,
                    day=first,
                )
            )
    return out


def _consecutive_unmet(sid: str, contract: Contract, chosen: Chosen) -> list[Unmet]:
    limit = contract.max_consecutive
    if limit is None:
        return []
    out: list[Unmet] = []
    worked = set(chosen)
    day = 0
    while day < DAYS:
        run = run_through(contract, worked, day)
        if run == 0:
            day += 1
            continue
        end = day
        while end + 1 < DAYS and end + 1 in worked:
            end += 1
        if run > limit:
            before = run - (end - day + 1)
            out.append(
                Unmet(
                    "H18",
                    f"{sid} works {run} days in a row up to {WEEKDAY_NAMES[end]}"
                    f"{f' ({before} of them before this week)' if before else ''}, above the contract's "
                    f"{limit}.",
                    staff=sid,
                    # The first day of the run over the limit.
                    day=day + max(0, limit - before),
                )
            )
        day = end + 1
    return out


def _rest_unmet(sid: str, contract: Contract, chosen: Chosen) -> list[Unmet]:
    rest = contract.min_rest
    if rest is None:
        return []
    out: list[Unmet] = []
    previous = max(contract.worked_before, key=lambda w: w.end, default=None)
    for day, option in sorted(chosen.items()):
        if previous is not None and option.window.start - previous.end < rest:
            gap = option.window.start - previous.end
            out.append(
                Unmet(
                    "H18",
                    f"{sid} has {gap} minutes of rest before the {option.name} shift on "
                    f"{WEEKDAY_NAMES[day]}, below the contract's {rest}.",
                    staff=sid,
                    day=day,
                )
            )
        previous = option.window
    return out
