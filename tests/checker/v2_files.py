"""Small raw team@2 and plan@2 dicts for the checker's version 2 tests (FORMATS.md, Part A).

Both start from the tiny team and its valid plan (tests/checker/test_checker.py): c-1, moderate,
seen Monday, Wednesday and Friday; c-2, paired, Tuesday and Thursday.
"""

from __future__ import annotations

from typing import Any

from actplanner.checker import Report, check
from tests.checker.test_checker import _visit, make_plan
from tests.support.team_files import team_file

HOSPITAL = {"lat": 41.88, "lon": -87.67, "label": "County hospital"}
#: About 11 km from the nurse's start: 29 minutes at the haversine defaults.
FAR_HOSPITAL = {"lat": 42.0, "lon": -87.7, "label": "North hospital"}


def team2(**clients: dict[str, Any]) -> dict[str, Any]:
    """The tiny team as a team@2 file; ``clients`` maps a client id (c_1, c_2) to keys to set."""
    doc = team_file("tiny")
    doc["format"] = "actplanner/team@2"
    for key, changes in clients.items():
        client(doc, key.replace("_", "-")).update(changes)
    return doc


def plan2(*extra: dict[str, Any], drop: tuple[str, ...] = (), **changes: Any) -> dict[str, Any]:
    """The tiny valid plan as a plan@2 file, without the visits ``drop`` and with ``extra``."""
    plan = make_plan()
    plan["format"] = "actplanner/plan@2"
    plan["visits"] = [v for v in plan["visits"] if v["id"] not in drop] + list(extra)
    plan.update(changes)
    return plan


def client(team: dict[str, Any], cid: str) -> dict[str, Any]:
    return next(c for c in team["clients"] if c["id"] == cid)


def staff(team: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(s for s in team["staff"] if s["id"] == sid)


def visit(plan: dict[str, Any], vid: str) -> dict[str, Any]:
    return next(v for v in plan["visits"] if v["id"] == vid)


def hospital_visit(vid: str, cid: str, people: list[str], day: str, start: str, end: str) -> dict[str, Any]:
    return {**_visit(vid, cid, people, day, start, end), "place": "hospital"}


def home_visit(vid: str, cid: str, people: list[str], day: str, start: str, end: str) -> dict[str, Any]:
    return _visit(vid, cid, people, day, start, end)


def inpatient(start: str, end: str | None, *, per_week: int = 0, location: object = None) -> dict[str, Any]:
    episode: dict[str, Any] = {"kind": "inpatient", "start": start, "end": end}
    if per_week:
        episode["visits_per_week"] = per_week
    if location is not None:
        episode["location"] = location
    return episode


def away(start: str, end: str | None) -> dict[str, Any]:
    return {"kind": "away", "start": start, "end": end}


def report(team: dict[str, Any], plan: dict[str, Any], *history: dict[str, Any]) -> Report:
    return check(team, plan, history=list(history))


def caught(team: dict[str, Any], plan: dict[str, Any], rule: str, *history: dict[str, Any]) -> list[str]:
    """The messages of the unexcused violations of ``rule``."""
    return [v.message for v in report(team, plan, *history).unexcused if v.rule == rule]


def excused(team: dict[str, Any], plan: dict[str, Any], rule: str, *history: dict[str, Any]) -> list[str]:
    """The messages of the violations of ``rule`` the plan's unmet excuses."""
    return [v.message for v in report(team, plan, *history).violations if v.rule == rule and v.excused]
