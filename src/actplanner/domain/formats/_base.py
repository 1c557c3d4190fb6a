"""Shared pieces of the file formats: value types, JSON reading and error paths.

Values keep their file spelling (times as ``"HH:MM"``, dates as ``"YYYY-MM-DD"``)
so a file dumped after loading is exactly the file that was read; the adapter
turns them into minutes and dates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from actplanner.domain.formats.limits import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_ID,
    MAX_TIMEZONE,
    capped,
    document_problems,
    path_text,
    printable,
)
from actplanner.domain.week import FIRST_DAY, LAST_DAY, WeekError, require_monday

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

DISCIPLINES = (
    "psychiatrist",
    "nurse_practitioner",
    "nurse",
    "social_worker",
    "case_manager",
    "substance_use_specialist",
    "employment_specialist",
    "peer_specialist",
    "team_leader",
)
Discipline = Literal[
    "psychiatrist",
    "nurse_practitioner",
    "nurse",
    "social_worker",
    "case_manager",
    "substance_use_specialist",
    "employment_specialist",
    "peer_specialist",
    "team_leader",
]

#: On-call roles a policy may define, in escalation order.
ROLES = ("primary", "backup", "prescriber")
RoleName = Literal["primary", "backup", "prescriber"]

_ID = re.compile(r"[A-Za-z0-9_-]+")
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
# IANA names: Area/Location parts of letters, digits, "_", "-" and "+" (Etc/GMT+5); no "." or
# leading "/", so a name can never point zoneinfo at a file outside its database.
_TIMEZONE = re.compile(r"[A-Za-z0-9_+-]+(/[A-Za-z0-9_+-]+)*")
_SUPPORTED_YEARS = f"{FIRST_DAY.year} to {LAST_DAY.year}"


class FormatError(ValueError):
    """A team or plan file that breaks FORMATS.md; ``messages`` are ``path: message`` lines."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


