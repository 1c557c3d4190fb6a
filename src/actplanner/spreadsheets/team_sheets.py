"""Staff and clients sheets to a team file and back (pure: no database).

``read_team`` puts the sheets read into the team's current file (a sheet given
replaces that list whole; the team block and the policy stay), checks the result
with ``load_team`` and gives every problem as a ``SheetError`` naming the row, the
column header and what was expected. ``team_tables`` writes the two sheets a
re-import reads back to the same team.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from actplanner.domain.formats import TEAM_FORMAT, TEAM_FORMAT_2, FormatError, load_team
from actplanner.domain.formats.team import doc_uses_version_2
from actplanner.domain.formats.words import references_in_words
from actplanner.spreadsheets.cells import CellError, quoted
from actplanner.spreadsheets.columns import (
    CLIENTS,
    KINDS,
    STAFF,
    Column,
    SheetKind,
    column_index,
    column_of_path,
    header_key,
    is_ignored,
)
from actplanner.spreadsheets.sheets import Table


@dataclass(frozen=True)
class SheetError:
    """One problem, in words (``text``), and where it is for the IT person (``where``: cell or file path)."""

    text: str
    where: str = ""


@dataclass
class _Sheet:
    kind: SheetKind
    table: Table
    entries: list[dict[str, Any]]
    rows: list[int]
    columns: dict[int, Column]


def sheet_kind(table: Table, asked: SheetKind | None = None) -> SheetKind | None:
    """The kind of a sheet: as asked, else by its name (Staff, Clients), else by its headers."""
    if asked is not None:
        return asked
    name = header_key(table.name)
    for kind in KINDS:
        if name in (header_key(kind.name), header_key(kind.row_label)):
            return kind
    keys = {header_key(h) for h in table.headers}
    if "discipline" in keys:
        return STAFF
    if "acuity" in keys or "code" in keys:
        return CLIENTS
    return None


def read_team(
    tables: list[Table], current: dict[str, Any], *, asked: SheetKind | None = None, check: bool = True
) -> tuple[dict[str, Any], list[SheetError], dict[str, list[int]]]:
    """The team file with the sheets' staff and/or clients, its problems, and the lists read (with
    each entry's row number).

    ``check=False`` leaves ``load_team``'s checks to the caller, who saves through an import that
    runs them anyway (``translate`` then names their rows): a large team is checked once, not twice.
    """
    errors: list[SheetError] = []
    sheets: dict[str, _Sheet] = {}
    for table in tables:
        kind = sheet_kind(table, asked if len(tables) == 1 else None)
        if kind is None:
            # A workbook may keep notes or a read-me sheet beside the data sheets.
            if len(tables) == 1:
                errors.append(
                    SheetError(
                        f"{table.name}: cannot tell whether this is the staff or the clients sheet: "
                        'a staff sheet has a "Discipline" column, a clients sheet "Acuity" '
                        "(or choose which above)"
                    )
                )
            continue
        if not table.rows:
            # An empty sheet (the template's, left blank) keeps the team's list as it is.
            continue
        if kind.key in sheets:
            errors.append(SheetError(f"{table.name}: a second {kind.name.lower()} sheet; give one"))
            continue
        sheet = _read_sheet(kind, table, errors)
        if sheet is not None:
            sheets[kind.key] = sheet
    if not sheets and not errors:
        errors.append(
            SheetError(
                "(file): no rows of staff or clients found (a Staff or Clients sheet, "
                "or a CSV, with a header row and a row for each staff member or client)"
            )
        )
    # The sheets' lists replace the current ones whole; the rest is the current file's, unchanged.
    doc = dict(current)
    for key, sheet in sheets.items():
        doc[key] = sheet.entries
    rows = {key: sheet.rows for key, sheet in sheets.items()}
    if errors:
        return doc, errors, rows
    if "clients" in sheets:
        errors += _resolve_staff(doc, sheets["clients"])
    if errors:
        return doc, errors, rows
    doc["format"] = TEAM_FORMAT_2 if doc_uses_version_2(doc) else TEAM_FORMAT
    if check:
        try:
            load_team(doc)
        except FormatError as err:
            errors = translate(err.messages, doc, rows)
    return doc, errors, rows


def translate(messages: list[str], doc: dict[str, Any], rows: dict[str, list[int]]) -> list[SheetError]:
    """Team file errors (``clients[37].visits_per_week: ...``) as the rows and columns they come from."""
    return [_translated(message, doc, rows) for message in messages]


def _read_sheet(kind: SheetKind, table: Table, errors: list[SheetError]) -> _Sheet | None:
    index = column_index(kind)
    columns: dict[int, Column] = {}
    seen: dict[str, int] = {}
    bad = False
    for i, header in enumerate(table.headers):
        if not header or is_ignored(header):
            continue
        column = index.get(header_key(header))
        where = f"{table.name}!{get_column_letter(i + 1)}1"
        if column is None:
            known = ", ".join(c.header for c in kind.columns)
            errors.append(
                SheetError(
                    f"{kind.name} sheet, column {quoted(header)}: not a column actplanner reads "
                    f"(the columns are {known}; a column headed Notes is kept aside)",
                    where,
                )
            )
            bad = True
        elif column.header in seen:
            errors.append(
                SheetError(
                    f"{kind.name} sheet, column {quoted(header)}: {column.header} is given twice", where
                )
            )
            bad = True
        else:
            seen[column.header] = i
            columns[i] = column
    for column in kind.columns:
        if column.required and column.header not in seen:
            errors.append(
                SheetError(f"{kind.name} sheet: the {column.header} column is missing (it is required)")
            )
            bad = True
    if bad:
        return None
    sheet = _Sheet(kind, table, [], [], columns)
    for number, cells in table.rows:
        label = f"{kind.row_label} {len(sheet.entries) + 1} (row {number})"
        entry: dict[str, Any] = {}
        for i, column in columns.items():
            text = cells[i] if i < len(cells) else ""
            where = f"{table.name}!{get_column_letter(i + 1)}{number}"
            if not text:
                if column.required:
                    errors.append(
                        SheetError(f"{label}, {column.header}: required, and the cell is blank", where)
                    )
                continue
            try:
                value = column.read(text)
            except CellError as err:
                errors.append(SheetError(f"{label}, {column.header}: {err}", where))
                continue
            _put(entry, column.path, value)
        sheet.entries.append(entry)
        sheet.rows.append(number)
    return sheet


def _put(entry: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        entry = entry.setdefault(key, {})
    entry[path[-1]] = value


def _get(entry: dict[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = entry
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _resolve_staff(doc: dict[str, Any], sheet: _Sheet) -> list[SheetError]:
    """Staff named by id or by name (as on the staff sheet) in Primary, ITT and Excluded staff, as ids."""
    ids = {member["id"] for member in doc["staff"]}
    by_name: dict[str, list[str]] = {}
    for member in doc["staff"]:
        by_name.setdefault(" ".join(member["name"].lower().split()), []).append(member["id"])
    errors = []
    letters = {column.header: get_column_letter(i + 1) for i, column in sheet.columns.items()}
    for n, (entry, number) in enumerate(zip(sheet.entries, sheet.rows, strict=True)):
        for column in sheet.kind.columns:
            if not column.staff_refs or column.path[0] not in entry:
                continue
            resolved = []
            for ref in entry[column.path[0]]:
                if ref in ids:
                    resolved.append(ref)
                    continue
                found = by_name.get(" ".join(ref.lower().split()), [])
                if len(found) == 1:
                    resolved.append(found[0])
                    continue
                why = (
                    f"{len(found)} staff members are called {quoted(ref)}: give their id ({', '.join(found)})"
                    if found
                    else f"{quoted(ref)} is not a staff member (give their id, e.g. s-rn1, or their name)"
                )
                errors.append(
                    SheetError(
                        f"{sheet.kind.row_label} {n + 1} (row {number}), {column.header}: {why}",
                        f"{sheet.table.name}!{letters[column.header]}{number}",
                    )
                )
            entry[column.path[0]] = resolved[0] if column.path == ("primary",) and resolved else resolved
    return errors


_ENTRY_PATH = re.compile(r"(staff|clients)\[(\d+)\]\.?([^:]*): (.*)", re.DOTALL)
_NICER = {"required key is missing": "required, and the cell is blank"}


def _translated(message: str, doc: dict[str, Any], rows: dict[str, list[int]]) -> SheetError:
    found = _ENTRY_PATH.fullmatch(message)
    if found is None:
        path, _, words = message.partition(": ")
        return SheetError(f"Team file (not the sheets), {path}: {references_in_words(words)}", path)
    key, index, rest, words = found.group(1), int(found.group(2)), found.group(3), found.group(4)
    kind = STAFF if key == "staff" else CLIENTS
    column = column_of_path(kind, rest)
    header = column.header if column is not None else rest or "the row"
    words = references_in_words(_NICER.get(words, words))
    path = message.partition(": ")[0]
    numbers = rows.get(key)
    if numbers is not None and index < len(numbers):
        return SheetError(f"{kind.row_label} {index + 1} (row {numbers[index]}), {header}: {words}", path)
    entries = doc.get(key) or []
    ident = entries[index].get("id", "?") if index < len(entries) else "?"
    return SheetError(
        f"{kind.row_label} {index + 1} ({ident}, kept from the team: no {kind.name.lower()} sheet given), "
        f"{header}: {words}",
        path,
    )


def team_tables(doc: dict[str, Any]) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The staff and clients sheets of a team file: (name, headers, rows)."""
    return [_table(kind, doc[kind.key]) for kind in KINDS]


def _table(kind: SheetKind, entries: list[dict[str, Any]]) -> tuple[str, list[str], list[list[Any]]]:
    rows = []
    for entry in entries:
        row = []
        for column in kind.columns:
            value = _get(entry, column.path)
            row.append("" if value is None else column.write(value))
        rows.append(row)
    return kind.name, [c.header for c in kind.columns], rows


def template_tables() -> list[tuple[str, list[str], list[list[Any]]]]:
    """The empty staff and clients sheets, and a read-me sheet saying what each column holds."""
    readme = [
        [kind.name, column.header, "yes" if column.required else "", column.holds]
        for kind in KINDS
        for column in kind.columns
    ]
    return [
        *(_table(kind, []) for kind in KINDS),
        ("Read me", ["Sheet", "Column", "Required", "What it holds (an example)"], readme),
    ]
