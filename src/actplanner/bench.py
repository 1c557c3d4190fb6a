"""``actplanner bench``: the planner measured against its greedy baseline, in one run.

Everything is compared inside the same run (ratios beside the seconds), since
the machines these run on are shared and noisy. Every plan produced is checked
by the independent checker; the table shows its violation count.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

from actplanner.adapter import to_plan_file, to_problem
from actplanner.checker import check
from actplanner.formats import dump_plan, load_plan, load_team

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
SOLOMON = ROOT.parent / "shared" / "benchmarks" / "solomon"
WEEK = date(2026, 11, 30)


@dataclass
class Run:
    team: str
    method: str
    limit: float
    first_valid: float | None
    seconds: float
    violations: int
    unmet: int
    travel: int
    per_visit: float
    itt: float
    team_approach: float
    on_call_spread: int
    visits: int
    moved: int | None = None


def machine() -> str:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in ("ortools", "pyvrp"))
    return (
        f"{cpu}, {os.cpu_count()} cores{mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; {versions}"
    )


def plan_team(team_doc: dict, limit: float, greedy: bool, seed: int = 0, baseline=None, from_date=None):  # noqa: ANN001, ANN201
    """Solve one team; return the plan file dict and the time to the first valid plan."""
    from solver import SolveParams, solve

    team = load_team(team_doc)
    problem = to_problem(team, WEEK, baseline=baseline, from_date=from_date)
    first: list[float] = []

    def on_progress(p) -> None:  # noqa: ANN001
        if p.phase == "first plan" and not first:
            first.append(p.elapsed)

    plan = solve(problem, SolveParams(time_limit=limit, seed=seed, greedy_only=greedy), on_progress)
    return dump_plan(to_plan_file(plan, team, WEEK)), (first[0] if first else None), plan


def measure(name: str, team_doc: dict, limit: float, greedy: bool, **kw) -> Run:  # noqa: ANN003
    started = time.monotonic()
    doc, first, plan = plan_team(team_doc, limit, greedy, **kw)
    seconds = time.monotonic() - started
    report = check(team_doc, doc)
    m = report.metrics
    return Run(
        team=name,
        method="greedy" if greedy else "actplanner",
        limit=limit,
        first_valid=first,
        seconds=seconds,
        violations=len(report.unexcused),
        unmet=len(doc["unmet"]),
        travel=int(m.get("travel_minutes_total", 0)),
        per_visit=float(m.get("travel_minutes_per_visit", 0.0)),
        itt=float(m.get("itt_share", 0.0)),
        team_approach=float(m.get("team_approach_share", 0.0)),
        on_call_spread=int(m.get("on_call_primary_spread", 0)),
        visits=len(doc["visits"]),
        moved=plan.moved,
    )


def scaling_team(clients: int) -> dict:
    """The first ``clients`` clients of the large agency fixture, area by area, with the
    staff of the areas they come from: real geography at every size."""
    large = json.loads((FIXTURES / "large.json").read_text())
    areas: list[str] = []
    for c in large["clients"]:
        area = c["id"].split("-")[1]
        if area not in areas:
            areas.append(area)
    chosen: list[dict] = []
    used: list[str] = []
    for area in areas:
        if len(chosen) >= clients:
            break
        used.append(area)
        chosen += [c for c in large["clients"] if c["id"].split("-")[1] == area]
    team = dict(large)
    team["clients"] = chosen[:clients]
    team["staff"] = [s for s in large["staff"] if s["id"].split("-")[1] in used]
    return team


def _fmt(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def team_table(runs: list[Run]) -> str:
    head = (
        "| team | method | limit s | first valid s | violations | unmet | visits | travel min "
        "| travel/visit | travel vs greedy | ITT share | team approach | on-call spread |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    greedy = {r.team: r for r in runs if r.method == "greedy"}
    rows = []
    for r in runs:
        base = greedy.get(r.team)
        ratio = r.travel / base.travel if base and base.travel else None
        rows.append(
            f"| {r.team} | {r.method} | {r.limit:g} | {_fmt(r.first_valid)} | {r.violations} "
            f"| {r.unmet} | {r.visits} | {r.travel} | {r.per_visit:.1f} | {_fmt(ratio)} "
            f"| {r.itt:.3f} | {r.team_approach:.3f} | {r.on_call_spread} |"
        )
    return head + "\n".join(rows) + "\n"


def sick_call(team_doc: dict, baseline_doc: dict) -> tuple[dict, str, date]:
    """The team file after the busiest field staff member calls in sick from Wednesday."""
    wednesday = WEEK + timedelta(days=2)
    counts: dict[str, int] = {}
    for v in baseline_doc["visits"]:
        if v["date"] >= wednesday.isoformat():
            for s in v["staff"]:
                counts[s] = counts.get(s, 0) + 1
    sick = max(sorted(counts), key=lambda s: counts[s])
    doc = json.loads(json.dumps(team_doc))
    for staff in doc["staff"]:
        if staff["id"] == sick:
            staff.setdefault("leave", []).append(
                {
                    "start": f"{wednesday.isoformat()}T00:00",
                    "end": f"{(wednesday + timedelta(days=1)).isoformat()}T00:00",
                }
            )
    return doc, sick, wednesday


def run_all(
    limits: list[float],
    quick: bool = False,
    echo: Callable[[str], None] = print,
    solomon_limit: float | None = 30.0,
) -> str:
    """Run every benchmark and return the markdown results table."""
    teams = ["small"] if quick else ["small", "standard", "large"]
    limits = [5.0] if quick else limits
    runs: list[Run] = []
    for name in teams:
        doc = json.loads((FIXTURES / f"{name}.json").read_text())
        echo(f"{name}: greedy")
        runs.append(measure(name, doc, 5.0, greedy=True))
        for limit in limits:
            echo(f"{name}: {limit:g} s")
            runs.append(measure(name, doc, limit, greedy=False))

    scaling: list[tuple[int, Run, Run]] = []
    sizes = [25, 50] if quick else [25, 50, 100, 200, 380]
    for n in sizes:
        echo(f"scaling: {n} clients")
        doc = scaling_team(n)
        g = measure(f"{n} clients", doc, 5.0, greedy=True)
        s = measure(f"{n} clients", doc, 5.0 if quick else 30.0, greedy=False)
        scaling.append((n, g, s))

    echo("re-plan after a sick call")
    std = "small" if quick else "standard"
    doc = json.loads((FIXTURES / f"{std}.json").read_text())
    base_doc, _, _ = plan_team(doc, 5.0 if quick else 30.0, greedy=False)
    sick_doc, sick, wednesday = sick_call(doc, base_doc)
    remaining = sum(1 for v in base_doc["visits"] if v["date"] >= wednesday.isoformat())
    replan = measure(std, sick_doc, 5.0, greedy=False, baseline=load_plan(base_doc), from_date=wednesday)

    out = [
        "# actplanner benchmarks\n",
        f"Machine: {machine()}  \nRun: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"week {WEEK}; seed 0. `violations` counts unexcused hard-rule violations found by the "
        "independent checker (`actplanner check`); it must be 0.\n",
        "## Fixture teams against the greedy baseline\n",
        "Greedy = cheapest insertion alone (the same construction the solver starts from). "
        "`travel vs greedy` is travel minutes divided by the greedy plan's on the same team.\n",
        team_table(runs),
        "## Scaling (5 s greedy, 30 s actplanner)\n",
        "| clients | staff | greedy first valid s | greedy unmet | greedy travel | actplanner first "
        "valid s | actplanner unmet | actplanner travel | travel vs greedy | violations |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n",
    ]
    for n, g, s in scaling:
        staff = len(scaling_team(n)["staff"])
        ratio = s.travel / g.travel if g.travel else None
        out.append(
            f"| {n} | {staff} | {_fmt(g.first_valid)} | {g.unmet} | {g.travel} | "
            f"{_fmt(s.first_valid)} | {s.unmet} | {s.travel} | {_fmt(ratio)} | "
            f"{g.violations + s.violations} |\n"
        )
    share = (replan.moved or 0) / remaining if remaining else 0.0
    out += [
        "\n## Re-plan after a sick call\n",
        f"Team `{std}`: {sick} (the staff member with most visits from Wednesday) is on leave "
        f"on {wednesday}; re-plan from {wednesday} with the {5 if quick else 30} s plan as baseline.\n\n",
        "| seconds | moved visits | remaining visits | moved share | unmet | violations |\n",
        "|---|---|---|---|---|---|\n",
        f"| {replan.seconds:.2f} | {replan.moved} | {remaining} | {share:.1%} | {replan.unmet} "
        f"| {replan.violations} |\n",
    ]
    if solomon_limit and not quick and SOLOMON.exists():
        echo(f"Solomon VRPTW at {solomon_limit:g} s per instance")
        out += ["\n", solomon_section(solomon_limit)]
    return "".join(out)


def _solomon_one(args: tuple[str, float]) -> dict:
    from solver.bench_vrptw import run_instance

    path, limit = args
    return run_instance(Path(path), limit, 0)


def solomon_section(limit: float) -> str:
    """The routing layer alone on the 56 Solomon instances (two at a time, one per core)."""
    from solver.bench_vrptw import format_summary, summarise

    files = sorted(str(p) for p in SOLOMON.glob("*.vrptw"))
    with ProcessPoolExecutor(max_workers=2) as pool:
        rows = list(pool.map(_solomon_one, [(f, limit) for f in files]))
    return (
        f"## Routing layer alone: Solomon VRPTW, {limit:g} s per instance\n\n"
        "Two instances run at a time, one per core.\n\n"
        + solomon_rows(rows)
        + "\n"
        + format_summary(summarise(rows))
    )


def solomon_rows(rows: list[dict]) -> str:
    lines = [
        "| instance | vehicles | distance ×10 | best known ×10 | gap % | feasible | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['instance']} | {r['vehicles']} | {r['distance_x10']} | "
            f"{r.get('best_known_x10', '–')} | {r.get('gap_percent', '–')} | "
            f"{'yes' if r['feasible'] else 'NO'} | {r['seconds']} |"
        )
    return "\n".join(lines) + "\n"
