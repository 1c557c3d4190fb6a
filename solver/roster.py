"""Part B: the week's roster of contracted staff, as one small CP-SAT model.

The shift_scheduling_sat.py family (OR-Tools' examples): one boolean per staff member, shift
option and day, at most one a day. Coverage (H17) holds at every minute: each coverage
window is cut at the breakpoints of every shift that could cover it, so one constraint per
segment says it all; fixed-hours staff count as constants, and what no roster could cover is
slack with a heavy weight, reported in words. The contract rules (H18) are hard, from the
week before too (``Contract.worked_before``, ``weekends_before``); the weekly minutes, which
the options may not be able to reach, are slack like coverage. Requests (goal 7) and weekend
and holiday fairness over the history (goal 8) are soft, and a reward for shifts where the
clients' visits are likely to fall (``solver.demand``) makes the visits fit: an evening-only
client pulls a late shift, a busy day pulls more staff. Kept and pinned shifts are fixed.

Both builders end in ``rostered.finish``, which applies the choice and judges it, so what the
plan reports is measured on the roster itself, not read from the model's slack.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import ceil
from typing import Any

from ortools.sat.python import cp_model

from solver.contracts import WEEKEND, days_before, runs_this_week, working_minutes
from solver.coverage import segments
from solver.cpsat import deterministic_solver
from solver.demand import Demand, staff_minutes_wanted, visit_demand
from solver.oncall import primary_by_day
from solver.plan import OnCallPeriod
from solver.problem import DAY, DAYS, WEIGHTS, Contract, Problem, ShiftOption, Window
from solver.roster_greedy import greedy_choice
from solver.rostered import (
    WITHIN_WEEK,
    Rostered,
    contracted,
    day_options,
    fair_day,
    fair_pool,
    fair_shares,
    finish,
    kept_days,
)

#: Per staff-minute (or minute of a listed discipline) short of coverage: above any soft goal.
SHORT_MINUTE = 1_000
#: Per minute outside the contract's weekly minutes: a contract is kept before coverage (a
#: short evening can be filled from elsewhere; working someone past their contract cannot).
CONTRACT_MINUTE = 100 * SHORT_MINUTE
#: Per staff-minute of shift where visits are wanted: a visit-shaped roster, below every goal.
DEMAND_MINUTE = 1
#: A run into Sunday that leaves next week unable to reach the contract's minimum (see
#: ``_Model._next_week``): above goals 7 and 8 and a shift's visit demand, below every hard rule.
NEXT_WEEK = 5 * WEIGHTS.request_not_honoured
#: Per shift worked: of two rosters equal in everything else, the one without shifts that
#: serve nothing (no coverage, contract minimum or visits asks for them).
SHIFT = 1

#: Wall seconds per deterministic second before the roster's search is cut short.
WALL_GUARD = 10

Var = cp_model.IntVar
Terms = list[tuple[int, cp_model.LinearExprT]]


class _Model:
    """The roster model's variables and objective terms, built rule by rule."""

    def __init__(self, problem: Problem) -> None:
        roster = problem.roster
        assert roster is not None
        self.problem = problem
        self.roster = roster
        self.model = cp_model.CpModel()
        self.people = contracted(problem)
        self.staff = problem.staff_by_id
        self.fixed = [s for s in problem.staff if s.id not in roster.contracts]
        self.options: dict[str, dict[int, list[ShiftOption]]] = {}
        self.kept: dict[str, dict[int, ShiftOption | None]] = {}
        self.x: dict[tuple[str, ShiftOption], Var] = {}
        self.terms: Terms = []
        for sid, contract in self.people:
            self.options[sid] = day_options(roster, sid, contract)
            self.kept[sid] = kept_days(roster, sid)
            for day, opts in self.options[sid].items():
                for o in opts:
                    self.x[sid, o] = self.model.new_bool_var(f"works(staff={sid}, day={day}, shift={o.name})")
                if len(opts) > 1:
                    self.model.add_at_most_one(self.x[sid, o] for o in opts)
                self.terms += [(SHIFT, self.x[sid, o]) for o in opts]
                kept = self.kept[sid].get(day)
                if kept is not None:
                    self.model.add(self.x[sid, kept] == 1)

    def work(self, sid: str, day: int) -> cp_model.LinearExprT:
        return sum((self.x[sid, o] for o in self.options[sid][day]), 0)

    def kept_shifts(self, sid: str) -> dict[int, ShiftOption]:
        return {d: o for d, o in self.kept[sid].items() if o is not None}

    def kept_working(self, sid: str, day: int) -> bool:
        return self.kept[sid].get(day) is not None

    def forbid(self, sid: str, option: ShiftOption) -> None:
        """Rule out an option unless it is kept (a kept shift breaking a rule is reported)."""
        if self.kept[sid].get(option.day) != option:
            self.model.add(self.x[sid, option] == 0)

    # -- H17 -------------------------------------------------------------------------------

    def coverage(self) -> None:
        cuts = [o.window for opts in self.options.values() for day in opts.values() for o in day]
        cuts += [w for s in self.fixed for w in s.shifts.values()]
        for need in self.roster.coverage:
            for seg in segments(need.window, cuts):
                self._cover(seg, need.min_staff, None)
                for discipline, wanted in need.by_discipline:
                    self._cover(seg, wanted, discipline)

    def _cover(self, seg: Window, wanted: int, discipline: str | None) -> None:
        day = seg.start // DAY
        fixed = sum(
            1
            for s in self.fixed
            if (discipline is None or s.discipline == discipline)
            and (w := s.shifts.get(day)) is not None
            and w.contains(seg.start, seg.end)
        )
        if fixed >= wanted:
            return
        covering = [
            var
            for (sid, o), var in self.x.items()
            if o.day == day
            and o.window.contains(seg.start, seg.end)
            and (discipline is None or self.staff[sid].discipline == discipline)
        ]
        if not covering:
            return  # Nothing the roster chooses changes it: reported after solving.
        short = self.model.new_int_var(0, wanted - fixed, f"short(day={day}, at={seg.start}, {discipline})")
        self.model.add(sum(covering) + fixed + short >= wanted)
        self.terms.append((SHORT_MINUTE * (seg.end - seg.start), short))

    # -- H18 -------------------------------------------------------------------------------

    def contracts(self) -> None:
        for sid, contract in self.people:
            # Kept shifts above the limit are reported; the days left free then stay off.
            kept_work = sum(self.kept_working(sid, d) for d in range(DAYS))
            free = [self.work(sid, d) for d in range(DAYS) if not self.kept_working(sid, d)]
            self.model.add(sum(free, 0) <= max(0, contract.max_days - kept_work))
            self._minutes(sid, contract)
            self._consecutive(sid, contract)
            if contract.min_rest is not None:
                self._rest(sid, contract, contract.min_rest)
            self._weekends(sid, contract)
            self._next_week(sid, contract)

    def _next_week(self, sid: str, contract: Contract) -> None:
        """A look ahead, since weeks are rostered one at a time: a run of working days into Sunday
        long enough that next week's five weekdays would break ``max_consecutive``, when this
        weekend uses up the weekends allowed and four weekday shifts cannot reach the weekly
        minimum, would leave next week short of its minutes (H18) whatever it does. It costs,
        so this week's weekend goes to someone it does not trap, where coverage allows."""
        limit, weekends = contract.max_consecutive, contract.max_weekends_per_4
        if limit is None or weekends is None or _next_window_before(contract) + 1 < weekends:
            return
        longest = max(
            (working_minutes(o.window, self.roster.breaks) for o in contract.options if o.day < 5), default=0
        )
        run = limit - 4  # the run into Sunday from which Monday to Friday would be one too many
        if 4 * longest >= contract.minutes[0] or not 1 <= run <= DAYS:
            return
        days = [self.work(sid, d) for d in range(DAYS - run, DAYS)]
        trapped = self.model.new_bool_var(f"next_week_trapped(staff={sid})")
        self.model.add(trapped >= sum(days) - (run - 1))
        self.terms.append((NEXT_WEEK, trapped))

    def _weekends(self, sid: str, contract: Contract) -> None:
        """With no room left for another worked weekend in the last four, this one stays off
        (a week has one weekend, so that is the whole rule)."""
        limit = contract.max_weekends_per_4
        if limit is None or contract.weekends_before < limit:
            return
        if any(self.kept_working(sid, d) for d in WEEKEND):
            return  # A kept weekend shift: the breach is reported.
        for day in WEEKEND:
            for o in self.options[sid][day]:
                self.forbid(sid, o)

    def _minutes(self, sid: str, contract: Contract) -> None:
        if not runs_this_week(contract, self.kept_shifts(sid)):
            return
        breaks = self.roster.breaks
        worked = cp_model.LinearExpr.weighted_sum(
            [self.x[sid, o] for day in self.options[sid].values() for o in day],
            [working_minutes(o.window, breaks) for day in self.options[sid].values() for o in day],
        )
        # Typed as Any: CP-SAT's LinearExprT union includes numpy integers, which mypy cannot add.
        holidays_off: Any = sum(1 - self.work(sid, d) for d in contract.holidays if 0 <= d < DAYS)
        total = worked + contract.credit * (contract.credited_days + holidays_off)
        lo, hi = contract.minutes
        under = self.model.new_int_var(0, max(0, lo), f"under_minutes(staff={sid})")
        over = self.model.new_int_var(0, DAYS * DAY, f"over_minutes(staff={sid})")
        self.model.add(total + under >= lo)
        self.model.add(total - over <= hi)
        self.terms += [(CONTRACT_MINUTE, under), (CONTRACT_MINUTE, over)]

    def _consecutive(self, sid: str, contract: Contract) -> None:
        """At most ``max_consecutive`` working days in any run of that many plus one, the
        days worked before the week included. A window that kept shifts already put over the
        limit gets no more days (its breach is reported)."""
        limit = contract.max_consecutive
        if limit is None:
            return
        before = days_before(contract)
        for first in range(-limit, DAYS - limit):
            days = range(first, first + limit + 1)
            constant = sum(
                1 for d in days if (d < 0 and d in before) or (d >= 0 and self.kept_working(sid, d))
            )
            free = [self.work(sid, d) for d in days if d >= 0 and not self.kept_working(sid, d)]
            if constant + len(free) <= limit or not free:
                continue
            self.model.add(sum(free) <= max(0, limit - constant))

    def _rest(self, sid: str, contract: Contract, rest: int) -> None:
        """At least ``min_rest`` minutes between one shift's end and the next one's start."""
        flat = [o for day in self.options[sid].values() for o in day]
        for w in contract.worked_before:
            for o in flat:
                if o.window.start >= w.start and o.window.start - w.end < rest:
                    self.forbid(sid, o)
        for a in flat:
            for b in flat:
                if a.day < b.day and b.window.start - a.window.end < rest:
                    if self.kept_working(sid, a.day) and self.kept_working(sid, b.day):
                        continue  # Both kept: reported, nothing to choose.
                    self.model.add_bool_or([self.x[sid, a].Not(), self.x[sid, b].Not()])

    # -- soft goals --------------------------------------------------------------------------

    def requests(self) -> None:
        """Goal 7: a request for a day off, or for a shift type, costs when not honoured."""
        for sid, contract in self.people:
            for request in contract.requests:
                if not 0 <= request.day < DAYS:
                    continue
                if request.shift is None:
                    self.terms.append((WEIGHTS.request_not_honoured, self.work(sid, request.day)))
                    continue
                wanted = [o for o in self.options[sid][request.day] if o.name == request.shift]
                if wanted:
                    self.terms.append((WEIGHTS.request_not_honoured, 1 - self.x[sid, wanted[0]]))

    def fairness(self) -> None:
        """Goal 8: weekend and holiday shifts over the fairness weeks no more than each pool
        member's FTE share (scored as ``rostered.fairness_terms`` does: whole shifts above)."""
        pool = fair_pool(self.problem)
        if len(pool) < 2:
            return
        contracts = self.roster.contracts
        for sid, share in fair_shares(self.problem, pool).items():
            days = [d for d in range(DAYS) if fair_day(self.roster, d)]
            held = contracts[sid].fair_before + sum((self.work(sid, d) for d in days), 0)
            # off = max(0, floor(held - share)) with share = a / b: b off >= b held - a - (b - 1).
            a, b = share.numerator, share.denominator
            above = self.model.new_int_var(
                0, contracts[sid].fair_before + len(days), f"weekend_above(staff={sid})"
            )
            self.model.add(b * above >= b * held - a - (b - 1))
            self.terms.append((WEIGHTS.weekend_shift_share, above))
        for sid, share in fair_shares(self.problem, pool, this_week=True).items():
            held = sum((self.work(sid, d) for d in range(DAYS) if fair_day(self.roster, d)), 0)
            above = self.model.new_int_var(0, DAYS, f"weekend_above_this_week(staff={sid})")
            self.model.add(above >= held - ceil(share))
            self.terms.append((WITHIN_WEEK, above))

    def demand(self, demand: Sequence[Demand], on_call: tuple[OnCallPeriod, ...]) -> None:
        """Reward staff-minutes of shift where visits are wanted, up to what they want, after
        what fixed-hours staff already give. Last night's primary counts only from their rest."""
        rest = self.problem.policy.rest_next_day_start
        primary = primary_by_day(on_call, self.problem.on_call_history)
        by_day: dict[int, list[Demand]] = {}
        for d in demand:
            by_day.setdefault(d.window.start // DAY, []).append(d)
        for day in range(DAYS):
            wanted_today = by_day.get(day, [])
            opts = [(sid, o) for (sid, o) in self.x if o.day == day]
            if not wanted_today or not opts:
                continue
            span = Window(min(o.window.start for _, o in opts), max(o.window.end for _, o in opts))
            cuts = [o.window for _, o in opts] + [
                w for s in self.fixed if (w := s.shifts.get(day)) is not None
            ]
            for seg in segments(span, cuts):
                length = seg.end - seg.start
                wanted = staff_minutes_wanted(wanted_today, seg)
                fixed = length * sum(
                    1
                    for s in self.fixed
                    if (w := s.shifts.get(day)) is not None and w.contains(seg.start, seg.end)
                )
                resting = primary.get(day - 1) if rest is not None and seg.end <= day * DAY + rest else None
                covering = [
                    self.x[sid, o]
                    for sid, o in opts
                    if o.window.contains(seg.start, seg.end) and sid != resting
                ]
                if wanted <= fixed or not covering:
                    continue
                served = self.model.new_int_var(
                    0, wanted - fixed, f"demand_served(day={day}, at={seg.start})"
                )
                self.model.add(served <= length * sum(covering))
                self.terms.append((-DEMAND_MINUTE, served))

    # -- solving -----------------------------------------------------------------------------

    def solve(self, seed: int, time_limit: float) -> dict[str, dict[int, ShiftOption]]:
        hint = greedy_choice(self.problem)
        for (sid, o), var in self.x.items():
            self.model.add_hint(var, hint.get(sid, {}).get(o.day) == o)
        self.model.minimize(sum(w * e for w, e in self.terms))
        solver = deterministic_solver(seed, time_limit)
        # Quick restarts leave the greedy hint's neighbourhood within the budget (the default
        # single-worker search kept the hint of the large team as it was).
        solver.parameters.search_branching = cp_model.PORTFOLIO_WITH_QUICK_RESTART_SEARCH
        # The full LP relaxation (coverage and minutes are linear sums) proves the sample teams'
        # rosters optimal in a few hundredths of a second, where the default level did not
        # finish the large team's within the budget.
        solver.parameters.linearization_level = 2
        # The roster is worth its deterministic budget even on a loaded machine: the wall
        # clock only guards against a runaway, so the same seed gives the same roster.
        solver.parameters.max_time_in_seconds = WALL_GUARD * time_limit
        status = solver.solve(self.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            # No solution in time (not seen on team-sized inputs): the greedy roster keeps
            # every contract rule it can, and the report says what it misses.
            return hint
        chosen: dict[str, dict[int, ShiftOption]] = {sid: {} for sid, _ in self.people}
        for (sid, o), var in self.x.items():
            if solver.boolean_value(var):
                chosen[sid][o.day] = o
        return chosen


def _next_window_before(contract: Contract) -> int:
    """Of next week's four weekends, how many the two weekends before this one worked: read from
    the days worked before the week (the history gives two weeks of them); without them, the
    three weekends before less the oldest, which may have been worked."""
    before = days_before(contract)
    if not before:
        return max(0, contract.weekends_before - 1)
    # Last week's Saturday and Sunday are days -2 and -1; the week before's -9 and -8.
    return sum(1 for weekend in ((-2, -1), (-9, -8)) if any(d in before for d in weekend))


def build_roster(
    problem: Problem,
    on_call: tuple[OnCallPeriod, ...] = (),
    *,
    seed: int = 0,
    time_limit: float = 1.0,
    demand: Sequence[Demand] | None = None,
) -> Rostered:
    """The week's roster: the problem with contracted staff's shifts filled, every staff member's
    shifts, what coverage and contracts could not meet (H17, H18) and the roster's goal terms.

    ``demand`` (default: ``visit_demand(problem)``) says where visits want staff.
    """
    if problem.roster is None:
        raise ValueError("The problem has no roster (Part B) to build.")
    m = _Model(problem)
    m.coverage()
    m.contracts()
    m.requests()
    m.fairness()
    m.demand(visit_demand(problem) if demand is None else demand, on_call)
    return finish(problem, m.solve(seed, time_limit))
