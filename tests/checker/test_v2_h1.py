"""H1 in version 2: n from the acuity in force, the client's override, the week's open dates
and the post-discharge dates; home visits only (FORMATS.md, "H1 in version 2")."""

from __future__ import annotations

from tests.checker.test_checker import MON, NEXT_MON, THU, TUE, WED
from tests.checker.v2_files import HOSPITAL, away, caught, excused, hospital_visit, inpatient, plan2, team2

POST_DISCHARGE = {"days": 14, "visits_per_week": 5, "first_within_days": 2}


def test_h1_reads_the_acuity_in_force_for_the_week() -> None:
    """A step-down to stable dated before the week makes c-1's count 1: three visits are two too many."""
    team = team2(c_1={"acuity_changes": [{"date": "2026-11-23", "acuity": "stable"}]})
    assert caught(team, plan2(), "H1") == ["c-1 has 3 visit(s) this week; their plan calls for 1."]
    assert caught(team, plan2(drop=("v-2", "v-3")), "H1") == []


def test_h1_ignores_an_acuity_change_dated_after_the_week_start() -> None:
    """A change takes effect from the first week starting on or after its date."""
    team = team2(c_1={"acuity_changes": [{"date": TUE, "acuity": "stable"}]})
    assert caught(team, plan2(), "H1") == []
    assert caught(team, plan2(drop=("v-3",)), "H1") == [
        "c-1 has 2 visit(s) this week; their plan calls for 3."
    ]


def test_h1_the_client_override_wins_over_the_level_in_force() -> None:
    """c-2's own visits_per_week (2) stays when their level changes."""
    team = team2(c_2={"acuity_changes": [{"date": "2026-11-01", "acuity": "moderate"}]})
    assert caught(team, plan2(), "H1") == []
    assert caught(team, plan2(drop=("v-5",)), "H1") == [
        "c-2 has 1 visit(s) this week; their plan calls for 2."
    ]


def test_h1_scales_n_to_the_open_dates() -> None:
    """Discharged from the program on Thursday: 3 of 7 dates open, ceil(3 × 3 / 7) = 2 visits."""
    team = team2(c_1={"discharged": THU})
    assert caught(team, plan2(), "H1") == [
        "c-1 has 3 visit(s) this week; their plan calls for 2 (3 a week, 3 of the week's 7 dates open)."
    ]
    assert caught(team, plan2(drop=("v-3",)), "H1") == []


def test_h1_an_absence_closes_dates_like_a_discharge() -> None:
    team = team2(c_1={"episodes": [away(THU, NEXT_MON)]})
    assert len(caught(team, plan2(), "H1")) == 1
    assert caught(team, plan2(drop=("v-3",)), "H1") == []


def test_h1_raises_n_after_a_discharge_from_hospital() -> None:
    """Home on Monday from a stay: all 7 dates follow it, so max(3, ceil(5 × 7 / 7)) = 5."""
    team = team2(c_1={"episodes": [inpatient("2026-11-20", MON)]})
    team["policy"]["post_discharge"] = POST_DISCHARGE
    expected = [
        "c-1 has 3 visit(s) this week; their plan calls for 5 (5 a week after discharge on 7 of the "
        "week's dates)."
    ]
    assert caught(team, plan2(), "H1") == expected
    owned = plan2(unmet=[{"client": "c-1", "rule": "H1", "detail": "3 of 5 visits"}])
    assert caught(team, owned, "H1") == [] and excused(team, owned, "H1") == expected


def test_h1_does_not_count_hospital_visits() -> None:
    """In hospital Monday to Wednesday (3 dates, 7 a week: 3 hospital visits), home from
    Thursday: 4 open dates, ceil(3 × 4 / 7) = 2 home visits, the hospital ones not among them."""
    stay = inpatient(MON, THU, per_week=7, location=HOSPITAL)
    team = team2(c_1={"episodes": [stay]})
    hospital = [
        hospital_visit(f"v-h{i}", "c-1", ["s-rn"], day, "09:30", "10:15")
        for i, day in enumerate((MON, TUE, WED))
    ]
    plan = plan2(*hospital, drop=("v-1", "v-2"))
    assert caught(team, plan, "H1") == [
        "c-1 has 1 visit(s) this week; their plan calls for 2 (3 a week, 4 of the week's 7 dates open)."
    ]
    plan["visits"].append(
        {**hospital[0], "id": "v-9", "date": THU, "place": "home", "start": "15:00", "end": "15:45"}
    )
    assert caught(team, plan, "H1") == []
    assert caught(team, plan2(*hospital, drop=("v-1", "v-2")), "H13") == []


def test_h1_in_a_replan_needs_what_the_scaled_count_leaves() -> None:
    """Discharged Thursday, n = 2; seen Monday and Wednesday before a re-plan from Thursday,
    so nothing more: Friday's visit is one too many."""
    team = team2(c_1={"discharged": THU})
    plan = plan2(replan_from=THU)
    assert caught(team, plan, "H1") == [
        "c-1 has 1 visit(s) from 2026-12-03; they were seen on 2 date(s) before it, so 0 of their 2 "
        "(3 a week, 3 of the week's 7 dates open) are still needed."
    ]
    assert caught(team, plan2(replan_from=THU, drop=("v-3",)), "H1") == []
