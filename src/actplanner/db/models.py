"""Database rows: teams as imported from team files, plans by version, users, tokens, audit, jobs.

Staff, clients and visits keep the id they have in the files (``"s-rn1"``,
``"v-0001"``) as part of their primary key, and a ``position`` so a file
exported from the database lists them in the order it was imported.

Optional fields of the files are columns holding their effective value
(``paired`` is ``False`` when the file left it out). ``given_defaults`` names the
optional keys a file gave although they held the default (``"paired": false``,
``"label": null`` as ``"home.label"``), so the exported file is the imported one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from actplanner.db.base import Base, utcnow

ID = String(100)
PLAN_STATUSES = ("draft", "published", "superseded")
PLAN_SOURCES = ("solve", "replan", "edit")
ROLES = ("lead", "staff")
#: What a token opens: the JSON API, a user's own calendar feed, a team's on-call rota
#: feed, or a read-only on-call link for an answering service or a kiosk.
TOKEN_KINDS = ("api", "feed", "rota_feed", "on_call_link")
#: A work shift and its break (Part B) are events of the staff calendar feed too.
FEED_EVENT_KINDS = ("visit", "on_call", "shift", "break")
JOB_STATUSES = ("queued", "running", "done", "failed", "stopped")
ACTIVE_JOB_STATUSES = ("queued", "running")


def _one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    return CheckConstraint(f"{column} IN ({', '.join(repr(v) for v in values)})", name=name)


class Team(Base):
    """A team: the ``team`` block of its team file and its ``policy`` as given."""

    __tablename__ = "teams"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64))
    office_lat: Mapped[float] = mapped_column(Float)
    office_lon: Mapped[float] = mapped_column(Float)
    office_label: Mapped[str | None] = mapped_column(Text)
    policy: Mapped[dict[str, Any]]
    given_defaults: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    staff: Mapped[list[Staff]] = relationship(
        back_populates="team", order_by="Staff.position", cascade="all, delete-orphan", passive_deletes=True
    )
    clients: Mapped[list[Client]] = relationship(
        back_populates="team", order_by="Client.position", cascade="all, delete-orphan", passive_deletes=True
    )


class Staff(Base):
    """A staff member of a team, as in the team file's ``staff`` list."""

    __tablename__ = "staff"

    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(Text)
    discipline: Mapped[str] = mapped_column(String(40))
    fte: Mapped[float] = mapped_column(Float)
    phone: Mapped[str | None] = mapped_column(Text)
    languages: Mapped[list[Any]] = mapped_column(default=list)
    skills: Mapped[list[Any]] = mapped_column(default=list)
    # No start of their own means the route starts at the team's office.
    start_lat: Mapped[float | None] = mapped_column(Float)
    start_lon: Mapped[float | None] = mapped_column(Float)
    start_label: Mapped[str | None] = mapped_column(Text)
    shifts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    max_visits_per_day: Mapped[int | None]
    on_call_roles: Mapped[list[Any]] = mapped_column(default=list)
    leave: Mapped[list[Any]] = mapped_column(default=list)
    # team@2: works on dates in [employed_from, employed_until); null when not given.
    employed_from: Mapped[dt.date | None] = mapped_column(Date)
    employed_until: Mapped[dt.date | None] = mapped_column(Date)
    # team@2 Part B: the staff member's ``contract`` as the file gave it; null for fixed hours.
    # SQL NULL, not JSON null, so a downgrade's way back up stores the very same value.
    contract: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    given_defaults: Mapped[list[Any]] = mapped_column(default=list)

    team: Mapped[Team] = relationship(back_populates="staff")


