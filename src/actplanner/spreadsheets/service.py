"""Spreadsheets in and out of the database, through the team file and contact log imports.

The sheets become a team file (or a contact log) and are saved by
``teams.service.import_team`` (or ``contacts.service.import_contacts``), so the same
checks apply and nothing is saved unless every row is good. Exports hold client
names and addresses: each is recorded in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import Session

from actplanner.audit.service import audit
from actplanner.contacts.service import import_contacts
from actplanner.domain.formats import FormatError, dump_team
from actplanner.spreadsheets.columns import CLIENTS, STAFF, SheetKind
from actplanner.spreadsheets.contact_sheets import CONTACT_FIELDS, contact_log, translated
from actplanner.spreadsheets.sheets import (
    CSV_TYPE,
    XLSX_TYPE,
    SpreadsheetError,
    read_tables,
    write_csv,
    write_xlsx,
)
from actplanner.spreadsheets.team_sheets import SheetError, read_team, team_tables, template_tables, translate
from actplanner.teams.service import import_team, team_file

Sheet = Literal["staff", "clients"]
KIND_OF = {"staff": STAFF, "clients": CLIENTS}


class SheetImportError(ValueError):
    """A spreadsheet that was not imported; ``errors`` name each row, column and what was expected."""

    def __init__(self, errors: list[SheetError]) -> None:
        self.errors = errors
        super().__init__("\n".join(e.text for e in errors))


@dataclass(frozen=True)
class Download:
    """A file to send: its bytes, media type and file name."""

    content: bytes
    media_type: str
    filename: str


@dataclass(frozen=True)
class TeamSheetsImported:
    team: str
    sheets: list[str]
    staff: int
    clients: int


def _tables(data: bytes, filename: str) -> list[Any]:
    if not data:
        raise SheetImportError([SheetError("(file): choose a spreadsheet (CSV or .xlsx) to import")])
    try:
        return read_tables(data, filename.rsplit(".", 1)[0] or "sheet")
    except SpreadsheetError as err:
        raise SheetImportError([SheetError(f"(file): {err}")]) from None


def import_team_sheets(
    *,
    session: Session,
    team_id: str,
    data: bytes,
    filename: str = "sheet.csv",
    sheet: Sheet | None = None,
    user_id: int | None = None,
) -> TeamSheetsImported:
    """Replace the team's staff and/or clients with a spreadsheet's; SheetImportError changes nothing.

    An .xlsx gives its Staff and Clients sheets; a CSV is one of them (``sheet``, or
    told by its headers). The policy and the team block stay as they are.
    """
    tables = _tables(data, filename)
    current = dump_team(team_file(session=session, team_id=team_id))
    asked: SheetKind | None = KIND_OF[sheet] if sheet else None
    doc, errors, rows = read_team(tables, current, asked=asked, check=False)
    if errors:
        raise SheetImportError(errors)
    try:
        # import_team checks the whole file (load_team) before it writes anything.
        team = import_team(session=session, data=doc, user_id=user_id)
    except FormatError as err:
        raise SheetImportError(translate(err.messages, doc, rows)) from None
    return TeamSheetsImported(team.id, list(rows), len(team.staff), len(team.clients))


def export_team_sheets(
    *, session: Session, team_id: str, sheet: Sheet | None = None, user_id: int | None = None
) -> Download:
    """The staff and clients sheets as one .xlsx (``sheet`` None) or one sheet as CSV; audited."""
    doc = dump_team(team_file(session=session, team_id=team_id))
    tables = team_tables(doc)
    with session.begin_nested():
        audit(
            session=session,
            user_id=user_id,
            action="export",
            target=f"team:{team_id}",
            detail={"as": "spreadsheet", "file": "xlsx" if sheet is None else f"{sheet} csv"},
            team_id=team_id,
        )
    if sheet is None:
        return Download(write_xlsx(tables), XLSX_TYPE, f"team-{team_id}.xlsx")
    name, headers, rows = next(t for t in tables if t[0] == KIND_OF[sheet].name)
    return Download(write_csv(headers, rows), CSV_TYPE, f"{sheet}-{team_id}.csv")


def template(sheet: Sheet | None = None) -> Download:
    """The empty sheets (with a read-me sheet) as .xlsx, or one sheet's headers as CSV."""
    tables = template_tables()
    if sheet is None:
        return Download(write_xlsx(tables), XLSX_TYPE, "actplanner-team-template.xlsx")
    _, headers, _rows = next(t for t in tables if t[0] == KIND_OF[sheet].name)
    return Download(write_csv(headers, []), CSV_TYPE, f"actplanner-{sheet}-template.csv")


def import_contact_sheet(
    *,
    session: Session,
    team_id: str,
    data: bytes,
    mapping: dict[str, str],
    filename: str = "contacts.csv",
    user_id: int | None = None,
) -> int:
    """Import an EHR's export of contacts, its columns named by ``mapping`` (field -> header).

    All or nothing through ``contacts.service.import_contacts``: SheetImportError names
    each bad row and column. How many contacts were imported.
    """
    tables = [t for t in _tables(data, filename) if t.rows]
    if not tables:
        raise SheetImportError([SheetError("(file): the spreadsheet has no rows of contacts")])
    # A workbook's first sheet with rows is the export; EHRs write one.
    table = tables[0]
    team = team_file(session=session, team_id=team_id)
    doc, errors, rows = contact_log(table, mapping, team)
    if errors:
        raise SheetImportError(errors)
    try:
        return import_contacts(session=session, team_id=team_id, data=doc, by=user_id)
    except FormatError as err:
        raise SheetImportError([translated(m, table, mapping, rows) for m in err.messages]) from None


__all__ = [
    "CONTACT_FIELDS",
    "Download",
    "SheetImportError",
    "TeamSheetsImported",
    "export_team_sheets",
    "import_contact_sheet",
    "import_team_sheets",
    "template",
]
