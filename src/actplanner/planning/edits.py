"""The lead's adjustments of a week's plan: pin, move, re-plan and the sick call, one verb each.

A pin or a move changes the week's working draft in place, keeping its state before
as one undo step (``plans.edit_draft``); an edit of the published plan starts a
working draft on it, so edits never pile up drafts and a published plan is never
changed. A re-plan is queued. Each verb writes its own audit event, once.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from actplanner.audit.service import audit
from actplanner.checker import Report, Violation, check
from actplanner.db import Plan, SolveJob
from actplanner.domain.errors import NotFound
from actplanner.domain.formats import TeamFile, dump_team, minutes
from actplanner.domain.week import week_dates
from actplanner.planning import plans
from actplanner.planning.queue import SolveQueue
from actplanner.teams import service as teams

#: How a violation the lead accepted by hand is named in the plan's ``unmet`` list.
FLAG_PREFIX = plans.FLAG_PREFIX
#: A sick call longer than this is not a sick call; the team file is the place for it.
MAX_SICK_DAYS = 366
CLOCK = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$")


class BadEdit(ValueError):
    """An edit that cannot be made as asked (an unknown staff member, a date outside the week, …)."""


class PlanSuperseded(RuntimeError):
    """The plan has a newer published version; edits go to that one."""


class MoveRefused(RuntimeError):
    """A move that would break hard rules the plan did not already break; nothing was saved."""

    def __init__(self, broken: list[Violation], entry: dict[str, Any]) -> None:
        super().__init__(f"The move would break {len(broken)} hard rule(s).")
        self.broken = broken
        self.entry = entry


@dataclass(frozen=True)
class Moved:
    """A saved move: the new draft, the moved visit's entry, and the rules it breaks (flagged moves only)."""

    plan: Plan
    entry: dict[str, Any]
    broken: list[Violation]


def editable_plan(*, session: Session, plan_id: int) -> Plan:
    """The plan, if edits may start from it; PlanSuperseded when a newer version replaced it."""
    plan = plans.get_plan(session=session, plan_id=plan_id)
    if plan.status == "superseded":
        raise PlanSuperseded(
            f"Plan {plan.id} has been superseded by a newer published version; adjust that one."
        )
    return plan


def visit_entry_of(doc: dict[str, Any], visit_id: str, staff_id: str | None = None) -> dict[str, Any]:
    """The plan file's entry of a visit (on ``staff_id``'s route, when given); NotFound otherwise."""
    for entry in doc["visits"]:
        if entry["id"] == visit_id:
            if staff_id is not None and staff_id not in entry["staff"]:
                raise NotFound(f"Visit {visit_id} is not on {staff_id}'s route.")
            return entry
    raise NotFound(f"Plan has no visit {visit_id}.")


def toggle_pin(
    *, session: Session, plan_id: int, staff_id: str, visit_id: str, user_id: int | None
) -> tuple[Plan, dict[str, Any]]:
    """Pin a visit (a re-plan keeps it exactly) or unpin it, in the working draft; the draft and the entry."""
    plan = editable_plan(session=session, plan_id=plan_id)
    doc = plans.stored_plan_doc(session=session, plan_id=plan.id)
    entry = visit_entry_of(doc, visit_id, staff_id)
    if entry.get("pinned", False):
        entry.pop("pinned")
    else:
        entry["pinned"] = True
    saved = _save_edit(session, plan, doc, "pin" if entry.get("pinned") else "unpin", visit_id, user_id)
    return saved, entry


