"""Initial schema: teams, plans, users, tokens, audit, solve jobs

Revision ID: 0001
Revises:
Create Date: 2026-11-23 21:55:39.400912
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from actplanner.db.migrations.downgrades import (
    counted,
    kept_tables,
    listed,
    refuse_unless_consented,
    require_database,
    row_count,
)

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("office_lat", sa.Float(), nullable=False),
        sa.Column("office_lon", sa.Float(), nullable=False),
        sa.Column("office_label", sa.Text(), nullable=True),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("given_defaults", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
    )
    op.create_table(
        "clients",
        sa.Column("team_id", sa.String(length=100), nullable=False),
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("home_lat", sa.Float(), nullable=False),
        sa.Column("home_lon", sa.Float(), nullable=False),
        sa.Column("home_label", sa.Text(), nullable=True),
        sa.Column("acuity", sa.Text(), nullable=False),
        sa.Column("visits_per_week", sa.Integer(), nullable=True),
        sa.Column("visit_minutes", sa.Integer(), nullable=True),
        sa.Column("availability", sa.JSON(), nullable=True),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("primary", sa.String(length=100), nullable=True),
        sa.Column("itt", sa.JSON(), nullable=True),
        sa.Column("excluded_staff", sa.JSON(), nullable=False),
        sa.Column("paired", sa.Boolean(), nullable=False),
        sa.Column("requirements", sa.JSON(), nullable=False),
        sa.Column("given_defaults", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_clients_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "id", name=op.f("pk_clients")),
    )
    op.create_table(
        "staff",
        sa.Column("team_id", sa.String(length=100), nullable=False),
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("discipline", sa.String(length=40), nullable=False),
        sa.Column("fte", sa.Float(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("start_lat", sa.Float(), nullable=True),
        sa.Column("start_lon", sa.Float(), nullable=True),
        sa.Column("start_label", sa.Text(), nullable=True),
        sa.Column("shifts", sa.JSON(), nullable=False),
        sa.Column("max_visits_per_day", sa.Integer(), nullable=True),
        sa.Column("on_call_roles", sa.JSON(), nullable=False),
        sa.Column("leave", sa.JSON(), nullable=False),
        sa.Column("given_defaults", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_staff_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "id", name=op.f("pk_staff")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=8), nullable=False),
        sa.Column("team_id", sa.String(length=100), nullable=True),
        sa.Column("staff_id", sa.String(length=100), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('lead', 'staff')", name=op.f("ck_users_role")),
        sa.ForeignKeyConstraint(
            ["team_id", "staff_id"],
            ["staff.team_id", "staff.id"],
            name=op.f("fk_users_team_id_staff_id_staff"),
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_users_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_audit_events_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_user_id"), ["user_id"], unique=False)

    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=100), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("baseline_plan_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("solver_status", sa.Text(), nullable=True),
        sa.Column("seconds", sa.Float(), nullable=True),
        sa.Column("objective", sa.Float(), nullable=True),
        sa.Column("bound", sa.Float(), nullable=True),
        sa.Column("moved", sa.Integer(), nullable=True),
        sa.Column("caseload", sa.JSON(), nullable=False),
        sa.Column("unmet", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("given_defaults", sa.JSON(), nullable=False),
        sa.CheckConstraint("source IN ('solve', 'replan', 'edit')", name=op.f("ck_plans_source")),
        sa.CheckConstraint("status IN ('draft', 'published', 'superseded')", name=op.f("ck_plans_status")),
        sa.ForeignKeyConstraint(
            ["baseline_plan_id"],
            ["plans.id"],
            name=op.f("fk_plans_baseline_plan_id_plans"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["published_by"], ["users.id"], name=op.f("fk_plans_published_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_plans_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
        sa.UniqueConstraint(
            "team_id", "week_start", "version", name=op.f("uq_plans_team_id_week_start_version")
        ),
    )
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.create_index("ix_plans_team_week_status", ["team_id", "week_start", "status"], unique=False)

    op.create_table(
        "on_call_periods",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("staff_id", sa.String(length=100), nullable=False),
        sa.Column("start", sa.String(length=16), nullable=False),
        sa.Column("end", sa.String(length=16), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_on_call_periods_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("plan_id", "position", name=op.f("pk_on_call_periods")),
    )
    with op.batch_alter_table("on_call_periods", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_on_call_periods_uid"), ["uid"], unique=False)

    op.create_table(
        "solve_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=100), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=True),
        sa.Column("stop_requested", sa.Boolean(), nullable=False),
        sa.Column("time_limit", sa.Float(), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("baseline_plan_id", sa.Integer(), nullable=True),
        sa.Column("from_date", sa.Date(), nullable=True),
        sa.Column("progress", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("plan_id", sa.Integer(), nullable=True),
        sa.Column("worker_pid", sa.Integer(), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'stopped')", name=op.f("ck_solve_jobs_status")
        ),
        sa.CheckConstraint("active IS NULL OR active", name=op.f("ck_solve_jobs_active_true_or_null")),
        sa.ForeignKeyConstraint(
            ["baseline_plan_id"],
            ["plans.id"],
            name=op.f("fk_solve_jobs_baseline_plan_id_plans"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_solve_jobs_plan_id_plans"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_solve_jobs_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_solve_jobs")),
        sa.UniqueConstraint(
            "team_id", "week_start", "active", name=op.f("uq_solve_jobs_team_id_week_start_active")
        ),
    )
    with op.batch_alter_table("solve_jobs", schema=None) as batch_op:
        batch_op.create_index("ix_solve_jobs_status_id", ["status", "id"], unique=False)

    op.create_table(
        "visits",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=100), nullable=False),
        sa.Column("staff", sa.JSON(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("start", sa.String(length=5), nullable=False),
        sa.Column("end", sa.String(length=5), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("given_defaults", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_visits_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("plan_id", "id", name=op.f("pk_visits")),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visits_uid"), ["uid"], unique=False)


#: What each table's rows are, in the words of the downgrade's refusal.
ROWS = {
    "teams": ("team", "teams"),
    "staff": ("staff member", "staff members"),
    "clients": ("client", "clients"),
    "users": ("login", "logins"),
    "api_tokens": ("token", "tokens"),
    "audit_events": ("audit event", "audit events"),
    "plans": ("plan", "plans"),
    "on_call_periods": ("on-call period", "on-call periods"),
    "solve_jobs": ("solve job", "solve jobs"),
    "visits": ("visit", "visits"),
}


def downgrade() -> None:
    require_database("0001")
    # Below this revision there is no database at all: everything goes, so only with consent.
    lost = [counted(n, *ROWS[table]) for table in ROWS if (n := row_count(table))]
    lost += [f"{counted(n, 'row', 'rows')} of {table}" for table in kept_tables() if (n := row_count(table))]
    if lost:
        refuse_unless_consented("0001", f"would delete every table and all it holds: {listed(lost)}")
    # Before the tables they point at (teams, users).
    for table in kept_tables():
        op.drop_table(table)
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visits_uid"))

    op.drop_table("visits")
    with op.batch_alter_table("solve_jobs", schema=None) as batch_op:
        batch_op.drop_index("ix_solve_jobs_status_id")

    op.drop_table("solve_jobs")
    with op.batch_alter_table("on_call_periods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_on_call_periods_uid"))

    op.drop_table("on_call_periods")
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.drop_index("ix_plans_team_week_status")

    op.drop_table("plans")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))

    op.drop_table("audit_events")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    op.drop_table("users")
    op.drop_table("staff")
    op.drop_table("clients")
    op.drop_table("teams")
