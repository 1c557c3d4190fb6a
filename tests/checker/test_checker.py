"""The independent plan checker: one valid tiny plan, then one broken rule at a time."""

from __future__ import annotations

import math

import pytest

from actplanner.checker import Report, check, format_report, metrics
from actplanner.checker.travel import Place, Travel, haversine_km
from tests.support.team_files import team_file

WEEK = "2026-11-30"  # A Monday; the week runs to Sunday 2026-12-06.
MON, TUE, WED, THU, FRI, SAT, SUN = (
    f"2026-{d}" for d in ("11-30", "12-01", "12-02", "12-03", "12-04", "12-05", "12-06")
)
NEXT_MON = "2026-12-07"


def _visit(vid: str, client: str, staff: list[str], day: str, start: str, end: str) -> dict:
    return {"id": vid, "client": client, "staff": staff, "date": day, "start": start, "end": end}


def _on_call(role: str, staff: str, day: str, next_day: str) -> dict:
    return {"role": role, "staff": staff, "start": f"{day}T08:30", "end": f"{next_day}T08:30"}


PRIMARY = ["s-rn", "s-rn", "s-cm", "s-cm", "s-tl", "s-rn", "s-cm"]
BACKUP = ["s-tl", "s-tl", "s-rn", "s-rn", "s-rn", "s-tl", "s-tl"]


def make_plan() -> dict:
    """A plan for team_file("tiny") that meets every hard rule: c-1 Mon/Wed/Fri, c-2 Tue/Thu in
    pairs, a primary and a backup for each of the seven periods."""
    days = [MON, TUE, WED, THU, FRI, SAT, SUN, NEXT_MON]
    on_call = []
    for i in range(7):
        on_call.append(_on_call("primary", PRIMARY[i], days[i], days[i + 1]))
        on_call.append(_on_call("backup", BACKUP[i], days[i], days[i + 1]))
    return {
        "format": "actplanner/plan@1",
        "team": "tiny",
        "week_start": WEEK,
        "visits": [
            _visit("v-1", "c-1", ["s-rn"], MON, "11:00", "11:45"),
            _visit("v-2", "c-1", ["s-rn"], WED, "11:00", "11:45"),
            _visit("v-3", "c-1", ["s-cm"], FRI, "14:00", "14:45"),
            _visit("v-4", "c-2", ["s-tl", "s-cm"], TUE, "10:00", "11:00"),
            _visit("v-5", "c-2", ["s-rn", "s-cm"], THU, "13:00", "14:00"),
        ],
        "on_call": on_call,
        "caseload": {
            "c-1": {"primary": "s-cm", "itt": ["s-cm", "s-rn", "s-tl"]},
            "c-2": {"primary": "s-rn", "itt": ["s-rn", "s-cm", "s-ps"]},
        },
        "unmet": [],
        "metrics": {},
        "solver": {"status": "feasible"},
    }


def visit(plan: dict, vid: str) -> dict:
    return next(v for v in plan["visits"] if v["id"] == vid)


def staff(team: dict, sid: str) -> dict:
    return next(s for s in team["staff"] if s["id"] == sid)


def client(team: dict, cid: str) -> dict:
    return next(c for c in team["clients"] if c["id"] == cid)


def on_call(plan: dict, role: str, day: str) -> dict:
    return next(e for e in plan["on_call"] if e["role"] == role and e["start"].startswith(day))


def rules(report: Report) -> set[str]:
    return {v.rule for v in report.violations}


def only(report: Report, rule: str) -> list:
    """The violations of ``rule``, after asserting that no other rule fired."""
    assert rules(report) == {rule}, format_report(report)
    return report.violations


# -- the valid plan ---------------------------------------------------------------------------


def test_tiny_plan_is_valid():
    """The hand-built tiny plan breaks no hard rule."""
    report = check(team_file("tiny"), make_plan(), week_start=WEEK)
    assert report.violations == [], format_report(report)
    assert report.valid


def test_check_does_not_touch_its_input():
    """check() leaves the team and plan dicts as they were."""
    team, plan = team_file("tiny"), make_plan()
    check(team, plan)
    assert team == team_file("tiny") and plan == make_plan()


# -- H1 visit count ---------------------------------------------------------------------------


