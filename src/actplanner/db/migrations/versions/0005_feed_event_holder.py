"""Feed events remember the holder's name the rota feed shows, so renaming a staff member raises SEQUENCE

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:40:00.000000

Existing on-call events get their holder's current name, which is what their feeds
show now: the upgrade itself changes no event's SEQUENCE.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feed_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holder", sa.Text(), nullable=True))
    op.execute(
        # As the rota feed names them (feeds.service): the staff member's name, else their id.
        "UPDATE feed_events SET holder = COALESCE((SELECT s.name FROM staff s"
        " WHERE s.team_id = feed_events.team_id AND s.id = feed_events.staff_id), feed_events.staff_id)"
        " WHERE kind = 'on_call'"
    )


def downgrade() -> None:
    # The names are still in the staff table: a later upgrade fills the column again.
    with op.batch_alter_table("feed_events", schema=None) as batch_op:
        batch_op.drop_column("holder")
