"""Staff and clients sheets to a team file and back: round trips, errors by row and header, merging."""

from __future__ import annotations

import json
from typing import Any

import pytest

from actplanner.domain.demo_data import generate_team
from actplanner.domain.formats import dump_team, load_team
from actplanner.resources import fixture_file
from actplanner.spreadsheets.columns import CLIENTS, STAFF
from actplanner.spreadsheets.sheets import read_tables, write_csv, write_xlsx
from actplanner.spreadsheets.team_sheets import read_team, team_tables, template_tables


def _fixture(name: str) -> dict[str, Any]:
    return dump_team(load_team(json.loads(fixture_file(name).read_text())))


def _csv(doc: dict[str, Any], sheet: str, edit: Any = None) -> bytes:
    name, headers, rows = next(t for t in team_tables(doc) if t[0] == sheet)
    if edit is not None:
        edit(headers, rows)
    return write_csv(headers, rows)


@pytest.mark.parametrize("name", ["small", "standard", "large"])
def test_xlsx_export_imports_back_to_the_same_team(name: str) -> None:
    """The fixture teams as a workbook re-import to exactly the same team file."""
    doc = _fixture(name)
    back, errors, read = read_team(read_tables(write_xlsx(team_tables(doc))), doc)
    assert errors == []
    assert list(read) == ["staff", "clients"]
    assert back == doc


def test_csv_exports_import_back_to_the_same_team() -> None:
    """Each sheet as CSV re-imports to the same team (the other sheet kept)."""
    doc = _fixture("standard")
    for sheet in ("Staff", "Clients"):
        back, errors, read = read_team(read_tables(_csv(doc, sheet), sheet), doc)
        assert errors == []
        assert back == doc


def test_rostered_team_with_contracts_round_trips() -> None:
    """Part B contracts (shift types, minutes, days off, requests) survive the spreadsheet."""
    doc = dump_team(load_team(generate_team("standard", part_b=True)))
    assert any("contract" in s for s in doc["staff"])
    back, errors, _ = read_team(read_tables(write_xlsx(team_tables(doc))), doc)
    assert errors == []
    assert back == doc


def test_a_bad_cell_names_the_row_the_header_and_what_was_expected() -> None:
    """Client 38 (row 39), visits per week: "five" is not a number — and where it is, in small print."""
    doc = _fixture("standard")

    def five(headers: list[str], rows: list[list[Any]]) -> None:
        rows[37][headers.index("Visits per week")] = "five"

    _, errors, _ = read_team(read_tables(_csv(doc, "Clients", five), "Clients"), doc)
    assert [e.text for e in errors] == ['Client 38 (row 39), Visits per week: "five" is not a number']
    assert errors[0].where == "Clients!H39"


def test_team_file_rules_are_named_by_row_and_header() -> None:
    """A rule the team file checks (8 visits a week is too many) comes back as the row and column."""
    doc = _fixture("small")

    def eight(headers: list[str], rows: list[list[Any]]) -> None:
        rows[2][headers.index("Visits per week")] = 8

    _, errors, _ = read_team(read_tables(_csv(doc, "Clients", eight), "Clients"), doc)
    assert len(errors) == 1
    assert errors[0].text.startswith("Client 3 (row 4), Visits per week: ")
    assert errors[0].where == "clients[2].visits_per_week"


def test_headers_match_without_case_or_spaces_and_unknown_ones_are_named() -> None:
    """ "visits_per_week" and "VISITS PER WEEK" are the same column; "Vists" is refused by name."""
    doc = _fixture("small")

    def rename(headers: list[str], rows: list[list[Any]]) -> None:
        headers[headers.index("Visits per week")] = "VISITS_PER_week"
        headers[headers.index("Home latitude")] = "home lat"

    back, errors, _ = read_team(read_tables(_csv(doc, "Clients", rename), "Clients"), doc)
    assert errors == [] and back == doc

    def typo(headers: list[str], rows: list[list[Any]]) -> None:
        headers[headers.index("Visit minutes")] = "Vist minutes"

    _, errors, _ = read_team(read_tables(_csv(doc, "Clients", typo), "Clients"), doc)
    assert len(errors) == 1 and 'column "Vist minutes": not a column actplanner reads' in errors[0].text


def test_a_missing_required_column_is_named() -> None:
    """A clients sheet without its Acuity column is refused naming the column."""
    headers = [c.header for c in CLIENTS.columns if c.header != "Acuity"]
    _, errors, _ = read_team(
        read_tables(write_csv(headers, [["c-1"] * len(headers)]), "Clients"), _fixture("small")
    )
    assert [e.text for e in errors] == ["Clients sheet: the Acuity column is missing (it is required)"]


