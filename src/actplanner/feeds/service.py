"""The calendar feeds' ledger: every published visit and on-call stretch, per staff member, with its history.

``sync_feeds`` reconciles the ledger (``FeedEvent``) with the team's published
plans and live overrides; the unit of work (``actplanner.db.unit_of_work``) runs it
for every team a write changed, in that write's transaction. Because the ledger
only changes when what a calendar shows changes, an unchanged feed renders byte
for byte the same, and a changed event keeps its UID with its SEQUENCE raised. An
event that disappears (a visit moved to someone else, a period swapped away) stays
in the feed as cancelled for ``CANCELLED_KEPT`` so calendars remove it, then drops out.

The feed links themselves are tokens (``actplanner.accounts``) of the kinds
``FEED_KINDS``; making, rotating and revoking them are verbs here, audited once.

Nothing here holds PHI: a visit is the client's opaque code and the visit's
purpose category; free-text purposes outside the team's vocabulary become "visit".
A work shift (Part B) is its type and hours, its break an event of its own; both are
named after the plan's shift UID, which a new version of the week keeps, so a moved
shift is the same event with its SEQUENCE raised.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from actplanner.accounts.service import issue_token, live_tokens, revoke_token
from actplanner.audit.service import audit
from actplanner.db import (
    ApiToken,
    Client,
    FeedEvent,
    OnCallOverride,
    Plan,
    PlanBreak,
    PlanShift,
    Staff,
    Team,
    User,
    Visit,
    utcnow,
)
from actplanner.domain.errors import NotFound
from actplanner.domain.rota import Holding, local_to_utc, utc_to_local
from actplanner.on_call.service import MAX_OVERRIDE, team_rota
from actplanner.planning.plans import new_uid
from actplanner.teams.service import get_team

#: How long a removed event stays in a feed as STATUS:CANCELLED.
CANCELLED_KEPT = timedelta(days=14)
#: How long a past event stays in a feed.
HISTORY_KEPT = timedelta(days=90)
#: Published weeks before this many weeks ago are history: syncing leaves their events alone.
SYNC_WEEKS_BACK = 8
#: Purposes the solver writes besides skill names (solver/greedy.py ``purpose_of``).
GENERIC_PURPOSES = ("home visit",)
#: What a calendar shows of an event: a change to any of these raises its SEQUENCE.
_SHOWN = ("kind", "start", "end", "role", "holder", "client_code", "purpose")
#: Token kinds of feed links: a staff member's own calendar, a team's on-call rota.
FEED_KINDS = ("feed", "rota_feed")


@dataclass(frozen=True)
class _Wanted:
    kind: str
    start: str
    end: str
    role: str | None = None
    holder: str | None = None
    client_code: str | None = None
    purpose: str | None = None


def purpose_category(purpose: str | None, vocabulary: set[str]) -> str:
    """What a feed may say a visit is for: a known category, else just "visit" (free text may be PHI)."""
    return purpose if purpose in vocabulary else "visit"


def purpose_vocabulary(team: Team, staff: list[Staff], clients: list[Client]) -> set[str]:
    """The team's purpose categories: skills, "<discipline> visit", and the generic ones."""
    words = set(GENERIC_PURPOSES)
    for member in staff:
        words.update(member.skills)
        words.add(f"{member.discipline} visit")
    for client in clients:
        for requirement in client.requirements:
            if "skill" in requirement:
                words.add(requirement["skill"])
            if "discipline" in requirement:
                words.add(f"{requirement['discipline']} visit")
    return words


