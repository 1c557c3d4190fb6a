"""H15 breaks: one break of the rule's length inside the window and the shift on each shift over
``after_minutes``, none on shorter ones, with room for it in the day (FORMATS.md Part B)."""

from __future__ import annotations

from tests.checker.part_b_files import broken, drop_shift, find_break, plan_b, report, rest, team_b, unmet
from tests.checker.test_checker import MON, SAT, TUE

#: A break window from the meeting's start, so a break can fall between the meeting and a visit.
EARLY_WINDOW = {"after_minutes": 360, "minutes": 30, "window": ["09:00", "14:30"]}


def h15(team: dict, plan: dict) -> list:
    return [v for v in report(team, plan).violations if v.rule == "H15"]


def test_each_long_shift_has_its_break():
    """The plan's breaks, 12:00–12:30 on every shift over 6 hours, hold H15."""
    assert h15(team_b(), plan_b()) == []


def test_a_long_shift_without_a_break_is_h15_and_never_excused():
    """A shift over after_minutes without its break breaks H15, whatever unmet says: a solver can
    always write the break."""
    plan = plan_b(unmet=[unmet("H15", staff_id="s-rn", day=MON)])
    plan["breaks"].remove(find_break(plan, "s-rn", MON))
    (found,) = h15(team_b(), plan)
    assert (found.staff, found.date, found.excused) == ("s-rn", MON, False)
    assert "0 breaks" in found.message


def test_two_breaks_on_one_shift_are_h15():
    """Exactly one break per long shift."""
    plan = plan_b()
    plan["breaks"].append(rest("s-rn", MON, "14:00", "14:30"))
    assert "2 breaks" in broken(team_b(), plan)["H15"][0]


def test_a_short_shift_has_no_break():
    """A shift of after_minutes or less (s-tl's four hours) carries no break."""
    plan = plan_b()
    plan["breaks"].append(rest("s-tl", MON, "11:30", "12:00"))
    (message,) = broken(team_b(), plan)["H15"]
    assert "not over 360" in message


def test_a_break_is_exactly_the_rules_minutes_inside_the_window_and_shift():
    """A 20-minute break, or one after the window closes, breaks H15."""
    plan = plan_b()
    find_break(plan, "s-rn", MON)["end"] = "12:20"
    find_break(plan, "s-cm", MON).update(start="14:30", end="15:00")
    messages = broken(team_b(), plan)["H15"]
    assert any("20 minutes" in m for m in messages)
    assert any("outside the break window 11:30–14:30" in m for m in messages)


def test_a_break_without_a_shift_is_h15():
    """A break on a date the staff member does not work breaks H15."""
    plan = plan_b()
    drop_shift(plan, "s-ps", SAT)
    plan["breaks"].append(rest("s-ps", SAT))
    # Without Saturday's coverage, so that only the break is wrong.
    assert any("no shift that date" in m for m in broken(team_b(coverage=None), plan)["H15"])


def test_a_break_overlapping_a_visit_is_h15_and_excusable():
    """A break during a visit breaks H15; an unmet H15 entry for that staff member and date owns
    up to it (the solver found no room), one for another date does not."""
    plan = plan_b()
    find_break(plan, "s-rn", MON).update(start="11:30", end="12:00")
    (found,) = h15(team_b(), plan)
    assert "overlaps the visit to c-1" in found.message and not found.excused
    plan["unmet"] = [unmet("H15", staff_id="s-rn", day=TUE)]
    assert not h15(team_b(), plan)[0].excused
    plan["unmet"] = [unmet("H15", staff_id="s-rn", day=MON)]
    assert h15(team_b(), plan)[0].excused


def test_the_gap_around_a_break_holds_the_travel_and_the_break():
    """Between the meeting (ends 09:30 at the office) and a visit at 10:00, 15 minutes from the
    office, there is no room for a 30-minute break; after the visit there is."""
    team = team_b(breaks=EARLY_WINDOW)
    plan = plan_b()
    find_break(plan, "s-cm", TUE).update(start="09:30", end="10:00")
    (message,) = broken(team, plan)["H15"]
    assert "does not fit between the team meeting" in message and "15-minute trip" in message
    find_break(plan, "s-cm", TUE).update(start="11:00", end="11:30")
    assert "H15" not in broken(team, plan)


def test_a_break_overlapping_the_meeting_is_h15():
    """A staff member who attends the meeting takes no break during it."""
    plan = plan_b()
    find_break(plan, "s-cm", MON).update(start="09:15", end="09:45")
    (message,) = broken(team_b(breaks=EARLY_WINDOW), plan)["H15"]
    assert "overlaps the team meeting" in message


def test_breaks_without_a_break_rule_are_h15():
    """A team without a break rule has no breaks on its plans."""
    messages = broken(team_b(breaks=None), plan_b())["H15"]
    assert messages and all("no break rule" in m for m in messages)


def test_breaks_name_team_staff():
    """A break naming someone not in the team is H12, as for every id on the plan."""
    plan = plan_b()
    plan["breaks"].append(rest("s-zz", MON))
    assert any("breaks[" in m and "s-zz" in m for m in broken(team_b(), plan)["H12"])
