"""Audit events name the team they concern, so a lead's audit page shows their team's only

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:50:00.000000

Existing events get the team of the login that acted, else the team of the record
they name (``team:``, ``staff:<team>/``, ``plan:``, ``user:``, ``username:``,
``token:``, ``override:``); the rest (the system's, unknown names) stay of no team,
which only a lead of no team sees.

The downgrade keeps each event's team (``kept_0003_audit_event_teams``) and the
upgrade puts it back: working it out again from today's logins and records could
move an event to another team (a login that changed teams takes its old events
along), and the audit page would show it to that team's lead.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from actplanner.db.migrations.downgrades import has_table, kept

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
KEPT_TEAMS = kept("0003", "audit_event_teams")

_events = sa.table(
    "audit_events", sa.column("id", sa.Integer()), sa.column("target", sa.Text()), sa.column("team_id")
)
_kept = sa.table(
    KEPT_TEAMS, sa.column("event_id", sa.Integer()), sa.column("target", sa.Text()), sa.column("team_id")
)


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
    if has_table(KEPT_TEAMS):
        # The team each event had before a downgrade, "no team" included; the events
        # written meanwhile keep what the backfill found.
        same_event = sa.and_(_kept.c.event_id == _events.c.id, _kept.c.target == _events.c.target)
        op.execute(
            _events.update()
            .where(sa.select(_kept.c.event_id).where(same_event).exists())
            .values(team_id=sa.select(_kept.c.team_id).where(same_event).scalar_subquery())
        )
        op.drop_table(KEPT_TEAMS)


def downgrade() -> None:
    op.create_table(
        KEPT_TEAMS,
        sa.Column("event_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("team_id", sa.String(length=100), nullable=True),
    )
    op.execute(
        _kept.insert().from_select(
            ["event_id", "target", "team_id"], sa.select(_events.c.id, _events.c.target, _events.c.team_id)
        )
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_events_team_id"))
        batch_op.drop_column("team_id")
