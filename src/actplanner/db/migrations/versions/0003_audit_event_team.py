"""Audit events name the team they concern, so a lead's audit page shows their team's only

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:50:00.000000

Existing events get the team of the login that acted, else the team of the record
they name (``team:``, ``staff:<team>/``, ``plan:``, ``user:``, ``username:``,
``token:``, ``override:``); the rest (the system's, unknown names) stay of no team,
which only a lead of no team sees.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: For each kind of record an event names, the team of the record it names (``audit_events.target``).
RECORD_TEAMS = {
    "team:": "SELECT SUBSTR(audit_events.target, 6, 100)",
    "staff:": "SELECT t.id FROM teams t WHERE SUBSTR(audit_events.target, 7, LENGTH(t.id) + 1) = t.id || '/'",
    "plan:": "SELECT p.team_id FROM plans p WHERE 'plan:' || CAST(p.id AS VARCHAR(20)) = audit_events.target",
    "override:": "SELECT o.team_id FROM on_call_overrides o"
    " WHERE 'override:' || CAST(o.id AS VARCHAR(20)) = audit_events.target",
    "user:": "SELECT u.team_id FROM users u WHERE 'user:' || CAST(u.id AS VARCHAR(20)) = audit_events.target",
    "username:": "SELECT u.team_id FROM users u WHERE 'username:' || u.username = audit_events.target",
    "token:": "SELECT COALESCE(k.team_id, u.team_id) FROM api_tokens k JOIN users u ON u.id = k.user_id"
    " WHERE 'token:' || CAST(k.id AS VARCHAR(20)) = audit_events.target",
}


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.String(length=100), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_events_team_id"), ["team_id"], unique=False)
    # The acting login's team first; each later step fills only rows still without one.
    op.execute(
        "UPDATE audit_events SET team_id = (SELECT u.team_id FROM users u WHERE u.id = audit_events.user_id)"
        " WHERE user_id IS NOT NULL"
    )
    for prefix, team_of_record in RECORD_TEAMS.items():
        op.execute(
            f"UPDATE audit_events SET team_id = ({team_of_record} LIMIT 1)"  # constants only
            f" WHERE team_id IS NULL AND target LIKE '{prefix}%'"
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_team_id"))
        batch_op.drop_column("team_id")
