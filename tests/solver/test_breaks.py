"""H15 breaks in the solver's routes (FORMATS.md Part B): every insertion leaves room for the
break of a shift longer than ``after_minutes``, inside the rule's window and the shift, in a
gap that holds the travel around it; a day that cannot hold it is reported by
``Schedule.part_b_unmet``. Without a roster the routes are exactly what they were before
Part B (fixtures/small.json, digests taken before the change)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date
from pathlib import Path

from actplanner.domain.adapter import to_problem
from actplanner.domain.formats import load_team
from solver import dayroute
from solver.caseload import assign_caseload
from solver.evaluate import objective, penalties, visits_of
from solver.greedy import fill
from solver.lns import Search
from solver.oncall import build_on_call, primary_by_day
from solver.plan import Break, Caseload, Unmet, Visit
from solver.problem import DAY, Baseline, BreakRule, Meeting, Problem, Roster, Window
from solver.replan import apply_baseline, restorer
from solver.routing import Route as EngineRoute
from solver.routing import RouteStop, RoutingResult, check_routes
from solver.schedule import Insertion, Schedule
from tests.support.solver_factories import make_client, make_problem, make_staff, minutes

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
#: FORMATS.md's example rule: a shift over 6 hours has 30 minutes between 11:30 and 14:30.
RULE = BreakRule(after_minutes=360, minutes=30, window=(minutes("11:30"), minutes("14:30")))


def with_roster(
    problem: Problem, rule: BreakRule | None = RULE, meetings: tuple[Meeting, ...] = ()
) -> Problem:
    return replace(problem, roster=Roster(contracts={}, breaks=rule, meetings=meetings))


def schedule_for(problem: Problem, primary_by_day: dict[int, str] | None = None) -> Schedule:
    """Every client's ITT is every staff member, the first one primary."""
    everyone = tuple(s.id for s in problem.staff)
    return Schedule(
        problem, {c.id: Caseload(everyone[0], everyone) for c in problem.clients}, primary_by_day or {}
    )


def at(day: int, hhmm: str) -> int:
    return day * DAY + minutes(hhmm)


def day_problems(schedule: Schedule, primary_by_day: dict[int, str] | None = None) -> list[str]:
    """H15 and H16 judged from the plan's visits and breaks alone, as FORMATS.md words them
    (not from the schedule's own gaps): the independent half of every test here."""
    problem = schedule.problem
    roster = problem.roster
    assert roster is not None
    tt = problem.travel
    rest = problem.policy.rest_next_day_start
    found: list[str] = []
    breaks: dict[tuple[str, int], list[Break]] = {}
    for b in schedule.breaks():
        breaks.setdefault((b.staff, b.day), []).append(b)
    visits: dict[tuple[str, int], list[Visit]] = {}
    for v in visits_of(schedule):
        for sid in v.staff:
            visits.setdefault((sid, v.day), []).append(v)
    for staff in problem.staff:
        for day, shift in sorted(staff.shifts.items()):
            key = (staff.id, day)
            # Items: (start, end, place or None for the break, what).
            items = [
                (v.start, v.end, problem.clients_by_id[v.client].location_on(day), v.client)
                for v in visits.get(key, [])
            ]
            for m in roster.meetings:
                w = m.window
                rested = primary_by_day is not None and primary_by_day.get(day - 1) == staff.id
                exempt = rested and rest is not None and rest > w.start - day * DAY
                if w.start // DAY == day and shift.start <= w.start and w.end <= shift.end and not exempt:
                    items.append((w.start, w.end, 0, "meeting"))
            rule = roster.breaks
            mine = breaks.get(key, [])
            if rule is not None and rule.applies(shift):
                if len(mine) != 1:
                    found.append(f"{key}: {len(mine)} breaks")
                for b in mine:
                    if b.end - b.start != rule.minutes:
                        found.append(f"{key}: break of {b.end - b.start} minutes")
                    if not (day * DAY + rule.window[0] <= b.start and b.end <= day * DAY + rule.window[1]):
                        found.append(f"{key}: break outside the window")
                    items.append((b.start, b.end, None, "break"))
            elif mine:
                found.append(f"{key}: a break on a short shift")
            items.sort()
            seq = [(shift.start, shift.start, staff.location, "start"), *items]
            seq.append((shift.end, shift.end, staff.location, "end"))
            if not (shift.start <= seq[1][0] and seq[-2][1] <= shift.end):
                found.append(f"{key}: an item outside the shift")
            placed = [x for x in seq if x[2] is not None]
            for one, two in zip(placed, placed[1:], strict=False):
                between = [x for x in seq if x[2] is None and one[1] <= x[0] and x[1] <= two[0]]
                need = tt[one[2]][two[2]] + sum(x[1] - x[0] for x in between)
                if two[0] - one[1] < need:
                    found.append(
                        f"{key}: {one[3]} to {two[3]} leaves {two[0] - one[1]} minutes, needs {need}"
                    )
            for x in seq:
                if x[2] is None and any(y[2] is not None and y[0] < x[1] and x[0] < y[1] for y in seq):
                    found.append(f"{key}: the break overlaps an item")
    return found


