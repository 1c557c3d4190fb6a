"""A home or start whose address the form changed while posting back the old coordinates.

The team forms show the stored latitude and longitude beside the address, so a lead who types
a client's new address and saves sends the old point with it. Saved as it came, the label
would name the new address while every maps link (which goes by the coordinates) led the
nurse to the old one. So an address that changed while the coordinates are the ones stored is
taken as an address alone, and saving looks it up again through the agency's geocoder, as an
import does; with no geocoder the form says what to do and saves nothing. Coordinates the lead
typed with the new address are used as given, and an unchanged address (spacing and capitals
aside) keeps its coordinates without asking any geocoder.
"""

from __future__ import annotations

from typing import Any

from actplanner.geocoding.service import GeocoderProblem, configured_geocoder

#: The form's answer to a changed address with the old coordinates and no geocoder to ask.
NO_LOOKUP = (
    "The address changed: give its latitude and longitude too, or ask your IT person to set up "
    "address lookup (ACTPLANNER_GEOCODER_URL)"
)


def moved_address(stored: Any, lat: str, lon: str, label: str) -> bool:
    """Whether ``label`` names another address than the stored place's while ``lat`` and ``lon``
    are its coordinates as stored (the lead did not type new ones).

    A place stored without an address is not "moved" by giving it one: its coordinates were
    all the team knew of it, and they still are.
    """
    if not isinstance(stored, dict) or not label:
        return False
    old = stored.get("label")
    if not isinstance(old, str) or not old.strip() or _same_address(old, label):
        return False
    return _same_number(lat, stored.get("lat")) and _same_number(lon, stored.get("lon"))


def can_look_up() -> bool:
    """Whether a geocoder is set up. One set up wrongly counts: the look-up itself then says
    what is wrong with the setting, as it does for an import."""
    try:
        return configured_geocoder() is not None
    except GeocoderProblem:
        return True


def _same_address(a: str, b: str) -> bool:
    # As the geocoding service matches known places: other spacing or capitals, same place.
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _same_number(text: str, value: Any) -> bool:
    # The form shows a stored 41.8813 as "41.8813"; "41.88130" typed is the same point.
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return float(text) == float(value)
    except ValueError:
        return False
