"""Who is on call: the published plans' rota with the lead's swaps and covers, straight from the database.

Never waits on a solve: it reads published plans and overrides only (a draft,
a queued job or a stopped worker changes nothing here). The page, the API and the
CLI all answer with ``on_call_now``; the board's warning uses ``coverage_gaps``.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Date, Engine, Text, bindparam, select, text
from sqlalchemy.orm import Session

from actplanner.audit.service import audit
from actplanner.db import OnCallOverride, Staff, Team, utcnow
from actplanner.db.unit_of_work import changing_team
from actplanner.domain.errors import NotFound
from actplanner.domain.rota import (
    COVERAGE_HORIZON,
    ESCALATION_ROLES,
    Assignment,
    Holding,
    effective_rota,
    gaps,
    local_to_utc,
    role_at,
    utc_to_local,
)
from actplanner.domain.words import day_words
from actplanner.planning.plans import new_uid
from actplanner.teams.service import get_team

#: How far back the lookup reads, so a stretch held for days shows when it began.
LOOKBACK = timedelta(days=8)
#: How far ahead the lookup reads for "who is next"; the coverage warning needs 14 days.
LOOKAHEAD = COVERAGE_HORIZON + timedelta(days=1)
#: The longest swap or cover one override may record.
MAX_OVERRIDE = timedelta(days=31)
TEAM_LEADER = "team_leader"


@dataclass(frozen=True)
class Person:
    """A staff member as the lookup shows them: no client data, ever."""

    id: str
    name: str
    phone: str | None
    discipline: str


@dataclass(frozen=True)
class RoleAnswer:
    """One role at the asked instant; times are in the team's zone."""

    role: str
    holder: Person | None
    since: datetime | None
    until: datetime | None
    next: Person | None
    next_from: datetime | None


@dataclass(frozen=True)
class EscalationStep:
    """One step of the escalation order: whom to call, in which capacity."""

    step: int
    role: str
    person: Person | None


@dataclass(frozen=True)
class Gap:
    """A stretch with no primary on call, in the team's zone.

    ``end`` is where the stretch ends or, when ``to_horizon``, only where the look-ahead
    stops: that end moves with the clock, so the pages and the CLI never show it.
    """

    start: datetime
    end: datetime
    #: The gap runs to the end of the look-ahead: no primary after ``start`` as far as it reads.
    to_horizon: bool = False
    #: For a gap to the horizon that begins after the last published week: the Monday to publish.
    publish_week: date | None = None

    @property
    def words(self) -> str:
        """The gap as the pages and the CLI say it, after "No primary on call "."""
        since = f"from {moment_words(self.start)}"
        zone = f"({self.start:%Z})"
        if not self.to_horizon:
            return f"{since} to {moment_words(self.end)} {zone}"
        if self.publish_week is not None:
            return (
                f"{since} {zone}: no rota is published after that "
                f"(publish the week of {day_words(self.publish_week)})"
            )
        # A published week later on with no primary in it: no end within the two weeks either.
        return f"{since} {zone} to the end of the coming two weeks"


def moment_words(instant: datetime) -> str:
    """A moment as the pages write it: "Mon 7 Dec 08:30"."""
    return f"{day_words(instant.date())} {instant:%H:%M}"


def primary_gaps_in(
    holdings: list[Holding], start: datetime, end: datetime, tz: ZoneInfo, last_published: date | None
) -> list[Gap]:
    """The stretches of [start, end) with no primary, in ``tz``; one that runs to ``end`` says so.

    ``last_published`` is the latest published week's Monday: a gap to the horizon that begins
    after that week is the rota not yet published, and names the week to publish.
    """
    found = []
    for s, e in gaps(holdings, "primary", start, end):
        s, e = s.astimezone(tz), e.astimezone(tz)
        to_horizon = e >= end
        week = s.date() - timedelta(days=s.weekday())
        unpublished = to_horizon and (last_published is None or week > last_published)
        found.append(Gap(s, e, to_horizon, week if unpublished else None))
    return found


@dataclass(frozen=True)
class OnCallAnswer:
    """Who is on call at ``at`` (in the team's zone), who is behind them, and the gaps ahead."""

    team_id: str
    team_name: str
    timezone: str
    at: datetime
    roles: list[RoleAnswer]
    escalation: list[EscalationStep]
    #: Stretches of the two weeks from ``at`` with no primary on call.
    primary_gaps: list[Gap]