# -- holds ----------------------------------------------------------------------------


def test_a_long_shift_gets_one_break_inside_the_window() -> None:
    """A visit-free 08:30-17:00 day has its 30 minutes at 11:30; a short shift has none."""
    problem = with_roster(
        make_problem(
            staff=[make_staff("a"), make_staff("b", shifts={0: Window(at(0, "09:00"), at(0, "14:00"))})]
        )
    )
    schedule = schedule_for(problem)
    assert schedule.routes[("b", 0)].break_minutes == 0
    assert schedule.breaks() == tuple(Break("a", d, at(d, "11:30"), at(d, "12:00")) for d in range(5))
    assert schedule.part_b_unmet() == []
    assert day_problems(schedule) == []


def test_a_visit_that_would_take_the_only_room_starts_after_the_break() -> None:
    """A four-hour visit from 11:00 would cover the whole window; it starts at 12:00 instead,
    after the break at 11:30 (and at 11:00 without a break rule)."""
    client = make_client("c", visit_minutes=240, availability={0: (Window(at(0, "11:00"), at(0, "17:00")),)})
    plain = make_problem(staff=[make_staff("a")], clients=[client])
    route = schedule_for(plain).routes[("a", 0)]
    assert schedule_for(plain).best_insertion(route, plain.clients[0]) == Insertion(0, at(0, "11:00"), 0)
    problem = with_roster(plain)
    schedule = schedule_for(problem)
    route = schedule.routes[("a", 0)]
    ins = schedule.best_insertion(route, problem.clients[0])
    assert ins == Insertion(0, at(0, "12:00"), 0)
    schedule.add_visit(problem.clients[0], 0, [(route, ins)], None)
    assert schedule.breaks()[0] == Break("a", 0, at(0, "11:30"), at(0, "12:00"))
    assert day_problems(schedule) == []


def test_the_gap_around_the_break_holds_the_travel_too() -> None:
    """Two visits 40 minutes apart by road: 11:30-12:10 holds the travel, not the break too, so
    the second (140 minutes, which would end at 14:30) moves to 12:40, the break between them."""
    window = {0: (Window(at(0, "10:30"), at(0, "15:30")),)}
    first = make_client("c1", visit_minutes=60, availability={0: (Window(at(0, "10:30"), at(0, "11:30")),)})
    second = make_client("c2", visit_minutes=140, availability=window)
    problem = with_roster(
        make_problem(
            staff=[make_staff("a")], clients=[first, second], at={"a": (0, 0), "c1": (0, 0), "c2": (40, 0)}
        )
    )
    schedule = schedule_for(problem)
    route = schedule.routes[("a", 0)]
    c1, c2 = problem.clients
    schedule.add_visit(c1, 0, [(route, schedule.best_insertion(route, c1))], None)
    ins = schedule.best_insertion(route, c2)
    # From 12:10 (11:30 + 40 minutes' travel) it would end at 14:30, the window's end.
    assert ins is not None and ins.start == at(0, "12:40")
    schedule.add_visit(c2, 0, [(route, ins)], None)
    assert day_problems(schedule) == []
    brk = schedule.breaks()[0]
    assert brk.day == 0 and at(0, "11:30") <= brk.start and brk.end <= at(0, "12:40")


