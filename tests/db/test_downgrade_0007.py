"""0007's way down and back up keeps a re-plan's ``replan_from`` and a visit's ``place``, on the same
plan and visit only (SQLite and PostgreSQL), and the way down leaves the plan's visits in place."""

from __future__ import annotations

from sqlalchemy import text

from actplanner.db import make_engine, make_sessionmaker
from actplanner.db.migrations.downgrades import kept
from actplanner.db.unit_of_work import unit_of_work
from actplanner.planning.plans import save_plan, stored_plan_doc
from tests.db.test_downgrades import blank_url, held_clock, migrate_to, rows_of, seed  # noqa: F401
from tests.support.web_factories import TEAM, plan_doc

THURSDAY = "2026-12-03"


def test_0007_keeps_replan_from_and_place_on_the_way_down_and_puts_them_back(blank_url: str) -> None:  # noqa: F811
    seed(blank_url)
    engine = make_engine(blank_url)
    try:
        with unit_of_work(make_sessionmaker(engine)) as work:
            doc = {**plan_doc(), "format": "actplanner/plan@2", "replan_from": THURSDAY}
            plan_id = save_plan(session=work.session, team_id=TEAM, plan_file=doc, source="replan").id
        with engine.begin() as connection:
            # As a plan@2 with hospital visits stores them (the file model's place may come later).
            connection.execute(
                text("UPDATE visits SET place = 'hospital' WHERE plan_id = :p AND id = 'v-0001'"),
                {"p": plan_id},
            )
        with engine.connect() as connection:
            places = connection.execute(
                text("SELECT COUNT(*) FROM visits WHERE place IS NOT NULL")
            ).scalar_one()
            replans = connection.execute(
                text("SELECT COUNT(*) FROM plans WHERE replan_from IS NOT NULL")
            ).scalar_one()
        assert places >= 1 and replans == 1
        before = rows_of(blank_url)
        visits = len(before["visits"])
        migrate_to(blank_url, "0006", down=True)
        downgraded = rows_of(blank_url)
        assert len(downgraded["visits"]) == visits, "the way down keeps every visit"
        assert len(downgraded[kept("0007", "plan_replan_from")]) == replans
        assert len(downgraded[kept("0007", "visit_places")]) == places
        migrate_to(blank_url, "head")
        assert rows_of(blank_url) == before
        with unit_of_work(make_sessionmaker(engine)) as work:
            stored = stored_plan_doc(session=work.session, plan_id=plan_id)
        assert stored["replan_from"] == THURSDAY
        assert [v.get("place") for v in stored["visits"] if v["id"] == "v-0001"] == ["hospital"]
    finally:
        engine.dispose()


def test_0007_puts_nothing_back_on_a_plan_deleted_while_downgraded(blank_url: str) -> None:  # noqa: F811
    seed(blank_url)
    engine = make_engine(blank_url)
    try:
        with unit_of_work(make_sessionmaker(engine)) as work:
            doc = {**plan_doc(), "format": "actplanner/plan@2", "replan_from": THURSDAY}
            plan_id = save_plan(session=work.session, team_id=TEAM, plan_file=doc, source="replan").id
        migrate_to(blank_url, "0006", down=True)
        with engine.begin() as connection:
            # As the older version would: the draft deleted, another week's plan stored under its id.
            connection.execute(text("DELETE FROM plans WHERE id = :p"), {"p": plan_id})
            connection.execute(
                text(
                    "INSERT INTO plans (id, team_id, week_start, status, source, created_at, caseload,"
                    " unmet, metrics, given_defaults) VALUES (:p, :t, '2026-12-07', 'draft', 'solve',"
                    " '2026-12-01 12:00:00', '{}', '[]', '{}', '[]')"
                ),
                {"p": plan_id, "t": TEAM},
            )
        migrate_to(blank_url, "head")
        with engine.connect() as connection:
            assert (
                connection.execute(
                    text("SELECT replan_from FROM plans WHERE id = :p"), {"p": plan_id}
                ).scalar_one()
                is None
            )
        tables = rows_of(blank_url)
        assert not [t for t in tables if t.startswith("kept_0007")]
    finally:
        engine.dispose()