def test_h1_missing_visit():
    """A client with fewer visits than visits_per_week breaks H1."""
    plan = make_plan()
    plan["visits"].remove(visit(plan, "v-3"))
    (violation,) = only(check(team_file("tiny"), plan), "H1")
    assert violation.client == "c-1" and "2 visit(s)" in violation.message


def test_h1_two_visits_on_one_date():
    """Two visits of one client on the same date break H1 (not H2)."""
    plan = make_plan()
    visit(plan, "v-3")["date"] = WED
    (violation,) = only(check(team_file("tiny"), plan), "H1")
    assert violation.date == WED


def test_h1_client_override_of_visits_per_week():
    """A client's own visits_per_week overrides their acuity's default."""
    team = team_file("tiny")
    client(team, "c-2")["visits_per_week"] = 3
    assert only(check(team, make_plan()), "H1")[0].client == "c-2"


# -- H2 spacing -------------------------------------------------------------------------------


def test_h2_visits_too_close():
    """Wed and Thu visits are 1 day apart, too close for a min_gap_days of 2."""
    plan = make_plan()
    visit(plan, "v-3").update(date=THU, start="15:00", end="15:45")
    (violation,) = only(check(team_file("tiny"), plan), "H2")
    assert (violation.client, violation.date) == ("c-1", THU)


def test_h2_min_gap_defaults_to_one_day():
    """Without min_gap_days a stable client may be seen on consecutive days."""
    team, plan = team_file("tiny"), make_plan()
    client(team, "c-2")["availability"]["wed"] = [["09:00", "12:00"]]
    visit(plan, "v-5").update(date=WED, start="09:00", end="10:00", staff=["s-tl", "s-cm"])
    report = check(team, plan)
    assert "H2" not in rules(report), format_report(report)


# -- H3 staff eligibility ---------------------------------------------------------------------


def test_h3_no_shift_that_day():
    """A visit on a weekday the staff member does not work breaks H3."""
    team = team_file("tiny")
    del staff(team, "s-cm")["shifts"]["fri"]
    (violation,) = only(check(team, make_plan()), "H3")
    assert (violation.staff, violation.date) == ("s-cm", FRI)


def test_h3_outside_shift_hours():
    """A visit ending after the shift ends breaks H3 (and the route back breaks H7)."""
    team = team_file("tiny")
    staff(team, "s-cm")["shifts"]["fri"] = ["08:30", "14:30"]
    report = check(team, make_plan())
    assert rules(report) == {"H3", "H7"}


def test_h3_leave_during_visit():
    """Leave overlapping a visit makes the staff member unavailable for it."""
    team = team_file("tiny")
    staff(team, "s-cm")["leave"] = [{"start": f"{FRI}T14:30", "end": f"{FRI}T18:00"}]
    assert only(check(team, make_plan()), "H3")[0].staff == "s-cm"


def test_h3_leave_ending_as_visit_starts_is_fine():
    """Leave is end-exclusive: leave until 14:00 does not clash with a 14:00 visit."""
    team = team_file("tiny")
    staff(team, "s-cm")["leave"] = [{"start": f"{FRI}T08:30", "end": f"{FRI}T14:00"}]
    assert check(team, make_plan()).violations == []


def test_h3_excluded_staff():
    """A staff member on the client's excluded_staff list may not visit them."""
    team = team_file("tiny")
    client(team, "c-1")["excluded_staff"].append("s-cm")
    assert "excluded" in only(check(team, make_plan()), "H3")[0].message


def test_h3_language():
    """A staff member who does not speak the client's language may not visit them."""
    team = team_file("tiny")
    staff(team, "s-cm")["languages"] = ["en"]
    assert "'es'" in only(check(team, make_plan()), "H3")[0].message


# -- H4 requirements --------------------------------------------------------------------------


def test_h4_discipline_count():
    """Too few visits with the required discipline break H4."""
    team = team_file("tiny")
    client(team, "c-2")["requirements"][0]["visits"] = 2
    assert only(check(team, make_plan()), "H4")[0].client == "c-2"


def test_h4_skill_in_window():
    """An injection due Wednesday with no skilled visitor Tue–Thu breaks H4."""
    plan = make_plan()
    visit(plan, "v-2")["staff"] = ["s-cm"]
    (violation,) = only(check(team_file("tiny"), plan), "H4")
    assert violation.date == WED and "lai_injection" in violation.message


