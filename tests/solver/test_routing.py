"""The routing layer: windows, restrictions, optional stops and capacity on hand instances."""

from __future__ import annotations

import pytest

from solver.routing import (
    Route,
    RouteStop,
    RoutingInstance,
    Stop,
    Vehicle,
    check_routes,
    solve_routing,
)

TIME_LIMIT = 0.3


def line(size: int) -> tuple[tuple[int, ...], ...]:
    """Locations on a line, 10 apart: distance and travel time are |i - j| × 10."""
    return tuple(tuple(10 * abs(i - j) for j in range(size)) for i in range(size))


@pytest.fixture
def two_windows() -> RoutingInstance:
    """One vehicle and one stop whose morning window is unreachable, so only the evening fits."""
    return RoutingInstance(
        distance=line(2),
        duration=line(2),
        stops=(Stop(location=1, service=5, windows=((0, 5), (100, 120))),),
        vehicles=(Vehicle(depot=0, tw_early=50, tw_late=200),),
    )


@pytest.fixture
def two_depots() -> RoutingInstance:
    """Two vehicles at opposite ends; the stop next to vehicle 0 may only be served by vehicle 1."""
    return RoutingInstance(
        distance=line(4),
        duration=line(4),
        stops=(
            Stop(location=1, service=0, windows=((0, 1000),), allowed=frozenset({1})),
            Stop(location=2, service=0, windows=((0, 1000),)),
        ),
        vehicles=(
            Vehicle(depot=0, tw_early=0, tw_late=1000),
            Vehicle(depot=3, tw_early=0, tw_late=1000),
        ),
    )


def test_alternative_windows_pick_the_feasible_one(two_windows: RoutingInstance) -> None:
    """A stop with two windows is served once, in the window the vehicle can reach."""
    result = solve_routing(two_windows, time_limit=TIME_LIMIT)

    assert result.feasible
    assert result.dropped == ()
    (route,) = result.routes
    (visit,) = route.stops
    assert 100 <= visit.start <= 120
    assert result.distance == 20


def test_allowed_forces_the_vehicle(two_depots: RoutingInstance) -> None:
    """A stop restricted to one vehicle is served by it even when another is closer."""
    result = solve_routing(two_depots, time_limit=TIME_LIMIT)

    assert result.feasible
    served_by = {visit.stop: route.vehicle for route in result.routes for visit in route.stops}
    assert served_by[0] == 1


def test_extra_cost_steers_the_vehicle(two_depots: RoutingInstance) -> None:
    """An extra cost on the nearer vehicle moves the stop to the other when that is cheaper."""
    stops = (
        Stop(location=1, service=0, windows=((0, 1000),)),
        Stop(location=2, service=0, windows=((0, 1000),), extra_cost=((1, 100),)),
    )
    instance = RoutingInstance(
        distance=two_depots.distance,
        duration=two_depots.duration,
        stops=stops,
        vehicles=two_depots.vehicles,
    )
    result = solve_routing(instance, time_limit=TIME_LIMIT)

    served_by = {visit.stop: route.vehicle for route in result.routes for visit in route.stops}
    assert served_by == {0: 0, 1: 0}
    assert result.cost == result.distance == 40


def test_impossible_required_stop_is_infeasible() -> None:
    """A required stop no vehicle can reach in time makes the result infeasible, with a reason."""
    instance = RoutingInstance(
        distance=line(3),
        duration=line(3),
        stops=(
            Stop(location=1, service=0, windows=((0, 100),)),
            Stop(location=2, service=0, windows=((0, 5),)),
        ),
        vehicles=(Vehicle(depot=0, tw_early=0, tw_late=100),),
    )
    result = solve_routing(instance, time_limit=TIME_LIMIT)

    assert not result.feasible
    assert result.violations


def test_impossible_optional_stop_is_dropped() -> None:
    """An optional stop no vehicle can reach in time is dropped and the rest stays feasible."""
    instance = RoutingInstance(
        distance=line(3),
        duration=line(3),
        stops=(
            Stop(location=1, service=0, windows=((0, 100),)),
            Stop(location=2, service=0, windows=((0, 5),), required=False, prize=1000),
        ),
        vehicles=(Vehicle(depot=0, tw_early=0, tw_late=100),),
    )
    result = solve_routing(instance, time_limit=TIME_LIMIT)

    assert result.feasible
    assert result.dropped == (1,)
    assert result.cost == result.distance + 1000


