"""The columns of the staff and clients sheets: header, the team-file key each fills, how its cell reads.

Headers are matched without regard to case, spaces, ``_`` or ``-`` ("Visits per week",
"visits_per_week" and "VISITS PER WEEK" are one column); the team file's own key path
("home.lat") is accepted as a header too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from actplanner.domain.formats import DISCIPLINES
from actplanner.spreadsheets import cells
from actplanner.spreadsheets.cells import CellError, quoted


@dataclass(frozen=True)
class Column:
    """One column: its header, the key path it fills, how a cell reads and writes, what it holds."""

    header: str
    path: tuple[str, ...]
    read: Callable[[str], Any]
    write: Callable[[Any], Any]
    holds: str
    required: bool = False
    #: Staff named by id or name, resolved once every staff member is known.
    staff_refs: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetKind:
    """The staff or the clients sheet: its name, the team file's list it fills and its columns."""

    name: str
    key: str
    row_label: str
    columns: tuple[Column, ...]


def header_key(header: str) -> str:
    """A header as compared: lower case, letters and digits only."""
    return re.sub(r"[^a-z0-9]", "", header.lower())


def _discipline(text: str) -> str:
    found = cells._discipline(text)
    if found is None:
        names = ", ".join(d.replace("_", " ") for d in DISCIPLINES)
        raise CellError(f"{quoted(text)} is not a discipline ({names})")
    return found


def _roles(text: str) -> list[str]:
    return [role.lower() for role in cells.read_list(text)]


def _one_ref(text: str) -> list[str]:
    refs = cells.read_list(text)
    if len(refs) != 1:
        raise CellError(f"{quoted(text)} names {len(refs)} staff members; a client has one primary")
    return refs


def _same(value: Any) -> Any:
    return value


def _text(text: str) -> str:
    return text


def _location(prefix: str, where: str) -> tuple[Column, ...]:
    return (
        Column(
            f"{prefix.title()} latitude",
            (prefix, "lat"),
            cells.read_number,
            _same,
            f"{where}: latitude, a number from -90 to 90 (41.8781)",
            aliases=(f"{prefix} lat",),
        ),
        Column(
            f"{prefix.title()} longitude",
            (prefix, "lon"),
            cells.read_number,
            _same,
            f"{where}: longitude, a number from -180 to 180 (-87.6298)",
            aliases=(f"{prefix} lon", f"{prefix} lng"),
        ),
        Column(
            f"{prefix.title()} address",
            (prefix, "label"),
            _text,
            _same,
            f"{where}: its address or a label (shown to staff)",
            aliases=(f"{prefix} label",),
        ),
    )


def _contract(
    header: str, key: str, read: Callable[[str], Any], write: Callable[[Any], Any], holds: str
) -> Column:
    return Column(f"Contract {header}", ("contract", key), read, write, holds, aliases=(f"contract {key}",))


STAFF = SheetKind(
    "Staff",
    "staff",
    "Staff",
    (
        Column("ID", ("id",), _text, _same, "the staff member's id (letters, digits, - and _): s-rn1", True),
        Column("Name", ("name",), _text, _same, "their name: Maria Kowalski", True),
        Column(
            "Discipline",
            ("discipline",),
            _discipline,
            lambda d: d.replace("_", " "),
            "nurse, case manager, ...",
            True,
        ),
        Column(
            "FTE",
            ("fte",),
            cells.read_number,
            _same,
            "full-time equivalent, above 0 and at most 1: 0.8",
            True,
        ),
        Column("Phone", ("phone",), _text, _same, "their phone (the on-call page shows it): +1-312-555-0101"),
        Column(
            "Languages", ("languages",), cells.read_list, cells.write_list, "languages they speak: en, es"
        ),
        Column("Skills", ("skills",), cells.read_list, cells.write_list, "skills: lai_injection, phlebotomy"),
        *_location("start", "where their routes start and end (blank: the office)"),
        Column(
            "Shifts",
            ("shifts",),
            cells.read_shifts,
            cells.write_shifts,
            "fixed hours, one range a day: Mon 09:00-17:00; Tue 09:00-17:00; Holiday 09:00-13:00",
        ),
        Column("Max visits per day", ("max_visits_per_day",), cells.read_whole, _same, "a whole number: 6"),
        Column("On-call roles", ("on_call_roles",), _roles, cells.write_list, "primary, backup, prescriber"),
        Column(
            "Leave",
            ("leave",),
            cells.read_leave,
            cells.write_leave,
            "2026-12-01 09:00 to 2026-12-03 17:00; 2026-12-10 to 2026-12-11 (end dates taken whole)",
        ),
        Column("Employed from", ("employed_from",), cells.read_date, _same, "first day employed: 2024-05-01"),
        Column("Employed until", ("employed_until",), cells.read_date, _same, "first day no longer employed"),
        _contract(
            "shift types",
            "shift_types",
            cells.read_list,
            cells.write_list,
            "rostered within a contract: the team's shift types they may work: day, late",
        ),
        _contract(
            "minutes per week",
            "minutes_per_week",
            cells.read_minutes_range,
            cells.write_minutes_range,
            "least-most: 2160-2400",
        ),
        _contract(
            "max days per week", "max_days_per_week", cells.read_whole, _same, "a whole number (blank: 5)"
        ),
        _contract(
            "max consecutive days", "max_consecutive_days", cells.read_whole, _same, "a whole number: 6"
        ),
        _contract("min rest minutes", "min_rest_minutes", cells.read_whole, _same, "between two shifts: 660"),
        _contract(
            "max weekends per 4 weeks", "max_weekends_per_4_weeks", cells.read_whole, _same, "0 to 4: 2"
        ),
        _contract("days off", "days_off", cells.read_days, cells.write_days, "days never worked: Sat, Sun"),
        _contract(
            "requests",
            "requests",
            cells.read_requests,
            cells.write_requests,
            "2026-12-24 off; 2026-12-28 late",
        ),
    ),
)

