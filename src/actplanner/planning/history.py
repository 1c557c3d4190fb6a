"""A team's history from the database: the plans of record of earlier weeks and the contact log.

Every solve reads it (FORMATS.md, "History"): the last published version of each
earlier week, with the lead's on-call overrides laid over its on-call periods, and
the contacts recorded. It looks back only as far as the rules need
(``history_weeks``): the team's ``fairness_weeks`` for on-call shares, and for
recurring care the longest ``every_days`` (plus its window) of any client, capped
at ``MAX_HISTORY_WEEKS`` (docs/decisions.md, "History in the app").

Plans, visits and periods are read as columns, not ORM objects: eight weeks of a
large team are thousands of visits.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.contacts.service import contact_log
from actplanner.db import Contact as ContactRow
from actplanner.db import OnCallOverride, OnCallPeriod, Plan
from actplanner.domain.formats import PLAN_FORMAT, PlanFile, TeamFile
from actplanner.domain.formats.plan import PLAN_FORMAT_2, PlanOnCall
from actplanner.domain.formats.team import uses_part_b
from actplanner.domain.history import History
from actplanner.domain.rostering import WEEKENDS_BEFORE, WORKED_BEFORE_DAYS
from actplanner.domain.rota import Assignment, effective_rota, utc_to_local
from actplanner.domain.trusted import built
from actplanner.domain.week import DAYS_IN_WEEK
from actplanner.planning.plans import has_roster, stored_breaks, stored_shifts, stored_visits
from actplanner.teams.service import team_file

#: The most weeks any solve reads back: half a year. A requirement repeating more rarely than
#: that falls due from its ``last`` date in the team file (docs/decisions.md).
MAX_HISTORY_WEEKS = 26


def history_weeks(team: TeamFile) -> int:
    """How many weeks before the planned one its history reads (at least 1, at most the cap).

    The most of: ``policy.on_call.fairness_weeks``; for each recurring requirement, the
    weeks spanning ``every_days + window_days`` and one more (a contact on the Monday of
    the first week read still counts); the longest spacing between visits of any level
    (H2 across the week boundary); the post-discharge rule's ``days``; and under Part B the
    weeks the contracts read back (the last 14 days' shifts, the 3 weekends before).
    """
    weeks = team.policy.on_call.fairness_weeks
    days = max((level.min_gap_days for level in team.policy.acuity.values()), default=1)
    if team.policy.post_discharge is not None:
        days = max(days, team.policy.post_discharge.days)
    for client in team.clients:
        for requirement in client.requirements:
            if requirement.every_days is not None:
                days = max(days, requirement.every_days + requirement.window_days)
    weeks = max(weeks, math.ceil(days / DAYS_IN_WEEK) + 1)
    if uses_part_b(team):
        # Rostered shifts: rest and consecutive days across the boundary, weekends per 4 weeks.
        weeks = max(weeks, WEEKENDS_BEFORE, math.ceil(WORKED_BEFORE_DAYS / DAYS_IN_WEEK))
    return max(1, min(weeks, MAX_HISTORY_WEEKS))


def team_history(
    session: Session,
    team_id: str,
    week_start: date,
    *,
    team: TeamFile | None = None,
    drafts: Mapping[date, int] | None = None,
    contacts_until: date | None = None,
    by: int | None = None,
    purpose: str = "plan",
) -> History:
    """The history a plan of ``week_start`` reads: earlier weeks' plans of record and contacts.

    ``drafts`` (week → plan id) stand for those earlier weeks in place of their published
    plan: a plan of several weeks ahead reads the drafts of the weeks just planned.
    Contacts are those dated from the first week read up to the day before
    ``week_start``, or up to ``contacts_until`` (a re-plan from F reads the week's
    contacts before F). Reading the log is audited as a PHI view for ``purpose``.
    """
    team = team or team_file(session=session, team_id=team_id)
    first = week_start - timedelta(weeks=history_weeks(team))
    ids = _plans_of_record(session, team_id, first, week_start)
    for week, plan_id in (drafts or {}).items():
        if first <= week < week_start:
            ids[week] = plan_id
    plans = _plan_files(session, team, ids)
    until = contacts_until if contacts_until is not None else week_start - timedelta(days=1)
    contacts: tuple[Any, ...] = ()
    if until >= first and _any_contact(session, team_id, first, until):
        log = contact_log(session=session, team_id=team_id, start=first, end=until, by=by, purpose=purpose)
        contacts = tuple(log.contacts)
    return History(plans=plans, contacts=contacts)


def _any_contact(session: Session, team_id: str, first: date, until: date) -> bool:
    """Whether any contact is recorded in [first, until]: with none there is no log to read,
    and no view of it to audit (a team that records nothing plans as before)."""
    found = session.scalar(
        select(ContactRow.id)
        .where(ContactRow.team_id == team_id, ContactRow.date >= first, ContactRow.date <= until)
        .limit(1)
    )
    return found is not None


def _plans_of_record(session: Session, team_id: str, first: date, week_start: date) -> dict[date, int]:
    """Week → the id of its published plan, for the weeks in [first, week_start)."""
    rows = session.execute(
        select(Plan.week_start, Plan.id).where(
            Plan.team_id == team_id,
            Plan.status == "published",
            Plan.week_start >= first,
            Plan.week_start < week_start,
        )
    ).all()
    return {row.week_start: row.id for row in rows}


def _plan_files(session: Session, team: TeamFile, ids: Mapping[date, int]) -> dict[date, PlanFile]:
    """The plan files of these plans, their on-call with the lead's overrides laid over.

    Built without checking again (``domain.trusted``): each plan was checked when it was saved.
    """
    if not ids:
        return {}
    wanted = list(ids.values())
    visits = stored_visits(session, wanted)
    # Part B: a roster's shifts carry contracts across weeks (rest, weekends, fairness).
    rostered = has_roster(session, wanted)
    shifts = stored_shifts(session, rostered)
    breaks = stored_breaks(session, rostered)
    periods: dict[int, list[Assignment]] = defaultdict(list)
    for row in session.execute(
        select(
            OnCallPeriod.plan_id,
            OnCallPeriod.role,
            OnCallPeriod.staff_id,
            OnCallPeriod.start,
            OnCallPeriod.end,
            OnCallPeriod.uid,
        )
        .where(OnCallPeriod.plan_id.in_(wanted))
        .order_by(OnCallPeriod.plan_id, OnCallPeriod.position)
    ):
        periods[row.plan_id].append(Assignment(row.role, row.staff_id, row.start, row.end, row.uid))
    overrides = _overrides(session, team.team.id, [p for group in periods.values() for p in group])
    tz = ZoneInfo(team.team.timezone)
    out = {}
    for week, plan_id in sorted(ids.items()):
        entries = visits.get(plan_id, [])
        part_b = plan_id in rostered
        roster: dict[str, Any] = {"shifts": shifts[plan_id], "breaks": breaks[plan_id]} if part_b else {}
        out[week] = PlanFile.model_construct(
            format=PLAN_FORMAT_2 if part_b or any(v.place is not None for v in entries) else PLAN_FORMAT,
            team=team.team.id,
            week_start=week.isoformat(),
            visits=entries,
            on_call=_with_overrides(periods.get(plan_id, []), overrides, tz),
            caseload={},
            **roster,
        )
    return out


def _overrides(session: Session, team_id: str, periods: list[Assignment]) -> list[Assignment]:
    """The team's standing overrides that overlap any of these periods, oldest first."""
    if not periods:
        return []
    low, high = min(p.start for p in periods), max(p.end for p in periods)
    rows = session.execute(
        select(
            OnCallOverride.role,
            OnCallOverride.staff_id,
            OnCallOverride.start,
            OnCallOverride.end,
            OnCallOverride.uid,
        )
        .where(
            OnCallOverride.team_id == team_id,
            OnCallOverride.cancelled_at.is_(None),
            OnCallOverride.end > low,
            OnCallOverride.start < high,
        )
        .order_by(OnCallOverride.id)
    ).all()
    return [Assignment(*row) for row in rows]


def _with_overrides(periods: list[Assignment], overrides: list[Assignment], tz: ZoneInfo) -> list[PlanOnCall]:
    """A week's on-call entries as held: its periods with the overrides laid over them, each
    override cut to the span of that role's periods in the week (what lies outside belongs
    to the week before or after)."""
    if not periods:
        return []
    spans: dict[str, tuple[str, str]] = {}
    for period in periods:
        low, high = spans.get(period.role, (period.start, period.end))
        spans[period.role] = (min(low, period.start), max(high, period.end))
    clipped = []
    for override in overrides:
        span = spans.get(override.role)
        if span is None or override.end <= span[0] or override.start >= span[1]:
            continue
        start, end = max(override.start, span[0]), min(override.end, span[1])
        clipped.append(Assignment(override.role, override.staff_id, start, end, override.uid))
    holdings = effective_rota(periods, clipped, tz)
    return [
        built(
            PlanOnCall,
            role=h.role,
            staff=h.staff_id,
            start=utc_to_local(h.start, tz),
            end=utc_to_local(h.end, tz),
        )
        for h in sorted(holdings, key=lambda h: (h.start, h.role))
    ]