def sync_feeds(*, session: Session, team_id: str, now: datetime | None = None) -> int:
    """Bring the team's feed ledger in line with its published plans and overrides; rows changed.

    Weeks before ``SYNC_WEEKS_BACK`` are left as they are (their events are history).
    """
    team = get_team(session=session, team_id=team_id)
    tz = ZoneInfo(team.timezone)
    now = now or utcnow()
    today = now.astimezone(tz).date()
    first_week = today - timedelta(days=today.weekday() + 7 * SYNC_WEEKS_BACK)
    floor = f"{first_week.isoformat()}T00:00"
    wanted = _wanted(session, team, first_week, floor)
    # Rows a little older than the floor too: a piece of an override that reaches back
    # past it keeps its row (and UID) rather than colliding with it.
    reach = (first_week - MAX_OVERRIDE - timedelta(days=1)).isoformat()
    existing = {
        (row.staff_id, row.source): row
        for row in session.scalars(
            select(FeedEvent).where(FeedEvent.team_id == team.id, FeedEvent.end > reach)
        )
    }
    changed = 0
    with session.begin_nested():
        for (staff_id, source), want in wanted.items():
            row = existing.pop((staff_id, source), None)
            if row is None:
                session.add(
                    FeedEvent(
                        team_id=team.id,
                        staff_id=staff_id,
                        source=source,
                        # A UID of its own per calendar: two feeds in one account (a lead
                        # subscribed to two nurses) must not show a shared visit as one event.
                        uid=new_uid(),
                        sequence=0,
                        updated_at=now,
                        **_fields(want),
                    )
                )
                changed += 1
            elif row.cancelled_at is not None or any(getattr(row, f) != getattr(want, f) for f in _SHOWN):
                for name, value in _fields(want).items():
                    setattr(row, name, value)
                row.cancelled_at = None
                row.sequence += 1
                row.updated_at = now
                changed += 1
        for row in existing.values():
            # Before the floor is history: left as it was.
            if row.cancelled_at is None and row.end > floor:
                row.cancelled_at = now
                row.sequence += 1
                row.updated_at = now
                changed += 1
        session.flush()
    return changed


def _fields(want: _Wanted) -> dict[str, str | None]:
    return {name: getattr(want, name) for name in _SHOWN}


def _wanted(session: Session, team: Team, first_week: date, floor: str) -> dict[tuple[str, str], _Wanted]:
    staff = list(session.scalars(select(Staff).where(Staff.team_id == team.id)))
    clients = list(session.scalars(select(Client).where(Client.team_id == team.id)))
    codes = {c.id: c.code for c in clients}
    vocabulary = purpose_vocabulary(team, staff, clients)
    wanted: dict[tuple[str, str], _Wanted] = {}
    visits = session.execute(
        select(Visit.uid, Visit.client_id, Visit.staff, Visit.date, Visit.start, Visit.end, Visit.purpose)
        .join(Plan, Plan.id == Visit.plan_id)
        .where(Plan.team_id == team.id, Plan.status == "published", Plan.week_start >= first_week)
    ).all()
    for visit in visits:
        day = visit.date.isoformat()
        for staff_id in visit.staff:
            wanted[(staff_id, visit.uid)] = _Wanted(
                kind="visit",
                start=f"{day}T{visit.start}",
                end=f"{day}T{visit.end}",
                client_code=codes.get(visit.client_id, "?"),
                purpose=purpose_category(visit.purpose, vocabulary),
            )
    wanted.update(_shifts_wanted(session, team, first_week))
    names = {member.id: member.name for member in staff}
    tz = ZoneInfo(team.timezone)
    last_week = session.scalar(
        select(Plan.week_start)
        .where(Plan.team_id == team.id, Plan.status == "published")
        .order_by(Plan.week_start.desc())
        .limit(1)
    )
    start = local_to_utc(floor, tz)
    end = local_to_utc(f"{(last_week or first_week) + timedelta(days=8)}T00:00", tz)
    # Overrides can reach past the last published week; the rota includes them wherever they are.
    end = max(end, start + timedelta(days=7 * (SYNC_WEEKS_BACK + 6)))
    # Every override that can cut a piece of the rota read below (one lasts MAX_OVERRIDE at most).
    low = (first_week - MAX_OVERRIDE - timedelta(days=2)).isoformat()
    covers = set(
        session.scalars(
            select(OnCallOverride.uid).where(OnCallOverride.team_id == team.id, OnCallOverride.end > low)
        )
    )
    # From a day before the floor, so a stretch that meets the floor is joined as it was before.
    rota = team_rota(session=session, team=team, start=start - timedelta(days=1), end=end)
    for holding in covers_joined(rota, covers):
        wanted[(holding.staff_id, holding.source)] = _Wanted(
            kind="on_call",
            start=utc_to_local(holding.start, tz),
            end=utc_to_local(holding.end, tz),
            role=holding.role,
            # As the rota feed titles it; a staff member no longer on the team by their id.
            holder=names.get(holding.staff_id, holding.staff_id),
        )
    return {key: want for key, want in wanted.items() if want.end > floor}