def test_h4_skill_window_outside_week_is_ignored():
    """A skill requirement whose window misses the week asks nothing this week."""
    team, plan = team_file("tiny"), make_plan()
    client(team, "c-1")["requirements"][1]["due"] = "2026-12-09"  # window Dec 8–10
    visit(plan, "v-2")["staff"] = ["s-cm"]
    assert check(team, plan).violations == []


def test_h4_skill_window_reaching_into_week_counts():
    """A window that starts before the week still needs a skilled visit inside the week."""
    team, plan = team_file("tiny"), make_plan()
    client(team, "c-1")["requirements"][1].update(due="2026-11-28", window_days=3)
    visit(plan, "v-1")["staff"] = ["s-cm"]  # Mon 11-30 was the only date in the window
    assert only(check(team, plan), "H4")[0].client == "c-1"


# -- H5 pairs ---------------------------------------------------------------------------------


def test_h5_paired_client_with_one_staff():
    """A paired client's visit with a single staff member breaks H5."""
    plan = make_plan()
    visit(plan, "v-5")["staff"] = ["s-cm"]
    assert only(check(team_file("tiny"), plan), "H5")[0].client == "c-2"


def test_h5_paired_client_with_the_same_staff_twice():
    """Two slots filled by one person are not a pair."""
    plan = make_plan()
    visit(plan, "v-5")["staff"] = ["s-cm", "s-cm"]
    assert only(check(team_file("tiny"), plan), "H5")[0].client == "c-2"


def test_h5_unpaired_client_with_two_staff():
    """An unpaired client's visit has exactly one staff member."""
    plan = make_plan()
    visit(plan, "v-3")["staff"] = ["s-cm", "s-rn"]
    assert only(check(team_file("tiny"), plan), "H5")[0].client == "c-1"


# -- H6 time windows --------------------------------------------------------------------------


def test_h6_wrong_duration():
    """A visit shorter than visit_minutes breaks H6."""
    plan = make_plan()
    visit(plan, "v-3")["end"] = "14:30"
    assert "lasts 30 minutes" in only(check(team_file("tiny"), plan), "H6")[0].message


def test_h6_outside_availability():
    """A visit partly outside the client's window for that weekday breaks H6."""
    plan = make_plan()
    visit(plan, "v-5").update(start="12:30", end="13:30")
    assert only(check(team_file("tiny"), plan), "H6")[0].date == THU


def test_h6_weekday_left_out_of_availability():
    """A weekday missing from availability means no visit that day."""
    team = team_file("tiny")
    del client(team, "c-2")["availability"]["thu"]
    assert "no time at all" in only(check(team, make_plan()), "H6")[0].message


# -- H7 routes --------------------------------------------------------------------------------


def test_h7_first_visit_too_early_for_travel():
    """Shift start 08:30 plus 10 minutes' travel cannot make an 08:35 visit."""
    plan = make_plan()
    visit(plan, "v-1").update(start="08:35", end="09:20")
    (violation,) = only(check(team_file("tiny"), plan), "H7")
    assert (violation.staff, violation.date) == ("s-rn", MON)


def test_h7_travel_between_visits_too_tight():
    """Five minutes between visits cannot cover a 10-minute trip."""
    team, plan = team_file("tiny"), make_plan()
    team["policy"]["acuity"]["moderate"]["min_gap_days"] = 1
    visit(plan, "v-3").update(date=THU, start="14:05", end="14:50")
    (violation,) = only(check(team, plan), "H7")
    assert "10 minutes" in violation.message and violation.staff == "s-cm"


def test_h7_overlapping_visits():
    """One staff member cannot be at two visits at once."""
    team, plan = team_file("tiny"), make_plan()
    team["policy"]["acuity"]["moderate"]["min_gap_days"] = 1
    visit(plan, "v-3").update(date=THU, start="13:30", end="14:15")
    assert "at once" in only(check(team, plan), "H7")[0].message


def test_h7_no_time_to_get_back():
    """The last visit must end early enough to travel back before the shift ends."""
    plan = make_plan()
    visit(plan, "v-3").update(start="16:00", end="16:45")
    assert "back" in only(check(team_file("tiny"), plan), "H7")[0].message


