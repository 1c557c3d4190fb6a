"""The Solomon reader, the benchmark runner and a short solve of C101."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from actplanner.bench.solomon import SolomonInstance, read_best_known, read_vrptw
from actplanner.bench.vrptw import format_summary, instance_class, run_instance, summarise
from solver.routing import check_routes, solve_routing

#: PyVRP with seed 0 first reaches a feasible C101 (10 vehicles, the minimum)
#: between 1,500 and 2,000 iterations: 3 to 5 s on this machine, more when it is
#: busy. An iteration budget, not a time limit, so the tests do not depend on
#: the machine's load; the time limit is only a ceiling.
SHORT_ITERATIONS = 3000
CEILING = 300.0
SOLOMON = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "solomon"
C101 = SOLOMON / "C101.100.10.vrptw"

pytestmark = pytest.mark.skipif(not C101.exists(), reason="Solomon benchmark files not present")


@pytest.fixture(scope="module")
def c101() -> SolomonInstance:
    """C101: clustered customers, 10 vehicles of capacity 200, best known 827.3 (8273 × 0.1)."""
    return read_vrptw(C101)


def test_reader_parses_header_and_nodes(c101: SolomonInstance) -> None:
    """C101 has 100 stops, one depot fleet of 10 and times scaled by 10."""
    routing = c101.routing
    assert c101.name == "C101"
    assert len(routing.stops) == 100
    (fleet,) = routing.vehicles
    assert (fleet.depot, fleet.count, fleet.capacity) == (0, 10, 200)
    assert (fleet.tw_early, fleet.tw_late) == (0, 12360)
    first = routing.stops[0]
    assert (first.location, first.demand, first.service) == (1, 10, 900)
    assert first.windows == ((9120, 9670),)


def test_reader_uses_floor_of_scaled_euclidean(c101: SolomonInstance) -> None:
    """Distance and travel time are floor(10 × Euclidean) between node coordinates."""
    (x0, y0), (x1, y1) = c101.coordinates[0], c101.coordinates[1]
    expected = math.floor(10 * math.hypot(x0 - x1, y0 - y1))
    assert c101.routing.distance[0][1] == expected == 186
    assert c101.routing.duration == c101.routing.distance


def test_best_known_table() -> None:
    """The best-known table gives vehicles and distance × 10 per instance."""
    table = read_best_known(SOLOMON / "best_known.csv")
    assert table["C101"] == (10, 8273)
    assert len(table) == 56


def test_short_run_of_c101_is_feasible() -> None:
    """A short run of C101 gives a feasible plan within the fleet and a gap to the best known."""
    row = run_instance(C101, time_limit=CEILING, seed=0, max_iterations=SHORT_ITERATIONS)

    assert row["feasible"]
    assert row["vehicles"] <= 10
    assert row["gap_percent"] >= 0


def test_short_solve_routes_are_independently_valid(c101: SolomonInstance) -> None:
    """Recomputing floor distances from coordinates gives the result's distance, and it is valid."""
    result = solve_routing(c101.routing, time_limit=CEILING, seed=0, max_iterations=SHORT_ITERATIONS)

    def leg(a: int, b: int) -> int:
        (xa, ya), (xb, yb) = c101.coordinates[a], c101.coordinates[b]
        return math.isqrt(int((10 * (xa - xb)) ** 2 + (10 * (ya - yb)) ** 2))

    total = 0
    for route in result.routes:
        path = [0, *(c101.routing.stops[v.stop].location for v in route.stops), 0]
        total += sum(leg(a, b) for a, b in zip(path, path[1:], strict=False))
    assert result.feasible
    assert len(result.routes) <= 10
    assert total == result.distance
    assert check_routes(c101.routing, result.routes) == ()
    assert sorted(v.stop for r in result.routes for v in r.stops) == list(range(100))


def test_instance_class_names() -> None:
    """Instance names map to the six Solomon classes."""
    assert [instance_class(n) for n in ("C101", "C205", "R112", "R211", "RC105", "RC208")] == [
        "C1",
        "C2",
        "R1",
        "R2",
        "RC1",
        "RC2",
    ]


def test_summary_averages_feasible_gaps_per_class() -> None:
    """The summary averages gaps of feasible rows only, per class and overall."""
    rows = [
        {"instance": "C101", "feasible": True, "gap_percent": 0.0},
        {"instance": "C102", "feasible": True, "gap_percent": 1.0},
        {"instance": "R101", "feasible": False, "gap_percent": -5.0},
    ]
    summary = summarise(rows)

    assert summary["C1"]["mean_gap_percent"] == 0.5
    assert summary["R1"] == {
        "instances": 1,
        "feasible": 0,
        "mean_gap_percent": None,
        "max_gap_percent": None,
    }
    assert summary["all"]["instances"] == 3
    assert "| C1 | 2 | 2 | 0.50 | 1.00 |" in format_summary(summary)
