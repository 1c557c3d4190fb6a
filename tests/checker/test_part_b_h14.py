"""H14 holidays and shifts: the plan's shifts are exactly what the team file defines (FORMATS.md
Part B); H3 and H7 read them; nothing changes for a Part A team."""

from __future__ import annotations

from actplanner.checker import check, format_report, metrics
from actplanner.checker.context import uses_part_b
from tests.checker.part_b_files import (
    DATES,
    broken,
    drop_shift,
    find_shift,
    plan_b,
    report,
    shift,
    staff,
    team_b,
    unmet,
)
from tests.checker.test_checker import FRI, MON, SAT, WEEK, make_plan
from tests.checker.v2_files import plan2, team2
from tests.support.team_files import team_file

HOLIDAY = [{"date": SAT, "name": "Founders' Day"}]


def test_the_part_b_plan_holds_every_rule():
    """The hand-built Part B plan breaks no hard rule, H14 to H18 included."""
    found = report(team_b(), plan_b())
    assert found.violations == [], format_report(found)


def test_part_b_is_in_force_by_policy_key_or_contract():
    """Any of holidays, shift types, coverage, breaks, the team meeting or a contract brings Part B."""
    assert not uses_part_b(team_file("tiny")) and not uses_part_b(team2())
    assert uses_part_b(team_b())
    for key, value in (
        ("holidays", HOLIDAY),
        ("team_meeting", {"days": ["mon"], "start": "09:00", "end": "09:30"}),
    ):
        doc = team2()
        doc["policy"][key] = value
        assert uses_part_b(doc)
    doc = team2()
    staff(doc, "s-ps")["contract"] = {"shift_types": ["day"], "minutes_per_week": [0, 2400]}
    assert uses_part_b(doc)


def test_a_part_a_team_and_plan_are_judged_as_before():
    """Without Part B no shift is asked for, H3 and H7 read the team file's hours, and the metrics
    carry no Part B figure."""
    assert check(team_file("tiny"), make_plan(), week_start=WEEK).violations == []
    assert report(team2(), plan2()).violations == []
    assert "coverage_minutes_short" not in metrics(team_file("tiny"), make_plan())


def test_a_missing_shifts_list_is_h14_and_never_excused():
    """Under Part B a plan without shifts breaks H14, whatever its unmet says."""
    plan = plan_b(unmet=[unmet("H14")])
    del plan["shifts"]
    found = [v for v in report(team_b(), plan).violations if v.rule == "H14"]
    assert len(found) == 1 and "no shifts list" in found[0].message and not found[0].excused


def test_a_fixed_staff_members_working_date_needs_its_shift():
    """A working date of fixed hours with no shift on the plan breaks H14 for that staff and date,
    and an unmet H14 entry for them does not excuse it."""
    plan = plan_b()
    drop_shift(plan, "s-tl", FRI)
    plan["unmet"] = [unmet("H14", staff_id="s-tl", day=FRI)]
    found = [v for v in report(team_b(), plan).violations if v.rule == "H14"]
    assert [(v.staff, v.date, v.excused) for v in found] == [("s-tl", FRI, False)]
    assert "09:00–13:00" in found[0].message


def test_a_fixed_shift_must_be_the_team_files_window_with_type_null():
    """Other hours than the team file's, or a type on fixed hours, break H14."""
    plan = plan_b()
    find_shift(plan, "s-tl", MON)["end"] = "12:00"
    find_shift(plan, "s-cm", MON)["type"] = "day"
    messages = broken(team_b(), plan)["H14"]
    assert len(messages) == 2
    assert any("fixed hours that date are 09:00–13:00" in m for m in messages)
    assert any("the type is null" in m for m in messages)


def test_a_shift_on_a_day_off_of_fixed_hours_is_h14():
    """A shift on a weekday the fixed hours leave out breaks H14."""
    plan = plan_b()
    plan["shifts"].append(shift("s-tl", SAT, "09:00", "13:00"))
    (message,) = broken(team_b(), plan)["H14"]
    assert "not a working day" in message


def test_two_shifts_on_one_date_are_h14():
    """At most one shift per staff member and date."""
    plan = plan_b()
    plan["shifts"].append(shift("s-tl", MON, "09:00", "13:00"))
    (message,) = broken(team_b(), plan)["H14"]
    assert "2 shifts" in message


