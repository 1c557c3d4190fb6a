"""Downgrades keep what the older schema has no place for, or refuse naming it; going back up, the app works.

Every test walks the revisions Alembic knows (``ScriptDirectory.walk_revisions``),
so a new revision is covered without editing this file. Each runs on SQLite and
on PostgreSQL, on a database of its own (a file, or a schema named in the URL),
migrated and seeded through the app's own verbs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from fastapi.testclient import TestClient
from icalendar import Calendar
from sqlalchemy import inspect, select, text, update
from sqlalchemy.orm import Session

import actplanner.db.migrations as migrations_package
from actplanner.accounts.service import create_token, create_user, end_session, start_session
from actplanner.db import Base, Staff, Visit, alembic_config, make_engine, make_sessionmaker
from actplanner.db.migrations.downgrades import CONSENT_ENV, DowngradeRefused
from actplanner.db.unit_of_work import unit_of_work
from actplanner.feeds import service as feeds_service
from actplanner.feeds.ical import UID_SUFFIX
from actplanner.feeds.service import issue_feed_token
from actplanner.on_call.links import create_on_call_link, revoke_on_call_link
from actplanner.on_call.service import record_override
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.settings import Settings
from actplanner.teams.service import import_team
from actplanner.web.app import create_app
from tests.support.db_fixtures import POSTGRES_URL
from tests.support.team_files import team_file
from tests.support.web_factories import PASSWORD, TEAM, bearer, plan_doc, sign_in

#: Newest first, as Alembic walks them.
REVISIONS: list[Script] = list(ScriptDirectory.from_config(alembic_config()).walk_revisions())
HEAD = REVISIONS[0].revision
#: The lowest revision: below it there is no database.
FIRST = REVISIONS[-1].revision
#: What the way down and back up does not keep, by design: sign-ins (everyone signs in again).
NOT_KEPT = {"user_sessions"}
CONSENT = "set ACTPLANNER_DOWNGRADE_DISCARD=1 (or `-x discard=yes`) to proceed."
#: The feeds' clock, a week before the fixture's plan week: the feeds do not depend on the day of the run.
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def blank_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of one backend, for this test alone."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    if os.environ.get("ACTPLANNER_SKIP_POSTGRES") == "1":
        pytest.skip("ACTPLANNER_SKIP_POSTGRES=1")
    schema = f"actplanner_downgrade_{uuid.uuid4().hex[:12]}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(autouse=True)
def held_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The feeds' ledger and feeds see ``NOW`` (the ledger leaves weeks long past alone)."""
    monkeypatch.setattr(feeds_service, "utcnow", lambda: NOW)
    monkeypatch.delenv(CONSENT_ENV, raising=False)


def migrate_to(url: str, target: str, *, down: bool = False, discard: bool = False) -> None:
    """``alembic upgrade`` (or ``downgrade``) ``target``; ``discard`` is the operator's consent."""
    config = alembic_config(url)
    config.attributes["discard"] = discard
    (command.downgrade if down else command.upgrade)(config, target)


