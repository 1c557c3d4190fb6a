"""The whole database in one file and back: ``backup_database`` and ``restore_database``.

SQLite: the sqlite3 backup API copies the database in one read transaction, a
snapshot of the last commit that the server's writers do not wait for (WAL).
A restore copies the backup into the database file through the same API, in one
write transaction: a crash or an error leaves the old database or the new one,
never a mix, and the file keeps its owner and permissions. PostgreSQL: its own
tools, ``pg_dump --format=custom`` of one exported snapshot and ``pg_restore
--clean --if-exists --single-transaction``.

A backup is written beside its destination and renamed into place, so a failed one
leaves no half file. A backup holds every client's name and address: each backup
and each restore is an audit event.
"""

from __future__ import annotations

import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, insert, inspect, make_url, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool, StaticPool

from actplanner.db import pg_tools
from actplanner.db.base import utcnow
from actplanner.db.models import AuditEvent, UserSession
from actplanner.db.session import alembic_config, make_engine, migrate

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
#: Seconds a backup waits for a writer that holds SQLite's lock (a checkpoint, a schema change).
BUSY_SECONDS = 30.0
#: Seconds a restore waits to lock the database before deciding that something else has it open.
LOCK_SECONDS = 2.0
#: What a restore names when it would replace a database's data: its tables and their rows' word.
COUNTED = (("teams", "team"), ("plans", "plan"), ("users", "login"), ("audit_events", "audit event"))
#: pg_restore's options: drop what the backup has before making it again, all in one transaction.
#: The backup may come from another server, whose roles this one need not have.
RESTORE_OPTIONS = ["--clean", "--if-exists", "--single-transaction", "--no-owner", "--no-privileges"]


class BackupError(ValueError):
    """A backup or restore that cannot be done; the message is one sentence for whoever runs it."""


class ToolMissing(BackupError):
    """``pg_dump`` or ``pg_restore`` is not on PATH; ``command`` is what to run where it is."""

    def __init__(self, message: str, command: str) -> None:
        super().__init__(message)
        self.command = command


@dataclass(frozen=True)
class Contents:
    """How many rows a database holds in the tables a restore would name (table → rows)."""

    rows: dict[str, int] = field(default_factory=dict)
    #: Tables of some other program (a database without actplanner's schema revision).
    foreign: bool = False

    @property
    def empty(self) -> bool:
        return not self.foreign and not any(self.rows.values())

    def __str__(self) -> str:
        parts = [
            f"{self.rows[table]} {word}{'' if self.rows[table] == 1 else 's'}"
            for table, word in COUNTED
            if self.rows.get(table)
        ]
        if self.foreign:
            parts.append("tables that are not actplanner's")
        if not parts:
            return "no data"
        return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


@dataclass(frozen=True)
class BackupReport:
    """What a backup wrote: the file, its size in bytes, and the schema revision and teams it holds."""

    file: Path
    size: int
    revision: str
    teams: int
    database: str


@dataclass(frozen=True)
class RestoreReport:
    """What a restore did: the backup's revision, the one it was migrated to (None: none), what it replaced.

    ``teams`` is how many the database holds now.
    """

    file: Path
    database: str
    revision: str
    migrated_to: str | None
    teams: int
    replaced: Contents


def backup_database(*, url: str, file: Path, force: bool = False) -> BackupReport:
    """Write a consistent snapshot of the database at ``url`` to ``file``; ``force`` replaces an existing one.

    The database is not changed, apart from the audit event; it may be in use.
    """
    file = Path(file).absolute()
    _check_destination(file, force)
    with _reachable(url):
        if _backend(url) == "sqlite":
            report = _backup_sqlite(url, file, force)
        else:
            report = _backup_postgres(url, file, force)
    return report


def restore_database(*, url: str, file: Path, force: bool = False) -> RestoreReport:
    """Replace the database at ``url`` by the backup ``file``, then migrate it to this version's schema.

    Refuses a database that holds data unless ``force``, and one that something else
    has open. On any error the database is as it was, with one exception said in its
    message: on PostgreSQL, an older backup whose migration then fails stays restored.
    """
    file = Path(file).absolute()
    if not file.is_file():
        raise BackupError(f"no backup file {file}" if not file.exists() else f"{file} is not a file")
    with _reachable(url):
        if _backend(url) == "sqlite":
            return _restore_sqlite(url, file, force)
        return _restore_postgres(url, file, force)


# -- shared -------------------------------------------------------------------------------------------


