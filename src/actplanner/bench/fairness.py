"""``actplanner bench fairness``: the on-call rota over eight weeks, with and without history.

Eight consecutive weeks of a sample team (the standard team from the week of
2026-11-30) are planned one after another, each with the weeks before it as
history (their plans of record), and again each on its own. Per staff member who
may be primary, over the eight weeks: primary periods and weekend (Saturday and
Sunday) primary periods, per FTE; the spread is max − min among those with no
leave in the eight weeks (staff on leave are owed less, so they are set aside).
Target with history: the spread is at most 1 period.

Also the time to the first valid plan of a ninth week with eight weeks of history
against the same week without, as a ratio, from the adapter's reading of the
history to the solver's first plan; the runs alternate so that load on the
machine falls on both alike. Target: at most 1.2.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from actplanner.checker import check
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import TeamFile, dump_plan, load_plan, load_team
from actplanner.domain.history import History
from actplanner.resources import fixture_file
from solver import SolveParams, solve
from solver.problem import Progress

FIRST_WEEK = date(2026, 11, 30)
WEEKS = 8
#: The limit that sets the rota's and caseload's budget (a quarter of it, at most 1 s); the
#: solve stops at its first plan, which is what the rota and the timing are read from.
TIME_LIMIT = 30.0
TARGET_SPREAD = 1.0
TARGET_RATIO = 1.2


@dataclass
class Rota:
    """One run of the weeks: each eligible staff member's periods over them."""

    primary: Counter[str] = field(default_factory=Counter)
    weekend: Counter[str] = field(default_factory=Counter)
    #: Unexcused violations the checker finds, over all weeks (checked with the same history).
    violations: int = 0
    unmet_h10: int = 0
    seconds: float = 0.0


@dataclass
class FairnessRun:
    team: str
    weeks: int
    eligible: dict[str, float]
    on_leave: list[str]
    with_history: Rota
    without_history: Rota
    #: (wall, CPU, the adapter's CPU) seconds to the first plan of the week after, per run.
    first_with: list[tuple[float, float, float]]
    first_without: list[tuple[float, float, float]]

    def spread(self, rota: Rota, weekend: bool = False) -> float:
        """max − min of periods per FTE among eligible staff with no leave in the weeks."""
        counts = rota.weekend if weekend else rota.primary
        per_fte = [counts[s] / fte for s, fte in self.eligible.items() if s not in self.on_leave]
        return max(per_fte) - min(per_fte) if per_fte else 0.0

    def median(self, history: bool, cpu: bool, adapter: bool = False) -> float:
        column = 2 if adapter else int(cpu)
        return statistics.median(t[column] for t in (self.first_with if history else self.first_without))

    def ratio(self, cpu: bool) -> float:
        """Median with history ÷ median without."""
        return self.median(True, cpu) / self.median(False, cpu)


def primary_eligible(team: TeamFile) -> dict[str, float]:
    """Staff who may be primary (the role and a listed discipline), with their FTE."""
    role = team.policy.on_call.roles.primary
    return {
        s.id: s.fte
        for s in team.staff
        if "primary" in s.on_call_roles and role is not None and s.discipline in role.disciplines
    }


def on_leave_in(team: TeamFile, first: date, weeks: int) -> list[str]:
    """Staff with any leave inside the weeks (their owed share is smaller)."""
    start = datetime.combine(first, datetime.min.time())
    end = start + timedelta(weeks=weeks)
    return sorted(
        s.id
        for s in team.staff
        if any(
            datetime.fromisoformat(leave.start) < end and start < datetime.fromisoformat(leave.end)
            for leave in s.leave
        )
    )


def plan_weeks(
    team_doc: dict, weeks: int, history: bool, first: date = FIRST_WEEK
) -> tuple[Rota, list[dict]]:
    """Plan ``weeks`` weeks in a row, each with (or without) the ones before as history."""
    team = load_team(team_doc)
    rota = Rota()
    docs: list[dict] = []
    started = time.monotonic()
    for k in range(weeks):
        week = first + timedelta(weeks=k)
        past = History(plans={date.fromisoformat(d["week_start"]): load_plan(d) for d in docs})
        problem = to_problem(team, week, history=past if history else None)
        result = solve(problem, SolveParams(time_limit=TIME_LIMIT, greedy_only=True))
        doc = dump_plan(to_plan_file(result, team, week))
        report = check(team_doc, doc, history=list(docs) if history else None)
        rota.violations += len(report.unexcused)
        rota.unmet_h10 += sum(u["rule"] == "H10" for u in doc["unmet"])
        for p in doc["on_call"]:
            if p["role"] == "primary":
                rota.primary[p["staff"]] += 1
                if date.fromisoformat(p["start"][:10]).weekday() >= 5:
                    rota.weekend[p["staff"]] += 1
        docs.append(doc)
    rota.seconds = time.monotonic() - started
    return rota, docs


def first_plan_seconds(team: TeamFile, week: date, history: History | None) -> tuple[float, float, float]:
    """Wall-clock and CPU seconds from reading the history into a problem to the solver's
    first plan (CPU time is what other work on a shared machine disturbs least), and the CPU
    seconds of the first part, the adapter's (the team file and history into a problem)."""
    started, cpu = time.monotonic(), time.process_time()
    first: list[tuple[float, float]] = []

    def on_progress(p: Progress) -> None:
        if p.phase == "first plan" and not first:
            first.append((time.monotonic() - started, time.process_time() - cpu))

    problem = to_problem(team, week, history=history)
    adapter = time.process_time() - cpu
    solve(problem, SolveParams(time_limit=TIME_LIMIT, greedy_only=True), on_progress)
    wall, total = first[0] if first else (time.monotonic() - started, time.process_time() - cpu)
    return wall, total, adapter