def test_h7_missing_matrix_pair():
    """A travel matrix without a needed pair is reported, not assumed zero silently."""
    team = team_file("tiny")
    del team["policy"]["travel"]["minutes"]["s-rn"]["c-1"]
    assert "travel time" in only(check(team, make_plan()), "H7")[0].message


def test_h7_haversine_model():
    """With the default haversine model a 12:00 visit 1° of latitude away is unreachable."""
    team, plan = team_file("tiny"), make_plan()
    del team["policy"]["travel"]  # haversine, 30 km/h, detour 1.3: 1° of latitude is 290 min
    staff(team, "s-rn")["start"] = {"lat": 41.91, "lon": -87.65}  # at c-1's home
    client(team, "c-2")["home"] = {"lat": 42.91, "lon": -87.65}
    report = check(team, plan)
    assert {v.rule for v in report.violations} == {"H7"}
    assert any("290 minutes" in v.message for v in report.violations), format_report(report)


# -- H8 daily limit ---------------------------------------------------------------------------


def test_h8_daily_limit():
    """More visits on a date than max_visits_per_day breaks H8."""
    team = team_file("tiny")
    staff(team, "s-rn")["max_visits_per_day"] = 0
    violations = only(check(team, make_plan()), "H8")
    assert {v.date for v in violations} == {MON, WED, THU}


# -- H9 on-call coverage ----------------------------------------------------------------------


def test_h9_missing_backup():
    """A period without a backup breaks H9 when the policy defines the role."""
    plan = make_plan()
    plan["on_call"].remove(on_call(plan, "backup", THU))
    (violation,) = only(check(team_file("tiny"), plan), "H9")
    assert violation.date == THU and "0 backup" in violation.message


def test_h9_backup_not_required_when_undefined():
    """Without a backup role in the policy, primaries alone cover the week."""
    team, plan = team_file("tiny"), make_plan()
    del team["policy"]["on_call"]["roles"]["backup"]
    plan["on_call"] = [e for e in plan["on_call"] if e["role"] == "primary"]
    assert check(team, plan).violations == []


def test_h9_wrong_bounds():
    """An entry that stops at 09:00 instead of the 08:30 handoff is not the period."""
    plan = make_plan()
    on_call(plan, "backup", THU)["end"] = f"{FRI}T09:00"
    violations = only(check(team_file("tiny"), plan), "H9")
    assert len(violations) == 2  # the odd entry, and Thursday's period left without a backup


def test_h9_two_primaries():
    """A period with two primary entries breaks H9."""
    plan = make_plan()
    plan["on_call"].append(_on_call("primary", "s-tl", THU, FRI))
    assert "2 primary" in only(check(team_file("tiny"), plan), "H9")[0].message


def test_h9_primary_is_backup():
    """Primary and backup of one period must be different people."""
    plan = make_plan()
    on_call(plan, "primary", FRI)["staff"] = "s-rn"
    (violation,) = only(check(team_file("tiny"), plan), "H9")
    assert (violation.staff, violation.date) == ("s-rn", FRI)


def test_h9_holder_on_leave():
    """A holder on leave during part of their period breaks H9."""
    team = team_file("tiny")
    staff(team, "s-tl")["leave"] = [{"start": f"{MON}T18:00", "end": f"{MON}T22:00"}]
    assert "leave" in only(check(team, make_plan()), "H9")[0].message


def test_h9_holder_without_the_role():
    """A holder whose on_call_roles lack the role breaks H9."""
    plan = make_plan()
    on_call(plan, "backup", SAT)["staff"] = "s-cm"
    violations = only(check(team_file("tiny"), plan), "H9")
    assert len(violations) == 2  # not in on_call_roles, and a case manager may not be backup


def test_h9_unknown_role():
    """An entry with a role the policy does not define breaks H9."""
    plan = make_plan()
    plan["on_call"].append({**on_call(plan, "backup", SAT), "role": "prescriber"})
    assert "prescriber" in only(check(team_file("tiny"), plan), "H9")[0].message


# -- H10 on-call limits -----------------------------------------------------------------------


