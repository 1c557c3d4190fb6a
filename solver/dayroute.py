"""Day routing: re-optimise all of one day's routes together with the routing engine.

The weekly decisions stay fixed (which clients are seen on which day, and the
requirements each visit serves); within the day, the engine re-sequences every
route and may hand a visit to another staff member who can legally take it
(H3, H4 tags, H8 capacity), paying the ITT penalty when that staff member is
not on the client's ITT. Paired, inpatient and pinned visits keep their staff and time,
because the engine cannot synchronise two routes.

Part B: a day's team meeting is a stop at the office fixed at its time for each staff
member whose day holds it, so the engine routes to it and away from it (H16). The engine
knows no breaks, which have no place; each break a day holds is a stop of its minutes
inside the break window at the place of the item before it today. Where the engine moves
it, it is a detour the real day does not make, so the engine's day has room for the break
(travel obeys the triangle inequality) and today's routes stay a valid start. The result
is checked on the real day (H15): a route whose visits leave no gap for the break has its
later visits started later, inside their windows, to open one; a day still without room
for a break it had is not applied, and keeps its routes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from solver import day_items
from solver.clock import Clock
from solver.day_items import OFFICE
from solver.greedy import requirement_tags
from solver.pricing import reassignment_cost, route_cost
from solver.problem import DAYS, Client
from solver.routing import Route as EngineRoute
from solver.routing import RouteStop, RoutingInstance, RoutingResult, Stop, Vehicle, solve_routing
from solver.schedule import Route, Schedule, Slot, tags_met_by

#: PyVRP iterations per second on a day of n stops is about this over sqrt(n) on
#: one core of the benchmark machine (measured 2,800/s at 60 stops, 1,500/s at
#: 240), taken a little low so the iteration budget, not the clock, ends a day.
ITERATIONS_SCALE = 15_000
#: The owner of a meeting stop in ``DayInstance.owners`` (no client has an empty id).
MEETING = ""
#: The owner of a break stop.
BREAK = "\x00break"
#: Stops that are no client's visit.
NOT_VISITS = frozenset({MEETING, BREAK})


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
        d: [staff_by_id[s] for s in v[0] if s in staff_by_id]
        for d, v in schedule.visits[client.id].items()
        if client.provides(d)
    }
    mine = teams.get(day)
    if mine is None:
        return frozenset()  # A visit kept before a re-plan with what happened provides nothing.
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


@dataclass(frozen=True)
class DayInstance:
    """One day as a routing problem: vehicle ``i`` is ``routes[i]``, stop ``j`` visits ``owners[j]``."""

    day: int
    routes: tuple[Route, ...]
    owners: tuple[str, ...]
    instance: RoutingInstance
    #: Today's routes as the engine's starting solution.
    warm: tuple[EngineRoute, ...]


def route_day(
    schedule: Schedule, day: int, time_limit: float, seed: int, iterations: int | None = None
) -> bool:
    """Solve one day's routing; apply it when it is feasible and cheaper. True if applied."""
    built = build_day(schedule, day)
    if built is None or time_limit <= 0:
        return False
    result = solve_routing(
        built.instance, time_limit=time_limit, seed=seed, initial=built.warm, max_iterations=iterations
    )
    if not result.feasible or result.dropped:
        return False
    return apply_day(schedule, built, result)


def build_day(schedule: Schedule, day: int) -> DayInstance | None:
    """The day's routing instance, or None when nobody has a visit that day.

    A staff member whose day cannot hold the meeting it should (H16, in ``part_b_unmet``:
    too far from the office, say) is left out with their visits as they are: the engine
    could not route them to it at its time either."""
    routes = tuple(
        r
        for (_, d), r in sorted(schedule.routes.items())
        if d == day and not any(u.rule == "H16" for u in schedule.part_b_problems(r))
    )
    index = {r.staff.id: i for i, r in enumerate(routes)}
    stops: list[Stop] = []
    owners: list[str] = []
    initial: dict[int, list[RouteStop]] = {i: [] for i in range(len(routes))}
    for cid, by_day in sorted(schedule.visits.items()):
        if day not in by_day:
            continue
        staff, start, _, _ = by_day[day]
        client = schedule.clients[cid]
        # An inpatient visit (H13) keeps its staff and time too: its ITT member and the
        # shift-wide window are the week step's to choose.
        fixed = client.paired or client.inpatient(day) or (cid, day) in schedule.pinned
        if fixed or any(s not in index for s in staff):
            for sid in staff:
                if sid in index:
                    stops.append(_fixed_stop(client, day, start, index[sid]))
                    owners.append(cid)
                    initial[index[sid]].append(RouteStop(len(stops) - 1, start))
            continue
        stops.append(_free_stop(schedule, client, day, routes))
        owners.append(cid)
        initial[index[staff[0]]].append(RouteStop(len(stops) - 1, start))
    if not stops:
        return None
    for i, route in enumerate(routes):
        if route.meeting is not None:
            stops.append(_meeting_stop(route.meeting.start, route.meeting.end, i))
            owners.append(MEETING)
            initial[i].append(RouteStop(len(stops) - 1, route.meeting.start))
    problem = schedule.problem
    instance = RoutingInstance(
        distance=problem.travel,
        duration=problem.travel,
        stops=tuple(stops),
        vehicles=tuple(_vehicle(r) for r in routes),
    )
    warm = tuple(
        EngineRoute(vehicle=v, stops=tuple(sorted(rs, key=lambda s: s.start)))
        for v, rs in initial.items()
        if rs
    )
    return _with_break_stops(schedule, DayInstance(day, routes, tuple(owners), instance, warm))