CLIENTS = SheetKind(
    "Clients",
    "clients",
    "Client",
    (
        Column("ID", ("id",), _text, _same, "the client's id (letters, digits, - and _): c-038", True),
        Column("Code", ("code",), _text, _same, "the code shown where a name must not be: C038", True),
        Column("Name", ("name",), _text, _same, "the client's name (protected health information)"),
        *_location("home", "the client's home"),
        Column("Acuity", ("acuity",), _text, _same, "one of the team's acuity levels: high", True),
        Column(
            "Visits per week", ("visits_per_week",), cells.read_whole, _same, "1 to 7 (blank: the level's)"
        ),
        Column(
            "Visit minutes",
            ("visit_minutes",),
            cells.read_whole,
            _same,
            "minutes a visit takes (blank: the level's)",
        ),
        Column(
            "Availability",
            ("availability",),
            cells.read_week_hours,
            cells.write_week_hours,
            "when a visit may be: Mon 09:00-12:00, 14:00-16:00; Wed 14:00-18:00 (blank: any time)",
        ),
        Column(
            "Language",
            ("language",),
            lambda t: cells.read_word(t, "language"),
            _same,
            "the language visits need: es",
        ),
        Column(
            "Primary",
            ("primary",),
            _one_ref,
            _same,
            "the primary staff member, by id or name",
            staff_refs=True,
        ),
        Column(
            "ITT",
            ("itt",),
            cells.read_list,
            cells.write_list,
            "the individual treatment team, ids or names: s-cm2, s-rn1, s-md1",
            staff_refs=True,
        ),
        Column(
            "Excluded staff",
            ("excluded_staff",),
            cells.read_list,
            cells.write_list,
            "staff who must not visit, ids or names",
            staff_refs=True,
        ),
        Column(
            "Paired",
            ("paired",),
            cells.read_yes_no,
            cells.write_yes_no,
            "yes when every visit needs two staff",
        ),
        Column(
            "Requirements",
            ("requirements",),
            cells.read_requirements,
            cells.write_requirements,
            "nurse x2; lai_injection every 14 days from 2026-11-20, window 2 days; "
            "psychiatrist every 28 days",
        ),
        Column("Admitted", ("admitted",), cells.read_date, _same, "first day on the program: 2025-03-02"),
        Column("Discharged", ("discharged",), cells.read_date, _same, "first day off the program"),
        Column(
            "Acuity changes",
            ("acuity_changes",),
            cells.read_acuity_changes,
            cells.write_acuity_changes,
            "2027-01-04 moderate",
        ),
        Column(
            "Episodes",
            ("episodes",),
            cells.read_episodes,
            cells.write_episodes,
            "inpatient 2026-11-24 to 2026-12-03, 1 visit a week, at 41.975, -87.6985 Swedish Hospital; "
            "away 2026-12-15 to 2026-12-22",
        ),
    ),
)

KINDS = (STAFF, CLIENTS)


def column_index(kind: SheetKind) -> dict[str, Column]:
    """Every header a column answers to, as compared (``header_key``)."""
    index = {}
    for column in kind.columns:
        for name in (column.header, ".".join(column.path), "_".join(column.path), *column.aliases):
            index[header_key(name)] = column
    return index


#: Headers a lead may keep for themselves: never read.
IGNORED_HEADERS = ("note", "notes", "comment", "comments")


def is_ignored(header: str) -> bool:
    return header.startswith("#") or header_key(header) in IGNORED_HEADERS


def column_of_path(kind: SheetKind, rest: str) -> Column | None:
    """The column a team-file path inside an entry falls in (``home.lat``, ``itt[1]``, ``contract``)."""
    parts = tuple(re.split(r"\.", re.sub(r"\[\d+\]", "", rest))) if rest else ()
    best: Column | None = None
    for column in kind.columns:
        n = len(column.path)
        if parts[:n] == column.path or (parts and column.path[: len(parts)] == parts):
            if best is None or (parts[:n] == column.path and len(column.path) > len(best.path)):
                best = column
            elif parts and len(parts) < n and column.path[-1] == "label":
                # A message about a whole place ("home: no coordinates for ...") is about its address.
                best = column
    return best
