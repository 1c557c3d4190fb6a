"""H4's recurring requirements (every_days, window_days, last): due every_days after L, the
last date that provided them; overdue ones first; what was already provided (FORMATS.md,
"Recurring requirements")."""

from __future__ import annotations

from tests.checker.test_checker import MON, THU, WED
from tests.checker.v2_files import away, caught, excused, plan2, team2, visit
from tests.support.contact_files import contact, contact_log, missed, plan_file
from tests.support.contact_files import visit as record_visit


def injection(**fields: object) -> dict:
    """c-1's requirements with the injection every 14 days, window 1, and ``fields``."""
    return {
        "requirements": [
            {"discipline": "nurse", "visits": 1},
            {"skill": "lai_injection", "every_days": 14, "window_days": 1, **fields},
        ]
    }


def friday_by_the_case_manager() -> str:
    return (
        "c-1 needs a visit by someone with skill 'lai_injection' between 2026-12-03 and 2026-12-05 "
        "(due 2026-12-04; every 14 days, last on 2026-11-20); none is planned."
    )


def test_h4_catches_a_recurring_injection_due_from_last() -> None:
    """Last given 2026-11-20: due Friday, window Thursday to Saturday; Friday's visit is the case
    manager's, who gives no injections."""
    team = team2(c_1=injection(last="2026-11-20"))
    assert caught(team, plan2(), "H4") == [friday_by_the_case_manager()]
    visit_by_nurse = plan2()
    visit(visit_by_nurse, "v-3")["staff"] = ["s-rn"]
    assert caught(team, visit_by_nurse, "H4") == []


def test_h4_excuses_the_injection_by_client_and_due_date_only() -> None:
    team = team2(c_1=injection(last="2026-11-20"))
    owned = plan2(unmet=[{"rule": "H4", "client": "c-1", "date": "2026-12-04", "detail": "no nurse"}])
    assert caught(team, owned, "H4") == [] and excused(team, owned, "H4") == [friday_by_the_case_manager()]
    other_day = plan2(unmet=[{"rule": "H4", "client": "c-1", "date": WED, "detail": "no nurse"}])
    assert caught(team, other_day, "H4") == [friday_by_the_case_manager()]


def test_h4_l_is_the_later_of_last_and_the_seen_dates_of_record() -> None:
    """An injection planned on 2026-11-25 (no contact: it happened) moves the due date to 2026-12-09,
    out of this week; recorded as a no-show, it does not."""
    team = team2(c_1=injection(last="2026-11-20"))
    given = plan_file(
        "2026-11-23", record_visit("v-7", "c-1", ["s-rn"], "2026-11-25", purpose="lai_injection")
    )
    assert caught(team, plan2(), "H4", given) == []
    no_show = contact_log(missed("k-1", visit="v-7", date="2026-11-25"))
    assert caught(team, plan2(), "H4", given, no_show) == [friday_by_the_case_manager()]


def test_h4_an_injection_given_in_hospital_resets_the_clock() -> None:
    """A delivered contact at hospital is no seen date but provides the injection."""
    team = team2(c_1=injection(last="2026-11-20"))
    in_hospital = contact_log(contact("k-1", date="2026-11-26", place="hospital", skills=["lai_injection"]))
    assert caught(team, plan2(), "H4", in_hospital) == []
    phoned = contact_log(contact("k-1", date="2026-11-26", mode="phone", place=None))
    assert caught(team, plan2(), "H4", phoned) == [friday_by_the_case_manager()]


def test_h4_an_inpatient_visit_of_record_provides_too() -> None:
    team = team2(c_1=injection(last="2026-11-20"))
    record = plan_file(
        "2026-11-23",
        record_visit("v-7", "c-1", ["s-rn"], "2026-11-26", purpose="lai_injection", place="hospital"),
    )
    record["format"] = "actplanner/plan@2"
    assert caught(team, plan2(), "H4", record) == []
    refused = contact_log(missed("k-1", "refused", visit="v-7", date="2026-11-26"))
    assert caught(team, plan2(), "H4", record, refused) == [friday_by_the_case_manager()]


def test_h4_overdue_falls_due_on_the_first_open_date() -> None:
    """Due 2026-11-24, before the week: overdue, so due Monday (window Sunday to Tuesday); the
    nurse's Monday visit gives it, the case manager's would not."""
    team = team2(c_1=injection(last="2026-11-10"))
    assert caught(team, plan2(), "H4") == []
    plan = plan2()
    visit(plan, "v-1")["staff"] = ["s-cm"]
    assert caught(team, plan, "H4") == [
        "c-1 needs a visit by someone with skill 'lai_injection' between 2026-11-29 and 2026-12-01 "
        "(due 2026-11-30; overdue since 2026-11-24: every 14 days, last on 2026-11-10); none is planned."
    ]


