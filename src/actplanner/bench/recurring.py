"""``actplanner bench recurring``: recurring care over eight weeks planned with history.

Eight consecutive weeks of a sample team (the standard team from the week of
2026-11-30) are planned one after another, each with the weeks before it as
history (their plans of record), as ``actplanner bench fairness`` plans them. Then,
read from the plans alone (not from the solver's own due dates), each client's
injections (``lai_injection``) and prescriber visits (``psychiatrist``) are walked
through the weeks as FORMATS.md defines them: L is ``last`` or the latest date
before that provided the care, the due date is L + ``every_days``, and the window
is [due − w, due + w] (a one-off ``due`` has one window). A window is **met** when
a visit in it (home or hospital) provides the care (a staff member with the skill
or the discipline on it; an injection visit names the skill as its purpose). A
window still open at the horizon's end is not judged. A **miss** is given its
reason: no date in the window when the client is open and available and a staff
member who could give it works (employed, on shift, off leave, speaking the
client's language, not excluded), or the plan's ``unmet`` names it (H4), or
neither (unreported: a bug). Target: 0 misses where staff are available.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from actplanner.bench import teams as bench_teams
from actplanner.bench.fairness import FIRST_WEEK, WEEKS, plan_weeks
from actplanner.domain import care
from actplanner.domain.formats import TeamFile, load_team
from actplanner.domain.formats.team import Client, DisciplineRequirement, SkillRequirement, Staff
from actplanner.resources import fixture_file

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass
class Window:
    """One due window of one client's recurring (or one-off) requirement."""

    client: str
    care: str
    due: date
    start: date
    end: date
    met_on: date | None = None
    reason: str = ""


@dataclass
class RecurringRun:
    team: str
    weeks: int
    seconds: float
    violations: int
    windows: list[Window] = field(default_factory=list)
    #: Windows still open at the horizon's end, not judged, per care.
    open_at_end: dict[str, int] = field(default_factory=dict)
    #: H4 entries in the plans' unmet, all weeks (a week the solver owned up to a requirement).
    h4_unmet: int = 0
    #: Visits that gave the care outside every window (early or late), per care.
    outside: dict[str, int] = field(default_factory=dict)

    def of(self, what: str) -> list[Window]:
        return [w for w in self.windows if w.care == what]


def _provided(visit: dict, what: str, staff: dict[str, Staff]) -> bool:
    """Whether a plan visit gives the care: the skill (named as its purpose) or the discipline."""
    members = [staff[s] for s in visit["staff"] if s in staff]
    if what == "lai_injection":
        return visit.get("purpose") == what and any(what in m.skills for m in members)
    return any(m.discipline == what for m in members)


def _available(team: TeamFile, client: Client, what: str, day: date) -> bool:
    """Whether on the day the client is open (or in hospital, for a visit there) and
    available, and someone who could give the care works, off leave."""
    weekday = WEEKDAYS[day.weekday()]
    in_hospital = care.in_hospital(client, day)
    if in_hospital is None:
        if not care.is_open(client, day):
            return False
        if client.availability is not None and weekday not in client.availability:
            return False
    elif in_hospital.location is None:
        return False
    language = client.language or "en"
    for member in team.staff:
        if member.id in client.excluded_staff or language not in member.languages:
            continue
        if what not in member.skills and member.discipline != what:
            continue
        if in_hospital is not None and client.itt is not None and member.id not in client.itt:
            continue  # An inpatient visit takes a member of the client's ITT.
        if weekday not in member.shifts or not care.employed_on(member, day):
            continue
        begin, finish = (
            datetime.combine(day, datetime.strptime(t, "%H:%M").time()) for t in member.shifts[weekday]
        )
        if not any(
            datetime.fromisoformat(p.start) <= begin and finish <= datetime.fromisoformat(p.end)
            for p in member.leave
        ):
            return True
    return False