# The lookup is the hot path (an answering service may poll it; the load test asks
# 200 times a second while a solve runs), so its reads are plain SQL in one round trip
# each, compiled once, instead of ORM queries rebuilt on every call.
_TEAM = text("SELECT name, timezone, policy FROM teams WHERE id = :team").columns(
    name=Text, timezone=Text, policy=JSON
)
_ROTA = text(
    """
    SELECT 0 AS kind, 0 AS seq, p.role, p.staff_id, p.start, p."end", p.uid
      FROM on_call_periods p JOIN plans ON plans.id = p.plan_id
     WHERE plans.team_id = :team AND plans.status = 'published'
       AND plans.week_start >= :first AND plans.week_start <= :last
       AND p."end" > :low AND p.start < :high
    UNION ALL
    SELECT 1, o.id, o.role, o.staff_id, o.start, o."end", o.uid
      FROM on_call_overrides o
     WHERE o.team_id = :team AND o.cancelled_at IS NULL AND o."end" > :override_low AND o.start < :high
    ORDER BY 1, 2
    """
).bindparams(bindparam("first", type_=Date), bindparam("last", type_=Date))
_LAST_PUBLISHED = text(
    "SELECT max(week_start) AS week FROM plans WHERE team_id = :team AND status = 'published'"
).columns(week=Date)
_PEOPLE = text("SELECT id, name, phone, discipline FROM staff WHERE team_id = :team ORDER BY position")


@dataclass(frozen=True)
class _TeamInfo:
    id: str
    name: str
    timezone: str
    policy: dict


# What the lookup reads changes only when a plan is published, an override is
# recorded or cancelled, or the team file is imported. One small query notices any
# of those; until one happens, each web process reuses the rota it built.
_STAMP = text(
    """
    SELECT t.updated_at,
           (SELECT max(p.published_at) FROM plans p WHERE p.team_id = :team AND p.status = 'published'),
           (SELECT count(*) FROM plans p WHERE p.team_id = :team AND p.status = 'published'),
           (SELECT max(o.id) FROM on_call_overrides o WHERE o.team_id = :team),
           -- With the count, an override committed after one with a higher id still shows.
           (SELECT count(*) FROM on_call_overrides o WHERE o.team_id = :team),
           (SELECT count(o.cancelled_at) FROM on_call_overrides o WHERE o.team_id = :team)
      FROM teams t WHERE t.id = :team
    """
)
#: How much rota a snapshot builds past the window asked for, so the next minutes reuse it.
SNAPSHOT_SPAN = timedelta(days=30)


@dataclass
class _Snapshot:
    """One team's lookup data as of ``stamp``: the team, its people and a stretch of its rota."""

    stamp: tuple
    team: _TeamInfo
    people: dict[str, Person]
    #: The latest published week's Monday (None: none published), for the gaps ahead.
    last_published: date | None
    #: (start, end, holdings): one attribute, replaced whole, so threads never mix two spans.
    span: tuple[datetime, datetime, list[Holding]] | None = None

    def holdings(self, session: Session, start: datetime, end: datetime) -> list[Holding]:
        """The rota over [start, end), built once for a span around it."""
        span = self.span
        if span is not None and span[0] <= start and end <= span[1]:
            return span[2]
        rota = team_rota(session=session, team=self.team, start=start, end=end + SNAPSHOT_SPAN)
        self.span = (start, end + SNAPSHOT_SPAN, rota)
        return rota


#: Per database (engine) and team; dropped with the engine.
_snapshots: weakref.WeakKeyDictionary[Engine, dict[str, _Snapshot]] = weakref.WeakKeyDictionary()


def _snapshot(session: Session, team_id: str) -> _Snapshot:
    connection = session.connection()
    stamp = connection.execute(_STAMP, {"team": team_id}).one_or_none()
    if stamp is None:
        raise NotFound(f"No team {team_id!r}.")
    cache = _snapshots.setdefault(connection.engine, {})
    found = cache.get(team_id)
    if found is None or found.stamp != tuple(stamp):
        found = _Snapshot(
            tuple(stamp),
            _team_info(session, team_id),
            _people(session, team_id),
            last_published_week(session, team_id),
        )
        cache[team_id] = found
    return found


def _team_info(session: Session, team_id: str) -> _TeamInfo:
    row = session.connection().execute(_TEAM, {"team": team_id}).one_or_none()
    if row is None:
        raise NotFound(f"No team {team_id!r}.")
    return _TeamInfo(team_id, row.name, row.timezone, row.policy)