#: The ledger source of a shift's break: the shift's UID with this after it.
BREAK_SOURCE = ":break"


def _shifts_wanted(session: Session, team: Team, first_week: date) -> dict[tuple[str, str], _Wanted]:
    """Each published work shift (Part B) as an event named by its UID, the type in ``purpose``
    (None for fixed hours), and its break as an event of its own named after the shift."""
    published = (Plan.team_id == team.id, Plan.status == "published", Plan.week_start >= first_week)
    shifts = session.execute(
        select(PlanShift.plan_id, PlanShift.uid, PlanShift.staff_id, PlanShift.date)
        .add_columns(PlanShift.type, PlanShift.start, PlanShift.end)
        .join(Plan, Plan.id == PlanShift.plan_id)
        .where(*published)
    ).all()
    wanted: dict[tuple[str, str], _Wanted] = {}
    uid_of: dict[tuple[int, str, date], str] = {}
    for shift in shifts:
        uid_of[(shift.plan_id, shift.staff_id, shift.date)] = shift.uid
        start, end = _local(shift.date, shift.start), _local(shift.date, shift.end)
        wanted[(shift.staff_id, shift.uid)] = _Wanted(kind="shift", start=start, end=end, purpose=shift.type)
    breaks = session.execute(
        select(PlanBreak.plan_id, PlanBreak.staff_id, PlanBreak.date, PlanBreak.start, PlanBreak.end)
        .join(Plan, Plan.id == PlanBreak.plan_id)
        .where(*published)
    ).all()
    for item in breaks:
        uid = uid_of.get((item.plan_id, item.staff_id, item.date))
        if uid is None:
            continue  # a break outside any shift is no event (the plan check refuses one)
        wanted[(item.staff_id, uid + BREAK_SOURCE)] = _Wanted(
            kind="break", start=_local(item.date, item.start), end=_local(item.date, item.end)
        )
    return wanted


def _local(day: date, hhmm: str) -> str:
    """A plan's date and ``HH:MM`` as the ledger's local ``YYYY-MM-DDTHH:MM``; 24:00 is the next midnight."""
    if hhmm == "24:00":
        return f"{(day + timedelta(days=1)).isoformat()}T00:00"
    return f"{day.isoformat()}T{hhmm}"


def covers_joined(holdings: list[Holding], covers: set[str]) -> list[Holding]:
    """The rota as the feeds show it: a cover never cuts one person's stretch into events.

    A cover (an override, UIDs ``covers``) cuts the periods it overlaps; when it is
    held by the person it cuts, or by the person whose stretch it meets, the pieces
    are joined back into one event, named after the period's piece (so it keeps the
    UID it had before the cover). Two plan periods of one person that meet stay two
    events, as they were published.
    """
    joined: list[Holding] = []
    for holding in sorted(holdings, key=lambda h: (h.role, h.start)):
        last = joined[-1] if joined else None
        if (
            last is None
            or (last.role, last.staff_id, last.end) != (holding.role, holding.staff_id, holding.start)
            or not ({_record(last), _record(holding)} & covers or _record(last) == _record(holding))
        ):
            joined.append(holding)
            continue
        # The joined event is named after a period's piece where there is one.
        source = holding.source if _record(last) in covers and _record(holding) not in covers else last.source
        joined[-1] = replace(last, end=holding.end, source=source)
    return joined


def _record(holding: Holding) -> str:
    """The UID of the period or override a rota piece (``uid:index``) comes from."""
    return holding.source.rsplit(":", 1)[0]


@dataclass(frozen=True)
class FeedView:
    """What one feed shows now: its events (oldest first) and when that last changed."""

    events: list[FeedEvent]
    last_modified: datetime | None


