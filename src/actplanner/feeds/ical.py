"""A calendar feed as iCalendar (RFC 5545) bytes: one ``FeedView`` in, one VCALENDAR out.

Everything written comes from the ledger row and the arguments, never from the
clock, so the same view renders byte for byte the same and an HTTP ETag of the
body only changes when the feed does. A visit shows only the client's code and
its purpose category: calendars sync to phones and third-party servers, so no
name, address, diagnosis or medication may reach them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vDuration, vText

from actplanner.db import FeedEvent
from actplanner.feeds.service import FeedView

PRODID = "-//actplanner//actplanner 1//EN"
#: The domain part of every UID: the ledger's UID is random, this keeps it global.
UID_SUFFIX = "@actplanner"
#: How often a subscribed calendar should fetch again (RFC 7986 and the older X-PUBLISHED-TTL).
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class FeedLinks:
    """Absolute URLs back into the app: the week page (``?week=`` is added) and the on-call page."""

    my_week: str
    on_call: str


def render_calendar(
    view: FeedView,
    *,
    name: str,
    tzid: str,
    links: FeedLinks,
    staff_names: Mapping[str, str] | None = None,
) -> bytes:
    """The feed as iCalendar; ``staff_names`` (the team rota) puts the holder in each on-call title."""
    ZoneInfo(tzid)  # An unknown zone fails here, with its name, rather than deep inside icalendar.
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # NAME and the X- properties are TEXT too, but icalendar would write them unescaped.
    calendar.add("name", _text(name))
    calendar.add("x-wr-calname", _text(name))
    calendar.add("x-wr-timezone", _text(tzid))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))  # An X- property: typed by hand.
    # RFC 5545 wants at least one component; the zone is always there, spanning the events' years.
    calendar.add_component(_timezone(tzid, view.events))
    for row in sorted(view.events, key=lambda r: (r.start, r.end, r.kind, r.role or "", r.staff_id, r.uid)):
        calendar.add_component(_event(row, tzid, links, staff_names))
    return calendar.to_ical()


def _timezone(tzid: str, events: list[FeedEvent]) -> Timezone:
    # From the events, not the clock: the same view gives the same VTIMEZONE.
    years = [int(row.start[:4]) for row in events] + [int(row.end[:4]) for row in events]
    first, last = (min(years), max(years)) if years else (1970, 1970)
    return Timezone.from_tzid(tzid, first_date=date(first, 1, 1), last_date=date(last, 12, 31))


def _event(row: FeedEvent, tzid: str, links: FeedLinks, staff_names: Mapping[str, str] | None) -> Event:
    tz = ZoneInfo(tzid)
    start = datetime.fromisoformat(row.start).replace(tzinfo=tz)
    event = Event()
    event.add("uid", row.uid + UID_SUFFIX)
    event.add("dtstamp", row.updated_at.astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", datetime.fromisoformat(row.end).replace(tzinfo=tz))
    event.add("sequence", row.sequence)
    event.add("status", "CANCELLED" if row.cancelled_at is not None else "CONFIRMED")
    if row.kind == "visit":
        summary = f"Visit {row.client_code} · {row.purpose or 'visit'}"
        monday = start.date() - timedelta(days=start.weekday())
        url = f"{links.my_week}?week={monday.isoformat()}"
        event.add("categories", ["ACT visit"])
    else:
        summary = f"On call: {row.role}"
        if staff_names is not None:
            summary += f" — {staff_names.get(row.staff_id, row.staff_id)}"
        url = links.on_call
        # Being on call is not being busy: it must not block a free/busy lookup.
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["On call"])
    if row.cancelled_at is not None:
        # Some calendars show a cancelled event instead of dropping it; its title then says so.
        summary = f"Cancelled: {summary}"
    event.add("summary", _text(summary))
    event.add("url", url)
    event.add("description", _text(f"Details in actplanner: {url}"))
    return event


def _text(value: str) -> vText:
    """``value`` as an RFC 5545 TEXT value: backslash, ``;`` and ``,`` escaped, every line break ``\\n``.

    A name typed with a newline or a lone carriage return (which some readers take as
    a line end) then stays inside its one content line instead of failing the feed or
    starting a property of its own. Other control characters, which TEXT may not
    carry at all, are dropped.
    """
    lines = value.replace("\r\n", "\n").replace("\r", "\n")
    return vText(_CONTROLS.sub("", lines))


#: C0 controls but tab and line feed, and DEL (RFC 5545 section 3.3.11 leaves them out of TEXT).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
