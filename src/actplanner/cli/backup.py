"""``actplanner backup FILE`` and ``actplanner restore FILE``: the whole database in one file, and back.

Run on the server by whoever administers it; both are audit events done by the
system (a backup holds every client's name and address). See docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.filesize import decimal

from actplanner.cli.output import console, fail, out
from actplanner.db.backup import BackupError, ToolMissing, backup_database, restore_database
from actplanner.settings import get_settings

DatabaseOption = Annotated[
    str | None,
    typer.Option("--db", help="The database URL (default: ACTPLANNER_DATABASE_URL).", show_default=False),
]


def backup(
    file: Annotated[Path, typer.Argument(help="The backup file to write.")],
    db: DatabaseOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE when it exists.")] = False,
) -> None:
    """Write a consistent snapshot of the database to FILE; the server may keep running."""
    try:
        report = backup_database(url=db or get_settings().database_url, file=file, force=force)
    except ToolMissing as err:
        raise fail([f"{err}; the command to run there: {err.command}"]) from err
    except BackupError as err:
        raise fail([str(err)]) from err
    out.print(
        f"Wrote {report.file} ({decimal(report.size)}): schema revision {report.revision}, "
        f"{report.teams} team{'' if report.teams == 1 else 's'}, from {report.database}",
        highlight=False,
    )
    console.print("It holds client names and addresses: keep it where only IT can read it.")


def restore(
    file: Annotated[Path, typer.Argument(help="The backup file to restore (from `actplanner backup`).")],
    db: DatabaseOption = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a database that holds data.")] = False,
) -> None:
    """Replace the database by the backup FILE; stop the server and its workers first."""
    try:
        report = restore_database(url=db or get_settings().database_url, file=file, force=force)
    except ToolMissing as err:
        raise fail([f"{err}; the command to run there: {err.command}"]) from err
    except BackupError as err:
        raise fail([str(err)]) from err
    migrated = f", migrated to {report.migrated_to}" if report.migrated_to else ""
    replaced = "" if report.replaced.empty else f"; it replaced {report.replaced}"
    out.print(
        f"Restored {report.file} into {report.database}: schema revision {report.revision}{migrated}, "
        f"{report.teams} team{'' if report.teams == 1 else 's'}{replaced}",
        highlight=False,
    )
    console.print("Every sign-in was ended: everyone signs in again.")
