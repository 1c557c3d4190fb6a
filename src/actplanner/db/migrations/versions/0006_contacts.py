"""The contact log: what actually happened at each visit, and the contacts no plan held

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 13:30:00.000000

The downgrade keeps the log (the table renamed ``kept_0006_contacts``) and the
upgrade brings it back: a contact log is the clinical record of care delivered,
which no schema change may quietly lose.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from actplanner.db.migrations.downgrades import has_table, kept

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEPT_CONTACTS = kept("0006", "contacts")


def upgrade() -> None:
    if has_table(KEPT_CONTACTS):
        op.rename_table(KEPT_CONTACTS, "contacts")
        return
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("client_id", sa.String(length=100), nullable=False),
        sa.Column("staff", sa.JSON(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("start", sa.String(length=5), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=True),
        sa.Column("place", sa.String(length=16), nullable=True),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("visit_id", sa.String(length=100), nullable=True),
        sa.Column("given_defaults", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("corrected_by", sa.Integer(), nullable=True),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("mode IN ('face_to_face', 'phone', 'video')", name=op.f("ck_contacts_mode")),
        sa.CheckConstraint(
            "outcome IN ('done', 'no_show', 'refused', 'cancelled')", name=op.f("ck_contacts_outcome")
        ),
        sa.CheckConstraint(
            "place IN ('home', 'community', 'office', 'hospital', 'other')", name=op.f("ck_contacts_place")
        ),
        sa.ForeignKeyConstraint(
            ["corrected_by"], ["users.id"], name=op.f("fk_contacts_corrected_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_contacts_recorded_by_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_contacts_team_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint("team_id", "key", name=op.f("uq_contacts_team_id_key")),
        sa.UniqueConstraint(
            "team_id", "week_start", "visit_id", name=op.f("uq_contacts_team_id_week_start_visit_id")
        ),
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index("ix_contacts_team_date", ["team_id", "date"], unique=False)


def downgrade() -> None:
    # Renamed whole (rows, keys and index), so the upgrade's rename gives back the very table.
    op.rename_table("contacts", KEPT_CONTACTS)
