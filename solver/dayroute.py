"""Day routing: re-optimise all of one day's routes together with the routing engine.

The weekly decisions stay fixed (which clients are seen on which day, and the
requirements each visit serves); within the day, the engine re-sequences every
route and may hand a visit to another staff member who can legally take it
(H3, H4 tags, H8 capacity), paying the ITT penalty when that staff member is
not on the client's ITT. Paired and pinned visits keep their staff and time,
because the engine cannot synchronise two routes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from solver.greedy import requirement_tags
from solver.problem import DAYS, WEIGHTS, Client, Problem
from solver.routing import Route as EngineRoute
from solver.routing import RouteStop, RoutingInstance, Stop, Vehicle, solve_routing
from solver.schedule import Route, Schedule, Slot, tags_met_by

if TYPE_CHECKING:
    from solver.engine import Clock

#: Cost of handing a visit to another staff member on the same day: small, so it
#: happens for real travel savings, not for noise, and weekly balance holds.
HANDOVER = 15


#: PyVRP iterations per second on a day of n stops is about this over sqrt(n) on
#: one core of the benchmark machine (measured 2,800/s at 60 stops, 1,500/s at
#: 240), taken a little low so the iteration budget, not the clock, ends a day.
ITERATIONS_SCALE = 15_000


def improve(
    schedule: Schedule,
    seconds: float,
    seed: int,
    clock: Clock,
    after_day: Callable[[bool, str], None],
) -> None:
    """Re-route each day (busiest first), sharing ``seconds`` by day; keep only gains.

    Each day's search is bounded by an iteration count derived from its share
    of the time, so the result does not depend on machine load; the clock
    only caps it.
    """
    days = sorted(
        (d for d in range(DAYS) if any(r.slots for (_, day), r in schedule.routes.items() if day == d)),
        key=lambda d: -sum(len(r.slots) for (_, day), r in schedule.routes.items() if day == d),
    )
    stops = {d: sum(len(r.slots) for (_, day), r in schedule.routes.items() if day == d) for d in days}
    total = sum(stops.values()) or 1
    for day in days:
        if clock.done:
            return
        share = seconds * stops[day] / total
        iterations = int(share * ITERATIONS_SCALE / max(1.0, stops[day]) ** 0.5)
        if iterations < 50:
            continue
        # Report after every day, improved or not: a stop request is only seen
        # when progress is reported, and one day's search is the longest wait.
        applied = route_day(schedule, day, clock.remaining, seed, iterations)
        after_day(applied, f"re-routed day {day + 1}" if applied else f"day {day + 1} kept")


def _protected_tags(schedule: Schedule, client: Client, day: int) -> frozenset[str]:
    """Requirement tags this visit alone provides: whoever takes it over must bring them."""
    staff_by_id = schedule.problem.staff_by_id
    teams = {
        d: [staff_by_id[s] for s in v[0] if s in staff_by_id] for d, v in schedule.visits[client.id].items()
    }
    mine = teams[day]
    skills, disciplines = requirement_tags(client)
    tags = set()
    for tag, days in skills:
        one = frozenset({tag})
        if day in days and tags_met_by(mine, one):
            others = [d for d in teams if d != day and d in days and tags_met_by(teams[d], one)]
            if not others:
                tags.add(tag)
    for tag, count in disciplines:
        one = frozenset({tag})
        if tags_met_by(mine, one) and sum(tags_met_by(t, one) for t in teams.values()) <= count:
            tags.add(tag)
    return frozenset(tags)


def _day_cost(schedule: Schedule, routes: list[Route]) -> int:
    cost = 0
    for route in routes:
        cost += schedule.route_travel(route) * WEIGHTS.travel_minute
        cost += sum(
            WEIGHTS.non_itt_visit for s in route.slots if not schedule.in_itt(route.staff.id, s.client)
        )
    return cost


def route_day(
    schedule: Schedule, day: int, time_limit: float, seed: int, iterations: int | None = None
) -> bool:
    """Solve one day's routing; apply it when it is feasible and cheaper. True if applied."""
    problem: Problem = schedule.problem
    clients = schedule.clients
    routes = [r for (_, d), r in sorted(schedule.routes.items()) if d == day]
    index = {r.staff.id: i for i, r in enumerate(routes)}
    vehicles = tuple(
        Vehicle(
            depot=r.staff.location,
            tw_early=r.earliest_visit if r.earliest_visit > r.window.start else r.window.start,
            tw_late=r.window.end,
            capacity=r.staff.max_visits_per_day,
        )
        for r in routes
    )
    stops: list[Stop] = []
    owners: list[tuple[str, tuple[str, ...]]] = []  # (client, fixed staff or ())
    initial: dict[int, list[RouteStop]] = {i: [] for i in range(len(routes))}
    others_seen: dict[str, set[str]] = {}
    for cid, by_day in sorted(schedule.visits.items()):
        if day not in by_day:
            continue
        staff, start, _, _ = by_day[day]
        client = clients[cid]
        fixed = client.paired or (cid, day) in schedule.pinned or any(s not in index for s in staff)
        if fixed:
            for sid in staff:
                if sid not in index:
                    continue
                stops.append(
                    Stop(
                        location=client.location,
                        service=client.visit_minutes,
                        windows=((start, start),),
                        allowed=frozenset({index[sid]}),
                    )
                )
                owners.append((cid, (sid,)))
                initial[index[sid]].append(RouteStop(len(stops) - 1, start))
            continue
        tags = _protected_tags(schedule, client, day)
        seen = {s for d, v in by_day.items() if d != day for s in v[0]}
        others_seen[cid] = seen
        allowed = frozenset(
            i
            for i, r in enumerate(routes)
            if schedule.can_serve(r.staff, client, day) and tags_met_by([r.staff], tags)
        )
        want = problem.policy.team_approach_min_staff
        extra = []
        for i in sorted(allowed):
            sid = routes[i].staff.id
            cost = 0 if sid == staff[0] else HANDOVER
            if not schedule.in_itt(sid, cid):
                cost += WEIGHTS.non_itt_visit
            if len(seen | {sid}) < min(want, len(by_day)):
                cost += WEIGHTS.team_approach_missing
            if cost:
                extra.append((i, cost))
        windows = tuple(
            (w.start, w.end - client.visit_minutes)
            for w in client.availability.get(day, ())
            if w.end - w.start >= client.visit_minutes
        )
        stops.append(
            Stop(
                location=client.location,
                service=client.visit_minutes,
                windows=windows,
                allowed=allowed,
                extra_cost=tuple(extra),
            )
        )
        owners.append((cid, ()))
        initial[index[staff[0]]].append(RouteStop(len(stops) - 1, start))
    if not stops:
        return False
    instance = RoutingInstance(
        distance=problem.travel,
        duration=problem.travel,
        stops=tuple(stops),
        vehicles=vehicles,
    )
    warm = tuple(
        EngineRoute(vehicle=v, stops=tuple(sorted(rs, key=lambda s: s.start)))
        for v, rs in initial.items()
        if rs
    )
    if time_limit <= 0:
        return False
    result = solve_routing(
        instance, time_limit=time_limit, seed=seed, initial=warm, max_iterations=iterations
    )
    if not result.feasible or result.dropped:
        return False
    before = _day_cost(schedule, routes)
    new_slots: dict[int, list[Slot]] = {i: [] for i in range(len(routes))}
    assigned: dict[str, list[tuple[str, int]]] = {}
    for route in result.routes:
        for rs in route.stops:
            cid, _ = owners[rs.stop]
            client = clients[cid]
            new_slots[route.vehicle].append(
                Slot(cid, client.location, rs.start, rs.start + client.visit_minutes)
            )
            assigned.setdefault(cid, []).append((routes[route.vehicle].staff.id, rs.start))
    old = {i: r.slots for i, r in enumerate(routes)}
    for i, r in enumerate(routes):
        r.slots = sorted(new_slots[i], key=lambda s: s.start)
    after = _day_cost(schedule, routes)
    if after >= before:
        for i, r in enumerate(routes):
            r.slots = old[i]
        return False
    for cid, placed in assigned.items():
        staff_ids = tuple(sorted(s for s, _ in placed))
        _, _, _, purpose = schedule.visits[cid][day]
        start = placed[0][1]
        schedule.visits[cid][day] = (staff_ids, start, start + clients[cid].visit_minutes, purpose)
    return True
