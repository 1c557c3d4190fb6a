"""``solve``: the decomposition that turns a Problem into a Plan.

caseload (H11) → on-call rota (H9, H10) → with Part B, the roster of contracted staff
(H17, H18, goals 7 and 8) → the week's visits by cheapest insertion
(a valid plan within a second or two) → ruin and recreate over the week → each
day's routes re-optimised as a whole by the routing engine, which may hand a
visit to another eligible staff member that day (H3–H8 kept). A re-plan instead
keeps the baseline's visits where they still hold and runs only a short repair
loop for what broke. Each step is one function below, in that order. When visits stay
unmet after the first fill, the roster is built once more with more demand where those
clients can be seen, and the better of the two weeks goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from solver import dayroute
from solver.caseload import assign_caseload
from solver.clock import Clock, ProgressCallback
from solver.demand import visit_demand
from solver.evaluate import metrics, objective, penalties, visits_of
from solver.greedy import fill
from solver.lns import Search
from solver.oncall import build_on_call, primary_by_day
from solver.plan import Caseload, OnCallPeriod, Penalty, Plan, Shift, Unmet
from solver.problem import DAYS, Baseline, Problem, SolveParams
from solver.replan import apply_baseline, count_moved, restorer
from solver.roster import build_roster
from solver.roster_greedy import build_greedy_roster
from solver.rostered import Rostered
from solver.schedule import Schedule

#: Share of the time left after the first plan given to the weekly search; the
#: rest goes to re-routing each day as a whole.
LNS_SHARE = 0.6
#: How much worse (objective units, about minutes of travel) a ruin-and-recreate
#: result may be and still be accepted at the start of the search.
THRESHOLD = 30.0
#: Route positions the weekly search examines per second of time limit: under
#: half of what one core of the benchmark machine manages (330k–600k/s by team
#: size), so the work budget, not the clock, ends the search even under load.
WORK_PER_SECOND = 200_000
#: Ruin-and-recreate steps the weekly search takes at most per second of its share. Each step
#: also snapshots and prices the whole week, work the position count misses: on a tiny team
#: (30 visits: about 600 steps a second) the position budget alone outlasted the clock, which
#: then ended the search at a load-dependent point. Realistic teams (small 20 clients: about
#: 325 steps a second; standard: 165) stay bounded by the work budget.
STEPS_PER_SECOND = 400
#: A re-plan's search for room for missing visits: short, since a sick call
#: should be answered within seconds.
REPAIR_SECONDS = 2.0


def solve(
    problem: Problem,
    params: SolveParams | None = None,
    on_progress: ProgressCallback | None = None,
) -> Plan:
    """Plan the week: always returns a plan, with whatever could not be met in ``unmet``."""
    params = params or SolveParams()
    clock = Clock(params, on_progress)
    caseload, caseload_unmet = _caseload(problem, params, clock)
    on_call, on_call_unmet, on_call_terms = _on_call(problem, params, clock)
    fixed_unmet = [*caseload_unmet, *on_call_unmet]
    if problem.roster is None:
        week = _assign_visits(problem, caseload, on_call, on_call_terms, fixed_unmet, clock)
    else:
        began = clock.elapsed
        rostered = _roster(problem, on_call, params, clock)
        week = _rostered_week(rostered, caseload, on_call, on_call_terms, fixed_unmet, clock)
        week.fill_seconds = clock.elapsed - began
    first = week.plan("feasible", clock)
    clock.report("first plan", plan=first)
    if params.greedy_only or clock.done:
        return _final(first, clock)
    if problem.roster is not None:
        week = _feedback(problem, week, caseload, on_call, on_call_terms, fixed_unmet, params, clock)
    if problem.baseline is not None:
        _repair(week, problem.baseline, params, clock)
        return _final(week.plan("feasible", clock), clock)
    _week_search(week, params, clock)
    return _final(_day_routes(week, params, clock), clock)


def _small_budget(params: SolveParams) -> float:
    """A fixed deterministic budget: the caseload and rota, and so the first plan, are
    the same whatever the time limit, and a longer limit only adds search."""
    return min(1.0, params.time_limit / 4)


def _caseload(problem: Problem, params: SolveParams, clock: Clock) -> tuple[dict[str, Caseload], list[Unmet]]:
    """Step 1 (H11): primaries and ITTs where the team file leaves them out."""
    clock.report("caseload", message="assigning primaries and ITTs")
    caseload, unmet = assign_caseload(
        _as_rostered(problem), seed=params.seed, time_limit=_small_budget(params)
    )
    return caseload, list(unmet)


def _as_rostered(problem: Problem) -> Problem:
    """The caseload is chosen before the roster: a contracted staff member counts as working on
    the days some shift is open to them (their ``Staff.shifts`` are still empty)."""
    roster = problem.roster
    if roster is None or not roster.contracts:
        return problem
    staff = []
    for s in problem.staff:
        contract = roster.contracts.get(s.id)
        if contract is not None and not s.shifts:
            s = replace(s, shifts={o.day: o.window for o in reversed(contract.options)})
        staff.append(s)
    return replace(problem, staff=tuple(staff))


def _on_call(
    problem: Problem, params: SolveParams, clock: Clock
) -> tuple[tuple[OnCallPeriod, ...], list[Unmet], list[Penalty]]:
    """Step 2 (H9, H10): the rota, kept close to the baseline's in a re-plan."""
    clock.report("on-call", message="building the on-call rota")
    baseline = problem.baseline
    on_call, unmet, terms = build_on_call(
        problem,
        seed=params.seed,
        time_limit=_small_budget(params),
        baseline=baseline.on_call if baseline else (),
    )
    return on_call, list(unmet), terms


