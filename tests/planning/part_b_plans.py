"""The small sample team with rostered shifts (Part B) and a plan@2 of its test week holding
``shifts`` and ``breaks`` written by hand (until the solver writes breaks), for the pages and feeds
that show a staff member's shift, break, holiday and team meeting.

The week is the sample plan's, Monday 2026-11-30. Thursday 2026-12-03 is made a holiday; the nurse
(s-rn1) is on a contract and asks for Tuesday's late shift (honoured) and Friday off (not: the
roster gives her the day shift).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tests.support.web_factories import WEEK, plan_doc, team_doc

NURSE = "s-rn1"
HOLIDAY = date(2026, 12, 3)
HOLIDAY_NAME = "Founders Day"
#: The nurse's rostered week: date -> (type, start, end, break start, break end); absent = off.
NURSE_WEEK: dict[date, tuple[str, str, str, str, str]] = {
    WEEK: ("day", "08:30", "17:00", "11:45", "12:15"),
    WEEK + timedelta(days=1): ("late", "11:30", "20:00", "14:00", "14:30"),
    WEEK + timedelta(days=2): ("day", "08:30", "17:00", "13:00", "13:30"),
    HOLIDAY: ("weekend", "09:00", "17:30", "12:00", "12:30"),
    WEEK + timedelta(days=4): ("day", "08:30", "17:00", "12:30", "13:00"),
}
REQUESTS = [{"date": "2026-12-01", "shift": "late"}, {"date": "2026-12-04", "off": True}]


def part_b_team() -> dict[str, Any]:
    """The small team with a holiday, shift types, the break rule, a meeting and the nurse on a contract."""
    doc = team_doc()
    doc["format"] = "actplanner/team@2"
    doc["policy"].update(
        holidays=[{"date": HOLIDAY.isoformat(), "name": HOLIDAY_NAME}],
        shift_types={
            "day": {"start": "08:30", "end": "17:00"},
            "late": {"start": "11:30", "end": "20:00", "days": ["mon", "tue", "wed", "thu", "fri"]},
            "weekend": {"start": "09:00", "end": "17:30", "days": ["sat", "sun", "holiday"]},
        },
        breaks={"after_minutes": 360, "minutes": 30, "window": ["11:30", "14:30"]},
        team_meeting={"days": ["mon", "tue", "wed", "thu", "fri"], "start": "08:30", "end": "09:15"},
    )
    nurse = next(s for s in doc["staff"] if s["id"] == NURSE)
    del nurse["shifts"]
    nurse["contract"] = {
        "shift_types": ["day", "late", "weekend"],
        "minutes_per_week": [1800, 2400],
        "requests": [dict(r) for r in REQUESTS],
    }
    return doc


def part_b_plan(team: dict[str, Any] | None = None) -> dict[str, Any]:
    """The sample plan as plan@2 with every working staff member's shift (fixed staff's from
    ``team``, default ``part_b_team()``) and the nurse's breaks."""
    doc = plan_doc()
    doc["format"] = "actplanner/plan@2"
    team = team or part_b_team()
    shifts, breaks = [], []
    for offset in range(7):
        day = WEEK + timedelta(days=offset)
        name = "holiday" if day == HOLIDAY else day.strftime("%a").lower()
        for member in team["staff"]:
            if member["id"] == NURSE:
                if day in NURSE_WEEK:
                    kind, start, end, rest_start, rest_end = NURSE_WEEK[day]
                    shifts.append(
                        {"staff": NURSE, "date": day.isoformat(), "type": kind, "start": start, "end": end}
                    )
                    breaks.append(
                        {"staff": NURSE, "date": day.isoformat(), "start": rest_start, "end": rest_end}
                    )
            elif name in member.get("shifts", {}):
                start, end = member["shifts"][name]
                shifts.append(
                    {"staff": member["id"], "date": day.isoformat(), "type": None, "start": start, "end": end}
                )
    doc["shifts"] = sorted(shifts, key=lambda s: (s["date"], s["start"], s["staff"]))
    doc["breaks"] = breaks
    return doc