def _where(url: str) -> str:
    """The database's URL as it may be shown (no password)."""
    return make_url(url).render_as_string(hide_password=True)


def _backend(url: str) -> str:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"cannot back up a {name} database: actplanner runs on SQLite or PostgreSQL")
    return name


@contextmanager
def _reachable(url: str) -> Iterator[None]:
    """A database that cannot be reached, or is locked too long, is one sentence naming it."""
    try:
        yield
    except (OperationalError, sqlite3.OperationalError) as err:
        orig = err.orig if isinstance(err, OperationalError) else err
        lines = str(orig or err).strip().splitlines()
        raise BackupError(f"cannot reach the database {_where(url)}: {lines[0] if lines else err}") from err


def _schema() -> tuple[str, list[str]]:
    """This version's newest schema revision, and every revision it knows, newest first."""
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    assert head is not None, "the packaged migrations have a head"
    return head, [revision.revision for revision in script.walk_revisions()]


def _check_known(revision: str, file: Path) -> None:
    head, known = _schema()
    if revision not in known:
        raise BackupError(
            f"{file} has schema revision {revision}, which this actplanner does not know (its newest is "
            f"{head}): it was made by a newer actplanner; upgrade actplanner, then restore it"
        )


def _newer(revision: str, than: str) -> bool:
    _head, known = _schema()
    return revision in known and than in known and known.index(revision) < known.index(than)


def _facts(connection: Connection) -> tuple[str | None, Contents]:
    """A database's schema revision (None: not actplanner's) and how many rows it holds."""
    names = set(inspect(connection).get_table_names())
    revision = MigrationContext.configure(connection).get_current_revision() if names else None
    rows = {
        table: int(connection.scalar(text(f'SELECT count(*) FROM "{table}"')) or 0)
        for table, _word in COUNTED
        if table in names
    }
    return revision, Contents(rows, foreign=bool(names) and revision is None)


def _record_backup(url: str, report: BackupReport) -> None:
    """Write the audit event of a backup, done by the system (the command runs on the server)."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            # A backup is taken before an upgrade migrates the database, so the insert names
            # only the columns every schema revision has; a backup is every team's (no team_id).
            connection.execute(
                insert(AuditEvent).values(
                    user_id=None, action="backup", target=f"file:{report.file}", detail=_backup_detail(report)
                )
            )
    finally:
        engine.dispose()


def _finish_restore(url: str, report: RestoreReport) -> None:
    """In the restored database, in one transaction: every sign-in ended, and the restore's audit event.

    A sign-in that was ended after the backup was taken (a sign-out, a password
    change) is live again in the backup; ending them all closes that, and everyone
    signs in once more.
    """
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.begin() as connection:
            ended = connection.execute(
                update(UserSession).where(UserSession.revoked_at.is_(None)).values(revoked_at=utcnow())
            ).rowcount
            detail = {**_restore_detail(report), "sign_ins_ended": ended}
            connection.execute(
                insert(AuditEvent).values(
                    user_id=None, action="restore", target=f"file:{report.file}", detail=detail
                )
            )
    finally:
        engine.dispose()


def _check_destination(file: Path, force: bool) -> None:
    if file.is_dir():
        raise BackupError(f"{file} is a folder; give the name of the backup file to write")
    if not file.parent.is_dir():
        raise BackupError(f"no folder {file.parent} to write the backup in")
    if file.exists() and not force:
        raise BackupError(f"{file} already exists; --force replaces it")


@contextmanager
def _file_beside(file: Path) -> Iterator[Path]:
    """A new empty file in ``file``'s folder (readable by its owner only), removed unless renamed away."""
    try:
        handle, name = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".partial")
    except OSError as err:
        raise BackupError(f"cannot write in {file.parent}: {err.strerror or err}") from err
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
    finally:
        temporary.unlink(missing_ok=True)


def _put_in_place(temporary: Path, file: Path, force: bool) -> None:
    """Rename the finished backup to its name: on disk first, so a crash leaves the old file or the new."""
    _fsync(temporary)
    if file.exists() and not force:
        raise BackupError(f"{file} already exists; --force replaces it")
    try:
        os.replace(temporary, file)
    except OSError as err:
        raise BackupError(f"cannot write {file}: {err.strerror or err}") from err
    _fsync(file.parent)


def _fsync(path: Path) -> None:
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


# -- SQLite --------------------------------------------------------------------------------------------


