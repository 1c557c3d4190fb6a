"""Plans by version: drafts from the solver or edits, publishing, and what changed between two."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Text, func, select, type_coerce
from sqlalchemy.orm import Session

from actplanner.audit.service import audit
from actplanner.checker import check
from actplanner.checker.report import RULE_TITLES, Report
from actplanner.db import PLAN_SOURCES, OnCallPeriod, Plan, PlanBreak, PlanShift, Visit, utcnow
from actplanner.db.fields import put, take
from actplanner.db.unit_of_work import changing_team
from actplanner.domain.errors import NotFound
from actplanner.domain.formats import (
    CONTACTS_FORMAT,
    PLAN_FORMAT,
    ContactLog,
    PlanFile,
    dump_contacts,
    dump_plan,
    dump_team,
    load_plan,
)
from actplanner.domain.formats.plan import PLAN_FORMAT_2, PlanVisit
from actplanner.domain.formats.plan import PlanBreak as FileBreak
from actplanner.domain.formats.plan import PlanShift as FileShift
from actplanner.domain.trusted import built, iso_date, json_list
from actplanner.planning.shift_edit import ShiftEditError, shift_changed
from actplanner.teams.service import get_team, team_file

#: How a violation the lead accepted by hand is named in the plan's ``unmet`` list.
FLAG_PREFIX = "Moved by hand against the checker: "
#: How a re-plan names, in its ``unmet`` list, a pinned visit it kept although it breaks a rule.
PINNED_PREFIX = "pinned visit"
#: In a plan's ``given_defaults``: the file said plan@2 though it held no version 2 key.
FORMAT_2_GIVEN = "format"


@dataclass(frozen=True)
class Concern:
    """One thing publishing asks the lead to accept: a rule and the checker's message (ids, ISO
    dates). ``str`` is the machine sentence the API and CLI give ("H6 time windows: ..."); a page
    says it in words (``checker.words.Words.line`` reads ``rule`` and ``message``)."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"{_rule(self.rule)}: {self.message}"


class PublishUnconfirmed(Exception):
    """A draft that breaks hard rules (or keeps flagged moves) is published only when the lead confirms.

    ``findings`` is what the lead is asked to accept; ``concerns`` the same, one sentence each.
    """

    def __init__(self, plan_id: int, findings: list[Concern]) -> None:
        count = len(findings)
        super().__init__(
            f"Plan {plan_id} has {count} problem{'' if count == 1 else 's'} to confirm before it is "
            "published: " + " ".join(f"({n}) {c}" for n, c in enumerate(findings, 1))
        )
        self.plan_id = plan_id
        self.findings = findings
        self.concerns = [str(c) for c in findings]


# What a calendar shows of a visit: a change to any of these bumps its SEQUENCE.
_VISIT_SHOWN = ("client_id", "staff", "date", "start", "end", "purpose", "place")
# What a calendar shows of a work shift (Part B).
_SHIFT_SHOWN = ("type", "start", "end")


def new_uid() -> str:
    """A calendar UID: random, so it says nothing about the client or the visit."""
    return uuid.uuid4().hex


