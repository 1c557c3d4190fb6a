"""``actplanner fidelity``: the fidelity figures of a period, from the contact log alone.

Works on files; opens no database. The figures are the state review's (DACTS)
from what was delivered, not from what was planned.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from actplanner.cli.output import fail, out
from actplanner.cli.plans import _read_bytes, _read_team
from actplanner.domain.fidelity import TOP_RATINGS, FidelityFigures, check_period, fidelity
from actplanner.domain.formats import FormatError
from actplanner.domain.history import read_history


def fidelity_command(
    team_file: Annotated[Path, typer.Argument(help="Team file.")],
    contacts: Annotated[list[Path], typer.Argument(help="Contact logs (contacts@1); later entries win.")],
    start: Annotated[str, typer.Option("--from", help="First day, a Monday (YYYY-MM-DD).")],
    end: Annotated[str, typer.Option("--to", help="Last day, a Sunday (YYYY-MM-DD).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as one JSON object.")] = False,
) -> None:
    """Fidelity figures from delivered contacts over whole weeks, beside the DACTS top ratings."""
    first, last = _date(start, "--from"), _date(end, "--to")
    if problems := check_period(first, last):
        raise fail(problems)
    team = _read_team(team_file)
    try:
        history = read_history([(str(path), _read_bytes(path)) for path in contacts], team)
    except FormatError as err:
        raise fail(err.messages) from err
    if history.plans:
        raise fail(["fidelity reads contact logs only; a plan file was given"])
    figures = fidelity(team, history.contacts, first, last)
    if as_json:
        typer.echo(json.dumps(figures.as_json()))
    else:
        out.print(_table(figures, first, last))


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise fail([f'{field}: "{text}" is not a date (YYYY-MM-DD)']) from err


def _table(figures: FidelityFigures, first: date, last: date) -> Table:
    table = Table(title=f"Fidelity from delivered contacts, {first} to {last}", box=box.SIMPLE_HEAD)
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("DACTS top rating")
    for key, value in figures.as_json().items():
        if isinstance(value, list):
            shown = ", ".join(value) if value else "none"
        else:
            shown = "no data" if value is None else f"{value:g}"
        rating = TOP_RATINGS[key]
        table.add_row(key, shown, "" if rating is None else str(rating))
    return table