def _sqlite_path(url: str, *, must_exist: bool) -> Path:
    database = make_url(url).database
    if database in (None, "", ":memory:") or str(database).startswith("file::memory:"):
        raise BackupError("an in-memory database has nothing to back up or restore into; give a file")
    path = Path(str(database)).absolute()
    if must_exist and not path.is_file():
        raise BackupError(f"no database at {path}" if not path.exists() else f"{path} is not a file")
    return path


def _read_only(path: Path) -> str:
    # A URI, so that opening never creates the file and no read ever writes to it.
    return f"file:{quote(str(path))}?mode=ro"


def _sqlite_reader(path: Path) -> Engine:
    """A read-only engine on a SQLite file, without the app's WAL and write-lock setup."""
    return create_engine(
        "sqlite://",
        creator=lambda: sqlite3.connect(_read_only(path), uri=True, timeout=BUSY_SECONDS),
        poolclass=NullPool,
    )


def _sqlite_facts(path: Path) -> tuple[str | None, Contents]:
    engine = _sqlite_reader(path)
    try:
        with engine.connect() as connection:
            return _facts(connection)
    finally:
        engine.dispose()


def _integrity(connection: sqlite3.Connection) -> str:
    rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    return "ok" if rows == ["ok"] else "; ".join(str(row) for row in rows[:3])


def _backup_sqlite(url: str, file: Path, force: bool) -> BackupReport:
    path = _sqlite_path(url, must_exist=True)
    if file == path or (file.exists() and file.samefile(path)):
        raise BackupError(f"{file} is the database itself; write the backup to another file")
    with _file_beside(file) as temporary:
        try:
            source = sqlite3.connect(_read_only(path), uri=True, timeout=BUSY_SECONDS)
            try:
                copy = sqlite3.connect(temporary)
                try:
                    # All pages in one step: one read transaction, so one consistent snapshot.
                    # Under WAL the server's writers go on meanwhile; stepping page by page would
                    # restart the copy at every commit and might never finish on a busy server.
                    source.backup(copy)
                    # One self-contained file: no -wal beside it to lose when the file is moved.
                    copy.execute("PRAGMA journal_mode=DELETE")
                    sound = _integrity(copy)
                finally:
                    copy.close()
            finally:
                source.close()
        except sqlite3.DatabaseError as err:
            if isinstance(err, sqlite3.OperationalError) and "locked" in str(err):
                raise
            raise BackupError(f"could not copy the database {path}, no backup written: {err}") from err
        if sound != "ok":
            raise BackupError(
                f"the database {path} fails SQLite's integrity check ({sound}); no backup written"
            )
        revision, contents = _sqlite_facts(temporary)
        if revision is None:
            raise BackupError(f"{path} has no actplanner tables: nothing to back up")
        report = BackupReport(
            file, temporary.stat().st_size, revision, contents.rows.get("teams", 0), _where(url)
        )
        _record_backup(url, report)
        _put_in_place(temporary, file, force)
    return report


def _backup_detail(report: BackupReport) -> dict[str, Any]:
    return {
        "database": report.database,
        "bytes": report.size,
        "revision": report.revision,
        "teams": report.teams,
    }


def _check_sqlite_backup(file: Path) -> str:
    """The schema revision of a SQLite backup file, after checking that it is one and sound."""
    with file.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header.startswith(PG_DUMP_HEADER):
        raise BackupError(f"{file} is a PostgreSQL backup (pg_dump); restore it into a PostgreSQL database")
    if header != SQLITE_HEADER:
        raise BackupError(f"{file} is not an actplanner backup: not a SQLite database")
    try:
        with _closing(sqlite3.connect(_read_only(file), uri=True)) as connection:
            sound = _integrity(connection)
    except sqlite3.DatabaseError as err:
        raise BackupError(f"{file} is not an actplanner backup: {err}") from err
    if sound != "ok":
        raise BackupError(f"{file} is damaged: SQLite's integrity check says {sound}")
    revision, _contents = _sqlite_facts(file)
    if revision is None:
        raise BackupError(f"{file} is not an actplanner backup: it has no actplanner schema revision")
    _check_known(revision, file)
    return revision


