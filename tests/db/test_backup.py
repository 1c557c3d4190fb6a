"""Backups and restores of the whole database: a consistent snapshot, refused when it would lose data.

SQLite runs everywhere; PostgreSQL when the server is there (each such test makes
a database of its own) and pg_dump/pg_restore are on PATH.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actplanner.accounts.service import session_user, start_session
from actplanner.db import AuditEvent, Team, alembic_config, make_engine, make_sessionmaker, migrate
from actplanner.db import backup as backups
from actplanner.db.backup import BackupError, ToolMissing, backup_database, restore_database
from actplanner.db.unit_of_work import unit_of_work
from tests.support.backup_factories import (
    audit_trail,
    read,
    rename_teams,
    sqlite_url,
    team_ids,
    team_names,
    with_teams,
)
from tests.support.db_factories import create_user
from tests.support.postgres_databases import fresh_database

#: This version's newest schema revision.
HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def files_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.fixture
def live(tmp_path: Path) -> str:
    """A SQLite database with two teams, as a running server would have it."""
    return with_teams(sqlite_url(tmp_path / "live.sqlite3"), "north", "south")


# -- SQLite ------------------------------------------------------------------------------------------


def test_a_backup_restores_what_the_database_held(live: str, tmp_path: Path) -> None:
    """Back up, change the database, restore with --force: the teams are back as they were."""
    file = tmp_path / "nightly.sqlite3"
    report = backup_database(url=live, file=file)
    assert (report.revision, report.teams, report.size) == (HEAD, 2, file.stat().st_size)
    rename_teams(live, "Renamed")
    with_teams(live, "east")
    assert team_ids(live) == ["east", "north", "south"]

    restored = restore_database(url=live, file=file, force=True)

    assert team_ids(live) == ["north", "south"]
    assert "Renamed" not in team_names(live)
    assert restored.replaced.rows["teams"] == 3 and restored.migrated_to is None


def test_a_backup_file_is_one_file_readable_by_its_owner_only(live: str, tmp_path: Path) -> None:
    """No -wal beside it and no temporary file left; mode 0600, since it holds client names."""
    file = tmp_path / "backups" / "b.sqlite3"
    file.parent.mkdir()
    backup_database(url=live, file=file)
    assert files_in(file.parent) == ["b.sqlite3"]
    assert file.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(file) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_backup_and_a_restore_are_audit_events(live: str, tmp_path: Path) -> None:
    """The backup is in the database's trail; the restore is in the restored one's, after the backup's own."""
    file = tmp_path / "b.sqlite3"
    backup_database(url=live, file=file)
    assert audit_trail(live)[-1] == ("backup", f"file:{file}")
    detail, team = read(
        live, select(AuditEvent.detail, AuditEvent.team_id).where(AuditEvent.action == "backup")
    )[0]
    assert detail["teams"] == 2 and detail["revision"] == HEAD
    # Every team's data: the event is no one team's (a lead of no team sees it).
    assert team is None

    restore_database(url=live, file=file, force=True)

    trail = audit_trail(live)
    # The backup event was written after the snapshot: the restored trail ends with the restore.
    assert trail[-1] == ("restore", f"file:{file}")
    assert ("backup", f"file:{file}") not in trail


def test_a_restore_ends_every_sign_in(live: str, tmp_path: Path) -> None:
    """A sign-in live in the backup (perhaps signed out since) no longer works after the restore."""
    engine = make_engine(live)
    with unit_of_work(make_sessionmaker(engine)) as work:
        user = create_user(work.session)
        key = start_session(session=work.session, user_id=user.id)
    engine.dispose()
    file = tmp_path / "b.sqlite3"
    backup_database(url=live, file=file)

    restore_database(url=live, file=file, force=True)

    engine = make_engine(live)
    with Session(engine) as session:
        assert session_user(session=session, user_id=user.id, key=key) is None
        detail = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "restore")).one()
    engine.dispose()
    assert detail["sign_ins_ended"] == 1