def test_insertion_refuses_a_visit_leaving_no_room_for_the_break() -> None:
    """A visit filling the window from 11:30 to 14:30 cannot be placed under the rule."""
    client = make_client("c", visit_minutes=180, availability={0: (Window(at(0, "11:30"), at(0, "14:30")),)})
    plain = make_problem(staff=[make_staff("a")], clients=[client])
    assert schedule_for(plain).insertions(schedule_for(plain).routes[("a", 0)], plain.clients[0])
    problem = with_roster(plain)
    schedule = schedule_for(problem)
    assert schedule.insertions(schedule.routes[("a", 0)], problem.clients[0]) == []
    assert schedule.insertions(schedule.routes[("a", 0)], problem.clients[0], at=at(0, "11:30")) == []


def test_a_whole_week_keeps_every_break_through_the_search_and_day_routing() -> None:
    """Greedy, ruin and recreate, the day router and a re-plan on a busy team: every day that
    should have a break has one where FORMATS.md's items allow it."""
    problem = with_roster(busy_team())
    schedule = schedule_for(problem)
    unmet: dict[str, list[Unmet]] = {c.id: [] for c in problem.clients}
    for u in fill(schedule, problem.clients):
        unmet[u.client or ""].append(u)
    assert day_problems(schedule) == [] and schedule.part_b_unmet() == []

    def cost() -> int:
        found = [u for items in unmet.values() for u in items]
        return objective(penalties(schedule, [], 0), found, problem, schedule)

    search = Search(schedule, unmet, cost, range(7), 0)
    for _ in range(60):
        search.step(10.0)
    search.finish()
    assert day_problems(schedule) == [] and schedule.part_b_unmet() == []
    for day in range(5):
        dayroute.route_day(schedule, day, 30.0, 0, 300)
    assert day_problems(schedule) == [] and schedule.part_b_unmet() == []
    # A re-plan from Wednesday keeps what still fits and repairs the rest.
    baseline = Baseline(visits=tuple(visits_of(schedule)), from_day=2)
    again = replace(problem, baseline=baseline)
    replanned = schedule_for(again)
    assert apply_baseline(replanned, baseline) == []
    fill(replanned, again.clients, range(2, 7))
    assert day_problems(replanned) == [] and replanned.part_b_unmet() == []


def busy_team() -> Problem:
    """Four staff, twenty clients on a 60-minute square, visits of 45-90 minutes."""
    staff = [make_staff(f"s{i}") for i in range(4)]
    clients = [
        make_client(f"c{i:02d}", visits_per_week=2 + i % 2, visit_minutes=45 + 15 * (i % 4), min_gap_days=1)
        for i in range(20)
    ]
    where = {f"s{i}": (10 * i, 5) for i in range(4)}
    where.update({f"c{i:02d}": ((i * 37) % 60, (i * 23) % 60) for i in range(20)})
    return make_problem(staff=staff, clients=clients, at=where)


# -- broken ---------------------------------------------------------------------------


def test_a_shift_that_barely_meets_the_window_is_reported() -> None:
    """05:30-11:45 is over six hours with 15 minutes in the window: H15 for that staff and day."""
    problem = with_roster(
        make_problem(staff=[make_staff("a", shifts={1: Window(at(1, "05:30"), at(1, "11:45"))})])
    )
    schedule = schedule_for(problem)
    # Still one break, inside the shift (a team file like this is refused as an input error).
    assert schedule.breaks() == (Break("a", 1, at(1, "11:15"), at(1, "11:45")),)
    (u,) = schedule.part_b_unmet()
    assert (u.rule, u.staff, u.day, u.client) == ("H15", "a", 1, None)
    assert u.detail == (
        "a has no 30-minute break on Tuesday: "
        "the shift (05:30–11:45) leaves less than 30 minutes in the break window"
    )


def test_a_pinned_visit_over_the_window_is_reported() -> None:
    """A re-plan keeps a pinned 11:00-15:00 visit exactly: the day cannot hold its break. The
    plan still has it (30 minutes inside the window: what the checker never excuses), and
    says in unmet that its room in the day is missing (what it may excuse)."""
    client = make_client("c", visit_minutes=240, availability={0: (Window(at(0, "09:00"), at(0, "17:00")),)})
    plain = make_problem(staff=[make_staff("a")], clients=[client])
    pinned = Visit("c", ("a",), 0, at(0, "11:00"), at(0, "15:00"), pinned=True)
    problem = with_roster(replace(plain, baseline=Baseline(visits=(pinned,))))
    schedule = schedule_for(problem)
    apply_baseline(schedule, problem.baseline)  # type: ignore[arg-type]
    assert [b.day for b in schedule.breaks()] == [0, 1, 2, 3, 4]
    assert schedule.breaks()[0] == Break("a", 0, at(0, "11:30"), at(0, "12:00"))
    (u,) = schedule.part_b_unmet()
    assert (u.rule, u.staff, u.day) == ("H15", "a", 0)
    assert (
        u.detail
        == "a has no 30-minute break on Monday: no gap between 11:30–14:30 holds it and the travel around it"
    )
    assert day_problems(schedule) == ["('a', 0): the break overlaps an item"]
    # The day is reported; a visit that fits the rest of it is still placed.
    other = make_client("d", visit_minutes=60, availability={0: (Window(at(0, "09:00"), at(0, "11:00")),)})
    assert schedule.insertions(schedule.routes[("a", 0)], other) != []


