"""The team forms' parts for rostered shifts (FORMATS.md Part B), without JSON.

The policy form gains the holidays (date and name), the shift types (name, start, end and
the days they may be worked), the coverage windows (days, hours, fewest staff, fewest of a
discipline), the break rule and the daily team meeting; a staff member's form gains a
holiday row under the fixed hours and a contract (the solver chooses their shifts within
it). Repeated parts are rows, as the client form's hospital stays are: a blank row adds
one, a ticked "remove" drops one. A part the form did not send is left as it was, and a
value the lead did not change keeps the file's own spelling, so an unchanged form saves the
same file. Problems of the form itself are ``path: words`` lines; the rest is the whole
file's check (``load_team``).
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import FormData

from actplanner.domain.formats import DISCIPLINES, WEEKDAYS
from actplanner.domain.formats.team import DAY_NAMES
from actplanner.domain.words import dates_in_words
from actplanner.teams.form_fields import (
    form_rows,
    form_text,
    number,
    optional_number,
    saved_row,
    set_key,
    set_optional,
    show_value,
)

#: How the forms name each day of a ``days`` list.
DAY_LABELS = {
    "mon": "Mon",
    "tue": "Tue",
    "wed": "Wed",
    "thu": "Thu",
    "fri": "Fri",
    "sat": "Sat",
    "sun": "Sun",
    "holiday": "Holidays",
}
#: A contract's optional limits: form field, file key, and the words a lead reads.
CONTRACT_LIMITS = (
    ("max_consecutive_days", "most working days in a row"),
    ("min_rest_minutes", "fewest minutes of rest between shifts"),
    ("max_weekends_per_4_weeks", "most weekends worked in 4 weeks"),
)
#: Days off a contract's max_days_per_week defaults to (FORMATS.md).
DEFAULT_MAX_DAYS = 5


def _days(form: FormData, name: str) -> list[str]:
    """Ticked day boxes, in the file's order of day names."""
    ticked = set(form.getlist(name))
    return [day for day in DAY_NAMES if day in ticked]


def _set_days(entry: dict[str, Any], key: str, days: list[str]) -> None:
    """A ``days`` list; the file's own order stays when the same days are ticked."""
    saved = entry.get(key)
    if isinstance(saved, list) and sorted(saved) == sorted(days):
        return
    entry[key] = days


def _drop_or_set(entry: dict[str, Any], key: str, text: str) -> None:
    """An optional number that has no default: emptied, the key goes (a null the file gave stays)."""
    if text:
        set_key(entry, key, number(text))
    elif entry.get(key) is not None:
        del entry[key]


def _set_or_drop(entry: dict[str, Any], key: str, value: list[Any] | dict[str, Any]) -> None:
    """A list or mapping whose default is empty: emptied, the key goes, so a team whose last Part B
    entry is removed is the file it was before; an empty one the file gave stays."""
    if value:
        set_key(entry, key, value)
    elif entry.get(key):
        del entry[key]


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value))


# ---------------------------------------------------------------------------------------------
# The policy's parts


def set_roster_policy(policy: dict[str, Any], form: FormData, errors: list[str]) -> None:
    """Holidays, shift types, coverage, the break rule and the team meeting from the policy form."""
    _set_holidays(policy, form, errors)
    _set_shift_types(policy, form, errors)
    _set_coverage(policy, form, errors)
    if "breaks_after_minutes" in form:
        _set_breaks(policy, form, errors)
    if "team_meeting_start" in form:
        _set_team_meeting(policy, form, errors)


def _set_holidays(policy: dict[str, Any], form: FormData, errors: list[str]) -> None:
    rows = form_rows(form, "holiday", ("date", "name"))
    if rows is None:
        return
    saved = policy.get("holidays") or []
    holidays: list[Any] = []
    for j, row in rows:
        if row["date"] == "" and row["name"] == "":
            continue
        where = f"policy.holidays[{len(holidays)}]"
        if row["date"] == "":
            errors.append(f"{where}.date: give the date of the holiday {row['name']!r}")
            continue
        if row["name"] == "":
            errors.append(f"{where}.name: give the name of the holiday on {row['date']}")
            continue
        holiday = saved_row(saved, j)
        set_key(holiday, "date", row["date"])
        set_key(holiday, "name", row["name"])
        holidays.append(holiday)
    _set_or_drop(policy, "holidays", holidays)


