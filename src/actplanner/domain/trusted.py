"""Models built from values already checked, for the engines' large reads.

A stored contact row or a saved plan's visit was checked when it was written;
building thousands of them again through pydantic (even ``model_construct``,
which fills defaults field by field) was a large part of the Fidelity page's
time. ``built`` sets the fields as given, every one of them, and checks nothing:
use it only for values the app itself stored. ``iso_date`` and ``json_list`` read
columns selected as plain text, skipping the per-value conversions of the ORM's
types, which cost more than the query on such reads.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)


def built(cls: type[M], **values: Any) -> M:
    """A ``cls`` holding ``values`` (every field of ``cls``, nothing else), unchecked."""
    model = cls.__new__(cls)
    object.__setattr__(model, "__dict__", values)
    object.__setattr__(model, "__pydantic_fields_set__", set(values))
    object.__setattr__(model, "__pydantic_extra__", None)
    object.__setattr__(model, "__pydantic_private__", None)
    return model


def iso_date(value: date | str) -> str:
    """A date column as the files write it: SQLite hands back its text, PostgreSQL a ``date``."""
    return value if isinstance(value, str) else value.isoformat()


def json_list(value: str | list[Any], memo: dict[str, list[Any]]) -> list[Any]:
    """A JSON list column read as text (SQLite) or already decoded (PostgreSQL's driver), as a
    list of its own; ``memo`` keeps each distinct text parsed once (a log repeats a few staff
    lists and ``[]`` thousands of times)."""
    if not isinstance(value, str):
        return list(value)
    if (parsed := memo.get(value)) is None:
        parsed = memo[value] = json.loads(value)
    return list(parsed)
