"""H13 episodes: home visits on open dates only, inpatient visits at the hospital, the weeks
after a discharge, a visit's place; H7 routes to the hospital (FORMATS.md, version 2 Part A)."""

from __future__ import annotations

from tests.checker.test_checker import FRI, MON, NEXT_MON, SAT, SUN, THU, TUE, WED
from tests.checker.v2_files import (
    FAR_HOSPITAL,
    HOSPITAL,
    caught,
    excused,
    home_visit,
    hospital_visit,
    inpatient,
    plan2,
    report,
    team2,
    visit,
)
from tests.support.contact_files import contact, contact_log

IN_HOSPITAL_ALL_WEEK = inpatient(MON, "2026-12-14", per_week=2, location=HOSPITAL)


def in_hospital_plan(*hospital: dict) -> dict:
    """c-1 without home visits and with ``hospital`` visits."""
    return plan2(*hospital, drop=("v-1", "v-2", "v-3"))


# -- home visits on open dates ----------------------------------------------------------------


def test_h13_catches_a_home_visit_while_in_hospital() -> None:
    team = team2(c_1={"episodes": [inpatient(THU, NEXT_MON)]})
    assert caught(team, plan2(), "H13") == [
        "Visit v-3 sees c-1 at home on 2026-12-04, but they are in hospital from 2026-12-03 until 2026-12-07."
    ]
    assert caught(team, plan2(drop=("v-3",)), "H13") == []


def test_h13_catches_a_home_visit_before_admission_and_excuses_it_by_date() -> None:
    team = team2(c_1={"admitted": TUE})
    expected = [
        "Visit v-1 sees c-1 at home on 2026-11-30, but they are not on the program then (admitted "
        "2026-12-01, discharged —)."
    ]
    assert caught(team, plan2(), "H13") == expected
    owned = plan2(unmet=[{"rule": "H13", "client": "c-1", "date": MON, "detail": "admitted Tuesday"}])
    assert caught(team, owned, "H13") == [] and excused(team, owned, "H13") == expected


# -- inpatient visits --------------------------------------------------------------------------


def test_h13_inpatient_visits_hold_at_the_hospital_in_the_shift() -> None:
    """In hospital all week, 2 a week: two hospital visits by the nurse (ITT), 45 minutes, inside
    the shift; no home visit is owed (no open date), and the nurse's hospital visits meet the
    nurse and injection requirements: the plan breaks no rule."""
    team = team2(c_1={"episodes": [IN_HOSPITAL_ALL_WEEK]})
    plan = in_hospital_plan(
        hospital_visit("v-h1", "c-1", ["s-rn"], TUE, "14:00", "14:45"),
        hospital_visit("v-h2", "c-1", ["s-rn"], FRI, "09:00", "09:45"),
    )
    found = report(team, plan)
    assert found.violations == [], [v.message for v in found.violations]


def test_h13_catches_too_few_inpatient_visits() -> None:
    team = team2(c_1={"episodes": [IN_HOSPITAL_ALL_WEEK]})
    plan = in_hospital_plan(hospital_visit("v-h1", "c-1", ["s-rn"], TUE, "14:00", "14:45"))
    assert caught(team, plan, "H13") == [
        "c-1 is in hospital (County hospital) on 7 date(s) this week and has 1 hospital visit(s); 2 a "
        "week asks for 2."
    ]


def test_h13_scales_inpatient_visits_to_the_dates_of_the_stay() -> None:
    """Monday to Wednesday in hospital at 2 a week: ceil(2 × 3 / 7) = 1 visit; two are one too many."""
    team = team2(c_1={"episodes": [inpatient(MON, THU, per_week=2, location=HOSPITAL)]})
    one = hospital_visit("v-h1", "c-1", ["s-rn"], TUE, "14:00", "14:45")
    assert caught(team, plan2(one, drop=("v-1", "v-2")), "H13") == []
    two = plan2(one, hospital_visit("v-h2", "c-1", ["s-rn"], WED, "14:00", "14:45"), drop=("v-1", "v-2"))
    assert caught(team, two, "H13") == [
        "c-1 is in hospital (County hospital) on 3 date(s) this week and has 2 hospital visit(s); 2 a "
        "week asks for 1."
    ]


def test_h13_an_inpatient_visit_needs_the_itt_and_the_visit_minutes() -> None:
    """The peer specialist is not in c-1's ITT; 30 minutes is not c-1's 45."""
    team = team2(c_1={"episodes": [IN_HOSPITAL_ALL_WEEK]})
    plan = in_hospital_plan(
        hospital_visit("v-h1", "c-1", ["s-ps"], TUE, "14:00", "14:45"),
        hospital_visit("v-h2", "c-1", ["s-rn"], FRI, "09:00", "09:30"),
    )
    assert caught(team, plan, "H13") == [
        "Hospital visit v-h1 to c-1 on 2026-12-01 has nobody from their ITT (s-cm, s-rn, s-tl).",
        "Hospital visit v-h2 to c-1 on 2026-12-04 09:00–09:30 lasts 30 minutes; their visits last 45.",
    ]


def test_h6_does_not_apply_the_availability_to_a_hospital_visit() -> None:
    """c-2 is available Tuesday and Thursday only; a Wednesday hospital visit is fine, a
    Wednesday home visit is not."""
    team = team2(c_2={"episodes": [inpatient(WED, THU, per_week=7, location=HOSPITAL)]})
    plan = plan2(hospital_visit("v-h", "c-2", ["s-rn", "s-cm"], WED, "14:00", "15:00"))
    assert caught(team, plan, "H6") == [] and caught(team, plan, "H13") == []
    plan["visits"][-1].pop("place")
    assert len(caught(team, plan, "H6")) == 1
    assert caught(team, plan, "H13")[0].startswith("Visit v-h sees c-2 at home on 2026-12-02")


