"""An EHR's export of contacts (one row a contact) as an ``actplanner/contacts@1`` log (pure).

The lead says which column holds each field (``mapping``: field -> header). Cells are
read as an EHR writes them: a client by id or code, staff by id or name, "No show",
"Telephone", a date-time in one cell. A row without an id column gets one made from
its client, date, start and staff, so importing the same export twice replaces the
contacts rather than doubling them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from openpyxl.utils import get_column_letter

from actplanner.domain.formats import CONTACTS_FORMAT, TeamFile
from actplanner.spreadsheets.cells import CellError, quoted, read_date, read_list, read_time, read_whole
from actplanner.spreadsheets.columns import header_key
from actplanner.spreadsheets.sheets import Table
from actplanner.spreadsheets.team_sheets import SheetError


@dataclass(frozen=True)
class ContactField:
    """A field of a contact the mapping form asks a column for."""

    key: str
    label: str
    required: bool
    holds: str


CONTACT_FIELDS = (
    ContactField("client", "Client", True, "the client's id or code"),
    ContactField("date", "Date", True, "the contact's date (YYYY-MM-DD, or a date-time cell)"),
    ContactField("start", "Start", True, "when it started (HH:MM, 9:30 AM, or a date-time cell)"),
    ContactField("minutes", "Minutes", True, "how long, in minutes (blank: 0 for a contact not done)"),
    ContactField("staff", "Staff", True, "who made it: ids or names, separated by commas"),
    ContactField("outcome", "Outcome", True, "done (completed, attended), no show, refused or cancelled"),
    ContactField("mode", "Mode", False, "face to face (in person), phone or video"),
    ContactField("place", "Place", False, "home, community, office, hospital or other"),
    ContactField("skills", "Skills", False, "skills given, e.g. lai_injection"),
    ContactField("visit", "Visit", False, "the planned visit's id, when the EHR keeps it"),
    ContactField("id", "Contact ID", False, "the EHR's own id of the contact"),
)

_OUTCOMES = {
    "done": "done",
    "completed": "done",
    "complete": "done",
    "attended": "done",
    "seen": "done",
    "kept": "done",
    "noshow": "no_show",
    "dna": "no_show",
    "didnotattend": "no_show",
    "missed": "no_show",
    "refused": "refused",
    "declined": "refused",
    "cancelled": "cancelled",
    "canceled": "cancelled",
}
_MODES = {
    "facetoface": "face_to_face",
    "inperson": "face_to_face",
    "f2f": "face_to_face",
    "phone": "phone",
    "telephone": "phone",
    "video": "video",
    "telehealth": "video",
}
_PLACES = ("home", "community", "office", "hospital", "other")


def _choice(text: str, words: dict[str, str], expected: str) -> str:
    found = words.get(header_key(text))
    if found is None:
        raise CellError(f"{quoted(text)} is not {expected}")
    return found


def _clock(text: str) -> str:
    """``9:30``, ``09:30:00``, ``9:30 AM`` or the time of a ``2026-12-01 09:30`` cell."""
    text = text.strip()
    moment = re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T](\S+)", text)
    if moment:
        text = moment.group(1)
    ampm = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*([AaPp])\.?[Mm]\.?", text)
    if ampm:
        hours, mins = int(ampm.group(1)) % 12, int(ampm.group(2) or 0)
        if ampm.group(3).lower() == "p":
            hours += 12
        text = f"{hours}:{mins:02d}"
    return read_time(text)


def _day(text: str) -> str:
    return read_date(text.strip()[:10] if re.match(r"\d{4}-\d{2}-\d{2}[ T]", text) else text)


def contact_log(
    table: Table, mapping: dict[str, str], team: TeamFile
) -> tuple[dict[str, Any], list[SheetError], list[int]]:
    """The contacts@1 document of the sheet, its problems, and each contact's row number."""
    errors: list[SheetError] = []
    found = {header_key(h): i for i, h in enumerate(table.headers) if h}
    columns: dict[str, int] = {}
    for field in CONTACT_FIELDS:
        header = (mapping.get(field.key) or "").strip()
        if not header:
            if field.required:
                errors.append(SheetError(f"Mapping, {field.label}: say which column holds {field.holds}"))
            continue
        if header_key(header) not in found:
            if not field.required and header_key(header) == header_key(field.label):
                # The form's own suggestion for an optional field: used when the sheet has a
                # column of that name, skipped when not (the lead did not ask for it).
                continue
            errors.append(
                SheetError(
                    f"Mapping, {field.label}: the sheet has no column {quoted(header)} "
                    f"(its columns are {', '.join(h for h in table.headers if h)})"
                )
            )
            continue
        columns[field.key] = found[header_key(header)]
    if errors:
        return {}, errors, []
    clients = {c.id: c.id for c in team.clients} | {c.code.lower(): c.id for c in team.clients}
    staff_ids = {s.id for s in team.staff}
    names: dict[str, list[str]] = {}
    for member in team.staff:
        names.setdefault(" ".join(member.name.lower().split()), []).append(member.id)
    contacts: list[dict[str, Any]] = []
    rows: list[int] = []
    for number, cells in table.rows:
        label = f"Contact {len(contacts) + 1} (row {number})"
        entry: dict[str, Any] = {}
        for field in CONTACT_FIELDS:
            if field.key not in columns:
                continue
            i = columns[field.key]
            text = cells[i].strip() if i < len(cells) else ""
            where = f"{table.name}!{get_column_letter(i + 1)}{number}"
            header = table.headers[i]
            if not text:
                if field.key == "minutes":
                    entry["minutes"] = 0
                elif field.required:
                    errors.append(SheetError(f"{label}, {header}: required, and the cell is blank", where))
                continue
            try:
                entry[field.key] = _value(field.key, text, clients, staff_ids, names)
            except CellError as err:
                errors.append(SheetError(f"{label}, {header}: {err}", where))
        if "id" not in entry:
            seed = "|".join(str(entry.get(k)) for k in ("client", "date", "start", "staff"))
            entry["id"] = "ehr-" + hashlib.sha256(seed.encode()).hexdigest()[:12]
        contacts.append(entry)
        rows.append(number)
    doc = {"format": CONTACTS_FORMAT, "team": team.team.id, "contacts": contacts}
    return doc, errors, rows


