"""``actplanner bench roster``: rostered shifts (Part B) over four weeks, against a greedy roster.

Each team (the standard team and the large agency) is planned for four weeks from
2026-11-30, each week with the weeks just planned before it as history (as
``actplanner plan --weeks 4`` does), once with the planner's roster and once with the
greedy baseline roster (``SolveParams(greedy_roster=True)``: the cheapest feasible shift
per day), the visits planned the same way after either. The weeks reach Christmas Eve
and Christmas Day (week 4).

Per team and method: the seconds to each week's first valid roster-and-visits plan
(from reading the history into the problem to the solver's first plan; targets: the
standard team ≤ 5 s, the large agency ≤ 60 s, every week), and what the independent
checker finds in each week given the weeks before it: coverage minutes short (H17),
contract violations (H18, excused or not), unexcused violations of any rule, the share
of requests honoured, and the visit figures of ``actplanner bench`` (visits, unmet
entries, travel, ITT share, team approach). Weekend shifts are counted per contracted
staff member over the four weeks; the spread is max − min among those whose contract
allows weekend shifts.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer

from actplanner.bench import teams as bench_teams
from actplanner.checker import check
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_team
from actplanner.domain.formats.team import uses_part_b
from actplanner.domain.history import read_history
from actplanner.resources import fixture_file
from solver import SolveParams, solve
from solver.problem import Progress

FIRST_WEEK = date(2026, 11, 30)
WEEKS = 4
TEAMS = ("standard", "large")
#: Seconds to the first valid plan of a week, per sample team (the issue's targets).
TARGETS = {"standard": 5.0, "large": 60.0}
METHODS = ("actplanner", "greedy roster")


@dataclass
class WeekFigures:
    """One week of one method: its timing and what the checker found."""

    week: date
    first_valid: float
    seconds: float
    coverage_short: float
    contract_violations: int
    unexcused: Counter[str]
    requests: int
    honoured: float
    visits: int
    unmet: int
    travel: int
    itt: float
    team_approach: float


@dataclass
class MethodRun:
    """The weeks of one team planned with one roster method."""

    method: str
    weeks: list[WeekFigures] = field(default_factory=list)
    #: Weekend (Saturday and Sunday) shifts over the weeks, per contracted staff member.
    weekend: Counter[str] = field(default_factory=Counter)
    holiday_shifts: int = 0

    def total(self, name: str) -> float:
        return sum(getattr(w, name) for w in self.weeks)

    @property
    def slowest_first(self) -> float:
        return max(w.first_valid for w in self.weeks)

    @property
    def median_first(self) -> float:
        return statistics.median(w.first_valid for w in self.weeks)

    @property
    def unexcused(self) -> int:
        return sum(sum(w.unexcused.values()) for w in self.weeks)

    @property
    def requests_share(self) -> float | None:
        asked = self.total("requests")
        return self.total("honoured") / asked if asked else None

    def mean(self, name: str) -> float:
        return statistics.fmean(getattr(w, name) for w in self.weeks)


@dataclass
class TeamRun:
    """Both methods on one team."""

    team: str
    clients: int
    staff: int
    contracted: int
    #: Contracted staff whose contract allows weekend shifts: the spread is read among them.
    weekenders: list[str]
    target: float | None
    time_limit: float
    runs: dict[str, MethodRun]

    def spread(self, method: str) -> int:
        counts = [self.runs[method].weekend[s] for s in self.weekenders]
        return max(counts) - min(counts) if counts else 0


def _weekend_types(team_doc: dict) -> set[str]:
    """Shift types a contract may use on a Saturday or Sunday."""
    week = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return {
        name
        for name, t in (team_doc["policy"].get("shift_types") or {}).items()
        if {"sat", "sun"} & set(t.get("days") or week)
    }


def plan_week(
    team: Any, week: date, history_docs: list[dict], params: SolveParams
) -> tuple[dict, float, float]:
    """One week with ``history_docs`` as history: the plan file, the seconds to the first plan
    (from reading the history) and the seconds of the whole solve."""
    began = time.monotonic()
    first: list[float] = []

    def on_progress(p: Progress) -> None:
        if p.phase == "first plan" and not first:
            first.append(time.monotonic() - began)

    history = read_history([(f"week {d['week_start']}", d) for d in history_docs], team, week=week)
    result = solve(to_problem(team, week, history=history), params, on_progress)
    seconds = time.monotonic() - began
    return dump_plan(to_plan_file(result, team, week)), (first[0] if first else seconds), seconds


def run_method(
    team_doc: dict,
    method: str,
    *,
    weeks: int,
    time_limit: float,
    first: date,
    echo: Callable[[str], None],
) -> MethodRun:
    """The weeks one after another with one roster method, each checked with the ones before."""
    team = load_team(team_doc)
    params = SolveParams(time_limit=time_limit, seed=0, greedy_roster=method == "greedy roster")
    contracted = {s["id"] for s in team_doc["staff"] if s.get("contract")}
    holidays = {h["date"] for h in team_doc["policy"].get("holidays", [])}
    run = MethodRun(method)
    docs: list[dict] = []
    for k in range(weeks):
        week = first + timedelta(weeks=k)
        doc, first_valid, seconds = plan_week(team, week, docs, params)
        report = check(team_doc, doc, week_start=week.isoformat(), history=list(docs))
        m = report.metrics
        end = (week + timedelta(days=7)).isoformat()
        requests = sum(
            week.isoformat() <= r["date"] < end
            for s in team_doc["staff"]
            for r in (s.get("contract") or {}).get("requests", [])
        )
        run.weeks.append(
            WeekFigures(
                week=week,
                first_valid=first_valid,
                seconds=seconds,
                coverage_short=float(_metric(m, "coverage_minutes_short", 0)),
                contract_violations=sum(v.rule == "H18" for v in report.violations),
                unexcused=Counter(v.rule for v in report.unexcused),
                requests=requests,
                honoured=float(_metric(m, "requests_honoured_share", 1.0)) * requests,
                visits=len(doc["visits"]),
                unmet=len(doc["unmet"]),
                travel=int(_metric(m, "travel_minutes_total", 0)),
                itt=float(_metric(m, "itt_share", 0.0)),
                team_approach=float(_metric(m, "team_approach_share", 0.0)),
            )
        )
        for shift in doc.get("shifts") or []:
            if shift["staff"] not in contracted:
                continue
            if date.fromisoformat(shift["date"]).weekday() >= 5:
                run.weekend[shift["staff"]] += 1
            run.holiday_shifts += shift["date"] in holidays
        echo(
            f"{method}, week of {week}: first plan {first_valid:.1f} s, solve {seconds:.1f} s, "
            f"{sum(run.weeks[-1].unexcused.values())} unexcused"
        )
        docs.append(doc)
    return run


def _metric(metrics: dict, name: str, default: float) -> float:
    """A checker metric, or ``default`` where it is absent or null (nothing to measure)."""
    value = metrics.get(name)
    return default if value is None else float(value)


def team_document(name: str) -> dict:
    """A sample team by name (standard, large), or a team file by path."""
    path = Path(name)
    if name.endswith(".json") or path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    return json.loads(fixture_file(name).read_text(encoding="utf-8"))


def run_team(
    name: str,
    *,
    weeks: int = WEEKS,
    time_limit: float = 10.0,
    first: date = FIRST_WEEK,
    team_doc: dict | None = None,
    echo: Callable[[str], None] = lambda _m: None,
) -> TeamRun:
    """Both roster methods on one team."""
    doc = team_doc if team_doc is not None else team_document(name)
    if not uses_part_b(load_team(doc)):
        raise ValueError(f"{name}: the team has no rostered shifts (no Part B policy or contract)")
    weekend_types = _weekend_types(doc)
    contracts = {s["id"]: s["contract"] for s in doc["staff"] if s.get("contract")}
    runs = {
        method: run_method(doc, method, weeks=weeks, time_limit=time_limit, first=first, echo=echo)
        for method in METHODS
    }
    label = Path(name).stem if name.endswith(".json") else name
    return TeamRun(
        team=label,
        clients=len(doc["clients"]),
        staff=len(doc["staff"]),
        contracted=len(contracts),
        weekenders=sorted(s for s, c in contracts.items() if weekend_types & set(c["shift_types"])),
        target=TARGETS.get(label),
        time_limit=time_limit,
        runs=runs,
    )


def _ratio(a: float, b: float) -> str:
    if b == 0:
        return "–" if a == 0 else "∞"
    return f"{a / b:.2f}"


def _share(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}"


def format_roster(teams: list[TeamRun], machine: str) -> str:
    """The results as Markdown, with the machine they ran on."""
    first = teams[0]
    n = len(first.runs["actplanner"].weeks)
    start = first.runs["actplanner"].weeks[0].week
    lines = [
        f"# Rostered shifts over {n} weeks",
        "",
        f"Machine: {machine}. The machine is shared with other work: wall times vary from run to "
        "run; the ratios, both sides measured in the same run, vary less.",
        "",
        f"`actplanner bench roster`: each team planned for {n} weeks from {start}, each week with "
        "the weeks just planned before it as history, once with the planner's roster (CP-SAT: "
        "coverage, contracts, requests, weekends shared fairly, shifts where the visits are) and "
        "once with the greedy baseline roster (the cheapest feasible shift per day), the visits "
        f"planned after either in the same way, {first.time_limit:g} s of search a week. Every "
        "plan is checked by the independent checker with the weeks before it as history. "
        "*First valid* is the seconds from reading the history to the solver's first plan with "
        "roster and visits, the slowest week (the median of the weeks beside it). *Contract "
        "violations* are the checker's H18 findings, excused by `unmet` or not; *unexcused* counts "
        "every rule. Weekend shifts are Saturday and Sunday shifts of contracted staff over the "
        "weeks; the spread is max − min among those whose contract allows weekend shifts.",
        "",
    ]
    for t in teams:
        lines += _team_section(t)
    return "\n".join(lines)


def _team_section(t: TeamRun) -> list[str]:
    """One team's tables: the figures beside the greedy roster's, then week by week."""
    lines: list[str] = []
    a, g = t.runs["actplanner"], t.runs["greedy roster"]
    target = (
        f"target ≤ {t.target:g} s: {'met' if a.slowest_first <= t.target else 'missed'}"
        if t.target is not None
        else "no target"
    )

    def totals(label: str, name: str) -> tuple[str, str, str, str]:
        x, y = a.total(name), g.total(name)
        return label, f"{x:g}", f"{y:g}", _ratio(x, y)

    spread = t.spread("actplanner"), t.spread("greedy roster")
    rows = [
        (
            "first valid plan, slowest week (median)",
            f"{a.slowest_first:.1f} s ({a.median_first:.1f}; {target})",
            f"{g.slowest_first:.1f} s ({g.median_first:.1f})",
            _ratio(a.slowest_first, g.slowest_first),
        ),
        (
            "whole solves, all weeks",
            f"{a.total('seconds'):.1f} s",
            f"{g.total('seconds'):.1f} s",
            _ratio(a.total("seconds"), g.total("seconds")),
        ),
        totals("coverage minutes short (H17)", "coverage_short"),
        totals("contract violations (H18)", "contract_violations"),
        (
            "unexcused violations, any rule",
            f"{a.unexcused}",
            f"{g.unexcused}",
            _ratio(a.unexcused, g.unexcused),
        ),
        (
            f"requests honoured ({a.total('requests'):g} asked)",
            _share(a.requests_share),
            _share(g.requests_share),
            "–",
        ),
        (
            f"weekend shifts per contracted staff member, spread ({len(t.weekenders)} staff)",
            f"{spread[0]} ({_counts(a, t.weekenders)})",
            f"{spread[1]} ({_counts(g, t.weekenders)})",
            _ratio(*spread),
        ),
        ("holiday shifts of contracted staff", str(a.holiday_shifts), str(g.holiday_shifts), "–"),
        totals("visits", "visits"),
        totals("unmet entries", "unmet"),
        totals("travel minutes", "travel"),
        ("ITT share (mean of weeks)", f"{a.mean('itt'):.3f}", f"{g.mean('itt'):.3f}", "–"),
        (
            "team approach (mean of weeks)",
            f"{a.mean('team_approach'):.3f}",
            f"{g.mean('team_approach'):.3f}",
            "–",
        ),
    ]
    lines += [
        f"## {t.team}: {t.clients} clients, {t.staff} staff, {t.contracted} on contracts",
        "",
        "| figure | actplanner | greedy roster | ratio |",
        "|---|---|---|---|",
        *(f"| {name} | {x} | {y} | {r} |" for name, x, y, r in rows),
        "",
        "| week | method | first valid s | solve s | coverage short | H18 | unexcused by rule | "
        "requests | visits | unmet | travel |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for k in range(len(a.weeks)):
        for run in (a, g):
            w = run.weeks[k]
            asked = f"{w.honoured:g} of {w.requests}" if w.requests else "–"
            lines.append(
                f"| {w.week} | {run.method} | {w.first_valid:.1f} | {w.seconds:.1f} "
                f"| {w.coverage_short:g} | {w.contract_violations} | {_by_rule(w.unexcused)} "
                f"| {asked} | {w.visits} | {w.unmet} | {w.travel} |"
            )
    lines.append("")
    return lines


def _counts(run: MethodRun, staff: list[str]) -> str:
    counts = [run.weekend[s] for s in staff]
    return f"{min(counts)}–{max(counts)}" if counts else "none"


def _by_rule(counts: Counter[str]) -> str:
    return ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items())) or "none"


def command(
    out: Annotated[Path, typer.Option(help="Markdown results to write.")] = Path("docs/roster_benchmark.md"),
    team: Annotated[
        list[str] | None,
        typer.Option(help="Sample team (standard, large) or a team file; repeat for several."),
    ] = None,
    weeks: Annotated[int, typer.Option(min=1, max=26, help="Consecutive weeks planned.")] = WEEKS,
    time_limit: Annotated[float, typer.Option(min=0.5, help="Seconds of search a week.")] = 10.0,
    first: Annotated[str, typer.Option(help="The first Monday planned.")] = FIRST_WEEK.isoformat(),
) -> None:
    """Rostered shifts over four weeks with history, against the greedy baseline roster."""
    try:
        monday = date.fromisoformat(first)
    except ValueError:
        raise typer.BadParameter(f"{first!r} is not a date (YYYY-MM-DD)", param_hint="--first") from None
    if monday.weekday() != 0:
        raise typer.BadParameter(f"{first} is not a Monday", param_hint="--first")
    echo = lambda m: typer.echo(m, err=True)  # noqa: E731
    runs = []
    for name in team or list(TEAMS):
        try:
            runs.append(run_team(name, weeks=weeks, time_limit=time_limit, first=monday, echo=echo))
        except (OSError, ValueError) as exc:
            raise typer.BadParameter(str(exc), param_hint="--team") from None
    text = format_roster(runs, bench_teams.machine())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    typer.echo(text)
