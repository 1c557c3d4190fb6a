"""The roster (Part B): H17 coverage and H18 contracts, each where it holds and where it cannot
(reported in ``unmet`` with the staff and day), goals 7 and 8, the pull of visit demand, kept
and pinned shifts, determinism. Problems are built by hand in the solver's types."""

from __future__ import annotations

from solver.contracts import contract_unmet, run_through, week_minutes
from solver.coverage import minutes_short
from solver.problem import DAY, ShiftRequest, Window
from solver.roster import build_roster
from tests.solver.roster_factories import (
    BREAKS,
    SHIFT_MINUTES,
    before,
    contract,
    need,
    option,
    options,
    team,
    weekday_needs,
    worked,
)
from tests.support.solver_factories import make_client, make_staff, shift

LIMIT = 1.0


def rostered(problem, **kw):
    return build_roster(problem, seed=0, time_limit=LIMIT, **kw)


def h18(unmet, sid: str) -> list:
    return [u for u in unmet if u.rule == "H18" and u.staff == sid]


def chosen_of(result, sid: str) -> dict:
    """The options a staff member works, by day, as the contract checks read them."""
    c = result.problem.roster.contracts[sid]
    by_key = {(o.name, o.day): o for o in c.options}
    for (who, day), kept in result.problem.roster.kept.items():
        if who == sid and kept is not None:
            by_key[kept.name, day] = kept
    return {day: by_key[t, day] for day, t in worked(result.shifts, sid).items()}


# -- H17 coverage ---------------------------------------------------------------------------


def test_coverage_holds_at_every_minute_with_a_nurse() -> None:
    """H17 holds: weekday 08:30-20:00 two staff with a nurse, weekends one: the roster covers
    every minute (a day and a late shift overlap), nothing is reported. The two nurses work
    every weekday shift a nurse needs; the three others the rest."""
    ids = ("rn1", "rn2", "cm1", "cm2", "cm3")
    result = rostered(
        team(
            {sid: contract() for sid in ids},
            disciplines={"rn1": "nurse", "rn2": "nurse"},
            coverage=weekday_needs(2, nurse=1) + (need(5, "09:00", "17:30"), need(6, "09:00", "17:30")),
        )
    )

    assert [u for u in result.unmet if u.rule in ("H17", "H18")] == []
    assert minutes_short(result.problem.staff, result.problem.roster.coverage) == 0
    for day in range(5):
        evening = [s for s in result.shifts if s.day == day and s.end >= day * DAY + 20 * 60]
        assert evening, f"no one works the evening of day {day}"
        assert any(s.staff.startswith("rn") for s in evening)


def test_fixed_staff_count_towards_coverage() -> None:
    """H17 holds with fixed staff as constants: a fixed day worker covers the weekday mornings, so
    the one contracted staff member works the late shift each weekday."""
    fixed = [make_staff("f0")]
    result = rostered(team({"c1": contract(minutes=(1920, 2400))}, fixed=fixed, coverage=weekday_needs(1)))

    assert [u for u in result.unmet if u.rule == "H17"] == []
    assert set(worked(result.shifts, "c1").values()) == {"late"}
    assert {s.staff for s in result.shifts if s.type is None} == {"f0"}


def test_coverage_that_cannot_be_met_is_reported_with_its_day() -> None:
    """H17 cannot hold: three staff wanted on Monday evening, two can work. The roster still
    gives both, and the short span is in unmet with the day and the numbers in words."""
    result = rostered(
        team({"c1": contract(), "c2": contract()}, coverage=(need(0, "17:00", "20:00", staff=3),))
    )

    short = [u for u in result.unmet if u.rule == "H17"]
    assert len(short) == 1
    assert short[0].day == 0 and short[0].staff is None
    assert "Monday 17:00-20:00" in short[0].detail and "3 staff needed, 2 working" in short[0].detail
    assert minutes_short(result.problem.staff, result.problem.roster.coverage) == 180


def test_a_discipline_minimum_no_one_can_meet_is_reported() -> None:
    """H17 cannot hold: a nurse is wanted and no nurse exists."""
    result = rostered(team({"c1": contract()}, coverage=(need(2, "09:00", "17:00", nurse=1),)))

    (short,) = [u for u in result.unmet if u.rule == "H17"]
    assert short.day == 2 and "1 nurse needed, 0 working" in short.detail


