"""The roster inside ``solve`` (Part B) and the greedy baseline roster: shifts for everyone in
the plan, visits inside the rostered shifts, the Part B metrics, and nothing changed without
a roster."""

from __future__ import annotations

from solver import SolveParams, solve
from solver.contracts import contract_unmet
from solver.demand import visit_demand
from solver.problem import DAY, ShiftRequest
from solver.roster_greedy import build_greedy_roster
from tests.solver.roster_factories import BREAKS, contract, need, option, options, team, weekday_needs, worked
from tests.support.solver_factories import make_client, make_problem, make_staff, shift

PARAMS = SolveParams(time_limit=2, greedy_only=True)


def evening_team():
    evening = make_client(
        "e1", visits_per_week=2, availability={d: (shift(d, "17:00", "20:00"),) for d in (1, 3)}
    )
    daytime = make_client("d1", visits_per_week=2)
    return team(
        {"c1": contract(minutes=(0, 2400), requests=(ShiftRequest(4),))},
        fixed=[make_staff("f1")],
        clients=[evening, daytime],
        coverage=tuple(need(d, "08:30", "17:00") for d in range(5)),
    )


def test_solve_rosters_then_fills_the_shifts() -> None:
    """The plan carries every working staff member's shifts (fixed ones with type None), every
    visit lies inside its staff member's rostered shift, and the evening client is seen."""
    plan = solve(evening_team(), PARAMS)

    by_staff = {(s.staff, s.day): s for s in plan.shifts}
    assert {s.type for s in plan.shifts if s.staff == "f1"} == {None}
    assert {s.type for s in plan.shifts if s.staff == "c1"} <= {"day", "late"}
    for v in plan.visits:
        for sid in v.staff:
            s = by_staff[sid, v.day]
            assert s.start <= v.start and v.end <= s.end
    assert len([v for v in plan.visits if v.client == "e1"]) == 2
    assert not [u for u in plan.unmet if u.rule == "H1"]


def test_part_b_metrics() -> None:
    """coverage_minutes_short 0 when H17 holds, requests_honoured_share, team_meeting_days."""
    plan = solve(evening_team(), PARAMS)

    assert plan.metrics["coverage_minutes_short"] == 0
    assert plan.metrics["requests_honoured_share"] == 1.0
    assert plan.metrics["team_meeting_days"] == 0


def test_coverage_short_is_a_metric_and_unmet() -> None:
    plan = solve(team({"c1": contract()}, coverage=(need(0, "17:00", "20:00", staff=2),)), PARAMS)

    assert plan.metrics["coverage_minutes_short"] == 180
    assert [u.day for u in plan.unmet if u.rule == "H17"] == [0]


def test_without_a_roster_nothing_changes() -> None:
    """No Part B: no shifts, breaks or Part B metrics in the plan."""
    problem = make_problem(staff=[make_staff("s1")], clients=[make_client("a")])
    plan = solve(problem, PARAMS)

    assert plan.shifts == () and plan.breaks == ()
    assert not {"coverage_minutes_short", "requests_honoured_share", "team_meeting_days"} & set(plan.metrics)


def test_greedy_roster_covers_what_it_can_and_keeps_contracts() -> None:
    """The baseline: cheapest shift where coverage is short, contracts kept as it goes."""
    ids = ("rn1", "rn2", "cm1", "cm2", "cm3")
    problem = team(
        {sid: contract(max_consecutive=5, min_rest=660) for sid in ids},
        disciplines={"rn1": "nurse", "rn2": "nurse"},
        coverage=weekday_needs(2, nurse=1),
    )
    result = build_greedy_roster(problem)

    for sid, c in problem.roster.contracts.items():
        days = {d: option(t, d) for d, t in worked(result.shifts, sid).items()}
        assert contract_unmet(sid, c, days, BREAKS) == [u for u in result.unmet if u.staff == sid]
        assert not [u for u in result.unmet if u.rule == "H18" and "minutes" not in u.detail]


def test_greedy_roster_flag_selects_the_baseline() -> None:
    """SolveParams.greedy_roster: the plan's shifts are the greedy baseline's."""
    problem = evening_team()
    plan = solve(problem, SolveParams(time_limit=2, greedy_only=True, greedy_roster=True))

    assert plan.shifts == build_greedy_roster(problem).shifts


def test_kept_and_pinned_shifts_reach_the_plan() -> None:
    problem = team(
        {"c1": contract(options=options(("day", "late"), range(5)), minutes=(0, 2400))},
        kept={("c1", 2): option("late", 2)},
        pinned=frozenset({("c1", 2)}),
    )
    plan = solve(problem, PARAMS)

    (wednesday,) = [s for s in plan.shifts if s.day == 2]
    assert wednesday.type == "late" and wednesday.pinned
    assert wednesday.start == 2 * DAY + 11 * 60 + 30


def test_raised_demand_pulls_harder() -> None:
    """The feedback's demand: a client whose visits stayed unmet counts more in the re-roster."""
    problem = evening_team()
    plain = {d.window: d.minutes for d in visit_demand(problem) if d.window.start % DAY >= 17 * 60}
    raised = {d.window: d.minutes for d in visit_demand(problem, {"e1"}) if d.window.start % DAY >= 17 * 60}

    assert plain and all(raised[w] > plain[w] for w in plain)


def test_visits_left_unmet_feed_back_into_the_roster() -> None:
    """Feedback: four Monday clients who will not see the fixed staff member look served by him
    in the demand estimate, so the first roster sends c1 to the evening client on Tuesday and
    the four stay unmet; the re-roster with their demand raised brings c1 in on Monday, which
    leaves one visit unmet instead of four, and that plan is kept."""
    monday = [
        make_client(
            f"m{i}", excluded_staff=frozenset({"f1"}), availability={0: (shift(0, "09:00", "17:00"),)}
        )
        for i in range(4)
    ]
    evening = make_client("e1", availability={1: (shift(1, "17:00", "20:00"),)})
    problem = team(
        {"c1": contract(options=options(("day", "late"), (0, 1)), max_days=1, minutes=(0, 2400))},
        fixed=[make_staff("f1", shifts={0: shift(0)})],
        clients=[*monday, evening],
    )

    first = solve(problem, PARAMS)
    assert worked(first.shifts, "c1") == {1: "late"}
    assert len([u for u in first.unmet if u.rule == "H1"]) == 4

    plan = solve(problem, SolveParams(time_limit=2))
    assert worked(plan.shifts, "c1") == {0: "day"}
    assert sorted(u.client for u in plan.unmet if u.rule == "H1") == ["e1"]
