"""Reading a team form's fields into team-file values, and showing them again.

Shared by the team page's forms (staff, clients, policy) and their Part B parts
(rostered shifts): a value the lead did not change keeps the file's own spelling,
so an unchanged form saves the same file.
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.datastructures import FormData

from actplanner.domain.formats.limits import MAX_EPISODES


def form_text(form: FormData, name: str) -> str:
    """A field as typed, without surrounding blanks; absent is empty."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def number(text: str) -> Any:
    """A form field as a JSON number; unreadable text stays text, so ``load_team`` names the field.

    Whole numbers stay whole and "2.5" stays 2.5, so the file check says "expected a
    whole number, got 2.5" where an integer is needed.
    """
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    try:
        return float(text)
    except ValueError:
        return text


def optional_number(text: str) -> Any:
    return None if text == "" else number(text)


def set_key(entry: dict[str, Any], key: str, value: Any) -> None:
    """Set a required key, keeping the file's own spelling when the value did not change (1 stays 1.0)."""
    if key not in entry or entry[key] != value:
        entry[key] = value


def set_optional(entry: dict[str, Any], key: str, value: Any, default: Any) -> None:
    """Set an optional key; a default value leaves the key as the file had it (absent or given)."""
    if value == default and entry.get(key, default) == default:
        return
    set_key(entry, key, value)


def set_date(entry: dict[str, Any], key: str, text: str) -> None:
    """An optional date from a date picker; emptied, the key goes (a null the file gave stays)."""
    if text:
        set_key(entry, key, text)
    elif entry.get(key) is not None:
        del entry[key]


#: Most rows a repeated part of a form (episodes, acuity changes, holidays, shift types) may post.
MAX_FORM_ROWS = MAX_EPISODES + 1


def form_rows(form: FormData, prefix: str, keys: tuple[str, ...]) -> list[tuple[int, dict[str, str]]] | None:
    """The rows of a repeated part of a form (``<prefix>-<j>-<key>``), without those ticked for
    removal; None when the form has no such part (then the entry keeps what it had)."""
    count = number(form_text(form, f"{prefix}_rows"))
    if f"{prefix}_rows" not in form or not isinstance(count, int):
        return None
    rows = []
    for j in range(max(0, min(count, MAX_FORM_ROWS))):
        if form.get(f"{prefix}-{j}-remove") == "on":
            continue
        rows.append((j, {k: form_text(form, f"{prefix}-{j}-{k}") for k in keys}))
    return rows


def saved_row(current: list[Any], j: int) -> dict[str, Any]:
    """A copy of the row's entry as saved (so unchanged values keep the file's spelling), else empty."""
    return json.loads(json.dumps(current[j])) if j < len(current) and isinstance(current[j], dict) else {}


def show_value(value: Any) -> str:
    """A file value as a form field shows it; absent or null is empty."""
    return "" if value is None else str(value)