def test_h10_too_many_consecutive_primaries():
    """Three primary periods in a row exceed max_consecutive 2."""
    plan = make_plan()
    on_call(plan, "primary", WED)["staff"] = "s-rn"
    on_call(plan, "backup", WED)["staff"] = "s-tl"
    (violation,) = only(check(team_file("tiny"), plan), "H10")
    assert (violation.staff, violation.date) == ("s-rn", WED)


def test_h10_rest_after_primary_night():
    """The primary of Tuesday night may not start a visit on Wednesday before 10:00."""
    plan = make_plan()
    visit(plan, "v-2").update(start="09:00", end="09:45")
    (violation,) = only(check(team_file("tiny"), plan), "H10")
    assert (violation.staff, violation.date, violation.client) == ("s-rn", WED, None)


def test_h10_rest_ends_at_rest_next_day_start():
    """A visit starting exactly at rest_next_day_start is allowed."""
    plan = make_plan()
    visit(plan, "v-2").update(start="10:00", end="10:45")
    assert check(team_file("tiny"), plan).violations == []


# -- H11 caseload -----------------------------------------------------------------------------


def test_h11_fte_floor():
    """At 0.4 FTE and a cap of 2, floor(0.8) = 0 clients may have s-rn as primary."""
    team = team_file("tiny")
    staff(team, "s-rn")["fte"] = 0.4
    (violation,) = only(check(team, make_plan()), "H11")
    assert violation.staff == "s-rn" and "limit is 0" in violation.message


def test_h11_itt_too_small():
    """An ITT of two breaks H11 (3–5 distinct staff)."""
    plan = make_plan()
    plan["caseload"]["c-2"]["itt"] = ["s-rn", "s-cm"]
    assert "3 to 5" in only(check(team_file("tiny"), plan), "H11")[0].message


def test_h11_itt_too_large():
    """An ITT of six breaks H11."""
    team, plan = team_file("tiny"), make_plan()
    team["staff"].extend({**staff(team, "s-ps"), "id": f"s-x{i}"} for i in range(3))
    plan["caseload"]["c-2"]["itt"] = ["s-rn", "s-cm", "s-ps", "s-x0", "s-x1", "s-x2"]
    assert only(check(team, plan), "H11")[0].client == "c-2"


def test_h11_primary_outside_itt():
    """The primary must be a member of the ITT."""
    plan = make_plan()
    plan["caseload"]["c-2"]["itt"] = ["s-tl", "s-cm", "s-ps"]
    assert "does not include" in only(check(team_file("tiny"), plan), "H11")[0].message


def test_h11_input_primary_kept():
    """A primary given in the team file must be kept by the plan."""
    plan = make_plan()
    plan["caseload"]["c-1"]["primary"] = "s-rn"
    assert only(check(team_file("tiny"), plan), "H11")[0].client == "c-1"


def test_h11_input_itt_kept():
    """An ITT given in the team file must be kept by the plan."""
    plan = make_plan()
    plan["caseload"]["c-1"]["itt"] = ["s-cm", "s-rn", "s-ps"]
    assert only(check(team_file("tiny"), plan), "H11")[0].client == "c-1"


def test_h11_primary_discipline():
    """A psychiatrist cannot be a client's primary."""
    team, plan = team_file("tiny"), make_plan()
    staff(team, "s-ps")["discipline"] = "psychiatrist"
    plan["caseload"]["c-2"]["primary"] = "s-ps"
    assert "psychiatrist" in only(check(team, plan), "H11")[0].message


def test_h11_client_missing_from_caseload():
    """Every client needs a caseload entry."""
    plan = make_plan()
    del plan["caseload"]["c-2"]
    assert only(check(team_file("tiny"), plan), "H11")[0].client == "c-2"


# -- H12 integrity ----------------------------------------------------------------------------


def test_h12_team_mismatch():
    """A plan for another team breaks H12."""
    plan = make_plan()
    plan["team"] = "westside"
    only(check(team_file("tiny"), plan), "H12")


def test_h12_requested_week_mismatch():
    """A plan for another week than the one asked for breaks H12."""
    report = check(team_file("tiny"), make_plan(), week_start="2026-12-07")
    assert "asked for" in only(report, "H12")[0].message