class FileModel(BaseModel):
    """Base of every file model: unknown keys are errors and JSON types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


def show(value: object) -> str:
    """A value as it would appear in the JSON file, shortened for a message."""
    try:
        text = printable(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError):
        text = printable(repr(value))
    return text if len(text) <= 40 else text[:37] + "..."


def _check_id(text: str) -> str:
    if not _ID.fullmatch(text):
        raise ValueError(f"{show(text)} is not an id (letters, digits, - and _)")
    return text


def _check_time(text: str) -> str:
    if text == "24:00":
        raise ValueError('"24:00" is allowed only as an end time')
    if not _TIME.fullmatch(text):
        raise ValueError(f"{show(text)} is not a time (HH:MM)")
    return text


def _check_end_time(text: str) -> str:
    return text if text == "24:00" else _check_time(text)


def _read_date(text: str, shape: re.Pattern[str]) -> date | None:
    """The date of a ``YYYY-MM-DD`` (or ``YYYY-MM-DDTHH:MM``) text, None when it is not one."""
    try:
        return datetime.fromisoformat(text).date() if shape.fullmatch(text) else None
    except ValueError:
        return None


def _in_supported_years(text: str, day: date) -> str:
    # Far from date's own limits, so a week's Sunday or a requirement's window never overflows.
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(f"{show(text)} is outside the years actplanner plans ({_SUPPORTED_YEARS})")
    return text


def _check_date(text: str) -> str:
    day = _read_date(text, _DATE)
    if day is None:
        raise ValueError(f"{show(text)} is not a date (YYYY-MM-DD)")
    return _in_supported_years(text, day)


def _check_datetime(text: str) -> str:
    day = _read_date(text, _DATETIME)
    if day is None:
        raise ValueError(f"{show(text)} is not a local date-time (YYYY-MM-DDTHH:MM)")
    return _in_supported_years(text, day)


def _check_timezone(name: str) -> str:
    """Length and shape first, so zoneinfo only ever looks up a name that could be one of its files."""
    if len(name) > MAX_TIMEZONE:
        raise ValueError(
            f"{show(name)} is not an IANA time zone: {len(name)} characters, "
            f"and a zone name has at most {MAX_TIMEZONE}"
        )
    if not _TIMEZONE.fullmatch(name):
        raise ValueError(f"{show(name)} is not an IANA time zone (a name like America/Chicago)")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as "America"
        raise ValueError(f"{show(name)} is not an IANA time zone") from None
    return name


def _check_span(span: list[str]) -> list[str]:
    if len(span) != 2:
        raise ValueError(f"expected [start, end], got {len(span)} times")
    return span


Id = Annotated[str, Field(max_length=MAX_ID), AfterValidator(_check_id)]
#: A time of day, 00:00–23:59.
Time = Annotated[str, AfterValidator(_check_time)]
#: A time of day that may also be "24:00"; spans check that their start is not.
EndTime = Annotated[str, AfterValidator(_check_end_time)]
Date = Annotated[str, AfterValidator(_check_date)]
LocalDateTime = Annotated[str, AfterValidator(_check_datetime)]
Timezone = Annotated[str, AfterValidator(_check_timezone)]
#: ``[start, end]`` within one day.
Span = Annotated[list[EndTime], AfterValidator(_check_span)]


def minutes(text: str) -> int:
    """Minutes after midnight of an ``"HH:MM"`` time ("24:00" is 1440)."""
    hours, mins = text.split(":")
    return int(hours) * 60 + int(mins)


def to_date(text: str) -> date:
    return date.fromisoformat(text)


def to_datetime(text: str) -> datetime:
    return datetime.fromisoformat(text)


def span_errors(path: str, span: list[str], what: str) -> list[str]:
    """Errors of a ``[start, end]`` span: "24:00" as a start, or not ending after its start."""
    start, end = span
    if start == "24:00":
        return [f'{path}[0]: "24:00" is allowed only as an end time']
    if minutes(end) < minutes(start):
        return [f"{path}: {what} ends ({end}) before it starts ({start})"]
    if end == start:
        return [f"{path}: {what} is empty (starts and ends at {start})"]
    return []


def parse_week_start(text: str, field: str = "week_start") -> date:
    """The Monday a week starts on; a bad date, another weekday or an unplanned year is a FormatError."""
    day = _read_date(text, _DATE) if isinstance(text, str) else None
    if day is None:
        raise FormatError([f"{field}: {show(text)} is not a date (YYYY-MM-DD)"])
    try:
        return require_monday(day, field=field)
    except WeekError as err:
        raise FormatError([str(err).removesuffix(".")]) from None


# Tags of discriminated unions: pydantic puts them in error locations, the file has no
# such key. They contain a space, which no key of the formats can.
TRAVEL_HAVERSINE = "haversine model"
TRAVEL_MATRIX = "matrix model"
DISCIPLINE_REQUIREMENT = "discipline requirement"
SKILL_REQUIREMENT = "skill requirement"
_TAGS = {TRAVEL_HAVERSINE, TRAVEL_MATRIX, DISCIPLINE_REQUIREMENT, SKILL_REQUIREMENT}


def json_path(loc: Sequence[int | str]) -> str:
    """``("clients", 17, "availability", "tue", 0)`` -> ``clients[17].availability.tue[0]``."""
    return path_text(list(loc))


_TYPE_MESSAGES = {
    "string_type": "expected a string",
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "bool_type": "expected true or false",
    "list_type": "expected a list",
    "dict_type": "expected an object",
    "model_type": "expected an object",
    "model_attributes_type": "expected an object",
    "none_required": "expected null",
}


def _message(error: Any) -> str:
    kind, given = error["type"], error.get("input")
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "required key is missing"
    if kind in _TYPE_MESSAGES:
        return f"{_TYPE_MESSAGES[kind]}, got {show(given)}"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "literal_error":
        return f"{show(given)} is not one of {error['ctx']['expected']}"
    if kind == "finite_number":
        return f"{show(given)} is not a finite number"
    if kind == "string_too_long":
        return f"too long: {len(given)} characters, at most {error['ctx']['max_length']}"
    if kind == "too_long":
        return f"too many: {error['ctx']['actual_length']} entries, at most {error['ctx']['max_length']}"
    msg = str(error["msg"])
    if msg.startswith("Input should"):
        return f"{show(given)} {msg[len('Input ') :]}"
    return msg[:1].lower() + msg[1:]


def error_messages(err: ValidationError) -> list[str]:
    """Pydantic's errors as ``path: message`` lines, in file order."""
    lines = []
    for error in err.errors(include_url=False):
        loc = [part for part in error["loc"] if part not in _TAGS]
        if loc and loc[-1] == "[key]":
            # An invalid dictionary key: the path ends at the key itself.
            loc.pop()
            message = f"invalid key: {_message(error)}"
        else:
            message = _message(error)
        lines.append(f"{json_path(loc)}: {message}")
    return lines


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # A repeated key would silently keep only its last value, hiding a typo.
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise ValueError(f"duplicate key {show(key)} in one object")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(data: bytes | str, where: str = "(file)") -> Any:
    """Any JSON value, read safely: the one reader of every file and JSON field the app takes in.

    FormatError (messages starting with ``where``) for text over ``MAX_FILE_BYTES``,
    not UTF-8, not JSON (with line and column), with duplicate keys or NaN, and
    for what ``document_problems`` refuses anywhere in it: nesting deeper than
    ``MAX_DEPTH``, a NUL character or a lone surrogate, a number beyond 64 bits.
    """
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > MAX_FILE_BYTES:
        raise FormatError(
            [f"{where}: {size} bytes is too large; a file may have at most {_mb(MAX_FILE_BYTES)}"]
        )
    if where == "(file)" and isinstance(data, bytes) and data.startswith(b"PK\x03\x04"):
        raise FormatError([f"{where}: {_SPREADSHEET}"])
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise FormatError([f"{where}: not UTF-8 text (byte {err.start})"]) from None
    try:
        doc = json.loads(data, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        if where == "(file)" and err.lineno == 1 and _looks_like_csv(data):
            raise FormatError([f"{where}: {_SPREADSHEET}"]) from None
        raise FormatError(
            [f"{where}: invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}"]
        ) from None
    except RecursionError:
        raise FormatError([f"{where}: nested too deeply (more than {MAX_DEPTH} levels)"]) from None
    except ValueError as err:
        raise FormatError([f"{where}: invalid JSON: {printable(str(err))}"]) from None
    _refuse_problems(doc, where)
    return doc


#: A spreadsheet sent where a JSON file was asked for (an .xlsx is a zip archive; a CSV's first line has
#: cells between commas, semicolons or tabs): the lead needs the other import, not a JSON parse error.
_SPREADSHEET = (
    "this looks like a spreadsheet (CSV or Excel), not a JSON file: use Import from a spreadsheet "
    "(on the team page) for staff and clients, or for the contact log its EHR export"
)


def _looks_like_csv(text: str) -> bool:
    first = text.lstrip().split("\n", 1)[0]
    return not first.startswith(("{", "[")) and any(sep in first for sep in (",", ";", "\t"))


def _mb(size: int) -> str:
    return f"{size // (1024 * 1024)} MB"


def _refuse_problems(doc: Any, where: str = "(file)") -> None:
    problems = document_problems(doc, where=None if where == "(file)" else where)
    if problems:
        raise FormatError(capped(problems))


def read_json(data: bytes | str | dict[str, Any]) -> dict[str, Any]:
    """A JSON document as a dict (read by ``parse_json``); a dict given is checked the same way."""
    if isinstance(data, dict):
        _refuse_problems(data)
        return data
    doc = parse_json(data)
    if not isinstance(doc, dict):
        raise FormatError([f"(top level): expected a JSON object, got {show(doc)}"])
    return doc


M = TypeVar("M", bound=FileModel)


def load(model: type[M], data: bytes | str | dict[str, Any], check: Callable[[M], list[str]]) -> M:
    """Read, validate the structure, then run ``check`` for rules across the document."""
    doc = read_json(data)
    try:
        value = model.model_validate(doc)
    except ValidationError as err:
        raise FormatError(capped(error_messages(err))) from None
    problems = check(value)
    if problems:
        raise FormatError(capped(problems))
    return value


def dump(value: FileModel) -> dict[str, Any]:
    """A model as the JSON document it came from: keys not given stay absent."""
    return value.model_dump(mode="json", exclude_unset=True)


def duplicate_ids(path: str, ids: Sequence[str]) -> list[str]:
    """Errors for ids that repeat within one list, naming the later entry."""
    first: dict[str, int] = {}
    errors = []
    for i, ident in enumerate(ids):
        if ident in first:
            errors.append(f"{path}[{i}].id: duplicate id {show(ident)} (also {path}[{first[ident]}])")
        else:
            first[ident] = i
    return errors
