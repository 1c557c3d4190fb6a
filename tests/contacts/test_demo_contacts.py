"""`actplanner demo` records the last two weeks' contacts, so Today and Fidelity show something at once."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from actplanner.cli.server import demo_setup
from actplanner.contacts.service import list_contacts
from actplanner.db import make_engine, make_sessionmaker
from actplanner.domain.week import team_today
from actplanner.planning.plans import published_plan
from actplanner.teams.service import get_team


def test_the_demo_records_the_two_weeks_before_this_one_and_this_week_so_far(tmp_path: Path) -> None:
    """From the Monday two weeks back to yesterday, against the published plans: the Fidelity
    page's default (the log's whole weeks) then shows two weeks."""
    made = demo_setup(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    try:
        with make_sessionmaker(engine)() as session:
            team = get_team(session=session, team_id=made["team"])
            today = team_today(team.timezone)
            week = made["published_week"]
            for monday in (week - timedelta(days=14), week - timedelta(days=7), week):
                assert published_plan(session=session, team_id=team.id, week_start=monday) is not None
            contacts = [c.contact for c in list_contacts(session=session, team_id=team.id)]
    finally:
        engine.dispose()
    days = {c.day for c in contacts}
    assert week - timedelta(days=14) <= min(days) < week - timedelta(days=11) and max(days) < today
    assert len(days) >= 10, "two weeks of working days are recorded"
    outcomes = {c.outcome for c in contacts}
    assert {"done", "no_show"} <= outcomes
    assert any(c.visit is None for c in contacts), "and unplanned contacts (call-outs, phone calls)"
