"""The small sample team as a team@2 file using every version 2 key (FORMATS.md, "Team file additions")."""

from __future__ import annotations

from typing import Any

from tests.support.team_files import team_file


def team_2_doc() -> dict[str, Any]:
    """A fresh copy of the small team with employment and program dates, a hospital stay with a
    step-down after it, a recurring injection and prescriber visit, and the post-discharge rule."""
    doc = team_file()
    doc["format"] = "actplanner/team@2"
    policy = doc["policy"]
    policy["post_discharge"] = {"days": 14, "visits_per_week": 3, "first_within_days": 2}
    policy["acuity"]["high"]["max_days_without_contact"] = 2
    policy["on_call"]["fairness_weeks"] = 6
    doc["staff"][0]["employed_from"] = "2024-05-01"
    doc["staff"][1]["employed_until"] = None
    client = doc["clients"][0]
    client.update(
        admitted="2025-03-02",
        discharged=None,
        acuity_changes=[{"date": "2027-01-04", "acuity": "moderate"}],
        episodes=[
            {
                "kind": "inpatient",
                "start": "2026-12-01",
                "end": "2026-12-08",
                "location": {"lat": 41.88, "lon": -87.67, "label": "County hospital"},
                "visits_per_week": 1,
            },
            {"kind": "away", "start": "2027-02-01", "end": None},
        ],
        requirements=[
            {"skill": "lai_injection", "every_days": 14, "window_days": 2, "last": "2026-11-20"},
            {"discipline": "psychiatrist", "every_days": 28, "window_days": 7},
        ],
    )
    doc["clients"][1]["requirements"] = [
        {"skill": "lai_injection", "due": "2026-12-02", "window_days": 1},
        {"discipline": "psychiatrist", "visits": 1},
    ]
    return doc