def _roster(
    problem: Problem,
    on_call: tuple[OnCallPeriod, ...],
    params: SolveParams,
    clock: Clock,
    raised: frozenset[str] = frozenset(),
) -> Rostered:
    """Step 2b (Part B): who works which shift, before the visits fill the shifts."""
    clock.report("roster", message="building the roster" if not raised else "re-building the roster")
    if params.greedy_roster:
        return build_greedy_roster(problem, on_call)
    return build_roster(
        problem,
        on_call,
        seed=params.seed,
        time_limit=_small_budget(params),
        demand=visit_demand(problem, raised) if raised else None,
    )


def _rostered_week(
    rostered: Rostered,
    caseload: dict[str, Caseload],
    on_call: tuple[OnCallPeriod, ...],
    on_call_terms: list[Penalty],
    unmet: list[Unmet],
    clock: Clock,
) -> _Week:
    """Step 3 with Part B: the visits by cheapest insertion in the rostered shifts."""
    week = _assign_visits(
        rostered.problem, caseload, on_call, on_call_terms + rostered.penalties, unmet + rostered.unmet, clock
    )
    week.shifts = rostered.shifts
    return week


def _feedback(
    problem: Problem,
    week: _Week,
    caseload: dict[str, Caseload],
    on_call: tuple[OnCallPeriod, ...],
    on_call_terms: list[Penalty],
    unmet: list[Unmet],
    params: SolveParams,
    clock: Clock,
) -> _Week:
    """Part B, after the first plan: when visits stayed unmet, roster once more with those
    clients' demand raised (their windows pull shifts harder), refill, and keep the better week.

    After the first plan, so the first valid plan comes as fast as without it (``greedy_only``
    stops there); the greedy baseline roster reads no demand, so it has no second try."""
    short = frozenset(cid for cid, items in week.visit_unmet.items() if items)
    # The wall clock only caps it, as it caps the searches: a second roster and fill take about
    # as long as the first, and the time limit should hold.
    if not short or params.greedy_roster or clock.remaining < week.fill_seconds:
        return week
    rostered = _roster(problem, on_call, params, clock, raised=short)
    if rostered.shifts == week.shifts:
        return week  # The same roster would fill the same way.
    again = _rostered_week(rostered, caseload, on_call, on_call_terms, unmet, clock)
    return again if again.cost() < week.cost() else week


@dataclass
class _Week:
    """The solve's working state: the decisions taken so far and what is still unmet."""

    problem: Problem
    caseload: dict[str, Caseload]
    on_call: tuple[OnCallPeriod, ...]
    on_call_terms: list[Penalty]
    schedule: Schedule
    #: The days the search may change (a re-plan leaves the days before ``from_day``).
    days: range
    #: Caseload, rota and kept baseline visits: fixed once the visits are placed.
    fixed_unmet: list[Unmet]
    #: Per client, the visits and requirements it still lacks; the searches update it.
    visit_unmet: dict[str, list[Unmet]]
    #: Part B: every staff member's shifts as the roster chose them (empty without a roster).
    shifts: tuple[Shift, ...] = ()
    #: Part B: wall seconds the roster and the first fill took (the feedback's second try needs as much).
    fill_seconds: float = 0.0

    def unmet(self) -> list[Unmet]:
        found = self.fixed_unmet + [u for c in self.problem.clients for u in self.visit_unmet[c.id]]
        # Part B: breaks and the meeting the routes could not keep (H15, H16).
        part_b = getattr(self.schedule, "part_b_unmet", None)
        if self.problem.roster is not None and part_b is not None:
            found = found + list(part_b())
        return _dedupe(found)

    def moved(self) -> int | None:
        baseline = self.problem.baseline
        return count_moved(self.schedule, baseline) if baseline is not None else None

    def cost(self) -> int:
        """The objective, not counting moved visits."""
        return objective(
            penalties(self.schedule, self.on_call_terms, 0), self.unmet(), self.problem, self.schedule
        )

    def cost_with_moves(self) -> int:
        terms = penalties(self.schedule, self.on_call_terms, self.moved() or 0)
        return objective(terms, self.unmet(), self.problem, self.schedule)

    def plan(self, status: str, clock: Clock, bound: float | None = None) -> Plan:
        moved = self.moved()
        terms = penalties(self.schedule, self.on_call_terms, moved or 0)
        found = self.unmet()
        figures = metrics(self.schedule, self.on_call, moved, self.shifts)
        by_goal: dict[str, float] = {}
        for term in terms:
            by_goal[term.goal] = by_goal.get(term.goal, 0) + term.cost
        figures["objective_by_goal"] = dict(sorted(by_goal.items()))
        return Plan(
            visits=tuple(visits_of(self.schedule)),
            on_call=self.on_call,
            caseload=self.caseload,
            unmet=tuple(found),
            metrics=figures,
            status=status,
            seconds=round(clock.elapsed, 3),
            objective=objective(terms, found, self.problem, self.schedule),
            bound=bound,
            moved=moved,
            penalties=tuple(terms),
            shifts=self.shifts,
            breaks=self.schedule.breaks() if self.problem.roster is not None else (),
        )