def test_h4_overdue_while_away_falls_due_when_the_client_is_back() -> None:
    """Away Monday and Tuesday: the first open date is Wednesday, window Tuesday to Thursday."""
    team = team2(c_1={**injection(last="2026-11-10"), "episodes": [away(MON, WED)]})
    assert caught(team, plan2(), "H4") == []
    plan = plan2()
    visit(plan, "v-2")["staff"] = ["s-cm"]
    assert caught(team, plan, "H4") == [
        "c-1 needs a visit by someone with skill 'lai_injection' between 2026-12-01 and 2026-12-03 "
        "(due 2026-12-02; overdue since 2026-11-24: every 14 days, last on 2026-11-10); none is planned."
    ]


def test_h4_with_nothing_on_record_falls_due_on_the_first_open_date() -> None:
    team = team2(c_1=injection())
    plan = plan2()
    visit(plan, "v-1")["staff"] = ["s-cm"]
    assert caught(team, plan, "H4") == [
        "c-1 needs a visit by someone with skill 'lai_injection' between 2026-11-29 and 2026-12-01 "
        "(due 2026-11-30; every 14 days, none on record); none is planned."
    ]
    assert caught(team, plan2(), "H4") == []


def test_h4_in_a_replan_a_seen_date_before_f_already_provided_it() -> None:
    """Due Wednesday (window 2), re-planned from Thursday: Wednesday's injection (purpose, by the
    nurse) was the last one given, so nothing is due; as a no-show the last one is 2026-11-18, the
    due date (Wednesday) is before the first plannable date, so it is due Thursday (overdue)."""
    team = team2(c_1=injection(last="2026-11-18", window_days=2))
    plan = plan2(replan_from=THU)
    visit(plan, "v-2")["purpose"] = "lai_injection"
    visit(plan, "v-1")["staff"] = ["s-cm"]  # Monday's visit gives nothing
    assert caught(team, plan, "H4") == []
    missed_wednesday = contact_log(missed("k-1", visit="v-2", date=WED))
    assert [m for m in caught(team, plan, "H4", missed_wednesday) if "lai_injection" in m] == [
        "c-1 needs a visit by someone with skill 'lai_injection' between 2026-12-01 and 2026-12-05 "
        "(due 2026-12-03; overdue since 2026-12-02: every 14 days, last on 2026-11-18); none is planned."
    ]
    visit(plan, "v-3")["staff"] = ["s-rn"]
    assert caught(team, plan, "H4", missed_wednesday) == []


def test_h4_a_date_in_the_window_before_the_plannable_dates_already_provided_it() -> None:
    """Last given 2026-11-20, due Friday with a window of 3 (Tuesday to Monday), re-planned from
    Friday: an injection given in the community on Wednesday, inside the window before Friday,
    already provided it (it is also the new L: nothing is due)."""
    team = team2(c_1=injection(last="2026-11-20", window_days=3))
    plan = plan2(replan_from="2026-12-04")
    assert [m for m in caught(team, plan, "H4") if "lai_injection" in m] == [
        "c-1 needs a visit by someone with skill 'lai_injection' between 2026-12-01 and 2026-12-07 "
        "(due 2026-12-04; every 14 days, last on 2026-11-20); none is planned."
    ]
    given = contact_log(contact("k-1", date=WED, staff=["s-rn"], place="community", skills=["lai_injection"]))
    assert [m for m in caught(team, plan, "H4", given) if "lai_injection" in m] == []


def test_h4_recurring_discipline() -> None:
    """A nurse every 28 days (window 3), last 2026-11-04: due Wednesday; the nurse's Monday and
    Wednesday visits meet it, the case manager's would not."""
    team = team2(
        c_1={
            "requirements": [
                {"discipline": "nurse", "every_days": 28, "window_days": 3, "last": "2026-11-04"}
            ]
        }
    )
    assert caught(team, plan2(), "H4") == []
    plan = plan2()
    for vid in ("v-1", "v-2"):
        visit(plan, vid)["staff"] = ["s-cm"]
    assert caught(team, plan, "H4") == [
        "c-1 needs a visit by a nurse between 2026-11-29 and 2026-12-05 (due 2026-12-02; every 28 days, "
        "last on 2026-11-04); none is planned."
    ]


def test_h4_a_due_date_past_the_week_asks_nothing() -> None:
    team = team2(c_1=injection(last="2026-11-28"))
    plan = plan2()
    for vid in ("v-1", "v-2"):
        visit(plan, vid)["staff"] = ["s-cm"]
    assert not any("lai_injection" in m for m in caught(team, plan, "H4"))
