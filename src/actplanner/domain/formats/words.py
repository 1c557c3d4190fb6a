"""A file's error in the words of a team lead, with its JSON path kept for the IT person.

``FormatError.messages`` are ``path: message`` lines ("clients[37].visits_per_week: expected a
whole number, got "five""): exact, and what a script or the CLI wants. A page shows each as
``Plain(words, line)``: ``words`` names the thing as the lead knows it ("Client 38 (c-038),
visits per week: "five" is not a whole number") and ``line`` is the original, shown in small
print. With the document at hand a list position gets its entry's id (and a staff member's
name); without it, its position alone.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from actplanner.domain.words import capitalised, label

#: What the entries of each top-level list are called, one at a time.
_ENTRY_NAMES = {"clients": "Client", "staff": "Staff member", "contacts": "Contact", "visits": "Visit"}

#: Field names whose label alone would not say what they are.
_FIELD_WORDS = {
    "lat": "latitude",
    "lon": "longitude",
    "label": "address",
    "home": "home",
    "fte": "FTE",
    "itt": "ITT",
    "excluded_staff": "excluded staff",
    "on_call": "on-call",
    "on_call_roles": "on-call roles",
    "min_gap_days": "days between visits",
    "window_days": "window (days either side)",
    "every_days": "every (days)",
    "max_visits_per_day": "most visits a day",
    "caseload_max_per_staff": "largest caseload per staff member",
    "team_approach_min_staff": "fewest staff a client sees (team approach)",
    "minutes_per_week": "minutes per week",
    "employed_from": "employed from",
    "employed_until": "employed until",
}
_DAYS = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
    "holiday": "holidays",
}
#: Lists inside an entry whose items are counted for the lead ("requirement 2").
_ITEM_NAMES = {
    "requirements": "requirement",
    "leave": "leave period",
    "episodes": "episode",
    "acuity_changes": "acuity change",
    "holidays": "holiday",
    "coverage": "coverage window",
    "requests": "request",
}
#: A message's references to other parts of the file, as a lead names them ("(policy.acuity has
#: high, moderate)" → "(the team's acuity levels are high, moderate)"). The messages keep the
#: JSON path for the CLI and the IT person; a page reads these.
_REFERENCES = (
    (re.compile(r"\(policy\.acuity has ([^)]*)\)"), r"(the team's acuity levels are \1)"),
    (re.compile(r"\bpolicy\.shift_types has "), "the team's shift types are "),
    (re.compile(r"\bpolicy\.shift_types defines none\b"), "the team has no shift types"),
    (re.compile(r"\bis not defined in policy\.on_call\.roles\b"), "is not one of the team's on-call roles"),
)
_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")
_GOT = re.compile(r"^expected an? (?P<what>.+?), got (?P<given>.+)$")
_BOUND = re.compile(r"^(?P<given>.+?) should be (?P<how>less|greater) than( or equal to)? (?P<limit>\S+)$")


@dataclass(frozen=True)
class Plain:
    """One error: ``words`` for the lead, ``line`` (``path: message``) for the IT person."""

    words: str
    line: str
    path: str


def plain_errors(messages: Iterable[str], doc: Any = None) -> list[Plain]:
    """Every ``path: message`` line of a FormatError in words; ``doc`` is the document checked
    (a dict, or the raw JSON bytes or text; anything else is ignored)."""
    found = _document(doc)
    return [plain_error(m, found) for m in messages]


def plain_error(message: str, doc: Mapping[str, Any] | None = None) -> Plain:
    """One ``path: message`` line in words."""
    path, sep, text = message.partition(": ")
    if not sep or " " in path:
        return Plain(words=capitalised(message), line=message, path="")
    if path == "(file)":
        return Plain(words=capitalised(text), line=message, path="")
    where = _where(path, doc)
    return Plain(
        words=f"{where}: {_what(text)}" if where else capitalised(_what(text)), line=message, path=path
    )


def _document(doc: Any) -> Mapping[str, Any] | None:
    if isinstance(doc, Mapping):
        return doc
    if isinstance(doc, (bytes, str)):
        try:
            parsed = json.loads(doc)
        except (ValueError, UnicodeDecodeError, RecursionError):
            # A file too deep to parse has already been refused for it: no document to name.
            return None
        return parsed if isinstance(parsed, Mapping) else None
    return None


def _where(path: str, doc: Mapping[str, Any] | None) -> str:
    parts: list[int | str] = [int(i) if i else str(k) for i, k in _PART.findall(path)]
    words: list[str] = []
    node: Any = doc
    i = 0
    if parts and parts[0] in _ENTRY_NAMES and len(parts) > 1 and isinstance(parts[1], int):
        key, at = str(parts[0]), int(parts[1])
        entry = node.get(key) if isinstance(node, Mapping) else None
        item = entry[at] if isinstance(entry, list) and 0 <= at < len(entry) else None
        words.append(f"{_ENTRY_NAMES[key]} {at + 1}{_who(key, item)}")
        node, i = item, 2
    elif parts and parts[0] == "policy":
        words.append("Team settings")
        i = 1
    elif parts and parts[0] == "team":
        words.append("Team")
        i = 1
    fields: list[str] = []
    while i < len(parts):
        part = parts[i]
        if isinstance(part, int):
            fields.append(f"entry {part + 1}")
        elif i + 1 < len(parts) and isinstance(parts[i + 1], int) and part in _ITEM_NAMES:
            fields.append(f"{_ITEM_NAMES[part]} {int(parts[i + 1]) + 1}")
            i += 1
        elif part in _DAYS and fields and fields[-1] in ("availability", "shifts", "days"):
            fields[-1] = f"{fields[-1]} on {_DAYS[part]}"
            if i + 1 < len(parts) and isinstance(parts[i + 1], int):
                fields[-1] += f", time range {int(parts[i + 1]) + 1}"
                i += 1
        else:
            fields.append(_FIELD_WORDS.get(part, label(part)))
        i += 1
    if fields:
        words.append(" ".join(fields) if _reads_as_one(fields) else ", ".join(fields))
    return ", ".join(words)


def _reads_as_one(fields: list[str]) -> bool:
    # "home latitude" reads better than "home, latitude"; longer paths keep their commas.
    return len(fields) == 2 and fields[0] in ("home", "start", "office", "location", "on-call")


def _who(key: str, item: Any) -> str:
    if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
        return ""
    if key == "staff" and isinstance(item.get("name"), str):
        return f" ({item['name']}, {item['id']})"
    if key == "clients" and isinstance(item.get("code"), str) and item["code"] != item["id"]:
        return f" ({item['id']}, code {item['code']})"
    return f" ({item['id']})"


def references_in_words(text: str) -> str:
    """A message with its references to the file's other parts in words: "unknown acuity "extreme"
    (the team's acuity levels are high, moderate, stable)"; the rest as written."""
    for pattern, words in _REFERENCES:
        text = pattern.sub(words, text)
    return text


def _what(text: str) -> str:
    """The model's message turned round to say what is wrong with the value."""
    text = references_in_words(text)
    if text == "required key is missing":
        return "missing; it is required"
    if text == "unknown key":
        return "not a field of the format (a typo, or a column that belongs elsewhere?)"
    got = _GOT.match(text)
    if got:
        return f"{got['given']} is not {_a(got['what'])}"
    bound = _BOUND.match(text)
    if bound:
        most = "at most" if bound["how"] == "less" else "at least"
        if not text.count("or equal to"):
            most = "below" if bound["how"] == "less" else "above"
        return f"{bound['given']} is out of range: it must be {most} {bound['limit']}"
    return text


def _a(what: str) -> str:
    return f"an {what}" if what[:1] in "aeiou" else f"a {what}"
