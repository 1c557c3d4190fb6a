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

from actplanner.bench.solomon import DIR_VARIABLE, instances_dir
from actplanner.checker import check
from actplanner.domain import demo_roster
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_plan, load_team
from actplanner.resources import fixture_file

SOLOMON = instances_dir()
WEEK = date(2026, 11, 30)
SOLVE_WORKERS_SECTION = (
    "## Solve workers on several machines\n\n"
    "`actplanner bench workers --db postgresql+psycopg://…` starts 1, 2 and 4 `actplanner worker` "
    "processes with only the database URL in common, queues 20 solves of the sample teams at once and "
    "reports throughput and time-to-start against one worker, checks that no job ran twice, and kills a "
    "worker mid-solve to see its job failed by the sweep and done after a re-queue. Its results, with the "
    "machine they ran on, are in [scale_out_benchmark.md](scale_out_benchmark.md); how to run workers on "
    "other machines is in [scale_out.md](scale_out.md).\n"
)


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
    objective: float = 0.0
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
        objective=float(doc["solver"].get("objective") or 0.0),
        moved=plan.moved,
    )


def scaling_team(clients: int) -> dict:
    """The first ``clients`` clients of the large agency fixture, area by area, with the
    staff of the areas they come from: real geography at every size."""
    large = json.loads(fixture_file("large").read_text())
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
    if "coverage" in large["policy"]:
        # The agency's coverage is its four teams' worth; the teams cut out cover their share.
        team["policy"] = {**large["policy"], "coverage": demo_roster.coverage(len(used))}
    return team