def move_visit(
    *,
    session: Session,
    plan_id: int,
    visit_id: str,
    from_staff: str,
    to_staff: str,
    to_date: date | None,
    to_start: str,
    flag: bool,
    user_id: int | None,
) -> Moved:
    """Move a visit to another staff member, date or start time, in the working draft.

    A move that breaks a hard rule the plan did not already break raises
    MoveRefused and saves nothing, unless ``flag``: then it is saved and each
    broken rule goes into the plan's ``unmet`` list, where the board and the plan
    file keep showing it. BadEdit says what of the move makes no sense.
    """
    plan = editable_plan(session=session, plan_id=plan_id)
    team = teams.team_file(session=session, team_id=plan.team_id)
    doc = plans.stored_plan_doc(session=session, plan_id=plan.id)
    visit_entry_of(doc, visit_id, from_staff)
    candidate = _moved(doc, team, plan.week_start, visit_id, from_staff, to_staff, to_date, to_start)
    team_doc = dump_team(team)
    week = plan.week_start.isoformat()
    broken = new_violations(
        check(team_doc, doc, week_start=week), check(team_doc, candidate, week_start=week)
    )
    if broken and not flag:
        raise MoveRefused(broken, visit_entry_of(candidate, visit_id))
    candidate.setdefault("unmet", []).extend(
        {**({"client": v.client} if v.client else {}), "rule": v.rule, "detail": FLAG_PREFIX + v.message}
        for v in broken
    )
    saved = _save_edit(session, plan, candidate, "move-flagged" if broken else "move", visit_id, user_id)
    return Moved(saved, visit_entry_of(candidate, visit_id), broken)


@dataclass(frozen=True)
class Kept:
    """How a solve of a week already under way keeps what has started.

    ``baseline_plan_id`` and ``from_date`` are what to queue; ``started`` counts
    the published visits that began before ``now`` (the team's local time) and
    stay exactly as they are.
    """

    baseline_plan_id: int | None
    from_date: date | None
    started: int
    now: datetime


def utc_now() -> datetime:
    """The present, as an aware UTC moment (tests replace it to stand in a week under way)."""
    return datetime.now(UTC)


def local_now(session: Session, team_id: str, now: datetime | None = None) -> datetime:
    """The present (or ``now``) in the team's time zone."""
    team = teams.get_team(session=session, team_id=team_id)
    return (now or utc_now()).astimezone(ZoneInfo(team.timezone))


def started_visits(*, session: Session, team_id: str, week_start: date, now: datetime | None = None) -> int:
    """How many visits of the published plan started before now (team's zone); 0 when none is published."""
    published = plans.published_plan(session=session, team_id=team_id, week_start=week_start)
    if published is None:
        return 0
    moment = _clock(local_now(session, team_id, now))
    return sum((v.date.isoformat(), v.start) < moment for v in published.visits)


def started_note(
    *, session: Session, team_id: str, week_start: date, now: datetime | None = None
) -> str | None:
    """What a page says a solve of the week keeps, in a week under way; None when nothing has started."""
    started = started_visits(session=session, team_id=team_id, week_start=week_start, now=now)
    if not started:
        return None
    local = local_now(session, team_id, now)
    return (
        f"This week is under way: a solve keeps the {started} published visit"
        f"{'' if started == 1 else 's'} that started before now ({local:%A %-d %B, %H:%M %Z}) exactly "
        "as they are, and re-plans only what is still to come."
    )


def keep_started(
    *,
    session: Session,
    team_id: str,
    week_start: date,
    baseline_plan_id: int | None,
    from_date: date | None = None,
    now: datetime | None = None,
    change_started: bool = False,
) -> Kept:
    """What to queue so that a solve of a week under way never changes a visit that has started.

    A visit has started when the week's published plan (what calendars show) has
    it starting before now in the team's zone. The solve then re-plans from today
    (days before are kept by the solver), and today's started visits are kept as
    pinned visits of a baseline made for the purpose: the published plan's
    started visits plus, unless this is a fresh start (no baseline), the
    baseline's visits still to come. That baseline is stored superseded, so it is
    never shown, edited or published. ``change_started`` (the lead asked for it
    by name) or a week not yet begun queue what was asked, unchanged.
    """
    local = local_now(session, team_id, now)
    asked = Kept(baseline_plan_id, from_date, 0, local)
    if baseline_plan_id is not None:
        baseline_plan = plans.get_plan(session=session, plan_id=baseline_plan_id)
        if baseline_plan.team_id != team_id or baseline_plan.week_start != week_start:
            raise ValueError(f"Baseline plan {baseline_plan_id} is not a plan of this team's week.")
    published = plans.published_plan(session=session, team_id=team_id, week_start=week_start)
    if change_started or published is None or local.date() < week_start:
        return asked
    moment = _clock(local)
    source = plans.stored_plan_doc(session=session, plan_id=published.id)
    started = [entry for entry in source["visits"] if (entry["date"], entry["start"]) < moment]
    if not started:
        return asked
    today = min(local.date(), week_start + timedelta(days=6))
    for entry in started:
        if entry["date"] == today.isoformat():
            entry["pinned"] = True
    doc = copy.deepcopy(source)
    doc["visits"] = list(started)
    if baseline_plan_id is not None:
        baseline = plans.stored_plan_doc(session=session, plan_id=baseline_plan_id)
        ids = {entry["id"] for entry in started}
        doc["visits"] += [
            entry
            for entry in baseline["visits"]
            if (entry["date"], entry["start"]) >= moment and entry["id"] not in ids
        ]
        doc["caseload"] = baseline["caseload"]
        # The roster the lead adjusted (Part B) is the baseline's, not the published plan's.
        if baseline.get("shifts") is not None:
            doc["shifts"], doc["breaks"] = baseline["shifts"], baseline.get("breaks") or []
    doc["visits"].sort(key=lambda e: (e["date"], e["start"], e["id"]))
    doc.pop("unmet", None)
    doc.pop("solver", None)
    kept = plans.save_plan(
        session=session, team_id=team_id, plan_file=doc, source="edit", baseline_plan_id=published.id
    )
    # Only a queued solve reads it: never a draft the board shows or anyone publishes.
    kept.status = "superseded"
    session.flush()
    return Kept(kept.id, max(from_date or week_start, today), len(started), local)