def test_h12_week_start_not_monday():
    """week_start must be a Monday."""
    plan = make_plan()
    plan["week_start"] = TUE
    assert any("not a Monday" in v.message for v in check(team_file("tiny"), plan).violations)


def test_h12_unknown_staff_on_visit():
    """A visit naming staff the team does not have breaks H12."""
    plan = make_plan()
    visit(plan, "v-3")["staff"] = ["s-ghost"]
    assert "s-ghost" in only(check(team_file("tiny"), plan), "H12")[0].message


def test_h12_unknown_client_visit():
    """A visit to a client the team does not have breaks H12 only."""
    plan = make_plan()
    plan["visits"].append(_visit("v-9", "c-ghost", ["s-cm"], MON, "15:00", "15:45"))
    only(check(team_file("tiny"), plan), "H12")


def test_h12_unknown_staff_on_call_and_caseload():
    """On-call and caseload entries must name known staff."""
    plan = make_plan()
    on_call(plan, "backup", SUN)["staff"] = "s-ghost"
    plan["caseload"]["c-2"]["itt"][2] = "s-ghost"
    assert len(only(check(team_file("tiny"), plan), "H12")) == 2


def test_h12_duplicate_visit_id():
    """Visit ids are unique."""
    plan = make_plan()
    visit(plan, "v-3")["id"] = "v-1"
    only(check(team_file("tiny"), plan), "H12")


def test_h12_visit_outside_week():
    """A visit dated outside the week breaks H12, and its client is a visit short (H1)."""
    plan = make_plan()
    visit(plan, "v-3")["date"] = "2026-12-11"
    assert rules(check(team_file("tiny"), plan)) == {"H1", "H12"}


def test_h12_malformed_time_is_reported_not_raised():
    """A visit time like 25:00 is an H12 violation, not a crash."""
    plan = make_plan()
    visit(plan, "v-3")["start"] = "25:00"
    assert "not a time" in only(check(team_file("tiny"), plan), "H12")[0].message


def test_garbage_plan_does_not_crash():
    """Wrong types anywhere in the plan give violations, never an exception."""
    plan = make_plan()
    plan["visits"].append({"id": ["x"], "client": ["c-1"], "staff": "s-rn"})
    plan["visits"].append("v-10")
    plan["on_call"].append({"role": "primary", "staff": ["s-rn"], "start": 5, "end": None})
    plan["caseload"]["c-1"] = {"primary": 3, "itt": "s-cm"}
    report = check(team_file("tiny"), plan)
    assert {"H9", "H11", "H12"} <= rules(report)
    assert check({}, {}).violations and check(team_file("tiny"), {"visits": 3}).violations


# -- unmet excuses ----------------------------------------------------------------------------


def test_unmet_excuses_the_named_client_and_rule():
    """An unmet entry with the same rule and client excuses the violation."""
    plan = make_plan()
    plan["visits"].remove(visit(plan, "v-3"))
    plan["unmet"] = [{"client": "c-1", "rule": "H1", "detail": "2 of 3 visits"}]
    report = check(team_file("tiny"), plan)
    assert [v.excused for v in report.violations] == [True]
    assert report.unexcused == [] and report.valid


def test_unmet_for_another_client_or_rule_does_not_excuse():
    """An unmet entry for another client, or another rule, excuses nothing."""
    plan = make_plan()
    plan["visits"].remove(visit(plan, "v-3"))
    plan["unmet"] = [
        {"client": "c-2", "rule": "H1", "detail": "x"},
        {"client": "c-1", "rule": "H2", "detail": "x"},
    ]
    assert len(check(team_file("tiny"), plan).unexcused) == 1


def test_unmet_without_client_excuses_only_its_rule():
    """An unmet H9 with no client excuses on-call gaps but not an H10 violation."""
    plan = make_plan()
    plan["on_call"].remove(on_call(plan, "backup", THU))
    visit(plan, "v-2").update(start="09:00", end="09:45")
    plan["unmet"] = [{"client": None, "rule": "H9", "detail": "no backup on Thursday"}]
    report = check(team_file("tiny"), plan)
    assert [v.rule for v in report.unexcused] == ["H10"]
    assert [v.rule for v in report.violations if v.excused] == ["H9"]


# -- report formatting ------------------------------------------------------------------------


