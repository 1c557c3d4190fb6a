"""Day routing: build a day's routing instance, solve it, apply it only when cheaper."""

from __future__ import annotations

from solver.dayroute import apply_day, build_day, route_day
from solver.plan import Caseload
from solver.routing import Route as EngineRoute
from solver.routing import RouteStop, RoutingResult
from solver.schedule import Schedule
from tests.support.solver_factories import make_client, make_problem, make_staff, minutes


def zigzag() -> Schedule:
    """Staff a sees three clients on a line in the worst order: far, near, middle."""
    problem = make_problem(
        staff=[make_staff("a"), make_staff("b")],
        clients=[
            make_client("near"),
            make_client("mid"),
            make_client("far"),
            make_client("pair", paired=True),
        ],
        at={"near": (10, 0), "mid": (20, 0), "far": (30, 0), "pair": (0, 5)},
    )
    everyone = ("a", "b")
    schedule = Schedule(problem, {c.id: Caseload("a", everyone) for c in problem.clients}, {})
    clients = schedule.clients
    route = schedule.routes[("a", 0)]
    for cid in ("far", "near", "mid"):
        schedule.add_visit(clients[cid], 0, [(route, schedule.insertions(route, clients[cid])[-1])], None)
    at = minutes("15:00")
    pair = clients["pair"]
    placed = [
        (schedule.routes[(s, 0)], schedule.insertions(schedule.routes[(s, 0)], pair, at)[-1])
        for s in everyone
    ]
    schedule.add_visit(pair, 0, placed, None)
    return schedule


def test_build_day_has_a_vehicle_per_route_and_a_stop_per_staff_visit() -> None:
    """Both staff are vehicles; the pair is two fixed stops, one per staff member."""
    schedule = zigzag()
    built = build_day(schedule, 0)
    assert built is not None
    assert [r.staff.id for r in built.routes] == ["a", "b"]
    assert sorted(built.owners) == ["far", "mid", "near", "pair", "pair"]
    fixed = [s for s, owner in zip(built.instance.stops, built.owners, strict=True) if owner == "pair"]
    assert [s.windows for s in fixed] == [((minutes("15:00"), minutes("15:00")),)] * 2
    assert sorted(next(iter(s.allowed or ())) for s in fixed) == [0, 1]


def test_build_day_is_none_for_a_day_without_visits() -> None:
    assert build_day(zigzag(), 3) is None


def test_route_day_reorders_for_less_travel_and_keeps_the_pair() -> None:
    schedule = zigzag()
    route = schedule.routes[("a", 0)]
    before = schedule.route_travel(route)
    assert route_day(schedule, 0, time_limit=30.0, seed=0, iterations=200)
    assert schedule.route_travel(route) < before
    assert schedule.visits["pair"][0][:2] == (("a", "b"), minutes("15:00"))


def test_apply_day_rejects_routes_that_cost_more() -> None:
    """Routes no cheaper than today's leave the schedule as it was."""
    schedule = zigzag()
    built = build_day(schedule, 0)
    assert built is not None
    slots = {key: list(r.slots) for key, r in schedule.routes.items()}
    same = RoutingResult(routes=built.warm, dropped=(), distance=0, cost=0, feasible=True, seconds=0.0)
    assert not apply_day(schedule, built, same)
    assert {key: r.slots for key, r in schedule.routes.items()} == slots
    assert isinstance(built.warm[0], EngineRoute) and isinstance(built.warm[0].stops[0], RouteStop)
