"""Plans remember the re-plan date they were made from, and visits where they happen (home or hospital)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 15:00:00.000000

``plans.replan_from`` is a plan@2 file's ``replan_from`` (FORMATS.md: the date F
of a re-plan, before which the visits were kept and what happened counts);
``visits.place`` a plan@2 visit's ``place`` (``home`` or ``hospital``; null when
the file gave none, which is a home visit).

The downgrade keeps every non-null value (``kept_0007_plan_replan_from`` and
``kept_0007_visit_places``, with what identifies the plan and visit) and the
upgrade puts them back where the same plan and visit still are: without it, a
made-up week would come back as a plan made from scratch, and its publish check
would count the week's no-shows as planned visits missing.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from actplanner.db.migrations.downgrades import has_table, kept

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEPT_REPLAN_FROM = kept("0007", "plan_replan_from")
KEPT_PLACES = kept("0007", "visit_places")

_plans = sa.table(
    "plans",
    sa.column("id", sa.Integer()),
    sa.column("team_id", sa.String(100)),
    sa.column("week_start", sa.Date()),
    sa.column("replan_from", sa.Date()),
)
_visits = sa.table(
    "visits",
    sa.column("plan_id", sa.Integer()),
    sa.column("id", sa.String(100)),
    sa.column("client_id", sa.String(100)),
    sa.column("date", sa.Date()),
    sa.column("place", sa.String(16)),
)
_kept_plans = sa.table(
    KEPT_REPLAN_FROM,
    sa.column("plan_id", sa.Integer()),
    sa.column("team_id", sa.String(100)),
    sa.column("week_start", sa.Date()),
    sa.column("replan_from", sa.Date()),
)
_kept_visits = sa.table(
    KEPT_PLACES,
    sa.column("plan_id", sa.Integer()),
    sa.column("visit_id", sa.String(100)),
    sa.column("client_id", sa.String(100)),
    sa.column("date", sa.Date()),
    sa.column("place", sa.String(16)),
)


def upgrade() -> None:
    with op.batch_alter_table("plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replan_from", sa.Date(), nullable=True))
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("place", sa.String(length=16), nullable=True))
    if has_table(KEPT_REPLAN_FROM):
        # Only onto the same plan: an id the older version reused for another plan matches no row.
        same_plan = sa.and_(
            _kept_plans.c.plan_id == _plans.c.id,
            _kept_plans.c.team_id == _plans.c.team_id,
            _kept_plans.c.week_start == _plans.c.week_start,
        )
        op.execute(
            _plans.update()
            .where(sa.select(_kept_plans.c.plan_id).where(same_plan).exists())
            .values(replan_from=sa.select(_kept_plans.c.replan_from).where(same_plan).scalar_subquery())
        )
        op.drop_table(KEPT_REPLAN_FROM)
    if has_table(KEPT_PLACES):
        same_visit = sa.and_(
            _kept_visits.c.plan_id == _visits.c.plan_id,
            _kept_visits.c.visit_id == _visits.c.id,
            _kept_visits.c.client_id == _visits.c.client_id,
            _kept_visits.c.date == _visits.c.date,
        )
        op.execute(
            _visits.update()
            .where(sa.select(_kept_visits.c.plan_id).where(same_visit).exists())
            .values(place=sa.select(_kept_visits.c.place).where(same_visit).scalar_subquery())
        )
        op.drop_table(KEPT_PLACES)


def downgrade() -> None:
    op.create_table(
        KEPT_REPLAN_FROM,
        sa.Column("plan_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("team_id", sa.String(length=100), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("replan_from", sa.Date(), nullable=False),
    )
    op.execute(
        _kept_plans.insert().from_select(
            ["plan_id", "team_id", "week_start", "replan_from"],
            sa.select(_plans.c.id, _plans.c.team_id, _plans.c.week_start, _plans.c.replan_from).where(
                _plans.c.replan_from.is_not(None)
            ),
        )
    )
    op.create_table(
        KEPT_PLACES,
        sa.Column("plan_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("visit_id", sa.String(length=100), primary_key=True),
        sa.Column("client_id", sa.String(length=100), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("place", sa.String(length=16), nullable=False),
    )
    op.execute(
        _kept_visits.insert().from_select(
            ["plan_id", "visit_id", "client_id", "date", "place"],
            sa.select(
                _visits.c.plan_id, _visits.c.id, _visits.c.client_id, _visits.c.date, _visits.c.place
            ).where(_visits.c.place.is_not(None)),
        )
    )
    # SQLite drops the columns in place (3.35 and later): copying ``plans`` and dropping the
    # original, as batch mode would, deletes every visit through the cascade.
    with op.batch_alter_table("visits", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("place")
    with op.batch_alter_table("plans", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("replan_from")
