"""H16 the team meeting in the solver's routes (FORMATS.md Part B): every staff member whose
shift covers the meeting holds it at the office as an item of the day, no visit overlapping
it, with the travel to and from it; last night's primary is excused when the rest rule starts
their day after the meeting starts. A day that cannot hold it is in ``part_b_unmet``."""

from __future__ import annotations

from dataclasses import replace

from actplanner.checker import check
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_team
from solver import SolveParams, dayroute, solve
from solver.evaluate import objective, penalties, visits_of
from solver.greedy import fill
from solver.lns import Search
from solver.plan import Unmet, Visit
from solver.problem import Baseline, Meeting, Problem, Window
from solver.replan import apply_baseline
from solver.schedule import Insertion
from tests.solver.test_breaks import RULE, at, busy_team, day_problems, schedule_for, with_roster
from tests.support.part_b_files import CHRISTMAS_WEEK, doc_b
from tests.support.solver_factories import make_client, make_policy, make_problem, make_staff, minutes

MONDAY = (Meeting(Window(at(0, "08:30"), at(0, "09:15"))),)
WEEKDAYS = tuple(Meeting(Window(at(d, "08:30"), at(d, "09:15"))) for d in range(5))


def early() -> dict[int, Window]:
    """Shifts 08:00-17:00 Monday to Friday: time to reach an 08:30 meeting."""
    return {d: Window(at(d, "08:00"), at(d, "17:00")) for d in range(5)}


def office_trip(visit_minutes: int) -> Problem:
    """a starts 10 minutes from the office; c lives where a starts, open 08:00-12:00 Monday."""
    client = make_client(
        "c", visit_minutes=visit_minutes, availability={0: (Window(at(0, "08:00"), at(0, "12:00")),)}
    )
    plain = make_problem(
        staff=[make_staff("a", shifts=early())], clients=[client], at={"a": (0, 10), "c": (0, 10)}
    )
    return with_roster(plain, rule=None, meetings=MONDAY)


# -- holds ----------------------------------------------------------------------------


def test_a_visit_before_the_meeting_leaves_the_trip_to_the_office() -> None:
    """30 minutes from 08:00 ends 08:30, too late for an 08:30 meeting 10 minutes away: the
    visit goes after it (09:15 + 10 minutes' drive); 20 minutes fit before it."""
    problem = office_trip(30)
    schedule = schedule_for(problem)
    route = schedule.routes[("a", 0)]
    assert route.meeting == MONDAY[0].window
    assert schedule.insertions(route, problem.clients[0]) == [Insertion(0, at(0, "09:25"), 0)]
    short = office_trip(20)
    schedule = schedule_for(short)
    route = schedule.routes[("a", 0)]
    assert schedule.insertions(route, short.clients[0]) == [
        Insertion(0, at(0, "08:00"), 0),
        Insertion(0, at(0, "09:25"), 0),
    ]
    without = replace(short, roster=None)
    assert schedule_for(without).insertions(schedule_for(without).routes[("a", 0)], short.clients[0]) == [
        Insertion(0, at(0, "08:00"), 0)
    ]


def test_no_visit_overlaps_the_meeting() -> None:
    """A visit asked for at 08:45 is refused on a meeting day, and allowed the day after."""
    client = make_client("c", availability={d: (Window(at(d, "08:00"), at(d, "17:00")),) for d in range(2)})
    problem = with_roster(
        make_problem(staff=[make_staff("a", shifts=early())], clients=[client]), meetings=MONDAY
    )
    schedule = schedule_for(problem)
    c = problem.clients[0]
    assert schedule.insertions(schedule.routes[("a", 0)], c, at=at(0, "08:45")) == []
    assert schedule.insertions(schedule.routes[("a", 1)], c, at=at(1, "08:45")) != []


def test_the_days_travel_counts_the_legs_to_the_office() -> None:
    """Start → office → visit → start: 10 + 10 + 0; a meeting day without visits is 20."""
    problem = office_trip(30)
    schedule = schedule_for(problem)
    route = schedule.routes[("a", 0)]
    assert schedule.route_travel(route) == 20
    c = problem.clients[0]
    schedule.add_visit(c, 0, [(route, schedule.best_insertion(route, c))], None)  # type: ignore[list-item]
    assert schedule.route_travel(route) == 20
    assert schedule.routes[("a", 1)].meeting is None and schedule.route_travel(schedule.routes[("a", 1)]) == 0
    assert day_problems(schedule) == [] and schedule.part_b_unmet() == []


def test_everyone_whose_shift_covers_the_meeting_attends() -> None:
    """b starts at 09:00, after the meeting starts: not expected, not attending, no H16."""
    late = {0: Window(at(0, "09:00"), at(0, "17:00"))}
    staff = [make_staff("a", shifts=early()), make_staff("b", shifts=late), make_staff("c", shifts=early())]
    problem = with_roster(make_problem(staff=staff), meetings=MONDAY)
    schedule = schedule_for(problem)
    assert schedule.meeting_attendance() == {0: ("a", "c")}
    assert schedule.part_b_unmet() == []