def _value(
    key: str, text: str, clients: dict[str, str], staff_ids: set[str], names: dict[str, list[str]]
) -> Any:
    if key == "client":
        client = clients.get(text) or clients.get(text.lower())
        if client is None:
            raise CellError(f"{quoted(text)} is not a client of the team (give their id or code)")
        return client
    if key == "date":
        return _day(text)
    if key == "start":
        return _clock(text)
    if key == "minutes":
        return read_whole(text)
    if key == "staff":
        return [_staff(ref, staff_ids, names) for ref in read_list(text)]
    if key == "outcome":
        return _choice(text, _OUTCOMES, "an outcome (done, no show, refused or cancelled)")
    if key == "mode":
        return _choice(text, _MODES, "a mode (face to face, phone or video)")
    if key == "place":
        place = text.strip().lower()
        if place not in _PLACES:
            raise CellError(f"{quoted(text)} is not a place ({', '.join(_PLACES)})")
        return place
    if key == "skills":
        return read_list(text)
    return text


def _staff(ref: str, staff_ids: set[str], names: dict[str, list[str]]) -> str:
    if ref in staff_ids:
        return ref
    found = names.get(" ".join(ref.lower().split()), [])
    if len(found) == 1:
        return found[0]
    if found:
        raise CellError(
            f"{len(found)} staff members are called {quoted(ref)}: give their id ({', '.join(found)})"
        )
    raise CellError(f"{quoted(ref)} is not a staff member of the team (give their id or name)")


_ENTRY = re.compile(r"contacts\[(\d+)\]\.?([A-Za-z_]*)[^:]*: (.*)", re.DOTALL)
#: The log's codes in a rule's words, as the lead says them ("required when mode is face to face").
_SAID = {"face_to_face": "face to face", "no_show": "no show"}


def translated(message: str, table: Table, mapping: dict[str, str], rows: list[int]) -> SheetError:
    """A contact log error (``contacts[4].mode: ...``) as the row and mapped column it comes from."""
    found = _ENTRY.fullmatch(message)
    path = message.partition(": ")[0]
    if found is None or int(found.group(1)) >= len(rows):
        return SheetError(f"Contact log, {message}", path)
    index, key, words = int(found.group(1)), found.group(2), found.group(3)
    words = re.sub(r"\b(" + "|".join(_SAID) + r")\b", lambda m: _SAID[m.group(1)], words)
    labels = {f.key: f.label for f in CONTACT_FIELDS}
    header = mapping.get(key) or labels.get(key, key or "the row")
    if key in ("id",) and not mapping.get("id"):
        header = "the row"
    return SheetError(f"Contact {index + 1} (row {rows[index]}), {header}: {words}", path)