def get_plan(*, session: Session, plan_id: int) -> Plan:
    """The plan with this id; NotFound when there is none."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(f"No plan {plan_id}.")
    return plan


def save_plan(
    *,
    session: Session,
    team_id: str,
    plan_file: PlanFile | dict[str, Any],
    source: str,
    baseline_plan_id: int | None = None,
) -> Plan:
    """Store a plan file as a new draft of its team's week.

    A visit keeps the calendar UID of the baseline's visit it pairs with (see
    ``pair_visits``; the baseline defaults to the week's published version), its
    SEQUENCE bumped when what a calendar shows changed; any other visit gets a
    fresh random UID. On-call periods carry theirs by role, holder and start.
    """
    doc = dump_plan(plan_file if isinstance(plan_file, PlanFile) else load_plan(plan_file))
    if source not in PLAN_SOURCES:
        raise ValueError(f"Plan source {source!r} not understood; expected one of {', '.join(PLAN_SOURCES)}.")
    if doc["team"] != team_id:
        raise ValueError(f"The plan file is for team {doc['team']!r}, not {team_id!r}.")
    get_team(session=session, team_id=team_id)
    week_start = date.fromisoformat(doc["week_start"])
    baseline = None
    if baseline_plan_id is not None:
        baseline = get_plan(session=session, plan_id=baseline_plan_id)
        if baseline.team_id != team_id or baseline.week_start != week_start:
            raise ValueError(
                f"Baseline plan {baseline_plan_id} is for team {baseline.team_id!r}, "
                f"week {baseline.week_start}; expected team {team_id!r}, week {week_start}."
            )
    now = utcnow()
    with session.begin_nested():
        plan = Plan(team_id=team_id, week_start=week_start, status="draft", source=source)
        plan.baseline_plan_id = baseline_plan_id
        _set_plan(plan, doc)
        # Without a baseline, the week's published version is the one calendars show:
        # a fresh solve keeps the UIDs of the visits it keeps, so feeds do not churn.
        previous = baseline or published_plan(session=session, team_id=team_id, week_start=week_start)
        plan.visits, plan.on_call, plan.shifts, plan.breaks = _rows(doc, previous, now)
        session.add(plan)
        session.flush()
    return plan


def _rows(
    doc: dict[str, Any], previous: Plan | None, now: datetime
) -> tuple[list[Visit], list[OnCallPeriod], list[PlanShift], list[PlanBreak]]:
    """The rows of a plan file, each carrying the calendar UID of ``previous``'s row it pairs with.

    A visit pairs as ``pair_visits`` says, an on-call period by role, holder and start, a
    shift (Part B) by staff member and date, so a staff calendar's event stays one event.
    """
    visits = [_visit(entry, i) for i, entry in enumerate(doc["visits"])]
    pairs = pair_visits(previous.visits if previous else [], visits)[0]
    before_of = {id(new): old for old, new in pairs}
    for visit in visits:
        _carry_uid(visit, before_of.get(id(visit)), now)
    periods = {(p.role, p.staff_id, p.start): p for p in previous.on_call} if previous else {}
    on_call = [
        _period(entry, i, periods.get((entry["role"], entry["staff"], entry["start"])), now)
        for i, entry in enumerate(doc["on_call"])
    ]
    shifts_before = {(s.staff_id, s.date): s for s in previous.shifts} if previous else {}
    shifts = [
        _shift(entry, i, shifts_before.get((entry["staff"], date.fromisoformat(entry["date"]))), now)
        for i, entry in enumerate(doc.get("shifts") or [])
    ]
    breaks = [_break(entry, i) for i, entry in enumerate(doc.get("breaks") or [])]
    return visits, on_call, shifts, breaks


def stored_plan_doc(*, session: Session, plan_id: int) -> dict[str, Any]:
    """The plan file (FORMATS.md) of a stored plan as a JSON document, exactly as it was saved.

    A document, not a ``PlanFile`` model: the checker and edits read and change it as JSON.
    """
    plan = get_plan(session=session, plan_id=plan_id)
    given = plan.given_defaults
    visits = [visit_entry(v) for v in plan.visits]
    shifts = [shift_entry(s) for s in plan.shifts]
    breaks = [break_entry(b) for b in plan.breaks]
    part_b = bool(shifts or breaks or "shifts" in given or "breaks" in given)
    doc: dict[str, Any] = {
        "format": plan_format(plan.replan_from, visits, FORMAT_2_GIVEN in given or part_b),
        "team": plan.team_id,
        "week_start": plan.week_start.isoformat(),
        **({"replan_from": plan.replan_from.isoformat()} if plan.replan_from is not None else {}),
        "visits": visits,
        "on_call": [
            {"role": p.role, "staff": p.staff_id, "start": p.start, "end": p.end} for p in plan.on_call
        ],
        "caseload": plan.caseload,
    }
    # Part B: absent from a plan without a roster; given (maybe empty) in one with.
    put(doc, "shifts", shifts, [], given)
    put(doc, "breaks", breaks, [], given)
    put(doc, "unmet", plan.unmet, [], given)
    put(doc, "metrics", plan.metrics, {}, given)
    if plan.solver_status is not None:
        solver: dict[str, Any] = {"status": plan.solver_status, "seconds": plan.seconds}
        put(solver, "objective", plan.objective, None, given, "solver.objective")
        put(solver, "bound", plan.bound, None, given, "solver.bound")
        put(solver, "moved", plan.moved, None, given, "solver.moved")
        doc["solver"] = solver
    elif "solver" in given:
        doc["solver"] = None
    return copy.deepcopy(doc)


def read_plan_doc(*, session: Session, plan_id: int, user_id: int | None) -> dict[str, Any]:
    """The plan file of a stored plan for someone to read; recorded in the audit trail."""
    doc = stored_plan_doc(session=session, plan_id=plan_id)
    # Plans name clients only by id, but who read which client's visits is still worth a record.
    audit(session=session, user_id=user_id, action="view_phi", target=f"plan:{plan_id}")
    return doc


def plan_format(replan_from: date | None, visits: list[dict[str, Any]], said_2: bool = False) -> str:
    """The format a plan file of these visits says: plan@2 when it holds a version 2 key
    (``replan_from``, a visit's ``place``; the caller says so for ``shifts``/``breaks``) or
    its file said so, else plan@1."""
    if said_2 or replan_from is not None or any("place" in v for v in visits):
        return PLAN_FORMAT_2
    return PLAN_FORMAT


def stored_visits(
    session: Session, plan_ids: Iterable[int], *, client_id: str | None = None
) -> dict[int, list[PlanVisit]]:
    """The visits of these stored plans (plan id: its visits in plan order), optionally of one
    client, read as columns in one query and built unchecked (``domain.trusted``): each plan
    was checked when it was saved. Fidelity, the history every solve reads and a client's
    due dates read thousands of visits through here."""
    wanted = list(plan_ids)
    visits: dict[int, list[PlanVisit]] = {ident: [] for ident in wanted}
    if not wanted:
        return visits
    query = select(
        Visit.plan_id,
        Visit.id,
        Visit.client_id,
        # As the driver gives them (``iso_date``, ``json_list``): the ORM's conversions of
        # every value cost more than the query.
        type_coerce(Visit.staff, Text),
        type_coerce(Visit.date, Text),
        Visit.start,
        Visit.end,
        Visit.purpose,
        Visit.pinned,
        Visit.place,
    ).where(Visit.plan_id.in_(wanted))
    if client_id is not None:
        query = query.where(Visit.client_id == client_id)
    memo: dict[str, list[Any]] = {}
    rows = session.execute(query.order_by(Visit.plan_id, Visit.position))
    for plan_id, ident, client, staff, day, begins, ends, purpose, pinned, place in rows:
        visits[plan_id].append(
            built(
                PlanVisit,
                id=ident,
                client=client,
                staff=json_list(staff, memo),
                date=iso_date(day),
                start=begins,
                end=ends,
                purpose=purpose,
                pinned=bool(pinned),
                place=place,
            )
        )
    return visits


def stored_shifts(session: Session, plan_ids: Iterable[int]) -> dict[int, list[FileShift]]:
    """The shifts (Part B) of these stored plans (plan id: its shifts in plan order), read as
    columns and built unchecked like ``stored_visits``: what the history of a roster reads
    (rest, consecutive days and weekends across the week boundary, fairness)."""
    wanted = list(plan_ids)
    shifts: dict[int, list[FileShift]] = {ident: [] for ident in wanted}
    if not wanted:
        return shifts
    rows = session.execute(
        select(
            PlanShift.plan_id,
            PlanShift.staff_id,
            type_coerce(PlanShift.date, Text),
            PlanShift.type,
            PlanShift.start,
            PlanShift.end,
            PlanShift.pinned,
        )
        .where(PlanShift.plan_id.in_(wanted))
        .order_by(PlanShift.plan_id, PlanShift.position)
    )
    for plan_id, staff, day, kind, begins, ends, pinned in rows:
        shifts[plan_id].append(
            built(
                FileShift,
                staff=staff,
                date=iso_date(day),
                type=kind,
                start=begins,
                end=ends,
                pinned=bool(pinned),
            )
        )
    return shifts


def stored_breaks(session: Session, plan_ids: Iterable[int]) -> dict[int, list[FileBreak]]:
    """The breaks (Part B) of these stored plans, as ``stored_shifts`` reads shifts."""
    wanted = list(plan_ids)
    breaks: dict[int, list[FileBreak]] = {ident: [] for ident in wanted}
    if not wanted:
        return breaks
    rows = session.execute(
        select(
            PlanBreak.plan_id,
            PlanBreak.staff_id,
            type_coerce(PlanBreak.date, Text),
            PlanBreak.start,
            PlanBreak.end,
        )
        .where(PlanBreak.plan_id.in_(wanted))
        .order_by(PlanBreak.plan_id, PlanBreak.position)
    )
    for plan_id, staff, day, begins, ends in rows:
        breaks[plan_id].append(built(FileBreak, staff=staff, date=iso_date(day), start=begins, end=ends))
    return breaks


def has_roster(session: Session, plan_ids: Iterable[int]) -> set[int]:
    """Which of these plans carry ``shifts`` (Part B), even an empty list."""
    wanted = list(plan_ids)
    if not wanted:
        return set()
    with_rows = set(
        session.scalars(select(PlanShift.plan_id).where(PlanShift.plan_id.in_(wanted)).distinct())
    )
    rest = [ident for ident in wanted if ident not in with_rows]
    if rest:
        for ident, given in session.execute(select(Plan.id, Plan.given_defaults).where(Plan.id.in_(rest))):
            if "shifts" in (given or []):
                with_rows.add(ident)
    return with_rows


def shift_entry(shift: PlanShift) -> dict[str, Any]:
    """A shift as a plan file lists it (Part B)."""
    entry: dict[str, Any] = {"staff": shift.staff_id, "date": shift.date.isoformat()}
    put(entry, "type", shift.type, None, shift.given_defaults)
    entry["start"], entry["end"] = shift.start, shift.end
    put(entry, "pinned", shift.pinned, False, shift.given_defaults)
    return entry


def break_entry(item: PlanBreak) -> dict[str, Any]:
    """A break as a plan file lists it (Part B)."""
    return {"staff": item.staff_id, "date": item.date.isoformat(), "start": item.start, "end": item.end}


def visit_entry(visit: Visit) -> dict[str, Any]:
    """A visit as a plan file lists it."""
    entry: dict[str, Any] = {
        "id": visit.id,
        "client": visit.client_id,
        "staff": list(visit.staff),
        "date": visit.date.isoformat(),
        "start": visit.start,
        "end": visit.end,
    }
    put(entry, "purpose", visit.purpose, None, visit.given_defaults)
    put(entry, "pinned", visit.pinned, False, visit.given_defaults)
    put(entry, "place", visit.place, None, visit.given_defaults)
    return entry


def set_shift(
    session: Session,
    plan_id: int,
    staff_id: str,
    day: date,
    shift_type: str | None,
    *,
    pinned: bool = True,
) -> Plan:
    """Set a contracted staff member's shift on ``day`` (a shift type of the team, or None:
    the day off), pinned unless told otherwise, in the week's working draft (``edit_draft``:
    a draft is changed in place with one undo step, a published plan gets a new draft). The
    draft carries the plan's ``unmet``; the caller judges the change and records it in the
    audit trail.

    ShiftEditError (a ValueError) says why a change cannot be made: an unknown staff member
    or shift type, a staff member on fixed hours, a date outside the week. See
    ``shift_edit.shift_changed`` for the break that goes with a new window.
    """
    plan = get_plan(session=session, plan_id=plan_id)
    if plan.status == "superseded":
        raise ShiftEditError(
            f"Plan {plan.id} has been superseded by a newer published version; adjust that one."
        )
    team = team_file(session=session, team_id=plan.team_id)
    doc = stored_plan_doc(session=session, plan_id=plan.id)
    changed = shift_changed(doc, team, staff_id, day, shift_type, pinned=pinned)
    return edit_draft(session=session, plan=plan, plan_file=changed)


def pin_shift(session: Session, plan_id: int, staff_id: str, day: date, *, pinned: bool = True) -> Plan:
    """Pin (or unpin) a contracted staff member's shift on ``day`` as it is, in the working draft
    like ``set_shift``: a re-plan keeps a pinned shift even for a staff member it re-rosters.
    ShiftEditError when they have no shift that day."""
    doc = stored_plan_doc(session=session, plan_id=plan_id)
    shift = next(
        (s for s in doc.get("shifts") or [] if s["staff"] == staff_id and s["date"] == day.isoformat()), None
    )
    if shift is None:
        raise ShiftEditError(f"{staff_id} has no shift on {day.isoformat()} to pin.")
    return set_shift(session, plan_id, staff_id, day, shift.get("type"), pinned=pinned)


def publish_concerns(*, session: Session, plan_id: int, by: int | None = None) -> list[str]:
    """What publishing the plan asks the lead to accept, one sentence each (``publish_findings``)."""
    return [str(c) for c in publish_findings(session=session, plan_id=plan_id, by=by)]


def publish_findings(*, session: Session, plan_id: int, by: int | None = None) -> list[Concern]:
    """What publishing the plan asks the lead to accept; empty when nothing.

    The hard rules the checker finds broken and the plan's ``unmet`` does not
    own up to, then the moves the lead saved against the checker and the pinned
    visits a re-plan kept although they break a rule (both in ``unmet``, so the
    checker counts them excused, yet someone chose them by hand).

    A re-plan from F is checked with the week's contacts recorded before F
    (``check_history``), as it was made, so a made-up week's extra visits are not
    taken for too many. Reading the log is audited for ``by``.
    """
    plan = get_plan(session=session, plan_id=plan_id)
    report = checked(session=session, plan=plan, by=by)
    concerns = [Concern(v.rule, v.message) for v in report.unexcused]
    for entry in plan.unmet or []:
        detail = str(entry.get("detail", ""))
        if detail.startswith(FLAG_PREFIX) or detail.lower().startswith(PINNED_PREFIX):
            concerns.append(Concern(str(entry.get("rule", "")), detail))
    return concerns


def checked(*, session: Session, plan: Plan, by: int | None) -> Report:
    """The independent checker's report on a stored plan, read as publishing reads it: with the
    history the solver read (``check_history``), so a page's count of broken rules is the publish
    question's, and a recurring injection given last week is not reported overdue. Reading the
    contact log is audited for ``by``."""
    team = team_file(session=session, team_id=plan.team_id)
    doc = stored_plan_doc(session=session, plan_id=plan.id)
    history = check_history(session=session, plan=plan, by=by)
    return check(dump_team(team), doc, week_start=plan.week_start.isoformat(), history=history)


def check_history(*, session: Session, plan: Plan, by: int | None) -> list[dict[str, Any]]:
    """The raw history documents (FORMATS.md) the publish check gives the checker: the history
    the solver read (``planning.history.team_history``), so both judge the week alike.

    The earlier weeks' plans of record and the contact log up to the week (for a re-plan
    from F, up to F: a no-show kept before F is not seen, so the visits placed for it are
    not too many). Without them a recurring injection given last week would look overdue,
    and a primary run or a visit just after the week boundary would go unchecked. Reading
    the log is audited for ``by``.
    """
    # Imported here: the contact log's service reads stored plans through this module.
    from actplanner.planning.history import team_history

    replanning = plan.replan_from is not None and plan.replan_from > plan.week_start
    history = team_history(
        session,
        plan.team_id,
        plan.week_start,
        contacts_until=plan.replan_from - timedelta(days=1) if replanning and plan.replan_from else None,
        by=by,
        purpose="publish check",
    )
    docs: list[dict[str, Any]] = [dump_plan(p) for _, p in sorted(history.plans.items())]
    if history.contacts:
        # Built unchecked: every contact was checked when it was recorded.
        log = ContactLog.model_construct(
            format=CONTACTS_FORMAT, team=plan.team_id, contacts=list(history.contacts)
        )
        docs.append(dump_contacts(log))
    return docs


def _rule(code: str) -> str:
    title = RULE_TITLES.get(code)
    return f"{code} {title}" if title else code or "A rule"


def publish_plan(*, session: Session, plan_id: int, user_id: int | None, confirmed: bool = False) -> Plan:
    """Publish a draft as the next version of its week; the version it replaces becomes superseded.

    A draft with ``publish_concerns`` raises PublishUnconfirmed unless ``confirmed``
    (the lead saw the list and publishes anyway); the audit event counts what was confirmed.
    """
    plan = get_plan(session=session, plan_id=plan_id)
    _require_draft(plan)
    concerns = publish_findings(session=session, plan_id=plan.id, by=user_id)
    if concerns and not confirmed:
        raise PublishUnconfirmed(plan.id, concerns)
    # Locking the team row makes concurrent publishes of its weeks take turns (PostgreSQL); the
    # unit of work brings the feeds in step in the same transaction, so they never show a
    # version that failed to publish.
    with session.begin_nested(), changing_team(session, plan.team_id, lock=True):
        # The status read above may be stale: another publish of this draft may have committed
        # while this one waited for the lock. Read it again now that publishes take turns.
        session.refresh(plan, with_for_update=True)
        _require_draft(plan)
        current = published_plan(session=session, team_id=plan.team_id, week_start=plan.week_start)
        if current is not None:
            current.status = "superseded"
        top = session.scalar(
            select(func.max(Plan.version)).where(
                Plan.team_id == plan.team_id, Plan.week_start == plan.week_start
            )
        )
        plan.version = (top or 0) + 1
        # Undo is for a draft: the published version is what it is (a revert publishes again).
        for snapshot in _undo_snapshots(session, plan):
            session.delete(snapshot)
        plan.status = "published"
        plan.published_at = utcnow()
        plan.published_by = user_id
        session.flush()
        audit(
            session=session,
            user_id=user_id,
            action="publish",
            target=f"plan:{plan.id}",
            detail={
                "team": plan.team_id,
                "week_start": plan.week_start.isoformat(),
                "version": plan.version,
                **({"confirmed_problems": len(concerns)} if concerns else {}),
            },
        )
    return plan


# ---------------------------------------------------------------------------------------------
# The working draft: a lead's edits change the draft in place, one undo step at a time


def edit_draft(*, session: Session, plan: Plan, plan_file: PlanFile | dict[str, Any]) -> Plan:
    """Save a lead's edit of ``plan`` (a pin, a move, a shift change) and return the draft holding it.

    A draft is the lead's working copy of the week and is changed in place: its state
    before the edit is kept, hidden (status superseded, no version, its baseline the
    draft), as the one undo step, and the step kept before it is dropped, so edits never
    pile up drafts. A published plan is never changed: the edit starts a working draft on
    it (source ``edit``, baseline the plan), which undoing discards. Calendar UIDs carry over
    from the rows they replace.
    """
    doc = dump_plan(plan_file if isinstance(plan_file, PlanFile) else load_plan(plan_file))
    if plan.status != "draft":
        return save_plan(
            session=session, team_id=plan.team_id, plan_file=doc, source="edit", baseline_plan_id=plan.id
        )
    if doc["team"] != plan.team_id or doc["week_start"] != plan.week_start.isoformat():
        raise ValueError(
            f"The edit is for team {doc['team']!r}, week {doc['week_start']}; plan {plan.id} is not."
        )
    with session.begin_nested():
        for older in _undo_snapshots(session, plan):
            session.delete(older)
        session.flush()
        before = stored_plan_doc(session=session, plan_id=plan.id)
        snapshot = save_plan(
            session=session,
            team_id=plan.team_id,
            plan_file=before,
            source=plan.source,
            baseline_plan_id=plan.id,
        )
        # Hidden like keep_started's baselines: never shown, edited or published.
        snapshot.status = "superseded"
        _overwrite(session, plan, doc)
        plan.source = "edit"
        session.flush()
    return plan


def undo_step(*, session: Session, plan: Plan) -> str | None:
    """What "Undo" would do to a draft: "restore" (its state before the last edit), "discard"
    (it was begun by editing a published version, which the board then shows), or None."""
    if plan.status != "draft":
        return None
    if _undo_snapshots(session, plan):
        return "restore"
    return "discard" if _begun_on(session, plan) is not None else None


def undo_edit(*, session: Session, plan_id: int, user_id: int | None) -> Plan | None:
    """Undo the last edit of a draft; the plan the week shows next (the draft restored, or the
    version the discarded draft was begun on). Audited. ValueError when there is nothing to undo."""
    plan = get_plan(session=session, plan_id=plan_id)
    step = undo_step(session=session, plan=plan)
    if step is None:
        what = "a draft" if plan.status == "draft" else f"{plan.status}, not a draft"
        raise ValueError(f"Plan {plan.id} is {what} with no edit to undo.")
    detail: dict[str, Any] = {"team": plan.team_id, "week_start": plan.week_start.isoformat()}
    with session.begin_nested():
        if step == "restore":
            snapshot = _undo_snapshots(session, plan)[0]
            doc = dump_plan(load_plan(stored_plan_doc(session=session, plan_id=snapshot.id)))
            source = snapshot.source
            session.delete(snapshot)
            session.flush()
            _overwrite(session, plan, doc)
            plan.source = source
            shown: Plan | None = plan
        else:
            shown = _begun_on(session, plan)
            detail["discarded"] = True
            session.delete(plan)
        session.flush()
        audit(session=session, user_id=user_id, action="undo", target=f"plan:{plan_id}", detail=detail)
    return shown


def discard_draft(*, session: Session, plan_id: int, user_id: int | None) -> Plan:
    """Throw a draft away, with the states its undo kept: three Generates need not leave three
    drafts. Staff never saw it (feeds follow published versions only). Audited; ValueError for a
    plan that is not a draft. Returns the discarded plan (detached: read its week, not its rows)."""
    plan = get_plan(session=session, plan_id=plan_id)
    if plan.status != "draft":
        shown = f"version {plan.version}" if plan.version is not None else f"plan {plan.id}"
        raise ValueError(f"Only a draft can be discarded; {shown} is {plan.status}.")
    detail = {"team": plan.team_id, "week_start": plan.week_start.isoformat(), "source": plan.source}
    for snapshot in _undo_snapshots(session, plan):
        session.delete(snapshot)
    session.delete(plan)
    session.flush()
    audit(session=session, user_id=user_id, action="discard", target=f"plan:{plan_id}", detail=detail)
    return plan


def _undo_snapshots(session: Session, plan: Plan) -> list[Plan]:
    """The kept states of a draft before its last edit, newest first (one, or none)."""
    if plan.id is None:
        return []
    return list(
        session.scalars(
            select(Plan)
            .where(Plan.baseline_plan_id == plan.id, Plan.status == "superseded", Plan.version.is_(None))
            .order_by(Plan.id.desc())
        )
    )


def _begun_on(session: Session, plan: Plan) -> Plan | None:
    """The published (or since superseded) version a draft was begun on by an edit, if it was."""
    if plan.source != "edit" or plan.baseline_plan_id is None:
        return None
    base = session.get(Plan, plan.baseline_plan_id)
    return base if base is not None and base.version is not None else None


def _overwrite(session: Session, plan: Plan, doc: dict[str, Any]) -> None:
    """Replace what a stored draft holds with a plan file's document (``dump_plan``'s form)."""
    rows = _rows(doc, plan, utcnow())
    # The old rows go first: the new ones reuse their keys (visit ids, positions).
    plan.visits, plan.on_call, plan.shifts, plan.breaks = [], [], [], []
    session.flush()
    plan.solver_status = plan.seconds = plan.objective = plan.bound = None
    plan.moved = None
    _set_plan(plan, doc)
    plan.visits, plan.on_call, plan.shifts, plan.breaks = rows


def republish_version(
    *, session: Session, plan_id: int, user_id: int | None, confirmed: bool = False
) -> Plan:
    """Publish an earlier version of a week again (a revert): a new version equal to it.

    The copy is paired with the version calendars show now, so feeds move to it as to
    any new version. Publishing asks for confirmation as ``publish_plan`` does (the team
    may have changed since); an unconfirmed publish leaves no copy behind. Audited.
    """
    earlier = get_plan(session=session, plan_id=plan_id)
    if earlier.version is None or earlier.status != "superseded":
        shown = f"version {earlier.version}" if earlier.version is not None else f"plan {earlier.id}"
        raise ValueError(
            f"Only an earlier published version can be published again; {shown} is {earlier.status}."
        )
    current = published_plan(session=session, team_id=earlier.team_id, week_start=earlier.week_start)
    copied = save_plan(
        session=session,
        team_id=earlier.team_id,
        plan_file=stored_plan_doc(session=session, plan_id=earlier.id),
        source="edit",
        baseline_plan_id=(current or earlier).id,
    )
    try:
        published = publish_plan(session=session, plan_id=copied.id, user_id=user_id, confirmed=confirmed)
    except PublishUnconfirmed:
        # Not a savepoint's rollback: the publish check's reading of the contact log stays audited.
        session.delete(copied)
        session.flush()
        raise
    audit(
        session=session,
        user_id=user_id,
        action="republish",
        target=f"plan:{published.id}",
        detail={
            "team": published.team_id,
            "week_start": published.week_start.isoformat(),
            "version": published.version,
            "of_version": earlier.version,
        },
    )
    return published


def _require_draft(plan: Plan) -> None:
    if plan.status != "draft":
        raise ValueError(f"Plan {plan.id} is {plan.status}; only a draft can be published.")


def published_plan(*, session: Session, team_id: str, week_start: date) -> Plan | None:
    """The published plan of a team's week, if there is one."""
    return session.scalars(
        select(Plan).where(Plan.team_id == team_id, Plan.week_start == week_start, Plan.status == "published")
    ).one_or_none()