def _assign_visits(
    problem: Problem,
    caseload: dict[str, Caseload],
    on_call: tuple[OnCallPeriod, ...],
    on_call_terms: list[Penalty],
    unmet: list[Unmet],
    clock: Clock,
) -> _Week:
    """Step 3 (H1–H8, H10 rest): the baseline's visits where they still hold, then
    every missing visit by cheapest insertion."""
    schedule = Schedule(problem, caseload, primary_by_day(on_call, problem.on_call_history))
    days = range(DAYS)
    baseline = problem.baseline
    if baseline is not None:
        unmet = unmet + apply_baseline(schedule, baseline)
        days = range(min(baseline.from_day, DAYS), DAYS)
    clock.report("visits", message="placing visits")
    visit_unmet: dict[str, list[Unmet]] = {c.id: [] for c in problem.clients}
    for item in fill(schedule, problem.clients, days):
        visit_unmet[item.client or ""].append(item)
    return _Week(problem, caseload, on_call, on_call_terms, schedule, days, unmet, visit_unmet)


def _repair(week: _Week, baseline: Baseline, params: SolveParams, clock: Clock) -> None:
    """Re-plan only: keep the baseline's routes and search briefly for room for the
    visits still missing, paying for every visit moved."""
    schedule = week.schedule
    repair = Search(
        schedule,
        week.visit_unmet,
        week.cost_with_moves,
        week.days,
        params.seed,
        restore=restorer(schedule, baseline),
    )
    budget = min(params.time_limit, REPAIR_SECONDS) * WORK_PER_SECOND
    start_work = schedule.work
    while not clock.done and schedule.work - start_work < budget and repair.short():
        if repair.step():
            clock.report("repair", best_objective=repair.best, unmet=len(week.unmet()))
    repair.finish()


def _week_search(week: _Week, params: SolveParams, clock: Clock) -> None:
    """Step 4: ruin and recreate over the week.

    Its budget is counted in work units, not seconds, so a seed and a time limit
    give the same plan on a busy machine too; the wall clock only caps it (a
    machine more than about twice as slow as the benchmark one would cut it short).
    """
    schedule = week.schedule
    search = Search(schedule, week.visit_unmet, week.cost, week.days, params.seed)
    budget = params.time_limit * LNS_SHARE * WORK_PER_SECOND
    steps = params.time_limit * LNS_SHARE * STEPS_PER_SECOND
    start_work = schedule.work
    last_report = clock.elapsed
    while not clock.done and schedule.work - start_work < budget and search.iterations < steps:
        # The acceptance threshold shrinks to zero: explore early, settle late.
        threshold = THRESHOLD * max(0.0, 1 - (schedule.work - start_work) / budget)
        if search.step(threshold) or clock.elapsed - last_report > 0.5:
            last_report = clock.elapsed
            clock.report(
                "week",
                best_objective=search.best,
                unmet=len(week.unmet()),
                message="ruin and recreate",
            )
    search.finish()


def _day_routes(week: _Week, params: SolveParams, clock: Clock) -> Plan:
    """Step 5: re-route each day as a whole while time remains; the best plan seen."""
    best = week.plan("feasible", clock)

    def after_day(applied: bool, message: str) -> None:
        nonlocal best
        if applied:
            candidate = week.plan("feasible", clock)
            if candidate.objective is not None and best.objective is not None:
                if candidate.objective <= best.objective:
                    best = candidate
        clock.report("routes", plan=best, message=message)

    dayroute.improve(week.schedule, params.time_limit * (1 - LNS_SHARE), params.seed, clock, after_day)
    return best


def _final(plan: Plan, clock: Clock) -> Plan:
    status = "stopped" if clock.stopped else plan.status
    final = replace(plan, status=status, seconds=round(clock.elapsed, 3))
    clock.report("done", plan=final)
    return final


def _dedupe(unmet: list[Unmet]) -> list[Unmet]:
    seen: set[tuple[str, str | None, str]] = set()
    out = []
    for u in unmet:
        key = (u.rule, u.client, u.detail)
        if key not in seen:
            seen.add(key)
            out.append(u)
    return out


__all__ = ["Penalty", "solve"]
