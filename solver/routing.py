"""Vehicle routing with time windows: an engine-agnostic model and a PyVRP engine.

The rest of the solver describes a routing problem with the frozen types below
and calls :func:`solve_routing`; only this module knows PyVRP. Times, durations
and distances are plain integers in whatever unit the caller uses (minutes for
daily routes, tenths for the Solomon benchmark). A stop's windows bound the
*start* of its service, not the arrival.
"""

from __future__ import annotations

import time
import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyvrp
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, NoImprovement, StoppingCriterion


@dataclass(frozen=True)
class Stop:
    """A place to be served once, by one vehicle, starting inside one of its windows."""

    location: int
    service: int
    windows: tuple[tuple[int, int], ...]
    demand: int = 1
    required: bool = True
    prize: int = 0
    allowed: frozenset[int] | None = None
    extra_cost: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        if self.location < 0:
            raise ValueError(f"Negative location {self.location} not understood.")
        if self.service < 0:
            raise ValueError(f"Negative service duration {self.service} not understood.")
        if not self.windows:
            raise ValueError("A stop needs at least one time window.")
        for early, late in self.windows:
            if late < early:
                raise ValueError(f"Time window ({early}, {late}) ends before it starts.")
        if self.demand < 0:
            raise ValueError(f"Negative demand {self.demand} not understood.")
        if self.prize < 0:
            raise ValueError(f"Negative prize {self.prize} not understood.")
        for vehicle, cost in self.extra_cost:
            if cost < 0:
                # Extra costs become added distance inside the engine, which
                # must stay non-negative.
                raise ValueError(f"Negative extra cost {cost} for vehicle {vehicle}.")

    def window_of(self, start: int) -> tuple[int, int] | None:
        """The first window that admits a service starting at ``start``, if any."""
        for early, late in self.windows:
            if early <= start <= late:
                return early, late
        return None

    def extra_cost_for(self, vehicle: int) -> int:
        return sum(cost for v, cost in self.extra_cost if v == vehicle)

    def allows(self, vehicle: int) -> bool:
        return self.allowed is None or vehicle in self.allowed


@dataclass(frozen=True)
class Vehicle:
    """A kind of vehicle (a staff member's day, say): depot, shift and capacity."""

    depot: int
    tw_early: int
    tw_late: int
    capacity: int | None = None
    count: int = 1

    def __post_init__(self) -> None:
        if self.depot < 0:
            raise ValueError(f"Negative depot location {self.depot} not understood.")
        if self.tw_late < self.tw_early:
            raise ValueError(f"Vehicle shift ({self.tw_early}, {self.tw_late}) ends before it starts.")
        if self.capacity is not None and self.capacity < 0:
            raise ValueError(f"Negative capacity {self.capacity} not understood.")
        if self.count < 1:
            raise ValueError(f"Vehicle count must be positive, got {self.count}.")


@dataclass(frozen=True)
class RoutingInstance:
    """Matrices indexed by location, the stops to serve and the vehicles available."""

    distance: tuple[tuple[int, ...], ...]
    duration: tuple[tuple[int, ...], ...]
    stops: tuple[Stop, ...]
    vehicles: tuple[Vehicle, ...]

    def __post_init__(self) -> None:
        size = len(self.distance)
        for name, matrix in (("distance", self.distance), ("duration", self.duration)):
            if len(matrix) != size or any(len(row) != size for row in matrix):
                raise ValueError(f"The {name} matrix must be square with {size} rows.")
            if any(value < 0 for row in matrix for value in row):
                raise ValueError(f"The {name} matrix has a negative entry.")
        if not self.vehicles:
            raise ValueError("A routing instance needs at least one vehicle.")
        for index, vehicle in enumerate(self.vehicles):
            if vehicle.depot >= size:
                raise ValueError(f"Vehicle {index} has depot {vehicle.depot} outside the matrices.")
        for index, stop in enumerate(self.stops):
            if stop.location >= size:
                raise ValueError(f"Stop {index} has location {stop.location} outside the matrices.")
            named = set(stop.allowed or ()) | {v for v, _ in stop.extra_cost}
            if any(not 0 <= v < len(self.vehicles) for v in named):
                raise ValueError(f"Stop {index} names a vehicle that does not exist.")


@dataclass(frozen=True)
class RouteStop:
    stop: int
    start: int


@dataclass(frozen=True)
class Route:
    """One vehicle's route; several routes share ``vehicle`` when its count is above one."""

    vehicle: int
    stops: tuple[RouteStop, ...]


@dataclass(frozen=True)
class RoutingResult:
    """The best routes found; ``violations`` explains, in sentences, why they are infeasible."""

    routes: tuple[Route, ...]
    dropped: tuple[int, ...]
    distance: int
    cost: int
    feasible: bool
    seconds: float
    violations: tuple[str, ...] = ()