def squeeze(problem: Problem) -> tuple[Schedule, dayroute.DayInstance, RoutingResult]:
    """a sees ``near`` 11:30-13:00, b sees ``far`` 13:00-14:30 (or as late as it may); the
    engine's cheaper day gives both to a back to back, 11:30-14:30, with no room for a break."""
    schedule = schedule_for(problem)
    ra, rb = schedule.routes[("a", 0)], schedule.routes[("b", 0)]
    near, far = problem.clients
    schedule.add_visit(near, 0, [(ra, schedule.insertions(ra, near, at=at(0, "11:30"))[0])], None)
    schedule.add_visit(far, 0, [(rb, schedule.insertions(rb, far, at=at(0, "13:00"))[0])], None)
    built = dayroute.build_day(schedule, 0)
    assert built is not None
    index = {owner: i for i, owner in enumerate(built.owners)}
    stops = (RouteStop(index["near"], at(0, "11:30")), RouteStop(index["far"], at(0, "13:00")))
    result = RoutingResult(
        routes=(EngineRoute(0, stops),), dropped=(), distance=0, cost=0, feasible=True, seconds=0.0
    )
    return schedule, built, result


def squeeze_team(far_until: str) -> Problem:
    """a and b, b 50 minutes from everything; ``near`` open 11:30-14:30, ``far`` 09:00 to
    ``far_until``, both 90 minutes."""
    clients = [
        make_client("near", visit_minutes=90, availability={0: (Window(at(0, "11:30"), at(0, "14:30")),)}),
        make_client("far", visit_minutes=90, availability={0: (Window(at(0, "09:00"), at(0, far_until)),)}),
    ]
    return make_problem(staff=[make_staff("a"), make_staff("b")], clients=clients, at={"b": (50, 0)})


def test_day_routing_starts_a_visit_later_to_open_the_break() -> None:
    """The engine packs far right after near (13:00); far can wait until 13:30, so it does, and
    the break takes 13:00-13:30: the cheaper day is applied."""
    schedule, built, result = squeeze(with_roster(squeeze_team("17:00")))
    assert dayroute.apply_day(schedule, built, result)
    assert [(s.client, s.start) for s in schedule.routes[("a", 0)].slots] == [
        ("near", at(0, "11:30")),
        ("far", at(0, "13:30")),
    ]
    assert schedule.visits["far"][0][:2] == (("a",), at(0, "13:30"))
    assert schedule.breaks()[0] == Break("a", 0, at(0, "13:00"), at(0, "13:30"))
    assert day_problems(schedule) == []


def test_day_routing_that_squeezes_out_the_break_is_not_applied() -> None:
    """The same cheaper day when far must end by 14:30: no gap can be opened for the break,
    so the day keeps its routes; without a break rule it is applied."""
    schedule, built, result = squeeze(squeeze_team("14:30"))
    assert dayroute.apply_day(schedule, built, result)
    schedule, built, result = squeeze(with_roster(squeeze_team("14:30")))
    assert day_problems(schedule) == []
    before = {key: list(r.slots) for key, r in schedule.routes.items()}
    assert not dayroute.apply_day(schedule, built, result)
    assert {key: r.slots for key, r in schedule.routes.items()} == before
    assert day_problems(schedule) == []


