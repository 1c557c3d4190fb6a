"""A client's availability, requirements and staff picks as form controls, not JSON.

Availability is a list of rows (a weekday and a time range); requirements are three
lists (visits a week by a discipline, a skill due on a date, care that recurs every N
days); ITT and excluded staff are ticked by name. Each list posts ``<prefix>_rows`` and
``<prefix>-<j>-<key>`` fields; a form without a list's rows leaves that part of the
entry as it was. The blank rows at the end of each list are how one is added without
JavaScript; "Add another" posts the form back with one more (nothing is saved).
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from actplanner.domain.formats import WEEKDAYS
from actplanner.teams.form_fields import (
    MAX_FORM_ROWS,
    form_rows,
    form_text,
    number,
    saved_row,
    set_date,
    set_key,
    set_optional,
    show_value,
)
from actplanner.teams.roster_forms import DAY_LABELS

#: Blank rows shown at the end of the availability list (more with "Add another").
AVAILABILITY_BLANKS = 2
#: The lists of a client's form, with the keys of each row.
ROW_KEYS: dict[str, tuple[str, ...]] = {
    "availability": ("day", "start", "end"),
    "weekly": ("discipline", "visits"),
    "dated": ("skill", "due", "window_days"),
    "recurring": ("what", "every_days", "window_days", "last"),
}
#: What "Add another" says for each list.
ADD_LABELS = {
    "availability": "Add another time",
    "weekly": "Add another discipline",
    "dated": "Add another dated requirement",
    "recurring": "Add another recurring requirement",
}


def _blank(prefix: str) -> dict[str, str]:
    return dict.fromkeys(ROW_KEYS[prefix], "")


# ---------------------------------------------------------------------------------------------
# Availability


def availability_values(entry: dict[str, Any]) -> dict[str, Any]:
    """``availability_mode`` (any: the key absent; times: only the rows) and the rows, with blanks."""
    availability = entry.get("availability")
    rows: list[dict[str, str]] = []
    if isinstance(availability, dict):
        for day in WEEKDAYS:
            for window in availability.get(day) or []:
                if isinstance(window, list) and len(window) == 2:
                    rows.append({"day": day, "start": str(window[0]), "end": str(window[1])})
    return {
        "availability_mode": "any" if availability is None else "times",
        "availability": rows + [_blank("availability") for _ in range(AVAILABILITY_BLANKS)],
    }


def set_availability(entry: dict[str, Any], form: FormData, path: str, errors: list[str]) -> None:
    """The client's weekly windows from the rows; "any time" drops the key (FORMATS: absent = any time)."""
    if "availability_mode" not in form:
        return
    if form_text(form, "availability_mode") == "any":
        entry.pop("availability", None)
        return
    rows = form_rows(form, "availability", ROW_KEYS["availability"]) or []
    windows: dict[str, list[list[str]]] = {}
    for j, row in rows:
        if row["start"] == "" and row["end"] == "":
            continue
        day = row["day"]
        if day not in WEEKDAYS:
            errors.append(f"{path}.availability: choose the day of the time {row['start']}–{row['end']}")
            continue
        if row["start"] == "" or row["end"] == "":
            errors.append(
                f"{path}.availability: {DAY_LABELS[day]} (row {j + 1}) needs both a start "
                "and an end time (HH:MM)"
            )
            continue
        windows.setdefault(day, []).append([row["start"], row["end"]])
    ordered = {day: sorted(windows[day]) for day in WEEKDAYS if day in windows}
    set_key(entry, "availability", ordered)


# ---------------------------------------------------------------------------------------------
# Requirements


def requirement_kind(requirement: Any) -> str:
    """``weekly`` (visits by a discipline), ``dated`` (a skill due once) or ``recurring`` (every N days)."""
    if isinstance(requirement, dict) and "every_days" in requirement:
        return "recurring"
    if isinstance(requirement, dict) and "discipline" in requirement:
        return "weekly"
    return "dated"


