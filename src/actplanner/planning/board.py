"""The week board for the team lead: generate a week with live progress, review it, publish it.

The solve runs in a worker process; the page only queues it and polls its
progress, so the server stays responsive. The board shows the week's active
job after a reload, the current draft (or the published plan) as a staff × day
grid with the unmet list and the ACT fidelity figures beside it, and what
changed against the previous published version. Clients appear by their code
only: the board shows no PHI.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from actplanner.checker.context import Context
from actplanner.checker.route_rules import staff_days
from actplanner.checker.words import Finding, Words, rule_heading
from actplanner.db import Plan, SolveJob, Team, User
from actplanner.domain.errors import JobConflict
from actplanner.domain.formats import ROLES, dump_team
from actplanner.domain.week import DAYS_IN_WEEK, WeekError, monday_of, parse_week, week_dates
from actplanner.on_call.service import coverage_gaps
from actplanner.planning.edits import keep_started, replan, started_note
from actplanner.planning.jobs import get_job, latest_job
from actplanner.planning.makeup import make_up_offer
from actplanner.planning.month import month_view
from actplanner.planning.page_edits import lead_plan
from actplanner.planning.plans import (
    Concern,
    PublishUnconfirmed,
    discard_draft,
    plan_diff,
    publish_plan,
    published_plan,
    republish_version,
    stored_plan_doc,
    undo_edit,
    undo_step,
    week_plans,
)
from actplanner.teams.service import get_team, list_teams, team_file
from actplanner.web.deps import LeadDep, QueueDep, SessionDep, TeamDep, TodayDep, require_team
from actplanner.web.schemas import MAX_ID, MAX_TIME_LIMIT
from actplanner.web.templating import is_fragment_request, render

router = APIRouter(tags=["pages"])

#: Seconds a solve gets unless the lead says otherwise: enough for a good plan of a usual team.
DEFAULT_TIME_LIMIT = 30
MIN_TIME_LIMIT = 1
#: The most weeks "Plan the next weeks" queues at once (as ``actplanner plan --weeks``).
MAX_WEEKS = 4

Id = Annotated[int, Path(ge=1, le=MAX_ID)]

# ---------------------------------------------------------------------------------------------
# What the board shows


@dataclass(frozen=True)
class Cell:
    """One staff member's day: visits, their minutes and the day's route travel."""

    day: date
    visits: int
    visit_minutes: int
    travel_minutes: int
    working: bool
    href: str


@dataclass(frozen=True)
class GridRow:
    staff_id: str
    name: str
    discipline: str
    cells: list[Cell]

    @property
    def visits(self) -> int:
        return sum(c.visits for c in self.cells)

    @property
    def visit_minutes(self) -> int:
        return sum(c.visit_minutes for c in self.cells)

    @property
    def travel_minutes(self) -> int:
        return sum(c.travel_minutes for c in self.cells)


@dataclass(frozen=True)
class Figure:
    """A fidelity or plan figure with its target; ``met`` is None where no target applies."""

    key: str
    label: str
    value: str
    target: str
    met: bool | None


@dataclass(frozen=True)
class UnmetRow:
    client: str
    rule: str
    rule_name: str
    detail: str
    date: str | None


@dataclass(frozen=True)
class Change:
    """A visit added, moved or cancelled between two plans, by client code."""

    kind: str
    client: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class ShiftChange:
    """A staff member's working window on a date, before and after: "late 11:30–20:00" or "off"."""

    staff: str
    day: str
    before: str
    after: str


@dataclass(frozen=True)
class Version:
    plan: Plan
    current: bool


def _planned_week(text: str) -> tuple[date | None, str | None]:
    """The week a Generate form names (it must name one), or an error saying what is wrong with it."""
    if not text.strip():
        return None, "Choose the week to plan (any date in it)."
    try:
        return parse_week(text, default=date.min), None
    except WeekError as err:
        return None, str(err)


def parse_time_limit(text: str | None) -> tuple[float | None, str | None]:
    """The solve's time limit in seconds, or an error saying what is wrong with it."""
    try:
        seconds = float((text or "").strip())
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or not MIN_TIME_LIMIT <= seconds <= MAX_TIME_LIMIT:
        return None, f"The time limit is a number of seconds from {MIN_TIME_LIMIT} to {MAX_TIME_LIMIT}."
    return seconds, None