def test_itt_by_staff_names_or_ids() -> None:
    """ITT "s-cm2, s-rn1" or staff names read as the same ids; an unknown name is refused."""
    doc = _fixture("small")
    names = {s["id"]: s["name"] for s in doc["staff"]}
    first = next(c for c in doc["clients"] if c.get("itt"))

    def by_name(headers: list[str], rows: list[list[Any]]) -> None:
        row = next(r for r in rows if r[0] == first["id"])
        row[headers.index("ITT")] = ", ".join(names[i].upper() for i in first["itt"])

    back, errors, _ = read_team(read_tables(_csv(doc, "Clients", by_name), "Clients"), doc)
    assert errors == [] and back == doc

    def unknown(headers: list[str], rows: list[list[Any]]) -> None:
        rows[0][headers.index("ITT")] = "Nobody Here"

    _, errors, _ = read_team(read_tables(_csv(doc, "Clients", unknown), "Clients"), doc)
    assert [e.text for e in errors] == [
        'Client 1 (row 2), ITT: "Nobody Here" is not a staff member '
        "(give their id, e.g. s-rn1, or their name)"
    ]


def test_a_staff_sheet_replaces_staff_and_keeps_clients_and_policy() -> None:
    """A staff CSV replaces the staff list; the clients and the policy stay."""
    doc = _fixture("small")

    def rename(headers: list[str], rows: list[list[Any]]) -> None:
        rows[0][headers.index("Name")] = "Tomás Reyes"

    back, errors, read = read_team(read_tables(_csv(doc, "Staff", rename), "anything"), doc)
    assert errors == [] and list(read) == ["staff"]
    assert back["staff"][0]["name"] == "Tomás Reyes"
    assert back["clients"] == doc["clients"] and back["policy"] == doc["policy"]


def test_the_template_has_every_column_and_empty_is_refused() -> None:
    """The template's sheets have the columns' headers; imported empty, it is refused as holding no rows."""
    tables = template_tables()
    assert [t[0] for t in tables] == ["Staff", "Clients", "Read me"]
    assert tables[0][1] == [c.header for c in STAFF.columns]
    doc = _fixture("small")
    _, errors, read = read_team(read_tables(write_xlsx(tables)), doc)
    assert read == {} and errors[0].text.startswith("(file): no rows of staff or clients found")


def test_a_formula_like_text_stays_text() -> None:
    """A cell starting with "=" is written as text (never run as a formula) and reads back the same."""
    doc = _fixture("small")
    doc["staff"][0]["name"] = "=HYPERLINK(1)"
    back, errors, _ = read_team(read_tables(write_xlsx(team_tables(doc))), doc)
    assert errors == [] and back["staff"][0]["name"] == "=HYPERLINK(1)"
    assert b"'=HYPERLINK" in _csv(doc, "Staff")
    back, errors, _ = read_team(read_tables(_csv(doc, "Staff"), "Staff"), doc)
    assert errors == [] and back["staff"][0]["name"] == "=HYPERLINK(1)"


def test_a_staff_sheet_dropping_a_staff_member_the_clients_name_is_refused() -> None:
    """Kept clients whose ITT names a staff member the new sheet leaves out are named, with their id."""
    doc = _fixture("small")
    name, headers, rows = team_tables(doc)[0]
    _, errors, _ = read_team(read_tables(write_csv(headers, rows[1:]), "Staff"), doc)
    assert errors
    assert errors[0].text == (
        f"Client 1 ({doc['clients'][0]['id']}, kept from the team: no clients sheet given), "
        f'ITT: unknown staff "{rows[0][0]}"'
    )


def test_a_blank_required_cell_and_a_repeated_header_are_named() -> None:
    """A row without its Name says so by row and header; a column given twice is refused."""
    doc = _fixture("small")

    def blank(headers: list[str], rows: list[list[Any]]) -> None:
        rows[1][headers.index("Name")] = ""

    _, errors, _ = read_team(read_tables(_csv(doc, "Staff", blank), "Staff"), doc)
    assert [e.text for e in errors] == ["Staff 2 (row 3), Name: required, and the cell is blank"]

    def twice(headers: list[str], rows: list[list[Any]]) -> None:
        headers[headers.index("Phone")] = "fte"

    _, errors, _ = read_team(read_tables(_csv(doc, "Staff", twice), "Staff"), doc)
    assert [e.text for e in errors] == ['Staff sheet, column "fte": FTE is given twice']


def test_a_csv_is_the_sheet_the_lead_chose_whatever_its_file_name() -> None:
    """Told "staff", a file called clients.csv is read as the staff sheet (and refused for its columns)."""
    doc = _fixture("small")
    back, errors, read = read_team(read_tables(_csv(doc, "Staff"), "clients"), doc, asked=STAFF)
    assert errors == [] and list(read) == ["staff"] and back == doc
    _, errors, _ = read_team(read_tables(_csv(doc, "Clients"), "clients"), doc, asked=STAFF)
    assert errors and errors[0].text.startswith('Staff sheet, column "Code": not a column actplanner reads')
