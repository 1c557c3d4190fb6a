"""H18 contracts: allowed shift types on dates they admit, days off, days and minutes a week with
credits, days in a row, rest and weekends across the week boundary from history (FORMATS.md
Part B); the requests-honoured metric."""

from __future__ import annotations

from actplanner.checker import metrics
from tests.checker.part_b_files import (
    DATES,
    SHIFT_TYPES,
    contract,
    drop_shift,
    find_shift,
    last_week,
    plan_b,
    report,
    rest,
    shift,
    staff,
    team_b,
    unmet,
)
from tests.checker.test_checker import FRI, MON, SAT, SUN, TUE

HOLIDAY = [{"date": SAT, "name": "Founders' Day"}]


def typed(sid: str, day: str, kind: str) -> dict:
    return shift(sid, day, SHIFT_TYPES[kind]["start"], SHIFT_TYPES[kind]["end"], kind)


def with_terms(**changes: object) -> dict:
    """The Part B team with s-ps's contract changed."""
    team = team_b()
    staff(team, "s-ps")["contract"] = contract(**changes)
    return team


def h18(team: dict, plan: dict, *history: dict) -> list:
    return [v for v in report(team, plan, *history).violations if v.rule == "H18"]


def roster(*days: tuple[str, str]) -> dict:
    """The Part B plan with s-ps rostered on exactly these (date, type) days, a break on each."""
    plan = plan_b()
    for day in DATES:
        drop_shift(plan, "s-ps", day)
    for day, kind in days:
        plan["shifts"].append(typed("s-ps", day, kind))
        plan["breaks"].append(rest("s-ps", day))
    return plan


def worked_last_week(*days: str, kind: str = "day", **changes: object) -> dict:
    """A plan of record for last week with s-ps on these dates."""
    return last_week([typed("s-ps", d, kind) for d in days], **changes)


def test_the_contract_holds():
    """s-ps's four day shifts and a weekend shift keep every term of the contract."""
    assert h18(team_b(), plan_b()) == []


def test_only_the_contracts_shift_types():
    """A late shift for a contract of day and weekend shifts breaks H18 on that date."""
    plan = roster((MON, "late"), (TUE, "day"), (DATES[2], "day"), (DATES[3], "day"), (SAT, "weekend"))
    (found,) = h18(with_terms(shift_types=["day", "weekend"]), plan)
    assert (found.staff, found.date) == ("s-ps", MON) and "allows day, weekend" in found.message


def test_a_shift_type_only_on_the_days_it_admits():
    """A late shift (mon–fri) on Saturday, or a day shift (no days: not holidays) on a holiday,
    breaks H18."""
    plan = roster(*((d, "day") for d in DATES[:4]), (SAT, "late"))
    (found,) = h18(team_b(), plan)
    assert found.date == SAT and "worked on mon, tue, wed, thu, fri only" in found.message
    plan = roster(*((d, "day") for d in DATES[:4]), (SAT, "day"))
    assert h18(team_b(), plan) == []
    team = team_b(holidays=HOLIDAY)
    staff(team, "s-ps")["contract"] = contract()
    (found,) = h18(team, plan)
    assert found.date == SAT and "Founders' Day" in found.message


def test_never_on_a_day_off_and_a_weekday_off_covers_its_holiday():
    """Working on Sunday (days_off sun) breaks H18; so does a Saturday holiday with sat, or
    holiday, among the days off."""
    plan = roster(*((d, "day") for d in DATES[:4]), (SUN, "weekend"))
    (found,) = h18(team_b(), plan)
    assert found.date == SUN and "day off" in found.message
    for days_off in (["sat"], ["holiday"]):
        team = team_b(holidays=HOLIDAY)
        staff(team, "s-ps")["contract"] = contract(days_off=days_off)
        assert [v.date for v in h18(team, plan_b())] == [SAT]


def test_at_most_max_days_per_week():
    """Six working dates for a five-day contract break H18 for the week (no date named)."""
    plan = roster(*((d, "day") for d in DATES[:5]), (SAT, "weekend"))
    (found,) = h18(with_terms(minutes_per_week=[1600, 3000]), plan)
    assert (found.staff, found.date) == ("s-ps", None) and "6 dates" in found.message


def test_working_minutes_inside_minutes_per_week():
    """Two shifts of 480 working minutes (510 less the break) are below 1600 a week."""
    plan = roster((MON, "day"), (TUE, "day"))
    (found,) = h18(team_b(), plan)
    assert found.date is None and "works 960 minutes" in found.message


def test_dates_wholly_on_leave_are_credited():
    """Monday and Tuesday on leave credit 1600 / 5 = 320 minutes each: 3 × 480 + 640 = 2080 lies
    inside [1600, 2400], where 1440 alone would not."""
    team = team_b()
    staff(team, "s-ps")["leave"] = [{"start": f"{MON}T00:00", "end": f"{DATES[2]}T00:00"}]
    plan = roster((DATES[2], "day"), (DATES[3], "day"), (SAT, "weekend"))
    assert h18(team, plan) == []
    assert h18(team_b(), plan) != []


def test_a_holiday_not_worked_is_credited_unless_a_day_off():
    """Off on a Saturday holiday, s-ps is credited 2000 / 5 = 400 minutes: 4 × 480 + 400 = 2320
    meets [2000, 2400]; with Saturday among the days off nothing is credited."""
    plan = roster(*((d, "day") for d in DATES[:4]))
    for days_off, holds in ((["sun"], True), (["sat", "sun"], False)):
        team = team_b(holidays=HOLIDAY)
        staff(team, "s-ps")["contract"] = contract(minutes_per_week=[2000, 2400], days_off=days_off)
        assert (h18(team, plan) == []) is holds


