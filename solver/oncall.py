"""H9 and H10: the week's on-call rota, as one small CP-SAT model.

For each day d the period [d handoff, d+1 handoff) gets one holder per role in
``policy.on_call_roles``. Coverage and the consecutive-primary limit are hard
rules, modelled as heavily weighted slack so that a team that cannot meet them
still gets the best rota possible, and ``unmet`` says what is missing. Fairness
and stability are soft goals, returned as labelled ``Penalty`` terms.

With ``Problem.on_call_history`` (the plans of record's periods) the rota
remembers: the run of primary periods ending with last Sunday's counts towards
``max_consecutive``, last Sunday's primary rests on Monday morning, and fair
shares are counted over the last ``fairness_weeks`` weeks plus this one, in
proportion to FTE among those who could hold each period (FORMATS.md, version 2).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from math import ceil, floor

from ortools.sat.python import cp_model

from solver import goals
from solver.cpsat import deterministic_solver
from solver.plan import OnCallPeriod, Penalty, Unmet
from solver.problem import (
    DAY,
    DAYS,
    WEEKDAY_NAMES,
    WEIGHTS,
    OnCallHistory,
    OnCallRole,
    Policy,
    Problem,
    Staff,
    Window,
)

PRIMARY = "primary"
BACKUP = "backup"
PRESCRIBER = "prescriber"

#: Periods starting on these days are weekend periods (FORMATS.md soft goal 5).
WEEKEND = frozenset({5, 6})

#: An uncovered crisis line is worse than anything else the rota could do.
UNCOVERED = 10 * WEIGHTS.unmet_visit
#: Over the consecutive limit only when the line would otherwise go uncovered.
OVER_CONSECUTIVE = WEIGHTS.unmet_visit
#: One person as both crisis responder and prescriber leaves no second clinician to call.
SAME_PRIMARY_AND_PRESCRIBER = 2 * WEIGHTS.on_call_spread
#: A changed phone holder must be told, like a moved visit.
CHANGED_PERIOD = WEIGHTS.moved_visit
#: A period that has already started cannot change hands: history outweighs every rule.
CHANGED_PAST_PERIOD = 2 * UNCOVERED

Key = tuple[str, int, str]


@dataclass(frozen=True)
class _Term:
    """One weighted objective term; ``goal`` None marks a hard rule's slack (reported as Unmet)."""

    label: str
    goal: str | None
    weight: int
    expr: cp_model.LinearExprT


def period(policy: Policy, day: int) -> Window:
    """The on-call period starting at the handoff on ``day``."""
    return Window(day * DAY + policy.handoff, (day + 1) * DAY + policy.handoff)


def can_hold(staff: Staff, role: OnCallRole, window: Window) -> bool:
    """Hard (H9): the role is theirs, their discipline is listed and no leave overlaps."""
    return (
        role.name in staff.on_call_roles
        and staff.discipline in role.disciplines
        and not any(leave.overlaps(window) for leave in staff.leave)
    )