@contextmanager
def _closing(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    # sqlite3's own context manager commits; it does not close.
    try:
        yield connection
    finally:
        connection.close()


@contextmanager
def _locked_sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    """The database file opened alone and locked until the end (made empty when missing).

    The app keeps its databases in WAL mode, and SQLite leaves WAL mode only when no
    other connection has the file open: that is how a running server or worker is found.
    The lock (exclusive locking mode) then keeps them out until the restore is done.
    A file made here is removed again when the restore fails.
    """
    created = not path.exists()
    connection = sqlite3.connect(path, isolation_level=None, timeout=LOCK_SECONDS)
    mode = None
    done = False
    try:
        try:
            connection.execute("PRAGMA locking_mode=EXCLUSIVE")
            mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
            connection.execute("PRAGMA journal_mode=DELETE")
            connection.execute("BEGIN EXCLUSIVE")
            connection.execute("COMMIT")
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise BackupError(
                    f"the database {path} is in use: stop `actplanner serve` and every `actplanner worker` "
                    "on it, then restore"
                ) from err
            raise
        except sqlite3.DatabaseError as err:
            raise BackupError(f"{path} is not a SQLite database: {err}") from err
        yield connection
        done = True
    finally:
        if mode == "wal":
            # Back as it was (the app would set WAL again on its next connection anyway).
            with suppress(sqlite3.Error):
                connection.execute("PRAGMA journal_mode=WAL")
        connection.close()
        if created and not done:
            path.unlink(missing_ok=True)


def _restore_sqlite(url: str, file: Path, force: bool) -> RestoreReport:
    path = _sqlite_path(url, must_exist=False)
    if path.exists() and path.samefile(file):
        raise BackupError(f"{file} is the database itself")
    if not path.parent.is_dir():
        raise BackupError(f"no folder {path.parent} for the database")
    revision = _check_sqlite_backup(file)
    head, _known = _schema()
    with _locked_sqlite(path) as target:
        # The pool lends the one locked connection; closing it is _locked_sqlite's.
        engine = create_engine("sqlite://", creator=lambda: target, poolclass=StaticPool)
        with engine.connect() as connection:
            _current, replaced = _facts(connection)
        if not replaced.empty and not force:
            raise BackupError(
                f"the database {path} holds {replaced}; --force replaces them with the backup {file.name}"
            )
        with _file_beside(path) as staged:
            # The backup is copied and migrated beside the database, so a migration that fails
            # leaves the database untouched; only a finished copy goes in, in one transaction.
            with (
                _closing(sqlite3.connect(_read_only(file), uri=True)) as backup,
                _closing(sqlite3.connect(staged)) as copy,
            ):
                backup.backup(copy)
            migrated = revision != head
            if migrated:
                _migrate_staged(staged, revision, file)
            _restored, now = _sqlite_facts(staged)
            report = RestoreReport(
                file, _where(url), revision, head if migrated else None, now.rows.get("teams", 0), replaced
            )
            # Into the copy, so the database gets the restore and its audit event together.
            _finish_restore(f"sqlite:///{staged}", report)
            with _closing(sqlite3.connect(staged)) as copy:
                copy.execute("PRAGMA journal_mode=DELETE")
                copy.backup(target)
    return report


def _migrate_staged(staged: Path, revision: str, file: Path) -> None:
    try:
        migrate(f"sqlite:///{staged}")
    except Exception as err:
        raise BackupError(
            f"{file} (schema revision {revision}) could not be migrated to this version's schema: {err}; "
            "the database is as it was"
        ) from err


def _restore_detail(report: RestoreReport) -> dict[str, Any]:
    return {
        "database": report.database,
        "revision": report.revision,
        "migrated_to": report.migrated_to,
        "teams": report.teams,
        "replaced": report.replaced.rows,
    }


# -- PostgreSQL ----------------------------------------------------------------------------------------


def _tool(name: str, command: Callable[[], str]) -> str:
    found = pg_tools.find(name)
    if found is None:
        raise ToolMissing(
            f"{name} (PostgreSQL's client tools) is not on PATH; install them (Debian: apt-get install "
            "postgresql-client) or run on a machine that has them",
            command(),
        )
    return found


def _postgres(url: str) -> Engine:
    return make_engine(url, poolclass=NullPool)


def _backup_postgres(url: str, file: Path, force: bool) -> BackupReport:
    target = pg_tools.connection(url)
    tool = _tool(
        "pg_dump", lambda: pg_tools.by_hand("pg_dump", ["--format=custom", f"--file={file}"], target)
    )
    engine = _postgres(url)
    try:
        with engine.connect() as connection:
            server = int((connection.dialect.server_version_info or (0,))[0])
            version = pg_tools.major_version(tool)
            if version is not None and version < server:
                raise BackupError(
                    f"pg_dump {version} ({tool}) cannot dump this PostgreSQL {server} server: put the "
                    f"PostgreSQL {server} client tools first on PATH (Debian: postgresql-client-{server})"
                )
            # pg_dump reads the snapshot this transaction exported, so the revision and
            # the teams counted here are exactly those in the file.
            snapshot_connection = connection.execution_options(isolation_level="REPEATABLE READ")
            with snapshot_connection.begin():
                snapshot = snapshot_connection.scalar(text("SELECT pg_export_snapshot()"))
                revision, contents = _facts(snapshot_connection)
                if revision is None:
                    raise BackupError(
                        f"the database {_where(url)} has no actplanner tables: nothing to back up"
                    )
                with _file_beside(file) as temporary:
                    try:
                        pg_tools.run(
                            tool, ["--format=custom", f"--file={temporary}", f"--snapshot={snapshot}"], target
                        )
                    except pg_tools.ToolFailed as err:
                        raise BackupError(f"pg_dump failed, no backup written: {err}") from err
                    report = BackupReport(
                        file, temporary.stat().st_size, revision, contents.rows.get("teams", 0), _where(url)
                    )
                    _record_backup(url, report)
                    _put_in_place(temporary, file, force)
    finally:
        engine.dispose()
    return report


def _check_postgres_backup(tool: str, file: Path) -> str:
    """The schema revision of a pg_dump backup file, after checking that it is an actplanner one."""
    with file.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header == SQLITE_HEADER:
        raise BackupError(
            f"{file} is a SQLite backup; restore it into a SQLite database (--db sqlite:///FILE)"
        )
    if not header.startswith(PG_DUMP_HEADER):
        raise BackupError(f"{file} is not an actplanner backup: not a pg_dump file (--format=custom)")
    try:
        listing = pg_tools.run(tool, ["--list"], None, (file,))
        data = pg_tools.run(tool, ["--data-only", "--table=alembic_version", "--file=-"], None, (file,))
    except pg_tools.ToolFailed as err:
        raise BackupError(f"{file} cannot be read by pg_restore: {err}") from err
    revision = _copied_revision(data)
    if not re.search(r"TABLE DATA \S+ alembic_version ", listing) or revision is None:
        raise BackupError(f"{file} is not an actplanner backup: it has no actplanner schema revision")
    _check_known(revision, file)
    return revision


def _copied_revision(sql: str) -> str | None:
    """The one row of ``alembic_version`` in the SQL pg_restore writes (a COPY block)."""
    lines = iter(sql.splitlines())
    for line in lines:
        if line.startswith("COPY ") and "alembic_version" in line:
            row = next(lines, "\\.")
            return None if row == "\\." else row.strip()
    return None


def _restore_postgres(url: str, file: Path, force: bool) -> RestoreReport:
    target = pg_tools.connection(url)
    tool = _tool("pg_restore", lambda: pg_tools.by_hand("pg_restore", RESTORE_OPTIONS, target, (file,)))
    revision = _check_postgres_backup(tool, file)
    head, _known = _schema()
    engine = _postgres(url)
    try:
        with engine.connect() as connection:
            others = connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                )
            )
            current, replaced = _facts(connection)
    finally:
        engine.dispose()
    if others:
        raise BackupError(
            f"the database {_where(url)} is in use ({others} other connection(s)): stop `actplanner serve` "
            "and every `actplanner worker` on it, then restore"
        )
    if current is not None and _newer(current, revision):
        # --clean drops and remakes only what the backup has: the newer schema's own tables would stay.
        raise BackupError(
            f"the database {_where(url)} has a newer schema (revision {current}) than the backup "
            f"({revision}): restore it into an empty database (dropdb and createdb it first)"
        )
    if not replaced.empty and not force:
        raise BackupError(
            f"the database {_where(url)} holds {replaced}; --force replaces them with the backup {file.name}"
        )
    try:
        pg_tools.run(tool, RESTORE_OPTIONS, target, (file,))
    except pg_tools.ToolFailed as err:
        raise BackupError(f"pg_restore failed, the database is as it was: {err}") from err
    migrated = revision != head
    if migrated:
        try:
            migrate(url)
        except Exception as err:
            raise BackupError(
                f"the backup (schema revision {revision}) was restored, but migrating it to this version's "
                f"schema failed: {err}; `actplanner serve` tries again"
            ) from err
    engine = _postgres(url)
    try:
        with engine.connect() as connection:
            _now_revision, now = _facts(connection)
    finally:
        engine.dispose()
    report = RestoreReport(
        file, _where(url), revision, head if migrated else None, now.rows.get("teams", 0), replaced
    )
    _finish_restore(url, report)
    return report
