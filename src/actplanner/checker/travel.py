"""Travel time between places, computed from FORMATS.md's two models."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0
DEFAULT_SPEED_KMH = 30.0
DEFAULT_DETOUR_FACTOR = 1.3


@dataclass(frozen=True)
class Place:
    """A point a route passes through.

    ``keys`` are the names a travel matrix may use for it, most specific first
    (a staff member without their own start is also ``"office"``); ``point``
    is (lat, lon) or None when the team file gives no usable location.
    """

    label: str
    keys: tuple[str, ...]
    point: tuple[float, float] | None


def as_point(location: object) -> tuple[float, float] | None:
    """(lat, lon) of a location dict, or None when it is not one."""
    if not isinstance(location, dict):
        return None
    lat, lon = location.get("lat"), location.get("lon")
    numbers = (int, float)
    if isinstance(lat, bool) or isinstance(lon, bool):
        return None
    if not isinstance(lat, numbers) or not isinstance(lon, numbers):
        return None
    return float(lat), float(lon)


def haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lon) points in degrees."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


class Travel:
    """The team's travel model: minutes(a, b), or None when it cannot tell."""

    def __init__(self, policy_travel: object) -> None:
        spec = policy_travel if isinstance(policy_travel, dict) else {}
        self.model = spec.get("model", "haversine")
        self.speed_kmh = spec.get("speed_kmh", DEFAULT_SPEED_KMH)
        self.detour_factor = spec.get("detour_factor", DEFAULT_DETOUR_FACTOR)
        matrix = spec.get("minutes")
        self.matrix = matrix if isinstance(matrix, dict) else {}

    def minutes(self, a: Place, b: Place) -> int | None:
        """Travel minutes from a to b; 0 for the same place.

        A place a matrix cannot name (a hospital: no keys) is reached by the haversine
        model with the default speed and detour under the matrix model (docs/decisions.md).
        """
        if a.keys and a.keys == b.keys:
            return 0
        nameable = bool(a.keys) and bool(b.keys)
        if self.model == "matrix" and nameable:
            return self._from_matrix(a, b)
        if self.model not in ("haversine", "matrix") or a.point is None or b.point is None:
            return None
        if a.point == b.point:
            return 0
        km = haversine_km(a.point, b.point)
        if self.model == "matrix":
            return math.ceil(km * DEFAULT_DETOUR_FACTOR / DEFAULT_SPEED_KMH * 60)
        return math.ceil(km * self.detour_factor / self.speed_kmh * 60)

    def _from_matrix(self, a: Place, b: Place) -> int | None:
        for from_key in a.keys:
            row = self.matrix.get(from_key)
            if not isinstance(row, dict):
                continue
            for to_key in b.keys:
                value = row.get(to_key)
                if isinstance(value, int) and not isinstance(value, bool):
                    return value
        return None