def board_grid(team_doc: dict[str, Any], plan_doc: dict[str, Any], plan_id: int) -> list[GridRow]:
    """Per staff member and date: visits, visit minutes and route travel, as the checker measures them.

    Travel follows each day's route from the staff member's start through the
    visits in start order and back, with the team's travel model, so the
    week's total is the plan's ``travel_minutes_total``.
    """
    ctx = Context(team_doc, plan_doc)
    counts: dict[tuple[str, date], list[int]] = defaultdict(lambda: [0, 0, 0])
    for (sid, day), stops in staff_days(ctx).items():
        places = [ctx.start_place(sid), *(ctx.place_of(s.visit) for s in stops), ctx.start_place(sid)]
        cell = counts[(sid, day)]
        cell[0] = len(stops)
        cell[1] = sum(s.end - s.start for s in stops)
        cell[2] = sum(ctx.travel.minutes(a, b) or 0 for a, b in pairwise(places))
    rows = []
    for member in team_doc["staff"]:
        sid = member["id"]
        cells = []
        for day in ctx.dates:
            visits, minutes, travel = counts.get((sid, day), (0, 0, 0))
            href = f"/board/plans/{plan_id}/staff/{sid}/days/{day.isoformat()}"
            cells.append(Cell(day, visits, minutes, travel, ctx.shift(sid, day) is not None, href))
        rows.append(GridRow(sid, member["name"], member["discipline"].replace("_", " "), cells))
    return rows


