"""The roster page for the team lead: who works which shift on which date, and coverage per half hour.

A staff × dates grid of the week's plan (the plan the board shows): each cell the
shift (type and hours) or "off", leave, the staff member's requests (honoured or
not), weekends and holidays marked, fixed-hours staff marked as such, pinned
shifts marked. Under it a coverage strip per day, per half hour, red where fewer
staff work than a coverage window of the team asks (FORMATS.md Part B, H17).

The lead pins a shift, changes one (another type, or off) and re-solves keeping
pins, re-rostering the staff they name. A change is checked by the independent
checker on the changed plan, as visit moves are (``planning.edits``): one that
breaks a hard rule the plan did not already break is refused with the rule in
words, unless saved anyway, flagged, in the plan's ``unmet`` list. Publishing is
the board's: the roster publishes with the week's plan.

The page shows staff names and shift types only: no client, so no PHI, and so no
view record in the audit trail (as the board); every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from actplanner.audit.service import audit
from actplanner.checker import Violation, check
from actplanner.checker.words import Words, rule_heading
from actplanner.db import Plan, Team, User
from actplanner.domain.formats import WEEKDAYS, dump_team, minutes
from actplanner.domain.rostering import day_name
from actplanner.domain.week import week_dates
from actplanner.planning import edits, plans
from actplanner.planning.board import (
    _shown_plan,
    board_href,
    finding_lines,
    progress_context,
    render_week,
    week_href,
    with_code,
)
from actplanner.planning.day import MAX_REPLAN_SECONDS, REPLAN_SECONDS
from actplanner.planning.edits import FLAG_PREFIX, BadEdit
from actplanner.planning.jobs import latest_job
from actplanner.planning.page_edits import edit_answer, edit_errors, lead_plan
from actplanner.planning.shift_edit import ShiftEditError, shift_changed
from actplanner.teams import service as teams
from actplanner.web.deps import LeadDep, QueueDep, SessionDep, TeamDep, TodayDep
from actplanner.web.schemas import MAX_ID

router = APIRouter(tags=["pages"])

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
#: The strip's step: coverage is judged per minute, drawn per half hour.
SLOT_MINUTES = 30
DAY_END = 24 * 60
#: The value of the shift select that means a day off.
OFF = "off"
#: Hours the strip spans when the week has no coverage window and no shift.
DEFAULT_SPAN = (8 * 60, 20 * 60)
_WEEKEND = ("sat", "sun")

# ---------------------------------------------------------------------------------------------
# What the page shows


@dataclass(frozen=True)
class DayHead:
    """A date of the week as the grid's header shows it."""

    day: date
    weekend: bool
    holiday: str | None


@dataclass(frozen=True)
class RequestMark:
    """A staff member's request for a date (a day off, or a shift type) and whether the plan honours it."""

    off: bool
    shift: str | None
    honoured: bool

    @property
    def words(self) -> str:
        asked = "day off" if self.off else f"{self.shift} shift"
        return f"Asked for a {asked}: {'honoured' if self.honoured else 'not honoured'}"


@dataclass(frozen=True)
class RosterCell:
    """One staff member's date: their shift (None: off), leave, request, and what the lead may do."""

    day: date
    type: str | None
    start: str | None
    end: str | None
    pinned: bool
    leave: str | None
    request: RequestMark | None
    weekend: bool
    holiday: bool
    #: Shift types the select offers (the contract's), empty for fixed-hours staff.
    options: tuple[str, ...]

    @property
    def working(self) -> bool:
        return self.start is not None

    @property
    def label(self) -> str:
        """The shift in words: "late 11:30–20:00", "fixed hours 08:30–17:00" or "off"."""
        if not self.working:
            return OFF
        return f"{self.type or 'fixed hours'} {self.start}–{self.end}"

    @property
    def value(self) -> str:
        """What the change form's select has chosen now."""
        return self.type or OFF if self.working else OFF


