"""Sign-in sessions on the server, so signing out, a password change or deactivation ends a copied cookie

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 11:00:00.000000

Cookies made before this revision name no session here: their users sign in once more.

The downgrade drops the sessions (after the upgrade back everyone signs in again).
The previous version trusts any well-signed cookie of an active login for 12 h, so
a sign-in ended here (signing out, a password change) whose cookie has not expired
would open again there: the downgrade refuses while there are any, unless the
operator consents, having started the older version with a new secret key.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from actplanner.db.migrations.downgrades import counted, refuse_unless_consented, require_database

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_user_sessions_key_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    require_database("0004")
    ended, until = _ended_sign_ins_still_signed()
    if ended:
        refuse_unless_consented(
            "0004",
            f"would let {counted(ended, 'ended sign-in', 'ended sign-ins')} (signed out or password changed)"
            f" work again until {until:%Y-%m-%d %H:%M} UTC, as the previous version keeps no sign-ins",
            first="start that version with a new ACTPLANNER_SECRET_KEY (every browser signs in again)",
        )
    # The live ones need no asking: the previous version accepts their cookies anyway.
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))
    op.drop_table("user_sessions")


def _ended_sign_ins_still_signed() -> tuple[int, datetime]:
    """Sign-ins ended on the server whose cookie is unexpired and whose login is active; the last expiry."""
    sessions = sa.table(
        "user_sessions",
        sa.column("user_id", sa.Integer()),
        sa.column("expires_at", sa.DateTime(timezone=True)),
        sa.column("revoked_at", sa.DateTime(timezone=True)),
    )
    users = sa.table("users", sa.column("id", sa.Integer()), sa.column("active", sa.Boolean()))
    ended, until = (
        op.get_bind()
        .execute(
            sa.select(sa.func.count(), sa.func.max(sessions.c.expires_at))
            .join_from(sessions, users, users.c.id == sessions.c.user_id)
            .where(
                sessions.c.revoked_at.is_not(None),
                sessions.c.expires_at > datetime.now(UTC),
                users.c.active.is_(True),
            )
        )
        .one()
    )
    return int(ended), until
