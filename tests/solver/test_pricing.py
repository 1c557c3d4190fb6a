"""Soft-goal prices: the same function prices a route for the objective, the day router
and cheapest insertion, so they cannot disagree."""

from __future__ import annotations

from solver import pricing
from solver.evaluate import penalties
from solver.plan import Caseload
from solver.problem import WEIGHTS
from solver.schedule import Schedule
from tests.support.solver_factories import make_client, make_problem, make_staff


def two_visits() -> Schedule:
    """Staff a (on both clients' ITT) and b (on neither); c1 seen by a, c2 by b on Monday."""
    problem = make_problem(
        staff=[make_staff("a"), make_staff("b")],
        clients=[make_client("c1"), make_client("c2")],
        at={"c1": (30, 40), "c2": (0, 10)},
    )
    schedule = Schedule(problem, {c.id: Caseload("a", ("a",)) for c in problem.clients}, {})
    for sid, client in (("a", problem.clients[0]), ("b", problem.clients[1])):
        route = schedule.routes[(sid, 0)]
        schedule.add_visit(client, 0, [(route, schedule.best_insertion(route, client))], None)
    return schedule


def test_route_cost_is_the_routes_terms_of_the_objective() -> None:
    """A route costs its travel and its non-ITT visits, as the plan's penalties count them."""
    schedule = two_visits()
    a, b = schedule.routes[("a", 0)], schedule.routes[("b", 0)]
    assert pricing.route_cost(schedule, a) == 100 * WEIGHTS.travel_minute
    assert pricing.route_cost(schedule, b) == 20 * WEIGHTS.travel_minute + WEIGHTS.non_itt_visit
    terms = penalties(schedule, [], 0)
    priced = sum(t.cost for t in terms if t.goal in {"1 ITT continuity", "3 travel"})
    assert priced == sum(pricing.route_cost(schedule, r) for r in schedule.routes.values())


def test_visit_cost_is_extra_travel_plus_continuity() -> None:
    schedule = two_visits()
    client = schedule.problem.clients[0]
    assert pricing.visit_cost(schedule, client, ["a"], 7) == 7
    assert pricing.visit_cost(schedule, client, ["a", "b"], 7) == 7 + WEIGHTS.non_itt_visit


def test_reassignment_pays_handover_continuity_and_team_approach() -> None:
    """The day router's price of giving c1's visit to b instead of a."""
    schedule = two_visits()
    assert pricing.reassignment_cost(schedule, "c1", "a", "a", set(), 1) == 0
    assert pricing.reassignment_cost(schedule, "c1", "b", "a", set(), 1) == (
        pricing.HANDOVER + WEIGHTS.non_itt_visit
    )
    # Two visits, both by a: the client would meet only one staff member.
    assert pricing.reassignment_cost(schedule, "c1", "a", "a", {"a"}, 2) == WEIGHTS.team_approach_missing


def test_insertion_cost_spreads_visits_over_staff_days() -> None:
    """Cheapest insertion adds a little per visit already on the route."""
    schedule = two_visits()
    client = schedule.problem.clients[1]
    a = schedule.routes[("a", 0)]
    assert pricing.insertion_cost(schedule, client, a, 5, frozenset()) == 5 + pricing.FILLED_SLOT * 1


def test_reserve_cost_grows_with_scarcity() -> None:
    """A routine visit by the only psychiatrist costs more the more psychiatrist visits are required."""
    from solver.problem import DisciplineRequirement

    needs = make_client("n", discipline_requirements=(DisciplineRequirement("psychiatrist", 1),))
    problem = make_problem(staff=[make_staff("md", "psychiatrist", max_visits_per_day=1)], clients=[needs])
    schedule = Schedule(problem, {}, {})
    md = problem.staff[0]
    assert pricing.reserve_cost(schedule, md, frozenset({"d:psychiatrist"})) == 0
    assert pricing.reserve_cost(schedule, md, frozenset()) == int(WEIGHTS.non_itt_visit * 1 / 5)
