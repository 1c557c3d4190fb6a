"""Team files of version 2: employment dates, program dates, acuity changes and episodes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 15:30:00.000000

``staff.employed_from``/``employed_until`` and ``clients.admitted``/``discharged``
are a team@2 file's dates (null when not given); ``clients.acuity_changes`` and
``clients.episodes`` its lists (empty when not given). The other version 2 keys
live in JSON columns the schema already has: the team's ``policy``
(``post_discharge``, ``on_call.fairness_weeks``, an acuity level's
``max_days_without_contact``) and a client's ``requirements`` (``every_days``,
``last``, a discipline's ``window_days``).

The downgrade keeps all of it for the way back up and leaves the older version
a team it can read (a team@1 file): the columns' values go to
``kept_0008_staff`` and ``kept_0008_clients``; a policy or requirements list with
version 2 keys is kept whole (``kept_0008_policies``, ``kept_0008_clients``) and
left without them (a recurring requirement, which version 1 cannot say, is left
out). The upgrade puts the columns back on the same staff member and client, and
the kept policy and requirements back where the older version did not change
them meanwhile (a change made then is the newer word and stays).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from actplanner.db.migrations.downgrades import has_table, kept, require_database

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEPT_STAFF = kept("0008", "staff")
KEPT_CLIENTS = kept("0008", "clients")
KEPT_POLICIES = kept("0008", "policies")

_teams = sa.table("teams", sa.column("id", sa.String(100)), sa.column("policy", sa.JSON()))
_staff = sa.table(
    "staff",
    sa.column("team_id", sa.String(100)),
    sa.column("id", sa.String(100)),
    sa.column("employed_from", sa.Date()),
    sa.column("employed_until", sa.Date()),
)
_clients = sa.table(
    "clients",
    sa.column("team_id", sa.String(100)),
    sa.column("id", sa.String(100)),
    sa.column("admitted", sa.Date()),
    sa.column("discharged", sa.Date()),
    sa.column("acuity_changes", sa.JSON()),
    sa.column("episodes", sa.JSON()),
    sa.column("requirements", sa.JSON()),
)
_kept_staff = sa.table(
    KEPT_STAFF,
    sa.column("team_id", sa.String(100)),
    sa.column("staff_id", sa.String(100)),
    sa.column("employed_from", sa.Date()),
    sa.column("employed_until", sa.Date()),
)
_kept_clients = sa.table(
    KEPT_CLIENTS,
    sa.column("team_id", sa.String(100)),
    sa.column("client_id", sa.String(100)),
    sa.column("admitted", sa.Date()),
    sa.column("discharged", sa.Date()),
    sa.column("acuity_changes", sa.JSON()),
    sa.column("episodes", sa.JSON()),
    sa.column("requirements", sa.JSON()),
    sa.column("requirements_left", sa.JSON()),
)
_kept_policies = sa.table(
    KEPT_POLICIES,
    sa.column("team_id", sa.String(100)),
    sa.column("policy", sa.JSON()),
    sa.column("policy_left", sa.JSON()),
)


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("employed_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("employed_until", sa.Date(), nullable=True))
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("admitted", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("discharged", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("acuity_changes", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(sa.Column("episodes", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    if has_table(KEPT_STAFF):
        same = sa.and_(_kept_staff.c.team_id == _staff.c.team_id, _kept_staff.c.staff_id == _staff.c.id)
        op.execute(
            _staff.update()
            .where(sa.select(_kept_staff.c.staff_id).where(same).exists())
            .values(
                employed_from=sa.select(_kept_staff.c.employed_from).where(same).scalar_subquery(),
                employed_until=sa.select(_kept_staff.c.employed_until).where(same).scalar_subquery(),
            )
        )
        op.drop_table(KEPT_STAFF)
    if has_table(KEPT_CLIENTS):
        bind = op.get_bind()
        for row in bind.execute(sa.select(_kept_clients)).mappings().all():
            same = sa.and_(_clients.c.team_id == row["team_id"], _clients.c.id == row["client_id"])
            now = bind.execute(sa.select(_clients.c.requirements).where(same)).scalar_one_or_none()
            values: dict[str, Any] = {
                "admitted": row["admitted"],
                "discharged": row["discharged"],
                "acuity_changes": row["acuity_changes"],
                "episodes": row["episodes"],
            }
            if row["requirements"] is not None and now == row["requirements_left"]:
                values["requirements"] = row["requirements"]
            bind.execute(_clients.update().where(same).values(**values))
        op.drop_table(KEPT_CLIENTS)
    if has_table(KEPT_POLICIES):
        bind = op.get_bind()
        for row in bind.execute(sa.select(_kept_policies)).mappings().all():
            same_team = _teams.c.id == row["team_id"]
            now = bind.execute(sa.select(_teams.c.policy).where(same_team)).scalar_one_or_none()
            if now == row["policy_left"]:
                bind.execute(_teams.update().where(same_team).values(policy=row["policy"]))
        op.drop_table(KEPT_POLICIES)


def _requirements_left(requirements: list[Any]) -> list[Any]:
    """Requirements as version 1 says them: no recurring ones, no ``last``, no discipline's window."""
    left = []
    for req in requirements:
        if not isinstance(req, dict) or "every_days" in req:
            continue
        req = {
            k: v for k, v in req.items() if k != "last" and not (k == "window_days" and "discipline" in req)
        }
        left.append(req)
    return left


