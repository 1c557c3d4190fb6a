"""The Solomon reader, the benchmark runner and a short solve of C101.

The reader and the summary run everywhere, on a small instance written here. The
C101 tests need the published instances, which the project does not ship: they
skip unless ``actplanner.bench.solomon.instances_dir()`` holds them.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from actplanner.bench.solomon import DIR_VARIABLE, SolomonInstance, instances_dir, read_best_known, read_vrptw
from actplanner.bench.vrptw import format_summary, instance_class, run_instance, summarise
from solver.routing import check_routes, solve_routing

#: PyVRP with seed 0 first reaches a feasible C101 (10 vehicles, the minimum)
#: between 1,500 and 2,000 iterations: 3 to 5 s on this machine, more when it is
#: busy. An iteration budget, not a time limit, so the tests do not depend on
#: the machine's load; the time limit is only a ceiling.
SHORT_ITERATIONS = 3000
CEILING = 300.0
SOLOMON = instances_dir()
C101 = SOLOMON / "C101.100.10.vrptw"

needs_c101 = pytest.mark.skipif(
    not C101.exists(),
    reason=(
        f"Solomon instances not found in {SOLOMON} (not shipped with the project): to run these "
        f"tests, set {DIR_VARIABLE} to a folder with the LKH-3 .vrptw files and best_known.csv, "
        "or check out ../shared/benchmarks/solomon beside the repository"
    ),
)

#: Three customers and a depot in LKH-3's format (the shape of every Solomon file).
TINY = """NAME : TINY
TYPE : CVRPTW
DIMENSION : 4
VEHICLES : 2
CAPACITY : 20
SERVICE_TIME : 10
SCALE : 10
EDGE_WEIGHT_TYPE : FLOOR_2D
NODE_COORD_SECTION
1 0 0
2 3 4
3 0 10
4 1 1
DEMAND_SECTION
1 0
2 10
3 10
4 5
TIME_WINDOW_SECTION
1 0 1000
2 0 500
3 100 800
4 0 900
DEPOT_SECTION
1
-1
EOF
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "TINY.4.2.vrptw"
    path.write_text(TINY)
    (tmp_path / "best_known.csv").write_text("instance,vehicles,best_known_distance_x10\nTINY,1,400\n")
    return path


def test_reader_scales_times_and_floors_distances(tiny: Path) -> None:
    """Node 1 is the depot; times ×10; distances floor(10 × Euclidean)."""
    instance = read_vrptw(tiny)
    routing = instance.routing
    (fleet,) = routing.vehicles
    assert (instance.name, fleet.depot, fleet.count, fleet.capacity) == ("TINY", 0, 2, 20)
    assert (fleet.tw_early, fleet.tw_late) == (0, 10000)
    assert [(s.location, s.demand, s.service, s.windows) for s in routing.stops] == [
        (1, 10, 100, ((0, 5000),)),
        (2, 10, 100, ((1000, 8000),)),
        (3, 5, 100, ((0, 9000),)),
    ]
    assert routing.distance[0][1] == 50 and routing.distance[0][3] == math.floor(10 * math.sqrt(2))


def test_runner_compares_with_the_best_known_beside_the_instance(tiny: Path) -> None:
    row = run_instance(tiny, time_limit=CEILING, seed=0, max_iterations=200)
    assert row["feasible"] and row["instance"] == "TINY"
    assert row["best_known_x10"] == 400
    assert row["gap_percent"] == round(100 * (row["distance_x10"] - 400) / 400, 3)


def test_reader_rejects_a_file_without_a_depot(tmp_path: Path) -> None:
    bad = tmp_path / "bad.vrptw"
    bad.write_text(TINY.replace("DEPOT_SECTION\n1\n-1", "DEPOT_SECTION\n-1"))
    with pytest.raises(ValueError, match="exactly one depot"):
        read_vrptw(bad)


@pytest.fixture(scope="module")
def c101() -> SolomonInstance:
    """C101: clustered customers, 10 vehicles of capacity 200, best known 827.3 (8273 × 0.1)."""
    return read_vrptw(C101)


@needs_c101
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


@needs_c101
def test_reader_uses_floor_of_scaled_euclidean(c101: SolomonInstance) -> None:
    """Distance and travel time are floor(10 × Euclidean) between node coordinates."""
    (x0, y0), (x1, y1) = c101.coordinates[0], c101.coordinates[1]
    expected = math.floor(10 * math.hypot(x0 - x1, y0 - y1))
    assert c101.routing.distance[0][1] == expected == 186
    assert c101.routing.duration == c101.routing.distance


@needs_c101
def test_best_known_table() -> None:
    """The best-known table gives vehicles and distance × 10 per instance."""
    table = read_best_known(SOLOMON / "best_known.csv")
    assert table["C101"] == (10, 8273)
    assert len(table) == 56


@needs_c101
def test_short_run_of_c101_is_feasible() -> None:
    """A short run of C101 gives a feasible plan within the fleet and a gap to the best known."""
    row = run_instance(C101, time_limit=CEILING, seed=0, max_iterations=SHORT_ITERATIONS)

    assert row["feasible"]
    assert row["vehicles"] <= 10
    assert row["gap_percent"] >= 0


@needs_c101
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