@dataclass(frozen=True)
class RosterRow:
    staff_id: str
    name: str
    discipline: str
    contracted: bool
    cells: list[RosterCell]

    @property
    def working_minutes(self) -> int:
        return sum(minutes(c.end) - minutes(c.start) for c in self.cells if c.start and c.end)


@dataclass(frozen=True)
class Slot:
    """Half an hour of a day's coverage strip: the fewest staff working in it against what is asked."""

    start: int
    working: int
    #: 0 where no coverage window asks anything of this half hour.
    needed: int
    #: Per discipline a window names: (discipline, fewest working, needed).
    disciplines: tuple[tuple[str, int, int], ...]
    short: bool

    @property
    def asked(self) -> bool:
        return self.needed > 0 or bool(self.disciplines)

    @property
    def words(self) -> str:
        """The half hour in words, for the title and screen readers."""
        text = f"{clock(self.start)}–{clock(self.start + SLOT_MINUTES)}: {self.working} working"
        if self.asked:
            text += f", {self.needed} needed"
        for name, working, needed in self.disciplines:
            text += f"; {name.replace('_', ' ')} {working} of {needed}"
        return text + (" — short" if self.short else "")


@dataclass(frozen=True)
class CoverageDay:
    head: DayHead
    slots: list[Slot]
    #: Minutes of the day's coverage windows short of what they ask (each minute once per window).
    minutes_short: int

    @property
    def short_words(self) -> str:
        """The day's short spells, "11:00–12:30, 17:00–20:00", or empty."""
        spells: list[list[int]] = []
        for slot in self.slots:
            if not slot.short:
                continue
            if spells and spells[-1][1] == slot.start:
                spells[-1][1] = slot.start + SLOT_MINUTES
            else:
                spells.append([slot.start, slot.start + SLOT_MINUTES])
        return ", ".join(f"{clock(a)}–{clock(b)}" for a, b in spells)


@dataclass(frozen=True)
class RosterView:
    heads: list[DayHead]
    rows: list[RosterRow]
    coverage: list[CoverageDay]
    #: The hours the strips span (minutes after midnight), for the strip's scale.
    span: tuple[int, int]
    #: Whether the plan holds a roster (plan@2 ``shifts``); without it the grid shows fixed hours.
    rostered: bool

    @property
    def scale(self) -> list[tuple[str, int]]:
        """The strip's hour marks every two hours: (label, minutes until the next mark or the end)."""
        first, last = self.span
        return [(clock(at), min(120, last - at)) for at in range(first, last, 120)]


def clock(at: int) -> str:
    return f"{at // 60:02d}:{at % 60:02d}"


def _day_name(day: date, holidays: dict[str, str]) -> str:
    return day_name(day, {date.fromisoformat(d) for d in holidays})


def _leave_of(member: dict[str, Any], day: date) -> list[tuple[int, int]]:
    """The minutes of ``day`` a staff member is on leave, as [start, end) spans."""
    first, after = f"{day.isoformat()}T00:00", f"{(day + timedelta(days=1)).isoformat()}T00:00"
    spans = []
    for period in member.get("leave") or []:
        start, end = str(period.get("start", "")), str(period.get("end", ""))
        if start < after and end > first:
            a = 0 if start <= first else minutes(start[11:16])
            b = DAY_END if end >= after else minutes(end[11:16])
            spans.append((a, b))
    return spans


def _leave_words(spans: list[tuple[int, int]]) -> str | None:
    if not spans:
        return None
    if any(a == 0 and b == DAY_END for a, b in spans):
        return "on leave"
    return "on leave " + ", ".join(f"{clock(a)}–{clock(b)}" for a, b in spans)


