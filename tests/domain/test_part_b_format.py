"""Part B of the team and plan files (FORMATS.md, "Part B: rostered shifts …"): the keys load,
and bad input or a contradiction no roster could meet is an error naming the field.

Each rule has a pair: the Part B team file that holds (loads) and an edit that breaks it.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from actplanner.domain.formats import FormatError, dump_team, load_plan, load_team
from actplanner.domain.formats.team import doc_uses_version_2, uses_part_b
from tests.domain.test_formats import EXAMPLE_TEAM, team_errors
from tests.support.part_b_files import TEAM_B, contract, doc_b, team_b


def errors_of(edit: Any) -> list[str]:  # noqa: ANN401
    return team_errors(doc_b(edit))


def test_part_b_team_loads_round_trips_and_is_in_force() -> None:
    team = team_b()
    assert dump_team(team) == TEAM_B
    assert uses_part_b(team)
    assert team.staff[0].contract is not None and team.staff[0].contract.days_off == ["sun"]
    assert team.policy.shift_types["late"].days == ["mon", "tue", "wed", "thu", "fri"]


def test_part_b_is_not_in_force_without_its_keys() -> None:
    assert not uses_part_b(load_team(EXAMPLE_TEAM))


@pytest.mark.parametrize(
    "key",
    [
        ("holidays", [{"date": "2026-12-25", "name": "Christmas Day"}]),
        ("breaks", {"after_minutes": 360, "minutes": 30, "window": ["11:30", "14:30"]}),
        ("team_meeting", {"days": ["mon"], "start": "09:00", "end": "09:15"}),
    ],
)
def test_any_part_b_policy_key_puts_it_in_force(key: tuple[str, Any]) -> None:
    doc = copy.deepcopy(EXAMPLE_TEAM)
    doc["format"] = "actplanner/team@2"
    doc["policy"][key[0]] = key[1]
    assert uses_part_b(load_team(doc))


@pytest.mark.parametrize("key", ["holidays", "shift_types", "coverage", "breaks", "team_meeting"])
def test_part_b_policy_keys_are_team_2_keys(key: str) -> None:
    doc = doc_b()
    doc["format"] = "actplanner/team@1"
    for member in doc["staff"]:
        member.pop("contract", None)
        member.get("shifts", {}).pop("holiday", None)
    for other in ("holidays", "shift_types", "coverage", "breaks", "team_meeting"):
        if other != key:
            doc["policy"].pop(other)
    if key == "coverage":  # coverage alone: a window the fixed hours cover
        doc["policy"]["coverage"] = [{"days": ["mon"], "start": "09:00", "end": "10:00", "min_staff": 1}]
    if key == "team_meeting":
        doc["policy"]["team_meeting"]["days"] = ["mon"]
    assert team_errors(doc) == [
        f'policy.{key}: "{key}" is a team@2 key: the file must say "format": "actplanner/team@2"'
    ]


def test_a_contract_and_a_holiday_shift_are_team_2_keys() -> None:
    doc = copy.deepcopy(EXAMPLE_TEAM)
    doc["staff"][1]["shifts"]["holiday"] = ["09:00", "13:00"]
    assert doc_uses_version_2(doc)
    assert team_errors(doc) == [
        'staff[1].shifts.holiday: "holiday" is a team@2 key: the file must say "format": "actplanner/team@2"'
    ]
    doc = copy.deepcopy(EXAMPLE_TEAM)
    doc["staff"][3]["contract"] = {"shift_types": ["day"], "minutes_per_week": [0, 2400]}
    assert doc_uses_version_2(doc)
    assert (
        'staff[3].contract: "contract" is a team@2 key: the file must say "format": "actplanner/team@2"'
        in (team_errors(doc))
    )
    assert not doc_uses_version_2(EXAMPLE_TEAM)


def test_a_staff_member_has_fixed_shifts_or_a_contract_not_both() -> None:
    assert errors_of(lambda d: d["staff"][0].update(shifts={"mon": ["08:30", "17:00"]})) == [
        'staff[0].contract: a staff member has either fixed "shifts" or a "contract", not both '
        '(the solver chooses a contracted staff member\'s shifts: remove "shifts")'
    ]


def test_a_contract_names_known_shift_types() -> None:
    assert errors_of(lambda d: contract(d)["shift_types"].append("night")) == [
        'staff[0].contract.shift_types[3]: unknown shift type "night" '
        "(policy.shift_types has day, late, weekend)"
    ]


def test_minutes_per_week_is_least_then_most() -> None:
    assert errors_of(lambda d: contract(d).update(minutes_per_week=[2400, 2160])) == [
        "staff[0].contract.minutes_per_week: the least (2400) is more than the most (2160); "
        "give [least, most] minutes a week"
    ]


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (
            {"date": "2026-12-22", "off": True, "shift": "day"},
            'staff[0].contract.requests[0]: a request asks for the day "off" or for a "shift", not both',
        ),
        (
            {"date": "2026-12-22"},
            'staff[0].contract.requests[0]: say what is asked: "off": true, or a "shift" type',
        ),
        (
            {"date": "2026-12-22", "shift": "night"},
            'staff[0].contract.requests[0].shift: unknown shift type "night" '
            "(policy.shift_types has day, late, weekend)",
        ),
    ],
)
def test_a_request_asks_for_a_day_off_or_a_known_shift(request_: dict, message: str) -> None:
    assert errors_of(lambda d: contract(d).update(requests=[request_])) == [message]


def test_a_request_asks_for_a_shift_type_of_the_contract_once_a_date() -> None:
    def ask(doc: dict) -> None:
        contract(doc)["shift_types"] = ["day", "weekend"]
        doc["policy"]["coverage"] = []
        contract(doc)["requests"] = [
            {"date": "2026-12-22", "shift": "late"},
            {"date": "2026-12-22", "shift": "day"},
        ]

    assert errors_of(ask) == [
        'staff[0].contract.requests[0].shift: "late" is not one of this contract\'s shift_types '
        "(day, weekend)",
        "staff[0].contract.requests[1].date: a second request on 2026-12-22 (also requests[0]); "
        "one request a date",
    ]
    held = team_b(lambda d: contract(d).update(requests=[{"date": "2026-12-22", "shift": "late"}]))
    assert held.staff[0].contract is not None and held.staff[0].contract.requests[0].shift == "late"


def test_a_holiday_is_listed_once() -> None:
    def twice(doc: dict) -> None:
        doc["policy"]["holidays"].append({"date": "2026-12-25", "name": "Christmas"})

    assert errors_of(twice) == [
        "policy.holidays[1].date: 2026-12-25 is already a holiday (policy.holidays[0]); list each date once"
    ]


def test_a_shift_type_ends_after_it_starts_within_its_day() -> None:
    def late(doc: dict) -> None:
        doc["policy"]["shift_types"]["night"] = {"start": "22:00", "end": "06:00"}

    assert errors_of(late) == [
        "policy.shift_types.night.end: the shift type ends (06:00) before it starts (22:00); "
        'it lies within one day (end at "24:00" for midnight)'
    ]
    assert errors_of(lambda d: d["policy"]["shift_types"]["day"].update(end="08:30")) == [
        "policy.shift_types.day.end: the shift type is empty (starts and ends at 08:30)"
    ]


def test_a_coverage_window_and_the_meeting_end_after_they_start() -> None:
    assert errors_of(lambda d: d["policy"]["coverage"][0].update(end="08:00")) == [
        "policy.coverage[0].end: the coverage window ends (08:00) before it starts (08:30); "
        'it lies within one day (end at "24:00" for midnight)'
    ]
    assert errors_of(lambda d: d["policy"]["team_meeting"].update(end="08:00")) == [
        "policy.team_meeting.end: the team meeting ends (08:00) before it starts (08:30); it lies within one "
        'day (end at "24:00" for midnight)'
    ]


def test_a_break_fits_its_window() -> None:
    assert errors_of(lambda d: d["policy"]["breaks"].update(minutes=200)) == [
        "policy.breaks.minutes: a 200-minute break does not fit its window 11:30–14:30 (180 minutes)"
    ]
    assert errors_of(lambda d: d["policy"]["breaks"].update(window=["14:30", "11:30"])) == [
        "policy.breaks.window: break window ends (11:30) before it starts (14:30)"
    ]


def test_a_shift_that_needs_a_break_overlaps_the_window_by_its_minutes() -> None:
    def early(doc: dict) -> None:
        doc["policy"]["shift_types"]["early"] = {"start": "05:00", "end": "11:40"}

    assert errors_of(early) == [
        "policy.shift_types.early: this 400-minute shift (05:00–11:40) is longer than "
        "policy.breaks.after_minutes (360), so it has a 30-minute break, "
        "but it overlaps the break window 11:30–14:30 by 10 minutes: "
        "no break fits"
    ]
    # Short enough to need no break: no overlap needed.
    assert team_b(lambda d: d["policy"]["shift_types"].update(early={"start": "05:00", "end": "11:00"}))


def test_a_fixed_shift_that_needs_a_break_overlaps_the_window_by_its_minutes() -> None:
    assert errors_of(lambda d: d["staff"][1]["shifts"].update(sat=["15:00", "22:00"])) == [
        "staff[1].shifts.sat: this 420-minute shift (15:00–22:00) is longer than policy.breaks.after_minutes "
        "(360), so it has a 30-minute break, but it overlaps the break window 11:30–14:30 by 0 minutes: "
        "no break fits"
    ]


def test_a_contract_whose_least_minutes_cannot_be_worked() -> None:
    def four_days(doc: dict) -> None:
        contract(doc).update(minutes_per_week=[2400, 2400], max_days_per_week=4)

    assert errors_of(four_days) == [
        "staff[0].contract.minutes_per_week: at least 2400 minutes a week cannot be worked: "
        "the contract's shift types on the days they admit, days off left out, "
        "on at most 4 days (max_days_per_week 4) give at "
        "most 1920 working minutes (a shift less its break)"
    ]

    def few_days(doc: dict) -> None:
        doc["policy"]["coverage"] = []
        contract(doc).update(minutes_per_week=[1500, 2400], shift_types=["weekend"])

    # Weekend shifts: saturday only (sunday is a day off), 480 working minutes.
    assert errors_of(few_days)[0].endswith(
        "on at most 1 days (max_days_per_week 5) give at most 480 working minutes (a shift less its break)"
    )
    # Exactly reachable: five day shifts of 480 working minutes.
    assert team_b(lambda d: contract(d).update(minutes_per_week=[2400, 2400]))


def test_a_coverage_window_too_few_staff_could_ever_work() -> None:
    def longer(doc: dict) -> None:
        doc["policy"]["coverage"][1]["end"] = "18:00"

    assert errors_of(longer) == [
        f"policy.coverage[1].min_staff: on {day} no staff member can be working 17:30–18:00 "
        "and the window asks 1: no more have a shift type their contract allows, or fixed hours, then"
        for day in ("Saturdays", "Sundays", "holidays")
    ]

    def more(doc: dict) -> None:
        doc["policy"]["coverage"][0]["min_staff"] = 3

    assert errors_of(more)[0] == (
        "policy.coverage[0].min_staff: on Mondays at most 2 staff members can be working 17:00–20:00 and the "
        "window asks 3: no more have a shift type their contract allows, or fixed hours, then"
    )


def test_a_coverage_window_a_discipline_could_never_staff() -> None:
    def managers(doc: dict) -> None:
        doc["policy"]["coverage"][0]["min_by_discipline"] = {"case_manager": 1}

    assert errors_of(managers)[0] == (
        "policy.coverage[0].min_by_discipline.case_manager: on Mondays no case manager can be working "
        "17:00–20:00 and the window asks 1: no more have a shift type their contract allows, "
        "or fixed hours, then"
    )


def test_holiday_coverage_matters_only_when_the_policy_has_holidays() -> None:
    def dawn(doc: dict) -> None:
        doc["policy"]["coverage"].append(
            {"days": ["holiday"], "start": "06:00", "end": "07:00", "min_staff": 1}
        )

    assert errors_of(dawn)[0].startswith("policy.coverage[2].min_staff: on holidays no staff member")
    assert team_b(lambda d: (dawn(d), d["policy"].update(holidays=[])))


def test_the_meeting_lies_inside_a_shift_of_its_days() -> None:
    def early(doc: dict) -> None:
        doc["policy"]["team_meeting"].update(start="08:00", end="08:45")

    assert errors_of(early) == [
        f"policy.team_meeting: on {day} no shift covers the meeting 08:00–08:45, "
        "so nobody would be at it: no shift type a contract allows, and no fixed hours, "
        "run from its start to its end"
        for day in ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays")
    ]
    assert team_b(
        lambda d: d["policy"]["team_meeting"].update(days=["mon", "sat"], start="09:00", end="09:30")
    )


# Plan files ----------------------------------------------------------------------------------

PLAN_B: dict[str, Any] = {
    "format": "actplanner/plan@2",
    "team": "eastside",
    "week_start": "2026-12-21",
    "visits": [],
    "on_call": [],
    "caseload": {},
    "shifts": [
        {
            "staff": "s-rn1",
            "date": "2026-12-21",
            "type": "day",
            "start": "08:30",
            "end": "17:00",
            "pinned": True,
        },
        {"staff": "s-cm2", "date": "2026-12-21", "type": None, "start": "08:30", "end": "17:00"},
    ],
    "breaks": [{"staff": "s-rn1", "date": "2026-12-21", "start": "12:00", "end": "12:30"}],
}


def plan_errors(edit: Any) -> list[str]:  # noqa: ANN401
    doc = copy.deepcopy(PLAN_B)
    edit(doc)
    with pytest.raises(FormatError) as caught:
        load_plan(json.dumps(doc))
    return caught.value.messages


def test_plan_shifts_and_breaks_load() -> None:
    plan = load_plan(PLAN_B)
    assert plan.shifts is not None and plan.shifts[0].pinned and plan.shifts[1].type is None
    assert plan.breaks is not None and plan.breaks[0].start == "12:00"


def test_plan_shifts_and_breaks_are_plan_2_keys() -> None:
    assert plan_errors(lambda d: d.update(format="actplanner/plan@1")) == [
        "shifts: a version 2 key; the plan's format must be 'actplanner/plan@2'",
        "breaks: a version 2 key; the plan's format must be 'actplanner/plan@2'",
    ]


def test_plan_shifts_and_breaks_fall_in_the_week() -> None:
    def later(doc: dict) -> None:
        doc["shifts"][1]["date"] = "2026-12-28"
        doc["breaks"][0]["date"] = "2026-12-20"

    assert plan_errors(later) == [
        "shifts[1].date: 2026-12-28 is not in the week of 2026-12-21",
        "breaks[0].date: 2026-12-20 is not in the week of 2026-12-21",
    ]


def test_plan_has_one_shift_per_staff_member_and_date() -> None:
    def twice(doc: dict) -> None:
        doc["shifts"].append(
            {"staff": "s-rn1", "date": "2026-12-21", "type": "late", "start": "11:30", "end": "20:00"}
        )

    assert plan_errors(twice) == [
        'shifts[2]: a second shift of "s-rn1" on 2026-12-21 (also shifts[0]); '
        "a staff member has at most one shift a date"
    ]


def test_plan_shift_and_break_spans_end_after_they_start() -> None:
    def backwards(doc: dict) -> None:
        doc["shifts"][0]["end"] = "08:00"
        doc["breaks"][0]["end"] = "12:00"

    assert plan_errors(backwards) == [
        "shifts[0]: shift ends (08:00) before it starts (08:30)",
        "breaks[0]: break is empty (starts and ends at 12:00)",
    ]
