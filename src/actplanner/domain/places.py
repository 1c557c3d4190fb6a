"""Where a planned visit takes place, for the pages that show staff where to go.

A plan@2 visit whose ``place`` is ``hospital`` is an inpatient visit: it happens at the
hospital of the client's inpatient episode holding its date, not at their home. Pages read
clients either as team-file models or as database rows (episodes as JSON dicts); both work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

HOSPITAL = "hospital"


@dataclass(frozen=True)
class Hospital:
    """The hospital of an inpatient visit: WGS84 degrees and the label the lead gave it."""

    lat: float
    lon: float
    label: str | None

    @property
    def words(self) -> str:
        """What a page shows as the place: the label, else the coordinates."""
        return f"Hospital: {self.label}" if self.label else f"Hospital at {self.lat:.5f}, {self.lon:.5f}"


def _get(entry: Any, key: str) -> Any:
    return entry.get(key) if isinstance(entry, dict) else getattr(entry, key, None)


def hospital_on(episodes: Iterable[Any], day: date) -> Hospital | None:
    """The located inpatient episode holding ``day`` ([start, end)), if any, as a ``Hospital``."""
    for episode in episodes:
        if _get(episode, "kind") != "inpatient" or _get(episode, "location") is None:
            continue
        start, end = _get(episode, "start"), _get(episode, "end")
        if date.fromisoformat(str(start)) <= day and (end is None or day < date.fromisoformat(str(end))):
            where = _get(episode, "location")
            return Hospital(float(_get(where, "lat")), float(_get(where, "lon")), _get(where, "label"))
    return None


def visit_hospital(place: str | None, episodes: Iterable[Any], day: date) -> Hospital | None:
    """The hospital a visit goes to: its ``place`` says hospital and an inpatient episode holds
    the date; None for a home visit."""
    return hospital_on(episodes, day) if place == HOSPITAL else None


__all__ = ["HOSPITAL", "Hospital", "hospital_on", "visit_hospital"]
