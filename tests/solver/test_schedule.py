"""The schedule's route rules (H3 eligibility, H6 windows, H7 travel, H8 daily limit,
H10 rest) on hand-built problems, and each rule's pair through the whole plan path."""

from __future__ import annotations

from solver.plan import Caseload
from solver.problem import DAY, Window
from solver.schedule import Insertion, Schedule, tags_met_by
from tests.support.solver_factories import (
    WEEKDAY_KEYS,
    make_client,
    make_problem,
    make_staff,
    minutes,
    rules_team_doc,
    solve_checked,
    unmet_rules,
    visits_of,
)


def schedule_for(problem, primary_by_day=None) -> Schedule:  # noqa: ANN001
    """A schedule where every client's ITT is the first staff member."""
    first = problem.staff[0].id
    caseload = {c.id: Caseload(first, (first,)) for c in problem.clients}
    return Schedule(problem, caseload, primary_by_day or {})


def test_routes_exist_for_every_working_staff_day() -> None:
    """One route per staff member and shift day; a day off has none."""
    problem = make_problem(staff=[make_staff("a"), make_staff("b", shifts={0: Window(540, 1020)})])
    routes = schedule_for(problem).routes
    assert sorted(routes) == [("a", d) for d in range(5)] + [("b", 0)]


def test_can_serve_needs_a_shift_no_exclusion_and_the_language() -> None:
    """H3: off duty, excluded or without the client's language means no."""
    problem = make_problem(
        staff=[make_staff("en"), make_staff("es", languages=frozenset({"es"}))],
        clients=[make_client("c", language="es", excluded_staff=frozenset())],
    )
    schedule = schedule_for(problem)
    speaker, other = problem.staff[1], problem.staff[0]
    client = problem.clients[0]
    assert schedule.can_serve(speaker, client, 0)
    assert not schedule.can_serve(other, client, 0)
    assert not schedule.can_serve(speaker, client, 5)
    excluded = make_problem(
        staff=[make_staff("a")], clients=[make_client("c", excluded_staff=frozenset({"a"}))]
    )
    assert not schedule_for(excluded).can_serve(excluded.staff[0], excluded.clients[0], 0)


def test_insertions_start_inside_the_window_after_travel() -> None:
    """H6, H7: the first start is the later of the window's opening and shift start + travel."""
    problem = make_problem(
        staff=[make_staff("a")],
        clients=[make_client("c")],
        at={"a": (0, 0), "c": (90, 0)},
    )
    schedule = schedule_for(problem)
    route = schedule.routes[("a", 0)]
    (ins,) = schedule.insertions(route, problem.clients[0])
    # Shift from 08:30, 90 minutes away: 10:00, later than the 09:00 window opening.
    assert ins == Insertion(position=0, start=minutes("10:00"), travel_delta=180)


def test_a_visit_longer_than_every_window_has_no_insertion() -> None:
    """H6: a 30-minute window never holds a 60-minute visit."""
    client = make_client("c", availability={0: (Window(minutes("09:00"), minutes("09:30")),)})
    problem = make_problem(staff=[make_staff("a")], clients=[client])
    schedule = schedule_for(problem)
    assert schedule.insertions(schedule.routes[("a", 0)], problem.clients[0]) == []


def test_the_daily_limit_closes_a_route() -> None:
    """H8: a route holding max_visits_per_day visits takes no more."""
    problem = make_problem(
        staff=[make_staff("a", max_visits_per_day=1)], clients=[make_client("c1"), make_client("c2")]
    )
    schedule = schedule_for(problem)
    route = schedule.routes[("a", 0)]
    c1, c2 = problem.clients
    schedule.add_visit(c1, 0, [(route, schedule.best_insertion(route, c1))], None)
    assert schedule.insertions(route, c2) == []


def test_last_nights_primary_starts_after_the_rest_time() -> None:
    """H10 rest: the primary on call overnight gets no visit before 10:00 the next day."""
    problem = make_problem(staff=[make_staff("a")], clients=[make_client("c")])
    schedule = schedule_for(problem, primary_by_day={0: "a"})
    assert schedule.routes[("a", 0)].earliest_visit == minutes("08:30")
    assert schedule.routes[("a", 1)].earliest_visit == DAY + minutes("10:00")
    ins = schedule.best_insertion(schedule.routes[("a", 1)], problem.clients[0])
    assert ins is not None and ins.start == DAY + minutes("10:00")


