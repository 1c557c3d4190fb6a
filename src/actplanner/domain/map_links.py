"""Links that open a place in the phone's own maps app: ``geo:`` on Android, Apple Maps on iOS.

Never a map tile or a map page embedded from elsewhere: the link hands the place to the app
the staff member already has. Which link a page shows is chosen from the browser's user
agent; when it says neither (a desktop, or a browser that hides it) both are shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlencode

Phone = Literal["android", "ios"]

_IOS = re.compile(r"iPhone|iPad|iPod", re.IGNORECASE)
_ANDROID = re.compile(r"Android", re.IGNORECASE)


@dataclass(frozen=True)
class MapLink:
    """One link: the words shown and where it goes."""

    text: str
    href: str


def phone_of(user_agent: str | None) -> Phone | None:
    """The phone's system by its user agent; None when it says neither."""
    if not user_agent:
        return None
    if _IOS.search(user_agent):
        return "ios"
    if _ANDROID.search(user_agent):
        return "android"
    return None


def geo_uri(lat: float, lon: float, label: str | None) -> str:
    """``geo:lat,lon?q=lat,lon(label)`` (RFC 5870 with Android's query): the pin carries the label."""
    point = f"{lat:.6f},{lon:.6f}"
    if not label:
        return f"geo:{point}?q={point}"
    return f"geo:{point}?q={point}({quote(label, safe='')})"


def apple_maps_url(lat: float, lon: float, label: str | None) -> str:
    """Apple Maps: a pin at the coordinates (``ll``), named by the label (``q``)."""
    point = f"{lat:.6f},{lon:.6f}"
    return "https://maps.apple.com/?" + urlencode({"ll": point, "q": label or point})


def map_links(lat: float, lon: float, label: str | None, phone: Phone | None) -> tuple[MapLink, ...]:
    """The link(s) for this phone: one for Android or iOS, both (named) when it is not known."""
    if phone == "android":
        return (MapLink("Map", geo_uri(lat, lon, label)),)
    if phone == "ios":
        return (MapLink("Map", apple_maps_url(lat, lon, label)),)
    return (
        MapLink("Map (Android)", geo_uri(lat, lon, label)),
        MapLink("Apple Maps", apple_maps_url(lat, lon, label)),
    )
