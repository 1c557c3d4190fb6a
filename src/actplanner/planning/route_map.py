"""A staff member's route for one day drawn as an SVG map, from coordinates alone.

No map tiles: a tile server would learn where the team's clients live, and
the page must load nothing from elsewhere. An equirectangular projection
(longitude scaled by the cosine of the middle latitude) is true enough for the
few kilometres a day's route spans.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

SVG_NS = "http://www.w3.org/2000/svg"


@dataclass(frozen=True)
class MapPoint:
    """A place on the map: WGS84 degrees and the short text shown beside it (a client code, never a name)."""

    lat: float
    lon: float
    label: str


def route_map_svg(
    start: MapPoint,
    stops: Sequence[MapPoint],
    *,
    title: str,
    width: int = 480,
    height: int = 360,
    padding: int = 36,
) -> str:
    """SVG markup of a route from ``start`` through ``stops`` in order and back to ``start``.

    The bounding box of all points is scaled to fit ``width`` × ``height`` less
    ``padding`` on every side, keeping the aspect ratio, and centred. The start
    is a square marker, each stop a numbered circle labelled with its text; all
    text is escaped.
    """
    if width <= 2 * padding or height <= 2 * padding:
        raise ValueError("The map must be larger than twice its padding in both directions.")
    points = [start, *stops]
    project = _projection(points, width, height, padding)
    xy = [project(p) for p in points]
    route = [*xy, xy[0]] if stops else []
    parts = [
        f'<svg xmlns="{SVG_NS}" class="route-map" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect class="map-ground" x="0" y="0" width="{width}" height="{height}" fill="#f4f6f8"/>',
    ]
    if route:
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in route)
        parts.append(
            f'<polyline class="map-route" points="{coords}" fill="none" stroke="#0b5cad" '
            'stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>'
        )
    sx, sy = xy[0]
    parts.append(
        f'<g class="map-start"><rect x="{sx - 7:.1f}" y="{sy - 7:.1f}" width="14" height="14" '
        'fill="#1b1f24" stroke="#fff" stroke-width="1.5"/>'
        f'<text x="{sx + 10:.1f}" y="{sy + 18:.1f}" font-size="12" font-weight="700" '
        f'fill="#1b1f24">{escape(start.label)}</text></g>'
    )
    for number, (stop, (x, y)) in enumerate(zip(stops, xy[1:], strict=True), start=1):
        parts.append(
            f'<g class="map-stop"><circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="#fff" '
            'stroke="#0b5cad" stroke-width="2.5"/>'
            f'<text class="map-stop-number" x="{x:.1f}" y="{y + 4:.1f}" font-size="11" font-weight="700" '
            f'text-anchor="middle" fill="#0b5cad">{number}</text>'
            f'<text class="map-stop-label" x="{x + 13:.1f}" y="{y - 8:.1f}" font-size="12" '
            f'fill="#1b1f24">{escape(stop.label)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _projection(points: Sequence[MapPoint], width: int, height: int, padding: int) -> _Project:
    mid_lat = (min(p.lat for p in points) + max(p.lat for p in points)) / 2
    # Degrees of longitude shrink towards the poles; scaling by cos(latitude) keeps distances honest.
    squeeze = math.cos(math.radians(mid_lat))
    xs = [p.lon * squeeze for p in points]
    ys = [p.lat for p in points]
    span_x, span_y = max(xs) - min(xs), max(ys) - min(ys)
    inner_w, inner_h = width - 2 * padding, height - 2 * padding
    spans = [s for s in (span_x / inner_w, span_y / inner_h) if s > 0]
    per_pixel = max(spans) if spans else 1.0
    centre_x, centre_y = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return _Project(squeeze, per_pixel, centre_x, centre_y, width / 2, height / 2)


@dataclass(frozen=True)
class _Project:
    squeeze: float
    per_pixel: float
    centre_x: float
    centre_y: float
    mid_x: float
    mid_y: float

    def __call__(self, point: MapPoint) -> tuple[float, float]:
        x = self.mid_x + (point.lon * self.squeeze - self.centre_x) / self.per_pixel
        # North is up: SVG's y grows downwards.
        y = self.mid_y - (point.lat - self.centre_y) / self.per_pixel
        return x, y