def week_plans(*, session: Session, team_id: str, week_start: date) -> list[Plan]:
    """Every plan of a team's week, newest first."""
    return list(
        session.scalars(
            select(Plan)
            .where(Plan.team_id == team_id, Plan.week_start == week_start)
            .order_by(Plan.id.desc())
        )
    )


def plan_diff(*, session: Session, old_plan_id: int, new_plan_id: int) -> dict[str, list[Any]]:
    """Visits ``added``, ``moved`` (``{"before", "after"}``) and ``cancelled`` from one plan to another,
    and the rostered ``shifts`` that differ.

    Visits are the same when they have the same id and client; those left over
    pair up by client and date. A pair is moved when its staff, date or times differ.
    Each visit is its plan-file entry plus its ``uid``. A shift change is per staff member
    and date: ``{"staff", "date", "before", "after"}``, each side ``{"type", "start", "end"}``
    or None for a day not worked.
    """
    old_plan = get_plan(session=session, plan_id=old_plan_id)
    new_plan = get_plan(session=session, plan_id=new_plan_id)
    old, new = old_plan.visits, new_plan.visits
    pairs, unmatched, cancelled = pair_visits(old, new)

    def shown(v: Visit) -> dict[str, Any]:
        return {**visit_entry(v), "uid": v.uid}

    def key(v: Visit) -> tuple[date, str, str]:
        return (v.date, v.start, v.id)

    return {
        "added": [shown(v) for v in sorted(unmatched, key=key)],
        "moved": [
            {"before": shown(a), "after": shown(b)}
            for a, b in sorted(pairs, key=lambda pair: key(pair[1]))
            if (a.staff, a.date, a.start, a.end) != (b.staff, b.date, b.start, b.end)
        ],
        "cancelled": [shown(v) for v in sorted(cancelled, key=key)],
        "shifts": shift_changes(old_plan.shifts, new_plan.shifts),
    }