def test_add_and_remove_visit_keep_routes_and_visits_in_step() -> None:
    """A pair's visit sits on both routes at one time; removing it clears both."""
    problem = make_problem(staff=[make_staff("a"), make_staff("b")], clients=[make_client("c", paired=True)])
    schedule = schedule_for(problem)
    client = problem.clients[0]
    ra, rb = schedule.routes[("a", 2)], schedule.routes[("b", 2)]
    at = 2 * DAY + minutes("09:00")
    schedule.add_visit(
        client,
        2,
        [(ra, schedule.insertions(ra, client, at)[0]), (rb, schedule.insertions(rb, client, at)[0])],
        None,
    )
    assert schedule.visits["c"][2] == (("a", "b"), at, at + 60, None)
    assert [s.start for s in ra.slots] == [s.start for s in rb.slots] == [at]
    schedule.remove_visit("c", 2)
    assert schedule.visits["c"] == {} and ra.slots == [] and rb.slots == []


def test_route_travel_and_staff_minutes() -> None:
    """Travel is home → visits → home; the workload adds the visit minutes."""
    problem = make_problem(staff=[make_staff("a")], clients=[make_client("c")], at={"c": (30, 40)})
    schedule = schedule_for(problem)
    route = schedule.routes[("a", 0)]
    client = problem.clients[0]
    schedule.add_visit(client, 0, [(route, schedule.best_insertion(route, client))], None)
    assert schedule.route_travel(route) == 100
    assert schedule.staff_minutes("a") == 160


def test_tags_met_by_a_team_together() -> None:
    """A pair brings a requirement when either member has the discipline or skill."""
    nurse = make_staff("rn", "nurse", skills=frozenset({"lai_injection"}))
    cm = make_staff("cm")
    tags = frozenset({"d:case_manager", "k:lai_injection"})
    assert tags_met_by([nurse, cm], tags)
    assert not tags_met_by([cm], tags)
    assert tags_met_by([cm], frozenset())


def test_h3_holds_language_exclusion_and_shifts(good):
    """Hard H3: the Spanish speaker is seen by Spanish speakers; excluded staff never visit."""
    doc, _ = good
    assert {s for v in visits_of(doc, "c-2") for s in v["staff"]} <= {"s-rn1"}
    assert all("s-cm2" not in v["staff"] for v in visits_of(doc, "c-6"))


def test_h3_broken_no_speaker_at_work():
    """With the only Spanish speaker on leave all week, the client's visits are unmet, not given to others."""
    doc = rules_team_doc()
    doc["staff"][0]["leave"] = [{"start": "2026-11-30T00:00", "end": "2026-12-07T00:00"}]
    doc["staff"][0]["on_call_roles"] = []
    out, _ = solve_checked(doc)
    assert visits_of(out, "c-2") == []
    assert "H1" in unmet_rules(out, "c-2")


def test_h6_holds_visits_inside_windows(good):
    """Hard H6: the paired client's visits lie inside 10:00–15:00 and last 45 minutes."""
    doc, _ = good
    for v in visits_of(doc, "c-5"):
        assert "10:00" <= v["start"] and v["end"] <= "15:00"


def test_h6_broken_window_shorter_than_the_visit():
    """A 30-minute window cannot hold a 45-minute visit: reported, never squeezed."""
    doc = rules_team_doc()
    doc["clients"][3]["availability"] = {d: [["09:00", "09:30"]] for d in WEEKDAY_KEYS}
    out, _ = solve_checked(doc)
    assert visits_of(out, "c-4") == []
    assert "H1" in unmet_rules(out, "c-4")


def test_h7_holds_routes_leave_time_to_travel(good):
    """Hard H7: the checker finds no route where travel does not fit (it ran in ``plan``)."""
    _, violations = good
    assert not any(v.rule == "H7" for v in violations)


def test_h7_broken_client_too_far_to_reach():
    """A client five hours' drive away cannot be reached inside a shift: reported as unmet."""
    doc = rules_team_doc()
    doc["clients"][0]["home"] = {"lat": 43.2, "lon": -87.65}
    out, _ = solve_checked(doc)
    assert visits_of(out, "c-1") == []
    assert "H1" in unmet_rules(out, "c-1")


def test_h8_holds_psychiatrist_limit(good):
    """Hard H8: nobody exceeds max_visits_per_day."""
    doc, _ = good
    per_day: dict[tuple[str, str], int] = {}
    for v in doc["visits"]:
        for s in v["staff"]:
            per_day[(s, v["date"])] = per_day.get((s, v["date"]), 0) + 1
    assert all(n <= 4 for (s, _), n in per_day.items() if s == "s-md1")


def test_h8_broken_limit_of_one_visit_a_day():
    """With one visit a day per staff member, the team's 17 visits cannot all fit: unmet, limit kept."""
    doc = rules_team_doc()
    for member in doc["staff"]:
        member["max_visits_per_day"] = 1
    out, violations = solve_checked(doc)
    assert out["unmet"]
    assert not any(v.rule == "H8" for v in violations)
