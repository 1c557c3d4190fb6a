"""The planning tests stand before the test week (2026-11-30) unless a test says otherwise.

A re-plan of a week under way keeps the visits that have started (``edits.keep_started``),
so what a solve of the test week may change depends on the clock: these tests fix it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest

from actplanner.planning import edits

#: Saturday before the test week, noon UTC: nothing of the week has started in any zone.
BEFORE_THE_WEEK = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[datetime], None]]:
    """Set the moment the planning verbs take as now: ``clock(datetime(..., tzinfo=...))``."""
    moment = [BEFORE_THE_WEEK]
    monkeypatch.setattr(edits, "utc_now", lambda: moment[0])

    def set_now(now: datetime) -> None:
        moment[0] = now.astimezone(UTC)

    yield set_now