def _fixed_shifts(team_doc: dict[str, Any], days: list[date], holidays: dict[str, str]) -> dict:
    """Fixed-hours staff's windows by (staff, date), read from the team file (a plan without a roster)."""
    found = {}
    for member in team_doc["staff"]:
        for day in days:
            window = (member.get("shifts") or {}).get(_day_name(day, holidays))
            if window:
                found[(member["id"], day.isoformat())] = {
                    "staff": member["id"],
                    "date": day.isoformat(),
                    "type": None,
                    "start": window[0],
                    "end": window[1],
                }
    return found


def roster_view(team_doc: dict[str, Any], plan_doc: dict[str, Any], week: date) -> RosterView:
    """The week's roster as the page shows it, read from the raw team and plan documents."""
    policy = team_doc.get("policy") or {}
    holidays = {str(h["date"]): str(h["name"]) for h in policy.get("holidays") or []}
    days = week_dates(week)
    heads = [DayHead(d, WEEKDAYS[d.weekday()] in _WEEKEND, holidays.get(d.isoformat())) for d in days]
    rostered = plan_doc.get("shifts") is not None
    if rostered:
        shifts = {(s["staff"], s["date"]): s for s in plan_doc["shifts"]}
    else:
        shifts = _fixed_shifts(team_doc, days, holidays)
    rows = []
    leave_by: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for member in team_doc["staff"]:
        contract = member.get("contract")
        requests = {str(r["date"]): r for r in (contract or {}).get("requests") or []}
        cells = []
        for head in heads:
            iso = head.day.isoformat()
            shift = shifts.get((member["id"], iso))
            leave = _leave_of(member, head.day)
            leave_by[(member["id"], iso)] = leave
            asked = requests.get(iso)
            mark = None
            if asked is not None:
                off = bool(asked.get("off"))
                honoured = (
                    shift is None if off else shift is not None and shift.get("type") == asked.get("shift")
                )
                mark = RequestMark(off, asked.get("shift"), honoured)
            cells.append(
                RosterCell(
                    day=head.day,
                    type=None if shift is None else shift.get("type"),
                    start=None if shift is None else shift["start"],
                    end=None if shift is None else shift["end"],
                    pinned=bool(shift and shift.get("pinned")),
                    leave=_leave_words(leave),
                    request=mark,
                    weekend=head.weekend,
                    holiday=head.holiday is not None,
                    options=tuple(contract["shift_types"]) if contract else (),
                )
            )
        rows.append(
            RosterRow(
                member["id"],
                member["name"],
                member["discipline"].replace("_", " "),
                contract is not None,
                cells,
            )
        )
    disciplines = {m["id"]: m["discipline"] for m in team_doc["staff"]}
    span = _span(policy, heads, shifts.values())
    coverage = [
        _coverage_day(head, policy, holidays, shifts.values(), disciplines, leave_by, span) for head in heads
    ]
    return RosterView(heads, rows, coverage, span, rostered)