def solve_routing(
    instance: RoutingInstance,
    *,
    time_limit: float,
    seed: int = 0,
    initial: tuple[Route, ...] | None = None,
    no_improvement: int | None = None,
    max_iterations: int | None = None,
) -> RoutingResult:
    """Route the vehicles with PyVRP for at most ``time_limit`` seconds.

    ``initial`` warm-starts the search from given routes (their start times only
    choose among a stop's windows). ``no_improvement`` also stops the search
    after that many iterations without a better solution, which lets small
    daily instances finish well before their time limit.
    """
    if time_limit <= 0:
        raise ValueError("Time limit must be positive.")
    if no_improvement is not None and no_improvement < 1:
        raise ValueError("The no-improvement limit must be positive.")
    started = time.perf_counter()
    if not instance.stops:
        return _result(instance, (), started)

    model = _PyvrpModel(instance)
    # Building the model counts against the limit, so callers can budget wall time.
    remaining = max(time_limit - (time.perf_counter() - started), 0.001)
    criteria: list[StoppingCriterion] = [MaxRuntime(remaining)]
    if no_improvement is not None:
        criteria.append(NoImprovement(no_improvement))
    if max_iterations is not None:
        # An iteration budget makes the result independent of machine load;
        # the runtime limit above stays as the hard cap.
        criteria.append(MaxIterations(max(1, max_iterations)))
    warm = model.solution(initial) if initial is not None else None
    with warnings.catch_warnings():
        # PyVRP warns when its penalties saturate on a tight fleet; the result
        # carries our own feasibility check instead, so the warning is noise.
        warnings.simplefilter("ignore", PenaltyBoundWarning)
        result = pyvrp.solve(
            model.data,
            stop=MultipleCriteria(criteria),
            seed=seed,
            collect_stats=False,
            display=False,
            initial_solution=warm,
        )
    best = result.best
    routes = model.routes(best)
    engine_violations = [] if best.is_feasible() else [_describe_engine_infeasibility(best)]
    return _result(instance, routes, started, engine_violations)


def check_routes(instance: RoutingInstance, routes: Sequence[Route]) -> tuple[str, ...]:
    """Every broken rule in ``routes``, each as a sentence; empty when they are feasible.

    This does not trust the engine: it recomputes times and loads from the
    instance's own matrices, so a result is never feasible by assertion alone.
    """
    problems: list[str] = []
    used: dict[int, int] = defaultdict(int)
    served: dict[int, int] = defaultdict(int)
    for number, route in enumerate(routes):
        if not 0 <= route.vehicle < len(instance.vehicles):
            problems.append(f"Route {number} uses vehicle {route.vehicle}, which does not exist.")
            continue
        used[route.vehicle] += 1
        problems.extend(_route_problems(instance, number, route))
        for visit in route.stops:
            served[visit.stop] += 1

    for vehicle, count in sorted(used.items()):
        available = instance.vehicles[vehicle].count
        if count > available:
            problems.append(f"Vehicle {vehicle} drives {count} routes but only {available} exist.")
    for index, stop in enumerate(instance.stops):
        if served[index] > 1:
            problems.append(f"Stop {index} is served {served[index]} times.")
        elif served[index] == 0 and stop.required:
            problems.append(f"Required stop {index} is not served.")
    return tuple(problems)


def _route_problems(instance: RoutingInstance, number: int, route: Route) -> list[str]:
    vehicle = instance.vehicles[route.vehicle]
    problems: list[str] = []
    where = vehicle.depot
    ready = vehicle.tw_early
    load = 0
    for visit in route.stops:
        if not 0 <= visit.stop < len(instance.stops):
            problems.append(f"Route {number} visits stop {visit.stop}, which does not exist.")
            return problems
        stop = instance.stops[visit.stop]
        if not stop.allows(route.vehicle):
            problems.append(f"Stop {visit.stop} may not be served by vehicle {route.vehicle}.")
        earliest = ready + instance.duration[where][stop.location]
        if visit.start < earliest:
            problems.append(
                f"Stop {visit.stop} starts at {visit.start}, before the vehicle can arrive ({earliest})."
            )
        if stop.window_of(visit.start) is None:
            problems.append(f"Stop {visit.stop} starts at {visit.start}, outside its windows.")
        load += stop.demand
        where = stop.location
        ready = visit.start + stop.service
    back = ready + instance.duration[where][vehicle.depot]
    if back > vehicle.tw_late:
        problems.append(f"Route {number} returns at {back}, after its shift ends ({vehicle.tw_late}).")
    if vehicle.capacity is not None and load > vehicle.capacity:
        problems.append(f"Route {number} carries {load}, above its capacity {vehicle.capacity}.")
    return problems


