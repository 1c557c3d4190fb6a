"""The objective as labelled terms, and the plan's metrics."""

from __future__ import annotations

from solver.evaluate import metrics, objective, penalties, visits_of, workload_per_fte
from solver.plan import Caseload, Penalty, Unmet
from solver.problem import WEIGHTS
from solver.schedule import Schedule
from tests.support.solver_factories import make_client, make_problem, make_staff


def one_visit_each() -> Schedule:
    """c1 (ITT a) is seen by b on Monday; c2 wants two visits and gets one."""
    problem = make_problem(
        staff=[make_staff("a"), make_staff("b", fte=0.5)],
        clients=[make_client("c1"), make_client("c2", visits_per_week=2)],
        at={"c1": (0, 30), "c2": (0, 10)},
    )
    schedule = Schedule(problem, {c.id: Caseload("a", ("a",)) for c in problem.clients}, {})
    for sid, client in (("b", problem.clients[0]), ("a", problem.clients[1])):
        route = schedule.routes[(sid, 0)]
        schedule.add_visit(client, 0, [(route, schedule.best_insertion(route, client))], "home visit")
    return schedule


def test_penalties_label_each_term() -> None:
    schedule = one_visit_each()
    labels = [t.label for t in penalties(schedule, [Penalty("rota", "5 fair on-call", 50)], moved=2)]
    assert labels[0] == "non-ITT visit (client=c1, day=0, staff=b)"
    assert "travel (staff=a, day=0)" in labels and "travel (staff=b, day=0)" in labels
    assert labels[-2:] == ["rota", "moved visits (2)"]


def test_objective_adds_a_missing_visit_at_the_unmet_weight() -> None:
    schedule = one_visit_each()
    terms = penalties(schedule, [], 0)
    h1 = Unmet("H1", "1 of 2 visits", "c2")
    h9 = Unmet("H9", "no prescriber")
    assert objective(terms, [h1, h9], schedule.problem, schedule) == sum(t.cost for t in terms) + 2 * (
        WEIGHTS.unmet_visit
    )


def test_metrics_and_visits() -> None:
    schedule = one_visit_each()
    figures = metrics(schedule, (), moved=None)
    assert figures["visits"] == 2 and figures["visits_required"] == 3
    assert figures["itt_share"] == 0.5
    assert figures["travel_minutes_total"] == 80
    assert "moved_visits" not in figures
    assert [v.client for v in visits_of(schedule)] == ["c1", "c2"]
    assert workload_per_fte(schedule) == {"a": 80.0, "b": 240.0}
