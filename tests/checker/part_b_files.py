"""Small raw team@2 and plan@2 dicts for the checker's Part B tests (FORMATS.md Part B), by hand.

The tiny team (tests/support/team_files.py) with rostered shifts: the nurse s-rn, the case
manager s-cm and the team leader s-tl keep their fixed hours; the peer specialist s-ps, who
never visits, works to a contract (day, late and weekend shifts, Sundays off). A 30-minute break
between 11:30 and 14:30 on shifts over 6 hours, a team meeting mon–fri 09:00–09:30 at the office,
coverage mon–fri 09:00–17:00 of 2 staff with a nurse and on Saturdays and holidays 09:00–17:30 of
one. The valid plan is the tiny valid plan with every shift, break and s-ps's roster: day shifts
Monday to Thursday and a weekend shift on Saturday.
"""

from __future__ import annotations

from typing import Any

from actplanner.checker import Report, check
from tests.checker.test_checker import SAT, WEEK, make_plan
from tests.support.team_files import team_file

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]
DATES = [f"2026-{d}" for d in ("11-30", "12-01", "12-02", "12-03", "12-04", "12-05", "12-06")]
FIXED = {"s-rn": ("08:30", "17:00"), "s-cm": ("08:30", "17:00"), "s-tl": ("09:00", "13:00")}
SHIFT_TYPES = {
    "day": {"start": "08:30", "end": "17:00"},
    "late": {"start": "11:30", "end": "20:00", "days": WEEKDAYS},
    "weekend": {"start": "09:00", "end": "17:30", "days": ["sat", "sun", "holiday"]},
}
PS_ROSTER = {DATES[0]: "day", DATES[1]: "day", DATES[2]: "day", DATES[3]: "day", SAT: "weekend"}
LAST_WEEK = "2026-11-23"


def contract(**changes: Any) -> dict[str, Any]:
    terms: dict[str, Any] = {
        "shift_types": ["day", "late", "weekend"],
        "minutes_per_week": [1600, 2400],
        "max_days_per_week": 5,
        "max_consecutive_days": 6,
        "min_rest_minutes": 660,
        "max_weekends_per_4_weeks": 2,
        "days_off": ["sun"],
    }
    terms.update(changes)
    return terms


def team_b(**policy: Any) -> dict[str, Any]:
    """The tiny team under Part B; ``policy`` keys replace the Part B policy's (None drops one)."""
    doc = team_file("tiny")
    doc["format"] = "actplanner/team@2"
    matrix = doc["policy"]["travel"]["minutes"]
    matrix["s-rn"]["office"] = 15
    matrix["office"]["s-rn"] = 15
    part_b: dict[str, Any] = {
        "shift_types": SHIFT_TYPES,
        "coverage": [
            {
                "days": WEEKDAYS,
                "start": "09:00",
                "end": "17:00",
                "min_staff": 2,
                "min_by_discipline": {"nurse": 1},
            },
            {"days": ["sat", "holiday"], "start": "09:00", "end": "17:30", "min_staff": 1},
        ],
        "breaks": {"after_minutes": 360, "minutes": 30, "window": ["11:30", "14:30"]},
        "team_meeting": {"days": WEEKDAYS, "start": "09:00", "end": "09:30"},
    }
    part_b.update(policy)
    doc["policy"].update({k: v for k, v in part_b.items() if v is not None})
    ps = staff(doc, "s-ps")
    del ps["shifts"]
    ps["contract"] = contract()
    return doc


def shift(sid: str, day: str, start: str, end: str, kind: str | None = None) -> dict[str, Any]:
    return {"staff": sid, "date": day, "type": kind, "start": start, "end": end}


def rest(sid: str, day: str, start: str = "12:00", end: str = "12:30") -> dict[str, Any]:
    return {"staff": sid, "date": day, "start": start, "end": end}


def plan_b(**changes: Any) -> dict[str, Any]:
    """The tiny valid plan as a plan@2 with every shift and break of the Part B team."""
    plan = make_plan()
    plan["format"] = "actplanner/plan@2"
    shifts, breaks = [], []
    for day in DATES[:5]:
        for sid, (start, end) in FIXED.items():
            shifts.append(shift(sid, day, start, end))
            if sid != "s-tl":
                breaks.append(rest(sid, day))
    for day, kind in PS_ROSTER.items():
        window = SHIFT_TYPES[kind]
        shifts.append(shift("s-ps", day, window["start"], window["end"], kind))
        breaks.append(rest("s-ps", day))
    plan["shifts"], plan["breaks"] = shifts, breaks
    plan.update(changes)
    return plan


def last_week(shifts: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    """A plan of record for the week before, holding ``shifts`` (its visits do not matter here)."""
    plan: dict[str, Any] = {
        "format": "actplanner/plan@2",
        "team": "tiny",
        "week_start": LAST_WEEK,
        "visits": [],
        "on_call": [],
        "caseload": {},
        "unmet": [],
        "shifts": shifts,
        "breaks": [],
    }
    plan.update(changes)
    return plan


def staff(team: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(s for s in team["staff"] if s["id"] == sid)


def find_shift(plan: dict[str, Any], sid: str, day: str) -> dict[str, Any]:
    return next(s for s in plan["shifts"] if s["staff"] == sid and s["date"] == day)


def find_break(plan: dict[str, Any], sid: str, day: str) -> dict[str, Any]:
    return next(b for b in plan["breaks"] if b["staff"] == sid and b["date"] == day)


def drop_shift(plan: dict[str, Any], sid: str, day: str) -> None:
    """Take a staff member's shift (and its break) off the plan."""
    plan["shifts"] = [s for s in plan["shifts"] if (s["staff"], s["date"]) != (sid, day)]
    plan["breaks"] = [b for b in plan["breaks"] if (b["staff"], b["date"]) != (sid, day)]


def report(team: dict[str, Any], plan: dict[str, Any], *history: dict[str, Any]) -> Report:
    return check(team, plan, week_start=WEEK, history=list(history))


def broken(team: dict[str, Any], plan: dict[str, Any], *history: dict[str, Any]) -> dict[str, list[str]]:
    """The messages of the unexcused violations, by rule."""
    found: dict[str, list[str]] = {}
    for v in report(team, plan, *history).unexcused:
        found.setdefault(v.rule, []).append(v.message)
    return found


def unmet(rule: str, *, staff_id: str | None = None, day: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"rule": rule, "detail": "The solver could not meet it."}
    if staff_id is not None:
        entry["staff"] = staff_id
    if day is not None:
        entry["date"] = day
    return entry