def test_a_backup_is_consistent_while_a_writer_holds_transactions(live: str, tmp_path: Path) -> None:
    """A writer commits pairs of rows in transactions it holds open; the backup has whole pairs only."""
    path = Path(live.removeprefix("sqlite:///"))
    # Enough data that copying it takes a while on this machine.
    filler = json.dumps({"pad": "x" * 2000})
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO audit_events (at, action, target, detail) VALUES ('2026-01-01', 'filler', ?, ?)",
            [(f"n:{i}", filler) for i in range(5000)],
        )
    stop = threading.Event()
    commits: list[float] = []

    def writer() -> None:
        connection = sqlite3.connect(path, isolation_level=None, timeout=30)
        try:
            index = 0
            while not stop.is_set():
                connection.execute("BEGIN IMMEDIATE")
                for half in ("a", "b"):
                    connection.execute(
                        "INSERT INTO audit_events (at, action, target) VALUES ('2026-01-01', 'pair', ?)",
                        (f"{half}:{index}",),
                    )
                    time.sleep(0.002)
                connection.execute("COMMIT")
                commits.append(time.monotonic())
                index += 1
                # A server's writes come and go; back to back they would starve the audit write.
                time.sleep(0.005)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(commits) < 5:
            time.sleep(0.01)
        started = time.monotonic()
        file = tmp_path / "b.sqlite3"
        backup_database(url=live, file=file)
        done = time.monotonic()
        while not any(at > done for at in commits):
            time.sleep(0.01)
    finally:
        stop.set()
        thread.join()

    with sqlite3.connect(file) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        halves = dict(
            connection.execute(
                "SELECT substr(target, 1, 1), count(*) FROM audit_events WHERE action = 'pair' GROUP BY 1"
            ).fetchall()
        )
    assert halves["a"] == halves["b"] > 0
    assert any(at < started for at in commits) and any(at > done for at in commits)


def test_a_backup_does_not_wait_for_an_open_write_transaction(live: str, tmp_path: Path) -> None:
    """A transaction open when the backup starts and committed later is not in it: the copy did not wait."""
    path = Path(live.removeprefix("sqlite:///"))
    opened = threading.Event()

    def writer() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("UPDATE teams SET name = 'committed later'")
            opened.set()
            time.sleep(1.5)
            connection.execute("COMMIT")
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        opened.wait()
        report = backup_database(url=live, file=tmp_path / "b.sqlite3")
    finally:
        thread.join()
    assert report.teams == 2
    assert "committed later" not in team_names(sqlite_url(tmp_path / "b.sqlite3"))
    assert team_names(live) == ["committed later", "committed later"]


def test_a_backup_does_not_replace_a_file_unless_forced(live: str, tmp_path: Path) -> None:
    """An existing FILE is left as it was and named; --force replaces it."""
    file = tmp_path / "b.sqlite3"
    file.write_text("yesterday")
    with pytest.raises(BackupError, match="already exists; --force replaces it"):
        backup_database(url=live, file=file)
    assert file.read_text() == "yesterday"
    assert [name for name in files_in(tmp_path) if name.endswith(".partial")] == []
    backup_database(url=live, file=file, force=True)
    assert team_ids(sqlite_url(file)) == ["north", "south"]


def test_a_failed_backup_leaves_no_file(tmp_path: Path) -> None:
    """A database without actplanner's tables is refused and nothing is written beside FILE."""
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (text)")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BackupError, match="has no actplanner tables: nothing to back up"):
        backup_database(url=sqlite_url(other), file=out / "b.sqlite3")
    assert files_in(out) == []


def test_a_backup_of_a_missing_database_makes_none(tmp_path: Path) -> None:
    """A SQLite path with no file is named, and no empty database is left behind."""
    with pytest.raises(BackupError, match="no database at"):
        backup_database(url=sqlite_url(tmp_path / "missing.sqlite3"), file=tmp_path / "b.sqlite3")
    assert files_in(tmp_path) == []


def test_a_database_is_never_its_own_backup(live: str, tmp_path: Path) -> None:
    """Even with --force, FILE may not be the database file."""
    with pytest.raises(BackupError, match="is the database itself"):
        backup_database(url=live, file=tmp_path / "live.sqlite3", force=True)
    assert team_ids(live) == ["north", "south"]


def test_a_database_an_upgrade_has_not_migrated_yet_is_backed_up_as_it_is(tmp_path: Path) -> None:
    """The moment for a backup is before an upgrade migrates: 0002 stays 0002, and the event is recorded."""
    url = sqlite_url(tmp_path / "old.sqlite3")
    command.upgrade(alembic_config(url), "0002")
    report = backup_database(url=url, file=tmp_path / "b.sqlite3")
    assert report.revision == "0002"
    assert read(url, select(AuditEvent.action))[-1][0] == "backup"
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0002"
    engine.dispose()


