"""Every feed read back by independent iCalendar parsers: over clock changes and New Year, without PHI.

The team is in America/Chicago, where daylight-saving time starts on Sun 8 March
2026 at 02:00 and ends on Sun 1 November 2026 at 02:00; the weeks of 2 March and
26 October have the on-call handoff of Saturday to Sunday across the change, and
the week of 28 December runs into 2027, so every feed spans two calendar years.
A cover in the repeated hour of 1 November puts a time there that names two instants.
The feeds' conftest reads every feed here in all six readers too (libical, ical.js
and node-ical besides the three below), against the ledger's instants.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from fastapi import FastAPI
from fastapi.testclient import TestClient
from ical.calendar_stream import IcsCalendarStream
from sqlalchemy import select

from actplanner.accounts.service import create_token, create_user
from actplanner.db import Client, FeedEvent
from actplanner.feeds import service as feeds_service
from actplanner.feeds.ical import UID_SUFFIX
from actplanner.on_call.service import record_override
from actplanner.planning.plans import publish_plan, save_plan
from tests.support.calendar_readers import read_everywhere
from tests.support.web_factories import TEAM, WEEK, World, db, plan_doc, team_doc

TZ = ZoneInfo("America/Chicago")
STAFF_ID = "s-rn1"
SPRING_WEEK = date(2026, 3, 2)
SPRING_SUNDAY = date(2026, 3, 8)
FALL_WEEK = date(2026, 10, 26)
FALL_SUNDAY = date(2026, 11, 1)
NEW_YEAR_WEEK = date(2026, 12, 28)
FREE_TEXT = "Clozapine level check for Jane Doe"


@dataclass(frozen=True)
class Read:
    """One VEVENT as a reader understood it."""

    uid: str
    start: datetime
    end: datetime
    status: str
    summary: str


def read_icalendar(data: bytes) -> list[Read]:
    calendar = icalendar.Calendar.from_ical(data)
    return [
        Read(str(e["UID"]), e.decoded("DTSTART"), e.decoded("DTEND"), str(e["STATUS"]), str(e["SUMMARY"]))
        for e in calendar.walk("VEVENT")
    ]


def read_vobject(data: bytes) -> list[Read]:
    calendar = vobject.readOne(data.decode())
    events = []
    # Every component and property, so one vobject cannot parse fails the test.
    for component in calendar.getChildren():
        if getattr(component, "name", None) == "VEVENT":
            assert isinstance(component.dtstart.value, datetime)
            events.append(
                Read(
                    component.uid.value,
                    component.dtstart.value,
                    component.dtend.value,
                    component.status.value,
                    component.summary.value,
                )
            )
    return events


def read_ical(data: bytes) -> list[Read]:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode())
    return [Read(e.uid, e.dtstart, e.dtend, e.status.value, e.summary) for e in calendar.events]


READERS: dict[str, Callable[[bytes], list[Read]]] = {
    "icalendar": read_icalendar,
    "vobject": read_vobject,
    "ical": read_ical,
}


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Feeds held at 20 February 2026, before every week published here, so all of them are current."""
    held = Clock(datetime(2026, 2, 20, 12, 0, tzinfo=UTC))
    monkeypatch.setattr(feeds_service, "utcnow", held)
    return held


def week_plan(week_start: date) -> dict[str, Any]:
    """The fixture plan moved to another week, every visit and period at the same local time."""
    doc = plan_doc()
    shift = week_start - WEEK

    def moved(text: str) -> str:
        return (date.fromisoformat(text[:10]) + shift).isoformat() + text[10:]

    doc["week_start"] = week_start.isoformat()
    for visit in doc["visits"]:
        visit["date"] = moved(visit["date"])
    for period in doc["on_call"]:
        period["start"], period["end"] = moved(period["start"]), moved(period["end"])
    return doc


def nurse_visit_at_nine(doc: dict[str, Any], day: date) -> dict[str, Any]:
    """Put one of the nurse's visits on ``day`` at 09:00–09:45 local; the visit."""
    visit = next(v for v in doc["visits"] if v["staff"] == [STAFF_ID])
    visit.update(date=day.isoformat(), start="09:00", end="09:45")
    return visit