def _clock(local: datetime) -> tuple[str, str]:
    return (local.date().isoformat(), local.strftime("%H:%M"))


def replan(
    *,
    session: Session,
    queue: SolveQueue,
    plan_id: int,
    time_limit: float,
    user_id: int | None,
    now: datetime | None = None,
    from_date: date | None = None,
    re_roster: Sequence[str] = (),
) -> SolveJob:
    """Queue a re-plan of the plan's week that keeps its pinned visits and changes little else.

    In a week under way, visits that have started are kept too (``keep_started``).
    With ``from_date`` (F, "re-plan the rest of the week") every visit before it is kept
    exactly and the worker counts the week's contacts before it (``makeup.replan_history``).
    Under Part B the plan's roster is kept too, except the unpinned shifts of the staff
    named in ``re_roster``, which the re-plan chooses again.
    """
    plan = editable_plan(session=session, plan_id=plan_id)
    with session.begin_nested():
        kept = keep_started(
            session=session,
            team_id=plan.team_id,
            week_start=plan.week_start,
            baseline_plan_id=plan.id,
            from_date=from_date,
            now=now,
        )
        return queue.enqueue(
            session=session,
            team_id=plan.team_id,
            week_start=plan.week_start,
            time_limit=time_limit,
            baseline_plan_id=kept.baseline_plan_id,
            from_date=kept.from_date,
            user_id=user_id,
            re_roster=re_roster,
        )


def record_sick_call(
    *,
    session: Session,
    queue: SolveQueue,
    team_id: str,
    staff_id: str,
    first: date,
    last: date,
    week_start: date,
    time_limit: float,
    user_id: int | None,
    now: datetime | None = None,
) -> SolveJob:
    """Put a staff member on leave from ``first`` to ``last`` and queue a re-plan of the published week.

    The re-plan starts from the first day off and keeps the published plan's
    earlier days. The leave and the queued job are one change: when either
    fails (BadEdit, FormatError, JobConflict), neither is kept.
    """
    team = teams.team_file(session=session, team_id=team_id)
    _check_sick_days(team, week_start, staff_id, first, last)
    published = plans.published_plan(session=session, team_id=team_id, week_start=week_start)
    if published is None:
        raise BadEdit(
            f"The week of {week_start:%-d %B %Y} has no published plan to re-plan from. "
            "Publish a plan first, or solve the week afresh on the board."
        )
    with session.begin_nested():
        teams.add_leave(
            session=session,
            team_id=team_id,
            staff_id=staff_id,
            start=f"{first}T00:00",
            end=f"{last + timedelta(days=1)}T00:00",
            user_id=user_id,
        )
        kept = keep_started(
            session=session,
            team_id=team_id,
            week_start=week_start,
            baseline_plan_id=published.id,
            from_date=max(first, week_start),
            now=now,
        )
        job = queue.enqueue(
            session=session,
            team_id=team_id,
            week_start=week_start,
            time_limit=time_limit,
            baseline_plan_id=kept.baseline_plan_id,
            from_date=kept.from_date,
            user_id=user_id,
        )
        audit(
            session=session,
            user_id=user_id,
            action="sick-call",
            target=f"staff:{team_id}/{staff_id}",
            detail={"first": first.isoformat(), "last": last.isoformat(), "job": job.id},
        )
    return job