def test_a_restore_refuses_a_database_that_holds_data(live: str, tmp_path: Path) -> None:
    """Without --force the restore says what it would replace, and changes nothing."""
    file = tmp_path / "b.sqlite3"
    backup_database(url=live, file=file)
    with_teams(live, "east")
    with pytest.raises(
        BackupError, match="holds 3 teams and 4 audit events; --force replaces them with the backup b.sqlite3"
    ):
        restore_database(url=live, file=file)
    assert team_ids(live) == ["east", "north", "south"]
    with sqlite3.connect(tmp_path / "live.sqlite3") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_restore_into_a_new_file_needs_no_force(live: str, tmp_path: Path) -> None:
    """A path with no database yet is made, with the backup's data and this version's schema."""
    file = tmp_path / "b.sqlite3"
    backup_database(url=live, file=file)
    fresh = sqlite_url(tmp_path / "fresh.sqlite3")
    restore_database(url=fresh, file=file)
    assert team_ids(fresh) == ["north", "south"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"team,name\nnorth,North\n", "is not an actplanner backup: not a SQLite database"),
        (b"PGDMP\x01\x0e\x00", "is a PostgreSQL backup"),
        ("sqlite-without-schema", "is not an actplanner backup: it has no actplanner schema revision"),
        ("damaged", "is not an actplanner backup|is damaged"),
    ],
)
def test_a_restore_refuses_a_file_that_is_not_a_backup(
    live: str, tmp_path: Path, content: bytes | str, message: str
) -> None:
    """Text, a pg_dump file, another program's SQLite file, a damaged backup: refused, database untouched."""
    file = tmp_path / "suspect"
    if content == "sqlite-without-schema":
        with sqlite3.connect(file) as connection:
            connection.execute("CREATE TABLE notes (text)")
    elif content == "damaged":
        backup_database(url=live, file=file)
        data = bytearray(file.read_bytes())
        # Keep the header, scramble the pages after it.
        data[100:20000] = bytes(19900)
        file.write_bytes(bytes(data))
    else:
        assert isinstance(content, bytes)
        file.write_bytes(content)
    before = team_ids(live)
    with pytest.raises(BackupError, match=message):
        restore_database(url=live, file=file, force=True)
    assert team_ids(live) == before


def test_a_restore_refuses_a_backup_of_a_newer_schema(live: str, tmp_path: Path) -> None:
    """A revision this version does not know is named, and the database keeps its data."""
    file = tmp_path / "b.sqlite3"
    backup_database(url=live, file=file)
    with sqlite3.connect(file) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    with_teams(live, "east")
    with pytest.raises(
        BackupError, match=f"revision 0099, which this actplanner does not know \\(its newest is {HEAD}\\)"
    ):
        restore_database(url=live, file=file, force=True)
    assert team_ids(live) == ["east", "north", "south"]


def test_a_restore_of_an_older_backup_migrates_it(tmp_path: Path) -> None:
    """A backup of revision 0003 is restored, then migrated to this version's head."""
    old = with_teams(sqlite_url(tmp_path / "old.sqlite3"), "north")
    command.downgrade(alembic_config(old), "0003")
    file = tmp_path / "b.sqlite3"
    assert backup_database(url=old, file=file).revision == "0003"
    target = sqlite_url(tmp_path / "new.sqlite3")

    report = restore_database(url=target, file=file)

    assert (report.revision, report.migrated_to) == ("0003", HEAD)
    assert team_ids(target) == ["north"]
    engine = make_engine(target)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == HEAD
    engine.dispose()