def last_published_week(session: Session, team_id: str) -> date | None:
    """The Monday of the team's latest published week; None when none is published."""
    return session.connection().execute(_LAST_PUBLISHED, {"team": team_id}).scalar()


def team_rota(*, session: Session, team: Team | _TeamInfo, start: datetime, end: datetime) -> list[Holding]:
    """The effective rota of ``team`` over the instants [start, end): published periods plus overrides."""
    tz = ZoneInfo(team.timezone)
    # Local text compares in time order; a day either side covers any offset.
    rows = (
        session.connection()
        .execute(
            _ROTA,
            {
                "team": team.id,
                "first": _local_date(start - timedelta(days=1), tz) - timedelta(days=7),
                "last": _local_date(end + timedelta(days=1), tz),
                "low": utc_to_local(start - timedelta(days=1), tz),
                # Every override that cuts a record overlapping the window, wherever it ends, so a
                # piece's name (``uid:index``) does not depend on the window asked for.
                "override_low": utc_to_local(start - timedelta(days=1) - MAX_OVERRIDE, tz),
                "high": utc_to_local(end + timedelta(days=1), tz),
            },
        )
        .all()
    )
    periods = [Assignment(*row[2:]) for row in rows if row.kind == 0]
    overrides = [Assignment(*row[2:]) for row in rows if row.kind == 1]
    holdings = effective_rota(periods, overrides, tz)
    return [h for h in holdings if h.end > start and h.start < end]


def on_call_now(
    *, session: Session, team_id: str, at: datetime | None = None, at_text: str | None = None
) -> OnCallAnswer:
    """Who is on call for ``team_id`` at ``at`` (aware; default now), the escalation order and the gaps.

    ``at_text`` instead gives the moment as a caller typed it (see ``parse_at``): a
    time without an offset is the team's local time. ValueError names ``at``.
    """
    snapshot = _snapshot(session, team_id)
    team, people = snapshot.team, snapshot.people
    tz = ZoneInfo(team.timezone)
    if at_text is not None:
        at = parse_at(at_text, tz)
    at = (at or utcnow()).astimezone(tz)
    holdings = snapshot.holdings(session, at - LOOKBACK, at + LOOKAHEAD)
    roles = [r for r in ESCALATION_ROLES if r in _policy_roles(team)]
    answers = []
    for role in roles:
        now = role_at(holdings, role, at)
        answers.append(
            RoleAnswer(
                role=role,
                holder=_person(people, now.staff_id),
                since=_in(now.since, tz),
                until=_in(now.until, tz),
                next=_person(people, now.next_staff_id),
                next_from=_in(now.next_from, tz),
            )
        )
    escalation = [EscalationStep(i + 1, a.role, a.holder) for i, a in enumerate(answers)]
    leaders: list[Person | None] = [p for p in people.values() if p.discipline == TEAM_LEADER]
    # No team leader on the team file still leaves the last step in the order, empty.
    escalation += [EscalationStep(len(escalation) + 1, TEAM_LEADER, p) for p in leaders or [None]]
    primary_gaps = primary_gaps_in(holdings, at, at + COVERAGE_HORIZON, tz, snapshot.last_published)
    return OnCallAnswer(
        team_id=team.id,
        team_name=team.name,
        timezone=team.timezone,
        at=at,
        roles=answers,
        escalation=escalation,
        primary_gaps=primary_gaps,
    )


#: The moments a lookup may ask about; outside them date arithmetic (a week back, two ahead) overflows.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def parse_at(text: str, tz: ZoneInfo) -> datetime:
    """The instant ``text`` names: ISO 8601 with an offset or ``Z``, or without one in the team's zone.

    A local time repeated by a daylight-saving change means its first occurrence,
    as for the rota's periods. ValueError names the field ``at``.
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"at: {text!r} is not an ISO 8601 date and time "
            "(e.g. 2026-11-30T14:05-06:00, 2026-11-30T20:05Z or team-local 2026-11-30T14:05)."
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"at: {text!r} is out of range; give a moment from 1970 to 2199.")
    return value.astimezone(tz)


def coverage_gaps(*, session: Session, team_id: str, now: datetime | None = None) -> list[Gap]:
    """Stretches of the coming two weeks with no primary on call, in the team's zone."""
    team = _team_info(session, team_id)
    tz = ZoneInfo(team.timezone)
    now = (now or utcnow()).astimezone(tz)
    holdings = team_rota(session=session, team=team, start=now, end=now + COVERAGE_HORIZON)
    return primary_gaps_in(holdings, now, now + COVERAGE_HORIZON, tz, last_published_week(session, team_id))


