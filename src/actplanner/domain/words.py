"""How the team file's words read on a page: one label per purpose, skill or discipline, and
dates as a lead says them ("Wed 2 Dec").

The files keep machine words (``lai_injection``, ``case_manager``); every page and message
shows the same label for each ("LAI injection", "case manager"), so a purpose reads alike on
the board, My day, the move checker and the import errors.
"""

from __future__ import annotations

import re
from datetime import date

from babel import Locale

#: Parts of a word that are abbreviations the team writes in capitals.
ACRONYMS = frozenset(
    {
        "lai",
        "im",
        "iv",
        "sc",
        "prn",
        "itt",
        "act",
        "ehr",
        "np",
        "rn",
        "lpn",
        "ems",
        "er",
        "ed",
        "id",
        "cbt",
        "dbt",
    }
)

_SEPARATOR = re.compile(r"[_\s]+")


def label(word: str | None) -> str:
    """A file word in plain words: underscores become spaces, abbreviations capitals
    ("lai_injection" → "LAI injection", "case_manager" → "case manager"). Lower case
    otherwise, so it reads inside a sentence; a page capitalises at the start of a cell."""
    if not word:
        return ""
    parts = [p for p in _SEPARATOR.split(word.strip()) if p]
    return " ".join(p.upper() if p.lower() in ACRONYMS else p for p in parts)


#: Language names in English from the Unicode CLDR (Babel), by ISO 639 code.
_LANGUAGES = Locale("en").languages


def language_name(code: str | None) -> str:
    """A language code as a lead says it ("es" → "Spanish"); a code CLDR does not know, as written."""
    if not code:
        return ""
    return str(_LANGUAGES.get(code) or _LANGUAGES.get(code.lower()) or code)


def capitalised(text: str) -> str:
    """Only the first letter raised: "LAI injection due" stays so, where ``str.capitalize``
    would lower the rest ("Lai injection due")."""
    return text[:1].upper() + text[1:]


def purpose_label(purpose: str | None, default: str = "visit") -> str:
    """A visit's purpose as every page shows it; ``default`` for a visit without one."""
    return label(purpose) or default


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# An ISO date, maybe with its time ("2026-12-02", "2026-12-02T09:00", "2026-12-02 09:00") and
# maybe after the weekday a message already wrote ("fri 2026-12-25"), not inside an id.
_DATE = re.compile(
    r"(?<![\w-])(?:(?:mon|tue|wed|thu|fri|sat|sun)\s+)?"
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}))?(?![\w-])",
    re.IGNORECASE,
)


def day_words(day: date) -> str:
    """A date as the pages write it: "Wed 2 Dec"."""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]}"


def dates_in_words(text: str) -> str:
    """A message with its ISO dates as the pages write them ("due by 2026-12-11" → "due by Fri 11 Dec");
    the files and the CLI's JSON keep ISO dates, a page reads these."""
    return _DATE.sub(_date_words, text)


def _date_words(match: re.Match[str]) -> str:
    year, month, day, time = match.groups()
    try:
        text = day_words(date(int(year), int(month), int(day)))
    except ValueError:
        return match.group(0)  # Not a real date: leave it as written.
    return f"{text} {time}" if time else text
