"""Solomon VRPTW instances in LKH-3's text format, as routing instances.

The convention is LKH-3's, the one behind the published best-known totals:
the distance between two nodes is floor(SCALE × Euclidean distance), travel
time equals distance, and ready times, due times and the service time are
multiplied by SCALE too. Windows bound the start of service, every route
starts and ends at the depot inside the depot's window, at most ``VEHICLES``
routes are used and each carries at most ``CAPACITY``.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass
from pathlib import Path

from solver.routing import RoutingInstance, Stop, Vehicle

#: Overrides where the instances are read from.
DIR_VARIABLE = "ACTPLANNER_SOLOMON_DIR"


def instances_dir() -> Path:
    """The folder of the 56 ``.vrptw`` files and ``best_known.csv``.

    They are public research data the project does not ship (the shared
    benchmarks folder asks not to copy them in): by default the shared folder
    beside the checkout, ``../shared/benchmarks/solomon``, or ``$ACTPLANNER_SOLOMON_DIR``.
    """
    override = os.environ.get(DIR_VARIABLE)
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[4] / "shared" / "benchmarks" / "solomon"


_SECTIONS = frozenset({"NODE_COORD_SECTION", "DEMAND_SECTION", "TIME_WINDOW_SECTION", "DEPOT_SECTION"})


@dataclass(frozen=True)
class SolomonInstance:
    """A benchmark instance: its name, node coordinates and the routing problem built from it."""

    name: str
    vehicles: int
    capacity: int
    coordinates: tuple[tuple[float, float], ...]
    routing: RoutingInstance


def read_vrptw(path: str | Path) -> SolomonInstance:
    """Read one ``.vrptw`` file; node ``i`` of the file is location ``i - 1``."""
    header, sections = _parse(Path(path).read_text())
    try:
        name = header["NAME"]
        dimension = int(header["DIMENSION"])
        vehicles = int(header["VEHICLES"])
        capacity = int(header["CAPACITY"])
    except KeyError as missing:
        raise ValueError(f"{path}: header {missing} is missing.") from None
    service = int(header.get("SERVICE_TIME", "0"))
    scale = int(header.get("SCALE", "1"))
    if header.get("EDGE_WEIGHT_TYPE", "FLOOR_2D") != "FLOOR_2D":
        raise ValueError(f"{path}: only EDGE_WEIGHT_TYPE FLOOR_2D is understood.")

    coordinates = _node_table(sections, "NODE_COORD_SECTION", dimension, path)
    demands = _node_table(sections, "DEMAND_SECTION", dimension, path)
    windows = _node_table(sections, "TIME_WINDOW_SECTION", dimension, path)
    depots = [int(token) for token in sections.get("DEPOT_SECTION", []) if int(token) != -1]
    if len(depots) != 1:
        raise ValueError(f"{path}: exactly one depot expected, found {len(depots)}.")
    depot = depots[0] - 1

    points = tuple((float(x), float(y)) for x, y in (coordinates[n] for n in range(dimension)))
    matrix = _floor_distances(points, scale)
    stops = tuple(
        Stop(
            location=node,
            service=service * scale,
            windows=((round(windows[node][0] * scale), round(windows[node][1] * scale)),),
            demand=round(demands[node][0]),
        )
        for node in range(dimension)
        if node != depot
    )
    fleet = Vehicle(
        depot=depot,
        tw_early=round(windows[depot][0] * scale),
        tw_late=round(windows[depot][1] * scale),
        capacity=capacity,
        count=vehicles,
    )
    routing = RoutingInstance(distance=matrix, duration=matrix, stops=stops, vehicles=(fleet,))
    return SolomonInstance(
        name=name, vehicles=vehicles, capacity=capacity, coordinates=points, routing=routing
    )


def read_best_known(path: str | Path) -> dict[str, tuple[int, int]]:
    """Best-known results by instance name, as (vehicles, total distance × 10)."""
    with Path(path).open(newline="") as handle:
        return {
            row["instance"]: (int(row["vehicles"]), int(row["best_known_distance_x10"]))
            for row in csv.DictReader(handle)
        }


def _parse(text: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    header: dict[str, str] = {}
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line == "EOF":
            continue
        if line in _SECTIONS:
            current = sections.setdefault(line, [])
        elif current is not None and not line[0].isalpha():
            current.extend(line.split())
        else:
            current = None
            key, _, value = line.partition(":")
            header[key.strip()] = value.strip()
    return header, sections


def _node_table(
    sections: dict[str, list[str]], section: str, dimension: int, path: str | Path
) -> dict[int, tuple[float, ...]]:
    """Rows of ``node value…`` keyed by zero-based node, checked to cover every node."""
    tokens = sections.get(section)
    if tokens is None:
        raise ValueError(f"{path}: {section} is missing.")
    if len(tokens) % dimension:
        raise ValueError(f"{path}: {section} does not have one row per node.")
    width = len(tokens) // dimension
    rows = {}
    for start in range(0, len(tokens), width):
        node = int(tokens[start]) - 1
        rows[node] = tuple(float(token) for token in tokens[start + 1 : start + width])
    if sorted(rows) != list(range(dimension)):
        raise ValueError(f"{path}: {section} does not list nodes 1 to {dimension}.")
    return rows


def _floor_distances(points: tuple[tuple[float, float], ...], scale: int) -> tuple[tuple[int, ...], ...]:
    """floor(scale × Euclidean distance), exact for integer coordinates.

    Integer square roots avoid a float rounding a whole distance just below
    itself, which would put us one tenth off the published totals.
    """
    scaled = [(x * scale, y * scale) for x, y in points]
    exact = all(x.is_integer() and y.is_integer() for x, y in scaled)

    def distance(a: tuple[float, float], b: tuple[float, float]) -> int:
        dx, dy = a[0] - b[0], a[1] - b[1]
        if exact:
            return math.isqrt(int(dx * dx + dy * dy))
        return math.floor(math.hypot(dx, dy))

    return tuple(tuple(distance(a, b) for b in scaled) for a in scaled)