# -- H18 contracts ----------------------------------------------------------------------------


def test_only_options_the_contract_admits_are_worked() -> None:
    """H18 holds: a contract without Wednesday (a day off: the adapter left its options out) and
    with day shifts only is never rostered on Wednesday or late, even where coverage wants it."""
    admitted = options(("day",), (0, 1, 3, 4))
    result = rostered(
        team({"c1": contract(options=admitted, minutes=(1440, 2400))}, coverage=weekday_needs(1))
    )

    days = worked(result.shifts, "c1")
    assert 2 not in days and set(days.values()) <= {"day"}
    assert h18(result.unmet, "c1") == []
    assert 2 in [u.day for u in result.unmet if u.rule == "H17"]


def test_a_pinned_shift_on_a_day_off_is_kept_and_reported() -> None:
    """H18 cannot hold: a shift pinned on the contract's day off stays, and unmet names the staff
    member and the day."""
    admitted = options(("day",), (0, 1, 3, 4))
    wednesday = option("day", 2)
    problem = team(
        {"c1": contract(options=admitted, minutes=(0, 2400))},
        kept={("c1", 2): wednesday},
        pinned=frozenset({("c1", 2)}),
    )
    result = rostered(problem)

    pinned = [s for s in result.shifts if s.day == 2]
    assert len(pinned) == 1 and pinned[0].pinned and pinned[0].type == "day"
    (broken,) = h18(result.unmet, "c1")
    assert broken.day == 2 and "does not allow" in broken.detail


def test_at_most_max_days() -> None:
    """H18 holds: coverage every day of the week, one staff member with max_days 5 works five."""
    coverage = tuple(need(d, "09:00", "17:00") for d in range(7))
    result = rostered(team({"c1": contract(max_days=5, minutes=(0, 7 * 480))}, coverage=coverage))

    assert len(worked(result.shifts, "c1")) == 5
    assert h18(result.unmet, "c1") == []
    assert len([u for u in result.unmet if u.rule == "H17"]) == 2


def test_kept_shifts_over_max_days_are_reported() -> None:
    """H18 cannot hold: six kept shifts against max_days 5. They stay and are reported, and
    Sunday stays off though coverage wants someone."""
    kept = {("c1", d): option("day", d) for d in range(5)} | {("c1", 5): option("weekend", 5)}
    problem = team(
        {"c1": contract(max_days=5, minutes=(0, 7 * 480))}, kept=kept, coverage=(need(6, "09:00", "17:00"),)
    )
    result = rostered(problem)

    assert sorted(worked(result.shifts, "c1")) == [0, 1, 2, 3, 4, 5]
    assert any("6 days this week" in u.detail and u.day is None for u in h18(result.unmet, "c1"))


def test_weekly_minutes_with_leave_and_holiday_credits() -> None:
    """H18 holds: 2400 minutes a week, one day on leave credited and Friday a holiday not worked:
    three shifts make 3 x 480 + 2 x 480 = 2400, so the staff member works three days."""
    c = contract(
        options=options(("day",), (0, 1, 2, 3)),
        minutes=(2400, 2400),
        credit=480,
        credited_days=1,
        holidays=(4,),
    )
    result = rostered(team({"c1": c}, coverage=weekday_needs(1), holidays=frozenset({4})))

    assert len(worked(result.shifts, "c1")) == 3
    assert week_minutes(c, chosen_of(result, "c1"), BREAKS) == 2400
    assert h18(result.unmet, "c1") == []


def test_weekly_minutes_the_options_cannot_reach_are_reported() -> None:
    """H18 cannot hold: 2160 minutes wanted, two shift options open (leave took the rest)."""
    c = contract(options=options(("day",), (0, 1)), minutes=(2160, 2400), credit=0)
    result = rostered(team({"c1": c}))

    assert len(worked(result.shifts, "c1")) == 2
    (broken,) = h18(result.unmet, "c1")
    assert broken.day is None and f"{2 * SHIFT_MINUTES} working minutes" in broken.detail


def test_never_above_the_weekly_maximum_for_coverage() -> None:
    """H18 holds before H17: a contract of at most 1440 minutes works three shifts even though
    coverage wants five days; the short days are reported as coverage."""
    c = contract(options=options(("day",), range(5)), minutes=(0, 1440))
    result = rostered(team({"c1": c}, coverage=tuple(need(d, "09:00", "17:00") for d in range(5))))

    assert len(worked(result.shifts, "c1")) == 3
    assert h18(result.unmet, "c1") == []
    assert len([u for u in result.unmet if u.rule == "H17"]) == 2


