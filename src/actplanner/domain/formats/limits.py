"""The limits on files the app reads, and the check every parsed document passes before its fields are.

The numbers are far above what a real team has (docs/decisions.md, "Limits on
imported files and weeks", says why each is what it is) and low enough that a
file cannot exhaust memory, time, the database or the solver. Every file format
reads through ``read_json`` in ``_base`` and takes its string and list bounds
from here, so a new format gets the same limits by using these names.
"""

from __future__ import annotations

import json
import math
import re
from typing import Annotated, Any

from pydantic import Field

#: Largest file read (team or plan file, upload or API body). A team at the staff and client
#: limits below, shaped like the large sample team, is 1.6 MB indented (0.8 MB compact); the
#: rest is room for long leave lists and a travel matrix of several hundred places.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Deepest nesting of objects and lists; a team file nests 6 deep, a plan file's metrics a few more.
MAX_DEPTH = 32
#: Longest string anywhere in a file, keys included (a sentence of a plan's ``unmet`` is ~200).
MAX_STRING = 10_000
#: Longest id: the database's id columns hold 100 characters.
MAX_ID = 100
#: Longest name or place label (team, staff member, client).
MAX_NAME = 200
#: Longest short word: a client code, a phone number, a language, a skill, an acuity level's name.
MAX_WORD = 64
#: Longest time zone name: the database column holds 64; IANA's longest is 32.
MAX_TIMEZONE = 64
MAX_STAFF = 500
MAX_CLIENTS = 2_000
#: Places a travel matrix may name: the office, every staff member and every client.
MAX_PLACES = 1 + MAX_STAFF + MAX_CLIENTS
#: Longest short list a person fills in: languages, skills, requirements, acuity levels,
#: a role's disciplines, a weekday's availability windows.
MAX_LIST = 50
#: Most leave periods of one staff member (one a week for twenty years).
MAX_LEAVE = 1_000
#: Most episodes (hospital stays, absences) or acuity changes of one client, as many as leave.
MAX_EPISODES = MAX_LEAVE
#: Most problems listed for one file; past that, one line says how many more there are.
MAX_MESSAGES = 100
#: Whole numbers beyond 64 bits fit no database integer and overflow the solver.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1

IdText = Annotated[str, Field(max_length=MAX_ID)]
Name = Annotated[str, Field(max_length=MAX_NAME)]
Word = Annotated[str, Field(max_length=MAX_WORD)]
Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]

_SURROGATE = re.compile("[\ud800-\udfff]")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def printable(text: str) -> str:
    """``text`` with lone surrogates (``"\\ud800"`` in JSON, no character at all) written as escapes.

    A lone surrogate cannot be encoded as UTF-8: echoed raw into a page or a JSON
    answer, it makes writing the response fail.
    """
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _path_text(parts: list[int | str]) -> str:
    """``["clients", 17, "name"]`` -> ``clients[17].name``, as file errors name places."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{printable(json.dumps(part, ensure_ascii=False))}]"
    return out or "(top level)"


path_text = _path_text


def _string_problem(text: str) -> str | None:
    if "\0" in text:
        return "contains a NUL character (\\u0000), which cannot be stored"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as err:
            return (
                f"contains \\u{ord(text[err.start]):04x}, half of a UTF-16 pair and not a character "
                "(was the file converted from another encoding?)"
            )
    if len(text) > MAX_STRING:
        return f"too long: {len(text)} characters, at most {MAX_STRING}"
    return None


def _value_problem(value: Any) -> str | None:
    kind = type(value)
    if kind is str:
        return _string_problem(value)
    if kind is int and not INT64_MIN <= value <= INT64_MAX:
        digits = str(value)
        shown = digits if len(digits) <= 30 else digits[:27] + "..."
        return f"{shown} is beyond the 64-bit whole numbers that can be stored"
    if kind is float and not math.isfinite(value):
        return "a number too large to store (not finite)"
    return None


#: A place in a document while it is walked: the place of its container and its key or index.
_Place = tuple["_Place", int | str] | None


def _parts(place: _Place) -> list[int | str]:
    parts: list[int | str] = []
    while place is not None:
        place, key = place
        parts.append(key)
    return parts[::-1]


def document_problems(doc: Any, where: str | None = None) -> list[str]:
    """What no field of any file may hold, as ``path: message`` lines, before the fields are checked.

    Nesting deeper than ``MAX_DEPTH``; strings (keys too) with a NUL character,
    a lone surrogate or more than ``MAX_STRING`` characters; whole numbers beyond
    64 bits; numbers too large to be finite. Walked without recursion, so no
    document is too deep to check; paths are only spelled out for a problem, as
    this runs on every team file read. ``where`` names the document when it is
    one field of something larger (a form's JSON box): paths then start there.
    """
    problems: list[str] = []

    def note(place: _Place, problem: str) -> None:
        inner = _path_text(_parts(place))
        if where is not None:
            if inner == "(top level)":
                inner = where
            else:
                inner = where + inner if inner.startswith("[") else f"{where}.{inner}"
        problems.append(f"{inner}: {problem}")

    if not isinstance(doc, dict | list):
        problem = _value_problem(doc)
        if problem:
            note(None, problem)
        return problems
    stack: list[tuple[dict[Any, Any] | list[Any], int, _Place]] = [(doc, 0, None)]
    while stack and len(problems) <= MAX_MESSAGES:
        value, depth, place = stack.pop()
        if depth >= MAX_DEPTH:
            note(place, f"nested too deeply (more than {MAX_DEPTH} levels)")
            continue
        items = value.items() if type(value) is dict else enumerate(value)
        for key, item in items:
            # Inlined type tests: this loop runs for every value of every team file read.
            if type(key) is str and (len(key) > MAX_STRING or "\0" in key or not key.isascii()):
                problem = _string_problem(key)
                if problem:
                    note(place, f"a key {problem}")
                    continue
            kind = type(item)
            if kind is dict or kind is list:
                stack.append((item, depth + 1, (place, key)))
            elif kind is str:
                if len(item) > MAX_STRING or "\0" in item or not item.isascii():
                    problem = _string_problem(item)
                    if problem:
                        note((place, key), problem)
            elif kind is int or kind is float:
                problem = _value_problem(item)
                if problem:
                    note((place, key), problem)
    return problems


def capped(messages: list[str]) -> list[str]:
    """At most ``MAX_MESSAGES`` messages, then one line saying there are more."""
    if len(messages) <= MAX_MESSAGES:
        return messages
    return [*messages[:MAX_MESSAGES], "(file): and more problems than these; fix these first"]
