"""The on-call rota with history (FORMATS.md, version 2): fair shares over weeks, in
proportion to FTE and only of the periods each could hold, and H10 across the boundary."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from solver import SolveParams, solve
from solver.oncall import build_on_call, carried_run, period, primary_by_day
from solver.plan import OnCallPeriod
from solver.problem import DAY, DAYS, OnCallHistory, OnCallRole, Problem, Window
from tests.support.solver_factories import make_client, make_policy, make_problem, make_staff, minutes

TIME_LIMIT = 0.5
PRIMARY_ONLY = (OnCallRole("primary", frozenset({"case_manager"})),)


def primaries(*ids: str, max_consecutive: int = 2, **policy: object) -> Problem:
    return make_problem(
        staff=[make_staff(sid, on_call_roles=frozenset({"primary"})) for sid in ids],
        policy=make_policy(on_call_roles=PRIMARY_ONLY, max_consecutive=max_consecutive, **policy),
    )


def past_week(holders: list[str], weeks_ago: int = 1, handoff: int = minutes("08:30")) -> list[OnCallPeriod]:
    """Primary periods of an earlier week, Monday first, in this week's minutes."""
    first = -weeks_ago * DAYS
    return [
        OnCallPeriod("primary", sid, (first + d) * DAY + handoff, (first + d + 1) * DAY + handoff)
        for d, sid in enumerate(holders)
    ]


