"""``actplanner bench weeks``: a plan of several weeks ahead, measured (issue 11).

The standard team is planned for one week alone, then for four weeks from the same
Monday, each week with the weeks just planned before it as history (as
``actplanner plan --weeks 4`` and the board's "Plan the next 4 weeks" do), in the
same run and with the same time limit per week. The table gives both wall times
and their ratio (target ≤ 4.5 × one week), and what the independent checker finds
in each week given the weeks before it as history (target 0 hard violations), by
rule: all violations, and those the plan's ``unmet`` does not excuse.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from actplanner.checker import check
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_team
from actplanner.domain.history import read_history
from actplanner.resources import fixture_file
from solver import SolveParams, solve

WEEK = date(2026, 11, 30)
#: Four weeks in at most 4.5 × one week's time (the issue's target), so 1.125 × a week each.
TARGET_PER_WEEK = 4.5 / 4


@dataclass
class WeekResult:
    week: date
    seconds: float
    visits: int
    unmet: int
    violations: Counter[str] = field(default_factory=Counter)
    unexcused: Counter[str] = field(default_factory=Counter)


@dataclass
class WeeksRun:
    team: str
    time_limit: float
    one_week_seconds: float
    weeks: list[WeekResult]

    @property
    def seconds(self) -> float:
        return sum(w.seconds for w in self.weeks)

    @property
    def ratio(self) -> float:
        return self.seconds / self.one_week_seconds if self.one_week_seconds else float("inf")

    @property
    def target(self) -> float:
        """The most ``ratio`` may be: 4.5 for four weeks."""
        return TARGET_PER_WEEK * len(self.weeks)

    @property
    def unexcused(self) -> int:
        return sum(sum(w.unexcused.values()) for w in self.weeks)


def plan_week(
    team: Any, week: date, history_docs: list[dict[str, Any]], params: SolveParams
) -> tuple[dict, float, Any]:
    """One week planned with ``history_docs`` (earlier plan files) as history: its plan file, the
    wall seconds from reading the history to the plan file, and the solver's result."""
    began = time.perf_counter()
    history = read_history([(f"week {d['week_start']}", d) for d in history_docs], team, week=week)
    result = solve(to_problem(team, week, history=history), params)
    doc = dump_plan(to_plan_file(result, team, week))
    return doc, time.perf_counter() - began, result


def run_weeks(
    team_name: str = "standard",
    *,
    weeks: int = 4,
    time_limit: float = 10.0,
    first: date = WEEK,
    echo: Callable[[str], None] = lambda _m: None,
) -> WeeksRun:
    """One week alone, then ``weeks`` weeks each after the ones before, then the checker on each."""
    team_doc = json.loads(fixture_file(team_name).read_text())
    team = load_team(team_doc)
    params = SolveParams(time_limit=time_limit, seed=0)
    _, one_week, _ = plan_week(team, first, [], params)
    echo(f"one week: {one_week:.1f} s")
    docs: list[dict[str, Any]] = []
    results = []
    for k in range(weeks):
        week = first + timedelta(weeks=k)
        doc, seconds, result = plan_week(team, week, docs, params)
        report = check(team_doc, doc, week_start=week.isoformat(), history=list(docs))
        results.append(
            WeekResult(
                week,
                seconds,
                len(doc["visits"]),
                len(result.unmet),
                Counter(v.rule for v in report.violations),
                Counter(v.rule for v in report.unexcused),
            )
        )
        echo(f"week of {week}: {seconds:.1f} s, {sum(results[-1].unexcused.values())} unexcused")
        docs.append(doc)
    return WeeksRun(team_name, time_limit, one_week, results)


def _by_rule(counts: Counter[str]) -> str:
    return ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items())) or "none"


def format_weeks(run: WeeksRun, machine: str) -> str:
    """The results as a Markdown section, with the machine they ran on."""
    n = len(run.weeks)
    verdict = "met" if run.ratio <= run.target else "missed"
    lines = [
        f"# A plan of {n} weeks ahead",
        "",
        f"Machine: {machine}. The machine is shared with other work under load: wall times vary "
        "from run to run; the ratio, both sides measured in the same run, varies less.",
        "",
        f"The {run.team} team planned from {run.weeks[0].week} (`actplanner bench weeks`): one week "
        f"alone, then {n} weeks, each with the weeks just planned before it as history (as "
        f'`actplanner plan --weeks {n}` and the board\'s "Plan the next {n} weeks"), '
        f"{run.time_limit:g} s of search a week. Targets: the {n} weeks in at most "
        f"{run.target:g} × one week's time; 0 hard violations by the independent checker given the "
        "weeks before each as history.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| one week alone | {run.one_week_seconds:.1f} s |",
        f"| {n} weeks | {run.seconds:.1f} s |",
        f"| ratio | {run.ratio:.2f} × (target ≤ {run.target:g}: {verdict}) |",
        f"| unexcused hard violations over the {n} weeks | {run.unexcused} |",
        "",
        "| week | seconds | visits | unmet | violations by rule | unexcused by rule |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {w.week} | {w.seconds:.1f} | {w.visits} | {w.unmet} | {_by_rule(w.violations)} | "
        f"{_by_rule(w.unexcused)} |"
        for w in run.weeks
    ]
    lines.append("")
    return "\n".join(lines)
