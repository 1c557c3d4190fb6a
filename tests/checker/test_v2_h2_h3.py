"""H2 spaces home visits only, across weeks too; H3 and H9 read employment dates
(FORMATS.md, version 2 Part A)."""

from __future__ import annotations

from tests.checker.test_checker import MON, NEXT_MON, THU, TUE, WED
from tests.checker.v2_files import (
    HOSPITAL,
    caught,
    excused,
    hospital_visit,
    inpatient,
    plan2,
    staff,
    team2,
    visit,
)
from tests.support.contact_files import plan_file
from tests.support.contact_files import visit as record_visit

LAST_SUN = "2026-11-29"

# -- H2 ---------------------------------------------------------------------------------------


def test_h2_does_not_space_home_visits_from_a_hospital_visit() -> None:
    """In hospital Monday and Tuesday (seen there on Tuesday), home from Wednesday: Wednesday's
    home visit is a day after the hospital one, and only home visits are spaced."""
    team = team2(c_1={"visits_per_week": 2, "episodes": [inpatient(MON, WED, per_week=4, location=HOSPITAL)]})
    plan = plan2(hospital_visit("v-h", "c-1", ["s-rn"], TUE, "09:30", "10:15"), drop=("v-1",))
    assert caught(team, plan, "H2") == []
    visit(plan, "v-3")["date"] = THU  # Wednesday and Thursday are one day apart
    assert caught(team, plan, "H2") == [
        "c-1 is visited on 2026-12-02 and 2026-12-03, 1 day(s) apart; their acuity needs at least 2 "
        "day(s) between visits."
    ]


def test_h2_across_weeks_spaces_from_a_home_visit_of_record_not_a_hospital_one() -> None:
    """Last Sunday's home visit of record is a day before this Monday's; a hospital visit is not."""
    team = team2()
    at_home = plan_file("2026-11-23", record_visit("v-7", "c-1", ["s-rn"], LAST_SUN))
    in_hospital = plan_file("2026-11-23", record_visit("v-7", "c-1", ["s-rn"], LAST_SUN, place="hospital"))
    in_hospital["format"] = "actplanner/plan@2"
    assert caught(team, plan2(), "H2", at_home) == [
        "c-1 is visited on 2026-11-30, 1 day(s) after their last planned contact on 2026-11-29; "
        "their acuity needs at least 2 day(s) between visits."
    ]
    assert caught(team, plan2(), "H2", in_hospital) == []


# -- H3: employment -----------------------------------------------------------------------------


def test_h3_catches_a_visit_after_employment_ends() -> None:
    """The nurse leaves on Wednesday ([from, until)): Wednesday's visit is not theirs to make."""
    team = team2()
    staff(team, "s-rn")["employed_until"] = WED
    found = caught(team, plan2(), "H3")
    assert "s-rn is not employed on 2026-12-02 (employed until 2026-12-02) but visits c-1 that day." in found
    assert "s-rn is not employed on 2026-12-03 (employed until 2026-12-02) but visits c-2 that day." in found
    assert not any("2026-11-30" in m for m in found)  # Monday is inside the employment


def test_h3_holds_inside_employment_and_an_unmet_entry_by_staff_and_date_excuses_one_date() -> None:
    team = team2()
    staff(team, "s-rn").update(employed_from="2024-05-01", employed_until=NEXT_MON)
    assert caught(team, plan2(), "H3") == []
    staff(team, "s-rn")["employed_from"] = TUE
    owned = plan2(unmet=[{"rule": "H3", "staff": "s-rn", "date": MON, "detail": "starts Tuesday"}])
    assert excused(team, owned, "H3") == [
        "s-rn is not employed on 2026-11-30 (employed from 2026-12-01 until 2026-12-07) but visits c-1 "
        "that day."
    ]
    assert caught(team, owned, "H3") == []


# -- H9: no on-call period outside employment -----------------------------------------------------


def test_h9_catches_an_on_call_period_before_employment_starts() -> None:
    """The team leader starts on Tuesday; Monday's backup period begins before that."""
    team = team2()
    staff(team, "s-tl")["employed_from"] = TUE
    assert caught(team, plan2(), "H9") == [
        "s-tl holds the backup on-call period from 2026-11-30T08:30 to 2026-12-01T08:30, outside their "
        "employment (employed from 2026-12-01)."
    ]


def test_h9_holds_inside_employment_and_a_period_reaching_past_its_end_is_caught() -> None:
    """Employed until Saturday: the Friday period ends Saturday 08:30, past the last day."""
    team = team2()
    staff(team, "s-tl")["employed_from"] = MON
    assert caught(team, plan2(), "H9") == []
    staff(team, "s-tl")["employed_until"] = "2026-12-05"
    found = caught(team, plan2(), "H9")
    assert [m.split(" to ")[0] for m in found] == [
        "s-tl holds the primary on-call period from 2026-12-04T08:30",
        "s-tl holds the backup on-call period from 2026-12-05T08:30",
        "s-tl holds the backup on-call period from 2026-12-06T08:30",
    ]
    owned = plan2(unmet=[{"rule": "H9", "staff": "s-tl", "detail": "leaves on Saturday"}])
    assert caught(team, owned, "H9") == [] and len(excused(team, owned, "H9")) == 3