def test_h7_routes_travel_to_and_from_the_hospital() -> None:
    """The far hospital is 29 minutes from the nurse's start (10 to c-1's home): 08:45 is too
    early for it, 09:00 is not."""
    stay = inpatient(MON, "2026-12-14", per_week=1, location=FAR_HOSPITAL)
    team = team2(c_1={"episodes": [stay]})
    plan = in_hospital_plan(hospital_visit("v-h", "c-1", ["s-rn"], FRI, "08:45", "09:30"))
    assert caught(team, plan, "H7") == [
        "s-rn cannot reach c-1 in hospital by 08:45 on 2026-12-04: the shift starts at 08:30 and the "
        "trip takes 29 minutes."
    ]
    visit(plan, "v-h").update(start="09:00", end="09:45")
    assert caught(team, plan, "H7") == []
    visit(plan, "v-h").update(start="16:00", end="16:45")
    assert caught(team, plan, "H7") == [
        "s-rn cannot be back by the end of their shift (17:00) on 2026-12-04: the visit to c-1 in "
        "hospital ends 16:45 and the trip back takes 29 minutes."
    ]


# -- place -------------------------------------------------------------------------------------


def test_h13_a_visit_place_is_home_or_hospital_on_a_hospital_date() -> None:
    team = team2()
    plan = plan2()
    visit(plan, "v-1")["place"] = "community"
    visit(plan, "v-2")["place"] = "hospital"
    visit(plan, "v-3")["place"] = "home"
    assert caught(team, plan, "H13") == [
        "Visit v-1 to c-1 on 2026-11-30 has place 'community'; a visit's place is home or hospital.",
        "Visit v-2 sees c-1 in hospital on 2026-12-02, but no hospital stay with a location holds that date.",
    ]
    visit(plan, "v-1")["place"] = "home"
    visit(plan, "v-2")["place"] = "home"
    assert caught(team, plan, "H13") == []


def test_h12_a_place_on_a_plan_at_1_is_an_error() -> None:
    plan = plan2(format="actplanner/plan@1")
    assert caught(team2(), plan, "H12") == []
    visit(plan, "v-1")["place"] = "home"
    assert caught(team2(), plan, "H12") == [
        "Visit v-1 says place 'home', but the plan's format is not 'actplanner/plan@2'."
    ]


# -- post-discharge ------------------------------------------------------------------------------

POST_DISCHARGE = {"days": 14, "visits_per_week": 5, "first_within_days": 1}


def discharged_wednesday() -> dict:
    team = team2(c_1={"episodes": [inpatient("2026-11-20", WED)]})
    team["policy"]["post_discharge"] = POST_DISCHARGE
    return team


def c1_home(*days: str) -> dict:
    visits = [home_visit(f"v-p{i}", "c-1", ["s-rn"], d, "11:00", "11:45") for i, d in enumerate(days)]
    return plan2(*visits, drop=("v-1", "v-2", "v-3"))


def test_h13_post_discharge_visits_and_the_first_one_hold() -> None:
    """Home on Wednesday: Wednesday to Sunday follow the stay, ceil(5 × 5 / 7) = 4 home visits on
    them, the first on Wednesday (first_within_days 1)."""
    assert caught(discharged_wednesday(), c1_home(WED, THU, FRI, SAT), "H13") == []


def test_h13_catches_too_few_post_discharge_visits() -> None:
    assert caught(discharged_wednesday(), c1_home(WED, FRI, SUN), "H13") == [
        "c-1 was discharged from hospital recently: 5 of this week's dates (2026-12-02 to 2026-12-06) "
        "follow the stay, so they need at least 4 home visit(s) on them (5 a week), and have 3."
    ]


def test_h13_catches_a_late_first_post_discharge_visit() -> None:
    assert caught(discharged_wednesday(), c1_home(THU, FRI, SAT, SUN), "H13") == [
        "c-1 came home from hospital on 2026-12-02 and needs a first home visit by 2026-12-02 (within 1 "
        "day(s)); none is planned."
    ]


def test_h13_a_seen_date_before_the_week_covers_the_first_post_discharge_visit() -> None:
    """Home on Saturday 2026-11-28, first visit within 3 days (to Monday): a plan without a Monday
    visit is caught unless the history shows a contact on Saturday."""
    team = team2(c_1={"episodes": [inpatient("2026-11-20", "2026-11-28")]})
    team["policy"]["post_discharge"] = {"days": 14, "visits_per_week": 2, "first_within_days": 3}
    plan = plan2(drop=("v-1",))
    assert caught(team, plan, "H13") == [
        "c-1 came home from hospital on 2026-11-28 and needs a first home visit by 2026-11-30 (within 3 "
        "day(s)); none is planned."
    ]
    saturday = contact_log(contact("k-1", date="2026-11-28", place="community"))
    assert caught(team, plan, "H13", saturday) == []
    assert caught(team, plan2(), "H13") == []


def test_the_travel_metric_goes_to_the_hospital() -> None:
    """The nurse's Friday at the far hospital is 29 + 29 minutes of travel; at c-1's home, 10 + 10."""
    stay = inpatient(MON, "2026-12-14", per_week=1, location=FAR_HOSPITAL)
    team = team2(c_1={"episodes": [stay]})
    plan = in_hospital_plan(hospital_visit("v-h", "c-1", ["s-rn"], FRI, "09:00", "09:45"))
    at_hospital = report(team, plan).metrics["travel_minutes_total"]
    visit(plan, "v-h").pop("place")
    assert at_hospital - report(team, plan).metrics["travel_minutes_total"] == 38