def test_consecutive_days_count_the_week_before() -> None:
    """H18 holds across the boundary: five days worked before Monday and at most five in a row,
    so though coverage wants every weekday the staff member rests on Monday."""
    c = contract(
        options=options(("day",), range(5)),
        minutes=(0, 2400),
        max_consecutive=5,
        worked_before=before(-5, -4, -3, -2, -1),
    )
    result = rostered(team({"c1": c}, coverage=tuple(need(d, "09:00", "17:00") for d in range(5))))

    days = set(worked(result.shifts, "c1"))
    assert days == {1, 2, 3, 4}
    assert all(run_through(c, days, d) <= 5 for d in days)
    assert [u.day for u in result.unmet if u.rule == "H17"] == [0]
    assert h18(result.unmet, "c1") == []


def test_consecutive_days_over_the_limit_across_the_boundary_are_reported() -> None:
    """H18 cannot hold: kept Monday and Tuesday after four days worked, limit five: reported on
    Tuesday, the sixth day in a row."""
    c = contract(
        options=options(("day",), range(5)),
        minutes=(0, 2400),
        max_consecutive=5,
        worked_before=before(-4, -3, -2, -1),
    )
    kept = {("c1", 0): option("day", 0), ("c1", 1): option("day", 1)}
    result = rostered(team({"c1": c}, kept=kept))

    broken = [u for u in h18(result.unmet, "c1") if "in a row" in u.detail]
    assert [u.day for u in broken] == [1]
    assert "4 of them before this week" in broken[0].detail


def test_rest_counts_last_sunday_late_shift() -> None:
    """H18 holds across the boundary: last Sunday's late shift ended 20:00 and 13 hours of rest
    are owed, so Monday is the late shift (11:30), not the day shift (08:30)."""
    c = contract(
        options=options(("day", "late"), (0,)),
        minutes=(0, 2400),
        min_rest=13 * 60,
        worked_before=before(-1, start="11:30", end="20:00"),
    )
    result = rostered(team({"c1": c}, coverage=(need(0, "08:30", "20:00"),)))

    assert worked(result.shifts, "c1") == {0: "late"}
    assert h18(result.unmet, "c1") == []


def test_rest_broken_by_a_kept_shift_is_reported() -> None:
    """H18 cannot hold: a kept Monday day shift 12.5 hours after last Sunday's late one."""
    c = contract(
        options=options(("day", "late"), (0, 1)),
        minutes=(0, 2400),
        min_rest=13 * 60,
        worked_before=before(-1, start="11:30", end="20:00"),
    )
    result = rostered(team({"c1": c}, kept={("c1", 0): option("day", 0)}))

    (broken,) = h18(result.unmet, "c1")
    assert broken.day == 0 and "750 minutes of rest" in broken.detail


def test_rest_between_days_of_the_week() -> None:
    """H18 holds within the week: a late shift ending 20:00 is never followed by a day shift."""
    c = contract(options=options(("day", "late"), range(5)), minutes=(0, 2400), min_rest=13 * 60)
    coverage = tuple(need(d, "08:30", "10:00") for d in (1, 3)) + tuple(
        need(d, "19:00", "20:00") for d in (0, 2)
    )
    result = rostered(team({"c1": c}, coverage=coverage))

    assert contract_unmet("c1", c, chosen_of(result, "c1"), BREAKS) == []
    days = worked(result.shifts, "c1")
    for day, kind in days.items():
        if kind == "late":
            assert days.get(day + 1) != "day"
    # Both cannot be met: the mornings after the late evenings go short.
    assert len([u for u in result.unmet if u.rule == "H17"]) == 2


def test_weekends_per_four_weeks_count_the_weeks_before() -> None:
    """H18 holds: two of the last three weekends worked and at most two in four, so this weekend
    is off though weekend coverage wants someone (reported as coverage, not as a contract)."""
    c = contract(max_weekends_per_4=2, weekends_before=2, minutes=(0, 2400))
    result = rostered(team({"c1": c}, coverage=(need(5, "09:00", "17:30"), need(6, "09:00", "17:30"))))

    assert not {5, 6} & set(worked(result.shifts, "c1"))
    assert h18(result.unmet, "c1") == []
    assert [u.day for u in result.unmet if u.rule == "H17"] == [5, 6]