def _result(
    instance: RoutingInstance,
    routes: tuple[Route, ...],
    started: float,
    engine_violations: Sequence[str] = (),
) -> RoutingResult:
    served = {visit.stop for route in routes for visit in route.stops}
    dropped = tuple(i for i in range(len(instance.stops)) if i not in served)
    distance = sum(_route_distance(instance, route) for route in routes)
    extra = sum(
        instance.stops[visit.stop].extra_cost_for(route.vehicle) for route in routes for visit in route.stops
    )
    # The cost is what the engine minimises: travel, vehicle-specific extras
    # and the prizes forgone on optional stops left out.
    forgone = sum(instance.stops[i].prize for i in dropped if not instance.stops[i].required)
    violations = tuple(engine_violations) + check_routes(instance, routes)
    return RoutingResult(
        routes=routes,
        dropped=dropped,
        distance=distance,
        cost=distance + extra + forgone,
        feasible=not violations,
        seconds=time.perf_counter() - started,
        violations=tuple(dict.fromkeys(violations)),
    )


def _route_distance(instance: RoutingInstance, route: Route) -> int:
    depot = instance.vehicles[route.vehicle].depot
    path = [depot, *(instance.stops[v.stop].location for v in route.stops), depot]
    return sum(instance.distance[a][b] for a, b in zip(path, path[1:], strict=False))


def _describe_engine_infeasibility(solution: pyvrp.Solution) -> str:
    reasons = []
    if solution.has_time_warp():
        reasons.append(f"time windows missed by {solution.time_warp()} in total")
    if solution.has_excess_load():
        reasons.append(f"capacity exceeded by {sum(solution.excess_load())}")
    if not solution.is_complete():
        reasons.append("required stops left out")
    detail = "; ".join(reasons) or "constraints broken"
    return f"The routing engine found no feasible routes ({detail})."


class _PyvrpModel:
    """The PyVRP encoding of a routing instance, and the way back.

    PyVRP locations are the distinct depots followed by one location per stop,
    even where stops share a place: a restriction or extra cost is written into
    the matrix column of the stop's location, and must not leak to a
    neighbour at the same address. A stop with several windows becomes one
    client per window in a mutually exclusive group, so exactly one is served.
    """

    def __init__(self, instance: RoutingInstance) -> None:
        self.instance = instance
        depots = list(dict.fromkeys(v.depot for v in instance.vehicles))
        depot_index = {location: i for i, location in enumerate(depots)}
        self.stop_of_client: list[int] = []
        self.clients_of_stop: list[list[tuple[int, tuple[int, int]]]] = []

        uses_capacity = any(v.capacity is not None for v in instance.vehicles)
        # Vehicles without a capacity get one no load can exceed.
        unlimited = sum(stop.demand for stop in instance.stops)
        clients: list[pyvrp.Client] = []
        groups: list[pyvrp.ClientGroup] = []
        for index, stop in enumerate(instance.stops):
            grouped = len(stop.windows) > 1
            copies: list[tuple[int, tuple[int, int]]] = []
            for early, late in stop.windows:
                copies.append((len(clients), (early, late)))
                self.stop_of_client.append(index)
                clients.append(
                    pyvrp.Client(
                        location=len(depots) + index,
                        delivery=[stop.demand] if uses_capacity else [],
                        service_duration=stop.service,
                        tw_early=early,
                        tw_late=late,
                        prize=stop.prize,
                        # PyVRP wants the group, not its members, to carry the
                        # requirement.
                        required=stop.required and not grouped,
                        group=len(groups) if grouped else None,
                    )
                )
            if grouped:
                groups.append(pyvrp.ClientGroup([c for c, _ in copies], required=stop.required))
            self.clients_of_stop.append(copies)

        profiles = _profiles(instance)
        profile_of_vehicle = {v: p for p, vehicles in enumerate(profiles.values()) for v in vehicles}
        vehicle_types = [
            pyvrp.VehicleType(
                num_available=vehicle.count,
                capacity=[unlimited if vehicle.capacity is None else vehicle.capacity]
                if uses_capacity
                else [],
                start_depot=depot_index[vehicle.depot],
                end_depot=depot_index[vehicle.depot],
                tw_early=vehicle.tw_early,
                tw_late=vehicle.tw_late,
                profile=profile_of_vehicle[index],
            )
            for index, vehicle in enumerate(instance.vehicles)
        ]

        distances, durations = _matrices(instance, depots, profiles)
        self.data = pyvrp.ProblemData(
            # Coordinates only serve plotting; the search reads the matrices.
            locations=[pyvrp.Location(0, 0) for _ in distances[0]],
            clients=clients,
            depots=[pyvrp.Depot(location=i) for i in range(len(depots))],
            vehicle_types=vehicle_types,
            # PyVRP's stubs type a matrix's shape as int, which no ndarray matches.
            distance_matrices=distances,  # type: ignore[arg-type]
            duration_matrices=durations,  # type: ignore[arg-type]
            groups=groups,
        )

    def solution(self, routes: Sequence[Route]) -> pyvrp.Solution:
        """PyVRP's form of ``routes``, choosing for each stop the copy whose window fits."""
        encoded = []
        for route in routes:
            if not route.stops:
                continue
            if not 0 <= route.vehicle < len(self.instance.vehicles):
                raise ValueError(f"Initial route uses vehicle {route.vehicle}, which does not exist.")
            visits = []
            for visit in route.stops:
                if not 0 <= visit.stop < len(self.instance.stops):
                    raise ValueError(f"Initial route visits stop {visit.stop}, which does not exist.")
                copies = self.clients_of_stop[visit.stop]
                fitting = [c for c, (early, late) in copies if early <= visit.start <= late]
                visits.append(fitting[0] if fitting else copies[0][0])
            encoded.append(pyvrp.Route(self.data, visits, route.vehicle))
        try:
            return pyvrp.Solution(self.data, encoded)
        except RuntimeError as error:
            raise ValueError(f"Initial routes are not a valid solution: {error}.") from error

    def routes(self, solution: pyvrp.Solution) -> tuple[Route, ...]:
        """Our routes from PyVRP's, with start times from its schedule."""
        routes = []
        for route in solution.routes():
            stops = tuple(
                RouteStop(stop=self.stop_of_client[activity.idx], start=activity.start_time)
                for activity in route.schedule()
                if activity.is_client()
            )
            if stops:
                routes.append(Route(vehicle=route.vehicle_type(), stops=stops))
        return tuple(routes)


