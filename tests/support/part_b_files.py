"""The Part B test teams (FORMATS.md, rostered shifts): two team@2 files using every Part B key,
and a plan@2 of one of them.

- ``part_b_doc``: the small sample team (west-town-small), its case managers s-cm1 and s-cm2 on
  contracts giving every contract key, for the storage, service and migration tests; ``roster_doc``
  is a plan@2 of it.
- ``doc_b`` / ``team_b``: FORMATS.md's example team with a contracted nurse (s-rn1) and social
  worker (s-sw3), the case manager s-cm2 keeping fixed hours with a holiday entry, for the format,
  adapter, solver and checker-agreement tests.

Both plan the week of Monday 2026-12-21, whose Friday is Christmas Day, and share the shift types,
the break rule and the team meeting; holidays and coverage differ with their staff.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

from actplanner.domain.formats import TEAM_FORMAT_2, TeamFile, load_team
from tests.domain.test_formats import EXAMPLE_TEAM
from tests.teams.v2_files import team_2_doc

CHRISTMAS_WEEK = date(2026, 12, 21)
CHRISTMAS = 4  # Friday 2026-12-25, day 4 of the week
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def rostered_policy(holidays: list[dict[str, str]], coverage: list[dict[str, Any]]) -> dict[str, Any]:
    """The Part B policy keys, new each call: the shift types, break rule and team meeting both
    teams share, with the team's own holidays and coverage."""
    return {
        "holidays": holidays,
        "shift_types": {
            "day": {"start": "08:30", "end": "17:00"},
            "late": {"start": "11:30", "end": "20:00", "days": list(WEEKDAYS)},
            "weekend": {"start": "09:00", "end": "17:30", "days": ["sat", "sun", "holiday"]},
        },
        "coverage": coverage,
        "breaks": {"after_minutes": 360, "minutes": 30, "window": ["11:30", "14:30"]},
        "team_meeting": {"days": list(WEEKDAYS), "start": "08:30", "end": "09:15"},
    }


# The small sample team.

#: The two contracted staff of ``part_b_doc`` (case managers): the rest keep fixed hours.
CONTRACTED = ("s-cm1", "s-cm2")
TEAM = "west-town-small"


def part_b_doc() -> dict[str, Any]:
    """The team@2 small team with holidays, shift types, coverage, the break rule and the team
    meeting; the case managers on contracts giving every contract key (one with requests), the
    nurse working fixed hours on holidays too."""
    doc = team_2_doc()
    doc["policy"].update(
        rostered_policy(
            holidays=[
                {"date": "2026-12-24", "name": "Christmas Eve"},
                {"date": "2026-12-25", "name": "Christmas Day"},
            ],
            coverage=[
                {
                    "days": list(WEEKDAYS),
                    "start": "08:30",
                    "end": "17:00",
                    "min_staff": 2,
                    "min_by_discipline": {"nurse": 1},
                },
                {"days": ["holiday"], "start": "09:00", "end": "17:00", "min_staff": 1},
            ],
        )
    )
    by_id = {member["id"]: member for member in doc["staff"]}
    by_id["s-rn1"]["shifts"]["holiday"] = ["09:00", "17:00"]
    first, second = (by_id[ident] for ident in CONTRACTED)
    first.pop("shifts", None)
    first["contract"] = {
        "shift_types": ["day", "late", "weekend"],
        "minutes_per_week": [1920, 2400],
        "max_days_per_week": 5,
        "max_consecutive_days": 6,
        "min_rest_minutes": 660,
        "max_weekends_per_4_weeks": 2,
        "days_off": ["sun"],
        "requests": [{"date": "2026-12-04", "off": True}, {"date": "2026-12-02", "shift": "late"}],
    }
    second.pop("shifts", None)
    second["contract"] = {"shift_types": ["day", "late"], "minutes_per_week": [1920, 2400]}
    return doc


def roster_doc(week: str = CHRISTMAS_WEEK.isoformat()) -> dict[str, Any]:
    """A plan@2 of the Part B team: one visit, a contracted and a fixed shift, one break."""
    monday = week
    return {
        "format": "actplanner/plan@2",
        "team": TEAM,
        "week_start": week,
        "visits": [
            {
                "id": "v-0001",
                "client": "c-001",
                "staff": ["s-cm1"],
                "date": monday,
                "start": "11:30",
                "end": "12:30",
            }
        ],
        "on_call": [],
        "caseload": {},
        "shifts": [
            {
                "staff": "s-cm1",
                "date": monday,
                "type": "day",
                "start": "08:30",
                "end": "17:00",
                "pinned": True,
            },
            {"staff": "s-rn1", "date": monday, "type": None, "start": "08:30", "end": "17:00"},
            {"staff": "s-cm2", "date": monday, "type": "late", "start": "11:30", "end": "20:00"},
        ],
        "breaks": [{"staff": "s-cm1", "date": monday, "start": "12:30", "end": "13:00"}],
    }


# FORMATS.md's example team.

TEAM_B: dict[str, Any] = copy.deepcopy(EXAMPLE_TEAM)
TEAM_B["format"] = TEAM_FORMAT_2
TEAM_B["clients"][0]["requirements"] = [{"discipline": "nurse", "visits": 2}]
TEAM_B["policy"].update(
    rostered_policy(
        holidays=[{"date": "2026-12-25", "name": "Christmas Day"}],
        coverage=[
            {
                "days": list(WEEKDAYS),
                "start": "08:30",
                "end": "20:00",
                "min_staff": 2,
                "min_by_discipline": {"nurse": 1},
            },
            {"days": ["sat", "sun", "holiday"], "start": "09:00", "end": "17:30", "min_staff": 1},
        ],
    )
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
TEAM_B["staff"][1]["shifts"] = {day: ["08:30", "17:00"] for day in (*WEEKDAYS, "holiday")}


def doc_b(edit: Callable[[dict[str, Any]], object] | None = None) -> dict[str, Any]:
    doc = copy.deepcopy(TEAM_B)
    if edit is not None:
        edit(doc)
    return doc


def team_b(edit: Callable[[dict[str, Any]], object] | None = None) -> TeamFile:
    return load_team(doc_b(edit))


def contract(doc: dict[str, Any]) -> dict[str, Any]:
    """The contract of ``doc_b``'s nurse, s-rn1."""
    return doc["staff"][0]["contract"]