def test_last_nights_primary_is_excused_when_rest_runs_past_the_meeting() -> None:
    """a was primary on call Sunday night: with rest until 10:00 a skips Monday's 08:30 meeting
    (and may visit from 10:00); with rest until 08:00 a attends."""
    staff = [make_staff("a", shifts=early()), make_staff("b", shifts=early())]
    rested = with_roster(make_problem(staff=staff), rule=None, meetings=WEEKDAYS)
    schedule = schedule_for(rested, primary_by_day={-1: "a"})
    assert schedule.routes[("a", 0)].meeting is None
    assert schedule.routes[("a", 0)].earliest_visit == at(0, "10:00")
    assert schedule.meeting_attendance()[0] == ("b",)
    assert schedule.meeting_attendance()[1] == ("a", "b")
    assert schedule.part_b_unmet() == []
    assert day_problems(schedule, primary_by_day={-1: "a"}) == []
    soon = replace(rested, policy=make_policy(rest_next_day_start=minutes("08:00")))
    schedule = schedule_for(soon, primary_by_day={-1: "a"})
    assert schedule.meeting_attendance()[0] == ("a", "b")


def test_a_whole_week_keeps_every_meeting_and_break() -> None:
    """Greedy, ruin and recreate, the day router and a re-plan on a busy team with a meeting
    every weekday and the break rule: every day holds both, everyone attends."""
    base = busy_team()
    # From 07:45: the farthest start is 31 minutes from the office.
    shifts = {d: Window(at(d, "07:45"), at(d, "17:00")) for d in range(5)}
    base = replace(base, staff=tuple(replace(s, shifts=shifts) for s in base.staff))
    problem = with_roster(base, rule=RULE, meetings=WEEKDAYS)
    schedule = schedule_for(problem)
    unmet: dict[str, list[Unmet]] = {c.id: [] for c in problem.clients}
    for u in fill(schedule, problem.clients):
        unmet[u.client or ""].append(u)
    assert day_problems(schedule) == [] and schedule.part_b_unmet() == []

    def cost() -> int:
        return objective(
            penalties(schedule, [], 0), [u for i in unmet.values() for u in i], problem, schedule
        )

    search = Search(schedule, unmet, cost, range(7), 0)
    for _ in range(60):
        search.step(10.0)
    search.finish()
    assert day_problems(schedule) == [] and schedule.part_b_unmet() == []
    applied = [dayroute.route_day(schedule, day, 30.0, 0, 300) for day in range(5)]
    assert any(applied)  # the router still improves days with the meeting in them
    assert day_problems(schedule) == [] and schedule.part_b_unmet() == []
    everyone = tuple(s.id for s in problem.staff)
    assert schedule.meeting_attendance() == {d: everyone for d in range(5)}
    baseline = Baseline(visits=tuple(visits_of(schedule)), from_day=2)
    again = replace(problem, baseline=baseline)
    replanned = schedule_for(again)
    assert apply_baseline(replanned, baseline) == []
    fill(replanned, again.clients, range(2, 7))
    assert day_problems(replanned) == [] and replanned.part_b_unmet() == []


def test_the_day_router_sees_the_meeting_as_a_fixed_office_stop() -> None:
    """One stop per attendee at the office, at the meeting's time, for that staff member only,
    taking none of the day's visit limit."""
    problem = office_trip(30)
    schedule = schedule_for(problem)
    route = schedule.routes[("a", 0)]
    c = problem.clients[0]
    schedule.add_visit(c, 0, [(route, schedule.best_insertion(route, c))], None)  # type: ignore[list-item]
    built = dayroute.build_day(schedule, 0)
    assert built is not None
    assert built.owners == ("c", dayroute.MEETING)
    meeting = built.instance.stops[1]
    assert (meeting.location, meeting.service, meeting.windows, meeting.allowed, meeting.demand) == (
        0,
        45,
        ((at(0, "08:30"), at(0, "08:30")),),
        frozenset({0}),
        0,
    )


def test_a_replan_moves_a_kept_visit_out_of_the_meeting() -> None:
    """A baseline visit at 08:45 Monday (planned before the meeting) is not kept where it
    was: the re-plan places it again clear of the meeting, and nothing is reported."""
    client = make_client("c", availability={0: (Window(at(0, "08:00"), at(0, "17:00")),)})
    plain = make_problem(staff=[make_staff("a", shifts=early())], clients=[client])
    old = Visit("c", ("a",), 0, at(0, "08:45"), at(0, "09:45"))
    problem = with_roster(replace(plain, baseline=Baseline(visits=(old,))), meetings=MONDAY)
    schedule = schedule_for(problem)
    assert problem.baseline is not None
    assert apply_baseline(schedule, problem.baseline) == []
    assert schedule.visits["c"] == {}
    assert fill(schedule, problem.clients) == []
    staff, start, end, _ = schedule.visits["c"][0]
    assert staff == ("a",) and (end <= at(0, "08:30") or start >= at(0, "09:15"))
    assert schedule.part_b_unmet() == [] and day_problems(schedule) == []


# -- broken ---------------------------------------------------------------------------


