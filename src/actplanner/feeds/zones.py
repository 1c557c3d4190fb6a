"""The team's time zone as a feed writes it: a VTIMEZONE every client reads alike, and which times need UTC.

The VTIMEZONE lists the zone's real changes over the years a feed spans, one
STANDARD or DAYLIGHT sub-component per change, each with its own DTSTART and no
RRULE or RDATE. That is the plainest form RFC 5545 (section 3.6.5) allows, and the
one every reader tried applies the same way: ical.js ignores a sub-component's
DTSTART once it has an RDATE and no RRULE (so a feed over New Year put the first
year's summer an hour off), and a recurrence rule would be true only for the
years the rule held. Each DTSTART is the local time *before* the change, in
TZOFFSETFROM (RFC 5545's "onset": its UTC instant is DTSTART minus TZOFFSETFROM),
so 02:00 for the spring change in Chicago, not 03:00.

The years covered reach from the year before the feed's first event to
``YEARS_AHEAD`` after its last: some readers keep the first VTIMEZONE they meet for
a TZID for as long as they run (vobject does, process-wide, and so whatever syncs
with it), so one fetched today must still be right for the feeds of years to come,
and for another team's history a little older.

The changes come from ``zoneinfo``, the same zone data the app turns local times
into instants with, so a reader that follows the VTIMEZONE lands on the app's
instant. (icalendar's ``Timezone.from_tzid`` writes RDATE lists and the wrong spring
onset; pytz and dateutil keep their transition lists in private attributes and
may carry other zone data than the app's.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

#: How many years past a feed's last event its VTIMEZONE lists the zone's changes for.
YEARS_AHEAD = 10
#: How far apart the scan looks at the zone; two changes of one zone are always further apart.
_STEP = timedelta(hours=6)


def has_one_instant(local: datetime, tz: ZoneInfo) -> bool:
    """Whether the naive local time ``local`` names exactly one instant in ``tz``.

    False in the hour a change repeats (2026-11-01 01:30 in Chicago is two instants)
    and in the hour it skips (2026-03-08 02:30 is none). Readers differ on both, so
    the feed writes such a time in UTC.
    """
    return local.replace(tzinfo=tz, fold=0).utcoffset() == local.replace(tzinfo=tz, fold=1).utcoffset()


def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE of ``tzid`` for a feed with events from ``first_year`` to ``last_year``.

    It lists the changes from the year before the first to ``YEARS_AHEAD`` after the last.
    """
    zone = Timezone()
    zone.add("tzid", tzid)
    for observance in _observances(tzid, first_year - 1, last_year + YEARS_AHEAD):
        component = TimezoneDaylight() if observance.daylight else TimezoneStandard()
        component.add("dtstart", observance.onset)
        component.add("tzoffsetfrom", observance.offset_from)
        component.add("tzoffsetto", observance.offset_to)
        component.add("tzname", observance.name)
        zone.add_component(component)
    return zone


@dataclass(frozen=True)
class _Observance:
    """One sub-component: from ``onset`` (local time, in ``offset_from``) the zone is ``offset_to``."""

    daylight: bool
    onset: datetime
    offset_from: timedelta
    offset_to: timedelta
    name: str


@lru_cache(maxsize=64)
def _observances(tzid: str, first_year: int, last_year: int) -> tuple[_Observance, ...]:
    tz = ZoneInfo(tzid)
    # A local day either side of the years, so an event at either end is well inside.
    start = datetime(first_year - 1, 12, 31, tzinfo=tz).astimezone(UTC)
    end = datetime(last_year + 1, 1, 2, tzinfo=tz).astimezone(UTC)
    # What holds when the years begin: no change, its offset on both sides.
    first = start.astimezone(tz)
    found = [_observance(first, _offset(first), first.replace(tzinfo=None))]
    for change in _changes(tz, start, end):
        before = _offset((change - timedelta(seconds=1)).astimezone(tz))
        # The onset in the local time before the change (DTSTART = instant + TZOFFSETFROM).
        found.append(_observance(change.astimezone(tz), before, (change + before).replace(tzinfo=None)))
    return tuple(found)


def _observance(after: datetime, offset_from: timedelta, onset: datetime) -> _Observance:
    """The observance of the local time ``after``, holding from ``onset``."""
    # By its saving over standard time, so a negative saving (Europe/Dublin's winter) is STANDARD.
    daylight = (after.dst() or timedelta()) > timedelta()
    return _Observance(daylight, onset, offset_from, _offset(after), after.tzname() or "")


def _offset(local: datetime) -> timedelta:
    offset = local.utcoffset()
    assert offset is not None, local  # Aware in a ZoneInfo: always has one.
    return offset


def _changes(tz: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """The instants in [start, end) at which ``tz`` changes offset, name or daylight saving, to the second."""
    changes = []
    low = start
    while low < end:
        high = min(low + _STEP, end)
        if _state(low, tz) != _state(high, tz):
            changes.append(_first_after(low, high, tz))
        low = high
    return changes


def _first_after(low: datetime, high: datetime, tz: ZoneInfo) -> datetime:
    """The first second in (low, high] with the local time of ``high``."""
    state = _state(low, tz)
    lo, hi = int(low.timestamp()), int(high.timestamp())
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _state(datetime.fromtimestamp(mid, UTC), tz) == state:
            lo = mid
        else:
            hi = mid
    return datetime.fromtimestamp(hi, UTC)


def _state(instant: datetime, tz: ZoneInfo) -> tuple[timedelta | None, timedelta | None, str | None]:
    local = instant.astimezone(tz)
    return local.utcoffset(), local.dst(), local.tzname()