def _span(policy: dict[str, Any], heads: list[DayHead], shifts: Any) -> tuple[int, int]:
    """The hours every strip spans: the week's coverage windows and shifts, whole hours either side."""
    edges = [(minutes(c["start"]), minutes(c["end"])) for c in policy.get("coverage") or []]
    dates = {h.day.isoformat() for h in heads}
    edges += [(minutes(s["start"]), minutes(s["end"])) for s in shifts if s["date"] in dates]
    if not edges:
        return DEFAULT_SPAN
    first, last = min(a for a, _ in edges), max(b for _, b in edges)
    return (first // 60 * 60, min(DAY_END, -(-last // 60) * 60))


def _coverage_day(
    head: DayHead,
    policy: dict[str, Any],
    holidays: dict[str, str],
    shifts: Any,
    disciplines: dict[str, str],
    leave_by: dict[tuple[str, str], list[tuple[int, int]]],
    span: tuple[int, int],
) -> CoverageDay:
    """Per minute who works (a shift holds the minute and no leave does, H17), judged per half hour."""
    iso = head.day.isoformat()
    name = _day_name(head.day, holidays)
    working = [0] * DAY_END
    by_discipline: dict[str, list[int]] = {}
    for shift in shifts:
        if shift["date"] != iso:
            continue
        leave = leave_by.get((shift["staff"], iso), [])
        counts = by_discipline.setdefault(disciplines.get(shift["staff"], ""), [0] * DAY_END)
        for t in range(minutes(shift["start"]), minutes(shift["end"])):
            if not any(a <= t < b for a, b in leave):
                working[t] += 1
                counts[t] += 1
    needs = [c for c in policy.get("coverage") or [] if name in c.get("days", [])]
    short_minutes = 0
    short_at = [False] * DAY_END
    for need in needs:
        asks = {"": int(need.get("min_staff", 0)), **(need.get("min_by_discipline") or {})}
        for t in range(minutes(need["start"]), minutes(need["end"])):
            if working[t] < asks[""] or any(
                by_discipline.get(d, [0] * DAY_END)[t] < n for d, n in asks.items() if d
            ):
                short_at[t] = True
                short_minutes += 1
    slots = []
    for start in range(span[0], span[1], SLOT_MINUTES):
        ts = range(start, min(start + SLOT_MINUTES, DAY_END))
        asking = [n for n in needs if minutes(n["start"]) < ts.stop and minutes(n["end"]) > ts.start]
        needed = max((int(n.get("min_staff", 0)) for n in asking), default=0)
        wanted: dict[str, int] = {}
        for n in asking:
            for d, k in (n.get("min_by_discipline") or {}).items():
                wanted[d] = max(wanted.get(d, 0), int(k))
        slots.append(
            Slot(
                start=start,
                working=min(working[t] for t in ts),
                needed=needed,
                disciplines=tuple(
                    (d, min(by_discipline.get(d, [0] * DAY_END)[t] for t in ts), k)
                    for d, k in sorted(wanted.items())
                ),
                short=any(short_at[t] for t in ts),
            )
        )
    return CoverageDay(head, slots, short_minutes)


# ---------------------------------------------------------------------------------------------
# Changing the roster


class ShiftRefused(RuntimeError):
    """A change that would break hard rules the plan did not already break; nothing was saved."""

    def __init__(self, broken: list[Violation]) -> None:
        super().__init__(f"The change would break {len(broken)} hard rule(s).")
        self.broken = broken


@dataclass(frozen=True)
class ShiftChanged:
    """A saved change: the draft it is in and the rules it breaks (flagged changes only)."""

    plan: Plan
    broken: list[Violation] = field(default_factory=list)


def _rostered_doc(session: Session, plan: Plan) -> dict[str, Any]:
    doc = plans.stored_plan_doc(session=session, plan_id=plan.id)
    if doc.get("shifts") is None:
        raise BadEdit(
            "this plan has no roster (the team has no shift types or contracts): generate the week first."
        )
    return doc


def change_shift(
    *,
    session: Session,
    plan_id: int,
    staff_id: str,
    day: date,
    shift_type: str | None,
    flag: bool,
    user_id: int | None,
) -> ShiftChanged:
    """Set a contracted staff member's shift on a date (a type, or None: off), pinned, in the working draft.

    The checker judges the changed plan (``shift_edit.shift_changed``, the copy
    ``plans.set_shift`` stores) against the plan as it was: a change that breaks a
    hard rule it did not already break raises ShiftRefused and saves nothing, unless
    ``flag``: then it is saved and each broken rule goes into the draft's ``unmet``
    list (with its staff member and date), where the board and the publish check
    keep showing it. ShiftEditError or BadEdit say what of the change makes no sense.
    """
    plan = edits.editable_plan(session=session, plan_id=plan_id)
    team = teams.team_file(session=session, team_id=plan.team_id)
    team_doc = dump_team(team)
    doc = _rostered_doc(session, plan)
    candidate = shift_changed(doc, team, staff_id, day, shift_type, pinned=True)
    week = plan.week_start.isoformat()
    broken = edits.new_violations(
        check(team_doc, doc, week_start=week), check(team_doc, candidate, week_start=week)
    )
    if broken and not flag:
        raise ShiftRefused(broken)
    saved = plans.set_shift(session, plan.id, staff_id, day, shift_type, pinned=True)
    if broken:
        # Kept as the checker wrote it (ids, ISO dates), as a flagged move is: the plan file is
        # the machine form, and the pages say it in words.
        saved.unmet = [
            *(saved.unmet or []),
            *(
                {
                    "rule": v.rule,
                    **{k: getattr(v, k) for k in ("client", "staff", "date") if getattr(v, k)},
                    "detail": FLAG_PREFIX + v.message,
                }
                for v in broken
            ),
        ]
        session.flush()
    audit(
        session=session,
        user_id=user_id,
        action="shift-flagged" if broken else "shift-change",
        target=f"plan:{saved.id}",
        detail={"staff": staff_id, "date": day.isoformat(), "type": shift_type, "baseline": plan.id},
    )
    return ShiftChanged(saved, broken)


def toggle_shift_pin(
    *, session: Session, plan_id: int, staff_id: str, day: date, user_id: int | None
) -> tuple[Plan, bool]:
    """Pin a contracted staff member's shift (a re-solve keeps it) or unpin it: the draft, the new state."""
    plan = edits.editable_plan(session=session, plan_id=plan_id)
    doc = _rostered_doc(session, plan)
    shift = next((s for s in doc["shifts"] if s["staff"] == staff_id and s["date"] == day.isoformat()), None)
    pinned = not (shift or {}).get("pinned", False)
    saved = plans.pin_shift(session, plan.id, staff_id, day, pinned=pinned)
    audit(
        session=session,
        user_id=user_id,
        action="shift-pin" if pinned else "shift-unpin",
        target=f"plan:{saved.id}",
        detail={"staff": staff_id, "date": day.isoformat(), "baseline": plan.id},
    )
    return saved, pinned


def staff_names(team_doc: dict[str, Any]) -> dict[str, str]:
    return {m["id"]: m["name"] for m in team_doc["staff"]}


def staff_name(team_doc: dict[str, Any], staff_id: str) -> str:
    return staff_names(team_doc).get(staff_id, staff_id)


# ---------------------------------------------------------------------------------------------
# Routes


@dataclass
class Outcome:
    """What a change did: ``saved``, ``flagged`` (saved against the checker), ``refused`` or ``error``."""

    kind: str
    message: str
    rules: list[Markup] = field(default_factory=list)
    #: The refused change, to offer "Save anyway, flagged".
    retry: dict[str, str] | None = None


def roster_href(team: Team, user: User, week: date, **extra: Any) -> str:
    """The roster of a week."""
    return week_href("/board/roster", team, user, week, **extra)


def roster_context(
    session: Session,
    user: User,
    team: Team | None,
    week: date | None,
    *,
    week_text: str,
    plan_id: int | None = None,
    errors: dict[str, str] | None = None,
    outcome: Outcome | None = None,
) -> dict[str, Any]:
    """Everything ``planning/roster.html`` shows of a team's week."""
    context: dict[str, Any] = {
        "team": team,
        "week": week,
        "week_text": week_text,
        "errors": errors or {},
        "outcome": outcome,
        "team_field": None if team is None or user.team_id == team.id else team.id,
        "plan": None,
        "job": None,
        "view": None,
        "replan_seconds": int(REPLAN_SECONDS),
        "undo": None,
    }
    if team is None or week is None:
        return context
    context["board_url"] = board_href(team, user, week)
    context["previous_week"] = roster_href(team, user, week - timedelta(days=7))
    context["next_week"] = roster_href(team, user, week + timedelta(days=7))
    job = latest_job(session=session, team_id=team.id, week_start=week)
    if job is not None and job.active:
        context.update(progress_context(job, team, user))
        context["job"] = job
    plan = _shown_plan(plans.week_plans(session=session, team_id=team.id, week_start=week), plan_id)
    if plan is None:
        return context
    team_doc = dump_team(teams.team_file(session=session, team_id=team.id))
    doc = plans.stored_plan_doc(session=session, plan_id=plan.id)
    words = Words.of(team_doc)
    context.update(
        plan=plan,
        view=roster_view(team_doc, doc, week),
        editable=plan.status != "superseded",
        undo=plans.undo_step(session=session, plan=plan),
        board_plan_url=board_href(team, user, week, plan=plan.id),
        flagged=[
            rule_line(str(u.get("rule", "")), words.text(str(u.get("detail", ""))))
            for u in plan.unmet or []
            if str(u.get("detail", "")).startswith(FLAG_PREFIX)
        ],
        unmet_rules=[
            rule_line(str(u.get("rule", "")), words.text(str(u.get("detail", ""))))
            for u in plan.unmet or []
            if str(u.get("rule", "")) in PART_B_RULES and not str(u.get("detail", "")).startswith(FLAG_PREFIX)
        ],
        coverage_minutes_short=(plan.metrics or {}).get("coverage_minutes_short"),
    )
    return context


#: The roster's rules (FORMATS.md Part B): their unmet entries are listed beside the roster.
PART_B_RULES = ("H14", "H15", "H16", "H17", "H18")


def rule_line(rule: str, text: str) -> Markup:
    """A rule's unmet entry as the roster page lists it: its title and the words, its code in small print."""
    return with_code(f"{rule_heading(rule)}: {text}", rule)


def _form_day(text: str, plan: Plan) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise BadEdit(f"{text.strip()!r} is not a date (YYYY-MM-DD).") from None
    if day not in week_dates(plan.week_start):
        raise BadEdit(f"{day} is not in the week of {plan.week_start}.")
    return day


def _answer(
    request: Request,
    session: Session,
    user: User,
    plan: Plan,
    outcome: Outcome,
    *,
    status_code: int = 200,
    saved: Plan | None = None,
) -> Response:
    """htmx gets the working draft's roster and the outcome; a form a redirect, or the refusal page."""
    team = teams.get_team(session=session, team_id=plan.team_id)
    shown = saved or plan
    url = roster_href(team, user, plan.week_start, plan=shown.id)
    return edit_answer(
        request,
        fragment="planning/_roster.html",
        page="planning/roster.html",
        context=partial(
            roster_context,
            session,
            user,
            team,
            plan.week_start,
            week_text=plan.week_start.isoformat(),
            plan_id=shown.id,
            outcome=outcome,
        ),
        redirect=None if saved is None else url,
        push_url=url,
        status_code=status_code,
    )


@router.get("/board/roster", name="roster")
def roster(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    today: TodayDep,
    week: Annotated[str | None, Query(max_length=40)] = None,
    plan: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    """The week's roster: staff × dates with shifts, leave and requests, and coverage per half hour."""
    if team is None:
        return RedirectResponse("/board", status_code=303)
    return render_week(
        request, "planning/roster.html", roster_context, session, user, team, today, week, plan
    )


@router.post("/board/roster/plans/{plan_id}/shift", name="roster_change")
def change(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    plan_id: Id,
    staff: Annotated[str, Form(max_length=100)] = "",
    date: Annotated[str, Form(max_length=10)] = "",
    shift: Annotated[str, Form(max_length=100)] = "",
    flag: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Change a shift (another type, or off), pinned; refused when it breaks a rule, unless flagged."""
    plan = lead_plan(session, user, plan_id)
    team_doc = dump_team(teams.team_file(session=session, team_id=plan.team_id))
    words = Words.of(team_doc)
    who = staff_name(team_doc, staff)
    chosen = shift.strip() or OFF
    try:
        day = _form_day(date, plan)
        what = f"{who}'s shift on {day:%a %-d %b} to {'a day off' if chosen == OFF else chosen}"
        with edit_errors():
            changed = change_shift(
                session=session,
                plan_id=plan.id,
                staff_id=staff,
                day=day,
                shift_type=None if chosen == OFF else chosen,
                flag=bool(flag),
                user_id=user.id,
            )
    except (BadEdit, ShiftEditError) as err:
        return _answer(
            request,
            session,
            user,
            plan,
            Outcome("error", f"The shift was not changed: {err}"),
            status_code=422,
        )
    except ShiftRefused as refused:
        outcome = Outcome(
            "refused",
            f"Changing {what} was refused: it would break "
            f"{len(refused.broken)} hard rule{'' if len(refused.broken) == 1 else 's'}. Nothing was saved.",
            finding_lines(refused.broken, words),
            retry={"staff": staff, "date": day.isoformat(), "shift": chosen},
        )
        return _answer(request, session, user, plan, outcome, status_code=409)
    message = f"Changed {what}, pinned; saved in draft plan {changed.plan.id}."
    if changed.broken:
        message += " It breaks these rules, now listed in the plan's unmet list:"
    outcome = Outcome(
        "flagged" if changed.broken else "saved",
        message,
        finding_lines(changed.broken, words),
    )
    return _answer(request, session, user, plan, outcome, saved=changed.plan)


@router.post("/board/roster/plans/{plan_id}/pin", name="roster_pin")
def pin(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    plan_id: Id,
    staff: Annotated[str, Form(max_length=100)] = "",
    date: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Pin a shift (a re-solve keeps it exactly) or unpin it."""
    plan = lead_plan(session, user, plan_id)
    team_doc = dump_team(teams.team_file(session=session, team_id=plan.team_id))
    try:
        day = _form_day(date, plan)
        with edit_errors():
            saved, pinned = toggle_shift_pin(
                session=session, plan_id=plan.id, staff_id=staff, day=day, user_id=user.id
            )
    except (BadEdit, ShiftEditError) as err:
        return _answer(
            request, session, user, plan, Outcome("error", f"Nothing was pinned: {err}"), status_code=422
        )
    what = "Pinned" if pinned else "Unpinned"
    message = (
        f"{what} {staff_name(team_doc, staff)}'s shift on {day:%a %-d %b}; saved in draft plan {saved.id}."
    )
    return _answer(request, session, user, plan, Outcome("saved", message), saved=saved)


@router.post("/board/roster/plans/{plan_id}/resolve", name="roster_resolve")
def resolve(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    queue: QueueDep,
    plan_id: Id,
    re_roster: Annotated[list[str] | None, Form(max_length=100)] = None,
    time_limit: Annotated[float, Form(gt=0, le=MAX_REPLAN_SECONDS)] = REPLAN_SECONDS,
) -> Response:
    """Queue a re-solve of the week that keeps its roster and pinned shifts, choosing afresh the
    unpinned shifts of the staff named in ``re_roster``; the board then shows its progress."""
    plan = lead_plan(session, user, plan_id)
    team_doc = dump_team(teams.team_file(session=session, team_id=plan.team_id))
    named = list(dict.fromkeys(re_roster or []))
    contracted = {m["id"] for m in team_doc["staff"] if m.get("contract") is not None}
    unknown = [s for s in named if s not in contracted]
    if unknown:
        outcome = Outcome(
            "error",
            "Only staff on contracts are re-rostered; not "
            + ", ".join(staff_name(team_doc, s) for s in unknown)
            + ".",
        )
        return _answer(request, session, user, plan, outcome, status_code=422)
    with edit_errors():
        edits.replan(
            session=session,
            queue=queue,
            plan_id=plan.id,
            time_limit=time_limit,
            user_id=user.id,
            re_roster=named,
        )
    team = teams.get_team(session=session, team_id=plan.team_id)
    return RedirectResponse(roster_href(team, user, plan.week_start), status_code=303)
