"""``actplanner bench makeup``: making up missed visits, measured (issue 10).

The standard team's week is planned; ten of its visits from Monday to Wednesday
are recorded as no-shows (spread over the three days, ten different clients);
the rest of the week is re-planned from Thursday with that contact log. The
table gives the re-plan's seconds, how many of the short clients got all the
visits they still need (and why the others did not, from the plan's unmet),
how many of the other clients' baseline visits from Thursday on moved, and what
the independent checker, given the same log, finds.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from actplanner.checker import check
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_plan, load_team
from actplanner.domain.history import read_history
from actplanner.resources import fixture_file
from solver import SolveParams, solve
from solver.problem import DAYS, Client

WEEK = date(2026, 11, 30)
THURSDAY = WEEK + timedelta(days=3)


@dataclass
class MakeupRun:
    team: str
    baseline_seconds: float
    replan_seconds: float
    no_shows: int
    short_clients: int
    made_up: int
    visits_needed: int
    visits_placed: int
    #: What the short clients' own open days and spacing allow at most, whoever is free.
    visits_possible: int
    other_visits_from_f: int
    other_moved: int
    violations: int
    left_short: list[str] = field(default_factory=list)


def no_show_log(plan: dict, count: int) -> dict:
    """A contact log marking ``count`` visits Monday to Wednesday as no-shows: evenly spread
    over them in date order, one per client."""
    early = sorted(
        (v for v in plan["visits"] if v["date"] < THURSDAY.isoformat()),
        key=lambda v: (v["date"], v["start"], v["id"]),
    )
    step = max(1, len(early) // count)
    chosen: list[dict] = []
    for visit in early[::step] + early:
        if len(chosen) == count:
            break
        if all(visit["client"] != c["client"] for c in chosen):
            chosen.append(visit)
    contacts = [
        {"id": f"k-{i + 1:04d}", "client": v["client"], "staff": v["staff"], "date": v["date"],
         "start": v["start"], "minutes": 0, "outcome": "no_show", "visit": v["id"]}
        for i, v in enumerate(chosen)
    ]  # fmt: skip
    return {"format": "actplanner/contacts@1", "team": plan["team"], "contacts": contacts}


def run_makeup(
    team_name: str = "standard",
    *,
    baseline_limit: float = 10.0,
    replan_limit: float = 5.0,
    no_shows: int = 10,
) -> MakeupRun:
    """Plan the week, record ``no_shows`` no-shows before Thursday, re-plan from Thursday."""
    team_doc = json.loads(fixture_file(team_name).read_text())
    team = load_team(team_doc)
    started = time.monotonic()
    base = solve(to_problem(team, WEEK), SolveParams(time_limit=baseline_limit))
    baseline_seconds = time.monotonic() - started
    base_doc = dump_plan(to_plan_file(base, team, WEEK))
    log = no_show_log(base_doc, no_shows)
    baseline = load_plan(base_doc)
    history = read_history([("no-shows", log)], team, week=WEEK, plan=baseline)
    started = time.monotonic()
    problem = to_problem(team, WEEK, baseline=baseline, from_date=THURSDAY, history=history)
    result = solve(problem, SolveParams(time_limit=replan_limit))
    replan_seconds = time.monotonic() - started
    plan = dump_plan(to_plan_file(result, team, WEEK, replan_from=THURSDAY))
    report = check(team_doc, plan, history=[log])
    short = {c["client"] for c in log["contacts"]}
    clients = problem.clients_by_id
    needed = sum(s.visits for c in short if (s := clients[c].seen_before) is not None)
    possible = sum(most_placeable(clients[c]) for c in short)
    placed = sum(v["client"] in short and v["date"] >= THURSDAY.isoformat() for v in plan["visits"])
    h1 = {v.client for v in report.violations if v.rule == "H1"}
    left = sorted(
        f"{u['client']}: {u['detail']}"
        for u in plan["unmet"]
        if u.get("client") in short and u["rule"] == "H1"
    )
    before = {(v["client"], v["date"], tuple(v["staff"]), v["start"]) for v in plan["visits"]}
    others = [v for v in base_doc["visits"] if v["date"] >= THURSDAY.isoformat() and v["client"] not in short]
    moved = sum((v["client"], v["date"], tuple(v["staff"]), v["start"]) not in before for v in others)
    return MakeupRun(
        team=team_name,
        baseline_seconds=baseline_seconds,
        replan_seconds=replan_seconds,
        no_shows=len(log["contacts"]),
        short_clients=len(short),
        made_up=len(short - h1),
        visits_needed=needed,
        visits_placed=placed,
        visits_possible=possible,
        other_visits_from_f=len(others),
        other_moved=moved,
        violations=len(report.unexcused),
        left_short=left,
    )


def most_placeable(client: Client) -> int:
    """How many of the visits a client still needs its open days from the re-plan day allow,
    spaced from the last planned seen date (earliest first: the most any spacing fits)."""
    seen = client.seen_before
    if seen is None:
        return 0
    last, count = seen.last_planned_day, 0
    for day in range(seen.from_day, DAYS):
        if client.availability.get(day) and (last is None or day - last >= client.min_gap_days):
            count, last = count + 1, day
    return min(count, seen.visits)


def format_makeup(run: MakeupRun, machine: str) -> str:
    """The results as a Markdown section, with the machine they ran on."""
    share = run.other_moved / run.other_visits_from_f if run.other_visits_from_f else 0.0
    lines = [
        "# Making up missed visits",
        "",
        f"Machine: {machine}.",
        "",
        f"The {run.team} team's week planned in {run.baseline_seconds:.1f} s; {run.no_shows} of its visits "
        "from Monday to Wednesday recorded as no-shows (one per client); the rest of the week re-planned "
        "from Thursday with that contact log (`actplanner plan --baseline --from --history`). Target: "
        "≤ 5 s, every short client who can be made up is, at most 10% of the other visits from "
        "Thursday moved.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| re-plan seconds | {run.replan_seconds:.1f} |",
        f"| short clients given every visit they still need | {run.made_up} of {run.short_clients} |",
        f"| their visits placed from Thursday | {run.visits_placed} of {run.visits_needed} still needed |",
        f"| … at most possible on their open days, spaced | {run.visits_possible} |",
        f"| other clients' visits from Thursday moved | {run.other_moved} of {run.other_visits_from_f} "
        f"({share:.1%}) |",
        f"| unexcused violations (checker with the log) | {run.violations} |",
        "",
    ]
    if run.left_short:
        lines += [
            "Short clients not fully made up, with the plan's reason (a high-acuity client seen on "
            "weekdays only who missed Monday needs three visits on two open days):",
            "",
        ]
        lines += [f"- {item}" for item in run.left_short]
        lines.append("")
    return "\n".join(lines)