def _dates(start: date, end: date) -> Iterable[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def evaluate(team_doc: dict, docs: list[dict], weeks: int, first: date = FIRST_WEEK) -> RecurringRun:
    """Walk every injection and prescriber requirement through the planned weeks."""
    team = load_team(team_doc)
    staff = {s.id: s for s in team.staff}
    horizon = first + timedelta(weeks=weeks)
    unmet: dict[tuple[str, date], list[str]] = {}
    given: dict[tuple[str, str], list[date]] = {}
    for doc in docs:
        week = date.fromisoformat(doc["week_start"])
        for entry in doc["unmet"]:
            if entry["rule"] == "H4" and "client" in entry:
                unmet.setdefault((entry["client"], week), []).append(entry["detail"])
        for visit in doc["visits"]:
            for what in ("lai_injection", "psychiatrist"):
                if _provided(visit, what, staff):
                    given.setdefault((visit["client"], what), []).append(date.fromisoformat(visit["date"]))
    run = RecurringRun(team=team.team.id, weeks=weeks, seconds=0.0, violations=0)
    run.h4_unmet = sum(len(details) for details in unmet.values())
    used_by: dict[tuple[str, str], set[date]] = {}
    for client in team.clients:
        for req in client.requirements:
            if isinstance(req, SkillRequirement) and req.skill == "lai_injection":
                what = req.skill
            elif isinstance(req, DisciplineRequirement) and req.discipline == "psychiatrist":
                what = req.discipline
            else:
                continue
            if req.every_days is None and not isinstance(req, SkillRequirement):
                continue  # A weekly count, not a due date.
            dates = sorted(set(given.get((client.id, what), [])))
            used = used_by.setdefault((client.id, what), set())
            last = date.fromisoformat(req.last) if req.last else None
            while True:
                if req.every_days is None:
                    assert isinstance(req, SkillRequirement) and req.due is not None
                    due = date.fromisoformat(req.due)
                elif last is None:
                    due = care.first_open_on_or_after(client, first) or horizon
                else:
                    due = last + timedelta(days=req.every_days)
                start, end = due - timedelta(days=req.window_days), due + timedelta(days=req.window_days)
                if due < first and req.every_days is not None:
                    # Due before the first week: due on the first open date (FORMATS.md).
                    due = care.first_open_on_or_after(client, first) or horizon
                    start, end = due - timedelta(days=req.window_days), due + timedelta(days=req.window_days)
                if end < first or start >= horizon:
                    break
                window = Window(client.id, what, due, max(start, first), end)
                hit = [d for d in dates if window.start <= d <= end]
                if hit:
                    window.met_on = hit[0]
                    used.add(hit[0])
                    run.windows.append(window)
                    last = hit[0]
                elif end >= horizon:
                    run.open_at_end[what] = run.open_at_end.get(what, 0) + 1
                    break
                else:
                    window.reason = _reason(team, client, what, window, unmet, first)
                    run.windows.append(window)
                    late = [d for d in dates if d > end]
                    if not late:
                        break
                    used.add(late[0])
                    last = late[0]
                if req.every_days is None:
                    break
    for (client_id, what), used in used_by.items():
        extra = set(given.get((client_id, what), [])) - used
        run.outside[what] = run.outside.get(what, 0) + len(extra)
    return run


def _reason(
    team: TeamFile,
    client: Client,
    what: str,
    window: Window,
    unmet: dict[tuple[str, date], list[str]],
    first: date,
) -> str:
    """Why a window holds no visit giving the care."""
    days = list(_dates(window.start, window.end))
    if not any(_available(team, client, what, d) for d in days):
        return "no date in the window when the client is open and available and someone who gives it works"
    weeks = sorted({d - timedelta(days=d.weekday()) for d in days})
    said = [f"{w}: {detail}" for w in weeks for detail in unmet.get((client.id, w), [])]
    if said:
        return "reported in unmet (H4): " + "; ".join(said)
    return "not reported in unmet (a bug)"


def run_recurring(team_name: str = "standard", weeks: int = WEEKS) -> RecurringRun:
    """Plan the weeks with history (each week's first plan, as the fairness bench) and walk them."""
    team_doc = json.loads(fixture_file(team_name).read_text())
    started = time.monotonic()
    rota, docs = plan_weeks(team_doc, weeks, history=True)
    run = evaluate(team_doc, docs, weeks)
    run.seconds = time.monotonic() - started
    run.violations = rota.violations
    run.team = team_name
    return run


def format_recurring(run: RecurringRun, machine: str) -> str:
    """The results as a Markdown section, with the machine they ran on."""
    last = FIRST_WEEK + timedelta(weeks=run.weeks) - timedelta(days=1)
    lines = [
        "# Recurring care over weeks",
        "",
        f"Machine: {machine}. The machine is shared with other work running at the same time, so "
        "the seconds carry that load; the counts do not depend on it.",
        "",
        f"The {run.team} team's {run.weeks} weeks from {FIRST_WEEK} to {last}, planned one after "
        "another, each with the weeks before it as plans of record, each week's first plan "
        "(`greedy_only`, as `actplanner bench fairness`). Each client's injections and prescriber "
        "visits are then walked through the plans as docs/formats/team.md defines them (L from `last` or the "
        "visit that gave it, due L + every_days, window due ± window_days; a one-off `due` has one "
        "window). A window still open on the last day is not judged. Target: 0 missed injection "
        "windows where staff are available.",
        "",
        "| care | windows judged | met | missed | missed, staff available | open at the end "
        "| given outside a window |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for what in ("lai_injection", "psychiatrist"):
        windows = run.of(what)
        missed = [w for w in windows if w.met_on is None]
        available = [w for w in missed if not w.reason.startswith("no date")]
        lines.append(
            f"| {what} | {len(windows)} | {len(windows) - len(missed)} | {len(missed)} | {len(available)} "
            f"| {run.open_at_end.get(what, 0)} | {run.outside.get(what, 0)} |"
        )
    lines += [
        "",
        f"Unexcused violations (checker, same history), all weeks: {run.violations}. H4 entries "
        f"in the plans' unmet, all weeks: {run.h4_unmet}. "
        f"Seconds for the {run.weeks} plans and the walk: {run.seconds:.1f}.",
        "",
        "An H4 entry says a week could place no visit giving the care on the window's days inside "
        "that week (the format asks it there when the window meets the week): a window that starts "
        "on a weekend the client or the nurse is not available, or a client in hospital without "
        "the right ITT member that day. A window so reported in one week and met in the next, "
        "inside its dates, counts as met above; a miss is a window that ends with no such visit.",
        "",
    ]
    missed = [w for w in run.windows if w.met_on is None]
    if missed:
        lines += ["| client | care | due | window | reason |", "|---|---|---|---|---|"]
        for w in missed:
            lines.append(f"| {w.client} | {w.care} | {w.due} | {w.start} – {w.end} | {w.reason} |")
    else:
        lines.append("No window was missed.")
    lines.append("")
    return "\n".join(lines)


def command(
    out: Annotated[Path, typer.Option(help="Markdown results to write.")] = Path(
        "docs/recurring_benchmark.md"
    ),
    team: Annotated[str, typer.Option(help="Sample team: small, standard or large.")] = "standard",
    weeks: Annotated[int, typer.Option(min=1, max=26, help="Consecutive weeks planned.")] = WEEKS,
) -> None:
    """Recurring injections and prescriber visits over weeks planned with history: windows missed, why."""
    run = run_recurring(team, weeks)
    text = format_recurring(run, bench_teams.machine())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    typer.echo(text)
