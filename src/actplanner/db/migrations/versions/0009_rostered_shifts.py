"""Rostered shifts (FORMATS.md Part B): staff contracts, a plan's shifts and breaks

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 17:30:00.000000

``staff.contract`` is a team@2 staff member's ``contract`` as the file gave it
(null for fixed hours). ``plan_shifts`` and ``plan_breaks`` hold a plan@2 file's
``shifts`` and ``breaks``; a shift has a random calendar ``uid`` and a
``sequence`` like a visit. The policy's Part B keys (``holidays``,
``shift_types``, ``coverage``, ``breaks``, ``team_meeting``) and a fixed shift's
``holiday`` entry live in JSON columns the schema already has. The feeds' ledger
(``feed_events``) gains the kinds ``shift`` and ``break``; a solve job, the staff it
re-rosters (``solve_jobs.re_roster``, a list of ids).

The downgrade keeps all of it for the way back up and leaves the older version
a team it can read: the plan tables are renamed whole (``kept_0009_plan_shifts``,
``kept_0009_plan_breaks``: their rows stay with their plan, and go when it is
deleted); a contract, and a fixed shifts map with a ``holiday`` entry, go to
``kept_0009_staff`` (the map left without it); a policy with Part B keys is kept
whole in ``kept_0009_policies`` and left without them; the ledger's shift and
break events move to ``kept_0009_feed_events`` (the older version's feeds no
longer show them, as it has no shifts); a job's non-empty ``re_roster`` goes to
``kept_0009_job_re_roster``. The upgrade renames the
plan tables back and puts the staff member's contract and shifts and the policy
back where the older version did not change them meanwhile (a change made then
is the newer word and stays; a contract is not put back on a staff member the
older version gave other hours, who would then have both).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from actplanner.db.migrations.downgrades import has_table, kept, require_database

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEPT_SHIFTS = kept("0009", "plan_shifts")
KEPT_BREAKS = kept("0009", "plan_breaks")
KEPT_STAFF = kept("0009", "staff")
KEPT_POLICIES = kept("0009", "policies")
KEPT_FEED_EVENTS = kept("0009", "feed_events")
KEPT_RE_ROSTER = kept("0009", "job_re_roster")
#: The ledger's kinds before and after this revision.
OLD_KINDS = "kind IN ('visit', 'on_call')"
NEW_KINDS = "kind IN ('visit', 'on_call', 'shift', 'break')"
#: The ledger's columns, as 0002 and 0005 made them.
FEED_EVENT_COLUMNS = (
    ("id", sa.Integer(), False),
    ("team_id", sa.String(length=100), False),
    ("staff_id", sa.String(length=100), False),
    ("source", sa.String(length=80), False),
    ("uid", sa.String(length=32), False),
    ("kind", sa.String(length=8), False),
    ("sequence", sa.Integer(), False),
    ("start", sa.String(length=16), False),
    ("end", sa.String(length=16), False),
    ("role", sa.String(length=16), True),
    ("holder", sa.Text(), True),
    ("client_code", sa.Text(), True),
    ("purpose", sa.Text(), True),
    ("updated_at", sa.DateTime(timezone=True), False),
    ("cancelled_at", sa.DateTime(timezone=True), True),
)
#: The policy keys Part B adds.
PART_B_POLICY_KEYS = ("holidays", "shift_types", "coverage", "breaks", "team_meeting")
#: A fixed shifts map's entry for holidays (Part B).
HOLIDAY = "holiday"

_teams = sa.table("teams", sa.column("id", sa.String(100)), sa.column("policy", sa.JSON()))
_staff = sa.table(
    "staff",
    sa.column("team_id", sa.String(100)),
    sa.column("id", sa.String(100)),
    sa.column("shifts", sa.JSON()),
    sa.column("contract", sa.JSON(none_as_null=True)),
)
_kept_staff = sa.table(
    KEPT_STAFF,
    sa.column("team_id", sa.String(100)),
    sa.column("staff_id", sa.String(100)),
    sa.column("contract", sa.JSON(none_as_null=True)),
    sa.column("shifts", sa.JSON()),
    sa.column("shifts_left", sa.JSON()),
)
_events = sa.table("feed_events", *(sa.column(name, kind) for name, kind, _ in FEED_EVENT_COLUMNS))
_kept_events = sa.table(KEPT_FEED_EVENTS, *(sa.column(name, kind) for name, kind, _ in FEED_EVENT_COLUMNS))
_jobs = sa.table(
    "solve_jobs",
    sa.column("id", sa.Integer()),
    sa.column("team_id", sa.String(100)),
    sa.column("re_roster", sa.JSON()),
)
_kept_jobs = sa.table(
    KEPT_RE_ROSTER,
    sa.column("job_id", sa.Integer()),
    sa.column("team_id", sa.String(100)),
    sa.column("re_roster", sa.JSON()),
)
_kept_policies = sa.table(
    KEPT_POLICIES,
    sa.column("team_id", sa.String(100)),
    sa.column("policy", sa.JSON()),
    sa.column("policy_left", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contract", sa.JSON(), nullable=True))
    with op.batch_alter_table("solve_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("re_roster", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    if has_table(KEPT_RE_ROSTER):
        same_job = sa.and_(_kept_jobs.c.job_id == _jobs.c.id, _kept_jobs.c.team_id == _jobs.c.team_id)
        op.execute(
            _jobs.update()
            .where(sa.select(_kept_jobs.c.job_id).where(same_job).exists())
            .values(re_roster=sa.select(_kept_jobs.c.re_roster).where(same_job).scalar_subquery())
        )
        op.drop_table(KEPT_RE_ROSTER)
    if has_table(KEPT_SHIFTS):
        # Renamed whole (rows, keys and index), so the way back gives the very table.
        op.rename_table(KEPT_SHIFTS, "plan_shifts")
    else:
        op.create_table(
            "plan_shifts",
            sa.Column("plan_id", sa.Integer(), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("staff_id", sa.String(length=100), nullable=False),
            sa.Column("date", sa.Date(), nullable=False),
            sa.Column("type", sa.String(length=100), nullable=True),
            sa.Column("start", sa.String(length=5), nullable=False),
            sa.Column("end", sa.String(length=5), nullable=False),
            sa.Column("pinned", sa.Boolean(), nullable=False),
            sa.Column("uid", sa.String(length=32), nullable=False),
            sa.Column("sequence", sa.Integer(), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("given_defaults", sa.JSON(), nullable=False),
            sa.ForeignKeyConstraint(
                ["plan_id"], ["plans.id"], name=op.f("fk_plan_shifts_plan_id_plans"), ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("plan_id", "position", name=op.f("pk_plan_shifts")),
        )
        with op.batch_alter_table("plan_shifts", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_plan_shifts_uid"), ["uid"], unique=False)
    if has_table(KEPT_BREAKS):
        op.rename_table(KEPT_BREAKS, "plan_breaks")
    else:
        op.create_table(
            "plan_breaks",
            sa.Column("plan_id", sa.Integer(), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("staff_id", sa.String(length=100), nullable=False),
            sa.Column("date", sa.Date(), nullable=False),
            sa.Column("start", sa.String(length=5), nullable=False),
            sa.Column("end", sa.String(length=5), nullable=False),
            sa.ForeignKeyConstraint(
                ["plan_id"], ["plans.id"], name=op.f("fk_plan_breaks_plan_id_plans"), ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("plan_id", "position", name=op.f("pk_plan_breaks")),
        )
    if has_table(KEPT_STAFF):
        bind = op.get_bind()
        for row in bind.execute(sa.select(_kept_staff)).mappings().all():
            same = sa.and_(_staff.c.team_id == row["team_id"], _staff.c.id == row["staff_id"])
            now = bind.execute(sa.select(_staff.c.shifts).where(same)).one_or_none()
            if now is None or now[0] != row["shifts_left"]:
                continue
            bind.execute(_staff.update().where(same).values(contract=row["contract"], shifts=row["shifts"]))
        op.drop_table(KEPT_STAFF)
    if has_table(KEPT_POLICIES):
        bind = op.get_bind()
        for row in bind.execute(sa.select(_kept_policies)).mappings().all():
            same_team = _teams.c.id == row["team_id"]
            now = bind.execute(sa.select(_teams.c.policy).where(same_team)).scalar_one_or_none()
            if now == row["policy_left"]:
                bind.execute(_teams.update().where(same_team).values(policy=row["policy"]))
        op.drop_table(KEPT_POLICIES)
    with op.batch_alter_table("feed_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_feed_events_kind"), type_="check")
        batch_op.create_check_constraint("kind", NEW_KINDS)
    if has_table(KEPT_FEED_EVENTS):
        # Back where nothing took their place meanwhile (the same id, or the same staff and source).
        taken = sa.or_(
            _events.c.id == _kept_events.c.id,
            sa.and_(
                _events.c.team_id == _kept_events.c.team_id,
                _events.c.staff_id == _kept_events.c.staff_id,
                _events.c.source == _kept_events.c.source,
            ),
        )
        names = [name for name, _, _ in FEED_EVENT_COLUMNS]
        op.execute(
            _events.insert().from_select(
                names,
                sa.select(*(_kept_events.c[name] for name in names)).where(
                    ~sa.select(_events.c.id).where(taken).exists()
                ),
            )
        )
        op.drop_table(KEPT_FEED_EVENTS)


def _shifts_left(shifts: Any) -> Any:
    """A fixed shifts map as the older version says it: no ``holiday`` entry."""
    if isinstance(shifts, dict) and HOLIDAY in shifts:
        return {day: window for day, window in shifts.items() if day != HOLIDAY}
    return shifts


def _policy_left(policy: dict[str, Any]) -> dict[str, Any]:
    """A policy as the older version says it: no Part B keys."""
    return {key: value for key, value in policy.items() if key not in PART_B_POLICY_KEYS}


def downgrade() -> None:
    require_database("0009")
    bind = op.get_bind()
    op.create_table(
        KEPT_FEED_EVENTS,
        *(sa.Column(name, kind, nullable=nullable) for name, kind, nullable in FEED_EVENT_COLUMNS),
        sa.PrimaryKeyConstraint("id"),
    )
    names = [name for name, _, _ in FEED_EVENT_COLUMNS]
    shift_kinds = _events.c.kind.in_(("shift", "break"))
    op.execute(
        _kept_events.insert().from_select(
            names, sa.select(*(_events.c[name] for name in names)).where(shift_kinds)
        )
    )
    op.execute(_events.delete().where(shift_kinds))
    with op.batch_alter_table("feed_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_feed_events_kind"), type_="check")
        batch_op.create_check_constraint("kind", OLD_KINDS)
    op.rename_table("plan_shifts", KEPT_SHIFTS)
    op.rename_table("plan_breaks", KEPT_BREAKS)
    op.create_table(
        KEPT_STAFF,
        sa.Column("team_id", sa.String(length=100), primary_key=True),
        sa.Column("staff_id", sa.String(length=100), primary_key=True),
        sa.Column("contract", sa.JSON(), nullable=True),
        # The whole shifts map, and what the downgrade left of it (the same when it had no holiday).
        sa.Column("shifts", sa.JSON(), nullable=False),
        sa.Column("shifts_left", sa.JSON(), nullable=False),
    )
    for row in bind.execute(sa.select(_staff)).mappings().all():
        shifts = row["shifts"] if row["shifts"] is not None else {}
        left = _shifts_left(shifts)
        if row["contract"] is None and left == shifts:
            continue
        bind.execute(
            _kept_staff.insert().values(
                team_id=row["team_id"],
                staff_id=row["id"],
                contract=row["contract"],
                shifts=shifts,
                shifts_left=left,
            )
        )
        if left != shifts:
            same = sa.and_(_staff.c.team_id == row["team_id"], _staff.c.id == row["id"])
            bind.execute(_staff.update().where(same).values(shifts=left))
    op.create_table(
        KEPT_POLICIES,
        sa.Column("team_id", sa.String(length=100), primary_key=True),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("policy_left", sa.JSON(), nullable=False),
    )
    for team_id, policy in bind.execute(sa.select(_teams.c.id, _teams.c.policy)).all():
        policy_left = _policy_left(policy)
        if policy_left != policy:
            bind.execute(
                _kept_policies.insert().values(team_id=team_id, policy=policy, policy_left=policy_left)
            )
            bind.execute(_teams.update().where(_teams.c.id == team_id).values(policy=policy_left))
    op.create_table(
        KEPT_RE_ROSTER,
        sa.Column("job_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("team_id", sa.String(length=100), nullable=False),
        sa.Column("re_roster", sa.JSON(), nullable=False),
    )
    for job_id, team_id, re_roster in bind.execute(
        sa.select(_jobs.c.id, _jobs.c.team_id, _jobs.c.re_roster)
    ).all():
        if re_roster:
            bind.execute(_kept_jobs.insert().values(job_id=job_id, team_id=team_id, re_roster=re_roster))
    # SQLite drops the columns in place (3.35 and later), as 0007 does: no copy of the tables.
    with op.batch_alter_table("solve_jobs", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("re_roster")
    with op.batch_alter_table("staff", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("contract")
