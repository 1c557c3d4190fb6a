"""How the team file's words read on a page: one label per purpose, skill or discipline.

The files keep machine words (``lai_injection``, ``case_manager``); every page and message
shows the same label for each ("LAI injection", "case manager"), so a purpose reads alike on
the board, My day, the move checker and the import errors.
"""

from __future__ import annotations

import re

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


def purpose_label(purpose: str | None, default: str = "visit") -> str:
    """A visit's purpose as every page shows it; ``default`` for a visit without one."""
    return label(purpose) or default