def feed_view(
    *,
    session: Session,
    team_id: str,
    staff_id: str | None = None,
    kind: str | None = None,
    now: datetime | None = None,
) -> FeedView:
    """A staff member's feed (``staff_id``), or the team's on-call rota (``kind="on_call"``, no staff).

    ``last_modified`` is the latest change of any event shown, or of an event
    dropping out (a cancellation after ``CANCELLED_KEPT``, a past event after
    ``HISTORY_KEPT``), so If-Modified-Since never misses a shrinking feed.
    """
    team = get_team(session=session, team_id=team_id)
    tz = ZoneInfo(team.timezone)
    now = now or utcnow()
    query = select(FeedEvent).where(FeedEvent.team_id == team_id)
    if staff_id is not None:
        query = query.where(FeedEvent.staff_id == staff_id)
    if kind is not None:
        query = query.where(FeedEvent.kind == kind)
    shown: list[FeedEvent] = []
    moments: list[datetime] = []
    for row in session.scalars(query):
        dropped = [local_to_utc(row.end, tz) + HISTORY_KEPT]
        if row.cancelled_at is not None:
            dropped.append(row.cancelled_at + CANCELLED_KEPT)
        gone = min(dropped)
        if gone <= now:
            moments.append(gone)
        else:
            shown.append(row)
            moments.append(row.updated_at)
    shown.sort(key=lambda r: (r.start, r.end, r.kind, r.uid))
    return FeedView(events=shown, last_modified=max(moments) if moments else None)


# Feed links


def feed_kinds(user: User) -> list[str]:
    """The feeds a user may have: their own if linked to a staff member, the rota if a lead of a team."""
    kinds = []
    if user.staff_id is not None and user.team_id is not None:
        kinds.append("feed")
    if user.role == "lead" and user.team_id is not None:
        kinds.append("rota_feed")
    return kinds


def issue_feed_token(*, session: Session, user: User, kind: str, name: str) -> str:
    """A new feed link of ``kind`` for ``user``'s team, rotating any live one; the token, shown once. Audited.

    PermissionError when the user may not have that feed (``feed_kinds``).
    """
    if kind not in feed_kinds(user):
        raise PermissionError(f"You cannot have a {name.lower()} feed.")
    team_id = user.team_id
    with session.begin_nested():
        replaced = [t.id for t in live_tokens(session=session, user_id=user.id, kind=kind, team_id=team_id)]
        row, token = issue_token(session=session, user_id=user.id, name=name, kind=kind, team_id=team_id)
        audit(
            session=session,
            user_id=user.id,
            action="rotate_feed_token" if replaced else "create_feed_token",
            target=f"token:{row.id}",
            detail={"kind": kind, "team": team_id, "replaced": replaced},
        )
    return token


def revoke_feed_token(*, session: Session, token_id: int, user: User) -> ApiToken:
    """Revoke a feed link: one's own, or as a lead any of the team's. Audited; twice is a no-op.

    NotFound when there is no such feed link. PermissionError when ``user`` may not
    revoke it; the refusal is audited (``denied``) first, so the caller should commit it.
    """
    row = session.get(ApiToken, token_id)
    if row is None or row.kind not in FEED_KINDS:
        raise NotFound("No such calendar feed link.")
    if not _may_revoke(user, row):
        audit(session=session, user_id=user.id, action="denied", target=f"token:{row.id}")
        raise PermissionError("You can revoke only your own feed links.")
    if row.revoked_at is None:
        with session.begin_nested():
            revoke_token(session=session, token_id=row.id)
            audit(
                session=session,
                user_id=user.id,
                action="revoke_feed_token",
                target=f"token:{row.id}",
                detail={"kind": row.kind, "team": row.team_id, "owner": row.user_id},
            )
    return row


def _may_revoke(user: User, row: ApiToken) -> bool:
    if row.user_id == user.id:
        return True
    return user.role == "lead" and user.team_id is not None and row.team_id == user.team_id


def team_feed_tokens(*, session: Session, team_id: str, except_user_id: int) -> list[ApiToken]:
    """The team's live feed links but one user's, by owner: a lead's view, to cut off a lost phone's feed."""
    return list(
        session.scalars(
            select(ApiToken)
            .join(User, User.id == ApiToken.user_id)
            .where(
                ApiToken.kind.in_(FEED_KINDS),
                ApiToken.revoked_at.is_(None),
                ApiToken.user_id != except_user_id,
                or_(ApiToken.team_id == team_id, User.team_id == team_id),
            )
            .order_by(User.username, ApiToken.kind, ApiToken.id)
        )
    )


def owner_names(*, session: Session, team_id: str) -> dict[int, str]:
    """Each login of the team as "Staff Name (username)", or the username alone."""
    staff = {s.id: s.name for s in session.scalars(select(Staff).where(Staff.team_id == team_id))}
    users = session.scalars(select(User).where(User.team_id == team_id))
    return {u.id: f"{staff[u.staff_id]} ({u.username})" if u.staff_id in staff else u.username for u in users}