def shift_changes(old: Iterable[PlanShift], new: Iterable[PlanShift]) -> list[dict[str, Any]]:
    """The working windows that differ between two plans, by staff member and date (None: off)."""

    def windows(shifts: Iterable[PlanShift]) -> dict[tuple[str, date], dict[str, Any]]:
        return {(s.staff_id, s.date): {"type": s.type, "start": s.start, "end": s.end} for s in shifts}

    before, after = windows(old), windows(new)
    return [
        {"staff": key[0], "date": key[1].isoformat(), "before": before.get(key), "after": after.get(key)}
        for key in sorted(before.keys() | after.keys())
        if before.get(key) != after.get(key)
    ]


def pair_visits(
    old: list[Visit], new: list[Visit]
) -> tuple[list[tuple[Visit, Visit]], list[Visit], list[Visit]]:
    """Which visits of two versions are the same visit: ``(pairs, added, cancelled)``.

    Visits are the same when they have the same id and client; those left over
    pair up by client and date, in order. One rule for the diff and the calendars.
    """
    pairs: list[tuple[Visit, Visit]] = []
    by_id = {(v.id, v.client_id): v for v in old}
    added = []
    for visit in new:
        match = by_id.pop((visit.id, visit.client_id), None)
        if match is None:
            added.append(visit)
        else:
            pairs.append((match, visit))
    by_day: dict[tuple[str, date], list[Visit]] = {}
    for visit in sorted(by_id.values(), key=lambda v: v.position):
        by_day.setdefault((visit.client_id, visit.date), []).append(visit)
    unmatched = []
    for visit in added:
        same_day = by_day.get((visit.client_id, visit.date))
        if same_day:
            pairs.append((same_day.pop(0), visit))
        else:
            unmatched.append(visit)
    cancelled = [v for left in by_day.values() for v in left]
    return pairs, unmatched, cancelled