def _set_shift_types(policy: dict[str, Any], form: FormData, errors: list[str]) -> None:
    rows = form_rows(form, "shift_type", ("name", "start", "end"))
    if rows is None:
        return
    saved = [entry for _, entry in (policy.get("shift_types") or {}).items()]
    types: dict[str, Any] = {}
    for j, row in rows:
        if row["name"] == "" and row["start"] == "" and row["end"] == "":
            continue
        name = row["name"]
        if name == "":
            hours = f"{row['start'] or '?'}–{row['end'] or '?'}"
            errors.append(f"policy.shift_types: shift type {j + 1} ({hours}) needs a name")
            continue
        if name in types:
            errors.append(f"policy.shift_types.{name}: the shift type {name!r} is listed twice")
            continue
        if row["start"] == "" or row["end"] == "":
            errors.append(f"policy.shift_types.{name}: give both a start and an end (HH:MM)")
            continue
        days = _days(form, f"shift_type-{j}-days")
        if not days:
            errors.append(f"policy.shift_types.{name}.days: tick the days the {name} shift may be worked")
            continue
        entry = saved_row(saved, j)
        set_key(entry, "start", row["start"])
        set_key(entry, "end", row["end"])
        if days == list(WEEKDAYS) and "days" not in entry:
            pass  # without days a shift type admits mon–sun: the file keeps saying so
        else:
            _set_days(entry, "days", days)
        types[name] = entry
    _set_or_drop(policy, "shift_types", types)


_COVERAGE_KEYS = ("start", "end", "min_staff", *(f"min_{d}" for d in DISCIPLINES))


def _set_coverage(policy: dict[str, Any], form: FormData, errors: list[str]) -> None:
    rows = form_rows(form, "coverage", _COVERAGE_KEYS)
    if rows is None:
        return
    saved = policy.get("coverage") or []
    coverage: list[Any] = []
    for j, row in rows:
        days = _days(form, f"coverage-{j}-days")
        if not days and not any(row.values()):
            continue
        where = f"policy.coverage[{len(coverage)}]"
        if not days:
            errors.append(f"{where}.days: tick the days coverage window {j + 1} applies on")
            continue
        if row["start"] == "" or row["end"] == "":
            errors.append(f"{where}: give both a start and an end (HH:MM) of coverage window {j + 1}")
            continue
        if row["min_staff"] == "":
            errors.append(f"{where}.min_staff: give the fewest staff working in coverage window {j + 1}")
            continue
        entry = saved_row(saved, j)
        _set_days(entry, "days", days)
        set_key(entry, "start", row["start"])
        set_key(entry, "end", row["end"])
        set_key(entry, "min_staff", number(row["min_staff"]))
        # An empty or 0 minimum is no minimum for that discipline.
        minimums = {d: number(row[f"min_{d}"]) for d in DISCIPLINES if row[f"min_{d}"] not in ("", "0")}
        _set_or_drop(entry, "min_by_discipline", minimums)
        coverage.append(entry)
    _set_or_drop(policy, "coverage", coverage)


_BREAK_FIELDS = {
    "breaks_after_minutes": "the shift length in minutes after which a break is due",
    "breaks_minutes": "the break's minutes",
    "breaks_window_start": "the earliest start of the break",
    "breaks_window_end": "the latest end of the break",
}


def _set_breaks(policy: dict[str, Any], form: FormData, errors: list[str]) -> None:
    values = {name: form_text(form, name) for name in _BREAK_FIELDS}
    if not any(values.values()):
        policy.pop("breaks", None)
        return
    missing = [words for name, words in _BREAK_FIELDS.items() if values[name] == ""]
    if missing:
        errors.append(f"policy.breaks: give {', '.join(missing)}, or empty all four (no break rule)")
        return
    rule = _copy(policy.get("breaks") or {})
    set_key(rule, "after_minutes", number(values["breaks_after_minutes"]))
    set_key(rule, "minutes", number(values["breaks_minutes"]))
    set_key(rule, "window", [values["breaks_window_start"], values["breaks_window_end"]])
    policy["breaks"] = rule