def test_leave_cuts_a_fixed_shift_keeping_the_longer_piece():
    """Leave 12:00–14:00 cuts 08:30–17:00 into 08:30–12:00 and 14:00–17:00: the plan's shift is
    the longer piece; the uncut shift breaks H14."""
    team = team_b()
    staff(team, "s-rn")["leave"] = [{"start": f"{MON}T12:00", "end": f"{MON}T14:00"}]
    plan = plan_b()
    find_shift(plan, "s-rn", MON)["end"] = "12:00"
    plan["breaks"] = [b for b in plan["breaks"] if (b["staff"], b["date"]) != ("s-rn", MON)]
    assert "H14" not in broken(team, plan)
    (message,) = broken(team, plan_b())["H14"]
    assert "08:30–12:00" in message


def test_a_holiday_matches_only_the_holiday_entry_of_fixed_hours():
    """On a holiday a fixed-hours staff member works their ``holiday`` entry; their weekday's entry
    does not apply (a ``sat`` entry alone means a day off)."""
    team = team_b(holidays=HOLIDAY)
    staff(team, "s-tl")["shifts"]["sat"] = ["09:00", "13:00"]
    assert "H14" not in broken(team, plan_b())
    plan = plan_b()
    plan["shifts"].append(shift("s-tl", SAT, "09:00", "13:00"))
    (message,) = broken(team, plan)["H14"]
    assert "Founders' Day" in message and "holiday" in message
    staff(team, "s-tl")["shifts"]["holiday"] = ["10:00", "14:00"]
    (message,) = broken(team, plan_b())["H14"]
    assert "10:00–14:00" in message and "no shift" in message


def test_a_contracted_shift_is_its_types_exact_window():
    """A contracted staff member's shift runs exactly its type's window, of a type the team has."""
    plan = plan_b()
    find_shift(plan, "s-ps", MON)["start"] = "09:00"
    find_shift(plan, "s-ps", DATES[1])["type"] = "night"
    find_shift(plan, "s-ps", DATES[2])["type"] = None
    messages = broken(team_b(), plan)["H14"]
    assert len(messages) == 3
    assert any("the day shift is 08:30–17:00" in m for m in messages)
    assert any("'night'" in m for m in messages)


def test_no_leave_may_overlap_a_contracted_shift():
    """A contracted staff member is never rostered on a shift their leave overlaps."""
    team = team_b()
    staff(team, "s-ps")["leave"] = [{"start": f"{MON}T16:00", "end": f"{MON}T18:00"}]
    (message,) = broken(team, plan_b())["H14"]
    assert "on leave" in message


def test_no_shift_outside_employment():
    """Outside their employment a staff member has no shift: none is asked of fixed hours, and a
    contracted shift there breaks H14."""
    team = team_b()
    staff(team, "s-tl")["employed_until"] = FRI
    staff(team, "s-ps")["employed_from"] = DATES[1]
    plan = plan_b()
    drop_shift(plan, "s-tl", FRI)
    (message,) = broken(team, plan)["H14"]
    assert "s-ps" in message and "employment" in message


def test_shifts_name_team_staff_and_belong_to_plan_2():
    """An unknown staff member in shifts is H12; so are shifts on a plan@1."""
    plan = plan_b()
    plan["shifts"].append(shift("s-zz", MON, "09:00", "13:00"))
    assert any("s-zz" in m for m in broken(team_b(), plan)["H12"])
    plan = plan_b(format="actplanner/plan@1")
    assert any("plan@2" in m for m in broken(team_b(), plan)["H12"])


def test_an_unreadable_shift_entry_is_h14():
    """A shift whose times are not times, or whose date is outside the week, breaks H14."""
    plan = plan_b()
    find_shift(plan, "s-tl", MON)["end"] = "25:00"
    plan["shifts"].append(shift("s-ps", "2026-12-09", "08:30", "17:00", "day"))
    messages = broken(team_b(), plan)["H14"]
    assert any("'25:00'" in m for m in messages) and any("2026-12-09" in m for m in messages)


def test_h3_and_h7_read_the_plans_shifts():
    """Under Part B a visit outside the plan's shift breaks H3, and a route back after the plan's
    shift end breaks H7, though the team file's hours would allow them."""
    plan = plan_b()
    find_shift(plan, "s-rn", MON)["end"] = "11:30"
    find_shift(plan, "s-cm", FRI)["end"] = "14:50"
    found = broken(team_b(), plan)
    assert any("outside their shift 08:30–11:30" in m for m in found["H3"])
    assert any("end of their shift (14:50)" in m for m in found["H7"])
