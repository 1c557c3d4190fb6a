"""Feed events remember the holder's name the rota feed shows, so renaming a staff member raises SEQUENCE

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:40:00.000000

Existing on-call events get their holder's current name, which is what their feeds
show now: the upgrade itself changes no event's SEQUENCE.

The downgrade keeps each event's holder (``kept_0005_feed_event_holders``) and the
upgrade puts it back: filled from today's names instead, a rename made while
downgraded would reach the feeds without a higher SEQUENCE.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from actplanner.db.migrations.downgrades import has_table, kept

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEPT_HOLDERS = kept("0005", "feed_event_holders")
_events = sa.table(
    "feed_events",
    sa.column("id", sa.Integer()),
    sa.column("uid", sa.String(32)),
    sa.column("holder", sa.Text()),
)
_kept = sa.table(
    KEPT_HOLDERS,
    sa.column("event_id", sa.Integer()),
    sa.column("uid", sa.String(32)),
    sa.column("holder", sa.Text()),
)


def upgrade() -> None:
    with op.batch_alter_table("feed_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holder", sa.Text(), nullable=True))
    if has_table(KEPT_HOLDERS):
        # The names the feeds showed before a downgrade: the reconcile after the upgrade
        # (env.py) raises SEQUENCE where a name changed meanwhile.
        same_event = sa.and_(_kept.c.event_id == _events.c.id, _kept.c.uid == _events.c.uid)
        op.execute(
            _events.update()
            .where(sa.select(_kept.c.event_id).where(same_event).exists())
            .values(holder=sa.select(_kept.c.holder).where(same_event).scalar_subquery())
        )
        op.drop_table(KEPT_HOLDERS)
    op.execute(
        # As the rota feed names them (feeds.service): the staff member's name, else their id.
        "UPDATE feed_events SET holder = COALESCE((SELECT s.name FROM staff s"
        " WHERE s.team_id = feed_events.team_id AND s.id = feed_events.staff_id), feed_events.staff_id)"
        " WHERE kind = 'on_call' AND holder IS NULL"
    )


def downgrade() -> None:
    op.create_table(
        KEPT_HOLDERS,
        sa.Column("event_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("uid", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.Text(), nullable=False),
    )
    op.execute(
        _kept.insert().from_select(
            ["event_id", "uid", "holder"],
            sa.select(_events.c.id, _events.c.uid, _events.c.holder).where(_events.c.holder.is_not(None)),
        )
    )
    with op.batch_alter_table("feed_events", schema=None) as batch_op:
        batch_op.drop_column("holder")
