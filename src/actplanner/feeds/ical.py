"""A calendar feed as iCalendar (RFC 5545) bytes: one ``FeedView`` in, one VCALENDAR out.

Everything written comes from the ledger row and the arguments, never from the
clock, so the same view renders byte for byte the same and an HTTP ETag of the
body only changes when the feed does. A visit shows only the client's code and
its purpose category: calendars sync to phones and third-party servers, so no
name, address, diagnosis or medication may reach them. A work shift shows its type
and hours ("Shift: late 11:30–20:00"), its break an event of its own ("Break").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vDuration, vText

from actplanner.db import FeedEvent
from actplanner.domain.rota import local_to_utc
from actplanner.domain.words import purpose_label
from actplanner.feeds.service import FeedView
from actplanner.feeds.zones import has_one_instant, vtimezone

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
    show_holders: bool = False,
) -> bytes:
    """The feed as iCalendar; ``show_holders`` (the team rota) names the holder in each on-call title."""
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
    # RFC 5545 wants at least one component; the zone is always there, spanning the events' years
    # (from the events, not the clock: the same view gives the same VTIMEZONE).
    years = [int(row.start[:4]) for row in view.events] + [int(row.end[:4]) for row in view.events]
    calendar.add_component(vtimezone(tzid, min(years, default=1970), max(years, default=1970)))
    for row in sorted(view.events, key=lambda r: (r.start, r.end, r.kind, r.role or "", r.staff_id, r.uid)):
        calendar.add_component(_event(row, tzid, links, show_holders))
    return calendar.to_ical()


def _event(row: FeedEvent, tzid: str, links: FeedLinks, show_holders: bool) -> Event:
    tz = ZoneInfo(tzid)
    event = Event()
    event.add("uid", row.uid + UID_SUFFIX)
    event.add("dtstamp", row.updated_at.astimezone(UTC))
    event.add("dtstart", _written(row.start, tz))
    event.add("dtend", _written(row.end, tz))
    event.add("sequence", row.sequence)
    event.add("status", "CANCELLED" if row.cancelled_at is not None else "CONFIRMED")
    if row.kind == "visit":
        summary = f"Visit {row.client_code} · {purpose_label(row.purpose)}"
        url = _week_url(row, links)
        event.add("categories", ["ACT visit"])
    elif row.kind == "shift":
        hours = f"{row.start[11:]}–{_clock(row.end)}"
        summary = f"Shift: {row.purpose} {hours}" if row.purpose else f"Shift: {hours}"
        url = _week_url(row, links)
        event.add("categories", ["Work shift"])
    elif row.kind == "break":
        summary = "Break"
        url = _week_url(row, links)
        # A break is time off within the shift: free in a free/busy lookup.
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["Break"])
    else:
        summary = f"On call: {row.role}"
        if show_holders:
            # The name the ledger holds, so a rename reaches the title with its SEQUENCE raised.
            summary += f" — {row.holder or row.staff_id}"
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


def _week_url(row: FeedEvent, links: FeedLinks) -> str:
    """My week of the event's date."""
    day = date.fromisoformat(row.start[:10])
    return f"{links.my_week}?week={(day - timedelta(days=day.weekday())).isoformat()}"


def _clock(local: str) -> str:
    """The time of a ledger end as the shift's hours say it: the next midnight is 24:00."""
    return "24:00" if local.endswith("T00:00") else local[11:]


def _written(local: str, tz: ZoneInfo) -> datetime:
    """The ledger's local ``YYYY-MM-DDTHH:MM`` as DTSTART or DTEND: in the team's zone, or in UTC.

    A local time in the hour a change repeats or skips is written as the instant the
    app means by it (``local_to_utc``: the first of a repeated time) in UTC, since
    readers disagree there: libical, ical.js and node-ical read 01:30 on the autumn
    change day as the second 01:30. Every other time keeps its zone.
    """
    naive = datetime.fromisoformat(local)
    if has_one_instant(naive, tz):
        return naive.replace(tzinfo=tz)
    return local_to_utc(local, tz)


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
