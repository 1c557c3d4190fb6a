"""H16 team meeting: everyone whose shift covers it attends it at the office, except last night's
primary on call when rest_next_day_start is later (FORMATS.md Part B); the meeting-days metric."""

from __future__ import annotations

from actplanner.checker import metrics
from tests.checker.part_b_files import broken, last_week, plan_b, report, team_b, unmet
from tests.checker.test_checker import FRI, MON, TUE, _on_call, visit

FRIDAY_MEETING = {"days": ["fri"], "start": "09:00", "end": "09:30"}


def far_from_office(**policy: object) -> dict:
    """The Part B team with the nurse 45 minutes from the office: from 08:30 she cannot be at a
    09:00 meeting."""
    team = team_b(**policy)
    team["policy"]["travel"]["minutes"]["s-rn"]["office"] = 45
    return team


def h16(team: dict, plan: dict, *history: dict) -> list:
    return [v for v in report(team, plan, *history).violations if v.rule == "H16"]


def test_everyone_whose_shift_covers_the_meeting_attends():
    """In the Part B plan every day's meeting fits everyone's day."""
    assert h16(team_b(), plan_b()) == []


def test_a_visit_during_the_meeting_is_h16():
    """Moving c-2's Tuesday visit to 09:00 puts both its staff in a visit during the meeting."""
    plan = plan_b()
    visit(plan, "v-4").update(start="09:00", end="10:00")
    found = h16(team_b(), plan)
    assert sorted((v.staff, v.date) for v in found) == [("s-cm", TUE), ("s-tl", TUE)]
    assert all("during the team meeting 09:00–09:30" in v.message for v in found)


def test_the_travel_from_the_meeting_to_the_next_visit_fits():
    """A visit 15 minutes from the office cannot start ten minutes after the meeting ends."""
    plan = plan_b()
    visit(plan, "v-4").update(start="09:40", end="10:40")
    messages = broken(team_b(), plan)["H16"]
    assert messages and all("cannot get from the team meeting" in m for m in messages)


def test_the_travel_to_the_meeting_fits_and_last_nights_primary_is_exempt():
    """45 minutes from the office, the nurse cannot make a 09:00 meeting from an 08:30 start: on
    Monday, Thursday and Friday that is H16; on Tuesday and Wednesday she was primary on call the
    night before (rest until 10:00), so the meeting does not expect her."""
    found = h16(far_from_office(), plan_b())
    assert sorted(v.date for v in found) == [MON, "2026-12-03", FRI]
    assert all(v.staff == "s-rn" and "cannot reach the team meeting" in v.message for v in found)


def test_the_exemption_reads_last_weeks_sunday_primary_from_history():
    """With last week's plan of record making the nurse Sunday's primary, Monday's meeting does
    not expect her either."""
    sunday = last_week([], on_call=[_on_call("primary", "s-rn", "2026-11-29", MON)])
    assert MON not in [v.date for v in h16(far_from_office(), plan_b(), sunday)]


def test_no_exemption_when_rest_ends_before_the_meeting():
    """With rest_next_day_start at 09:00, no later than the meeting's start, last night's primary
    attends like everyone else."""
    team = far_from_office()
    team["policy"]["on_call"]["rest_next_day_start"] = "09:00"
    assert len(h16(team, plan_b())) == 5


def test_an_unmet_h16_entry_excuses_its_staff_and_date_only():
    """The solver owns up to a day it could not bring someone to the meeting: staff and date."""
    plan = plan_b(unmet=[unmet("H16", staff_id="s-rn", day=MON)])
    found = h16(far_from_office(), plan)
    assert [v.date for v in found if v.excused] == [MON]
    assert len([v for v in found if not v.excused]) == 2


def test_team_meeting_days_counts_dates_two_staff_attend():
    """Friday's meeting has the nurse and the team leader (the case manager was primary on
    Thursday night, s-ps is off): one meeting day; with the nurse unable to reach it, none."""
    assert metrics(team_b(), plan_b())["team_meeting_days"] == 5
    assert metrics(team_b(team_meeting=FRIDAY_MEETING), plan_b())["team_meeting_days"] == 1
    assert metrics(far_from_office(team_meeting=FRIDAY_MEETING), plan_b())["team_meeting_days"] == 0
    assert report(team_b(), plan_b()).metrics["team_meeting_days"] == 5


def test_travel_counts_the_legs_to_and_from_the_meeting():
    """The nurse's trips to the office for Monday's, Thursday's and Friday's meetings add
    25 (Monday: 15 there, 20 on to c-1, instead of 10 straight), 5 (Thursday: 15 + 15 instead of
    25 to c-2) and 30 (Friday, no visit: there and back) to the tiny plan's 220 minutes; staff
    who leave from the office travel nothing to it."""
    assert metrics(team_b(), plan_b())["travel_minutes_total"] == 220 + 25 + 5 + 30
