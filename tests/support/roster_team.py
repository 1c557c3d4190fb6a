"""A Part B team for the roster page's tests: the small sample team (team@2) with Christmas Day,
day/late/weekend shift types, coverage and four of its six staff on contracts.

Until the sample fixtures carry Part B (helper H), the roster tests build their team here.
``christmas_roster`` is a hand-made roster of the week of 2026-12-21 for that team, stored as a
plan's ``shifts`` without the solver: Thursday evening is one person short of coverage.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from actplanner.domain.formats import TEAM_FORMAT_2
from actplanner.domain.formats.plan import PLAN_FORMAT_2
from tests.support.team_files import team_file

CHRISTMAS_WEEK = date(2026, 12, 21)
CHRISTMAS = "2026-12-25"
CONTRACTED = ("s-rn1", "s-sw1", "s-cm1", "s-cm2")
SHIFT_TYPES = {
    "day": {"start": "08:30", "end": "17:00"},
    "late": {"start": "11:30", "end": "20:00", "days": ["mon", "tue", "wed", "thu", "fri"]},
    "weekend": {"start": "09:00", "end": "17:30", "days": ["sat", "sun", "holiday"]},
}
#: Weekdays need two staff 08:30-20:00 (so a late shift or two); weekends and holidays one.
COVERAGE = [
    {"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:30", "end": "20:00", "min_staff": 2},
    {"days": ["sat", "sun", "holiday"], "start": "09:00", "end": "17:30", "min_staff": 1},
]


def contract(**changes: Any) -> dict[str, Any]:
    """A full-time contract of four or five shifts a week on day, late or weekend shifts (510 minutes
    each: the team has no break rule)."""
    terms: dict[str, Any] = {
        "shift_types": ["day", "late", "weekend"],
        "minutes_per_week": [1920, 2600],
        "max_days_per_week": 5,
        "max_consecutive_days": 6,
        "min_rest_minutes": 660,
        "max_weekends_per_4_weeks": 2,
    }
    terms.update(changes)
    return terms


def roster_team(**team: Any) -> dict[str, Any]:
    """The small sample team as a Part B team@2 file (``team`` updates its ``team`` block).

    Every contract holds in ``christmas_roster`` (so a change breaks only what it breaks).
    Sofia Delgado (s-rn1) asks for a late shift on Tuesday 22nd, Carmen Flores (s-sw1) for
    Monday 21st off and Alex Mendoza (s-cm1) for Thursday 24th off; Ben Young (s-cm2) is on
    leave on Thursday 24th. Tom Reyes and Victor Miller keep fixed hours (Victor's have no
    holiday entry: he is off on Christmas Day).
    """
    doc = team_file(**team)
    doc["format"] = TEAM_FORMAT_2
    doc["policy"].update(
        holidays=[{"date": CHRISTMAS, "name": "Christmas Day"}],
        shift_types=SHIFT_TYPES,
        coverage=COVERAGE,
    )
    terms = {
        "s-rn1": contract(requests=[{"date": "2026-12-22", "shift": "late"}]),
        # Never on holidays: Christmas credits her nothing.
        "s-sw1": contract(days_off=["holiday"], requests=[{"date": "2026-12-21", "off": True}]),
        "s-cm1": contract(
            minutes_per_week=[960, 2100], max_days_per_week=3, requests=[{"date": "2026-12-24", "off": True}]
        ),
        "s-cm2": contract(minutes_per_week=[1600, 2600], max_days_per_week=4),
    }
    for member in doc["staff"]:
        if member["id"] in CONTRACTED:
            member.pop("shifts", None)
            member["contract"] = terms[member["id"]]
        if member["id"] == "s-cm2":
            member["leave"] = [{"start": "2026-12-24T00:00", "end": "2026-12-25T00:00"}]
    return doc


#: (staff, date, type) of the hand-made roster; fixed-hours staff follow the team file.
ROSTER = [
    ("s-rn1", "2026-12-21", "day"),
    ("s-sw1", "2026-12-21", "late"),
    ("s-cm1", "2026-12-21", "late"),
    ("s-sw1", "2026-12-22", "day"),
    ("s-rn1", "2026-12-22", "late"),
    ("s-cm2", "2026-12-22", "late"),
    ("s-sw1", "2026-12-23", "day"),
    ("s-cm1", "2026-12-23", "late"),
    ("s-cm2", "2026-12-23", "late"),
    ("s-rn1", "2026-12-24", "day"),
    ("s-sw1", "2026-12-24", "late"),
    ("s-rn1", CHRISTMAS, "weekend"),
    ("s-sw1", "2026-12-26", "weekend"),
    ("s-cm2", "2026-12-27", "weekend"),
]
#: The fixed-hours staff's windows that week (Tom Mon/Wed/Thu, Victor Mon-Thu; Christmas off).
FIXED = [
    ("s-md1", "2026-12-21", "09:00", "16:00"),
    ("s-md1", "2026-12-23", "09:00", "16:00"),
    ("s-md1", "2026-12-24", "09:00", "16:00"),
    *(("s-tl1", f"2026-12-2{d}", "08:30", "17:00") for d in (1, 2, 3, 4)),
]


def christmas_roster(
    team_id: str, caseload: dict[str, Any], *, pinned: tuple[str, str] | None = None
) -> dict:
    """A plan@2 file of the Christmas week with ``ROSTER`` as its shifts and no visits.

    ``caseload`` is the team's (any plan of it has one); ``pinned`` (staff, date) pins that shift.
    """
    shifts = [
        {
            "staff": s,
            "date": d,
            "type": t,
            "start": SHIFT_TYPES[t]["start"],
            "end": SHIFT_TYPES[t]["end"],
            **({"pinned": True} if pinned == (s, d) else {}),
        }
        for s, d, t in ROSTER
    ]
    shifts += [{"staff": s, "date": d, "type": None, "start": a, "end": b} for s, d, a, b in FIXED]
    return {
        "format": PLAN_FORMAT_2,
        "team": team_id,
        "week_start": CHRISTMAS_WEEK.isoformat(),
        "visits": [],
        "on_call": [],
        "caseload": caseload,
        "shifts": sorted(shifts, key=lambda x: (x["date"], x["start"], x["staff"])),
        "breaks": [],
    }