@pytest.fixture
def published(app: FastAPI, world: World, clock: Clock) -> dict[date, dict[str, Any]]:
    """Plans published for the spring and autumn change weeks and the fixture week, by week.

    Each change week has a nurse visit at 09:00 on the Sunday of the change; the
    fixture week has a nurse visit whose purpose is free text naming a person. Every
    client gets a street address first, so the privacy test has one to look for.
    """
    docs = {
        SPRING_WEEK: week_plan(SPRING_WEEK),
        FALL_WEEK: week_plan(FALL_WEEK),
        WEEK: plan_doc(),
        NEW_YEAR_WEEK: week_plan(NEW_YEAR_WEEK),
    }
    nurse_visit_at_nine(docs[SPRING_WEEK], SPRING_SUNDAY)
    nurse_visit_at_nine(docs[FALL_WEEK], FALL_SUNDAY)
    next(v for v in docs[WEEK]["visits"] if v["staff"] == [STAFF_ID])["purpose"] = FREE_TEXT
    with db(app) as session:
        for number, client in enumerate(session.scalars(select(Client).where(Client.team_id == TEAM))):
            client.home_label = f"{1200 + number} N Damen Ave, Chicago, IL 60622"
        for doc in docs.values():
            saved = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
            # A nurse's Sunday visit at nine breaks her shift on purpose: the lead confirms it.
            publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id, confirmed=True)
        session.commit()
    return docs


@pytest.fixture
def feeds(app: FastAPI, client: TestClient, world: World, published: Any) -> dict[str, bytes]:
    """Every feed of the team as served: ``staff:<id>`` for each staff member, and ``rota``."""
    tokens = {}
    with db(app) as session:
        for member in team_doc()["staff"]:
            if member["id"] == STAFF_ID:
                user_id = world.staff_id
            else:
                user_id = create_user(
                    session=session,
                    username=f"login-{member['id']}",
                    password="long enough password",
                    role="staff",
                    team_id=TEAM,
                    staff_id=member["id"],
                ).id
            tokens[f"staff:{member['id']}"] = create_token(
                session=session, user_id=user_id, name="feed", kind="feed"
            )
        tokens["rota"] = create_token(
            session=session, user_id=world.lead_id, name="rota", kind="rota_feed", team_id=TEAM
        )
        session.commit()
    served = {}
    for name, token in tokens.items():
        response = client.get(f"/feeds/{token}.ics")
        assert response.status_code == 200, name
        served[name] = response.content
    return served


def test_every_feed_reads_the_same_in_three_readers(feeds: dict[str, bytes]) -> None:
    """icalendar, vobject and the strict ical package read each feed as the same events, same instants."""
    for name, data in feeds.items():
        seen = {
            reader: sorted(
                (e.uid, e.start.astimezone(UTC), e.end.astimezone(UTC), e.status, e.summary)
                for e in read(data)
            )
            for reader, read in READERS.items()
        }
        assert seen["icalendar"], f"{name} has events"
        assert seen["icalendar"] == seen["vobject"] == seen["ical"], name
        assert len(seen["ical"]) == data.count(b"BEGIN:VEVENT"), name


@pytest.mark.parametrize("sunday", [SPRING_SUNDAY, FALL_SUNDAY])
def test_a_nine_oclock_visit_on_the_day_clocks_change_stays_at_nine(
    feeds: dict[str, bytes], sunday: date
) -> None:
    """Every reader puts the visit at 09:00 local, and at the right instant for that side of the change."""
    expected = datetime(sunday.year, sunday.month, sunday.day, 9, 0, tzinfo=TZ)
    for reader, read in READERS.items():
        visits = [e for e in read(feeds[f"staff:{STAFF_ID}"]) if e.summary.startswith("Visit")]
        sunday_visits = [e for e in visits if e.start.astimezone(TZ).date() == sunday]
        assert len(sunday_visits) == 1, reader
        visit = sunday_visits[0]
        assert visit.start.astimezone(TZ).strftime("%H:%M") == "09:00", reader
        assert visit.start.astimezone(UTC) == expected.astimezone(UTC), reader
        assert visit.end - visit.start == timedelta(minutes=45), reader


@pytest.mark.parametrize(("sunday", "hours"), [(SPRING_SUNDAY, 23), (FALL_SUNDAY, 25)])
def test_an_on_call_period_over_the_change_lasts_23_or_25_hours(
    feeds: dict[str, bytes], sunday: date, hours: int
) -> None:
    """Saturday 08:30 to Sunday 08:30 is 23 real hours in spring and 25 in autumn, in every reader."""
    saturday = sunday - timedelta(days=1)
    for reader, read in READERS.items():
        periods = [e for e in read(feeds["rota"]) if e.start.astimezone(TZ).date() == saturday]
        assert len(periods) == 3, reader  # primary, backup, prescriber
        for period in periods:
            assert period.start.astimezone(TZ).strftime("%H:%M") == "08:30", reader
            assert period.end.astimezone(TZ).strftime("%H:%M") == "08:30", reader
            assert period.end.astimezone(UTC) - period.start.astimezone(UTC) == timedelta(hours=hours), reader