def _with_break_stops(schedule: Schedule, built: DayInstance) -> DayInstance:
    """``built`` with a stop for each break a staff member's day holds now: the break's minutes,
    starting inside its window, for that staff member only, at the place of the item before it
    today (so today's day stays a valid start for the engine). Nothing without a break rule."""
    stops, owners = list(built.instance.stops), list(built.owners)
    warm = {r.vehicle: list(r.stops) for r in built.warm}
    for i, route in enumerate(built.routes):
        window, minutes = route.break_window, route.break_minutes
        start = schedule.break_start(route) if window is not None else None
        if window is None or start is None or schedule.part_b_problems(route):
            continue
        place = next(g.before for g in route.gaps() if g.start <= start and start + minutes <= g.end)
        stops.append(
            Stop(
                location=place,
                service=minutes,
                windows=((window.start, window.end - minutes),),
                demand=0,
                allowed=frozenset({i}),
            )
        )
        owners.append(BREAK)
        warm.setdefault(i, []).append(RouteStop(len(stops) - 1, start))
    if len(stops) == len(built.instance.stops):
        return built
    instance = replace(built.instance, stops=tuple(stops))
    routes = tuple(
        EngineRoute(vehicle=v, stops=tuple(sorted(rs, key=lambda s: s.start)))
        for v, rs in sorted(warm.items())
    )
    return replace(built, owners=tuple(owners), instance=instance, warm=routes)


def _vehicle(route: Route) -> Vehicle:
    """A staff member's day: from their start location, within their shift (later after on call)."""
    return Vehicle(
        depot=route.staff.location,
        tw_early=route.earliest_visit if route.earliest_visit > route.window.start else route.window.start,
        tw_late=route.window.end,
        capacity=route.staff.max_visits_per_day,
    )


def _fixed_stop(client: Client, day: int, start: int, vehicle: int) -> Stop:
    """A paired, inpatient or pinned visit (or one whose staff does not work today): kept as it is."""
    return Stop(
        location=client.location_on(day),
        service=client.visit_minutes,
        windows=((start, start),),
        allowed=frozenset({vehicle}),
    )


def _meeting_stop(start: int, end: int, vehicle: int) -> Stop:
    """H16: the team meeting at the office, at its time, in one staff member's day; it is not a
    visit, so it takes none of the day's visit limit."""
    return Stop(
        location=OFFICE,
        service=end - start,
        windows=((start, start),),
        demand=0,
        allowed=frozenset({vehicle}),
    )


def _free_stop(schedule: Schedule, client: Client, day: int, routes: tuple[Route, ...]) -> Stop:
    """A visit any staff member working today may take who may see the client and brings
    the requirement tags only this visit provides, priced per staff member."""
    by_day = schedule.visits[client.id]
    planned = by_day[day][0][0]
    tags = _protected_tags(schedule, client, day)
    seen = {s for d, v in by_day.items() if d != day for s in v[0]}
    allowed = frozenset(
        i
        for i, r in enumerate(routes)
        if schedule.can_serve(r.staff, client, day) and tags_met_by([r.staff], tags)
    )
    extra = []
    for i in sorted(allowed):
        cost = reassignment_cost(schedule, client.id, routes[i].staff.id, planned, seen, len(by_day))
        if cost:
            extra.append((i, cost))
    windows = tuple(
        (w.start, w.end - client.visit_minutes)
        for w in client.availability.get(day, ())
        if w.end - w.start >= client.visit_minutes
    )
    return Stop(
        location=client.location,
        service=client.visit_minutes,
        windows=windows,
        allowed=allowed,
        extra_cost=tuple(extra),
    )