def requirement_values(entry: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """The three requirement lists of the form, each ending with a blank row to add one."""
    lists: dict[str, list[dict[str, str]]] = {"weekly": [], "dated": [], "recurring": []}
    for requirement in entry.get("requirements") or []:
        if not isinstance(requirement, dict):
            continue
        kind = requirement_kind(requirement)
        if kind == "weekly":
            row = {
                "discipline": show_value(requirement.get("discipline")),
                "visits": show_value(requirement.get("visits")),
            }
        elif kind == "dated":
            row = {
                "skill": show_value(requirement.get("skill")),
                "due": show_value(requirement.get("due")),
                "window_days": show_value(requirement.get("window_days")),
            }
        else:
            what = "skill" if "skill" in requirement else "discipline"
            row = {
                "what": f"{what}:{requirement.get(what, '')}",
                "every_days": show_value(requirement.get("every_days")),
                "window_days": show_value(requirement.get("window_days")),
                "last": show_value(requirement.get("last")),
            }
        lists[kind].append(row)
    return {kind: rows + [_blank(kind)] for kind, rows in lists.items()}


def _weekly(
    saved: list[Any], rows: list[tuple[int, dict[str, str]]], path: str, errors: list[str]
) -> list[Any]:
    out: list[Any] = []
    for j, row in rows:
        if row["discipline"] == "" and row["visits"] == "":
            continue
        label = row["discipline"].replace("_", " ")
        if row["discipline"] == "":
            errors.append(
                f"{path}.requirements: choose the discipline of {row['visits']} visits a week (row {j + 1})"
            )
            continue
        if row["visits"] == "":
            errors.append(f"{path}.requirements: visits a week by a {label}: give how many (1 to 7)")
            continue
        requirement = saved_row(saved, j)
        set_key(requirement, "discipline", row["discipline"])
        set_key(requirement, "visits", number(row["visits"]))
        out.append(requirement)
    return out


def _dated(
    saved: list[Any], rows: list[tuple[int, dict[str, str]]], path: str, errors: list[str]
) -> list[Any]:
    out: list[Any] = []
    for j, row in rows:
        if not any(row.values()):
            continue
        label = row["skill"].replace("_", " ") or f"dated requirement {j + 1}"
        if row["skill"] == "":
            errors.append(f"{path}.requirements: choose the skill of dated requirement {j + 1}")
            continue
        if row["due"] == "":
            errors.append(f"{path}.requirements: {label}: give the date it is due")
            continue
        requirement = saved_row(saved, j)
        set_key(requirement, "skill", row["skill"])
        set_key(requirement, "due", row["due"])
        set_key(requirement, "window_days", 0 if row["window_days"] == "" else number(row["window_days"]))
        out.append(requirement)
    return out


def _recurring(
    saved: list[Any], rows: list[tuple[int, dict[str, str]]], path: str, errors: list[str]
) -> list[Any]:
    out: list[Any] = []
    for j, row in rows:
        if row["every_days"] == "" and row["window_days"] == "" and row["last"] == "":
            continue
        kind, _, name = row["what"].partition(":")
        if kind not in ("skill", "discipline") or not name:
            errors.append(
                f"{path}.requirements: choose the skill or discipline of recurring requirement {j + 1}"
            )
            continue
        if row["every_days"] == "":
            errors.append(
                f"{path}.requirements: recurring requirement {j + 1} ({name.replace('_', ' ')}) "
                "needs how often it recurs (every N days, 7 or more)"
            )
            continue
        requirement = saved_row(saved, j)
        if kind not in requirement:
            requirement = {}
        set_key(requirement, kind, name)
        set_key(requirement, "every_days", number(row["every_days"]))
        window = 0 if row["window_days"] == "" else number(row["window_days"])
        if kind == "skill":
            set_key(requirement, "window_days", window)
        else:
            set_optional(requirement, "window_days", window, 0)
        set_date(requirement, "last", row["last"])
        out.append(requirement)
    return out


_READERS = {"weekly": _weekly, "dated": _dated, "recurring": _recurring}


def set_requirements(
    entry: dict[str, Any], current: dict[str, Any], form: FormData, path: str, errors: list[str]
) -> None:
    """The three lists into ``requirements``; a list the form lacks keeps what the file had of that kind."""
    saved = [r for r in current.get("requirements") or [] if isinstance(r, dict)]
    by_kind = {kind: [r for r in saved if requirement_kind(r) == kind] for kind in _READERS}
    combined: list[Any] = []
    for kind, read in _READERS.items():
        rows = form_rows(form, kind, ROW_KEYS[kind])
        combined += by_kind[kind] if rows is None else read(by_kind[kind], rows, path, errors)
    if combined == [r for kind in _READERS for r in by_kind[kind]]:
        return  # as it was, in the file's own order
    set_optional(entry, "requirements", combined, [])


# ---------------------------------------------------------------------------------------------
# Staff picked by name


def staff_picks(form: FormData, name: str) -> list[str]:
    """Ticked staff ids, in the order ticked; a comma-separated value (a script's post) counts too."""
    picks: list[str] = []
    for value in form.getlist(name):
        if isinstance(value, str):
            picks += [word.strip() for word in value.split(",") if word.strip() and word.strip() not in picks]
    return picks


# ---------------------------------------------------------------------------------------------
# What was typed, to show it again


def submitted_lists(form: FormData, add: str | None = None) -> dict[str, Any]:
    """The lists as typed (rows ticked for removal gone), with one more blank row in the list ``add``."""
    values: dict[str, Any] = {}
    if "availability_mode" in form:
        values["availability_mode"] = "any" if form_text(form, "availability_mode") == "any" else "times"
    for prefix, keys in ROW_KEYS.items():
        rows = form_rows(form, prefix, keys)
        if rows is None:
            continue
        typed = [row for _, row in rows]
        if add == prefix and len(typed) < MAX_FORM_ROWS:
            typed.append(_blank(prefix))
        if not typed or any(typed[-1].values()):
            typed.append(_blank(prefix))  # always a blank row to add one
        values[prefix] = typed
    if add == "availability":
        values["availability_mode"] = "times"
    return values