def _fmt(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def team_table(runs: list[Run]) -> str:
    head = (
        "| team | method | limit s | first valid s | seconds | violations | unmet | visits | travel min "
        "| travel/visit | travel vs greedy | ITT share | team approach | on-call spread |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    )
    greedy = {r.team: r for r in runs if r.method == "greedy"}
    rows = []
    for r in runs:
        base = greedy.get(r.team)
        ratio = r.travel / base.travel if base and base.travel else None
        rows.append(
            f"| {r.team} | {r.method} | {r.limit:g} | {_fmt(r.first_valid)} | {r.seconds:.1f} "
            f"| {r.violations} "
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
        doc = json.loads(fixture_file(name).read_text())
        echo(f"{name}: greedy")
        runs.append(measure(name, doc, 5.0, greedy=True))
        for limit in limits:
            echo(f"{name}: {limit:g} s")
            runs.append(measure(name, doc, limit, greedy=False))

    scaling: list[tuple[int, Run, Run]] = []
    sizes = [25, 50] if quick else [25, 50, 100, 200, 380]
    scale_limit = 5.0 if quick else 30.0
    for n in sizes:
        echo(f"scaling: {n} clients")
        doc = scaling_team(n)
        g = measure(f"{n} clients", doc, 5.0, greedy=True)
        s = measure(f"{n} clients", doc, scale_limit, greedy=False)
        scaling.append((n, g, s))

    echo("re-plan after a sick call")
    std = "small" if quick else "standard"
    doc = json.loads(fixture_file(std).read_text())
    base_doc, _, _ = plan_team(doc, 5.0 if quick else 30.0, greedy=False)
    sick_doc, sick, wednesday = sick_call(doc, base_doc)
    remaining = sum(1 for v in base_doc["visits"] if v["date"] >= wednesday.isoformat())
    replan = measure(std, sick_doc, 5.0, greedy=False, baseline=load_plan(base_doc), from_date=wednesday)

    forced = sum(1 for v in base_doc["visits"] if v["date"] == wednesday.isoformat() and sick in v["staff"])
    share = (replan.moved or 0) / remaining if remaining else 0.0
    targets = target_rows(runs, scaling, replan, share, std)
    out = [
        "# actplanner benchmarks",
        f"Machine: {machine()}  \nRun: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
        f"week {WEEK}; seed 0. `violations` counts unexcused hard-rule violations found by the "
        "independent checker (`actplanner check`) on every plan below; it must be 0. "
        "Solve times are wall-clock on this shared machine; compare ratios within this run.",
        "## Targets",
        targets,
        "## Fixture teams against the greedy baseline",
        "Greedy = cheapest insertion alone (the construction the solver starts from, run with "
        "`--greedy`). `travel vs greedy` is travel minutes divided by the greedy plan's on the "
        "same team. `seconds` is when the solver returned: its search budget is counted in work "
        "units so a seed and limit give the same plan, and it usually ends before the limit.",
        team_table(runs),
        f"## Scaling (greedy, and actplanner at {scale_limit:g} s)",
        "Teams cut from the large agency fixture, area by area.",
        "| clients | staff | greedy first valid s | greedy unmet | greedy travel | "
        "actplanner first valid s | actplanner s | actplanner unmet | actplanner travel | "
        "travel vs greedy | violations |\n"
        "|---|---|---|---|---|---|---|---|---|---|---|\n"
        + "".join(
            f"| {n} | {len(scaling_team(n)['staff'])} | {_fmt(g.first_valid)} | {g.unmet} | "
            f"{g.travel} | {_fmt(s.first_valid)} | {s.seconds:.1f} | {s.unmet} | {s.travel} | "
            f"{_fmt(s.travel / g.travel if g.travel else None)} | {g.violations + s.violations} |\n"
            for n, g, s in scaling
        ),
        "## Re-plan after a sick call",
        f"Team `{std}`: {sick} (the staff member with most visits from Wednesday on) is on "
        f"leave on {wednesday}; re-plan from {wednesday} with the {5 if quick else 30} s plan as "
        f"baseline. {forced} of the moves are the sick staff member's own visits that day, "
        "which must move.",
        "| seconds | moved visits | of which forced | remaining visits | moved share | unmet "
        "| violations |\n|---|---|---|---|---|---|---|\n"
        f"| {replan.seconds:.2f} | {replan.moved} | {forced} | {remaining} | {share:.1%} "
        f"| {replan.unmet} | {replan.violations} |\n",
    ]
    if solomon_limit and not quick and SOLOMON.exists():
        echo(f"Solomon VRPTW at {solomon_limit:g} s per instance")
        out.append(solomon_section(solomon_limit))
    elif solomon_limit and not quick:
        echo(f"Solomon VRPTW skipped: no instances at {SOLOMON} (set {DIR_VARIABLE} to their folder)")
    # Its own command and results file (it needs PostgreSQL); the pointer survives a rerun of this one.
    out.append(SOLVE_WORKERS_SECTION)
    return "\n\n".join(part.rstrip("\n") for part in out) + "\n"


def target_rows(runs: list[Run], scaling: list, replan: Run, share: float, std: str) -> str:
    """The issue's targets against what this run measured, with the margin."""

    def find(team: str, method: str, limit: float | None = None) -> Run | None:
        return next(
            (r for r in runs if r.team == team and r.method == method and limit in (None, r.limit)),
            None,
        )

    rows = ["| target | measured | met |", "|---|---|---|"]

    def row(name: str, measured: str, ok: bool) -> None:
        rows.append(f"| {name} | {measured} | {'yes' if ok else '**no**'} |")

    greedy = find(std, "greedy")
    at30 = find(std, "actplanner", 30.0) or find(std, "actplanner")
    longest = max(
        (r for r in runs if r.team == std and r.method == "actplanner"), key=lambda r: r.limit, default=None
    )
    if at30 is not None and at30.first_valid is not None:
        row(f"{std}: first valid plan ≤ 2 s", f"{at30.first_valid:.2f} s", at30.first_valid <= 2)
    if at30 is not None and longest is not None and longest.objective:
        gain = (at30.objective - longest.objective) / longest.objective
        row(
            f"{std}: converged within 30 s",
            f"objective at 30 s is {gain:+.2%} from the {longest.limit:g} s run",
            gain <= 0.005,
        )
    every = [r for r in runs] + [r for _, g, s in scaling for r in (g, s)] + [replan]
    worst = max(r.violations for r in every)
    row("0 hard violations on every plan", f"{worst} at most", worst == 0)
    if greedy is not None and at30 is not None and greedy.travel:
        ratio = at30.travel / greedy.travel
        row(f"{std}: travel ≤ 0.6 × greedy", f"{ratio:.2f} × greedy", ratio <= 0.6)
        row(
            f"{std}: fewer unmet than greedy",
            f"{at30.unmet} vs {greedy.unmet} (entries)",
            at30.unmet < greedy.unmet,
        )
    large = [r for r in runs if r.team == "large" and r.first_valid is not None]
    if large:
        first = max(r.first_valid or 0.0 for r in large)
        row("large: valid plan ≤ 60 s", f"{first:.2f} s", first <= 60)
    row("re-plan after a sick call ≤ 5 s", f"{replan.seconds:.2f} s", replan.seconds <= 5)
    row("re-plan moves ≤ 10% of remaining visits", f"{share:.1%}", share <= 0.10)
    return "\n".join(rows) + "\n"


def _solomon_one(args: tuple[str, float]) -> dict:
    from actplanner.bench.vrptw import run_instance

    path, limit = args
    return run_instance(Path(path), limit, 0)


def solomon_section(limit: float) -> str:
    """The routing layer alone on the 56 Solomon instances (two at a time, one per core)."""
    from actplanner.bench.vrptw import format_summary, summarise

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
