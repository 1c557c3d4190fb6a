"""Builders of contact logs (``actplanner/contacts@1`` dicts) and the team they are for.

``history_team()`` is the tiny team of ``team_files`` made loadable (haversine travel,
no staff both excluded and on an ITT), so the pydantic readers accept it; its ids are
the tiny team's: nurse s-rn (skill lai_injection), case manager s-cm, team leader
s-tl, peer specialist s-ps; client c-1 (moderate, 3 visits a week, 2 days apart,
an injection due Wednesday 2026-12-02 ± 1) and c-2 (stable, 2 visits, paired).
"""

from __future__ import annotations

from typing import Any

from tests.support.team_files import team_file

WEEK = "2026-11-30"  # A Monday; the week runs to Sunday 2026-12-06.
MON, TUE, WED, THU, FRI, SAT, SUN = (
    f"2026-{d}" for d in ("11-30", "12-01", "12-02", "12-03", "12-04", "12-05", "12-06")
)


def history_team() -> dict[str, Any]:
    """The tiny team as a file the readers load (see the module docstring)."""
    doc = team_file("tiny")
    doc["policy"]["travel"] = {"model": "haversine", "speed_kmh": 30, "detour_factor": 1.3}
    doc["clients"][0]["excluded_staff"] = []
    return doc


def contact(ident: str, **fields: Any) -> dict[str, Any]:
    """A done home visit by the nurse s-rn to c-1 on Monday 2026-11-30 at 09:10 for 30
    minutes, with ``fields`` changed; a field set to None is left out."""
    entry: dict[str, Any] = {
        "id": ident,
        "client": "c-1",
        "staff": ["s-rn"],
        "date": MON,
        "start": "09:10",
        "minutes": 30,
        "outcome": "done",
        "mode": "face_to_face",
        "place": "home",
    }
    entry.update(fields)
    return {k: v for k, v in entry.items() if v is not None}


def missed(ident: str, outcome: str = "no_show", **fields: Any) -> dict[str, Any]:
    """A contact that did not happen (no mode, place or minutes)."""
    return contact(ident, outcome=outcome, minutes=0, mode=None, place=None, **fields)


def contact_log(*contacts: dict[str, Any], team: str = "tiny") -> dict[str, Any]:
    return {"format": "actplanner/contacts@1", "team": team, "contacts": list(contacts)}


def plan_file(week: str, *visits: dict[str, Any], team: str = "tiny") -> dict[str, Any]:
    """A plan file holding ``visits`` (no on-call, no caseload): a plan of record for history."""
    return {
        "format": "actplanner/plan@1",
        "team": team,
        "week_start": week,
        "visits": list(visits),
        "on_call": [],
        "caseload": {},
    }


def visit(
    ident: str, client: str, staff: list[str], day: str, start: str = "09:00", end: str = "09:45", **more: Any
) -> dict[str, Any]:
    return {"id": ident, "client": client, "staff": staff, "date": day, "start": start, "end": end, **more}