def _policy_left(policy: dict[str, Any]) -> dict[str, Any]:
    """A policy as version 1 says it: no post_discharge, fairness_weeks or max_days_without_contact."""
    left = copy.deepcopy(policy)
    left.pop("post_discharge", None)
    if isinstance(left.get("on_call"), dict):
        left["on_call"].pop("fairness_weeks", None)
    for level in (left.get("acuity") or {}).values():
        if isinstance(level, dict):
            level.pop("max_days_without_contact", None)
    return left


def downgrade() -> None:
    require_database("0008")
    bind = op.get_bind()
    op.create_table(
        KEPT_STAFF,
        sa.Column("team_id", sa.String(length=100), primary_key=True),
        sa.Column("staff_id", sa.String(length=100), primary_key=True),
        sa.Column("employed_from", sa.Date(), nullable=True),
        sa.Column("employed_until", sa.Date(), nullable=True),
    )
    op.execute(
        _kept_staff.insert().from_select(
            ["team_id", "staff_id", "employed_from", "employed_until"],
            sa.select(_staff.c.team_id, _staff.c.id, _staff.c.employed_from, _staff.c.employed_until).where(
                sa.or_(_staff.c.employed_from.is_not(None), _staff.c.employed_until.is_not(None))
            ),
        )
    )
    op.create_table(
        KEPT_CLIENTS,
        sa.Column("team_id", sa.String(length=100), primary_key=True),
        sa.Column("client_id", sa.String(length=100), primary_key=True),
        sa.Column("admitted", sa.Date(), nullable=True),
        sa.Column("discharged", sa.Date(), nullable=True),
        sa.Column("acuity_changes", sa.JSON(), nullable=False),
        sa.Column("episodes", sa.JSON(), nullable=False),
        # The whole list when the downgrade changed it (else null), and what it left.
        sa.Column("requirements", sa.JSON(), nullable=True),
        sa.Column("requirements_left", sa.JSON(), nullable=True),
    )
    for row in bind.execute(sa.select(_clients)).mappings().all():
        requirements = row["requirements"] or []
        left = _requirements_left(requirements)
        changed = left != requirements
        if not (
            changed
            or row["admitted"] is not None
            or row["discharged"] is not None
            or row["acuity_changes"]
            or row["episodes"]
        ):
            continue
        bind.execute(
            _kept_clients.insert().values(
                team_id=row["team_id"],
                client_id=row["id"],
                admitted=row["admitted"],
                discharged=row["discharged"],
                acuity_changes=row["acuity_changes"] or [],
                episodes=row["episodes"] or [],
                requirements=requirements if changed else None,
                requirements_left=left if changed else None,
            )
        )
        if changed:
            same = sa.and_(_clients.c.team_id == row["team_id"], _clients.c.id == row["id"])
            bind.execute(_clients.update().where(same).values(requirements=left))
    op.create_table(
        KEPT_POLICIES,
        sa.Column("team_id", sa.String(length=100), primary_key=True),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("policy_left", sa.JSON(), nullable=False),
    )
    for team_id, policy in bind.execute(sa.select(_teams.c.id, _teams.c.policy)).all():
        policy_left = _policy_left(policy)
        if policy_left != policy:
            bind.execute(
                _kept_policies.insert().values(team_id=team_id, policy=policy, policy_left=policy_left)
            )
            bind.execute(_teams.update().where(_teams.c.id == team_id).values(policy=policy_left))
    # SQLite drops the columns in place (3.35 and later), as 0007 does: no copy of the tables.
    with op.batch_alter_table("clients", schema=None, recreate="never") as batch_op:
        for column in ("episodes", "acuity_changes", "discharged", "admitted"):
            batch_op.drop_column(column)
    with op.batch_alter_table("staff", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("employed_until")
        batch_op.drop_column("employed_from")
