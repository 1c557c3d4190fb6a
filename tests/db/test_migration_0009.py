"""0009's way down keeps a rostered team's contracts, holiday shift entries and Part B policy keys,
a plan's shifts and breaks, the feeds' shift events and a job's re-rostered staff, and leaves the
older version a team it can read; the way back up puts them back (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import inspect, text

from actplanner.db import FeedEvent, make_engine, make_sessionmaker, utcnow
from actplanner.db.migrations.downgrades import kept
from actplanner.db.unit_of_work import unit_of_work
from actplanner.planning.jobs import enqueue_solve
from actplanner.planning.plans import save_plan, stored_plan_doc
from actplanner.teams.service import export_team, import_team
from tests.db.test_downgrades import blank_url, held_clock, migrate_to, rows_of  # noqa: F401
from tests.support.part_b_files import TEAM, part_b_doc, roster_doc

MONDAY = date(2026, 12, 21)


def _seed(url: str) -> tuple[dict[str, Any], int]:
    """At head: the Part B team, a roster plan, a shift event in the ledger, a job re-rostering one."""
    migrate_to(url, "head")
    engine = make_engine(url)
    try:
        with unit_of_work(make_sessionmaker(engine)) as work:
            import_team(session=work.session, data=part_b_doc())
        with unit_of_work(make_sessionmaker(engine)) as work:
            session = work.session
            plan = save_plan(session=session, team_id=TEAM, plan_file=roster_doc(), source="solve")
            shift = plan.shifts[0]
            session.add(
                FeedEvent(
                    team_id=TEAM,
                    staff_id=shift.staff_id,
                    source=shift.uid,
                    uid=shift.uid,
                    kind="shift",
                    start="2026-12-21T08:30",
                    end="2026-12-21T17:00",
                    purpose="day",
                    updated_at=utcnow(),
                )
            )
            enqueue_solve(
                session=session,
                team_id=TEAM,
                week_start=MONDAY,
                time_limit=1,
                baseline_plan_id=plan.id,
                re_roster=["s-cm2"],
            )
            plan_id = plan.id
        with unit_of_work(make_sessionmaker(engine)) as work:
            return export_team(session=work.session, team_id=TEAM), plan_id
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


def _exec(url: str, sql: str, **params: Any) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(sql), params)
    finally:
        engine.dispose()


def _export(url: str) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        with unit_of_work(make_sessionmaker(engine)) as work:
            return export_team(session=work.session, team_id=TEAM)
    finally:
        engine.dispose()


def _plan(url: str, plan_id: int) -> dict[str, Any]:
    engine = make_engine(url)
    try:
        with unit_of_work(make_sessionmaker(engine)) as work:
            return stored_plan_doc(session=work.session, plan_id=plan_id)
    finally:
        engine.dispose()


def test_0009_keeps_the_roster_on_the_way_down_and_puts_it_back(blank_url: str) -> None:  # noqa: F811
    exported, plan_id = _seed(blank_url)
    assert exported == part_b_doc()
    before = rows_of(blank_url)
    migrate_to(blank_url, "0008", down=True)
    down = rows_of(blank_url)
    assert len(down[kept("0009", "plan_shifts")]) == 3 and len(down[kept("0009", "plan_breaks")]) == 1
    assert len(down[kept("0009", "staff")]) == 3  # two contracts and the nurse's holiday entry
    assert len(down[kept("0009", "policies")]) == 1
    assert len(down[kept("0009", "feed_events")]) == 1 and down["feed_events"] == []
    assert len(down[kept("0009", "job_re_roster")]) == 1
    # What the older version reads is a team it knows: no Part B key, no contract column.
    engine = make_engine(blank_url)
    try:
        found = inspect(engine)
        assert "contract" not in {c["name"] for c in found.get_columns("staff")}
        assert "re_roster" not in {c["name"] for c in found.get_columns("solve_jobs")}
        assert not {"plan_shifts", "plan_breaks"} & set(found.get_table_names())
    finally:
        engine.dispose()
    policy = _read(blank_url, "SELECT policy FROM teams WHERE id = :t", t=TEAM)
    assert not {"holidays", "shift_types", "coverage", "breaks", "team_meeting"} & set(policy)
    assert policy["on_call"]["fairness_weeks"] == 6  # version 2 keys of 0008 stay
    shifts = _read(blank_url, "SELECT shifts FROM staff WHERE team_id = :t AND id = 's-rn1'", t=TEAM)
    assert "holiday" not in shifts and shifts["mon"] == ["08:30", "17:00"]
    migrate_to(blank_url, "head")
    after = rows_of(blank_url)

    # The ledger's reconcile after an upgrade (env.py) judges the event again: this one stands
    # for no published plan, so it comes back (same id, UID and kind) and is then cancelled.
    def shown(rows: list[str]) -> list[str]:
        return [row[: row.index("'shift'") + len("'shift'")] for row in rows]

    assert shown(after.pop("feed_events")) == shown(before.pop("feed_events"))
    assert after == before
    assert _export(blank_url) == exported
    assert _plan(blank_url, plan_id) == roster_doc()


def test_0009_leaves_what_the_older_version_changed(blank_url: str) -> None:  # noqa: F811
    exported, _ = _seed(blank_url)
    migrate_to(blank_url, "0008", down=True)
    # As the older version would store a lead's edits: fixed hours for a contracted case
    # manager, and a policy change.
    hours = {"mon": ["09:00", "17:00"]}
    _exec(
        blank_url,
        "UPDATE staff SET shifts = :s WHERE team_id = :t AND id = 's-cm1'",
        s=json.dumps(hours),
        t=TEAM,
    )
    policy = _read(blank_url, "SELECT policy FROM teams WHERE id = :t", t=TEAM)
    policy["team_approach_min_staff"] += 1
    _exec(blank_url, "UPDATE teams SET policy = :p WHERE id = :t", p=json.dumps(policy), t=TEAM)
    migrate_to(blank_url, "head")
    now = _export(blank_url)
    by_id = {m["id"]: m for m in now["staff"]}
    # The newer word stays: fixed hours and no contract (never both), the policy as edited.
    assert by_id["s-cm1"]["shifts"] == hours and "contract" not in by_id["s-cm1"]
    assert now["policy"] == policy
    # The rest came back: the other contract, the nurse's holiday hours.
    before = {m["id"]: m for m in exported["staff"]}
    assert by_id["s-cm2"] == before["s-cm2"] and by_id["s-rn1"] == before["s-rn1"]


def test_0009_drops_the_shifts_of_a_plan_deleted_while_downgraded(blank_url: str) -> None:  # noqa: F811
    _, plan_id = _seed(blank_url)
    migrate_to(blank_url, "0008", down=True)
    _exec(blank_url, "DELETE FROM solve_jobs")
    _exec(blank_url, "DELETE FROM plans WHERE id = :p", p=plan_id)
    assert rows_of(blank_url)[kept("0009", "plan_shifts")] == []
    migrate_to(blank_url, "head")
    assert rows_of(blank_url)["plan_shifts"] == []
