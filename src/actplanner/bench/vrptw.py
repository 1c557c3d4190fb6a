"""Solomon VRPTW benchmark of the routing layer against published best-known totals.

Library functions return plain dicts and strings; only :func:`main` prints, so
the application's CLI can reuse them with its own output format.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from actplanner.bench.solomon import read_best_known, read_vrptw
from solver.routing import solve_routing

#: The six Solomon classes: clustered, random and mixed, short (1) and long (2) horizons.
CLASSES = ("C1", "C2", "R1", "R2", "RC1", "RC2")
_CLASS = re.compile(r"^(RC|R|C)(\d)")


def run_instance(
    path: str | Path,
    time_limit: float,
    seed: int = 0,
    best_known: Mapping[str, tuple[int, int]] | None = None,
    max_iterations: int | None = None,
) -> dict[str, Any]:
    """Solve one instance and compare it with its best known total.

    Without ``best_known``, the ``best_known.csv`` beside the instance is used
    when there is one. ``max_iterations`` also bounds the search, for a result
    that does not depend on how busy the machine is.
    """
    path = Path(path)
    instance = read_vrptw(path)
    if best_known is None:
        table = path.parent / "best_known.csv"
        best_known = read_best_known(table) if table.exists() else {}
    result = solve_routing(instance.routing, time_limit=time_limit, seed=seed, max_iterations=max_iterations)
    row: dict[str, Any] = {
        "instance": instance.name,
        "distance_x10": result.distance,
        "vehicles": len(result.routes),
        "feasible": result.feasible,
        "seconds": round(result.seconds, 2),
    }
    # A gap is only meaningful for a feasible answer.
    if instance.name in best_known and result.feasible:
        best_vehicles, best_distance = best_known[instance.name]
        row["best_known_x10"] = best_distance
        row["best_known_vehicles"] = best_vehicles
        row["gap_percent"] = round(100 * (result.distance - best_distance) / best_distance, 3)
    return row


def instance_class(name: str) -> str | None:
    """The Solomon class of an instance name (``RC104`` is ``RC1``), if it has one."""
    match = _CLASS.match(name.upper())
    return f"{match.group(1)}{match.group(2)}" if match else None


def summarise(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Average gap per class and overall, over feasible rows with a best known total.

    Infeasible results are counted apart rather than averaged: their distance
    is not a valid answer, so no gap describes them.
    """
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for row in rows:
        key = instance_class(str(row["instance"])) or "other"
        groups.setdefault(key, []).append(row)
        groups.setdefault("all", []).append(row)
    order = [*CLASSES, "other", "all"]
    return {key: _stats(groups[key]) for key in order if key in groups}


def format_summary(summary: Mapping[str, Mapping[str, Any]]) -> str:
    """The summary as a markdown table."""
    lines = [
        "| class | instances | feasible | mean gap % | max gap % |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, stats in summary.items():
        mean = "" if stats["mean_gap_percent"] is None else f"{stats['mean_gap_percent']:.2f}"
        worst = "" if stats["max_gap_percent"] is None else f"{stats['max_gap_percent']:.2f}"
        lines.append(f"| {key} | {stats['instances']} | {stats['feasible']} | {mean} | {worst} |")
    return "\n".join(lines)


def _stats(rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    gaps = [row["gap_percent"] for row in rows if row["feasible"] and "gap_percent" in row]
    return {
        "instances": len(rows),
        "feasible": sum(1 for row in rows if row["feasible"]),
        "mean_gap_percent": round(sum(gaps) / len(gaps), 3) if gaps else None,
        "max_gap_percent": max(gaps) if gaps else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Print one JSON object per instance as it finishes, then a markdown summary."""
    parser = argparse.ArgumentParser(prog="python -m actplanner.bench.vrptw", description=__doc__)
    parser.add_argument("files", nargs="+", type=Path, help="LKH-3 .vrptw instance files")
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per instance")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    rows = []
    for path in args.files:
        row = run_instance(path, args.time_limit, args.seed)
        rows.append(row)
        print(json.dumps(row), flush=True)
    print()
    print(format_summary(summarise(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
