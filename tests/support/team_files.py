"""The one builder of team files (``actplanner/team@1`` dicts) for tests: ``team_file``.

Each call returns a fresh copy, so a test may change it freely. The named teams
are the committed sample files (``small``, ``standard``, ``large``; see
fixtures/README.md) and ``tiny``, built here by hand for tests that reason about
every visit.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from actplanner.resources import fixture_file

WEEKDAY_SHIFTS = {day: ["08:30", "17:00"] for day in ("mon", "tue", "wed", "thu", "fri")}
# Staff without their own start leave from the office, so the matrix keys them as "office".
TINY_MATRIX = {
    "office": {"c-1": 20, "c-2": 15},
    "s-rn": {"c-1": 10, "c-2": 25},
    "c-1": {"office": 20, "s-rn": 10, "c-2": 10},
    "c-2": {"office": 15, "s-rn": 25, "c-1": 10},
}


def _tiny() -> dict[str, Any]:
    """A tiny team for the week of 2026-11-30 with travel minutes given by matrix: a
    Spanish-speaking moderate client c-1 due an injection on Wednesday 2026-12-02, a
    paired stable client c-2 with Tuesday and Thursday windows, and four staff; only the
    nurse s-rn has their own start and the injection skill, s-tl works mornings at half
    time, and the peer specialist s-ps never visits or goes on call."""
    return {
        "format": "actplanner/team@1",
        "team": {
            "id": "tiny",
            "name": "Tiny ACT",
            "timezone": "America/Chicago",
            "office": {"lat": 41.8781, "lon": -87.6298},
        },
        "policy": {
            "caseload_max_per_staff": 2,
            "acuity": {
                "moderate": {"visits_per_week": 3, "visit_minutes": 45, "min_gap_days": 2},
                "stable": {"visits_per_week": 1, "visit_minutes": 60},
            },
            "team_approach_min_staff": 2,
            "travel": {"model": "matrix", "minutes": TINY_MATRIX},
            "on_call": {
                "handoff": "08:30",
                "roles": {
                    "primary": {"disciplines": ["nurse", "case_manager", "team_leader"]},
                    "backup": {"disciplines": ["team_leader", "nurse"]},
                },
                "max_consecutive": 2,
                "rest_next_day_start": "10:00",
            },
        },
        "staff": [
            {"id": "s-rn", "name": "R. Nurse", "discipline": "nurse", "fte": 1.0,
             "languages": ["en", "es"], "skills": ["lai_injection"],
             "start": {"lat": 41.9, "lon": -87.7}, "shifts": WEEKDAY_SHIFTS,
             "max_visits_per_day": 3, "on_call_roles": ["primary", "backup"]},
            {"id": "s-cm", "name": "C. Manager", "discipline": "case_manager", "fte": 1.0,
             "languages": ["en", "es"], "shifts": WEEKDAY_SHIFTS,
             "on_call_roles": ["primary"]},
            {"id": "s-tl", "name": "T. Leader", "discipline": "team_leader", "fte": 0.5,
             "languages": ["en"],
             "shifts": {day: ["09:00", "13:00"] for day in WEEKDAY_SHIFTS},
             "on_call_roles": ["primary", "backup"]},
            {"id": "s-ps", "name": "P. Peer", "discipline": "peer_specialist", "fte": 1.0,
             "languages": ["en"], "shifts": {day: ["09:00", "17:00"] for day in WEEKDAY_SHIFTS}},
        ],
        "clients": [
            {"id": "c-1", "code": "K1", "home": {"lat": 41.91, "lon": -87.65},
             "acuity": "moderate", "language": "es", "excluded_staff": ["s-tl"],
             "primary": "s-cm", "itt": ["s-cm", "s-rn", "s-tl"],
             "requirements": [
                 {"discipline": "nurse", "visits": 1},
                 {"skill": "lai_injection", "due": "2026-12-02", "window_days": 1},
             ]},
            {"id": "c-2", "code": "K2", "home": {"lat": 41.85, "lon": -87.62},
             "acuity": "stable", "visits_per_week": 2, "paired": True,
             "availability": {"tue": [["09:00", "12:00"]], "thu": [["13:00", "17:00"]]},
             "requirements": [{"discipline": "team_leader", "visits": 1}]},
        ],
    }  # fmt: skip


@cache
def _text(sample: str) -> str:
    if sample == "tiny":
        return json.dumps(_tiny())
    return fixture_file(sample).read_text()


def team_file(sample: str = "small", **team: Any) -> dict[str, Any]:
    """A fresh copy of the team file ``sample`` ("tiny", "small", "standard" or "large"),
    its ``team`` block updated with ``team`` (``id``, ``name``, ``timezone``, ``office``)."""
    doc: dict[str, Any] = json.loads(_text(sample))
    doc["team"].update(team)
    return doc