def current(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def below(script: Script) -> str:
    """The revision a downgrade of ``script`` goes to."""
    assert isinstance(script.down_revision, str | None), "the history has no merges"
    return script.down_revision or "base"


def schema_of(url: str) -> dict[str, Any]:
    """Every table's columns, keys, indexes and constraints, as the database reports them."""
    engine = make_engine(url)
    try:
        found = inspect(engine)
        return {
            table: {
                "columns": [(c["name"], str(c["type"]), c["nullable"]) for c in found.get_columns(table)],
                "pk": found.get_pk_constraint(table),
                "fks": sorted(map(repr, found.get_foreign_keys(table))),
                "indexes": sorted(map(repr, found.get_indexes(table))),
                "unique": sorted(map(repr, found.get_unique_constraints(table))),
                "checks": sorted(map(repr, found.get_check_constraints(table))),
            }
            for table in sorted(found.get_table_names())
        }
    finally:
        engine.dispose()


def rows_of(url: str) -> dict[str, list[str]]:
    """Every row of every table but Alembic's, as text, sorted: two dumps are equal when the data is."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            tables = [t for t in inspect(connection).get_table_names() if t != "alembic_version"]
            return {
                table: sorted(
                    repr(tuple(row)) for row in connection.execute(text(f'SELECT * FROM "{table}"'))
                )
                for table in sorted(tables)
            }
    finally:
        engine.dispose()


def matches_the_models(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        engine.dispose()


@pytest.mark.parametrize("script", REVISIONS, ids=[s.revision for s in REVISIONS])
def test_each_revision_downgrades_and_upgrades_again_on_an_empty_database(
    blank_url: str, script: Script
) -> None:
    """An empty database goes down one revision and up again to the very schema it had, and on to head."""
    migrate_to(blank_url, script.revision)
    before = schema_of(blank_url)
    migrate_to(blank_url, below(script), down=True)
    assert current(blank_url) == script.down_revision
    assert schema_of(blank_url) != before
    migrate_to(blank_url, script.revision)
    assert schema_of(blank_url) == before
    migrate_to(blank_url, "head")
    matches_the_models(blank_url)


@dataclass(frozen=True)
class Seeded:
    """The plain tokens and ids of what ``seed`` made."""

    api: str
    feed: str
    rota_feed: str
    link: str
    revoked_link: str
    lead_id: int


def seed(url: str) -> Seeded:
    """At head: a team with a published plan (feeds synced), a cover, every kind of token, two sign-ins."""
    migrate_to(url, "head")
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    try:
        with unit_of_work(factory) as work:
            session = work.session
            import_team(session=session, data=team_file())
            lead = create_user(session=session, username="lead", password=PASSWORD, role="lead", team_id=TEAM)
            nurse = create_user(
                session=session,
                username="nurse",
                password=PASSWORD,
                role="staff",
                team_id=TEAM,
                staff_id="s-rn1",
            )
            api = create_token(session=session, user_id=lead.id, name="scripts")
            draft = save_plan(session=session, team_id=TEAM, plan_file=plan_doc(), source="solve")
            publish_plan(session=session, plan_id=draft.id, user_id=lead.id, confirmed=True)
        with unit_of_work(factory) as work:
            session = work.session
            record_cover(session, lead.id)
            feed = issue_feed_token(session=session, user=nurse, kind="feed", name="My visits")
            rota_feed = issue_feed_token(session=session, user=lead, kind="rota_feed", name="On-call rota")
            link = create_on_call_link(
                session=session, team_id=TEAM, name="answering service", owner_id=lead.id, user_id=lead.id
            )
            revoked = create_on_call_link(
                session=session, team_id=TEAM, name="old kiosk", owner_id=lead.id, user_id=lead.id
            )
            revoke_on_call_link(session=session, link_id=revoked.id, user_id=lead.id)
            start_session(session=session, user_id=lead.id)
            end_session(session=session, key=start_session(session=session, user_id=lead.id))
        return Seeded(api, feed, rota_feed, link.token, revoked.token, lead.id)
    finally:
        engine.dispose()


def record_cover(session: Session, lead_id: int) -> None:
    """A cover of Wednesday's primary on-call by the first member the rules let take it."""
    for member in session.scalars(select(Staff).where(Staff.team_id == TEAM).order_by(Staff.position)):
        try:
            with session.begin_nested():
                record_override(
                    session=session,
                    team_id=TEAM,
                    role="primary",
                    staff_id=member.id,
                    start="2026-12-02T11:00",
                    end="2026-12-02T13:00",
                    note="dentist",
                    user_id=lead_id,
                )
            return
        except ValueError:
            continue
    raise AssertionError("nobody in the fixture may cover primary on Wednesday")


def app_client(url: str) -> TestClient:
    return TestClient(create_app(Settings(database_url=url, secret_key="test-secret-key-" + "x" * 32)))


def sequences(client: TestClient, token: str) -> dict[str, int]:
    """Each event's UID in a feed, with its SEQUENCE."""
    response = client.get(f"/feeds/{token}.ics")
    assert response.status_code == 200, response.text
    events = Calendar.from_ical(response.content).walk("VEVENT")
    return {str(event["UID"]): int(event["SEQUENCE"]) for event in events}


def down_to_first(url: str) -> dict[str, str]:
    """Downgrade one revision at a time to the first; each refusal, by revision, and consent after it.

    A refusal must leave the database as it was; no step may leave a feed or link
    token usable as a personal API token.
    """
    refusals: dict[str, str] = {}
    for script in REVISIONS[:-1]:
        assert current(url) == script.revision
        before = rows_of(url)
        try:
            migrate_to(url, below(script), down=True)
        except DowngradeRefused as refused:
            refusals[script.revision] = str(refused)
            assert current(url) == script.revision and rows_of(url) == before, "a refusal changes nothing"
            migrate_to(url, below(script), down=True, discard=True)
        assert current(url) == script.down_revision
        no_token_widened(url)
    return refusals


def no_token_widened(url: str) -> None:
    """Without token kinds, only personal API tokens are live; with them, kinds are as they were made."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("api_tokens")}
            live = connection.execute(text("SELECT name FROM api_tokens WHERE revoked_at IS NULL")).scalars()
            if "kind" not in columns:
                assert sorted(live) == ["scripts"]
    finally:
        engine.dispose()


def test_the_way_down_and_back_up_keeps_the_data_and_widens_no_token(blank_url: str) -> None:
    """Down to the first revision step by step and up again: every row is back but sign-ins; the app works."""
    made = seed(blank_url)
    with app_client(blank_url) as client:
        visits_before = sequences(client, made.feed)
        rota_before = sequences(client, made.rota_feed)
        # The nurse: a sign-in clears the login's ended sign-ins, and the lead's ended one must stay.
        sign_in(client, "nurse")
        cookies = dict(client.cookies)
        assert client.get("/feeds", follow_redirects=False).status_code == 200
    assert visits_before and rota_before
    before = rows_of(blank_url)

    refusals = down_to_first(blank_url)
    assert "0004" in refusals
    assert re.fullmatch(
        r"0004 downgrade would let 1 ended sign-in \(signed out or password changed\) work again until"
        r" \d{4}-\d\d-\d\d \d\d:\d\d UTC, as the previous version keeps no sign-ins; start that version with"
        r" a new ACTPLANNER_SECRET_KEY \(every browser signs in again\) and " + re.escape(CONSENT),
        refusals["0004"],
    )
    assert all(message.endswith(CONSENT) for message in refusals.values())

    migrate_to(blank_url, "head")
    matches_the_models(blank_url)
    after = rows_of(blank_url)
    assert {t: r for t, r in after.items() if t not in NOT_KEPT} == {
        t: r for t, r in before.items() if t not in NOT_KEPT
    }
    assert after["user_sessions"] == []

    with app_client(blank_url) as client:
        for token in (made.feed, made.rota_feed, made.link, made.revoked_link):
            assert client.get(f"/api/v1/teams/{TEAM}/file", headers=bearer(token)).status_code == 401
        assert client.get(f"/api/v1/teams/{TEAM}/file", headers=bearer(made.api)).status_code == 200
        assert sequences(client, made.feed) == visits_before
        assert sequences(client, made.rota_feed) == rota_before
        assert client.get(f"/on-call/t/{made.link}").status_code == 200
        assert client.get(f"/on-call/t/{made.revoked_link}").status_code == 404
        client.cookies.update(cookies)
        signed_out = client.get("/feeds", follow_redirects=False)
        assert signed_out.status_code in (302, 303) and "/login" in signed_out.headers["location"]


def later(hhmm: str) -> str:
    """A quarter of an hour after ``HH:MM``."""
    moment = datetime.strptime(hhmm, "%H:%M") + timedelta(minutes=15)
    return moment.strftime("%H:%M")


def test_what_was_published_while_downgraded_reaches_the_feeds_with_a_higher_sequence(blank_url: str) -> None:
    """A visit moved while the database was at the first revision keeps its feed UID, its SEQUENCE raised."""
    made = seed(blank_url)
    with app_client(blank_url) as client:
        before = sequences(client, made.feed)
    migrate_to(blank_url, FIRST, down=True, discard=True)
    engine = make_engine(blank_url)
    try:
        with engine.begin() as connection:
            # As the older version would publish it: one of the nurse's visits a quarter of an hour later.
            visits = connection.execute(
                text(
                    'SELECT v.plan_id, v.id, v.start, v."end", v.staff FROM visits v'
                    " JOIN plans p ON p.id = v.plan_id WHERE p.status = 'published' ORDER BY v.id"
                )
            ).all()
            moved = next(
                v for v in visits if "s-rn1" in (json.loads(v.staff) if isinstance(v.staff, str) else v.staff)
            )
            connection.execute(
                update(Visit)
                .where(Visit.plan_id == moved.plan_id, Visit.id == moved.id)
                .values(start=later(moved.start), end=later(moved.end))
            )
    finally:
        engine.dispose()
    migrate_to(blank_url, "head")
    with app_client(blank_url) as client:
        after = sequences(client, made.feed)
    assert after.keys() == before.keys()
    raised = [uid for uid in after if after[uid] > before[uid]]
    assert len(raised) == 1 and all(after[uid] >= before[uid] for uid in after)


def test_a_downgrade_below_the_first_revision_refuses_to_delete_everything_without_consent(
    blank_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Down to nothing: refused naming what each table holds, the database untouched; with consent, empty."""
    made = seed(blank_url)
    before = rows_of(blank_url)
    with pytest.raises(DowngradeRefused) as refused:
        migrate_to(blank_url, "base", down=True, discard=False)
    # 0004 refuses first (an ended sign-in).
    assert str(refused.value).startswith("0004 downgrade would let 1 ended sign-in")
    assert current(blank_url) == HEAD and rows_of(blank_url) == before
    engine = make_engine(blank_url)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM user_sessions WHERE revoked_at IS NOT NULL"))
    engine.dispose()
    before = rows_of(blank_url)
    with pytest.raises(DowngradeRefused, match="^0001 downgrade would delete every table"):
        migrate_to(blank_url, "base", down=True)
    # One run, one transaction: the revisions above the first went down and came back with the refusal.
    assert current(blank_url) == HEAD and rows_of(blank_url) == before
    migrate_to(blank_url, FIRST, down=True)
    kept = rows_of(blank_url)
    with pytest.raises(DowngradeRefused) as refused:
        migrate_to(blank_url, "base", down=True)
    message = str(refused.value)
    assert message.startswith("0001 downgrade would delete every table and all it holds: 1 team, ")
    assert ", 2 logins, " in message and ", 5 tokens, " in message and message.endswith(CONSENT)
    assert re.search(r"\d+ rows of kept_0002_feed_events", message)
    assert current(blank_url) == FIRST and rows_of(blank_url) == kept

    monkeypatch.setenv(CONSENT_ENV, "1")
    migrate_to(blank_url, "base", down=True)
    assert current(blank_url) is None and rows_of(blank_url) == {}
    monkeypatch.delenv(CONSENT_ENV)
    migrate_to(blank_url, "head")
    matches_the_models(blank_url)
    with app_client(blank_url) as client:
        assert client.get(f"/api/v1/teams/{TEAM}/file", headers=bearer(made.api)).status_code == 401


def test_alembics_command_line_refuses_in_one_line_and_proceeds_with_x_discard(tmp_path: Path) -> None:
    """Alembic's ``downgrade base`` prints one line and no traceback; with ``-x discard=yes`` it proceeds."""
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    migrate_to(url, "head")
    engine = make_engine(url)
    with unit_of_work(make_sessionmaker(engine)) as work:
        import_team(session=work.session, data=team_file())
    engine.dispose()
    ini = Path(migrations_package.__path__[0]) / "alembic.ini"
    alembic = [sys.executable, "-m", "alembic", "-c", str(ini)]
    env = {**os.environ, "ACTPLANNER_DATABASE_URL": url}
    env.pop(CONSENT_ENV, None)
    refused = subprocess.run([*alembic, "downgrade", "base"], env=env, capture_output=True, text=True)
    assert refused.returncode != 0
    said = (refused.stdout + refused.stderr).strip()
    assert said.startswith("FAILED: 0001 downgrade would delete every table and all it holds: 1 team, ")
    assert said.endswith(CONSENT) and "\n" not in said
    # One run, one transaction: the revisions above the first went down and came back with the refusal.
    assert current(url) == HEAD
    done = subprocess.run(
        [*alembic, "-x", "discard=yes", "downgrade", "base"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert current(url) is None


def test_the_way_back_up_leaves_revoked_what_ended_while_downgraded(blank_url: str) -> None:
    """A login deactivated while downgraded keeps its feed revoked; a link to a team deleted since is gone."""
    made = seed(blank_url)
    engine = make_engine(blank_url)
    try:
        with unit_of_work(make_sessionmaker(engine)) as work:
            session = work.session
            import_team(session=session, data=team_file(id="other-team"))
            agency = create_user(session=session, username="agency", password=PASSWORD, role="lead")
            gone = create_on_call_link(
                session=session, team_id="other-team", name="kiosk", owner_id=agency.id, user_id=None
            )
        migrate_to(blank_url, FIRST, down=True, discard=True)
        with engine.begin() as connection:
            # As the older version would: the nurse's login deactivated, the other team deleted.
            connection.execute(text("UPDATE users SET active = :no WHERE username = 'nurse'"), {"no": False})
            connection.execute(text("DELETE FROM teams WHERE id = 'other-team'"))
        migrate_to(blank_url, "head")
        with engine.connect() as connection:
            live = connection.execute(text("SELECT name FROM api_tokens WHERE revoked_at IS NULL")).scalars()
            assert sorted(live) == ["On-call rota", "answering service", "scripts"]
            ids = connection.execute(text("SELECT id FROM api_tokens")).scalars()
            assert gone.id not in set(ids)
    finally:
        engine.dispose()
    with app_client(blank_url) as client:
        assert client.get(f"/feeds/{made.feed}.ics").status_code == 404
        assert client.get(f"/on-call/t/{gone.token}").status_code == 404
        assert client.get(f"/on-call/t/{made.link}").status_code == 200


def test_audit_events_keep_their_team_when_a_login_changes_teams_while_downgraded(blank_url: str) -> None:
    """The nurse's events stay their old team's after the round trip, though the login moved meanwhile."""
    seed(blank_url)
    engine = make_engine(blank_url)
    try:
        with unit_of_work(make_sessionmaker(engine)) as work:
            import_team(session=work.session, data=team_file(id="other-team"))
        query = text(
            "SELECT e.team_id FROM audit_events e JOIN users u ON u.id = e.user_id WHERE u.username = 'nurse'"
        )
        with engine.connect() as connection:
            before = list(connection.execute(query).scalars())
        assert before and set(before) == {TEAM}
        migrate_to(blank_url, FIRST, down=True, discard=True)
        with engine.begin() as connection:
            connection.execute(text("UPDATE users SET team_id = 'other-team' WHERE username = 'nurse'"))
        migrate_to(blank_url, "head")
        with engine.connect() as connection:
            assert list(connection.execute(query).scalars()) == before
    finally:
        engine.dispose()


def test_a_holder_renamed_while_downgraded_raises_their_rota_events_sequence(blank_url: str) -> None:
    """A staff member renamed at the first revision: on the way back up, their rota events' SEQUENCE rises."""
    made = seed(blank_url)
    with app_client(blank_url) as client:
        before = sequences(client, made.rota_feed)
    engine = make_engine(blank_url)
    try:
        with engine.connect() as connection:
            holder = (
                connection.execute(
                    text("SELECT staff_id FROM feed_events WHERE kind = 'on_call' ORDER BY id")
                )
                .scalars()
                .first()
            )
            theirs = {
                uid + UID_SUFFIX
                for uid in connection.execute(
                    text("SELECT uid FROM feed_events WHERE kind = 'on_call' AND staff_id = :s"),
                    {"s": holder},
                ).scalars()
            }
        migrate_to(blank_url, FIRST, down=True, discard=True)
        with engine.begin() as connection:
            # As the older version would: a new name, with no ledger to tell the calendars.
            connection.execute(
                text("UPDATE staff SET name = name || ' Okafor' WHERE team_id = :t AND id = :s"),
                {"t": TEAM, "s": holder},
            )
    finally:
        engine.dispose()
    migrate_to(blank_url, "head")
    with app_client(blank_url) as client:
        after = sequences(client, made.rota_feed)
    raised = {uid for uid in after if after[uid] > before.get(uid, -1)}
    assert raised and raised <= theirs
    assert all(after[uid] == before[uid] for uid in after if uid not in theirs)
