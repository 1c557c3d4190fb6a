"""The unit of work: one session's writes, and the teams whose published state they changed.

What staff see outside the database (the calendar feeds' ledger) follows a
team's published plans, overrides and team file. Rather than each write verb
remembering to bring it in step, every such verb marks its team with
``team_changed``, and the unit of work runs the registered reconcilers once per
changed team, just before it commits, in the same transaction. The composition
roots (the web app's session dependency, the CLI, the worker) open it.

The reconcilers are one table here (``RECONCILERS``), named by import path and
loaded on first use: this layer imports no feature and no service imports feeds
(no import cycle), yet no entry point can forget to register them, as it could
if each feature registered itself when imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from actplanner.db.models import Team

#: Where a session keeps its unit of work (``Session.info`` lives exactly as long as the session).
_KEY = "actplanner.unit_of_work"


class Reconciler(Protocol):
    """Brings something derived from a team's published state in line with it, in the given session."""

    def __call__(self, *, session: Session, team_id: str) -> object: ...


#: What every write keeps in step with a team's published state, as "module:function".
RECONCILERS = ("actplanner.feeds.service:sync_feeds",)


@cache
def reconcilers() -> tuple[Reconciler, ...]:
    """The functions ``RECONCILERS`` names, imported once."""
    loaded = []
    for path in RECONCILERS:
        module, name = path.split(":")
        loaded.append(getattr(importlib.import_module(module), name))
    return tuple(loaded)


def _reconcile(session: Session, team_ids: set[str]) -> None:
    for team_id in sorted(team_ids):
        for reconciler in reconcilers():
            reconciler(session=session, team_id=team_id)


class UnitOfWork:
    """A session and the set of teams whose published state changed in it."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.changed: set[str] = set()
        session.info[_KEY] = self

    def team_changed(self, team_id: str) -> None:
        """Note that team ``team_id``'s published state changed; it is reconciled before commit."""
        self.changed.add(team_id)

    def reconcile(self) -> None:
        """Run the reconcilers for the teams changed so far (each once), and forget them."""
        changed, self.changed = self.changed, set()
        _reconcile(self.session, changed)

    def commit(self) -> None:
        """Reconcile the changed teams, then commit: the derived state commits with the change, or neither."""
        self.reconcile()
        self.session.commit()


@contextmanager
def unit_of_work(make_session: sessionmaker[Session]) -> Iterator[UnitOfWork]:
    """A new session as a unit of work: committed when the block ends, rolled back when it raises."""
    with make_session() as session:
        work = UnitOfWork(session)
        try:
            yield work
        except BaseException:
            session.rollback()
            raise
        work.commit()


def team_changed(session: Session, team_id: str) -> None:
    """Mark a team's published state changed in the session's unit of work.

    With no unit of work open (a script or a test on a bare session) the
    reconcilers run at once: call it after the change, or use ``changing_team``.
    """
    work = session.info.get(_KEY)
    if isinstance(work, UnitOfWork):
        work.team_changed(team_id)
    else:
        session.flush()
        _reconcile(session, {team_id})


@contextmanager
def changing_team(session: Session, team_id: str, *, lock: bool = False) -> Iterator[Team | None]:
    """Wrap a change of a team's published state; the team is marked changed when the block ends.

    With ``lock`` the team's row is locked first and given to the block, so
    concurrent changes of one team take turns (PostgreSQL; SQLite writers take
    turns anyway).
    """
    team = session.get(Team, team_id, with_for_update=True) if lock else None
    yield team
    team_changed(session, team_id)