class Client(Base):
    """A client of a team, as in the team file's ``clients`` list; ``name`` is PHI, ``code`` is not."""

    __tablename__ = "clients"

    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    home_lat: Mapped[float] = mapped_column(Float)
    home_lon: Mapped[float] = mapped_column(Float)
    home_label: Mapped[str | None] = mapped_column(Text)
    acuity: Mapped[str] = mapped_column(Text)
    visits_per_week: Mapped[int | None]
    visit_minutes: Mapped[int | None]
    # None means "any time"; an empty dict means "never" (FORMATS.md keeps the two apart).
    availability: Mapped[dict[str, Any] | None]
    language: Mapped[str | None] = mapped_column(Text)
    primary: Mapped[str | None] = mapped_column(ID)
    itt: Mapped[list[Any] | None]
    excluded_staff: Mapped[list[Any]] = mapped_column(default=list)
    paired: Mapped[bool] = mapped_column(default=False)
    requirements: Mapped[list[Any]] = mapped_column(default=list)
    # team@2: on the program on dates in [admitted, discharged); its acuity changes and episodes.
    admitted: Mapped[dt.date | None] = mapped_column(Date)
    discharged: Mapped[dt.date | None] = mapped_column(Date)
    acuity_changes: Mapped[list[Any]] = mapped_column(default=list)
    episodes: Mapped[list[Any]] = mapped_column(default=list)
    given_defaults: Mapped[list[Any]] = mapped_column(default=list)

    team: Mapped[Team] = relationship(back_populates="clients")