def _set_team_meeting(policy: dict[str, Any], form: FormData, errors: list[str]) -> None:
    days = _days(form, "team_meeting_days")
    start, end = form_text(form, "team_meeting_start"), form_text(form, "team_meeting_end")
    if not days and start == "" and end == "":
        policy.pop("team_meeting", None)
        return
    if not days:
        errors.append("policy.team_meeting.days: tick the days of the team meeting")
        return
    if start == "" or end == "":
        errors.append("policy.team_meeting: give both the start and the end of the team meeting (HH:MM)")
        return
    meeting = _copy(policy.get("team_meeting") or {})
    _set_days(meeting, "days", days)
    set_key(meeting, "start", start)
    set_key(meeting, "end", end)
    policy["team_meeting"] = meeting


def roster_policy_values(policy: dict[str, Any]) -> dict[str, Any]:
    """The policy form's Part B fields as saved; each repeated part ends with a blank row."""
    breaks = policy.get("breaks") or {}
    window = breaks.get("window") or ["", ""]
    meeting = policy.get("team_meeting") or {}
    return {
        "holidays": [
            {"date": show_value(h.get("date")), "name": show_value(h.get("name"))}
            for h in _dicts(policy.get("holidays"))
        ]
        + [_blank_holiday()],
        "shift_types": [
            {
                "name": name,
                "start": show_value(t.get("start")),
                "end": show_value(t.get("end")),
                "days": list(t["days"]) if isinstance(t.get("days"), list) else list(WEEKDAYS),
            }
            for name, t in (policy.get("shift_types") or {}).items()
            if isinstance(t, dict)
        ]
        + [_blank_shift_type()],
        "coverage": [_coverage_values(c) for c in _dicts(policy.get("coverage"))] + [_blank_coverage()],
        "breaks_after_minutes": show_value(breaks.get("after_minutes")),
        "breaks_minutes": show_value(breaks.get("minutes")),
        "breaks_window_start": show_value(window[0]),
        "breaks_window_end": show_value(window[1]),
        "team_meeting_days": list(meeting.get("days") or []),
        "team_meeting_start": show_value(meeting.get("start")),
        "team_meeting_end": show_value(meeting.get("end")),
    }


def submitted_roster_values(form: FormData) -> dict[str, Any]:
    """The policy form's Part B fields as typed, to show them again beside the form's errors."""
    values: dict[str, Any] = {}
    holidays = form_rows(form, "holiday", ("date", "name")) or []
    values["holidays"] = [row for _, row in holidays if any(row.values())] + [_blank_holiday()]
    types = form_rows(form, "shift_type", ("name", "start", "end")) or []
    values["shift_types"] = [
        {**row, "days": _days(form, f"shift_type-{j}-days")} for j, row in types if any(row.values())
    ] + [_blank_shift_type()]
    coverage = form_rows(form, "coverage", _COVERAGE_KEYS) or []
    values["coverage"] = [
        {**row, "days": _days(form, f"coverage-{j}-days")}
        for j, row in coverage
        if any(row.values()) or _days(form, f"coverage-{j}-days")
    ] + [_blank_coverage()]
    for name in _BREAK_FIELDS:
        values[name] = form_text(form, name)
    values["team_meeting_days"] = _days(form, "team_meeting_days")
    values["team_meeting_start"] = form_text(form, "team_meeting_start")
    values["team_meeting_end"] = form_text(form, "team_meeting_end")
    return values


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _blank_holiday() -> dict[str, str]:
    return {"date": "", "name": ""}


def _blank_shift_type() -> dict[str, Any]:
    # A new shift type is offered every weekday; the lead unticks the days it is not worked.
    return {"name": "", "start": "", "end": "", "days": list(WEEKDAYS)}


def _blank_coverage() -> dict[str, Any]:
    return {"start": "", "end": "", "min_staff": "", "days": [], **{f"min_{d}": "" for d in DISCIPLINES}}


def _coverage_values(coverage: dict[str, Any]) -> dict[str, Any]:
    minimums = coverage.get("min_by_discipline") or {}
    return {
        "days": list(coverage.get("days") or []),
        "start": show_value(coverage.get("start")),
        "end": show_value(coverage.get("end")),
        "min_staff": show_value(coverage.get("min_staff")),
        **{f"min_{d}": show_value(minimums.get(d)) for d in DISCIPLINES},
    }


# ---------------------------------------------------------------------------------------------
# A staff member's contract