def test_a_kept_weekend_over_the_limit_is_reported() -> None:
    """H18 cannot hold: a kept Saturday shift makes three worked weekends in four, limit two."""
    c = contract(max_weekends_per_4=2, weekends_before=2, minutes=(0, 2400))
    result = rostered(team({"c1": c}, kept={("c1", 5): option("weekend", 5)}))

    (broken,) = h18(result.unmet, "c1")
    assert broken.day == 5 and "3 of the 4 weekends" in broken.detail


# -- goals 7 and 8 ------------------------------------------------------------------------------


def test_requests_are_honoured_when_coverage_allows() -> None:
    """Goal 7: c1 asks Wednesday off and c2 the late shift on Tuesday; coverage needs one of the
    two each weekday, so both are honoured and no request term is left."""
    c1 = contract(requests=(ShiftRequest(2),), minutes=(0, 2400))
    c2 = contract(requests=(ShiftRequest(1, "late"),), minutes=(0, 2400))
    result = rostered(team({"c1": c1, "c2": c2}, coverage=tuple(need(d, "09:00", "17:00") for d in range(5))))

    assert 2 not in worked(result.shifts, "c1")
    assert worked(result.shifts, "c2").get(1) == "late"
    assert not [p for p in result.penalties if p.goal.startswith("7")]


def test_a_request_coverage_forbids_is_a_penalty_not_a_breach() -> None:
    """Goal 7 gives way to H17: the only staff member asks Monday off and Monday needs someone."""
    c1 = contract(requests=(ShiftRequest(0),), minutes=(0, 2400))
    result = rostered(team({"c1": c1}, coverage=(need(0, "09:00", "17:00"),)))

    assert 0 in worked(result.shifts, "c1")
    (term,) = [p for p in result.penalties if p.goal.startswith("7")]
    assert "staff=c1" in term.label and "Monday" in term.label


def test_weekend_shifts_go_to_those_who_worked_fewer_before() -> None:
    """Goal 8: over the fairness weeks c1 already worked four weekend shifts, the others none:
    this week's two weekend shifts go to two of the others, one each."""
    contracts = {
        "c1": contract(fair_before=4, minutes=(0, 2400)),
        "c2": contract(minutes=(0, 2400)),
        "c3": contract(minutes=(0, 2400)),
    }
    coverage = (need(5, "09:00", "17:30"), need(6, "09:00", "17:30"))
    result = rostered(team(contracts, coverage=coverage))

    weekend = [s.staff for s in result.shifts if s.day in (5, 6)]
    assert "c1" not in weekend
    assert sorted(weekend) == ["c2", "c3"]


def test_weekend_shifts_are_spread_in_proportion_to_fte() -> None:
    """Goal 8 with no history: four weekend shifts (two a day) among four equal staff, one each."""
    contracts = {f"c{i}": contract(minutes=(0, 2400)) for i in range(4)}
    coverage = (need(5, "09:00", "17:30", staff=2), need(6, "09:00", "17:30", staff=2))
    result = rostered(team(contracts, coverage=coverage))

    weekend = [s.staff for s in result.shifts if s.day in (5, 6)]
    assert sorted(weekend) == ["c0", "c1", "c2", "c3"]


# -- visit demand ---------------------------------------------------------------------------------


def test_an_evening_only_client_pulls_a_late_shift() -> None:
    """Demand: a client seen only 17:00-20:00 on Tuesday and Thursday makes the staff member work
    late those days (no coverage asks for it); on other days the day shift serves the daytime
    client as well."""
    evening = make_client(
        "e1",
        visits_per_week=2,
        availability={d: (shift(d, "17:00", "20:00"),) for d in (1, 3)},
    )
    result = rostered(team({"c1": contract(minutes=(0, 2400))}, clients=[evening]))

    days = worked(result.shifts, "c1")
    assert days.get(1) == "late" and days.get(3) == "late"


def test_a_day_with_many_visits_pulls_more_staff() -> None:
    """Demand: four staff who each work two days; clients seen only on Wednesday bring all four
    in on Wednesday."""
    clients = [
        make_client(f"w{i}", visit_minutes=60, availability={2: (shift(2, "09:00", "17:00"),)})
        for i in range(16)
    ]
    contracts = {
        f"c{i}": contract(options=options(("day",), range(5)), max_days=2, minutes=(960, 960))
        for i in range(4)
    }
    result = rostered(team(contracts, clients=clients))

    assert len([s for s in result.shifts if s.day == 2]) == 4