def record_override(
    *,
    session: Session,
    team_id: str,
    role: str,
    staff_id: str,
    start: str,
    end: str,
    note: str | None = None,
    user_id: int | None,
) -> OnCallOverride:
    """Record that ``staff_id`` holds ``role`` over the team-local [start, end): a swap or a cover.

    Takes effect at once for the lookup and the feeds, without a re-solve; audited.
    ValueError names the field when the holder may not take the role then.
    """
    team = get_team(session=session, team_id=team_id)
    roles = _policy_roles(team)
    if role not in roles:
        raise ValueError(
            f"role: {role!r} is not an on-call role of this team; expected one of {', '.join(roles)}."
        )
    member = session.get(Staff, (team_id, staff_id))
    if member is None:
        raise NotFound(f"staff: no staff member {staff_id!r} in team {team_id!r}.")
    start_at, end_at = _local_minute(start, "start"), _local_minute(end, "end")
    if end_at <= start_at:
        raise ValueError(f"end: {end} must be after start {start}.")
    if end_at - start_at > MAX_OVERRIDE:
        raise ValueError(f"end: an override may cover at most {MAX_OVERRIDE.days} days; record several.")
    if role not in member.on_call_roles:
        raise ValueError(f"staff: {member.name} does not take the {role} role (their on_call_roles).")
    disciplines = roles[role].get("disciplines", [])
    if member.discipline not in disciplines:
        raise ValueError(
            f"staff: the {role} role needs one of {', '.join(disciplines)}; "
            f"{member.name} is {member.discipline}."
        )
    start_text, end_text = start_at.strftime("%Y-%m-%dT%H:%M"), end_at.strftime("%Y-%m-%dT%H:%M")
    tz = ZoneInfo(team.timezone)
    for field, value in (("start", start_at), ("end", end_at)):
        _require_existing_local_time(value, tz, field)
    for leave in member.leave:
        if leave["start"] < end_text and start_text < leave["end"]:
            raise ValueError(f"staff: {member.name} is on leave from {leave['start']} to {leave['end']}.")
    covered = team_rota(
        session=session, team=team, start=local_to_utc(start_text, tz), end=local_to_utc(end_text, tz)
    )
    _require_distinct_holders(covered, role, member, tz)
    replaced = sorted({h.staff_id for h in covered if h.role == role and h.staff_id != staff_id})
    # The unit of work brings the feeds in step with the new holder before it commits.
    with session.begin_nested(), changing_team(session, team_id):
        override = OnCallOverride(
            team_id=team_id,
            role=role,
            staff_id=staff_id,
            start=start_text,
            end=end_text,
            note=(note or "").strip() or None,
            uid=new_uid(),
            created_by=user_id,
        )
        session.add(override)
        session.flush()
        audit(
            session=session,
            user_id=user_id,
            action="on_call_override",
            target=f"override:{override.id}",
            detail={
                "team": team_id,
                "role": role,
                "staff": staff_id,
                "start": start_text,
                "end": end_text,
                "replaces": replaced,
            },
        )
    return override


@dataclass(frozen=True)
class Stretch:
    """One holder of one role from ``start`` to ``end`` (team-local ``YYYY-MM-DDTHH:MM``)."""

    role: str
    staff_id: str
    start: str
    end: str


def swap_stretches(
    *, session: Session, team_id: str, first: Stretch, second: Stretch, note: str, user_id: int | None
) -> list[OnCallOverride]:
    """Swap the holders of two stretches of one role: two overrides, both recorded or neither.

    ValueError names ``second`` when the two cannot be swapped, or the field
    ``record_override`` names when a holder may not take the other's stretch.
    """
    if first == second:
        raise ValueError("second: choose a period other than the first.")
    if first.role != second.role:
        raise ValueError(f"second: choose a period of the same role as the first ({first.role}).")
    names = {s.id: s.name for s in get_team(session=session, team_id=team_id).staff}
    if first.staff_id == second.staff_id:
        raise ValueError(f"second: both periods are held by {names.get(first.staff_id)}: nothing to swap.")
    why = f"Swap: {names.get(first.staff_id)} ⇄ {names.get(second.staff_id)}. {note.strip()}".strip()
    with session.begin_nested():
        return [
            record_override(
                session=session,
                team_id=team_id,
                role=stretch.role,
                staff_id=holder,
                start=stretch.start,
                end=stretch.end,
                note=why,
                user_id=user_id,
            )
            for stretch, holder in ((first, second.staff_id), (second, first.staff_id))
        ]