_CONTRACT_TEXT = (
    "contract_minutes_min",
    "contract_minutes_max",
    "contract_max_days_per_week",
    *(f"contract_{key}" for key, _ in CONTRACT_LIMITS),
)


def set_contract(entry: dict[str, Any], form: FormData, path: str, errors: list[str]) -> None:
    """The staff member's contract from the form: all of it empty is none (fixed hours)."""
    if "contract_minutes_min" not in form:
        return  # a form without the contract part leaves it as it was
    texts = {name: form_text(form, name) for name in _CONTRACT_TEXT}
    types = [t for t in form.getlist("contract_shift_types") if isinstance(t, str)]
    days_off = _days(form, "contract_days_off")
    if not types and not days_off and not any(texts.values()):
        if entry.get("contract") is not None:
            del entry["contract"]
        return
    who = entry.get("name") or "this staff member"
    where = f"{path}.contract"
    contract = _copy(entry.get("contract") or {})
    if not types:
        errors.append(f"{where}.shift_types: tick the shift types {who} may be rostered on")
    elif sorted(contract.get("shift_types") or []) != sorted(types):
        contract["shift_types"] = list(types)
    low, high = texts["contract_minutes_min"], texts["contract_minutes_max"]
    if low == "" or high == "":
        errors.append(
            f"{where}.minutes_per_week: give the fewest and the most minutes {who} works a week "
            "(e.g. 2160 and 2400 for 36 to 40 hours)"
        )
    else:
        set_key(contract, "minutes_per_week", [number(low), number(high)])
    most = optional_number(texts["contract_max_days_per_week"])
    set_optional(contract, "max_days_per_week", DEFAULT_MAX_DAYS if most is None else most, DEFAULT_MAX_DAYS)
    for key, _ in CONTRACT_LIMITS:
        _drop_or_set(contract, key, texts[f"contract_{key}"])
    if sorted(contract.get("days_off") or []) != sorted(days_off):
        _set_or_drop(contract, "days_off", days_off)
    removed = set(form.getlist("contract_request_remove"))
    requests = [r for j, r in enumerate(contract.get("requests") or []) if str(j) not in removed]
    _set_or_drop(contract, "requests", requests)
    set_key(entry, "contract", contract)
    if entry.get("shifts") == {}:
        del entry["shifts"]  # fixed hours emptied for the contract: none, rather than none on each day


def contract_values(entry: dict[str, Any]) -> dict[str, Any]:
    """The contract part of a staff member's form, as saved (empty: no contract)."""
    saved = entry.get("contract")
    contract: dict[str, Any] = saved if isinstance(saved, dict) else {}
    minutes = contract.get("minutes_per_week")
    low, high = (minutes[0], minutes[1]) if isinstance(minutes, list) and len(minutes) == 2 else (None, None)
    values: dict[str, Any] = {
        "contract_shift_types": list(contract.get("shift_types") or []),
        "contract_minutes_min": show_value(low),
        "contract_minutes_max": show_value(high),
        # Empty without a contract, so a fixed-hours form sends nothing of one.
        "contract_max_days_per_week": show_value(contract.get("max_days_per_week")),
        "contract_days_off": list(contract.get("days_off") or []),
        "contract_requests": [_request_words(r) for r in _dicts(contract.get("requests"))],
        "contract_request_remove": [],
    }
    for key, _ in CONTRACT_LIMITS:
        values[f"contract_{key}"] = show_value(contract.get(key))
    return values


def submitted_contract_values(form: FormData) -> dict[str, Any]:
    """The ticked boxes of the contract part as posted, to show them again beside the errors."""
    return {
        "contract_shift_types": form.getlist("contract_shift_types"),
        "contract_days_off": _days(form, "contract_days_off"),
        "contract_request_remove": form.getlist("contract_request_remove"),
    }


#: Fields of the contract part that are lists (ticked boxes), not typed text.
CONTRACT_LISTS = {"contract_shift_types", "contract_days_off", "contract_requests", "contract_request_remove"}


def _request_words(request: dict[str, Any]) -> str:
    """A request as the form lists it: "Fri 4 Dec: the day off" (the file's date, in words)."""
    wanted = "the day off" if request.get("off") else f"the {request.get('shift')} shift"
    return f"{dates_in_words(str(request.get('date')))}: {wanted}"