def _set_plan(plan: Plan, doc: dict[str, Any]) -> None:
    given: list[str] = []
    plan.replan_from = date.fromisoformat(doc["replan_from"]) if doc.get("replan_from") else None
    if (
        doc["format"] == PLAN_FORMAT_2
        and plan.replan_from is None
        and not any("place" in v for v in doc["visits"])
        and "shifts" not in doc
        and "breaks" not in doc
    ):
        given.append(FORMAT_2_GIVEN)
    plan.caseload = doc["caseload"]
    # The rows are stored by save_plan; an empty list given is remembered here.
    take(doc, "shifts", [], given)
    take(doc, "breaks", [], given)
    plan.unmet = take(doc, "unmet", [], given)
    plan.metrics = take(doc, "metrics", {}, given)
    solver = take(doc, "solver", None, given)
    if solver is not None:
        plan.solver_status = solver["status"]
        plan.seconds = solver["seconds"]
        plan.objective = take(solver, "objective", None, given, "solver.objective")
        plan.bound = take(solver, "bound", None, given, "solver.bound")
        plan.moved = take(solver, "moved", None, given, "solver.moved")
    plan.given_defaults = given


def _visit(entry: dict[str, Any], position: int) -> Visit:
    given: list[str] = []
    return Visit(
        id=entry["id"],
        position=position,
        client_id=entry["client"],
        staff=entry["staff"],
        date=date.fromisoformat(entry["date"]),
        start=entry["start"],
        end=entry["end"],
        purpose=take(entry, "purpose", None, given),
        pinned=take(entry, "pinned", False, given),
        # A plan@2 visit's place (absent: a home visit); stored as the file gave it.
        place=take(entry, "place", None, given),
        given_defaults=given,
    )


