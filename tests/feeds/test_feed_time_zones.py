"""Feed times in six calendar readers: over New Year, on both change days, in the repeated and skipped hours.

The feeds here are rendered from ledger rows made by hand, so each test states its
local times and the UTC instants the app means by them (the first of a repeated
local time; a skipped one in the offset before the change, as zoneinfo's fold 0).
Chicago changes on 2026-03-08 at 02:00 (to 03:00) and 2026-11-01 at 02:00 (to 01:00);
Sydney, in the southern hemisphere, on 2026-04-05 at 03:00 (to 02:00) and 2026-10-04
at 02:00 (to 03:00); Kolkata never; Dublin's winter time is its negative saving.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from actplanner.db import FeedEvent
from actplanner.feeds import calendar as calendar_module
from actplanner.feeds.ical import UID_SUFFIX, FeedLinks
from actplanner.feeds.service import FeedView
from actplanner.feeds.zones import YEARS_AHEAD
from tests.support.calendar_readers import (
    READERS,
    Instants,
    assert_read_as_meant,
    libical_local_times,
    read_everywhere,
)

LINKS = FeedLinks(my_week="https://planner.example/my-week", on_call="https://planner.example/on-call")
CHICAGO = "America/Chicago"
SYDNEY = "Australia/Sydney"
STAMP = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)


def row(number: int, start: str, end: str, kind: str = "on_call") -> FeedEvent:
    """A ledger row from ``start`` to ``end`` (local ``YYYY-MM-DDTHH:MM``), UID ``e<number>``."""
    fields = {"role": "primary", "holder": "Ana Ruiz"} if kind == "on_call" else {"client_code": "C-7"}
    return FeedEvent(
        uid=f"e{number}",
        staff_id="s-rn1",
        kind=kind,
        start=start,
        end=end,
        sequence=0,
        updated_at=STAMP,
        cancelled_at=None,
        purpose="home visit" if kind == "visit" else None,
        **fields,
    )


def render(tzid: str, rows: list[FeedEvent]) -> bytes:
    """The feed of ``rows`` in ``tzid``, rendered as the app renders (and the feed conftest records) it."""
    view = FeedView(events=rows, last_modified=None)
    return calendar_module.render_calendar(view, name="West Town", tzid=tzid, links=LINKS, show_holders=True)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def read_as(data: bytes, expected: dict[str, tuple[str, str]]) -> None:
    """All six readers read the feed as exactly ``expected``: UID number to (start, end) in UTC."""
    meant = sorted(
        Instants(f"{uid}{UID_SUFFIX}", utc(start), utc(end)) for uid, (start, end) in expected.items()
    )
    seen = read_everywhere([data])[0]
    assert set(seen) == set(READERS)
    wrong = {reader: events for reader, events in seen.items() if events != meant}
    assert not wrong, wrong


def vtimezone_lines(data: bytes) -> list[str]:
    text = data.decode().replace("\r\n ", "")
    block = re.search(r"BEGIN:VTIMEZONE\r\n(.*?)END:VTIMEZONE\r\n", text, re.S)
    assert block is not None
    return block.group(1).split("\r\n")


def test_18_a_feed_over_new_year_keeps_the_first_years_summer_time() -> None:
    """Issue 9, item 18: with events in 2026 and 2027, summer 2026 is still daylight time in every reader.

    ical.js ignores a sub-component's DTSTART once it has an RDATE and no RRULE, so
    the old VTIMEZONE (one DAYLIGHT with DTSTART 2026 and RDATE 2027) put every
    summer event of 2026 an hour late there.
    """
    data = render(
        CHICAGO,
        [
            row(1, "2026-07-15T09:00", "2026-07-15T09:45", kind="visit"),
            row(2, "2026-10-29T08:30", "2026-10-30T08:30"),
            row(3, "2026-12-31T20:00", "2027-01-01T08:30"),
            row(4, "2027-07-14T09:00", "2027-07-14T09:45", kind="visit"),
        ],
    )
    read_as(
        data,
        {
            "e1": ("2026-07-15T14:00", "2026-07-15T14:45"),
            "e2": ("2026-10-29T13:30", "2026-10-30T13:30"),
            "e3": ("2027-01-01T02:00", "2027-01-01T14:30"),
            "e4": ("2027-07-14T14:00", "2027-07-14T14:45"),
        },
    )
    lines = vtimezone_lines(data)
    assert not [line for line in lines if line.startswith(("RDATE", "RRULE"))]
    onsets = [line for line in lines if line.startswith("DTSTART:")]
    # From the year before the first event (history of another team), years past the last.
    assert onsets[:7] == [
        "DTSTART:20241231T000000",
        "DTSTART:20250309T020000",
        "DTSTART:20251102T020000",
        "DTSTART:20260308T020000",
        "DTSTART:20261101T020000",
        "DTSTART:20270314T020000",
        "DTSTART:20271107T020000",
    ]
    last = 2027 + YEARS_AHEAD
    assert [line[:14] for line in onsets[-2:]] == [f"DTSTART:{last}03", f"DTSTART:{last}11"]
    assert len(onsets) == 1 + 2 * (2 + 1 + YEARS_AHEAD)


@pytest.mark.parametrize(
    ("tzid", "day", "onset"),
    [
        (CHICAGO, date(2026, 3, 8), "DTSTART:20260308T020000"),
        (SYDNEY, date(2026, 10, 4), "DTSTART:20261004T020000"),
    ],
)
def test_19_the_spring_change_begins_at_the_local_time_before_it(tzid: str, day: date, onset: str) -> None:
    """Issue 9, item 19: DAYLIGHT's DTSTART is 02:00 (before the change), so no reader shows 02:xx that day.

    Written as 03:00, libical took the change an hour late and showed 08:00-08:59Z
    on 2026-03-08 as 02:00-02:59 in Chicago, a local time that does not exist.
    """
    tz = ZoneInfo(tzid)
    midnight = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
    data = render(tzid, [row(1, f"{day}T00:30", f"{day}T05:00")])
    lines = vtimezone_lines(data)
    daylight = lines[lines.index(onset) - 1 :]
    assert daylight[0] == "BEGIN:DAYLIGHT", "the onset opens a DAYLIGHT sub-component"
    every_quarter = [midnight + timedelta(minutes=15 * i) for i in range(4 * 6)]
    expected = [instant.astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S") for instant in every_quarter]
    assert not any(text.startswith(f"{day}T02:") for text in expected), "02:xx does not exist that day"
    assert libical_local_times(data, tzid, every_quarter) == expected


def test_20_a_time_in_the_repeated_hour_is_the_first_of_the_two() -> None:
    """Issue 9, item 20: 01:00-01:59 on 2026-11-01 in Chicago is read as the first 01:xx (CDT) everywhere.

    libical, ical.js and node-ical read a TZID time in the repeated hour as the
    second one, an hour later than the app means; the feed writes it in UTC.
    """
    data = render(
        CHICAGO,
        [
            row(1, "2026-10-31T20:00", "2026-11-01T01:30"),
            row(2, "2026-11-01T01:30", "2026-11-01T08:30"),
            row(3, "2026-11-01T01:00", "2026-11-01T01:45", kind="visit"),
        ],
    )
    read_as(
        data,
        {
            "e1": ("2026-11-01T01:00", "2026-11-01T06:30"),
            "e2": ("2026-11-01T06:30", "2026-11-01T14:30"),
            "e3": ("2026-11-01T06:00", "2026-11-01T06:45"),
        },
    )
    text = data.decode()
    assert "DTEND:20261101T063000Z" in text and "DTSTART:20261101T063000Z" in text
    # The times that name one instant keep the team's zone.
    assert "DTSTART;TZID=America/Chicago:20261031T200000" in text
    assert "DTEND;TZID=America/Chicago:20261101T083000" in text


def test_20_the_repeated_hour_in_sydney_and_the_skipped_hours() -> None:
    """A repeated hour in the southern autumn, and a skipped local time in both zones, read as the app means.

    A skipped time (02:30 on a spring change day) can only reach the ledger from a
    plan; the app takes it in the offset before the change, as the readers must.
    """
    sydney = render(
        SYDNEY,
        [row(1, "2026-04-05T02:30", "2026-04-05T08:30"), row(2, "2026-10-04T02:30", "2026-10-04T04:30")],
    )
    read_as(
        sydney,
        {"e1": ("2026-04-04T15:30", "2026-04-04T22:30"), "e2": ("2026-10-03T16:30", "2026-10-03T17:30")},
    )
    chicago = render(CHICAGO, [row(1, "2026-03-08T02:30", "2026-03-08T04:00", kind="visit")])
    read_as(chicago, {"e1": ("2026-03-08T08:30", "2026-03-08T09:00")})


def change_days(tz: ZoneInfo, years: range) -> list[date]:
    """The days on which ``tz`` changes its offset, found hour by hour with zoneinfo."""
    days = []
    instant = datetime(years.start, 1, 1, tzinfo=UTC)
    while instant.year < years.stop:
        later = instant + timedelta(hours=1)
        if instant.astimezone(tz).utcoffset() != later.astimezone(tz).utcoffset():
            days.append(later.astimezone(tz).date())
        instant = later
    return days


@pytest.mark.parametrize("tzid", [CHICAGO, SYDNEY, "Asia/Kolkata", "Europe/Dublin", "Asia/Kathmandu"])
def test_every_half_hour_around_each_change_reads_alike_everywhere(tzid: str) -> None:
    """On each change day of 2026-2027, and one plain day a month, every half hour from 00:00 to 05:00.

    Each reader gives the app's instant for every event, and libical, which shows
    times through the VTIMEZONE itself, the zone's own wall time for every quarter
    hour of the change days.
    """
    tz = ZoneInfo(tzid)
    changes = change_days(tz, range(2026, 2028))
    assert len(changes) == (0 if tzid in ("Asia/Kolkata", "Asia/Kathmandu") else 4)
    days = changes + [date(year, month, 10) for year in (2026, 2027) for month in range(1, 13)]
    rows, meant = [], []
    for day in days:
        for minutes in range(0, 5 * 60, 30):
            start = datetime(day.year, day.month, day.day) + timedelta(minutes=minutes)
            end = start + timedelta(minutes=30)
            rows.append(row(len(rows), start.strftime("%Y-%m-%dT%H:%M"), end.strftime("%Y-%m-%dT%H:%M")))
            meant.append(
                Instants(
                    f"e{len(rows) - 1}{UID_SUFFIX}",
                    start.replace(tzinfo=tz).astimezone(UTC),
                    end.replace(tzinfo=tz).astimezone(UTC),
                )
            )
    data = render(tzid, rows)
    assert_read_as_meant([(data, meant)])
    for day in changes:
        midnight = datetime(day.year, day.month, day.day, tzinfo=tz).astimezone(UTC)
        quarters = [midnight + timedelta(minutes=15 * i) for i in range(4 * 6)]
        expected = [instant.astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S") for instant in quarters]
        assert libical_local_times(data, tzid, quarters) == expected, day
