"""Calendar feeds and on-call overrides: token kinds, the feed ledger, swaps and covers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 23:48:23.992087
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=100), nullable=False),
        sa.Column("staff_id", sa.String(length=100), nullable=False),
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("start", sa.String(length=16), nullable=False),
        sa.Column("end", sa.String(length=16), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=True),
        sa.Column("client_code", sa.Text(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kind IN ('visit', 'on_call')", name=op.f("ck_feed_events_kind")),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_feed_events_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_events")),
        sa.UniqueConstraint(
            "team_id", "staff_id", "source", name=op.f("uq_feed_events_team_id_staff_id_source")
        ),
    )
    op.create_table(
        "on_call_overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("staff_id", sa.String(length=100), nullable=False),
        sa.Column("start", sa.String(length=16), nullable=False),
        sa.Column("end", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cancelled_by"],
            ["users.id"],
            name=op.f("fk_on_call_overrides_cancelled_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_on_call_overrides_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_on_call_overrides_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_on_call_overrides")),
    )
    with op.batch_alter_table("on_call_overrides", schema=None) as batch_op:
        batch_op.create_index("ix_on_call_overrides_team_end", ["team_id", "end"], unique=False)

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        # Every token made before feeds existed is a personal API token.
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="api"))
        batch_op.add_column(sa.Column("team_id", sa.String(length=100), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_api_tokens_team_id_teams"), "teams", ["team_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_check_constraint("kind", "kind IN ('api', 'feed', 'rota_feed', 'on_call_link')")


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_api_tokens_kind"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_api_tokens_team_id_teams"), type_="foreignkey")
        batch_op.drop_column("team_id")
        batch_op.drop_column("kind")

    with op.batch_alter_table("on_call_overrides", schema=None) as batch_op:
        batch_op.drop_index("ix_on_call_overrides_team_end")

    op.drop_table("on_call_overrides")
    op.drop_table("feed_events")
