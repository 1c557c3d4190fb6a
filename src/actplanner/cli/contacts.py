"""The contact log in a terminal: `contacts import TEAM FILE`, `contacts export TEAM --from --to --out`.

Both work on the app's database, as the Contact log page and the API do: an import
is all or nothing (a bad entry changes nothing and is named with its field), and
both are recorded in the audit trail (by the system: a command has no login).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from actplanner.cli.database import database_session
from actplanner.cli.output import console, fail
from actplanner.contacts.service import export_contacts, import_contacts
from actplanner.domain.errors import NotFound
from actplanner.domain.formats import FormatError
from actplanner.domain.week import WeekError, parse_day

contacts_app = typer.Typer(
    help="Import and export a team's contact log (actplanner/contacts@1).", no_args_is_help=True
)


@contacts_app.command("import")
def import_command(
    team: Annotated[str, typer.Argument(help="The team id.")],
    file: Annotated[Path, typer.Argument(help="A contact log (JSON, actplanner/contacts@1).")],
) -> None:
    """Store a contact log in the database, all or nothing; entries with a stored id or visit replace it."""
    try:
        data = file.read_bytes()
    except FileNotFoundError as err:
        raise fail([f"{file}: no such file"]) from err
    except IsADirectoryError as err:
        raise fail([f"{file}: is a directory, not a file"]) from err
    except OSError as err:
        raise fail([f"{file}: cannot be read ({err.strerror or err})"]) from err
    try:
        with database_session(write=True) as session:
            count = import_contacts(session=session, team_id=team, data=data, by=None)
    except FormatError as err:
        raise fail([f"{file}: {m}" for m in err.messages] + ["nothing was imported"]) from err
    except NotFound as err:
        raise fail([f"TEAM: {err}"]) from err
    console.print(f"Imported {count} contact{'s' if count != 1 else ''} into team {team}.", highlight=False)


@contacts_app.command("export")
def export_command(
    team: Annotated[str, typer.Argument(help="The team id.")],
    start: Annotated[str, typer.Option("--from", help="First date, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last date, YYYY-MM-DD.")],
    out: Annotated[Path, typer.Option(help="Where to write the log.")] = Path("contacts.json"),
) -> None:
    """Write the team's contacts dated in [--from, --to] as an actplanner/contacts@1 file."""
    first, last = _day(start, "--from"), _day(end, "--to")
    if last < first:
        raise fail([f"--to: {last} is before --from {first}"])
    if out.is_dir():
        raise fail([f"--out: {out} is a directory, not a file"])
    folder = out.parent if str(out.parent) else Path()
    if not folder.is_dir():
        raise fail([f"--out: folder {folder} does not exist"])
    try:
        with database_session(write=True) as session:
            doc = export_contacts(session=session, team_id=team, start=first, end=last, by=None)
    except NotFound as err:
        raise fail([f"TEAM: {err}"]) from err
    try:
        out.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as err:
        raise fail([f"--out: {out} cannot be written ({err.strerror or err})"]) from err
    count = len(doc["contacts"])
    console.print(f"Wrote {count} contact{'s' if count != 1 else ''} to {out}.", highlight=False)


def _day(text: str, option: str) -> date:
    try:
        return parse_day(text, field=option)
    except WeekError as err:
        raise fail([str(err)]) from err