def test_an_unmet_weekly_h18_entry_names_the_staff_member_alone():
    """Weekly minutes name no date: an entry for s-ps excuses them, one with a date does not."""
    plan = roster((MON, "day"), (TUE, "day"))
    plan["unmet"] = [unmet("H18", staff_id="s-ps", day=MON)]
    assert [v.excused for v in h18(team_b(), plan)] == [False]
    plan["unmet"] = [unmet("H18", staff_id="s-ps")]
    assert [v.excused for v in h18(team_b(), plan)] == [True]


def test_days_in_a_row_count_last_weeks_shifts():
    """Six days in a row last week (Tuesday to Sunday) and Monday make seven, over the contract's
    six: H18 on Monday, excused by an unmet entry for s-ps and Monday. Without history, none."""
    history = worked_last_week(*(f"2026-11-{d}" for d in range(24, 30)))
    found = h18(team_b(), plan_b(), history)
    assert [(v.date, v.excused) for v in found] == [(MON, False)]
    assert "6 of them before this week" in found[0].message
    assert h18(team_b(), plan_b()) == []
    excused = plan_b(unmet=[unmet("H18", staff_id="s-ps", day=MON)])
    assert [v.excused for v in h18(team_b(), excused, history)] == [True]


def test_days_in_a_row_inside_the_week():
    """Monday to Saturday is six in a row: a limit of five is broken on Saturday."""
    plan = roster(*((d, "day") for d in DATES[:5]), (SAT, "weekend"))
    team = with_terms(max_consecutive_days=5, max_days_per_week=6, minutes_per_week=[1600, 3000])
    assert [v.date for v in h18(team, plan)] == [SAT]


def test_a_plan_1_of_record_leaves_contracted_staff_not_working():
    """A plan@1 of record has no shifts: s-ps counts as not working last week."""
    history = worked_last_week(*(f"2026-11-{d}" for d in range(24, 30)), format="actplanner/plan@1")
    del history["shifts"], history["breaks"]
    assert h18(team_b(), plan_b(), history) == []


def test_rest_between_shifts_inside_the_week():
    """A late shift to 20:00 then a day shift from 08:30 leaves 750 minutes' rest: enough for 660,
    not for 780 (H18 on the second date)."""
    plan = roster((MON, "late"), (TUE, "day"), (DATES[2], "day"), (DATES[3], "day"), (SAT, "weekend"))
    assert h18(team_b(), plan) == []
    (found,) = h18(with_terms(min_rest_minutes=780), plan)
    assert found.date == TUE and "750 minutes' rest" in found.message


def test_rest_across_the_week_boundary():
    """Last Sunday's late shift to 20:00 and Monday's 08:30 start leave 750 minutes: short of 780."""
    history = worked_last_week("2026-11-29", kind="late")
    (found,) = h18(with_terms(min_rest_minutes=780), plan_b(), history)
    assert found.date == MON and "last week's" in found.message
    assert h18(with_terms(min_rest_minutes=780), plan_b()) == []


def test_weekends_in_four_weeks_count_the_three_before():
    """Weekends worked two and three weeks ago and this one make three in four, over two; with
    this weekend off the past cannot be helped and nothing is reported."""
    history = [
        last_week([typed("s-ps", "2026-11-14", "weekend")], week_start="2026-11-09"),
        last_week([typed("s-ps", "2026-11-22", "weekend")], week_start="2026-11-16"),
        worked_last_week(),
    ]
    (found,) = h18(team_b(), plan_b(), *history)
    assert found.date is None and "2 of the 3 before" in found.message
    assert h18(with_terms(max_weekends_per_4_weeks=3), plan_b(), *history) == []
    off = roster(*((d, "day") for d in DATES[:5]))
    assert h18(team_b(), off, *history) == []


def test_the_last_plan_given_for_a_week_is_its_plan_of_record():
    """A later plan file for last week replaces the earlier one's shifts."""
    old = worked_last_week(*(f"2026-11-{d}" for d in range(24, 30)))
    assert h18(team_b(), plan_b(), old, worked_last_week()) == []
    assert h18(team_b(), plan_b(), worked_last_week(), old) != []


def test_requests_honoured_share():
    """Of a day off asked for Friday (honoured) and a late shift asked for Monday (a day shift
    was rostered), half are honoured; a request outside the week does not count; none is 1."""
    team = team_b()
    assert metrics(team, plan_b())["requests_honoured_share"] == 1.0
    staff(team, "s-ps")["contract"]["requests"] = [
        {"date": FRI, "off": True},
        {"date": MON, "shift": "late"},
        {"date": "2026-12-10", "off": True},
    ]
    assert metrics(team, plan_b())["requests_honoured_share"] == 0.5
    late = plan_b()
    find_shift(late, "s-ps", MON).update(type="late", start="11:30", end="20:00")
    assert metrics(team, late)["requests_honoured_share"] == 1.0


def test_dates_outside_employment_credit_nothing_and_a_week_outside_asks_nothing():
    """Leave on Monday and Tuesday credits nothing before an employment that starts on Wednesday
    (1440 minutes, short of 1600); a week before the employment starts asks no minutes at all."""
    team = team_b()
    staff(team, "s-ps")["leave"] = [{"start": f"{MON}T00:00", "end": f"{DATES[2]}T00:00"}]
    staff(team, "s-ps")["employed_from"] = DATES[2]
    plan = roster((DATES[2], "day"), (DATES[3], "day"), (SAT, "weekend"))
    (found,) = h18(team, plan)
    assert "works 1440 minutes" in found.message
    staff(team, "s-ps")["employed_from"] = "2026-12-07"
    assert h18(team, roster()) == []