def new_violations(before: Report, after: Report) -> list[Violation]:
    """Unexcused violations of ``after`` that ``before`` does not have (counting repeats)."""
    known = Counter(_key(v) for v in before.unexcused)
    new = []
    for violation in after.unexcused:
        if known[_key(violation)]:
            known[_key(violation)] -= 1
        else:
            new.append(violation)
    return new


def _key(v: Violation) -> tuple[str, str, str | None, str | None, str | None]:
    return (v.rule, v.message, v.client, v.staff, v.date)


def _save_edit(
    session: Session, plan: Plan, doc: dict[str, Any], action: str, visit_id: str, user_id: int | None
) -> Plan:
    edited = plan.id
    saved = plans.edit_draft(session=session, plan=plan, plan_file=doc)
    audit(
        session=session,
        user_id=user_id,
        action=action,
        target=f"plan:{saved.id}",
        detail={"visit": visit_id, "baseline": edited},
    )
    return saved


def _moved(
    doc: dict[str, Any],
    team: TeamFile,
    week_start: date,
    visit_id: str,
    from_staff: str,
    to_staff: str,
    to_date: date | None,
    to_start: str,
) -> dict[str, Any]:
    """A copy of the plan file with one visit moved; BadEdit says what of the move makes no sense."""
    candidate = copy.deepcopy(doc)
    entry = visit_entry_of(candidate, visit_id, from_staff)
    before = (list(entry["staff"]), entry["date"], entry["start"])
    to_staff, to_start = to_staff.strip(), to_start.strip()[:5]
    if to_staff and to_staff != from_staff:
        if to_staff not in {m.id for m in team.staff}:
            raise BadEdit(f"the team has no staff member {to_staff!r}.")
        if to_staff in entry["staff"]:
            raise BadEdit(f"{staff_name(team, to_staff)} is already on this visit.")
        entry["staff"] = [to_staff if s == from_staff else s for s in entry["staff"]]
    if to_date is not None:
        if to_date not in week_dates(week_start):
            raise BadEdit(f"{to_date} is not in the week of {week_start}.")
        entry["date"] = to_date.isoformat()
    if to_start:
        if not CLOCK.match(to_start):
            raise BadEdit(f"{to_start!r} is not a time of day (HH:MM).")
        length = minutes(entry["end"]) - minutes(entry["start"])
        end = minutes(to_start) + length
        if end > 24 * 60:
            raise BadEdit(f"a {length}-minute visit starting at {to_start} would end after midnight.")
        entry["start"], entry["end"] = to_start, f"{end // 60:02d}:{end % 60:02d}"
    if (entry["staff"], entry["date"], entry["start"]) == before:
        raise BadEdit("choose another staff member, date or start time.")
    return candidate


def staff_name(team: TeamFile, staff_id: str) -> str:
    """A staff member's name, or their id when the team has no such member."""
    return next((m.name for m in team.staff if m.id == staff_id), staff_id)


def _check_sick_days(team: TeamFile, monday: date, staff_id: str, first: date, last: date) -> None:
    if staff_id not in {m.id for m in team.staff}:
        raise BadEdit("Choose the staff member who is off sick.")
    if last < first:
        raise BadEdit(f"The last day off ({last}) is before the first ({first}).")
    if (last - first).days >= MAX_SICK_DAYS:
        raise BadEdit(
            f"A sick call covers at most {MAX_SICK_DAYS} days; record longer leave in the team file."
        )
    sunday = monday + timedelta(days=6)
    if last < monday or first > sunday:
        raise BadEdit(f"{first} to {last} is not in the week of {monday} to {sunday}: nothing to re-plan.")