def test_a_start_too_far_from_the_office_is_reported() -> None:
    """a starts 20 minutes from the office and the shift starts with the meeting: H16 for a
    on Monday, and a is not counted as attending."""
    problem = with_roster(
        make_problem(staff=[make_staff("a"), make_staff("b")], at={"a": (20, 0)}), meetings=MONDAY
    )
    schedule = schedule_for(problem)
    (u,) = schedule.part_b_unmet()
    assert (u.rule, u.staff, u.day, u.client) == ("H16", "a", 0, None)
    assert u.detail == (
        "a cannot reach the team meeting (08:30–09:15) on Monday at the office: the shift starts at 08:30 "
        "and the trip from their start location takes 20 minutes"
    )
    assert schedule.meeting_attendance() == {0: ("b",)}


def test_a_pinned_visit_during_the_meeting_is_reported() -> None:
    """A re-plan keeps a pinned 09:00 visit exactly: it overlaps the meeting (H16)."""
    client = make_client("c")
    plain = make_problem(staff=[make_staff("a", shifts=early())], clients=[client])
    pinned = Visit("c", ("a",), 0, at(0, "09:00"), at(0, "10:00"), pinned=True)
    problem = with_roster(replace(plain, baseline=Baseline(visits=(pinned,))), meetings=MONDAY)
    schedule = schedule_for(problem)
    assert problem.baseline is not None
    apply_baseline(schedule, problem.baseline)
    (u,) = schedule.part_b_unmet()
    assert (u.rule, u.staff, u.day) == ("H16", "a", 0)
    assert u.detail == "a's visit to c (09:00–10:00) overlaps the team meeting (08:30–09:15) on Monday"
    assert schedule.meeting_attendance() == {0: ()}
    assert any("meeting" in p for p in day_problems(schedule))


def test_a_visit_ending_too_late_to_reach_the_meeting_is_reported() -> None:
    """A kept visit ending 08:25 ten minutes from the office leaves 5 minutes for the trip."""
    client = make_client("c", visit_minutes=25)
    plain = make_problem(staff=[make_staff("a", shifts=early())], clients=[client], at={"c": (0, 10)})
    kept = Visit("c", ("a",), 0, at(0, "08:00"), at(0, "08:25"), pinned=True)
    problem = with_roster(replace(plain, baseline=Baseline(visits=(kept,))), rule=None, meetings=MONDAY)
    schedule = schedule_for(problem)
    assert problem.baseline is not None
    apply_baseline(schedule, problem.baseline)
    (u,) = schedule.part_b_unmet()
    assert u.detail == (
        "a cannot get from the visit to c (ends 08:25) to the team meeting (08:30–09:15) on Monday "
        "at the office: the trip takes 10 minutes"
    )


def test_the_plan_carries_the_breaks_and_the_meetings_it_cannot_keep() -> None:
    """Through ``solve``: a break for every long shift, every visit clear of the meeting, and
    H16 for each weekday of the staff member who starts 20 minutes from the office."""
    clients = [make_client(f"c{i}", visits_per_week=2, min_gap_days=2) for i in range(4)]
    plain = make_problem(
        staff=[make_staff("a"), make_staff("far")],
        clients=clients,
        at={"far": (20, 0), **{f"c{i}": (5 * i, 5) for i in range(4)}},
    )
    problem = with_roster(plain, meetings=WEEKDAYS)
    plan = solve(problem, SolveParams(time_limit=2.0))
    assert sorted((b.staff, b.day) for b in plan.breaks) == sorted(
        (s, d) for s in ("a", "far") for d in range(5)
    )
    assert all(at(b.day, "11:30") <= b.start and b.end <= at(b.day, "14:30") for b in plan.breaks)
    h16 = sorted((u.staff, u.day) for u in plan.unmet if u.rule == "H16")
    assert h16 == [("far", d) for d in range(5)]
    assert not [u for u in plan.unmet if u.rule == "H15"]
    for visit in plan.visits:
        meeting = WEEKDAYS[visit.day].window
        assert visit.end <= meeting.start or visit.start >= meeting.end


def test_the_whole_path_writes_breaks_and_meetings_the_checker_accepts() -> None:
    """Team file → adapter → solver → plan file → the independent checker, on the Part B test
    team (Christmas week): no H15 or H16 violation is left unexcused; s-cm2, moved to start
    10 km from the office, cannot reach the 08:30 meeting, and the plan says so day by day."""

    def far_start(doc: dict) -> None:
        doc["staff"][1]["start"] = {"lat": 41.95, "lon": -87.70}

    doc = doc_b(far_start)
    team = load_team(doc)
    plan = solve(to_problem(team, CHRISTMAS_WEEK), SolveParams(time_limit=3.0))
    out = dump_plan(to_plan_file(plan, team, CHRISTMAS_WEEK))
    report = check(doc, out)
    assert [v.message for v in report.unexcused if v.rule in ("H15", "H16")] == []
    assert out["breaks"]
    missed = sorted(u["date"] for u in out["unmet"] if u["rule"] == "H16" and u.get("staff") == "s-cm2")
    assert missed == ["2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24"]
    assert sorted(v.date for v in report.violations if v.rule == "H16") == missed
