"""Every feed any test renders is read by six calendar readers, which must find the instants the app means.

A plugin of the whole suite (``tests/conftest.py``): feeds are rendered by the feed
tests and also by others (the access log's, the downgrades'). Only a browser test's
server, in a process of its own, renders out of its reach.

The instants come from the ledger rows the feed was rendered from: each local
``YYYY-MM-DDTHH:MM`` in the team's zone, the first of a repeated time, as the
rota and the plans mean it (``actplanner.domain.rota.local_to_utc``, worked out
here with zoneinfo alone so the check does not lean on the code it checks).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from actplanner.feeds import calendar as calendar_module
from actplanner.feeds.ical import UID_SUFFIX
from tests.support.calendar_readers import Instants, assert_read_as_meant


def meant(text: str, tz: ZoneInfo) -> datetime:
    """The instant a ledger's local time means: fold 0, the first of a repeated local time."""
    return datetime.fromisoformat(text).replace(tzinfo=tz, fold=0).astimezone(UTC)


@pytest.fixture(autouse=True)
def every_feed_read_as_meant(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """After each test, every feed it rendered reads as the app means it in all six readers."""
    rendered: dict[bytes, list[Instants]] = {}
    render = calendar_module.render_calendar

    def recording(view: Any, *, tzid: str, **kwargs: Any) -> bytes:
        data = render(view, tzid=tzid, **kwargs)
        tz = ZoneInfo(tzid)
        rendered[data] = [
            Instants(row.uid + UID_SUFFIX, meant(row.start, tz), meant(row.end, tz)) for row in view.events
        ]
        return data

    monkeypatch.setattr(calendar_module, "render_calendar", recording)
    yield
    if rendered:
        assert_read_as_meant(list(rendered.items()))
