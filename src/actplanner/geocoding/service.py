"""Coordinates for the places a team file gives as an address only (``{"label": ...}``).

The team file format keeps requiring lat and lon (FORMATS.md); this fills them in the
document before it is checked, so every import path (the team file, the team API, the
spreadsheets) reads addresses the same way. A place with no coordinates and no geocoder,
or one the geocoder cannot place, is an error naming the field: nothing is saved.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from geopy.distance import great_circle

from actplanner.domain.formats import FormatError
from actplanner.domain.formats._base import show
from actplanner.geocoding.geocoders import HOW_TO, Geocoder, GeocoderProblem, configured_geocoder

Point = tuple[float, float]

#: A home or start this far from the team's office is taken for a wrong match (a street of
#: the same name in another city), not a place the team visits.
MAX_KM_FROM_OFFICE = 150

#: Stands for "the geocoder the settings name", read only when an address needs it.
CONFIGURED: Any = object()


def places(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, place) of every location of a team file: the office, staff starts, homes, hospitals."""
    team = doc.get("team")
    if isinstance(team, dict) and isinstance(team.get("office"), dict):
        yield "team.office", team["office"]
    for key, field in (("staff", "start"), ("clients", "home")):
        entries = doc.get(key)
        if not isinstance(entries, list):
            continue
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict):
                continue
            if isinstance(entry.get(field), dict):
                yield f"{key}[{i}].{field}", entry[field]
            episodes = entry.get("episodes") if key == "clients" else None
            for j, episode in enumerate(episodes if isinstance(episodes, list) else []):
                if isinstance(episode, dict) and isinstance(episode.get("location"), dict):
                    yield f"{key}[{i}].episodes[{j}].location", episode["location"]


def address_only(place: dict[str, Any]) -> str | None:
    """The address of a place given as a label with neither lat nor lon, else None."""
    label = place.get("label")
    if "lat" in place or "lon" in place or not isinstance(label, str) or not label.strip():
        return None
    return label


def known_places(doc: dict[str, Any]) -> dict[str, Point]:
    """Address -> coordinates of the places of a (checked) team file that have both."""
    known: dict[str, Point] = {}
    for _, place in places(doc):
        label = place.get("label")
        if isinstance(label, str) and "lat" in place and "lon" in place:
            known.setdefault(_key(label), (place["lat"], place["lon"]))
    return known


def with_coordinates(
    doc: dict[str, Any],
    *,
    known: Mapping[str, Point] | None = None,
    geocoder: Geocoder | None = CONFIGURED,
) -> dict[str, Any]:
    """The team file with coordinates for every place given as an address only.

    ``known`` (from ``known_places`` of the team as stored) saves asking again for an
    address already placed; each other address is asked once however many places share it.
    Returns a copy (``doc`` itself when no place lacks coordinates); raises FormatError
    naming each place that could not be placed (then nothing may be saved).
    """
    if not any(address_only(place) for _, place in places(doc)):
        return doc
    doc = copy.deepcopy(doc)
    wanted = [(path, place, label) for path, place in places(doc) if (label := address_only(place))]
    found: dict[str, Point | None] = {_key(k): v for k, v in (known or {}).items()}
    errors: list[str] = []
    team = doc.get("team")
    office = _point(team.get("office")) if isinstance(team, dict) else None
    for n, (path, place, label) in enumerate(wanted):
        key = _key(label)
        if key not in found:
            try:
                if geocoder is CONFIGURED:
                    geocoder = configured_geocoder()
                if geocoder is None:
                    errors += [_no_geocoder(p, lab) for p, _, lab in wanted[n:] if _key(lab) not in found]
                    break
                found[key] = geocoder.locate(label)
            except GeocoderProblem as err:
                left = sum(1 for _, _, lab in wanted[n + 1 :] if _key(lab) not in found)
                more = f"; {left} more addresses were not looked up" if left else ""
                errors.append(
                    f"{path}: could not look up {show(label)}: {err}{more} "
                    f"(try again later, give lat and lon, or ask your IT person: {HOW_TO})"
                )
                break
        point = found[key]
        if point is None:
            errors.append(
                f"{path}: the geocoder found no place for {show(label)}: check the address "
                "(street, city, ZIP code), or give lat and lon"
            )
            continue
        if office is not None and path != "team.office":
            km = great_circle(office, point).km
            if km > MAX_KM_FROM_OFFICE:
                errors.append(
                    f"{path}: the geocoder placed {show(label)} {km:,.0f} km from the team's office "
                    f"(at {point[0]:.5f}, {point[1]:.5f}): add the city and ZIP code to the address, "
                    "or give lat and lon"
                )
                continue
        place["lat"], place["lon"] = round(point[0], 6), round(point[1], 6)
        if path == "team.office":
            office = point
    if errors:
        raise FormatError(errors)
    return doc


def _no_geocoder(path: str, label: str) -> str:
    return (
        f"{path}: no coordinates for {show(label)}: give lat and lon, or have your IT person set "
        f"ACTPLANNER_GEOCODER_URL to your agency's own Nominatim or Pelias ({HOW_TO})"
    )


def _key(address: str) -> str:
    # The same address typed with other spacing or capitals is the same place.
    return " ".join(address.split()).casefold()


def _point(place: Any) -> Point | None:
    if (
        isinstance(place, dict)
        and isinstance(place.get("lat"), int | float)
        and isinstance(place.get("lon"), int | float)
    ):
        return float(place["lat"]), float(place["lon"])
    return None
