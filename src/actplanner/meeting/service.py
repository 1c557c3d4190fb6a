"""The morning meeting's one read: the team, this week's and last week's published plans, the recent
contact log and last night's rota, made into the Today sheet.

It reads only through the other features' services, and only what the sheet shows
(the large team's 380 clients must answer within the page's 300 ms): the contacts
of the days its flags look at (``look_back``: this week, yesterday, open injection
windows), and each client's last delivered contact of the last ``CONTACT_DAYS``
days, which the database picks (``recent_contacts``, one audited read). The team
file and the published plans, which change only on an import or a publish, are
read once per process and kept while their stamps stay the same.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from actplanner.contacts.service import current_team_file, recent_contacts
from actplanner.domain.formats import PlanFile, TeamFile, load_plan
from actplanner.domain.today import ClientDay, look_back, morning_meeting
from actplanner.domain.week import monday_of
from actplanner.meeting.view import ROLE_NAMES, NightOnCall, OnDuty, contact_limits, on_duty
from actplanner.on_call.service import on_call_now
from actplanner.planning.plans import published_plan, stored_plan_doc

#: How far back the sheet reads the contact log. The longest look back of any line is the
#: days-without-contact flag (8 days for the stable level), and "days since" is still shown
#: for a client unseen for a month; past that the line says "none in 35 days".
CONTACT_DAYS = 35
#: Loaded plans kept per database: this week's and last week's of a few teams.
KEPT_PLANS = 16


@dataclass(frozen=True)
class Sheet:
    """What the Today page and its printed sheet show for one team and date."""

    team: TeamFile
    day: date
    days: list[ClientDay]
    limits: dict[str, int]
    on_duty: list[OnDuty]
    night: list[NightOnCall]
    published: bool


def morning_sheet(*, session: Session, team_id: str, day: date, by: int | None, purpose: str) -> Sheet:
    """Today's sheet of ``team_id`` for ``day``; the contact log's read is audited with ``purpose``."""
    team = current_team_file(session=session, team_id=team_id)
    plans = _plans(session, team_id, [monday_of(day), monday_of(day) - timedelta(days=7)])
    since = day - timedelta(days=CONTACT_DAYS)
    log = recent_contacts(
        session=session,
        team_id=team_id,
        start=max(min(look_back(team, day), day - timedelta(days=1)), since),
        end=day,
        last_since=since,
        by=by,
        purpose=purpose,
    )
    limits = contact_limits(team)
    days = morning_meeting(
        team,
        day,
        plans=plans,
        contacts=log.contacts,
        max_days_without_contact=limits,
        last_delivered=log.last_delivered,
    )
    night, late = _last_night(session, team, day)
    return Sheet(
        team=team,
        day=day,
        days=days,
        limits=limits,
        on_duty=on_duty(team, day, late=late),
        night=night,
        published=any(p.week_start == monday_of(day).isoformat() for p in plans),
    )


@dataclass
class _Kept:
    """What this process has read of one database: its published plans (the team files are kept
    by ``contacts.service.current_team_file``)."""

    plans: dict[int, PlanFile]


_kept: weakref.WeakKeyDictionary[Engine, _Kept] = weakref.WeakKeyDictionary()


def _store(session: Session) -> _Kept:
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    return _kept.setdefault(engine, _Kept({}))


def _plans(session: Session, team_id: str, weeks: list[date]) -> list[PlanFile]:
    """The published plan of each week that has one (last week's tells a Monday what was planned Sunday).

    A published plan never changes (an edit or re-plan is a new version), so its id names it.
    """
    store, found = _store(session), []
    for week in weeks:
        plan = published_plan(session=session, team_id=team_id, week_start=week)
        if plan is None:
            continue
        if plan.id not in store.plans:
            if len(store.plans) >= KEPT_PLANS:
                del store.plans[next(iter(store.plans))]
            store.plans[plan.id] = load_plan(stored_plan_doc(session=session, plan_id=plan.id))
        found.append(store.plans[plan.id])
    return found


def _last_night(session: Session, team: TeamFile, day: date) -> tuple[list[NightOnCall], dict[str, str]]:
    """Who held each role the night before ``day``, and the later start the rest rule gives its primary.

    Asked a minute before ``day``'s handoff: the period that began at yesterday's
    handoff (cover and swaps included) is still running then, whether periods run
    from morning to morning or from evening to evening.
    """
    on_call = team.policy.on_call
    tz = ZoneInfo(team.team.timezone)
    at = datetime.combine(day, datetime.strptime(on_call.handoff, "%H:%M").time(), tzinfo=tz)
    answer = on_call_now(session=session, team_id=team.team.id, at=at - timedelta(minutes=1))
    rest = on_call.rest_next_day_start
    night, late = [], {}
    for role in answer.roles:
        starts_at = rest if role.role == "primary" and role.holder is not None else None
        if starts_at is not None and role.holder is not None:
            late[role.holder.id] = starts_at
        night.append(
            NightOnCall(
                role=ROLE_NAMES.get(role.role, role.role),
                name=role.holder.name if role.holder else None,
                starts_at=starts_at,
            )
        )
    return night, late
