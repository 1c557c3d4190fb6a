"""A geocoding HTTP server for tests: Nominatim's and Pelias's search endpoints on 127.0.0.1.

It answers the way the real services do (Nominatim: a JSON list of places with string
"lat"/"lon"; Pelias: a GeoJSON FeatureCollection with [lon, lat]), from a table of known
addresses, and records every query so tests can tell what was asked. ``use_geocoder`` is the
fixture that points the app's settings at one (or at none) for a test.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from actplanner.settings import get_settings


@dataclass
class FakeGeocoder:
    places: dict[str, tuple[float, float]]
    url: str = ""
    asked: list[str] = field(default_factory=list)
    #: Paths asked (to tell the Nominatim endpoint from the Pelias one).
    paths: list[str] = field(default_factory=list)


def _find(server: FakeGeocoder, text: str) -> tuple[str, tuple[float, float]] | None:
    for address, point in server.places.items():
        if address.casefold() == " ".join(text.split()).casefold():
            return address, point
    return None


@contextmanager
def fake_geocoder(places: dict[str, tuple[float, float]]) -> Iterator[FakeGeocoder]:
    """A running fake geocoder answering both /search (Nominatim) and /v1/search (Pelias)."""
    state = FakeGeocoder(dict(places))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            state.paths.append(parts.path)
            if parts.path == "/search":
                text = query.get("q", "")
                state.asked.append(text)
                hit = _find(state, text)
                body: object = (
                    []
                    if hit is None
                    else [
                        {
                            "place_id": 1,
                            "lat": f"{hit[1][0]:.7f}",
                            "lon": f"{hit[1][1]:.7f}",
                            "display_name": f"{hit[0]}, Chicago, Illinois, United States",
                            "class": "place",
                            "type": "house",
                            "importance": 0.5,
                        }
                    ]
                )
            elif parts.path == "/v1/search":
                text = query.get("text", "")
                state.asked.append(text)
                hit = _find(state, text)
                features = (
                    []
                    if hit is None
                    else [
                        {
                            "type": "Feature",
                            "geometry": {"type": "Point", "coordinates": [hit[1][1], hit[1][0]]},
                            "properties": {
                                "name": hit[0],
                                "label": f"{hit[0]}, Chicago, IL, USA",
                                "layer": "address",
                            },
                        }
                    ]
                )
                body = {"type": "FeatureCollection", "features": features}
            else:
                self.send_error(404)
                return
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


UseGeocoder = Callable[..., None]


@pytest.fixture
def use_geocoder(monkeypatch: pytest.MonkeyPatch) -> Iterator[UseGeocoder]:
    """Sets ACTPLANNER_GEOCODER(_URL) for this test (none at first: the default)."""
    for name in ("URL", "API_KEY", "COUNTRIES", "TIMEOUT"):
        monkeypatch.delenv(f"ACTPLANNER_GEOCODER_{name}", raising=False)
    monkeypatch.delenv("ACTPLANNER_GEOCODER", raising=False)
    get_settings.cache_clear()

    def use(url: str, kind: str = "nominatim") -> None:
        monkeypatch.setenv("ACTPLANNER_GEOCODER_URL", url)
        monkeypatch.setenv("ACTPLANNER_GEOCODER", kind)
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()