@pytest.mark.parametrize(
    ("week", "hours"),
    [(SPRING_WEEK, 7 * 24 - 1), (FALL_WEEK, 7 * 24 + 1), (WEEK, 7 * 24), (NEW_YEAR_WEEK, 7 * 24)],
)
def test_each_roles_periods_follow_on_without_overlap_or_gap(
    feeds: dict[str, bytes], week: date, hours: int
) -> None:
    """Within a week each role's periods meet end to start, covering the week's real hours exactly."""
    for reader, read in READERS.items():
        in_week = [
            e for e in read(feeds["rota"]) if week <= e.start.astimezone(TZ).date() < week + timedelta(7)
        ]
        for role in ("primary", "backup", "prescriber"):
            periods = sorted(
                (e.start.astimezone(UTC), e.end.astimezone(UTC))
                for e in in_week
                if f": {role} —" in e.summary
            )
            assert len(periods) == 7, (reader, role)
            for (_, end), (start, _) in itertools.pairwise(periods):
                assert end == start, (reader, role, end, start)
            assert periods[-1][1] - periods[0][0] == timedelta(hours=hours), (reader, role)


def _unfolded(data: bytes) -> str:
    """The feed with folded lines joined and text escapes undone, as a reader would show it."""
    text = re.sub(r"\r\n[ \t]", "", data.decode())
    return text.replace("\\,", ",").replace("\\;", ";").replace("\\n", "\n").replace("\\N", "\n")


def test_no_client_name_or_address_reaches_any_feed(
    app: FastAPI, feeds: dict[str, bytes], published: dict[date, dict[str, Any]]
) -> None:
    """Feeds carry client codes only: no name, street address or home coordinates, even unfolded."""
    with db(app) as session:
        clients = list(session.scalars(select(Client).where(Client.team_id == TEAM)))
        forbidden = [FREE_TEXT, "Jane Doe", "Clozapine"]
        for client in clients:
            assert client.name and client.home_label
            forbidden += [client.name, client.home_label, client.home_label.split(",")[0]]
            forbidden += [f"{client.home_lat:.4f}", f"{client.home_lon:.4f}"]
        codes = {client.id: client.code for client in clients}
    for name, data in feeds.items():
        for text in (data.decode(), _unfolded(data)):
            for secret in forbidden:
                assert secret.lower() not in text.lower(), (name, secret)
    # The same feeds do show every visited client's code, so the scan above looked at real visits.
    staff_feeds = "".join(_unfolded(data) for name, data in feeds.items() if name.startswith("staff:"))
    for doc in published.values():
        for visit in doc["visits"]:
            assert f"SUMMARY:Visit {codes[visit['client']]} · " in staff_feeds


def test_a_free_text_purpose_shows_as_visit(app: FastAPI, feeds: dict[str, bytes], published: Any) -> None:
    """A purpose outside the team's categories may name a person or a drug: the feed says "visit"."""
    visit = next(v for v in published[WEEK]["visits"] if v["purpose"] == FREE_TEXT)
    code = next(c["code"] for c in team_doc()["clients"] if c["id"] == visit["client"])
    start = (
        f"DTSTART;TZID=America/Chicago:{visit['date'].replace('-', '')}T{visit['start'].replace(':', '')}00"
    )
    events = re.findall(r"BEGIN:VEVENT.*?END:VEVENT", _unfolded(feeds[f"staff:{STAFF_ID}"]), re.S)
    event = next(e for e in events if start in e and code in e)
    assert f"SUMMARY:Visit {code} · visit\r" in event


def test_a_cover_in_the_repeated_hour_is_read_as_the_first_of_the_two(
    app: FastAPI, client: TestClient, world: World, published: Any
) -> None:
    """A cover from 01:00 to 01:45 on 1 November is 06:00-06:45Z (CDT) in six readers (issue 9, item 20)."""
    with db(app) as session:
        holder = next(
            p["staff"]
            for p in published[FALL_WEEK]["on_call"]
            if p["role"] == "primary" and p["start"] == "2026-10-31T08:30"
        )
        others = [m["id"] for m in team_doc()["staff"] if m["id"] != holder]
        override = None
        for staff_id in others:  # The first who may take it (role, discipline, never backup at once).
            try:
                override = record_override(
                    session=session,
                    team_id=TEAM,
                    role="primary",
                    staff_id=staff_id,
                    start="2026-11-01T01:00",
                    end="2026-11-01T01:45",
                    user_id=world.lead_id,
                )
                break
            except ValueError:
                continue
        assert override is not None
        uids = {
            row.uid + UID_SUFFIX
            for row in session.scalars(select(FeedEvent).where(FeedEvent.source.startswith(override.uid)))
        }
        token = create_token(
            session=session, user_id=world.lead_id, name="rota", kind="rota_feed", team_id=TEAM
        )
        session.commit()
    assert len(uids) == 1
    served = client.get(f"/feeds/{token}.ics").content
    assert b"DTSTART:20261101T060000Z" in served
    for reader, events in read_everywhere([served])[0].items():
        cover = [(e.start, e.end) for e in events if e.uid in uids]
        assert cover == [
            (datetime(2026, 11, 1, 6, 0, tzinfo=UTC), datetime(2026, 11, 1, 6, 45, tzinfo=UTC))
        ], reader