# -- kept, pinned, determinism ----------------------------------------------------------------------


def test_kept_shifts_and_days_off_stay_as_they_were() -> None:
    """A kept late Monday stays though coverage wants mornings; a kept day off on Tuesday stays
    though Tuesday is short (reported)."""
    c = contract(options=options(("day", "late"), range(5)), minutes=(0, 2400))
    problem = team(
        {"c1": c},
        coverage=(need(0, "08:30", "10:00"), need(1, "08:30", "10:00")),
        kept={("c1", 0): option("late", 0), ("c1", 1): None},
    )
    result = rostered(problem)

    days = worked(result.shifts, "c1")
    assert days.get(0) == "late" and 1 not in days
    assert [u.day for u in result.unmet if u.rule == "H17"] == [0, 1]
    assert not any(s.pinned for s in result.shifts)


def test_same_seed_same_roster() -> None:
    """Deterministic: the same problem and seed give the same shifts."""
    contracts = {f"c{i}": contract() for i in range(6)}
    problem = team(contracts, coverage=weekday_needs(3) + (need(5, "09:00", "17:30", staff=2),))

    assert rostered(problem).shifts == rostered(problem).shifts


def test_contracted_staff_shifts_are_filled_in_the_problem() -> None:
    """The roster returns the problem with each contracted staff member's shifts, leave-free
    windows of the chosen options; fixed staff keep theirs."""
    fixed = make_staff("f1")
    result = rostered(team({"c1": contract()}, fixed=[fixed], coverage=weekday_needs(2)))

    staff = result.problem.staff_by_id
    assert staff["f1"].shifts == fixed.shifts
    assert staff["c1"].shifts == {s.day: Window(s.start, s.end) for s in result.shifts if s.staff == "c1"}


def test_a_week_outside_employment_asks_no_minutes() -> None:
    """H18's weekly minutes do not run in a week where nothing can count (the adapter opens no
    shift and credits nothing outside employment), as the checker reads it."""
    result = rostered(team({"c1": contract(options=(), credited_days=0)}))

    assert worked(result.shifts, "c1") == {}
    assert h18(result.unmet, "c1") == []


def test_a_weekend_that_would_trap_next_week_goes_to_someone_else() -> None:
    """Look ahead for H18 across weeks: c1 worked last Saturday, so next week's four weekends
    hold one already of the two allowed, and c1 needs five shifts a week. Working Saturday and
    Sunday (a run into Sunday of two, with at most six in a row) would leave next week four
    weekdays and no weekend: short of the minimum whatever it does. Goal 8 would give c1 both
    days (c2 has worked many weekends); the roster splits them."""
    weekend = (need(5, "09:00", "17:30"), need(6, "09:00", "17:30"))
    c1 = contract(
        max_consecutive=6,
        max_weekends_per_4=2,
        weekends_before=1,
        worked_before=before(-2, start="09:00", end="17:30"),
        minutes=(2160, 2400),
    )
    c2 = contract(max_consecutive=6, max_weekends_per_4=2, fair_before=10, minutes=(2160, 2400))
    result = rostered(team({"c1": c1, "c2": c2}, coverage=weekend))

    mine = set(worked(result.shifts, "c1"))
    assert len(mine & {5, 6}) == 1
    assert [u for u in result.unmet if u.rule in ("H17", "H18")] == []


def test_no_look_ahead_when_next_week_keeps_a_weekend() -> None:
    """The look ahead reads which weekends were worked: c1's one weekend in the three before was
    three weeks ago, out of next week's four, so Saturday and Sunday trap nothing and goal 8
    gives c1 both."""
    weekend = (need(5, "09:00", "17:30"), need(6, "09:00", "17:30"))
    c1 = contract(
        max_consecutive=6,
        max_weekends_per_4=2,
        weekends_before=1,
        worked_before=before(-10),
        minutes=(2160, 2400),
    )
    c2 = contract(max_consecutive=6, max_weekends_per_4=2, fair_before=10, minutes=(2160, 2400))
    result = rostered(team({"c1": c1, "c2": c2}, coverage=weekend))

    assert {5, 6} <= set(worked(result.shifts, "c1"))