def primary_by_day(periods: Iterable[OnCallPeriod], history: OnCallHistory | None = None) -> dict[int, str]:
    """Day index → who holds primary for the period starting that day (for H10's rest).

    With history, day -1 is last Sunday's primary, who rests on Monday morning too.
    """
    found = {p.start // DAY: p.staff for p in periods if p.role == PRIMARY}
    if history is not None and (last := past_primaries(history).get(-1)) is not None:
        found.setdefault(-1, last)
    return found


def past_primaries(history: OnCallHistory | None) -> dict[int, str]:
    """Day index (negative: before this Monday) → who held primary for the period starting then."""
    if history is None:
        return {}
    return {p.start // DAY: p.staff for p in history.periods if p.role == PRIMARY and p.start < 0}


def carried_run(history: OnCallHistory | None) -> tuple[str, int] | None:
    """Last Sunday's primary and the length of their run of primary periods ending with it."""
    past = past_primaries(history)
    sid = past.get(-1)
    if sid is None:
        return None
    run = 1
    while past.get(-1 - run) == sid:
        run += 1
    return sid, run


def build_on_call(
    problem: Problem,
    *,
    seed: int = 0,
    time_limit: float = 2.0,
    baseline: tuple[OnCallPeriod, ...] = (),
) -> tuple[tuple[OnCallPeriod, ...], list[Unmet], list[Penalty]]:
    """The week's rota (H9, H10), what it cannot cover, and its fairness and stability terms."""
    policy = problem.policy
    eligible = {
        (role.name, day): [s.id for s in problem.staff if can_hold(s, role, period(policy, day))]
        for role in policy.on_call_roles
        for day in range(DAYS)
    }
    model = cp_model.CpModel()
    # holds[role, day, staff]: the staff member holds the role for the period starting that day.
    holds: dict[Key, cp_model.IntVar] = {
        (role, day, sid): model.new_bool_var(f"holds(role={role}, day={day}, staff={sid})")
        for (role, day), ids in eligible.items()
        for sid in ids
    }
    terms: list[_Term] = []
    terms += _coverage(model, eligible, holds)
    _primary_is_not_backup(model, holds)
    terms += _consecutive_primary(model, problem, holds)
    history = problem.on_call_history
    shares = _shares(problem, eligible, history) if history is not None else {}
    for name in (role.name for role in policy.on_call_roles):
        if history is None:
            terms += _spread(model, problem, eligible, holds, name)
        else:
            terms += _spread_over_weeks(model, eligible, holds, name, shares, history.fairness_weeks)
    terms += _primary_not_prescriber(model, holds)
    terms += _changes(problem, baseline, holds)
    model.minimize(sum(t.weight * t.expr for t in terms))

    hint = _greedy(problem, eligible, shares)
    for (name, day, sid), var in holds.items():
        model.add_hint(var, hint.get((name, day)) == sid)

    solver = deterministic_solver(seed, time_limit)
    status = solver.solve(model)
    penalties: list[Penalty] = []
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        holders = {(r, d): s for (r, d, s), var in holds.items() if solver.boolean_value(var)}
        for t in terms:
            cost = t.weight * int(solver.value(t.expr))
            if t.goal is not None and cost:
                penalties.append(Penalty(t.label, t.goal, cost))
    else:
        # No solution in time (not seen on team-sized inputs): the greedy rota keeps
        # every hard rule it can, and its soft terms go unscored rather than guessed.
        holders = hint

    periods = tuple(
        OnCallPeriod(role.name, holders[role.name, day], w.start, w.end)
        for day in range(DAYS)
        for role in policy.on_call_roles
        if (role.name, day) in holders
        for w in (period(policy, day),)
    )
    unmet = _uncovered(problem, eligible, holders) + _over_consecutive(problem, holders)
    return periods, unmet, penalties


# -- hard rules --------------------------------------------------------------------------


def _coverage(
    model: cp_model.CpModel,
    eligible: dict[tuple[str, int], list[str]],
    holds: dict[Key, cp_model.IntVar],
) -> list[_Term]:
    """Hard (H9): exactly one holder per role and period, slack only when no one can take it."""
    terms: list[_Term] = []
    for (role, day), ids in eligible.items():
        if not ids:
            continue
        uncovered = model.new_bool_var(f"uncovered(role={role}, day={day})")
        model.add(sum(holds[role, day, sid] for sid in ids) + uncovered == 1)
        terms.append(_Term(f"{role} on call uncovered on {WEEKDAY_NAMES[day]}", None, UNCOVERED, uncovered))
    return terms


def _primary_is_not_backup(model: cp_model.CpModel, holds: dict[Key, cp_model.IntVar]) -> None:
    """Hard (H9): the backup is someone other than the primary, or the backup is left uncovered."""
    for (role, day, sid), var in holds.items():
        if role == PRIMARY and (BACKUP, day, sid) in holds:
            model.add_at_most_one(var, holds[BACKUP, day, sid])


def _consecutive_primary(
    model: cp_model.CpModel, problem: Problem, holds: dict[Key, cp_model.IntVar]
) -> list[_Term]:
    """Hard (H10): no one is primary for more than max_consecutive periods in a row,
    counting the run carried over from last Sunday."""
    limit = problem.policy.max_consecutive
    terms: list[_Term] = []
    carried = carried_run(problem.on_call_history)
    if carried is not None:
        sid, run = carried
        # Windows of limit + 1 periods that start in last week's run: their part before
        # Monday is all held (the run is unbroken), so the week's part may hold the rest.
        for first in range(-min(run, limit), 0):
            window = [holds[key] for d in range(0, first + limit + 1) if (key := (PRIMARY, d, sid)) in holds]
            room = limit + first  # first is negative: -first periods already held.
            if len(window) <= room:
                continue
            over = model.new_bool_var(f"over_consecutive(staff={sid}, from_day={first})")
            model.add(sum(window) <= room + over)
            terms.append(
                _Term(
                    f"{sid} primary more than {limit} periods in a row from last week's run",
                    None,
                    OVER_CONSECUTIVE,
                    over,
                )
            )
    for s in problem.staff:
        for first in range(DAYS - limit):
            window = [
                holds[key] for d in range(first, first + limit + 1) if (key := (PRIMARY, d, s.id)) in holds
            ]
            if len(window) <= limit:
                continue
            over = model.new_bool_var(f"over_consecutive(staff={s.id}, from_day={first})")
            model.add(sum(window) <= limit + over)
            terms.append(
                _Term(
                    f"{s.id} primary more than {limit} periods in a row from {WEEKDAY_NAMES[first]}",
                    None,
                    OVER_CONSECUTIVE,
                    over,
                )
            )
    return terms


# -- soft goals --------------------------------------------------------------------------


def _spread(
    model: cp_model.CpModel,
    problem: Problem,
    eligible: dict[tuple[str, int], list[str]],
    holds: dict[Key, cp_model.IntVar],
    role: str,
) -> list[_Term]:
    """Soft (goal 5): each person's periods of a role, and its weekends, near an even share.

    A person's share is floor or ceil of periods ÷ eligible people; each period
    outside that band costs, so a perfectly even rota costs nothing, and counts
    within the band differ by at most one.
    """
    terms: list[_Term] = []
    for name, days in (("", range(DAYS)), (" weekend", sorted(WEEKEND))):
        coverable = [d for d in days if eligible[role, d]]
        people = sorted({sid for d in coverable for sid in eligible[role, d]})
        if len(people) < 2:
            continue
        low, high = len(coverable) // len(people), -(-len(coverable) // len(people))
        for sid in people:
            count = sum(holds[key] for d in coverable if (key := (role, d, sid)) in holds)
            label = f"on-call {role}{name} spread (staff={sid}, share {low}-{high})"
            off = model.new_int_var(0, DAYS, label)
            model.add(off >= count - high)
            model.add(off >= low - count)
            terms.append(_Term(label, goals.ON_CALL, WEIGHTS.on_call_spread, off))
    return terms


def _shares(
    problem: Problem, eligible: dict[tuple[str, int], list[str]], history: OnCallHistory
) -> dict[tuple[str, str, str], tuple[int, Fraction]]:
    """(role, "" or " weekend", staff) → (periods held in the history's window, owed share).

    The window is the last ``fairness_weeks`` weeks plus this one. Each period is owed to
    those who could hold it (this week: ``eligible``; earlier: ``could_hold``), split in
    proportion to FTE, so staff on leave or not yet employed are owed nothing of it.
    """
    staff = problem.staff_by_id
    fte = {sid: Fraction(s.fte).limit_denominator(1000) for sid, s in staff.items()}
    able = {
        role.name: frozenset(
            s.id for s in problem.staff if role.name in s.on_call_roles and s.discipline in role.disciplines
        )
        for role in problem.policy.on_call_roles
    }
    could = {(role, start): ids for role, start, ids in history.could_hold}
    since = -history.fairness_weeks * DAYS * DAY
    # One holder per earlier period (the last given), inside the window.
    past = {(p.role, p.start): p.staff for p in history.periods if since <= p.start < 0}
    held: Counter[tuple[str, str, str]] = Counter()
    owed: defaultdict[tuple[str, str, str], Fraction] = defaultdict(Fraction)

    def owe(role: str, day: int, ids: Iterable[str]) -> None:
        people = [sid for sid in ids if sid in staff]
        total = sum((fte[sid] for sid in people), Fraction(0))
        for sid in people:
            share = fte[sid] / total if total > 0 else Fraction(1, len(people))
            for name in ("", " weekend") if day % DAYS in WEEKEND else ("",):
                owed[role, name, sid] += share

    for (role, start), sid in past.items():
        day = start // DAY
        for name in ("", " weekend") if day % DAYS in WEEKEND else ("",):
            held[role, name, sid] += 1
        owe(role, day, could.get((role, start), able.get(role, frozenset())))
    for (role, day), ids in eligible.items():
        owe(role, day, ids)
    return {key: (held[key], owed[key]) for key in set(held) | set(owed)}


def _spread_over_weeks(
    model: cp_model.CpModel,
    eligible: dict[tuple[str, int], list[str]],
    holds: dict[Key, cp_model.IntVar],
    role: str,
    shares: dict[tuple[str, str, str], tuple[int, Fraction]],
    weeks: int,
) -> list[_Term]:
    """Soft (goal 5, with history): each person's periods of a role, and its weekends, over
    the window near their owed share.

    Periods held before plus this week's, against floor or ceil of the owed share: each
    period outside that band costs, so over the weeks the counts per FTE stay within one
    period of each other where leave and the hard rules allow, and the rota rotates.
    """
    terms: list[_Term] = []
    for name, days in (("", range(DAYS)), (" weekend", sorted(WEEKEND))):
        people = sorted({sid for d in days for sid in eligible[role, d]})
        for sid in people:
            before, owed = shares.get((role, name, sid), (0, Fraction(0)))
            low, high = floor(owed), ceil(owed)
            count = before + sum(holds[key] for d in days if (key := (role, d, sid)) in holds)
            label = (
                f"on-call {role}{name} share over {weeks + 1} weeks "
                f"(staff={sid}, held {before} before, share {low}-{high})"
            )
            off = model.new_int_var(0, before + DAYS + high, label)
            model.add(off >= count - high)
            model.add(off >= low - count)
            terms.append(_Term(label, goals.ON_CALL, WEIGHTS.on_call_spread, off))
    return terms


def _primary_not_prescriber(model: cp_model.CpModel, holds: dict[Key, cp_model.IntVar]) -> list[_Term]:
    """Soft (goal 5): the prescriber on call is not the primary too, so two people can be called."""
    terms: list[_Term] = []
    for (role, day, sid), var in holds.items():
        other = holds.get((PRESCRIBER, day, sid))
        if role != PRIMARY or other is None:
            continue
        label = f"same person primary and prescriber (staff={sid}, day={WEEKDAY_NAMES[day]})"
        both = model.new_bool_var(label)
        model.add(both >= var + other - 1)
        terms.append(_Term(label, goals.ON_CALL, SAME_PRIMARY_AND_PRESCRIBER, both))
    return terms


def _changes(
    problem: Problem, baseline: tuple[OnCallPeriod, ...], holds: dict[Key, cp_model.IntVar]
) -> list[_Term]:
    """Soft (re-plan): keep the previous rota's holders; periods already started weigh much more."""
    policy = problem.policy
    from_day = problem.baseline.from_day if problem.baseline is not None else 0
    terms: list[_Term] = []
    for p in baseline:
        day = (p.start - policy.handoff) // DAY
        if not 0 <= day < DAYS or p.start != period(policy, day).start:
            # A period from another week or an older handoff time has nothing to keep.
            continue
        var = holds.get((p.role, day, p.staff))
        # The old holder may no longer be eligible (new leave): the change is then forced.
        kept: cp_model.LinearExprT = 0 if var is None else var
        terms.append(
            _Term(
                f"changed on-call period ({p.role}, {WEEKDAY_NAMES[day]}, was {p.staff})",
                goals.STABILITY,
                CHANGED_PAST_PERIOD if day < from_day else CHANGED_PERIOD,
                1 - kept,
            )
        )
    return terms


# -- hint, solver and reporting -----------------------------------------------------------


def _greedy(
    problem: Problem,
    eligible: dict[tuple[str, int], list[str]],
    shares: dict[tuple[str, str, str], tuple[int, Fraction]],
) -> dict[tuple[str, int], str]:
    """Day by day, whoever eligible has the fewest periods of the role (with history: the
    most owed) and breaks no hard rule."""
    limit = problem.policy.max_consecutive
    held: dict[tuple[str, int], str] = {}
    # Before this week: periods held over the window minus the share owed by its end.
    counts: dict[tuple[str, str], Fraction] = {
        (role, sid): Fraction(before) - owed
        for (role, name, sid), (before, owed) in shares.items()
        if not name
    }
    past = past_primaries(problem.on_call_history)
    for day in range(DAYS):
        for role in problem.policy.on_call_roles:
            ids = eligible[role.name, day]
            if role.name == BACKUP:
                ids = [sid for sid in ids if held.get((PRIMARY, day)) != sid]
            if not ids:
                continue

            best = min(ids, key=lambda sid: _greedy_rank(held, past, counts, role.name, day, sid, limit))
            held[role.name, day] = best
            counts[role.name, best] = counts.get((role.name, best), Fraction(0)) + 1
    return held


def _greedy_rank(
    held: dict[tuple[str, int], str],
    past: dict[int, str],
    counts: dict[tuple[str, str], Fraction],
    role: str,
    day: int,
    sid: str,
    limit: int,
) -> tuple[bool, Fraction, str]:
    """Breaking the consecutive limit (last week's run included) last, then fewest periods
    so far, then by id."""
    streak = 0
    while (held.get((PRIMARY, d)) if (d := day - streak - 1) >= 0 else past.get(d)) == sid:
        streak += 1
    return (role == PRIMARY and streak >= limit, counts.get((role, sid), Fraction(0)), sid)


def _uncovered(
    problem: Problem,
    eligible: dict[tuple[str, int], list[str]],
    holders: dict[tuple[str, int], str],
) -> list[Unmet]:
    """Hard (H9): one sentence per role and day left without a holder, saying why."""
    out: list[Unmet] = []
    for day in range(DAYS):
        for role in problem.policy.on_call_roles:
            if (role.name, day) in holders:
                continue
            ids = eligible[role.name, day]
            head = f"No one can be {role.name} on call on {WEEKDAY_NAMES[day]}"
            if ids:
                why = f"everyone eligible ({', '.join(ids)}) is already primary for that period"
            else:
                disciplines = ", ".join(d.replace("_", " ") for d in sorted(role.disciplines))
                why = (
                    f"no staff member with the {role.name} role and a listed discipline "
                    f"({disciplines}) is free of leave for the period"
                )
            out.append(Unmet("H9", f"{head}: {why}.", day=day))
    return out


def _over_consecutive(problem: Problem, holders: dict[tuple[str, int], str]) -> list[Unmet]:
    """Hard (H10): one sentence per run of primary periods longer than max_consecutive,
    a run carried over from last week counted whole."""
    limit = problem.policy.max_consecutive
    carried = carried_run(problem.on_call_history)
    out: list[Unmet] = []
    day = 0
    while day < DAYS:
        sid = holders.get((PRIMARY, day))
        end = day + 1
        while sid is not None and end < DAYS and holders.get((PRIMARY, end)) == sid:
            end += 1
        before = carried[1] if day == 0 and carried is not None and carried[0] == sid else 0
        if sid is not None and end - day + before > limit:
            out.append(
                Unmet(
                    "H10",
                    f"{sid} is primary on call for {end - day + before} periods in a row, "
                    f"{_run_start(day, before)} to {WEEKDAY_NAMES[end - 1]}, above the limit of {limit}.",
                    staff=sid,
                    # The period that first goes over the limit (Monday for a run already over).
                    day=day + max(0, limit - before),
                )
            )
        day = end
    return out


def _run_start(day: int, before: int) -> str:
    """Where a run of primary periods starts, in words: a day of this week or of an earlier one."""
    if not before:
        return WEEKDAY_NAMES[day]
    if before <= DAYS:
        return f"last week's {WEEKDAY_NAMES[-before % DAYS]}"
    return f"{before} periods before this Monday"
