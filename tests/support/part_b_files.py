"""The small sample team as a team@2 file using every Part B key (FORMATS.md, rostered shifts)."""

from __future__ import annotations

from typing import Any

from tests.teams.v2_files import team_2_doc

#: The two contracted staff of ``part_b_doc`` (case managers): the rest keep fixed hours.
CONTRACTED = ("s-cm1", "s-cm2")
#: The week of Christmas (a Friday), the team's holiday.
CHRISTMAS_WEEK = "2026-12-21"
TEAM = "west-town-small"


def part_b_doc() -> dict[str, Any]:
    """The team@2 small team with holidays, shift types, coverage, the break rule and the team
    meeting; the case managers on contracts giving every contract key (one with requests), the
    nurse working fixed hours on holidays too."""
    doc = team_2_doc()
    doc["policy"].update(
        holidays=[
            {"date": "2026-12-24", "name": "Christmas Eve"},
            {"date": "2026-12-25", "name": "Christmas Day"},
        ],
        shift_types={
            "day": {"start": "08:30", "end": "17:00"},
            "late": {"start": "11:30", "end": "20:00", "days": ["mon", "tue", "wed", "thu", "fri"]},
            "weekend": {"start": "09:00", "end": "17:30", "days": ["sat", "sun", "holiday"]},
        },
        coverage=[
            {
                "days": ["mon", "tue", "wed", "thu", "fri"],
                "start": "08:30",
                "end": "17:00",
                "min_staff": 2,
                "min_by_discipline": {"nurse": 1},
            },
            {"days": ["holiday"], "start": "09:00", "end": "17:00", "min_staff": 1},
        ],
        breaks={"after_minutes": 360, "minutes": 30, "window": ["11:30", "14:30"]},
        team_meeting={"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:30", "end": "09:15"},
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


def roster_doc(week: str = CHRISTMAS_WEEK) -> dict[str, Any]:
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
