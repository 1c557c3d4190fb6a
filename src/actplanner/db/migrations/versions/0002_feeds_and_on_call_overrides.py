"""Calendar feeds and on-call overrides: token kinds, the feed ledger, swaps and covers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 23:48:23.992087

The downgrade keeps the overrides and the feed ledger (renamed ``kept_0002_*``) and
each feed and on-call link token's kind, and revokes those tokens: the older schema
has no kinds, so it would take every token for a personal API token (an answering
service's link would then read client names). The upgrade brings all of it back,
and lifts that revocation from the tokens of logins still active. A ledger kept
through a downgrade keeps its UIDs and SEQUENCE numbers; ``env.py`` reconciles it
with what was published meanwhile once the database is at head again.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from actplanner.db.migrations.downgrades import has_table, kept

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEPT_FEED_EVENTS = kept("0002", "feed_events")
KEPT_OVERRIDES = kept("0002", "on_call_overrides")
#: Each token's kind and team, and when the downgrade revoked it (None: it was revoked already).
KEPT_TOKENS = kept("0002", "token_kinds")

_tokens = sa.table(
    "api_tokens",
    sa.column("id", sa.Integer()),
    sa.column("user_id", sa.Integer()),
    sa.column("token_hash", sa.String(64)),
    sa.column("kind", sa.String(16)),
    sa.column("team_id", sa.String(100)),
    sa.column("revoked_at", sa.DateTime(timezone=True)),
)
_kept_tokens = sa.table(
    KEPT_TOKENS,
    sa.column("token_id", sa.Integer()),
    sa.column("token_hash", sa.String(64)),
    sa.column("kind", sa.String(16)),
    sa.column("team_id", sa.String(100)),
    sa.column("revoked_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    if has_table(KEPT_FEED_EVENTS):
        op.rename_table(KEPT_FEED_EVENTS, "feed_events")
    else:
        _create_feed_events()
    if has_table(KEPT_OVERRIDES):
        op.rename_table(KEPT_OVERRIDES, "on_call_overrides")
    else:
        _create_on_call_overrides()

    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        # Every token made before feeds existed is a personal API token; a downgrade kept the others' kinds.
        batch_op.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="api"))
        batch_op.add_column(sa.Column("team_id", sa.String(length=100), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_api_tokens_team_id_teams"), "teams", ["team_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_check_constraint("kind", "kind IN ('api', 'feed', 'rota_feed', 'on_call_link')")
    if has_table(KEPT_TOKENS):
        _restore_token_kinds()
        op.drop_table(KEPT_TOKENS)


def _restore_token_kinds() -> None:
    same_token = sa.and_(
        _kept_tokens.c.token_id == _tokens.c.id, _kept_tokens.c.token_hash == _tokens.c.token_hash
    )
    kept_row = sa.select(_kept_tokens).where(same_token)
    # A token of a team deleted meanwhile goes, as the team's deletion takes it at head.
    op.execute(
        _tokens.delete().where(
            kept_row.where(
                _kept_tokens.c.team_id.is_not(None),
                _kept_tokens.c.team_id.not_in(sa.select(sa.table("teams", sa.column("id")).c.id)),
            ).exists()
        )
    )
    op.execute(
        _tokens.update()
        .where(kept_row.exists())
        .values(
            kind=sa.select(_kept_tokens.c.kind).where(same_token).scalar_subquery(),
            team_id=sa.select(_kept_tokens.c.team_id).where(same_token).scalar_subquery(),
        )
    )
    # What the downgrade revoked works again, unless its login was deactivated meanwhile (or its
    # revocation was rewritten): the older version had no use for these tokens, so nothing else ends them.
    users = sa.table("users", sa.column("id", sa.Integer()), sa.column("active", sa.Boolean()))
    op.execute(
        _tokens.update()
        .where(
            kept_row.where(_kept_tokens.c.revoked_at == _tokens.c.revoked_at).exists(),
            sa.select(users.c.id).where(users.c.id == _tokens.c.user_id, users.c.active.is_(True)).exists(),
        )
        .values(revoked_at=None)
    )


def _create_feed_events() -> None:
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


def _create_on_call_overrides() -> None:
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


def downgrade() -> None:
    op.create_table(
        KEPT_TOKENS,
        sa.Column("token_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("team_id", sa.String(length=100), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    now = datetime.now(UTC)
    personal = _tokens.c.kind == "api"
    op.execute(
        _kept_tokens.insert().from_select(
            ["token_id", "token_hash", "kind", "team_id", "revoked_at"],
            sa.select(
                _tokens.c.id,
                _tokens.c.token_hash,
                _tokens.c.kind,
                _tokens.c.team_id,
                sa.case(
                    (sa.and_(~personal, _tokens.c.revoked_at.is_(None)), sa.literal(now, sa.DateTime(True))),
                    else_=sa.null(),
                ),
            ).where(sa.or_(~personal, _tokens.c.team_id.is_not(None))),
        )
    )
    # Without its kind, a feed or link token would open the whole API: revoked before the kind goes.
    op.execute(_tokens.update().where(~personal, _tokens.c.revoked_at.is_(None)).values(revoked_at=now))
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_api_tokens_kind"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_api_tokens_team_id_teams"), type_="foreignkey")
        batch_op.drop_column("team_id")
        batch_op.drop_column("kind")

    op.rename_table("on_call_overrides", KEPT_OVERRIDES)
    op.rename_table("feed_events", KEPT_FEED_EVENTS)