def apply_day(schedule: Schedule, built: DayInstance, result: RoutingResult) -> bool:
    """Write the engine's routes into the schedule if they cost less than today's. True if applied."""
    routes, clients = built.routes, schedule.clients
    before = _day_cost(schedule, routes)
    new_slots: dict[int, list[Slot]] = {i: [] for i in range(len(routes))}
    assigned: dict[str, list[tuple[str, int]]] = {}
    held = [not schedule.part_b_problems(r) for r in routes]
    for route in result.routes:
        stops = route.stops
        if held[route.vehicle]:
            roomy = _with_break_room(schedule, built, route.vehicle, stops)
            if roomy is None:
                return False
            stops = roomy
        for rs in stops:
            if built.owners[rs.stop] in NOT_VISITS:
                continue
            client = clients[built.owners[rs.stop]]
            new_slots[route.vehicle].append(
                Slot(client.id, client.location_on(built.day), rs.start, rs.start + client.visit_minutes)
            )
            assigned.setdefault(client.id, []).append((routes[route.vehicle].staff.id, rs.start))
    old = {i: r.slots for i, r in enumerate(routes)}
    for i, r in enumerate(routes):
        r.slots = sorted(new_slots[i], key=lambda s: s.start)
    # H15 (and H16 as a check): a day that held its break and meeting still holds them.
    broken = any(ok and schedule.part_b_problems(r) for ok, r in zip(held, routes, strict=True))
    if broken or _day_cost(schedule, routes) >= before:
        for i, r in enumerate(routes):
            r.slots = old[i]
        return False
    for cid, placed in assigned.items():
        staff_ids = tuple(sorted(s for s, _ in placed))
        _, _, _, purpose = schedule.visits[cid][built.day]
        start = placed[0][1]
        schedule.visits[cid][built.day] = (staff_ids, start, start + clients[cid].visit_minutes, purpose)
    return True


def _with_break_room(
    schedule: Schedule, built: DayInstance, vehicle: int, stops: tuple[RouteStop, ...]
) -> tuple[RouteStop, ...] | None:
    """H15: the engine's stops for one staff member, later where needed so the day holds its
    break: as they are when it fits, else with the stops from one gap on started as early as
    the break (and the travel) before them allows, choosing the gap that delays them least.
    None when no gap can be opened inside the stops' windows and the shift."""
    route = built.routes[vehicle]
    window, minutes = route.break_window, route.break_minutes
    if window is None or _holds_break(schedule, built, route, stops):
        return stops
    instance = built.instance
    car = instance.vehicles[vehicle]
    tt = instance.duration
    best: tuple[int, tuple[RouteStop, ...]] | None = None
    for k in range(len(stops)):
        if k:
            prev = instance.stops[stops[k - 1].stop]
            ready, where = stops[k - 1].start + prev.service, prev.location
        else:
            ready, where = car.tw_early, car.depot
        if max(ready, window.start) + minutes > window.end:
            break  # later gaps start later still
        # The gap before stop k holds the travel and the break, inside the window.
        earliest = (
            max(ready + tt[where][instance.stops[stops[k].stop].location], max(ready, window.start)) + minutes
        )
        moved = list(stops[:k])
        for rs in stops[k:]:
            stop = instance.stops[rs.stop]
            if moved and len(moved) > k:
                last = instance.stops[moved[-1].stop]
                earliest = moved[-1].start + last.service + tt[last.location][stop.location]
            start = next((max(earliest, a) for a, b in stop.windows if max(earliest, a) <= b), None)
            if start is None:
                break
            moved.append(RouteStop(rs.stop, start))
        if len(moved) < len(stops):
            continue
        last = instance.stops[moved[-1].stop]
        if moved[-1].start + last.service + tt[last.location][car.depot] > car.tw_late:
            continue
        delay = sum(m.start - rs.start for m, rs in zip(moved, stops, strict=True))
        if (best is None or delay < best[0]) and _holds_break(schedule, built, route, tuple(moved)):
            best = (delay, tuple(moved))
    return None if best is None else best[1]


def _holds_break(schedule: Schedule, built: DayInstance, route: Route, stops: tuple[RouteStop, ...]) -> bool:
    """Whether the day of these stops has a gap for the route's break (day_items' rule)."""
    assert route.break_window is not None
    slots = []
    for rs in stops:
        if built.owners[rs.stop] not in NOT_VISITS:
            stop = built.instance.stops[rs.stop]
            slots.append(Slot(built.owners[rs.stop], stop.location, rs.start, rs.start + stop.service))
    gaps = day_items.gaps(
        route.staff.location, route.window, sorted(slots, key=lambda s: s.start), route.meeting
    )
    return day_items.place_break(gaps, schedule.travel, route.break_window, route.break_minutes) is not None


def _day_cost(schedule: Schedule, routes: tuple[Route, ...]) -> int:
    return sum(route_cost(schedule, route) for route in routes)