def counts(periods: tuple[OnCallPeriod, ...], days: range | list[int] = range(DAYS)) -> Counter[str]:
    return Counter(p.staff for p in periods if p.role == "primary" and p.start // DAY in days)


def test_staff_who_held_the_last_weeks_take_none_this_week() -> None:
    """Goal 5 with history: a and b held all 14 periods of the last two weeks, so c and d
    take this week's; without history a and b would take their even share."""
    problem = primaries("a", "b", "c", "d")
    history = OnCallHistory(
        periods=tuple(
            past_week(["a", "a", "b", "b", "a", "a", "b"], 2) + past_week(["b", "a", "a", "b", "b", "a", "a"])
        )
    )
    with_history, unmet, _ = build_on_call(replace(problem, on_call_history=history), time_limit=TIME_LIMIT)
    without, _, _ = build_on_call(problem, time_limit=TIME_LIMIT)

    assert unmet == []
    assert set(counts(with_history)) == {"c", "d"}
    assert counts(without)["a"] + counts(without)["b"] >= 2


def test_weekends_rotate_from_week_to_week() -> None:
    """Goal 5 with history: whoever held last weekends holds no weekend period this week."""
    problem = primaries("a", "b", "c", "d")
    history = OnCallHistory(
        periods=tuple(
            past_week(["c", "d", "c", "d", "c", "a", "a"], 2) + past_week(["d", "c", "d", "c", "d", "b", "b"])
        )
    )
    periods, unmet, _ = build_on_call(replace(problem, on_call_history=history), time_limit=TIME_LIMIT)

    assert unmet == []
    weekend = counts(periods, [5, 6])
    assert set(weekend) <= {"c", "d"} and sum(weekend.values()) == 2


def test_staff_on_leave_are_not_owed_the_periods_they_could_not_take() -> None:
    """Goal 5 with history: d was on leave for three weeks (could_hold leaves them out), so
    d is owed a quarter of this week only, not the 21 periods a, b and c shared; read as
    if d could have held them, d would take as many as the consecutive limit allows."""
    problem = primaries("a", "b", "c", "d")
    rota = {3: "abcabca", 2: "bcabcab", 1: "cabcabc"}
    three_weeks = [p for w, holders in rota.items() for p in past_week(list(holders), w)]
    abc = frozenset({"a", "b", "c"})
    on_leave = OnCallHistory(
        periods=tuple(three_weeks), could_hold=tuple(("primary", p.start, abc) for p in three_weeks)
    )
    owed_all = OnCallHistory(periods=tuple(three_weeks))

    leave_aware, unmet, _ = build_on_call(replace(problem, on_call_history=on_leave), time_limit=TIME_LIMIT)
    naive, _, _ = build_on_call(replace(problem, on_call_history=owed_all), time_limit=TIME_LIMIT)

    assert unmet == []
    assert counts(leave_aware)["d"] <= 2
    assert counts(naive)["d"] >= 4


def test_shares_follow_fte() -> None:
    """Goal 5 with history: a half-time member is owed half a full-timer's share."""
    problem = make_problem(
        staff=[
            make_staff("a", on_call_roles=frozenset({"primary"})),
            make_staff("b", on_call_roles=frozenset({"primary"})),
            make_staff("h", fte=0.5, on_call_roles=frozenset({"primary"})),
        ],
        policy=make_policy(on_call_roles=PRIMARY_ONLY, max_consecutive=3),
    )
    # Four weeks (28 periods, 35 with this one): owed 14, 14 and 7. Held so far 12, 12, 4.
    weeks = [["a", "b", "a", "b", "h", "a", "b"]] * 4
    history = OnCallHistory(
        periods=tuple(p for w, holders in enumerate(weeks) for p in past_week(holders, 4 - w))
    )
    periods, unmet, _ = build_on_call(replace(problem, on_call_history=history), time_limit=TIME_LIMIT)

    assert unmet == []
    assert counts(periods) == Counter({"h": 3, "a": 2, "b": 2})


def test_periods_older_than_fairness_weeks_do_not_count() -> None:
    """Goal 5 with history: with fairness_weeks 1, a's periods three weeks ago are forgotten."""
    problem = primaries("a", "b")
    history = OnCallHistory(periods=tuple(past_week(["a"] * 7, 3)), fairness_weeks=1)
    periods, _, _ = build_on_call(replace(problem, on_call_history=history), time_limit=TIME_LIMIT)

    assert sorted(counts(periods).values()) == [3, 4]


def test_consecutive_limit_holds_across_the_week_boundary() -> None:
    """H10 holds: a was primary last Saturday and Sunday (limit 2), so not on Monday."""
    problem = primaries("a", "b", "c")
    history = OnCallHistory(periods=tuple(past_week(["b", "c", "b", "c", "b", "a", "a"])))
    assert carried_run(history) == ("a", 2)
    periods, unmet, _ = build_on_call(replace(problem, on_call_history=history), time_limit=TIME_LIMIT)

    assert unmet == []
    by_day = {p.start // DAY: p.staff for p in periods}
    assert by_day[0] != "a"


def test_run_over_the_limit_across_the_boundary_is_reported() -> None:
    """H10 reported: a is the only one who can be primary, so the run from last Saturday
    goes on, and unmet counts it whole."""
    problem = primaries("a")
    history = OnCallHistory(periods=tuple(past_week(["a"] * 7)))
    _, unmet, _ = build_on_call(replace(problem, on_call_history=history), time_limit=TIME_LIMIT)

    assert [u.rule for u in unmet] == ["H10"]
    assert "a is primary on call for 14 periods in a row, last week's Monday to Sunday" in unmet[0].detail


def test_last_sundays_primary_rests_on_monday() -> None:
    """H10 rest holds: last Sunday's primary starts no visit on Monday before 10:00; the
    client who can only be seen by them at 08:30 that morning is reported unmet."""
    early = {0: (Window(minutes("08:30"), minutes("09:45")),)}
    problem = make_problem(
        staff=[
            make_staff("a", on_call_roles=frozenset({"primary"})),
            make_staff("b", on_call_roles=frozenset({"primary"})),
        ],
        clients=[make_client("c1", availability=early, excluded_staff=frozenset({"b"}))],
        policy=make_policy(on_call_roles=PRIMARY_ONLY),
    )
    history = OnCallHistory(periods=tuple(past_week(["b", "b", "a", "b", "b", "b", "a"])))
    assert primary_by_day((), history) == {-1: "a"}

    rested = solve(replace(problem, on_call_history=history), SolveParams(time_limit=1.0))
    fresh = solve(problem, SolveParams(time_limit=1.0))

    assert not any(v.start < minutes("10:00") for v in rested.visits if "a" in v.staff and v.day == 0)
    assert [u.client for u in rested.unmet if u.rule == "H1"] == ["c1"]
    assert [v.client for v in fresh.visits] == ["c1"]


def test_period_bounds_are_this_weeks() -> None:
    """The earlier periods sit before Monday: last Sunday's ends at this week's first handoff."""
    last = past_week(["a"] * 7)[-1]
    assert last.end == period(make_policy(), 0).start