def test_a_failed_migration_leaves_the_database_as_it_was(
    live: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backup is migrated beside the database; a migration that fails never reaches it."""
    old = sqlite_url(tmp_path / "old.sqlite3")
    command.upgrade(alembic_config(old), "0003")
    file = tmp_path / "b.sqlite3"
    backup_database(url=old, file=file)

    def broken(_url: str) -> None:
        raise RuntimeError("revision 0004 failed")

    monkeypatch.setattr(backups, "migrate", broken)
    with pytest.raises(
        BackupError, match="could not be migrated .*revision 0004 failed; the database is as it was"
    ):
        restore_database(url=live, file=file, force=True)
    assert team_ids(live) == ["north", "south"]
    with pytest.raises(BackupError, match="could not be migrated"):
        restore_database(url=sqlite_url(tmp_path / "new.sqlite3"), file=file)
    assert not (tmp_path / "new.sqlite3").exists()
    assert [name for name in files_in(tmp_path) if name.endswith(".partial")] == []


def test_a_restore_refuses_a_database_a_server_has_open(
    live: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An open connection (as the server's pool keeps) is found; the restore changes nothing."""
    monkeypatch.setattr(backups, "LOCK_SECONDS", 0.2)
    file = tmp_path / "b.sqlite3"
    backup_database(url=live, file=file)
    rename_teams(live, "Renamed")
    server = make_engine(live)
    try:
        with server.connect() as connection:
            connection.execute(select(func.count()).select_from(Team))
            with pytest.raises(BackupError, match="is in use: stop `actplanner serve`"):
                restore_database(url=live, file=file, force=True)
    finally:
        server.dispose()
    assert team_names(live) == ["Renamed", "Renamed"]


def test_the_database_after_a_restore_is_as_the_app_keeps_it(live: str, tmp_path: Path) -> None:
    """Back in WAL mode, no lock left: the server starts on it at once."""
    file = tmp_path / "b.sqlite3"
    backup_database(url=live, file=file)
    restore_database(url=live, file=file, force=True)
    path = tmp_path / "live.sqlite3"
    with sqlite3.connect(path, timeout=0) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")


# -- PostgreSQL --------------------------------------------------------------------------------------

needs_pg_tools = pytest.mark.skipif(
    shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
    reason="pg_dump and pg_restore are not on PATH",
)


@pytest.fixture
def postgres() -> Iterator[str]:
    """A PostgreSQL database of this test's own with two teams."""
    with fresh_database("actplanner_backup") as url:
        yield with_teams(url, "north", "south")


@needs_pg_tools
def test_a_postgres_backup_restores_what_the_database_held(postgres: str, tmp_path: Path) -> None:
    """pg_dump, a change, pg_restore with --force: the teams are back, and both are audit events."""
    file = tmp_path / "nightly.dump"
    report = backup_database(url=postgres, file=file)
    assert (report.revision, report.teams) == (HEAD, 2)
    assert file.read_bytes().startswith(b"PGDMP") and file.stat().st_mode & 0o777 == 0o600
    assert audit_trail(postgres)[-1] == ("backup", f"file:{file}")
    rename_teams(postgres, "Renamed")
    with_teams(postgres, "east")

    with pytest.raises(BackupError, match="holds 3 teams"):
        restore_database(url=postgres, file=file)
    restored = restore_database(url=postgres, file=file, force=True)

    assert team_ids(postgres) == ["north", "south"] and "Renamed" not in team_names(postgres)
    assert restored.replaced.rows["teams"] == 3
    assert audit_trail(postgres)[-1] == ("restore", f"file:{file}")


@needs_pg_tools
def test_a_postgres_restore_into_an_empty_database(postgres: str, tmp_path: Path) -> None:
    """A new empty database takes the backup without --force, with this version's schema."""
    file = tmp_path / "b.dump"
    backup_database(url=postgres, file=file)
    with fresh_database("actplanner_restore") as empty:
        restore_database(url=empty, file=file)
        assert team_ids(empty) == ["north", "south"]


@needs_pg_tools
def test_an_older_postgres_backup_goes_into_an_empty_database_and_is_migrated(
    postgres: str, tmp_path: Path
) -> None:
    """A 0003 backup over a database at head is refused (--clean would leave 0004's tables); into an
    empty database it is restored and migrated to head."""
    command.downgrade(alembic_config(postgres), "0003")
    file = tmp_path / "old.dump"
    assert backup_database(url=postgres, file=file).revision == "0003"
    migrate(postgres)
    with pytest.raises(BackupError, match=r"has a newer schema \(revision .*\) than the backup \(0003\)"):
        restore_database(url=postgres, file=file, force=True)
    with fresh_database("actplanner_restore") as empty:
        report = restore_database(url=empty, file=file)
        assert (report.revision, report.migrated_to) == ("0003", HEAD)
        assert team_ids(empty) == ["north", "south"]
        assert read(empty, select(AuditEvent.action))[-1][0] == "restore"


@needs_pg_tools
def test_a_postgres_restore_refuses_a_database_in_use(postgres: str, tmp_path: Path) -> None:
    """Another connection to the database (the server's) is named; nothing is restored."""
    file = tmp_path / "b.dump"
    backup_database(url=postgres, file=file)
    rename_teams(postgres, "Renamed")
    server = make_engine(postgres)
    try:
        with server.connect() as connection:
            connection.execute(select(func.count()).select_from(Team))
            with pytest.raises(BackupError, match=r"is in use \(1 other connection"):
                restore_database(url=postgres, file=file, force=True)
    finally:
        server.dispose()
    assert team_names(postgres) == ["Renamed", "Renamed"]


@needs_pg_tools
def test_a_postgres_restore_refuses_a_sqlite_backup(postgres: str, tmp_path: Path, live: str) -> None:
    """Each backend's file goes to its own backend; the message says which."""
    file = tmp_path / "b.sqlite3"
    backup_database(url=live, file=file)
    with pytest.raises(BackupError, match="is a SQLite backup; restore it into a SQLite database"):
        restore_database(url=postgres, file=file, force=True)
    assert team_ids(postgres) == ["north", "south"]


def test_without_pg_dump_the_command_to_run_is_given_without_the_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pg_dump off PATH: a ToolMissing naming the whole command, the password as a placeholder."""
    monkeypatch.setenv("PATH", str(tmp_path))
    url = "postgresql+psycopg://actplanner:s3cret@db.example:5432/actplanner"
    with pytest.raises(ToolMissing, match="pg_dump .* is not on PATH") as raised:
        backup_database(url=url, file=tmp_path / "b.dump")
    assert raised.value.command == (
        f"PGPASSWORD='<the password>' pg_dump --format=custom --file={tmp_path / 'b.dump'} "
        "--dbname=postgresql://actplanner@db.example:5432/actplanner"
    )
    file = tmp_path / "b.dump"
    file.write_bytes(b"PGDMP")
    with pytest.raises(ToolMissing, match="pg_restore .* is not on PATH") as raised:
        restore_database(url=url, file=file)
    assert "s3cret" not in raised.value.command
    assert raised.value.command.endswith(
        "pg_restore --clean --if-exists --single-transaction --no-owner --no-privileges "
        f"--dbname=postgresql://actplanner@db.example:5432/actplanner {file}"
    )


def fake_tool(folder: Path, name: str, version: str) -> Path:
    """A stand-in for a PostgreSQL tool: says ``version``, records its arguments and PGPASSWORD, fails."""
    script = folder / name
    script.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" = --version ]; then echo "{name} (PostgreSQL) {version}"; exit 0; fi\n'
        f'printf "%s\\n" "$@" > "{folder}/argv"\n'
        f'printf "%s" "$PGPASSWORD" > "{folder}/password"\n'
        f'echo "{name}: error: stand-in" >&2; exit 1\n'
    )
    script.chmod(0o755)
    return script


def test_an_older_pg_dump_than_the_server_is_refused_in_a_sentence(
    postgres: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pg_dump 9 cannot dump a newer server: the message names both versions and what to install."""
    tools = tmp_path / "bin"
    tools.mkdir()
    fake_tool(tools, "pg_dump", "9.6.24")
    monkeypatch.setenv("PATH", str(tools))
    with pytest.raises(BackupError, match=r"pg_dump 9 \(.*\) cannot dump this PostgreSQL \d+ server"):
        backup_database(url=postgres, file=tmp_path / "b.dump")
    assert not (tmp_path / "b.dump").exists()


def test_pg_dump_gets_the_password_in_its_environment_not_its_arguments(
    postgres: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The arguments (visible in ps) hold no password; a failed pg_dump leaves no file and says why."""
    tools = tmp_path / "bin"
    tools.mkdir()
    fake_tool(tools, "pg_dump", "99.0")
    monkeypatch.setenv("PATH", str(tools))
    # The test server trusts local connections, so any password connects.
    with_password = postgres.replace("postgres@", "postgres:s3cret@", 1)
    assert with_password != postgres
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(BackupError, match="pg_dump failed, no backup written: pg_dump: error: stand-in"):
        backup_database(url=with_password, file=out / "b.dump")
    assert "s3cret" not in (tools / "argv").read_text()
    assert "--format=custom" in (tools / "argv").read_text().splitlines()
    assert (tools / "password").read_text() == "s3cret"
    assert files_in(out) == []
