"""Six calendar readers, as their clients read a feed: each event's UID and its start and end in UTC.

- icalendar, vobject and the strict ``ical`` package (Python, in the venv);
- libical (Evolution, GNOME Calendar, KDE and many others), Debian's ``libical3`` through ctypes:
  the C library itself, no bindings to build or import;
- Mozilla's ical.js (Thunderbird) and node-ical, in one node process per batch
  (``tests/feeds/js``, installed by ``npm ci`` there).

Each reader resolves a TZID as it does in its client: libical and ical.js with the
feed's own VTIMEZONE, the others by zone name. A reader that is missing fails the
test with what to install, never skips it: CI installs all six (``.ci/run``).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import icalendar
import pytest
import vobject
from ical.calendar_stream import IcsCalendarStream

#: Every reader, in the order reports list them.
READERS = ("icalendar", "vobject", "ical", "libical", "ical.js", "node-ical")
#: The JavaScript readers' package (package.json, package-lock.json, read.mjs).
JS_READERS = Path(__file__).resolve().parents[1] / "feeds" / "js"


@dataclass(frozen=True, order=True)
class Instants:
    """One VEVENT as a reader understood it: its UID and its start and end as UTC instants."""

    uid: str
    start: datetime
    end: datetime


def read_everywhere(feeds: Sequence[bytes]) -> list[dict[str, list[Instants]]]:
    """Each feed's events (sorted) by reader name; a reader that cannot read a feed fails the test."""
    js = _read_js([data.decode() for data in feeds])
    results = []
    for data, from_js in zip(feeds, js, strict=True):
        seen = {name: sorted(read(data)) for name, read in _PYTHON_AND_C.items()}
        for name in ("ical.js", "node-ical"):
            seen[name] = sorted(
                Instants(uid, _from_ms(start), _from_ms(end)) for uid, start, end in _js_events(from_js, name)
            )
        results.append({name: seen[name] for name in READERS})
    return results


def assert_read_as_meant(feeds: Sequence[tuple[bytes, Sequence[Instants]]]) -> None:
    """Every reader reads each feed as exactly the events and instants paired with it (what the app means)."""
    for (_, meant), seen in zip(feeds, read_everywhere([data for data, _ in feeds]), strict=True):
        expected = sorted(meant)
        wrong = {name: _difference(expected, events) for name, events in seen.items() if events != expected}
        assert not wrong, f"readers that do not read the feed as the app means it: {wrong}"


def _difference(expected: list[Instants], seen: list[Instants]) -> dict[str, list[str]]:
    return {
        "missing": [_shown(e) for e in expected if e not in seen],
        "read instead": [_shown(e) for e in seen if e not in expected],
    }


def _shown(event: Instants) -> str:
    return f"{event.uid} {event.start:%Y-%m-%d %H:%MZ}–{event.end:%Y-%m-%d %H:%MZ}"


def libical_local_times(data: bytes, tzid: str, instants: Sequence[datetime]) -> list[str]:
    """``instants`` as libical shows them in the feed's own VTIMEZONE ``tzid``: ``YYYY-MM-DDTHH:MM:SS``.

    How a libical client shows an event written in UTC, and so which local times it
    takes to exist. (ical.js's ``convertToZone`` looks the change up by the UTC wall
    time, for any VTIMEZONE, RRULE-based ones too; Thunderbird shows times through
    its own zone database, so that is not a feed's to fix.)
    """
    return _libical_local_times(data, tzid, [int(instant.timestamp()) for instant in instants])


# The Python readers


def _read_icalendar(data: bytes) -> list[Instants]:
    calendar = icalendar.Calendar.from_ical(data)
    return [
        _instants(str(e["UID"]), e.decoded("DTSTART"), e.decoded("DTEND")) for e in calendar.walk("VEVENT")
    ]


def _read_vobject(data: bytes) -> list[Instants]:
    calendar = vobject.readOne(data.decode())
    return [
        _instants(c.uid.value, c.dtstart.value, c.dtend.value)
        for c in calendar.getChildren()
        if getattr(c, "name", None) == "VEVENT"
    ]


def _read_ical(data: bytes) -> list[Instants]:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode())
    return [_instants(e.uid or "", e.dtstart, e.dtend) for e in calendar.events]


def _instants(uid: str, start: object, end: object) -> Instants:
    # A floating time or a date would have no instant: the feed writes neither.
    assert isinstance(start, datetime) and start.tzinfo is not None, (uid, start)
    assert isinstance(end, datetime) and end.tzinfo is not None, (uid, end)
    return Instants(uid, start.astimezone(UTC), end.astimezone(UTC))


# libical, through ctypes


class _IcalTime(ctypes.Structure):
    """``struct icaltimetype`` of libical 3 (icaltime.h)."""

    _fields_ = [
        ("year", ctypes.c_int),
        ("month", ctypes.c_int),
        ("day", ctypes.c_int),
        ("hour", ctypes.c_int),
        ("minute", ctypes.c_int),
        ("second", ctypes.c_int),
        ("is_date", ctypes.c_int),
        ("is_daylight", ctypes.c_int),
        ("zone", ctypes.c_void_p),
    ]


#: icalcomponent_kind values (icalenums.h): what icalcomponent_get_first_component walks.
_VEVENT_COMPONENT = 4