def test_forbidden_vehicle_leaves_stop_unserved_when_optional() -> None:
    """An optional stop allowed to no vehicle is dropped, never served by a forbidden one."""
    instance = RoutingInstance(
        distance=line(2),
        duration=line(2),
        stops=(
            Stop(
                location=1,
                service=0,
                windows=((0, 100),),
                required=False,
                prize=10**6,
                allowed=frozenset(),
            ),
        ),
        vehicles=(Vehicle(depot=0, tw_early=0, tw_late=1000),),
    )
    result = solve_routing(instance, time_limit=TIME_LIMIT)

    assert result.feasible
    assert result.dropped == (0,)


def test_capacity_is_respected() -> None:
    """Stops whose demand exceeds one vehicle's capacity are split over two routes."""
    instance = RoutingInstance(
        distance=line(4),
        duration=line(4),
        stops=tuple(Stop(location=i, service=0, windows=((0, 1000),), demand=3) for i in (1, 2, 3)),
        vehicles=(Vehicle(depot=0, tw_early=0, tw_late=1000, capacity=6, count=2),),
    )
    result = solve_routing(instance, time_limit=TIME_LIMIT)

    assert result.feasible
    assert len(result.routes) == 2
    assert all(len(route.stops) <= 2 for route in result.routes)


def test_warm_start_is_accepted(two_windows: RoutingInstance) -> None:
    """Given routes seed the search; their start only chooses the stop's window."""
    initial = (Route(vehicle=0, stops=(RouteStop(stop=0, start=110),)),)
    result = solve_routing(two_windows, time_limit=TIME_LIMIT, initial=initial)

    assert result.feasible
    assert result.routes[0].stops[0].stop == 0


def test_warm_start_with_unknown_stop_is_rejected(two_windows: RoutingInstance) -> None:
    """An initial route naming a stop that does not exist is refused with a plain message."""
    initial = (Route(vehicle=0, stops=(RouteStop(stop=5, start=110),)),)
    with pytest.raises(ValueError, match="does not exist"):
        solve_routing(two_windows, time_limit=TIME_LIMIT, initial=initial)


def test_no_stops_gives_empty_feasible_result() -> None:
    """With nothing to serve the result is empty and feasible, without calling the engine."""
    instance = RoutingInstance(distance=line(1), duration=line(1), stops=(), vehicles=(Vehicle(0, 0, 10),))
    result = solve_routing(instance, time_limit=TIME_LIMIT)

    assert result.feasible
    assert result.routes == ()


def test_check_routes_explains_a_late_start(two_windows: RoutingInstance) -> None:
    """The independent check names a start outside the stop's windows."""
    routes = (Route(vehicle=0, stops=(RouteStop(stop=0, start=60),)),)

    assert check_routes(two_windows, routes) == ("Stop 0 starts at 60, outside its windows.",)


def test_check_routes_accepts_a_valid_route(two_windows: RoutingInstance) -> None:
    """A route that starts in a window and returns in time has no violations."""
    routes = (Route(vehicle=0, stops=(RouteStop(stop=0, start=100),)),)

    assert check_routes(two_windows, routes) == ()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"windows": ()}, "at least one time window"),
        ({"windows": ((10, 5),)}, "ends before it starts"),
        ({"service": -1}, "Negative service"),
        ({"extra_cost": ((0, -3),)}, "Negative extra cost"),
    ],
)
def test_invalid_stop_is_rejected(kwargs: dict[str, object], message: str) -> None:
    """Stops are checked where they are built."""
    fields: dict[str, object] = {"location": 0, "service": 0, "windows": ((0, 10),)}
    with pytest.raises(ValueError, match=message):
        Stop(**{**fields, **kwargs})  # type: ignore[arg-type]


def test_instance_rejects_stop_outside_matrices() -> None:
    """A stop pointing past the matrices is refused when the instance is built."""
    with pytest.raises(ValueError, match="outside the matrices"):
        RoutingInstance(
            distance=line(2),
            duration=line(2),
            stops=(Stop(location=5, service=0, windows=((0, 10),)),),
            vehicles=(Vehicle(0, 0, 10),),
        )


def test_negative_time_limit_is_rejected(two_windows: RoutingInstance) -> None:
    """A time limit must be positive."""
    with pytest.raises(ValueError, match="Time limit"):
        solve_routing(two_windows, time_limit=0)
