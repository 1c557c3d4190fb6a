"""The unit of work keeps the feeds ledger in step with every write, whoever writes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actplanner.db import FeedEvent
from actplanner.db.unit_of_work import RECONCILERS, UnitOfWork, reconcilers
from actplanner.feeds.service import sync_feeds
from actplanner.planning.plans import publish_plan
from tests.support.db_factories import create_plan, create_team

# A script that writes through services without ever importing the feeds package itself:
# an entry point that knows nothing of feeds must still keep them in step.
WRITER = textwrap.dedent(
    """
    import json, sys
    from actplanner.db import make_engine, make_sessionmaker, migrate
    from actplanner.db.unit_of_work import unit_of_work
    from actplanner.bench.teams import plan_team
    from actplanner.planning.plans import publish_plan, save_plan
    from actplanner.resources import fixture_file
    from actplanner.teams.service import import_team

    assert "actplanner.feeds.service" not in sys.modules
    url = sys.argv[1]
    engine = make_engine(url)
    migrate(url)
    factory = make_sessionmaker(engine)
    team = json.loads(fixture_file("small").read_text())
    doc, _first, _plan = plan_team(team, 2.0, greedy=True)
    with unit_of_work(factory) as work:
        import_team(session=work.session, data=team)
        saved = save_plan(session=work.session, team_id=team["team"]["id"], plan_file=doc, source="solve")
        publish_plan(session=work.session, plan_id=saved.id, user_id=None)
    """
)


def test_the_feeds_reconciler_is_in_the_table() -> None:
    """The ledger's reconciler is named in the one table the unit of work reads, not registered by import."""
    assert RECONCILERS == ("actplanner.feeds.service:sync_feeds",)
    assert reconcilers() == (sync_feeds,)


def test_a_writer_that_never_imports_feeds_still_fills_the_ledger(tmp_path: Path) -> None:
    """Publishing from a process that imported no feeds module still writes the feed events."""
    url = f"sqlite:///{tmp_path / 'uow.sqlite3'}"
    subprocess.run([sys.executable, "-c", WRITER, url], check=True, timeout=120)
    from actplanner.db import make_engine

    engine = make_engine(url)
    try:
        with Session(engine) as session:
            assert session.scalar(select(func.count()).select_from(FeedEvent)) > 0
    finally:
        engine.dispose()


def test_a_unit_of_work_reconciles_each_changed_team_once_at_commit(session: Session) -> None:
    """A publish inside a unit of work writes no feed event until the unit commits, then writes them."""
    team = create_team(session)
    plan = create_plan(session, team)
    work = UnitOfWork(session)
    publish_plan(session=session, plan_id=plan.id, user_id=None)
    count = select(func.count()).select_from(FeedEvent).where(FeedEvent.team_id == team.id)
    assert work.changed == {team.id}
    assert session.scalar(count) == 0
    work.reconcile()
    assert work.changed == set()
    assert session.scalar(count) > 0
