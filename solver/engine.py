"""``solve``: the decomposition that turns a Problem into a Plan.

caseload (H11) → on-call rota (H9, H10) → visits by cheapest insertion (a valid
plan within a second or two) → while time remains, each day's routes are
re-optimised as a whole by the routing engine, which may hand a visit to
another eligible staff member that day (H3–H8 kept). A re-plan instead keeps
the baseline's visits where they still hold and repairs only what broke.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from solver import dayroute
from solver.caseload import assign_caseload
from solver.evaluate import metrics, objective, penalties, visits_of
from solver.greedy import fill
from solver.lns import Search
from solver.oncall import build_on_call, primary_by_day
from solver.plan import Penalty, Plan, Unmet
from solver.problem import DAYS, Problem, Progress, SolveParams
from solver.replan import apply_baseline, count_moved, restorer
from solver.schedule import Schedule

ProgressCallback = Callable[[Progress], bool | None]

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
#: A re-plan's search for room for missing visits: short, since a sick call
#: should be answered within seconds.
REPAIR_SECONDS = 2.0


class Clock:
    """Time budget and progress reports; a callback returning True asks to stop."""

    def __init__(self, params: SolveParams, on_progress: ProgressCallback | None) -> None:
        self.params = params
        self.on_progress = on_progress
        self.started = time.monotonic()
        self.stopped = False

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def remaining(self) -> float:
        return max(0.0, self.params.time_limit - self.elapsed)

    def report(
        self,
        phase: str,
        *,
        best_objective: float | None = None,
        unmet: int | None = None,
        message: str = "",
    ) -> None:
        if self.on_progress is None:
            return
        progress = Progress(
            phase=phase,
            elapsed=round(self.elapsed, 3),
            time_limit=self.params.time_limit,
            best_objective=best_objective,
            unmet=unmet,
            message=message,
        )
        if self.on_progress(progress):
            self.stopped = True

    @property
    def done(self) -> bool:
        return self.stopped or self.remaining <= 0


def solve(
    problem: Problem,
    params: SolveParams | None = None,
    on_progress: ProgressCallback | None = None,
) -> Plan:
    """Plan the week: always returns a plan, with whatever could not be met in ``unmet``."""
    params = params or SolveParams()
    clock = Clock(params, on_progress)
    # A fixed deterministic budget: the caseload and rota, and so the first plan, are
    # the same whatever the time limit, and a longer limit only adds search.
    small = min(1.0, params.time_limit / 4)

    clock.report("caseload", message="assigning primaries and ITTs")
    caseload, unmet = assign_caseload(problem, seed=params.seed, time_limit=small)
    unmet = list(unmet)

    clock.report("on-call", message="building the on-call rota")
    baseline = problem.baseline
    on_call, on_call_unmet, on_call_terms = build_on_call(
        problem,
        seed=params.seed,
        time_limit=small,
        baseline=baseline.on_call if baseline else (),
    )
    unmet.extend(on_call_unmet)

    schedule = Schedule(problem, caseload, primary_by_day(on_call))
    days = range(DAYS)
    if baseline is not None:
        unmet.extend(apply_baseline(schedule, baseline))
        days = range(min(baseline.from_day, DAYS), DAYS)
    clock.report("visits", message="placing visits")
    visit_unmet: dict[str, list[Unmet]] = {c.id: [] for c in problem.clients}
    for item in fill(schedule, problem.clients, days):
        visit_unmet[item.client or ""].append(item)

    def all_unmet() -> list[Unmet]:
        return _dedupe(unmet + [u for c in problem.clients for u in visit_unmet[c.id]])

    def cost() -> int:
        return objective(penalties(schedule, on_call_terms, 0), all_unmet(), problem, schedule)

    def finish(status: str, bound: float | None = None) -> Plan:
        moved = count_moved(schedule, baseline) if baseline is not None else None
        terms = penalties(schedule, on_call_terms, moved or 0)
        found = all_unmet()
        figures = metrics(schedule, on_call, moved)
        by_goal: dict[str, float] = {}
        for term in terms:
            by_goal[term.goal] = by_goal.get(term.goal, 0) + term.cost
        figures["objective_by_goal"] = dict(sorted(by_goal.items()))
        return Plan(
            visits=tuple(visits_of(schedule)),
            on_call=on_call,
            caseload=caseload,
            unmet=tuple(found),
            metrics=figures,
            status=status,
            seconds=round(clock.elapsed, 3),
            objective=objective(terms, found, problem, schedule),
            bound=bound,
            moved=moved,
            penalties=tuple(terms),
        )

    best = finish("feasible")
    clock.report("first plan", best_objective=best.objective, unmet=len(best.unmet))
    if params.greedy_only or clock.done:
        return _final(best, clock)
    if baseline is not None:
        # A re-plan keeps the baseline's routes; it only searches for room for
        # visits still missing, paying for every visit it moves.
        def cost_with_moves() -> int:
            terms = penalties(schedule, on_call_terms, count_moved(schedule, baseline))
            return objective(terms, all_unmet(), problem, schedule)

        repair = Search(
            schedule, visit_unmet, cost_with_moves, days, params.seed, restore=restorer(schedule, baseline)
        )
        budget = min(params.time_limit, REPAIR_SECONDS) * WORK_PER_SECOND
        start_work = schedule.work
        while not clock.done and schedule.work - start_work < budget and repair.short():
            if repair.step():
                clock.report("repair", best_objective=repair.best, unmet=len(all_unmet()))
        repair.finish()
        return _final(finish("feasible"), clock)

    # Weekly improvement: ruin and recreate. Its budget is counted in work
    # units, not seconds, so a seed and a time limit give the same plan on a
    # busy machine too; the wall clock only caps it (a machine more than about
    # twice as slow as the benchmark one would cut it short).
    search = Search(schedule, visit_unmet, cost, days, params.seed)
    budget = params.time_limit * LNS_SHARE * WORK_PER_SECOND
    start_work = schedule.work
    last_report = clock.elapsed
    while not clock.done and schedule.work - start_work < budget:
        # The acceptance threshold shrinks to zero: explore early, settle late.
        threshold = THRESHOLD * max(0.0, 1 - (schedule.work - start_work) / budget)
        if search.step(threshold) or clock.elapsed - last_report > 0.5:
            last_report = clock.elapsed
            clock.report(
                "week",
                best_objective=search.best,
                unmet=len(all_unmet()),
                message="ruin and recreate",
            )
    search.finish()
    best = finish("feasible")

    # Route improvement: re-route each day as a whole while time remains.
    def after_day(applied: bool, message: str) -> None:
        nonlocal best
        if applied:
            candidate = finish("feasible")
            if candidate.objective is not None and best.objective is not None:
                if candidate.objective <= best.objective:
                    best = candidate
        clock.report("routes", best_objective=best.objective, unmet=len(best.unmet), message=message)

    dayroute.improve(schedule, params.time_limit * (1 - LNS_SHARE), params.seed, clock, after_day)
    return _final(best, clock)


def _final(plan: Plan, clock: Clock) -> Plan:
    status = "stopped" if clock.stopped else plan.status
    final = Plan(
        visits=plan.visits,
        on_call=plan.on_call,
        caseload=plan.caseload,
        unmet=plan.unmet,
        metrics=plan.metrics,
        status=status,
        seconds=round(clock.elapsed, 3),
        objective=plan.objective,
        bound=plan.bound,
        moved=plan.moved,
        penalties=plan.penalties,
    )
    clock.report("done", best_objective=final.objective, unmet=len(final.unmet))
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