def run_fairness(team_name: str = "standard", weeks: int = WEEKS, repeats: int = 9) -> FairnessRun:
    """Both runs of the weeks, then the first-plan timing of the week after them."""
    team_doc = json.loads(fixture_file(team_name).read_text())
    team = load_team(team_doc)
    with_history, docs = plan_weeks(team_doc, weeks, history=True)
    without_history, _ = plan_weeks(team_doc, weeks, history=False)
    past = History(plans={date.fromisoformat(d["week_start"]): load_plan(d) for d in docs})
    after = FIRST_WEEK + timedelta(weeks=weeks)
    first_with: list[tuple[float, float, float]] = []
    first_without: list[tuple[float, float, float]] = []
    for _ in range(repeats):
        first_without.append(first_plan_seconds(team, after, None))
        first_with.append(first_plan_seconds(team, after, past))
    return FairnessRun(
        team=team_name,
        weeks=weeks,
        eligible=primary_eligible(team),
        on_leave=on_leave_in(team, FIRST_WEEK, weeks),
        with_history=with_history,
        without_history=without_history,
        first_with=first_with,
        first_without=first_without,
    )


def format_fairness(run: FairnessRun, machine: str) -> str:
    """The results as a Markdown section, with the machine they ran on."""
    w, wo = run.with_history, run.without_history
    last = FIRST_WEEK + timedelta(weeks=run.weeks) - timedelta(days=1)
    spread = run.spread(w), run.spread(wo)
    weekend = run.spread(w, weekend=True), run.spread(wo, weekend=True)

    def met(value: float, target: float) -> str:
        return "met" if value <= target + 1e-9 else "missed"

    lines = [
        "# On-call fairness over weeks",
        "",
        f"Machine: {machine}. The machine is shared with other work running at the same time, so "
        "the seconds (and less so the ratio, whose runs alternate) carry that load.",
        "",
        f"The {run.team} team's {run.weeks} weeks from {FIRST_WEEK} to {last}, planned one after "
        "another: with history, each week with the weeks before it as plans of record (what "
        "`actplanner plan --history` and the app's published plans give); without, each on its own "
        "(version 1). Each week's first plan (`greedy_only`, the rota's budget as at a 30 s limit: "
        "the rota is the one the full search keeps). Counts are primary periods over the weeks; "
        "weekend periods are primary periods starting on Saturday or Sunday. The spread is max − "
        f"min per FTE among the staff who may be primary and had no leave in the weeks (on leave, "
        f"set aside: {', '.join(run.on_leave) or 'none'}). Target with history: ≤ {TARGET_SPREAD:g}.",
        "",
        "| figure | with history | without history | target |",
        "|---|---|---|---|",
        f"| primary periods per FTE, max − min | {spread[0]:.2f} ({met(spread[0], TARGET_SPREAD)}) "
        f"| {spread[1]:.2f} | ≤ {TARGET_SPREAD:g} |",
        f"| weekend periods per FTE, max − min | {weekend[0]:.2f} ({met(weekend[0], TARGET_SPREAD)}) "
        f"| {weekend[1]:.2f} | ≤ {TARGET_SPREAD:g} |",
        f"| staff who took any weekend period | {sum(1 for s in run.eligible if w.weekend[s])} of "
        f"{len(run.eligible)} | {sum(1 for s in run.eligible if wo.weekend[s])} of {len(run.eligible)} | |",
        f"| H10 entries in unmet, all weeks | {w.unmet_h10} | {wo.unmet_h10} | |",
        f"| unexcused violations (checker, same history) | {w.violations} | {wo.violations} | 0 |",
        f"| seconds for the {run.weeks} first plans | {w.seconds:.1f} | {wo.seconds:.1f} | |",
        "",
        "| staff | FTE | primary (with) | primary (without) | weekend (with) | weekend (without) |",
        "|---|---|---|---|---|---|",
    ]
    for sid, fte in sorted(run.eligible.items()):
        note = " (on leave)" if sid in run.on_leave else ""
        lines.append(
            f"| {sid}{note} | {fte:g} | {w.primary[sid]} | {wo.primary[sid]} "
            f"| {w.weekend[sid]} | {wo.weekend[sid]} |"
        )
    after = FIRST_WEEK + timedelta(weeks=run.weeks)

    def times(history: bool, cpu: bool) -> str:
        runs = run.first_with if history else run.first_without
        return f"{run.median(history, cpu):.3f} s ({', '.join(f'{t[cpu]:.2f}' for t in runs)})"

    lines += [
        "",
        f"Time to the first valid plan of the week of {after}, from reading the history into the "
        f"problem to the solver's first plan, {len(run.first_with)} runs each, alternating, with the "
        f"{run.weeks} weeks above as history and without (medians, then each run). Target: with ≤ "
        f"{TARGET_RATIO:g} × without.",
        "",
        "| clock | with history | without history | ratio |",
        "|---|---|---|---|",
        f"| wall | {times(True, False)} | {times(False, False)} | {run.ratio(False):.2f} "
        f"({met(run.ratio(False), TARGET_RATIO)}) |",
        f"| CPU | {times(True, True)} | {times(False, True)} | {run.ratio(True):.2f} "
        f"({met(run.ratio(True), TARGET_RATIO)}) |",
        f"| CPU, the adapter's part (team file and history into a problem) "
        f"| {run.median(True, True, True):.3f} s | {run.median(False, True, True):.3f} s | |",
        "",
        "The adapter's row is the part of the difference spent reading the history into the problem "
        "(every client's seen dates from the plans of record), before the solver starts; the rest is "
        "the solve with the history's rules (the rota's shares and limits, spacing across weeks).",
        "",
    ]
    return "\n".join(lines)
