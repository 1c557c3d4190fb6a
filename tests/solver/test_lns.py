"""Ruin and recreate: a step never loses the best plan; finish leaves the schedule at it."""

from __future__ import annotations

from solver.evaluate import objective, penalties
from solver.greedy import fill
from solver.lns import Search, restore, snapshot
from solver.plan import Caseload, Unmet
from solver.schedule import Schedule
from tests.support.solver_factories import make_client, make_problem, make_staff


def spread_team() -> tuple[Schedule, dict[str, list[Unmet]]]:
    clients = [make_client(f"c{i}", visits_per_week=2) for i in range(8)]
    at = {f"c{i}": (10 * (i % 4), 10 * (i // 4)) for i in range(8)} | {"b": (30, 10)}
    problem = make_problem(staff=[make_staff("a"), make_staff("b")], clients=clients, at=at)
    schedule = Schedule(problem, {c.id: Caseload("a", ("a", "b")) for c in problem.clients}, {})
    unmet: dict[str, list[Unmet]] = {c.id: [] for c in problem.clients}
    for item in fill(schedule, problem.clients):
        unmet[item.client or ""].append(item)
    return schedule, unmet


def test_snapshot_and_restore_round_trip() -> None:
    schedule, _ = spread_team()
    snap = snapshot(schedule)
    visits = {cid: dict(v) for cid, v in schedule.visits.items()}
    schedule.remove_visit("c0", next(iter(schedule.visits["c0"])))
    restore(schedule, snap)
    assert schedule.visits == visits


def test_search_never_ends_worse_than_it_started() -> None:
    schedule, unmet = spread_team()

    def cost() -> int:
        flat = [u for items in unmet.values() for u in items]
        return objective(penalties(schedule, [], 0), flat, schedule.problem, schedule)

    search = Search(schedule, unmet, cost, range(7), seed=0)
    start = search.best
    for _ in range(30):
        search.step(threshold=30.0)
    search.finish()
    assert cost() == search.best <= start
    assert all(len(schedule.visits[c.id]) == 2 for c in schedule.problem.clients)
