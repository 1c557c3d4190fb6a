"""Optional keys of the files, read into columns and written back exactly as they were given.

A column holds the effective value; ``given`` collects the keys a file gave
although they held their default, so writing back adds exactly those.
"""

from __future__ import annotations

from typing import Any


def take(doc: dict[str, Any], key: str, default: Any, given: list[str], path: str | None = None) -> Any:
    """The value of an optional ``key`` of ``doc`` (``default`` when absent)."""
    if key not in doc:
        return default
    value = doc[key]
    if value == default:
        given.append(path or key)
    return value


def put(
    doc: dict[str, Any], key: str, value: Any, default: Any, given: list[str], path: str | None = None
) -> None:
    """Write an optional ``key`` when it differs from its default or the file gave it."""
    if value != default or (path or key) in given:
        doc[key] = value


def take_location(
    doc: dict[str, Any], key: str, given: list[str]
) -> tuple[float | None, float | None, str | None]:
    """``(lat, lon, label)`` of the location at ``key``; all None when it is absent or null."""
    place = doc.get(key)
    if place is None:
        if key in doc:
            given.append(key)
        return None, None, None
    return place["lat"], place["lon"], take(place, "label", None, given, f"{key}.label")


def take_required_location(
    doc: dict[str, Any], key: str, given: list[str]
) -> tuple[float, float, str | None]:
    """``(lat, lon, label)`` of a location the file must give (the office, a client's home)."""
    place = doc[key]
    return place["lat"], place["lon"], take(place, "label", None, given, f"{key}.label")


def put_location(
    doc: dict[str, Any], key: str, lat: float | None, lon: float | None, label: str | None, given: list[str]
) -> None:
    """Write the location at ``key`` (or its explicit null) as the file had it."""
    if lat is None or lon is None:
        if key in given:
            doc[key] = None
        return
    place: dict[str, Any] = {"lat": lat, "lon": lon}
    put(place, "label", label, None, given, f"{key}.label")
    doc[key] = place