def _shift(entry: dict[str, Any], position: int, before: PlanShift | None, now: datetime) -> PlanShift:
    given: list[str] = []
    shift = PlanShift(
        position=position,
        staff_id=entry["staff"],
        date=date.fromisoformat(entry["date"]),
        type=take(entry, "type", None, given),
        start=entry["start"],
        end=entry["end"],
        pinned=take(entry, "pinned", False, given),
        given_defaults=given,
    )
    if before is None:
        shift.uid, shift.sequence, shift.updated_at = new_uid(), 0, now
    elif all(getattr(before, name) == getattr(shift, name) for name in _SHIFT_SHOWN):
        shift.uid, shift.sequence, shift.updated_at = before.uid, before.sequence, before.updated_at
    else:
        shift.uid, shift.sequence, shift.updated_at = before.uid, before.sequence + 1, now
    return shift


def _break(entry: dict[str, Any], position: int) -> PlanBreak:
    return PlanBreak(
        position=position,
        staff_id=entry["staff"],
        date=date.fromisoformat(entry["date"]),
        start=entry["start"],
        end=entry["end"],
    )


def _carry_uid(visit: Visit, before: Visit | None, now: datetime) -> None:
    if before is None:
        visit.uid, visit.sequence, visit.updated_at = new_uid(), 0, now
    elif all(getattr(before, name) == getattr(visit, name) for name in _VISIT_SHOWN):
        visit.uid, visit.sequence, visit.updated_at = before.uid, before.sequence, before.updated_at
    else:
        visit.uid, visit.sequence, visit.updated_at = before.uid, before.sequence + 1, now


def _period(entry: dict[str, Any], position: int, before: OnCallPeriod | None, now: datetime) -> OnCallPeriod:
    period = OnCallPeriod(
        position=position, role=entry["role"], staff_id=entry["staff"], start=entry["start"], end=entry["end"]
    )
    if before is None:
        period.uid, period.sequence, period.updated_at = new_uid(), 0, now
    elif before.end == period.end:
        period.uid, period.sequence, period.updated_at = before.uid, before.sequence, before.updated_at
    else:
        period.uid, period.sequence, period.updated_at = before.uid, before.sequence + 1, now
    return period