def test_the_day_router_routes_each_break_as_a_stop_where_it_is_today() -> None:
    """Each break the day holds is a stop of its minutes inside the window, for its staff
    member only, at the place of the item before it, so today's routes are a valid start."""
    problem = with_roster(squeeze_team("17:00"))
    schedule = schedule_for(problem)
    ra = schedule.routes[("a", 0)]
    near = problem.clients[0]
    schedule.add_visit(near, 0, [(ra, schedule.insertions(ra, near, at=at(0, "11:30"))[0])], None)
    built = dayroute.build_day(schedule, 0)
    assert built is not None
    assert built.owners == ("near", dayroute.BREAK, dayroute.BREAK)
    a_break, b_break = built.instance.stops[-2:]
    # a's break follows the visit to near (13:00, at near's home); b's is at home from 11:30.
    assert (a_break.location, a_break.service, a_break.windows, a_break.allowed, a_break.demand) == (
        near.location,
        30,
        ((at(0, "11:30"), at(0, "14:00")),),
        frozenset({0}),
        0,
    )
    assert (b_break.location, b_break.allowed) == (schedule.routes[("b", 0)].staff.location, frozenset({1}))
    assert check_routes(built.instance, built.warm) == ()
    assert [rs.start for r in built.warm for rs in r.stops] == [
        at(0, "11:30"),
        at(0, "13:00"),
        at(0, "11:30"),
    ]
    # The engine's day keeps both breaks' room, and is applied only if cheaper (it is not).
    assert not dayroute.route_day(schedule, 0, 30.0, 0, 200)
    assert day_problems(schedule) == []


# -- without a roster, as before --------------------------------------------------------


def small_digests(roster: Roster | None) -> list[tuple[str, int, int]]:
    """The small sample week through greedy, 300 ruin-and-recreate steps, the day router and
    a re-plan from Wednesday: a digest of the visits, the objective and the work after each."""
    team = load_team((FIXTURES / "small.json").read_text())
    problem = replace(to_problem(team, date(2026, 11, 30)), roster=roster)
    caseload, _ = assign_caseload(problem, seed=0, time_limit=1.0)
    on_call, _, terms = build_on_call(problem, seed=0, time_limit=1.0)
    schedule = Schedule(problem, caseload, primary_by_day(on_call, problem.on_call_history))
    unmet: dict[str, list[Unmet]] = {c.id: [] for c in problem.clients}
    for u in fill(schedule, problem.clients):
        unmet[u.client or ""].append(u)
    state = {"schedule": schedule, "problem": problem}

    def cost() -> int:
        found = [u for items in unmet.values() for u in items]
        return objective(penalties(state["schedule"], terms, 0), found, state["problem"], state["schedule"])

    def digest() -> tuple[str, int, int]:
        s = state["schedule"]
        rows = [list(map(str, (v.client, v.staff, v.day, v.start, v.end, v.purpose))) for v in visits_of(s)]
        return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16], cost(), s.work

    out = [digest()]
    search = Search(schedule, unmet, cost, range(7), 0)
    for _ in range(300):
        search.step(10.0)
    search.finish()
    out.append(digest())
    for day in range(7):
        dayroute.route_day(schedule, day, 60.0, 0, 400)
    out.append(digest())
    first = problem.staff[0].id
    kept = tuple(v for v in visits_of(schedule) if not (v.day == 3 and v.staff[0] == first))
    again = replace(problem, baseline=Baseline(visits=kept, from_day=2))
    schedule = Schedule(again, caseload, primary_by_day(on_call, again.on_call_history))
    state.update(schedule=schedule, problem=again)
    assert again.baseline is not None
    apply_baseline(schedule, again.baseline)
    unmet = {c.id: [] for c in again.clients}
    for u in fill(schedule, again.clients, range(2, 7)):
        unmet[u.client or ""].append(u)
    search = Search(schedule, unmet, cost, range(2, 7), 0, restore=restorer(schedule, again.baseline))
    for _ in range(50):
        search.step()
    search.finish()
    out.append(digest())
    return out


#: Taken with the code before Part B's routes (commit 3a4869b).
BEFORE = [
    ("e8390d6f91510c06", 202025, 1389),
    ("52ecd7f508f50454", 201624, 176373),
    ("ef54990375feee72", 201245, 176373),
    ("32ca84f392f5177e", 201067, 3696),
]


def test_without_a_roster_the_routes_are_as_before() -> None:
    """Same visits, objective and search effort as before Part B, step by step; a roster with
    neither breaks nor a meeting changes nothing either."""
    assert small_digests(None) == BEFORE
    assert small_digests(Roster(contracts={})) == BEFORE