def _profiles(instance: RoutingInstance) -> dict[tuple[tuple[int, int | None], ...], list[int]]:
    """Vehicles grouped by how the stops treat them, one routing profile per group.

    A pattern lists (stop, extra cost), with None for a stop the vehicle may
    not serve; vehicles that share a pattern share a matrix, which keeps the
    number of matrices to the number of distinct restrictions, not vehicles.
    """
    patterns: dict[tuple[tuple[int, int | None], ...], list[int]] = {}
    for vehicle in range(len(instance.vehicles)):
        pattern: list[tuple[int, int | None]] = []
        for index, stop in enumerate(instance.stops):
            if not stop.allows(vehicle):
                pattern.append((index, None))
            elif extra := stop.extra_cost_for(vehicle):
                pattern.append((index, extra))
        patterns.setdefault(tuple(pattern), []).append(vehicle)
    return patterns


def _matrices(
    instance: RoutingInstance,
    depots: list[int],
    profiles: dict[tuple[tuple[int, int | None], ...], list[int]],
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Distance and duration matrices per profile over PyVRP's locations (depots, then stops)."""
    places = np.array(depots + [stop.location for stop in instance.stops])
    base_distance = np.asarray(instance.distance, dtype=np.int64)[np.ix_(places, places)]
    base_duration = np.asarray(instance.duration, dtype=np.int64)[np.ix_(places, places)]
    forbidden_distance, forbidden_duration = _prohibitive(instance)
    distances: list[np.ndarray] = []
    durations: list[np.ndarray] = []
    for pattern in profiles:
        distance = base_distance.copy()
        duration = base_duration.copy()
        # Everything that reaches a stop pays its extra, so the column carries it.
        for stop_index, extra in pattern:
            column = len(depots) + stop_index
            if extra is None:
                distance[:, column] = forbidden_distance
                duration[:, column] = forbidden_duration
            else:
                distance[:, column] += extra
            distance[column, column] = 0
            duration[column, column] = 0
        distances.append(distance)
        durations.append(duration)
    return distances, durations


def _prohibitive(instance: RoutingInstance) -> tuple[int, int]:
    """Distance and duration large enough that no route through them can pay off.

    The duration exceeds every shift, so a forbidden vehicle always returns
    late (infeasible, not merely expensive); the distance exceeds any route's
    worth of travel, extras and prizes, so the search also stops trying.
    Both stay far from int64 limits once PyVRP multiplies them by penalties.
    """
    shift = max(v.tw_late for v in instance.vehicles) - min(v.tw_early for v in instance.vehicles)
    longest = max(max(row) for row in instance.duration)
    duration = shift + longest + 1
    farthest = max(max(row) for row in instance.distance)
    worth = sum(stop.prize + sum(c for _, c in stop.extra_cost) for stop in instance.stops)
    distance = (len(instance.stops) + 2) * farthest + worth + 1
    return distance, duration
