"""H17 coverage: enough staff working, with the disciplines asked for, at every minute of each
coverage window on its days (FORMATS.md Part B); the minutes-short metric."""

from __future__ import annotations

from actplanner.checker import format_report, metrics
from tests.checker.part_b_files import drop_shift, find_shift, plan_b, report, staff, team_b, unmet
from tests.checker.test_checker import FRI, SAT

SATURDAY_ONLY = [{"days": ["sat"], "start": "09:00", "end": "17:30", "min_staff": 1}]
HOLIDAY_ONLY = [{"days": ["holiday"], "start": "09:00", "end": "17:30", "min_staff": 1}]


def h17(team: dict, plan: dict) -> list:
    return [v for v in report(team, plan).violations if v.rule == "H17"]


def nurse_leaves_at_noon_on_friday() -> tuple[dict, dict]:
    """The nurse's Friday leave from 12:00, her shift cut to 08:30–12:00 as H14 asks (she stays
    Friday's backup on call, an H9 matter these tests leave aside)."""
    team = team_b()
    staff(team, "s-rn")["leave"] = [{"start": f"{FRI}T12:00", "end": "2026-12-05T00:00"}]
    plan = plan_b()
    find_shift(plan, "s-rn", FRI)["end"] = "12:00"
    plan["breaks"] = [b for b in plan["breaks"] if (b["staff"], b["date"]) != ("s-rn", FRI)]
    return team, plan


def test_every_window_is_covered():
    """The Part B plan covers every window: no H17, nothing short."""
    assert h17(team_b(), plan_b()) == []
    assert metrics(team_b(), plan_b())["coverage_minutes_short"] == 0


def test_an_uncovered_window_is_h17_on_its_date():
    """With s-ps off on Saturday nobody works 09:00–17:30: H17 for that date, no staff named, and
    all 510 minutes short."""
    plan = plan_b()
    drop_shift(plan, "s-ps", SAT)
    (found,) = h17(team_b(), plan)
    assert (found.date, found.staff, found.client) == (SAT, None, None)
    assert "short for 510 minutes" in found.message
    assert metrics(team_b(), plan)["coverage_minutes_short"] == 510
    assert "H17 coverage (1)" in format_report(report(team_b(), plan))


def test_a_discipline_minimum_counts_minute_by_minute():
    """With the nurse gone from noon on Friday, 12:00–17:00 has no nurse (and from 13:00, when the
    team leader's shift ends, one staff member): 300 minutes short, each counted once."""
    team, plan = nurse_leaves_at_noon_on_friday()
    (found,) = h17(team, plan)
    assert found.date == FRI and "short for 300 minutes" in found.message
    assert "12:00–13:00 (2 working, 0 nurse)" in found.message
    assert "13:00–17:00 (1 working, 0 nurse)" in found.message
    assert metrics(team, plan)["coverage_minutes_short"] == 300


def test_a_shift_through_leave_does_not_count_as_working():
    """A shift left uncut by leave (H14) still leaves coverage short while its holder is on leave."""
    team, _ = nurse_leaves_at_noon_on_friday()
    found = report(team, plan_b())
    assert {"H14", "H17"} <= {v.rule for v in found.violations}, format_report(found)
    assert "short for 300 minutes" in next(v.message for v in found.violations if v.rule == "H17")


def test_an_unmet_h17_entry_excuses_its_date_only():
    """The solver owns up to a date it could not cover: an entry for that date excuses it; one for
    another date, or one naming a staff member, does not."""
    plan = plan_b()
    drop_shift(plan, "s-ps", SAT)
    for entry, excused in (
        (unmet("H17", day=FRI), False),
        (unmet("H17", staff_id="s-ps", day=SAT), False),
        (unmet("H17", day=SAT), True),
    ):
        plan["unmet"] = [entry]
        assert [v.excused for v in h17(team_b(), plan)] == [excused]


def test_on_a_holiday_only_holiday_coverage_applies():
    """On a Saturday that is a holiday, a window for ``sat`` does not apply, one for ``holiday`` does."""
    plan = plan_b()
    drop_shift(plan, "s-ps", SAT)
    holidays = [{"date": SAT, "name": "Founders' Day"}]
    assert h17(team_b(holidays=holidays, coverage=SATURDAY_ONLY), plan) == []
    (found,) = h17(team_b(holidays=holidays, coverage=HOLIDAY_ONLY), plan)
    assert "Founders' Day" in found.message