class User(Base):
    """A login: a team lead, or a staff member linked to their Staff row."""

    __tablename__ = "users"
    __table_args__ = (
        # A staff login points at a Staff row of its own team; a lead's staff_id stays empty.
        ForeignKeyConstraint(["team_id", "staff_id"], ["staff.team_id", "staff.id"]),
        _one_of("role", ROLES, "role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(150), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(8))
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id"))
    staff_id: Mapped[str | None] = mapped_column(ID)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class ApiToken(Base):
    """A token of a user (see TOKEN_KINDS); only the SHA-256 of the token is kept.

    ``team_id`` names the team a ``rota_feed`` or ``on_call_link`` token shows.
    """

    __tablename__ = "api_tokens"
    __table_args__ = (_one_of("kind", TOKEN_KINDS, "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16), default="api")
    team_id: Mapped[str | None] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")


class UserSession(Base):
    """A browser's sign-in: the session cookie names it by a random key, of which only the SHA-256 is kept.

    Signing out, changing the password or deactivating the login revokes it, so a
    copied cookie stops working at once; it also ends at ``expires_at``.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]


class AuditEvent(Base):
    """Who did what to which record, and when (sign-ins, imports, exports, publishing, PHI views)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None]
    # The team the event concerns, which scopes the audit page; None: no team's (a failed sign-in
    # with an unknown name, the system). No foreign key: the trail outlives a deleted team.
    team_id: Mapped[str | None] = mapped_column(ID, index=True)


class Plan(Base):
    """One version of a team's plan for one week: a draft, the published one, or a superseded one."""

    __tablename__ = "plans"
    __table_args__ = (
        # Published versions are numbered 1, 2, … per team and week; drafts have none.
        UniqueConstraint("team_id", "week_start", "version"),
        Index("ix_plans_team_week_status", "team_id", "week_start", "status"),
        _one_of("status", PLAN_STATUSES, "status"),
        _one_of("source", PLAN_SOURCES, "source"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    week_start: Mapped[dt.date] = mapped_column(Date)
    # A re-plan's date F (plan@2 ``replan_from``): visits before it were kept, what happened counts.
    replan_from: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    version: Mapped[int | None]
    source: Mapped[str] = mapped_column(String(16))
    baseline_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    published_at: Mapped[dt.datetime | None]
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The plan file's solver block; no solver_status means the file had none.
    solver_status: Mapped[str | None] = mapped_column(Text)
    seconds: Mapped[float | None] = mapped_column(Float)
    objective: Mapped[float | None] = mapped_column(Float)
    bound: Mapped[float | None] = mapped_column(Float)
    moved: Mapped[int | None]
    caseload: Mapped[dict[str, Any]]
    unmet: Mapped[list[Any]] = mapped_column(default=list)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    given_defaults: Mapped[list[Any]] = mapped_column(default=list)

    visits: Mapped[list[Visit]] = relationship(
        back_populates="plan", order_by="Visit.position", cascade="all, delete-orphan", passive_deletes=True
    )
    on_call: Mapped[list[OnCallPeriod]] = relationship(
        back_populates="plan",
        order_by="OnCallPeriod.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    # plan@2 Part B: the working windows and breaks (none without Part B).
    shifts: Mapped[list[PlanShift]] = relationship(
        back_populates="plan",
        order_by="PlanShift.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    breaks: Mapped[list[PlanBreak]] = relationship(
        back_populates="plan",
        order_by="PlanBreak.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Visit(Base):
    """A visit of a plan; ``uid`` names it in calendars across the plan's versions."""

    __tablename__ = "visits"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(ID, primary_key=True)
    position: Mapped[int]
    # Random, never derived from ids: a calendar UID outlives the ids it would leak.
    uid: Mapped[str] = mapped_column(String(32), index=True)
    sequence: Mapped[int] = mapped_column(default=0)
    client_id: Mapped[str] = mapped_column(ID)
    staff: Mapped[list[Any]]
    date: Mapped[dt.date] = mapped_column(Date)
    start: Mapped[str] = mapped_column(String(5))
    end: Mapped[str] = mapped_column(String(5))
    purpose: Mapped[str | None] = mapped_column(Text)
    pinned: Mapped[bool] = mapped_column(default=False)
    # A plan@2 visit's ``place``, ``home`` or ``hospital``; None when the file gave none (a home visit).
    place: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    given_defaults: Mapped[list[Any]] = mapped_column(default=list)

    plan: Mapped[Plan] = relationship(back_populates="visits")


class OnCallPeriod(Base):
    """An on-call period of a plan; start and end are the team's local ``YYYY-MM-DDTHH:MM``."""

    __tablename__ = "on_call_periods"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[str] = mapped_column(ID)
    # Local date-time text sorts in time order, so "who is on call now" is a string comparison.
    start: Mapped[str] = mapped_column(String(16))
    end: Mapped[str] = mapped_column(String(16))
    uid: Mapped[str] = mapped_column(String(32), index=True)
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="on_call")


class PlanShift(Base):
    """A plan's working window of one staff member on one date (plan@2 ``shifts``).

    ``type`` is the contracted staff member's shift type, None for fixed hours;
    ``uid`` names the shift in the staff calendar feed across the plan's versions.
    """

    __tablename__ = "plan_shifts"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[str] = mapped_column(ID)
    date: Mapped[dt.date] = mapped_column(Date)
    type: Mapped[str | None] = mapped_column(String(100))
    start: Mapped[str] = mapped_column(String(5))
    end: Mapped[str] = mapped_column(String(5))
    pinned: Mapped[bool] = mapped_column(default=False)
    # Random, never derived from ids, like a visit's.
    uid: Mapped[str] = mapped_column(String(32), index=True)
    sequence: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    given_defaults: Mapped[list[Any]] = mapped_column(default=list)

    plan: Mapped[Plan] = relationship(back_populates="shifts")


class PlanBreak(Base):
    """A plan's break of one staff member on one date (plan@2 ``breaks``)."""

    __tablename__ = "plan_breaks"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    staff_id: Mapped[str] = mapped_column(ID)
    date: Mapped[dt.date] = mapped_column(Date)
    start: Mapped[str] = mapped_column(String(5))
    end: Mapped[str] = mapped_column(String(5))

    plan: Mapped[Plan] = relationship(back_populates="breaks")


class SolveJob(Base):
    """A solve of one team's week, queued for a worker process, with its live progress."""

    __tablename__ = "solve_jobs"
    __table_args__ = (
        # active is TRUE while queued or running and NULL after: NULLs never collide in a
        # unique index, so this allows one active job per team and week on SQLite and PostgreSQL.
        UniqueConstraint("team_id", "week_start", "active"),
        Index("ix_solve_jobs_status_id", "status", "id"),
        _one_of("status", JOB_STATUSES, "status"),
        CheckConstraint("active IS NULL OR active", name="active_true_or_null"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    week_start: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    # Follows status (see set_status); Core UPDATEs that change status must set it too.
    active: Mapped[bool | None] = mapped_column(Boolean)
    stop_requested: Mapped[bool] = mapped_column(default=False)
    time_limit: Mapped[float] = mapped_column(Float)
    seed: Mapped[int] = mapped_column(default=0)
    baseline_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    from_date: Mapped[dt.date | None] = mapped_column(Date)
    #: Part B: the staff (ids) whose shifts a re-plan chooses again instead of keeping the baseline's.
    re_roster: Mapped[list[Any]] = mapped_column(default=list)
    #: elapsed, best_objective, bound, unmet, phase — as the worker last reported them.
    progress: Mapped[dict[str, Any] | None]
    error: Mapped[str | None] = mapped_column(Text)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    worker_pid: Mapped[int | None]
    heartbeat_at: Mapped[dt.datetime | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("status", "queued")
        super().__init__(**kwargs)

    @validates("status")
    def set_status(self, _key: str, status: str) -> str:
        self.active = True if status in ACTIVE_JOB_STATUSES else None
        return status


class OnCallOverride(Base):
    """A swap or cover the team lead recorded: ``staff_id`` holds ``role`` over [start, end).

    It takes precedence over the published plan without a re-solve, and a later
    override over an earlier one. Start and end are the team's local
    ``YYYY-MM-DDTHH:MM``, like the plan's periods. Cancelling keeps the row (audit).
    """

    __tablename__ = "on_call_overrides"
    __table_args__ = (Index("ix_on_call_overrides_team_end", "team_id", "end"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    staff_id: Mapped[str] = mapped_column(ID)
    start: Mapped[str] = mapped_column(String(16))
    end: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text)
    # Random, like every calendar UID; the feed ledger keys the holder's pieces by it.
    uid: Mapped[str] = mapped_column(String(32))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[dt.datetime | None]
    cancelled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class FeedEvent(Base):
    """One event of one staff member's calendar feed, as last published: the feeds' ledger.

    Published plans and overrides are reconciled into it (``services.sync_feeds``),
    so each event keeps its UID, its SEQUENCE rises when what it shows changes,
    its ``updated_at`` (the DTSTAMP) stays put while nothing changes, and a removed
    event stays, cancelled, for a while. ``source`` is what it comes from: a visit's
    UID, or a rota piece (``period-or-override-uid:index``). Start and end are the
    team's local ``YYYY-MM-DDTHH:MM``. Holds no PHI: the client's code only.
    """

    __tablename__ = "feed_events"
    __table_args__ = (
        UniqueConstraint("team_id", "staff_id", "source"),
        _one_of("kind", FEED_EVENT_KINDS, "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    staff_id: Mapped[str] = mapped_column(ID)
    source: Mapped[str] = mapped_column(String(80))
    uid: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))
    sequence: Mapped[int] = mapped_column(default=0)
    start: Mapped[str] = mapped_column(String(16))
    end: Mapped[str] = mapped_column(String(16))
    #: The on-call role, for an on_call event.
    role: Mapped[str | None] = mapped_column(String(16))
    #: The holder's name as the rota feed shows it, for an on_call event: a rename raises SEQUENCE.
    holder: Mapped[str | None] = mapped_column(Text)
    #: The client's opaque code and the visit's purpose category, for a visit.
    client_code: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[dt.datetime | None]


CONTACT_OUTCOMES = ("done", "no_show", "refused", "cancelled")
CONTACT_MODES = ("face_to_face", "phone", "video")
CONTACT_PLACES = ("home", "community", "office", "hospital", "other")


class Contact(Base):
    """One entry of a team's contact log (``actplanner/contacts@1``): what happened, planned or not.

    ``key`` is the entry's ``id`` in the file (``"k-000001"``); ``week_start`` is the
    Monday of ``date``, so "one contact per visit of a week" is a unique constraint
    (an unplanned contact's ``visit_id`` is NULL, and NULLs never collide). PHI: never
    in a feed.
    """

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("team_id", "key"),
        UniqueConstraint("team_id", "week_start", "visit_id"),
        Index("ix_contacts_team_date", "team_id", "date"),
        _one_of("outcome", CONTACT_OUTCOMES, "outcome"),
        _one_of("mode", CONTACT_MODES, "mode"),
        _one_of("place", CONTACT_PLACES, "place"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(ID)
    client_id: Mapped[str] = mapped_column(ID)
    staff: Mapped[list[Any]]
    date: Mapped[dt.date] = mapped_column(Date)
    week_start: Mapped[dt.date] = mapped_column(Date)
    start: Mapped[str] = mapped_column(String(5))
    minutes: Mapped[int]
    outcome: Mapped[str] = mapped_column(String(16))
    mode: Mapped[str | None] = mapped_column(String(16))
    place: Mapped[str | None] = mapped_column(String(16))
    skills: Mapped[list[Any]] = mapped_column(default=list)
    visit_id: Mapped[str | None] = mapped_column(ID)
    #: Optional keys given although they held their default (``"skills": []``): the export is the import.
    given_defaults: Mapped[list[Any]] = mapped_column(default=list)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    corrected_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    corrected_at: Mapped[dt.datetime | None]