@cache
def _libical() -> ctypes.CDLL:
    path = ctypes.util.find_library("ical") or "libical.so.3"
    try:
        lib = ctypes.CDLL(path)
    except OSError:
        pytest.fail(
            "libical is not installed, so the feeds cannot be read as Evolution reads them: "
            "apt-get install libical3 (.ci/run does)."
        )
    pointer, text = ctypes.c_void_p, ctypes.c_char_p
    signatures: dict[str, tuple[object, list[object]]] = {
        "icalerror_set_errors_are_fatal": (None, [ctypes.c_int]),
        "icalparser_parse_string": (pointer, [text]),
        "icalcomponent_free": (None, [pointer]),
        "icalcomponent_count_errors": (ctypes.c_int, [pointer]),
        "icalcomponent_get_first_component": (pointer, [pointer, ctypes.c_int]),
        "icalcomponent_get_next_component": (pointer, [pointer, ctypes.c_int]),
        "icalcomponent_get_uid": (text, [pointer]),
        "icalcomponent_get_dtstart": (_IcalTime, [pointer]),
        "icalcomponent_get_dtend": (_IcalTime, [pointer]),
        "icalcomponent_get_timezone": (pointer, [pointer, text]),
        "icaltimezone_get_utc_timezone": (pointer, []),
        "icaltime_as_timet_with_zone": (ctypes.c_int64, [_IcalTime, pointer]),
        "icaltime_from_timet_with_zone": (_IcalTime, [ctypes.c_int64, ctypes.c_int, pointer]),
        "icaltime_convert_to_zone": (_IcalTime, [_IcalTime, pointer]),
    }
    for name, (restype, argtypes) in signatures.items():
        function = getattr(lib, name)
        function.restype, function.argtypes = restype, argtypes
    # A parse error must come back as an X-LIC-ERROR property, not abort the test process.
    lib.icalerror_set_errors_are_fatal(0)
    return lib


def _parsed(data: bytes) -> int:
    lib = _libical()
    calendar = lib.icalparser_parse_string(data)
    assert calendar, "libical parsed nothing"
    errors = lib.icalcomponent_count_errors(calendar)
    if errors:
        lib.icalcomponent_free(calendar)
        raise AssertionError(f"libical found {errors} errors in the feed")
    return int(calendar)


def _read_libical(data: bytes) -> list[Instants]:
    lib = _libical()
    calendar = _parsed(data)
    try:
        events = []
        event = lib.icalcomponent_get_first_component(calendar, _VEVENT_COMPONENT)
        while event:
            uid = lib.icalcomponent_get_uid(event).decode()
            events.append(
                Instants(
                    uid,
                    _libical_instant(lib.icalcomponent_get_dtstart(event), uid),
                    _libical_instant(lib.icalcomponent_get_dtend(event), uid),
                )
            )
            event = lib.icalcomponent_get_next_component(calendar, _VEVENT_COMPONENT)
        return events
    finally:
        lib.icalcomponent_free(calendar)


def _libical_instant(time: _IcalTime, uid: str) -> datetime:
    # libical sets the zone from TZID (the feed's VTIMEZONE) or to UTC for a trailing Z; none is floating.
    assert time.zone, f"libical found no zone for a time of {uid}"
    return datetime.fromtimestamp(_libical().icaltime_as_timet_with_zone(time, time.zone), UTC)


def _libical_local_times(data: bytes, tzid: str, seconds: Sequence[int]) -> list[str]:
    lib = _libical()
    calendar = _parsed(data)
    try:
        zone = lib.icalcomponent_get_timezone(calendar, tzid.encode())
        assert zone, f"libical finds no VTIMEZONE {tzid}"
        utc = lib.icaltimezone_get_utc_timezone()
        times = [
            lib.icaltime_convert_to_zone(lib.icaltime_from_timet_with_zone(s, 0, utc), zone) for s in seconds
        ]
        return [f"{t.year:04}-{t.month:02}-{t.day:02}T{t.hour:02}:{t.minute:02}:{t.second:02}" for t in times]
    finally:
        lib.icalcomponent_free(calendar)


_PYTHON_AND_C: dict[str, Callable[[bytes], list[Instants]]] = {
    "icalendar": _read_icalendar,
    "vobject": _read_vobject,
    "ical": _read_ical,
    "libical": _read_libical,
}


# ical.js and node-ical, through node


def _read_js(calendars: list[str]) -> list[dict[str, dict]]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed, so the feeds cannot be read as Thunderbird reads them.")
    if (
        not (JS_READERS / "node_modules" / "ical.js").is_dir()
        or not (JS_READERS / "node_modules" / "node-ical").is_dir()
    ):
        pytest.fail(
            f"The JavaScript calendar readers are not installed: run npm ci in {JS_READERS} (.ci/run does)."
        )
    done = subprocess.run(
        [node, str(JS_READERS / "read.mjs")],
        input=json.dumps(calendars).encode(),
        capture_output=True,
        cwd=JS_READERS,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"The JavaScript readers failed: {done.stderr.decode()[-2000:]}")
    answers: list[dict[str, dict]] = json.loads(done.stdout)
    return answers


def _js_events(answer: dict[str, dict], name: str) -> list[list]:
    if "error" in answer[name]:
        raise AssertionError(f"{name} cannot read the feed: {answer[name]['error']}")
    events: list[list] = answer[name]["events"]
    return events


def _from_ms(milliseconds: int) -> datetime:
    return datetime.fromtimestamp(milliseconds / 1000, UTC)