def _number(value: Any, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _percent(value: Any) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def fidelity_figures(metrics: dict[str, Any]) -> list[Figure]:
    """The plan's ACT fidelity figures beside the DACTS top ratings (DOMAIN.md)."""

    def at_least(key: str, target: float) -> bool | None:
        value = metrics.get(key)
        return None if value is None else value >= target

    caseload = metrics.get("caseload_ratio")
    return [
        Figure(
            "contacts_per_client_week",
            "Contacts per client this week",
            _number(metrics.get("contacts_per_client_week")),
            "≥ 4 (DACTS S5)",
            at_least("contacts_per_client_week", 4),
        ),
        Figure(
            "minutes_per_client_week",
            "Face-to-face minutes per client",
            _number(metrics.get("minutes_per_client_week"), 0),
            "≥ 120 (DACTS S4)",
            at_least("minutes_per_client_week", 120),
        ),
        Figure(
            "share_clients_seen_by_2plus_staff",
            "Clients seen by 2+ staff",
            _percent(metrics.get("share_clients_seen_by_2plus_staff")),
            "≥ 90% in 2 weeks (DACTS H2)",
            at_least("share_clients_seen_by_2plus_staff", 0.9),
        ),
        Figure(
            "team_approach_share",
            "Clients with 2+ visits seeing 2+ staff",
            _percent(metrics.get("team_approach_share")),
            "≥ 90% (team approach)",
            at_least("team_approach_share", 0.9),
        ),
        Figure(
            "itt_share",
            "Visits by the client's ITT",
            _percent(metrics.get("itt_share")),
            "as high as possible",
            None,
        ),
        Figure(
            "caseload_ratio",
            "Clients per FTE",
            _number(caseload),
            "≤ 10 (DACTS H1)",
            None if caseload is None else caseload <= 10,
        ),
        Figure(
            "on_call_coverage",
            "On-call coverage of the week",
            _percent(metrics.get("on_call_coverage")),
            "100%, 24/7 (DACTS O4)",
            # Rounding in the figure must not turn full coverage into a miss.
            at_least("on_call_coverage", 0.9995),
        ),
    ]


def plan_figures(plan: Plan) -> list[Figure]:
    """Figures of the plan itself: visits planned, travel, and how the solve ended."""
    metrics = plan.metrics or {}
    planned, required = metrics.get("visits"), metrics.get("visits_required")
    figures = [
        Figure(
            "visits",
            "Visits planned",
            "—" if planned is None else f"{planned}" + ("" if required is None else f" of {required}"),
            "all",
            None if planned is None or required is None else planned >= required,
        ),
        Figure(
            "travel_minutes_total",
            "Travel minutes",
            _number(metrics.get("travel_minutes_total"), 0),
            f"{_number(metrics.get('travel_minutes_per_visit'))} per visit",
            None,
        ),
    ]
    if plan.solver_status is not None:
        figures.append(
            Figure(
                "solver",
                "Solve",
                f"{plan.solver_status}, {plan.seconds or 0:.1f} s",
                # The solver's weighted score: a lead compares two plans by it, not reads it.
                f"score {_number(plan.objective, 0)}, lower is better",
                None,
            )
        )
    return figures


def unmet_rows(plan: Plan, words: Words) -> list[UnmetRow]:
    """The plan's unmet hard rules in words: client by code (staff by name where there is no
    client), the rule by its title, the date as "Wed 2 Dec"; the rule's code stays in small print."""
    rows = []
    for entry in plan.unmet or []:
        rule = str(entry.get("rule", ""))
        who = entry.get("client") or entry.get("staff")
        rows.append(
            UnmetRow(
                client=words.names.get(who, who) if who else "—",
                rule=rule,
                rule_name=rule_heading(rule),
                detail=words.text(str(entry.get("detail", ""))),
                date=words.text(str(entry["date"])) if entry.get("date") else None,
            )
        )
    return rows


def on_call_rota(plan: Plan, days: list[date], roles: list[str], names: dict[str, str]) -> list[list[str]]:
    """Per role (rows) and date (columns): who holds the period that starts that date."""
    held: dict[tuple[str, str], list[str]] = defaultdict(list)
    for period in plan.on_call:
        held[(period.role, period.start[:10])].append(names.get(period.staff_id, period.staff_id))
    return [[", ".join(held.get((role, d.isoformat()), [])) or "—" for d in days] for role in roles]


def changes(diff: dict[str, list[Any]], codes: dict[str, str], names: dict[str, str]) -> list[Change]:
    """A plan diff as rows by client code: added, moved (before → after) and cancelled visits."""

    def when(entry: dict[str, Any]) -> str:
        who = ", ".join(names.get(s, s) for s in entry["staff"])
        day = date.fromisoformat(entry["date"])
        return f"{day:%a %-d %b} {entry['start']}–{entry['end']}, {who}"

    def code(entry: dict[str, Any]) -> str:
        return codes.get(entry["client"], entry["client"])

    rows = [Change("added", code(v), None, when(v)) for v in diff["added"]]
    rows += [Change("moved", code(m["after"]), when(m["before"]), when(m["after"])) for m in diff["moved"]]
    rows += [Change("cancelled", code(v), when(v), None) for v in diff["cancelled"]]
    return rows


def shift_rows(diff: dict[str, list[Any]], names: dict[str, str]) -> list[ShiftChange]:
    """A plan diff's shift changes by staff name and day, each side in words."""

    def window(shift: dict[str, Any] | None) -> str:
        if shift is None:
            return "off"
        hours = f"{shift['start']}–{shift['end']}"
        return f"{shift['type']} {hours}" if shift.get("type") else hours

    return [
        ShiftChange(
            names.get(s["staff"], s["staff"]),
            f"{date.fromisoformat(s['date']):%a %-d %b}",
            window(s["before"]),
            window(s["after"]),
        )
        for s in diff.get("shifts", [])
    ]


# ---------------------------------------------------------------------------------------------
# Reading the week


def week_href(page: str, team: Team, user: User, week: date, **extra: Any) -> str:
    """A week page's address (the board's, the roster's), keeping a lead with no team of their own
    on this team; ``extra`` query values that are None are left out."""
    query: dict[str, Any] = {"week": week.isoformat()}
    if user.team_id != team.id:
        query["team"] = team.id
    query.update({k: v for k, v in extra.items() if v is not None})
    return f"{page}?{urlencode(query)}"


def board_href(team: Team, user: User, week: date, **extra: Any) -> str:
    """The board of a week."""
    return week_href("/board", team, user, week, **extra)


def _shown_plan(plans: list[Plan], wanted: int | None) -> Plan | None:
    """The plan asked for, else the newest draft made after the published plan, else the published plan."""
    if wanted is not None:
        for plan in plans:
            if plan.id == wanted:
                return plan
        raise HTTPException(status_code=404, detail=f"Plan {wanted} is not a plan of this team's week.")
    published = next((p for p in plans if p.status == "published"), None)
    draft = next((p for p in plans if p.status == "draft"), None)
    if draft is not None and (published is None or draft.id > published.id):
        return draft
    return published


def _compared_plan(plans: list[Plan], plan: Plan) -> Plan | None:
    """What a plan is shown against: a draft against the published plan, a version against the one before."""
    if plan.status == "draft":
        return next((p for p in plans if p.status == "published"), None)
    if plan.version is None:
        return None
    return next((p for p in plans if p.version == plan.version - 1), None)


def progress_context(job: SolveJob, team: Team, user: User) -> dict[str, Any]:
    """What ``planning/_progress.html`` shows of a job."""
    progress = job.progress or {}
    elapsed = progress.get("elapsed")
    return {
        "job": job,
        "active": job.active is True,
        "phase": progress.get("phase"),
        "elapsed": elapsed,
        "bar_value": None if elapsed is None else min(float(elapsed), job.time_limit),
        "best_objective": progress.get("best_objective"),
        "unmet_count": progress.get("unmet"),
        "note": progress.get("message"),
        "board_url": board_href(team, user, job.week_start),
        "result_url": None
        if job.plan_id is None
        else board_href(team, user, job.week_start, plan=job.plan_id),
        "shown_plan_id": None,
    }


def board_context(
    session: Session,
    user: User,
    team: Team | None,
    week: date | None,
    *,
    week_text: str,
    plan_id: int | None = None,
    errors: dict[str, str] | None = None,
    time_limit: str = str(DEFAULT_TIME_LIMIT),
    message: str | None = None,
) -> dict[str, Any]:
    """Everything ``planning/board.html`` shows of a team's week."""
    context: dict[str, Any] = {
        "team": team,
        "teams": [],
        "week": week,
        "week_text": week_text,
        "errors": errors or {},
        "time_limit": time_limit,
        "message": message,
        "team_field": None if team is None or user.team_id == team.id else team.id,
        "job": None,
        "plan": None,
        "coverage_gaps": [],
        "publish_concerns": [],
        "started_note": None,
        "make_up": None,
        "max_weeks": MAX_WEEKS,
        "month_url": None,
        "undo": None,
    }
    if team is None:
        context["teams"] = list_teams(session=session)
        return context
    context["coverage_gaps"] = coverage_gaps(session=session, team_id=team.id)
    if week is None:
        return context
    context["started_note"] = started_note(session=session, team_id=team.id, week_start=week)
    context["make_up"] = make_up_offer(session=session, team_id=team.id, week_start=week, by=user.id)
    days = week_dates(week)
    context["days"] = days
    context["previous_week"] = board_href(team, user, week - timedelta(days=DAYS_IN_WEEK))
    context["next_week"] = board_href(team, user, week + timedelta(days=DAYS_IN_WEEK))
    context["month_url"] = month_href(team, user, week)
    job = latest_job(session=session, team_id=team.id, week_start=week)
    if job is not None:
        context["job"] = job
        context.update(progress_context(job, team, user))
    plans = week_plans(session=session, team_id=team.id, week_start=week)
    context["versions"] = [
        Version(p, p.status == "published")
        for p in sorted(plans, key=lambda p: -(p.version or 0))
        if p.version
    ]
    context["drafts"] = [p for p in plans if p.status == "draft"]
    context["plan_url"] = lambda p: board_href(team, user, week, plan=p.id)
    plan = _shown_plan(plans, plan_id)
    if plan is None:
        return context
    team_doc = dump_team(team_file(session=session, team_id=team.id))
    codes = {c["id"]: c["code"] for c in team_doc["clients"]}
    names = {s["id"]: s["name"] for s in team_doc["staff"]}
    plan_doc = stored_plan_doc(session=session, plan_id=plan.id)
    roles = [r for r in ROLES if team_doc["policy"]["on_call"]["roles"].get(r) is not None]
    compared = _compared_plan(plans, plan)
    diff = (
        None if compared is None else plan_diff(session=session, old_plan_id=compared.id, new_plan_id=plan.id)
    )
    context.update(
        plan=plan,
        shown_plan_id=plan.id,
        undo=undo_step(session=session, plan=plan),
        grid=board_grid(team_doc, plan_doc, plan.id),
        unmet=unmet_rows(plan, Words.of(team_doc)),
        fidelity=fidelity_figures(plan.metrics or {}),
        plan_figures=plan_figures(plan),
        rota=list(zip(roles, on_call_rota(plan, days, roles, names), strict=True)),
        compared=compared,
        changes=None if diff is None else changes(diff, codes, names),
        shift_changes=[] if diff is None else shift_rows(diff, names),
    )
    return context


def _week_of(today: date, week: str | None) -> tuple[date | None, str, dict[str, str]]:
    """The week asked for, as its Monday for the picker, and any error about it.

    By default the week the team is in (its Monday in the team's zone): a lead opening the
    board looks at this week first and steps to the next. Any date picked means its week.
    """
    try:
        monday = parse_week(week, default=monday_of(today))
    except WeekError as err:
        return None, week or "", {"week": str(err)}
    return monday, monday.isoformat(), {}


#: What a week page shows: ``board_context`` or ``roster_context``, called as ``render_week`` calls it.
WeekContext = Callable[..., dict[str, Any]]


def render_week(
    request: Request,
    template: str,
    week_context: WeekContext,
    session: Session,
    user: User,
    team: Team | None,
    today: date,
    week: str | None,
    plan_id: int | None,
) -> Response:
    """A week page (the board, the roster) of the week asked for, by default the team's current
    week, and the plan asked for; a 422 when the week makes no sense, saying what is wrong with it."""
    day, week_text, errors = _week_of(today, week)
    context = week_context(session, user, team, day, week_text=week_text, plan_id=plan_id, errors=errors)
    return render(request, template, context, status_code=422 if errors else 200)


# ---------------------------------------------------------------------------------------------
# Routes


@router.get("/board", name="board")
def board(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    today: TodayDep,
    week: Annotated[str | None, Query(max_length=40)] = None,
    plan: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """A team's week: solve progress, the plan as a staff × day grid, unmet rules, fidelity and versions."""
    return render_week(request, "planning/board.html", board_context, session, user, team, today, week, plan)


@router.post("/board/generate", name="board_generate")
def generate(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    queue: QueueDep,
    week: Annotated[str, Form(max_length=40)] = "",
    time_limit: Annotated[str, Form(max_length=40)] = "",
    fresh: Annotated[str | None, Form(max_length=10)] = None,
    change_started: Annotated[str | None, Form(max_length=10)] = None,
    weeks: Annotated[str, Form(max_length=10)] = "1",
) -> Response:
    """Queue a solve of the week for a worker and go back to the board, which shows its progress.

    The solve starts from the plan the board shows (keeping its pinned visits)
    unless the lead asks for a fresh start. In a week under way the visits that
    have started stay as they are, unless the lead ticks "also change visits
    that have started". With ``weeks`` above 1 it queues that many weeks from
    this one, in order, each solved after the one before with its plan as history
    (``jobs.enqueue_solve``'s ``after``), and goes to the month view.
    """
    if team is None:
        raise HTTPException(status_code=422, detail="Choose the team to plan.")
    found = team
    day, week_error = _planned_week(week)
    seconds, limit_error = parse_time_limit(time_limit)
    count, weeks_error = parse_weeks(weeks)
    errors = {
        k: v for k, v in (("week", week_error), ("time_limit", limit_error), ("weeks", weeks_error)) if v
    }
    if day is None or seconds is None or count is None:
        context = board_context(
            session, user, found, day, week_text=week, errors=errors, time_limit=time_limit
        )
        return render(request, "planning/board.html", context, status_code=422)
    try:
        with session.begin_nested():
            queued: list[int] = []
            for k in range(count):
                monday = day + timedelta(weeks=k)
                plans = week_plans(session=session, team_id=found.id, week_start=monday)
                baseline = None if fresh else _shown_plan(plans, None)
                kept = keep_started(
                    session=session,
                    team_id=found.id,
                    week_start=monday,
                    baseline_plan_id=None if baseline is None else baseline.id,
                    change_started=bool(change_started),
                )
                job = queue.enqueue(
                    session=session,
                    team_id=found.id,
                    week_start=monday,
                    time_limit=seconds,
                    baseline_plan_id=kept.baseline_plan_id,
                    from_date=kept.from_date,
                    user_id=user.id,
                    after=list(queued),
                )
                queued.append(job.id)
    except JobConflict as err:
        message = f"{err} Wait for it to finish or stop it first."
        if count > 1:
            message += " No week was queued."
        context = board_context(
            session, user, found, day, week_text=week, time_limit=time_limit, message=message
        )
        return render(request, "planning/board.html", context, status_code=409)
    if count > 1:
        return RedirectResponse(month_href(found, user, day, count), status_code=303)
    return RedirectResponse(board_href(found, user, day), status_code=303)


def parse_weeks(text: str | None) -> tuple[int | None, str | None]:
    """How many weeks to plan from the board (1 to ``MAX_WEEKS``), or an error saying what is wrong."""
    try:
        count = int((text or "1").strip())
    except ValueError:
        count = 0
    if not 1 <= count <= MAX_WEEKS:
        return None, f"Plan 1 to {MAX_WEEKS} weeks at a time."
    return count, None


def month_href(team: Team, user: User, week: date, weeks: int = MAX_WEEKS) -> str:
    """The month view of ``weeks`` weeks from ``week``, keeping a lead without a team on this one."""
    query: dict[str, Any] = {"week": week.isoformat(), "weeks": weeks}
    if user.team_id != team.id:
        query["team"] = team.id
    return "/board/month?" + urlencode(query)


@router.get("/board/month", name="board_month")
def month(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    today: TodayDep,
    week: Annotated[str | None, Query(max_length=40)] = None,
    weeks: Annotated[int, Query(ge=1, le=MAX_WEEKS)] = MAX_WEEKS,
) -> Response:
    """The next weeks side by side: coverage per day, on-call, each client's planned visits against
    their count; each week links to its board, where it is published."""
    if team is None:
        return RedirectResponse("/board", status_code=303)
    day, week_text, errors = _week_of(today, week)
    context: dict[str, Any] = {
        "team": team,
        "week": day,
        "week_text": week_text,
        "weeks": weeks,
        "errors": errors,
        "team_field": None if user.team_id == team.id else team.id,
        "month": None,
    }
    if day is not None:
        context["month"] = month_view(session=session, team_id=team.id, first=day, weeks=weeks)
        context["board_url"] = lambda w: board_href(team, user, w)
        context["board_week"] = board_href(team, user, day)
        context["self_url"] = month_href(team, user, day, weeks)
    return render(request, "planning/month.html", context, status_code=422 if errors else 200)


def _job(session: Session, user: User, job_id: int) -> tuple[SolveJob, Team]:
    job = get_job(session=session, job_id=job_id)
    require_team(user, job.team_id)
    return job, get_team(session=session, team_id=job.team_id)


@router.get("/board/jobs/{job_id}/progress", name="board_progress")
def progress(request: Request, session: SessionDep, user: LeadDep, job_id: Id) -> Response:
    """A solve's progress: the fragment polls itself while the job runs (htmx), else the board."""
    job, team = _job(session, user, job_id)
    if not is_fragment_request(request):
        return RedirectResponse(board_href(team, user, job.week_start), status_code=303)
    return render(request, "planning/_progress.html", progress_context(job, team, user))


@router.post("/board/jobs/{job_id}/stop", name="board_stop")
def stop(request: Request, session: SessionDep, user: LeadDep, queue: QueueDep, job_id: Id) -> Response:
    """Stop a solve, keeping its best plan so far."""
    job, team = _job(session, user, job_id)
    if job.active:
        job = queue.stop(session=session, job_id=job.id)
    if not is_fragment_request(request):
        return RedirectResponse(board_href(team, user, job.week_start), status_code=303)
    return render(request, "planning/_progress.html", progress_context(job, team, user))


@router.post("/board/plans/{plan_id}/publish", name="board_publish")
def publish(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    plan_id: Id,
    confirm: Annotated[str | None, Form(max_length=10)] = None,
) -> Response:
    """Publish a draft as the week's next version; the board then shows what changed against the last one.

    A draft that breaks hard rules or keeps flagged moves is published only once
    the lead has seen them listed on the board and pressed "Publish anyway".
    """
    plan = lead_plan(session, user, plan_id)
    team = get_team(session=session, team_id=plan.team_id)
    try:
        publish_plan(session=session, plan_id=plan.id, user_id=user.id, confirmed=bool(confirm))
    except PublishUnconfirmed as err:
        context = board_context(
            session, user, team, plan.week_start, week_text=plan.week_start.isoformat(), plan_id=plan.id
        )
        context["publish_concerns"] = concern_lines(err.findings, team_file(session=session, team_id=team.id))
        return render(request, "planning/board.html", context, status_code=409)
    except ValueError as err:
        context = board_context(
            session,
            user,
            team,
            plan.week_start,
            week_text=plan.week_start.isoformat(),
            plan_id=plan.id,
            message=str(err),
        )
        return render(request, "planning/board.html", context, status_code=409)
    return RedirectResponse(board_href(team, user, plan.week_start, plan=plan.id), status_code=303)


@router.post("/board/plans/{plan_id}/make-up", name="board_make_up")
def make_up(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    queue: QueueDep,
    plan_id: Id,
    time_limit: Annotated[str, Form(max_length=40)] = str(DEFAULT_TIME_LIMIT),
) -> Response:
    """Re-plan the rest of the week from tomorrow with the contact log: past and done visits stay
    exactly, the visits clients still need are placed; the board then shows the draft's diff."""
    plan = lead_plan(session, user, plan_id)
    team = get_team(session=session, team_id=plan.team_id)
    offer = make_up_offer(session=session, team_id=team.id, week_start=plan.week_start, by=user.id)
    seconds, limit_error = parse_time_limit(time_limit)
    if offer is None or offer.plan_id != plan.id or seconds is None:
        message = limit_error or (
            "Nothing to make up: re-plan the rest of the week from the published plan of the week "
            "under way, once a contact of it is recorded as not done."
        )
        context = board_context(
            session, user, team, plan.week_start, week_text=plan.week_start.isoformat(), message=message
        )
        return render(request, "planning/board.html", context, status_code=422 if limit_error else 409)
    try:
        replan(
            session=session,
            queue=queue,
            plan_id=plan.id,
            time_limit=seconds,
            user_id=user.id,
            from_date=offer.from_date,
        )
    except JobConflict as err:
        context = board_context(
            session,
            user,
            team,
            plan.week_start,
            week_text=plan.week_start.isoformat(),
            message=f"{err} Wait for it to finish or stop it first.",
        )
        return render(request, "planning/board.html", context, status_code=409)
    return RedirectResponse(board_href(team, user, plan.week_start), status_code=303)


# ---------------------------------------------------------------------------------------------
# Undo an edit, publish an earlier version again


@router.post("/board/plans/{plan_id}/discard", name="board_discard")
def discard(request: Request, session: SessionDep, user: LeadDep, plan_id: Id) -> Response:
    """Throw a draft away (the board lists it with its figures); back to the week's board."""
    plan = lead_plan(session, user, plan_id)
    team = get_team(session=session, team_id=plan.team_id)
    week = plan.week_start
    try:
        discard_draft(session=session, plan_id=plan.id, user_id=user.id)
    except ValueError as err:
        context = board_context(session, user, team, week, week_text=week.isoformat(), message=str(err))
        return render(request, "planning/board.html", context, status_code=409)
    return RedirectResponse(board_href(team, user, week), status_code=303)


@router.post("/board/plans/{plan_id}/undo", name="board_undo")
def undo(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    plan_id: Id,
    back: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Undo the last pin, move or shift change of a draft: it is back as it was before that edit
    (a draft begun by editing the published plan is discarded). Back to the board, or the roster."""
    plan = lead_plan(session, user, plan_id)
    team = get_team(session=session, team_id=plan.team_id)
    week = plan.week_start
    try:
        shown = undo_edit(session=session, plan_id=plan.id, user_id=user.id)
    except ValueError as err:
        context = board_context(session, user, team, week, week_text=week.isoformat(), message=str(err))
        return render(request, "planning/board.html", context, status_code=409)
    shown_id = None if shown is None else shown.id
    if back == "roster":
        # Imported here: the roster page imports the board.
        from actplanner.planning.roster import roster_href

        return RedirectResponse(roster_href(team, user, week, plan=shown_id), status_code=303)
    return RedirectResponse(board_href(team, user, week, plan=shown_id), status_code=303)


def _earlier_version(session: Session, user: User, plan_id: int) -> tuple[Plan, Team]:
    plan = lead_plan(session, user, plan_id)
    if plan.version is None or plan.status != "superseded":
        raise HTTPException(
            status_code=409,
            detail=f"Plan {plan.id} is {plan.status}: only an earlier published version "
            "can be published again.",
        )
    return plan, get_team(session=session, team_id=plan.team_id)


def with_code(text: str, rule: str) -> Markup:
    """A finding said in words, with its rule's code in small print for whoever reads the file."""
    return Markup('{} <small class="rule">{}</small>').format(text, rule)


def finding_lines(findings: Iterable[Finding], words: Words) -> list[Markup]:
    """Checker findings (violations, publish concerns) in words (staff by name, clients by code,
    rule titles, "Wed 2 Dec"), each with its code in small print."""
    return [with_code(words.line(f), f.rule) for f in findings]


def concern_lines(findings: list[Concern], team: Any) -> list[Markup]:
    """What publishing asks the lead to accept, in the team's words."""
    return finding_lines(findings, Words.of(team))


def republish_context(
    session: Session, user: User, plan: Plan, team: Team, findings: list[Concern] | None = None
) -> dict[str, Any]:
    """What ``planning/republish.html`` shows: the earlier version against the one published now."""
    team_doc = dump_team(team_file(session=session, team_id=team.id))
    codes = {c["id"]: c["code"] for c in team_doc["clients"]}
    names = {s["id"]: s["name"] for s in team_doc["staff"]}
    current = published_plan(session=session, team_id=team.id, week_start=plan.week_start)
    diff = (
        None if current is None else plan_diff(session=session, old_plan_id=current.id, new_plan_id=plan.id)
    )
    return {
        "team": team,
        "plan": plan,
        "compared": current,
        "changes": None if diff is None else changes(diff, codes, names),
        "shift_changes": [] if diff is None else shift_rows(diff, names),
        "concerns": concern_lines(findings or [], team_doc),
        "board_url": board_href(team, user, plan.week_start),
        "version_url": board_href(team, user, plan.week_start, plan=plan.id),
    }


@router.get("/board/plans/{plan_id}/republish", name="board_republish_confirm")
def republish_confirm(request: Request, session: SessionDep, user: LeadDep, plan_id: Id) -> Response:
    """An earlier version beside the published one: what publishing it again would change."""
    plan, team = _earlier_version(session, user, plan_id)
    return render(request, "planning/republish.html", republish_context(session, user, plan, team))


@router.post("/board/plans/{plan_id}/republish", name="board_republish")
def republish(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    plan_id: Id,
    confirm: Annotated[str | None, Form(max_length=10)] = None,
) -> Response:
    """Publish an earlier version again as the week's next version; calendars follow it."""
    plan, team = _earlier_version(session, user, plan_id)
    try:
        published = republish_version(
            session=session, plan_id=plan.id, user_id=user.id, confirmed=bool(confirm)
        )
    except PublishUnconfirmed as err:
        context = republish_context(session, user, plan, team, err.findings)
        return render(request, "planning/republish.html", context, status_code=409)
    return RedirectResponse(board_href(team, user, plan.week_start, plan=published.id), status_code=303)
