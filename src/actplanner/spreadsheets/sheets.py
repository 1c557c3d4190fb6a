"""Spreadsheet files as tables of text: read a CSV or an Excel workbook (.xlsx, openpyxl), write them.

A ``Table`` is a sheet's header row and its rows as cell texts, each row with its
number in the sheet (the header is row 1), so errors can point at what the lead sees.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from actplanner.domain.formats import MAX_FILE_BYTES
from actplanner.spreadsheets.cells import cell_text

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
#: How an .xlsx (a zip archive) begins.
ZIP_MAGIC = b"PK\x03\x04"
#: How an old binary Excel file (.xls) begins.
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
#: Rows a sheet may hold: far above any team (the team file allows 5,000 clients).
MAX_ROWS = 50_000
#: Texts a spreadsheet program would run as a formula when opening a CSV (OWASP: CSV injection).
_FORMULA_START = ("=", "+", "-", "@")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


class SpreadsheetError(ValueError):
    """A file that cannot be read as a spreadsheet at all; the message says why, in words."""


@dataclass
class Table:
    """One sheet: its name, its header row and its rows of cell texts with their row numbers."""

    name: str
    headers: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def is_spreadsheet(data: bytes) -> bool:
    """Whether ``data`` is an Excel workbook (a zip archive), the one kind that cannot be text."""
    return data.startswith(ZIP_MAGIC)


def read_tables(data: bytes, name: str = "sheet") -> list[Table]:
    """The sheets of an .xlsx, or the one table of a CSV (``name`` names it)."""
    if len(data) > MAX_FILE_BYTES:
        raise SpreadsheetError(
            f"the file has {len(data)} bytes; a spreadsheet may have at most "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB"
        )
    if data.startswith(XLS_MAGIC):
        raise SpreadsheetError(
            "this is an old Excel file (.xls): save it as an Excel workbook (.xlsx) or CSV and import that"
        )
    if is_spreadsheet(data):
        return _read_xlsx(data)
    return [_read_csv(data, name)]


def _read_xlsx(data: bytes) -> list[Table]:
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise SpreadsheetError("this file is not an Excel workbook (.xlsx) that can be read") from None
    tables = []
    try:
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)
            header = next(rows, None)
            if header is None:
                continue
            table = Table(sheet.title, [cell_text(v) for v in header])
            for number, row in enumerate(rows, start=2):
                table.rows.append((number, [cell_text(v) for v in row]))
            tables.append(_trimmed(table))
    finally:
        book.close()
    return tables


def _read_csv(data: bytes, name: str) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the system's code page, not UTF-8.
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise SpreadsheetError("this file is not a CSV (text) file or an Excel workbook (.xlsx)")
    first = text.split("\n", 1)[0]
    # Excel in much of Europe writes semicolons between cells.
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
        table = Table(name, [h.strip() for h in header])
        for number, row in enumerate(reader, start=2):
            if number > MAX_ROWS + 1:
                raise SpreadsheetError(f"more than {MAX_ROWS} rows")
            table.rows.append((number, [_unguarded(cell.strip()) for cell in row]))
    except csv.Error as err:
        raise SpreadsheetError(f"this CSV cannot be read: {err}") from None
    return _trimmed(table)


def _trimmed(table: Table) -> Table:
    """Without blank rows (a spreadsheet's tail) and blank trailing header cells."""
    while table.headers and not table.headers[-1]:
        table.headers.pop()
    table.rows = [(n, cells) for n, cells in table.rows if any(c for c in cells)]
    return table


def _unguarded(text: str) -> str:
    """A cell written with the apostrophe that keeps a spreadsheet from running it, without it."""
    if text.startswith("'") and text[1:2] in _FORMULA_START:
        return text[1:]
    return text


def _guarded(text: str) -> str:
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def write_csv(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """A CSV (UTF-8 with a byte-order mark, which Excel needs to read it as UTF-8)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_guarded(cell) if isinstance(cell, str) else cell for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_xlsx(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[object]]]]) -> bytes:
    """An Excel workbook with one sheet per (name, headers, rows); texts stay texts, never formulas."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for name, headers, rows in sheets:
        sheet = book.create_sheet(name)
        sheet.append(list(headers))
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append([None if v == "" else v for v in row])
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str):
                    # openpyxl takes a text starting with "=" for a formula; a client's cell never is one.
                    cell.data_type = "s"
        for column, header in zip(sheet.columns, headers, strict=False):
            width = max([len(header), *(len(str(c.value or "")) for c in column[1:50])])
            sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