def test_format_report_groups_by_rule():
    """The text report has a header per rule and a line per violation, then metrics."""
    plan = make_plan()
    plan["visits"].remove(visit(plan, "v-3"))
    visit(plan, "v-2").update(start="09:00", end="09:45")
    text = format_report(check(team_file("tiny"), plan))
    assert "H1 visit count (1)" in text and "  H1 c-1: c-1 has 2 visit(s)" in text
    assert f"  H10 s-rn {WED}: s-rn was primary" in text
    assert text.index("H1 visit count") < text.index("H10 on-call limits") < text.index("Metrics")


# -- travel and metrics -----------------------------------------------------------------------


def test_haversine_travel_minutes():
    """1° of latitude is 111.19 km; × 1.3 at 30 km/h is 289.1, rounded up to 290 minutes."""
    assert haversine_km((41.0, -87.0), (42.0, -87.0)) == pytest.approx(111.1949, abs=1e-4)
    travel = Travel({"model": "haversine"})
    a, b = Place("a", ("a",), (41.0, -87.0)), Place("b", ("b",), (42.0, -87.0))
    assert travel.minutes(a, b) == 290
    assert travel.minutes(a, Place("a2", ("a2",), (41.0, -87.0))) == 0


def test_metrics_of_tiny_plan():
    """Hand-computed soft-goal and fidelity figures of the tiny plan."""
    found = metrics(team_file("tiny"), make_plan())
    # Slots: c-1 rn, rn, cm (all ITT); c-2 tl+cm (tl not in ITT), rn+cm: 6 of 7.
    assert found["itt_share"] == pytest.approx(6 / 7)
    assert found["team_approach_share"] == 1.0
    # rn 10+10 Mon, 10+10 Wed, 25+25 Thu; cm 20+20 Fri, 15+15 Tue, 15+15 Thu; tl 15+15 Tue.
    assert found["travel_minutes_total"] == 220
    assert found["travel_minutes_per_visit"] == pytest.approx(44.0)
    # Per FTE: rn (150+90)/1 = 240, cm (165+100)/1 = 265, tl (60+30)/0.5 = 180, ps 0.
    assert found["workload_minutes_per_fte_spread"] == pytest.approx(265.0)
    mean = (240 + 265 + 180 + 0) / 4
    stdev = math.sqrt(sum((x - mean) ** 2 for x in (240, 265, 180, 0)) / 4)
    assert found["workload_minutes_per_fte_stdev"] == pytest.approx(stdev)
    # Primary periods: rn 3, cm 3, tl 1; weekend: rn Sat, cm Sun, tl none.
    assert found["on_call_primary_spread"] == 2
    assert found["on_call_weekend_spread"] == 1
    assert found["contacts_per_client_week"] == pytest.approx(2.5)
    assert found["minutes_per_client_week"] == pytest.approx((3 * 45 + 2 * 60) / 2)
    assert found["share_clients_seen_by_2plus_staff"] == 1.0
    assert found["caseload_ratio"] == pytest.approx(2 / 3.5)
    assert found["on_call_coverage"] == 1.0


def test_metrics_team_approach_and_coverage_gaps():
    """One client seen by one person halves team approach; a missing day loses 1/7 coverage."""
    plan = make_plan()
    visit(plan, "v-3")["staff"] = ["s-rn"]
    plan["on_call"].remove(on_call(plan, "primary", SAT))
    found = metrics(team_file("tiny"), plan)
    assert found["team_approach_share"] == 0.5
    assert found["share_clients_seen_by_2plus_staff"] == 0.5
    assert found["on_call_coverage"] == pytest.approx(6 / 7)


def test_metrics_coverage_loses_holder_leave():
    """A primary's leave during their period is uncovered time."""
    team = team_file("tiny")
    staff(team, "s-tl")["leave"] = [{"start": f"{FRI}T20:30", "end": f"{SAT}T02:30"}]
    assert metrics(team, make_plan())["on_call_coverage"] == pytest.approx(1 - 6 / (7 * 24))


def test_check_reports_metrics():
    """check() carries the metrics along with the violations."""
    report = check(team_file("tiny"), make_plan())
    assert report.metrics == metrics(team_file("tiny"), make_plan())
