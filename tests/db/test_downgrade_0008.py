"""0008's way down keeps a team@2 team's dates, episodes, acuity changes, recurring requirements and
version 2 policy keys, and leaves the older version a team@1 team it can read; the way back up puts
them back (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import text

from actplanner.db import make_engine, make_sessionmaker
from actplanner.db.migrations.downgrades import kept
from actplanner.db.unit_of_work import unit_of_work
from actplanner.teams.service import export_team, import_team
from tests.db.test_downgrades import blank_url, held_clock, migrate_to, rows_of  # noqa: F401
from tests.teams.v2_files import team_2_doc

TEAM = "west-town-small"


def _import_team_2(url: str) -> dict[str, Any]:
    migrate_to(url, "head")
    engine = make_engine(url)
    try:
        with unit_of_work(make_sessionmaker(engine)) as work:
            import_team(session=work.session, data=team_2_doc())
        with unit_of_work(make_sessionmaker(engine)) as work:
            return export_team(session=work.session, team_id=TEAM)
    finally:
        engine.dispose()


def _read(url: str, sql: str, **params: Any) -> Any:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            value = connection.execute(text(sql), params).scalar_one()
    finally:
        engine.dispose()
    return json.loads(value) if isinstance(value, str) else value


def test_0008_keeps_version_2_on_the_way_down_and_puts_it_back(blank_url: str) -> None:  # noqa: F811
    exported = _import_team_2(blank_url)
    assert exported["format"] == "actplanner/team@2"
    before = rows_of(blank_url)
    migrate_to(blank_url, "0007", down=True)
    down = rows_of(blank_url)
    assert len(down[kept("0008", "staff")]) == 1  # the one employed_from given
    assert len(down[kept("0008", "clients")]) == 1  # client 0: dates, episodes, recurring requirements
    assert len(down[kept("0008", "policies")]) == 1
    # What the older version reads is a team@1 team: no version 2 key left in the JSON columns.
    policy = _read(blank_url, "SELECT policy FROM teams WHERE id = :t", t=TEAM)
    assert "post_discharge" not in policy and "fairness_weeks" not in policy["on_call"]
    assert "max_days_without_contact" not in policy["acuity"]["high"]
    first = exported["clients"][0]["id"]
    left = _read(
        blank_url, "SELECT requirements FROM clients WHERE team_id = :t AND id = :c", t=TEAM, c=first
    )
    assert left == []  # both were recurring: version 1 cannot say them
    migrate_to(blank_url, "head")
    assert rows_of(blank_url) == before
    engine = make_engine(blank_url)
    try:
        with unit_of_work(make_sessionmaker(engine)) as work:
            assert export_team(session=work.session, team_id=TEAM) == exported
    finally:
        engine.dispose()


def test_0008_leaves_requirements_the_older_version_changed(blank_url: str) -> None:  # noqa: F811
    exported = _import_team_2(blank_url)
    first = exported["clients"][0]["id"]
    migrate_to(blank_url, "0007", down=True)
    engine = make_engine(blank_url)
    try:
        with engine.begin() as connection:
            # As the older version would store a lead's edit: a weekly prescriber visit instead.
            connection.execute(
                text("UPDATE clients SET requirements = :r WHERE team_id = :t AND id = :c"),
                {"r": json.dumps([{"discipline": "psychiatrist", "visits": 1}]), "t": TEAM, "c": first},
            )
        migrate_to(blank_url, "head")
        with unit_of_work(make_sessionmaker(engine)) as work:
            now = export_team(session=work.session, team_id=TEAM)
    finally:
        engine.dispose()
    assert now["clients"][0]["requirements"] == [{"discipline": "psychiatrist", "visits": 1}]
    # The rest came back: the episodes, the dates, the policy.
    assert now["clients"][0]["episodes"] == exported["clients"][0]["episodes"]
    assert now["policy"] == exported["policy"]