def get_override(*, session: Session, override_id: int) -> OnCallOverride:
    """The override ``override_id``, live or cancelled; NotFound when there is none."""
    override = session.get(OnCallOverride, override_id)
    if override is None:
        raise NotFound(f"No on-call override {override_id}.")
    return override


def cancel_override(*, session: Session, override_id: int, user_id: int | None) -> OnCallOverride:
    """Cancel an override: the plan (or an earlier override) holds again. Audited; twice is a no-op."""
    override = get_override(session=session, override_id=override_id)
    if override.cancelled_at is not None:
        return override
    with session.begin_nested(), changing_team(session, override.team_id):
        override.cancelled_at = utcnow()
        override.cancelled_by = user_id
        session.flush()
        audit(
            session=session,
            user_id=user_id,
            action="cancel_on_call_override",
            target=f"override:{override.id}",
            detail={"team": override.team_id, "role": override.role, "staff": override.staff_id},
        )
    return override


def list_overrides(
    *, session: Session, team_id: str, ending_after: str | None = None
) -> list[OnCallOverride]:
    """The team's live (not cancelled) overrides, oldest first; those ending after a local time if given."""
    query = select(OnCallOverride).where(
        OnCallOverride.team_id == team_id, OnCallOverride.cancelled_at.is_(None)
    )
    if ending_after is not None:
        query = query.where(OnCallOverride.end > ending_after)
    return list(session.scalars(query.order_by(OnCallOverride.id)))


def _people(session: Session, team_id: str) -> dict[str, Person]:
    return {row.id: Person(*row) for row in session.connection().execute(_PEOPLE, {"team": team_id})}


def _person(people: dict[str, Person], staff_id: str | None) -> Person | None:
    """The staff member, or, for one the team file no longer lists, their id: never "nobody"."""
    if staff_id is None:
        return None
    return people.get(staff_id) or Person(staff_id, f"{staff_id} (not on the team file)", None, "unknown")


def _policy_roles(team: Team | _TeamInfo) -> dict[str, dict]:
    return dict((team.policy.get("on_call") or {}).get("roles") or {})


def _local_minute(text: str, field: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"{field}: {text!r} is not a local date and time; expected YYYY-MM-DDTHH:MM."
        ) from None
    if value.tzinfo is not None:
        raise ValueError(f"{field}: give the team's local time without an offset (YYYY-MM-DDTHH:MM).")
    if not EARLIEST.year < value.year < LATEST.year:
        raise ValueError(f"{field}: {text!r} is out of range; give a date from 1971 to 2199.")
    return value.replace(second=0, microsecond=0)


#: Roles one person may not hold at the same moment (H9: primary and backup are different people).
DISTINCT_ROLES = frozenset({"primary", "backup"})


def _require_existing_local_time(value: datetime, tz: ZoneInfo, field: str) -> None:
    """ValueError naming ``field`` when the clocks skip ``value`` (a spring-forward gap) in ``tz``."""
    instant = value.replace(tzinfo=tz).astimezone(UTC)
    after = instant.astimezone(tz)
    if after.replace(tzinfo=None) != value:
        raise ValueError(
            f"{field}: {value:%Y-%m-%d %H:%M} does not exist in {tz.key}: the clocks skip it at the "
            f"change of time that night; choose a time outside the gap, e.g. {after:%H:%M} {after.tzname()}."
        )


def _require_distinct_holders(covered: list[Holding], role: str, member: Staff, tz: ZoneInfo) -> None:
    """ValueError naming ``staff`` when the cover would make one person primary and backup at once."""
    if role not in DISTINCT_ROLES:
        return
    for other in sorted(DISTINCT_ROLES - {role}):
        clash = next((h for h in covered if h.role == other and h.staff_id == member.id), None)
        if clash is not None:
            since, until = (utc_to_local(t, tz).replace("T", " ") for t in (clash.start, clash.end))
            raise ValueError(
                f"staff: {member.name} is already {other} from {since} "
                f"to {until}, and one person cannot be primary and "
                f"backup at the same time; cover the {other} role with someone else first."
            )


def _local_date(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def _in(instant: datetime | None, tz: ZoneInfo) -> datetime | None:
    return instant.astimezone(tz) if instant is not None else None
