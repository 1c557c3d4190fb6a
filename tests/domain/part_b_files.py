"""A Part B team file for the format and adapter tests: FORMATS.md's example team as team@2 with
holidays, shift types, coverage, the break rule, the team meeting, a contracted nurse (s-rn1) and
social worker (s-sw3); the case manager s-cm2 keeps fixed hours, with a holiday entry.

The week planned is that of Monday 2026-12-21, whose Friday is Christmas Day.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

from actplanner.domain.formats import TEAM_FORMAT_2, TeamFile, load_team
from tests.domain.test_formats import EXAMPLE_TEAM

CHRISTMAS_WEEK = date(2026, 12, 21)
CHRISTMAS = 4  # Friday 2026-12-25, day 4 of the week

TEAM_B: dict[str, Any] = copy.deepcopy(EXAMPLE_TEAM)
TEAM_B["format"] = TEAM_FORMAT_2
TEAM_B["clients"][0]["requirements"] = [{"discipline": "nurse", "visits": 2}]
TEAM_B["policy"].update(
    holidays=[{"date": "2026-12-25", "name": "Christmas Day"}],
    shift_types={
        "day": {"start": "08:30", "end": "17:00"},
        "late": {"start": "11:30", "end": "20:00", "days": ["mon", "tue", "wed", "thu", "fri"]},
        "weekend": {"start": "09:00", "end": "17:30", "days": ["sat", "sun", "holiday"]},
    },
    coverage=[
        {
            "days": ["mon", "tue", "wed", "thu", "fri"],
            "start": "08:30",
            "end": "20:00",
            "min_staff": 2,
            "min_by_discipline": {"nurse": 1},
        },
        {"days": ["sat", "sun", "holiday"], "start": "09:00", "end": "17:30", "min_staff": 1},
    ],
    breaks={"after_minutes": 360, "minutes": 30, "window": ["11:30", "14:30"]},
    team_meeting={"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:30", "end": "09:15"},
)
# s-rn1 is contracted (no fixed shifts); s-cm2 keeps fixed hours, with a holiday entry.
_nurse = TEAM_B["staff"][0]
del _nurse["shifts"]
_nurse["leave"] = []
_nurse["contract"] = {
    "shift_types": ["day", "late", "weekend"],
    "minutes_per_week": [2160, 2400],
    "max_days_per_week": 5,
    "max_consecutive_days": 6,
    "min_rest_minutes": 660,
    "max_weekends_per_4_weeks": 2,
    "days_off": ["sun"],
    "requests": [{"date": "2026-12-23", "off": True}],
}
# s-sw3 is contracted too, so that two staff can cover the weekday evenings and one Sundays.
TEAM_B["staff"][3]["contract"] = {
    "shift_types": ["day", "late", "weekend"],
    "minutes_per_week": [1800, 2400],
    "days_off": ["sat"],
}
TEAM_B["staff"][1]["shifts"] = {
    day: ["08:30", "17:00"] for day in ("mon", "tue", "wed", "thu", "fri", "holiday")
}


def doc_b(edit: Callable[[dict[str, Any]], object] | None = None) -> dict[str, Any]:
    doc = copy.deepcopy(TEAM_B)
    if edit is not None:
        edit(doc)
    return doc


def team_b(edit: Callable[[dict[str, Any]], object] | None = None) -> TeamFile:
    return load_team(doc_b(edit))


def contract(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["staff"][0]["contract"]
