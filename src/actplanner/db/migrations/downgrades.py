"""What every downgrade shares: refusing to lose data without consent, and keeping data for the way back up.

A downgrade either keeps what the older schema has no place for (it renames the
table to ``kept_<revision>_<table>``, or copies the column into such a table;
the upgrade of the same revision brings it back), or refuses with one sentence
naming what would be lost, until the operator consents with
``ACTPLANNER_DOWNGRADE_DISCARD=1`` or ``alembic ... -x discard=yes``. Nothing a
downgrade leaves behind may open more than it did: a token the older schema
cannot tell apart from a personal API token is revoked first.

``DowngradeRefused`` is Alembic's ``CommandError``, so its command line prints
the sentence alone ("FAILED: ..."), without a stack trace.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from alembic import context, op
from alembic.util import CommandError

#: The operator's consent to a downgrade that loses data, as an environment variable.
CONSENT_ENV = "ACTPLANNER_DOWNGRADE_DISCARD"
#: How to give it, as the refusal says.
HOW_TO_CONSENT = f"set {CONSENT_ENV}=1 (or `-x discard=yes`) to proceed"
#: Where a downgrade keeps a table's rows (or a dropped column) for its upgrade to bring back.
KEPT_PREFIX = "kept_"
_YES = frozenset({"1", "yes", "true", "on"})


class DowngradeRefused(CommandError):
    """A downgrade that would lose data, refused before it changed anything; the message says what and how."""


def consented() -> bool:
    """Whether the operator agreed to lose what a downgrade cannot keep (environment, ``-x`` or caller)."""
    if os.environ.get(CONSENT_ENV, "").strip().lower() in _YES:
        return True
    if context.get_x_argument(as_dictionary=True).get("discard", "").strip().lower() in _YES:
        return True
    return bool(context.config.attributes.get("discard"))


def refuse_unless_consented(revision: str, losses: str | None, first: str | None = None) -> None:
    """Raise ``DowngradeRefused`` saying ``revision``'s downgrade ``losses``, unless none or consented.

    ``losses`` continues "<revision> downgrade ...", e.g. "would delete 2 teams and 40 visits";
    ``first`` is what the operator should do before consenting, if anything.
    """
    if losses and not consented():
        before = f"{first} and " if first else ""
        raise DowngradeRefused(f"{revision} downgrade {losses}; {before}{HOW_TO_CONSENT}.")


def kept(revision: str, table: str) -> str:
    """The name under which ``revision``'s downgrade keeps ``table``."""
    return f"{KEPT_PREFIX}{revision}_{table}"


def has_table(name: str) -> bool:
    """Whether the database has the table ``name`` now; as SQL (``--sql``), a database that kept nothing."""
    if context.is_offline_mode():
        return False
    return sa.inspect(op.get_bind()).has_table(name)


def kept_tables() -> list[str]:
    """Every table a downgrade kept, of any revision (none, as SQL)."""
    if context.is_offline_mode():
        return []
    return sorted(t for t in sa.inspect(op.get_bind()).get_table_names() if t.startswith(KEPT_PREFIX))


def require_database(revision: str) -> None:
    """Refuse to write ``revision``'s downgrade as SQL (``--sql``): it must see what it would lose first."""
    if context.is_offline_mode():
        raise DowngradeRefused(
            f"{revision} downgrade cannot be written as SQL: it first counts what it would lose;"
            " run it against the database"
        )


def row_count(table: str) -> int:
    """How many rows ``table`` has."""
    return int(op.get_bind().execute(sa.select(sa.func.count()).select_from(sa.table(table))).scalar_one())


def counted(count: int, one: str, many: str) -> str:
    """ "1 team", "3 teams"."""
    return f"{count} {one if count == 1 else many}"


def listed(parts: list[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
