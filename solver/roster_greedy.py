"""The benchmark's greedy baseline roster (``SolveParams.greedy_roster``).

For each contracted staff member in turn and each day in order: the cheapest shift (fewest
working minutes) that covers a minute where coverage is still short and keeps the contract
(H18) as the week stands so far. Then anyone still under the contract's minimum minutes takes
the cheapest shift that keeps the contract on their free days, in order. Kept and pinned
shifts stay. Requests, fairness and the visits play no part: that is what it is a baseline for.
The CP-SAT roster starts its search from it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from solver.contracts import can_add, week_minutes, working_minutes
from solver.coverage import segments
from solver.plan import OnCallPeriod
from solver.problem import DAY, DAYS, CoverageNeed, Problem, ShiftOption, Staff, Window
from solver.rostered import Rostered, contracted, finish, kept_days


@dataclass
class _Segment:
    need: CoverageNeed
    window: Window
    staff: int
    by_discipline: dict[str, int]

    def gain(self, window: Window, discipline: str) -> int:
        """Short staff-minutes a shift over ``window`` of ``discipline`` would cover here."""
        if not window.contains(self.window.start, self.window.end):
            return 0
        minutes = self.window.end - self.window.start
        gain = minutes if self.staff < self.need.min_staff else 0
        for d, wanted in self.need.by_discipline:
            if d == discipline and self.by_discipline.get(d, 0) < wanted:
                gain += minutes
        return gain

    def add(self, window: Window, discipline: str) -> None:
        if window.contains(self.window.start, self.window.end):
            self.staff += 1
            self.by_discipline[discipline] = self.by_discipline.get(discipline, 0) + 1


def coverage_state(problem: Problem, extra: list[Window] | None = None) -> list[_Segment]:
    """Every coverage need cut into segments, counting the fixed-hours staff already working."""
    roster = problem.roster
    assert roster is not None
    fixed = [s for s in problem.staff if s.id not in roster.contracts]
    options = [o.window for c in roster.contracts.values() for o in c.options]
    kept = [o.window for o in roster.kept.values() if o is not None]
    cuts = [w for s in fixed for w in s.shifts.values()] + options + kept + (extra or [])
    state = []
    for need in roster.coverage:
        for seg in segments(need.window, cuts):
            state.append(_Segment(need, seg, 0, {}))
            for s in fixed:
                w = s.shifts.get(seg.start // DAY)
                if w is not None:
                    state[-1].add(w, s.discipline)
    return state


def greedy_choice(problem: Problem) -> dict[str, dict[int, ShiftOption]]:
    roster = problem.roster
    assert roster is not None
    breaks = roster.breaks
    staff = problem.staff_by_id
    state = coverage_state(problem)
    chosen: dict[str, dict[int, ShiftOption]] = {}
    people = contracted(problem)
    for sid, _ in people:
        days = {d: o for d, o in kept_days(roster, sid).items() if o is not None}
        chosen[sid] = days
        for option in days.values():
            _take(state, option, staff[sid])
    for sid, contract in people:
        kept = kept_days(roster, sid)
        for day in range(DAYS):
            if day in kept:
                continue
            gains = {
                o: gain
                for o in contract.options
                if o.day == day
                and can_add(contract, chosen[sid], o, breaks)
                and (gain := sum(seg.gain(o.window, staff[sid].discipline) for seg in state)) > 0
            }
            if gains:
                # Cheapest first; of equally cheap shifts the one covering most of what is short.
                best = min(
                    gains,
                    key=lambda o: (working_minutes(o.window, breaks), -gains[o], o.window.start, o.name),
                )
                chosen[sid][day] = best
                _take(state, best, staff[sid])
    for sid, contract in people:
        kept = kept_days(roster, sid)
        for day in range(DAYS):
            if week_minutes(contract, chosen[sid], breaks) >= contract.minutes[0]:
                break
            if day in kept or day in chosen[sid]:
                continue
            open_ = [
                o for o in contract.options if o.day == day and can_add(contract, chosen[sid], o, breaks)
            ]
            if open_:
                best = min(open_, key=lambda o: (working_minutes(o.window, breaks), o.window.start, o.name))
                chosen[sid][day] = best
                _take(state, best, staff[sid])
    return chosen


def _take(state: list[_Segment], option: ShiftOption, staff: Staff) -> None:
    for seg in state:
        seg.add(option.window, staff.discipline)


def build_greedy_roster(problem: Problem, on_call: tuple[OnCallPeriod, ...] = ()) -> Rostered:
    """The greedy baseline roster, applied and judged like the CP-SAT one."""
    return finish(problem, greedy_choice(problem))
