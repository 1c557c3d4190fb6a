"""The agency's own geocoder (Nominatim or Pelias), reached through geopy.

Addresses are PHI, so nothing is configured by default and a well-known public service
is refused even when configured: its operators have no agreement to hold the agency's
client addresses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from geopy import exc as geopy_errors
from geopy.geocoders import Nominatim, Pelias
from geopy.geocoders.base import Geocoder as GeopyGeocoder

from actplanner.settings import Settings, get_settings

#: Where to read how to run one (said in every message that asks for a geocoder).
HOW_TO = "docs/operations.md"

#: Public services an address must never reach (host or any subdomain).
PUBLIC_HOSTS = ("openstreetmap.org", "geocode.earth", "komoot.io", "maps.googleapis.com", "arcgis.com")

#: What each kind's client appends to the base URL: an IT person may paste the URL with it.
_ENDPOINTS = {"nominatim": "/search", "pelias": "/v1/search"}


class GeocoderProblem(Exception):
    """The geocoder cannot be used or did not answer; the message says so in plain words."""


class Geocoder(Protocol):
    """Finds the coordinates of one address."""

    @property
    def name(self) -> str:
        """How messages name it: "the geocoder at http://geocoder.internal:8080"."""
        ...

    def locate(self, address: str) -> tuple[float, float] | None:
        """(lat, lon) of the address, None when the geocoder knows no such place.

        Raises GeocoderProblem when it cannot answer at all (down, timed out, refused).
        """
        ...


@dataclass
class Configured:
    """The geocoder ACTPLANNER_GEOCODER / ACTPLANNER_GEOCODER_URL name."""

    kind: str
    url: str
    client: GeopyGeocoder
    countries: list[str]

    @property
    def name(self) -> str:
        return f"the geocoder at {self.url}"

    def locate(self, address: str) -> tuple[float, float] | None:
        try:
            if self.kind == "pelias":
                found = self.client.geocode(address, exactly_one=True, countries=self.countries or None)
            else:
                found = self.client.geocode(address, exactly_one=True, country_codes=self.countries or None)
        except geopy_errors.GeocoderTimedOut:
            raise GeocoderProblem(f"{self.name} did not answer in time") from None
        except (geopy_errors.GeocoderAuthenticationFailure, geopy_errors.GeocoderInsufficientPrivileges):
            raise GeocoderProblem(
                f"{self.name} refused the request (check ACTPLANNER_GEOCODER_API_KEY)"
            ) from None
        except (geopy_errors.GeocoderParseError, KeyError, IndexError, TypeError, ValueError):
            # geopy reads the answer's fields as the service documents them; anything else
            # is another service (or a proxy's page) at that address.
            raise GeocoderProblem(
                f"{self.name} answered with something that is not a {self.kind.title()} answer "
                "(check ACTPLANNER_GEOCODER)"
            ) from None
        except geopy_errors.GeocoderUnavailable:
            # geopy's text holds the query URL, that is the address: not for a message.
            raise GeocoderProblem(
                f"{self.name} could not be reached (is it running, and is ACTPLANNER_GEOCODER_URL right?)"
            ) from None
        except geopy_errors.GeopyError as err:
            raise GeocoderProblem(f"{self.name} failed ({_short(err)})") from None
        if found is None:
            return None
        return float(found.latitude), float(found.longitude)


def configured_geocoder(settings: Settings | None = None) -> Geocoder | None:
    """The agency's geocoder, None when none is set; GeocoderProblem when the setting is unusable."""
    settings = settings or get_settings()
    if not settings.geocoder_url:
        return None
    url = settings.geocoder_url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise GeocoderProblem(
            f"ACTPLANNER_GEOCODER_URL {url!r} is not a web address (like http://geocoder.internal:8080)"
        )
    host = parts.hostname.lower()
    if any(host == public or host.endswith("." + public) for public in PUBLIC_HOSTS):
        raise GeocoderProblem(
            f"ACTPLANNER_GEOCODER_URL points at a public service ({host}); client addresses are PHI "
            f"and may only go to your agency's own Nominatim or Pelias ({HOW_TO})"
        )
    path = parts.path
    endpoint = _ENDPOINTS[settings.geocoder]
    if path.endswith(endpoint):
        path = path[: -len(endpoint)]
    domain = parts.netloc + path.rstrip("/")
    common = {
        "scheme": parts.scheme,
        "timeout": settings.geocoder_timeout,
        "user_agent": "actplanner",
    }
    client: GeopyGeocoder
    if settings.geocoder == "pelias":
        client = Pelias(domain, api_key=settings.geocoder_api_key, **common)
    else:
        client = Nominatim(domain=domain, **common)
    countries = [c.strip().lower() for c in (settings.geocoder_countries or "").split(",") if c.strip()]
    return Configured(settings.geocoder, url, client, countries)


def _short(err: Exception) -> str:
    text = " ".join(str(err).split())
    return text if len(text) <= 120 else text[:117] + "..."
