"""Work shifts in a staff member's calendar feed (Part B): each published shift is an event
("Shift: late 11:30–20:00"; fixed hours without a type), its break an event of its own (free in a
free/busy lookup), a holiday's shift as any other; no PHI. A new version of the week keeps each
shift's UID (SEQUENCE raised when its hours change) and cancels a shift it drops. Read back with
icalendar, and by all six readers the feed tests use, at the same instants.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.accounts.service import create_token, create_user
from actplanner.feeds import service as feeds_service
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.teams.service import import_team
from tests.planning.part_b_plans import HOLIDAY, NURSE, part_b_plan, part_b_team
from tests.support.calendar_readers import Instants, read_everywhere
from tests.support.web_factories import TEAM, World, db

TZ = ZoneInfo("America/Chicago")
#: A fixed-hours case manager who also works Saturday evenings until midnight.
EVENING = "s-cm2"
SATURDAY = date(2026, 12, 5)


def team() -> dict[str, Any]:
    doc = part_b_team()
    member = next(s for s in doc["staff"] if s["id"] == EVENING)
    member["shifts"]["sat"] = ["18:00", "24:00"]  # six hours: no break due
    return doc


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Feeds held at 20 November 2026, before the week, so every event is current."""
    monkeypatch.setattr(feeds_service, "utcnow", lambda: datetime(2026, 11, 20, 12, 0, tzinfo=UTC))


def publish(app: FastAPI, world: World, doc: dict[str, Any]) -> None:
    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id, confirmed=True)
        session.commit()


@pytest.fixture
def feed_urls(app: FastAPI, client: TestClient, world: World) -> dict[str, str]:
    """The nurse's and the evening case manager's feed addresses, the Part B week published."""
    with db(app) as session:
        import_team(session=session, data=team())
        evening = create_user(
            session=session,
            username="evening",
            password="long enough password",
            role="staff",
            team_id=TEAM,
            staff_id=EVENING,
        )
        urls = {
            NURSE: create_token(session=session, user_id=world.staff_id, name="feed", kind="feed"),
            EVENING: create_token(session=session, user_id=evening.id, name="feed", kind="feed"),
        }
        session.commit()
    publish(app, world, part_b_plan(team()))
    return {staff: f"/feeds/{token}.ics" for staff, token in urls.items()}


def events(client: TestClient, url: str) -> dict[str, Any]:
    """The feed's VEVENTs by SUMMARY (and date, for repeated summaries)."""
    response = client.get(url)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    return {f"{e['SUMMARY']} {e.decoded('DTSTART').date()}": e for e in calendar.walk("VEVENT")}


def local(day: str, hhmm: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=TZ)


def test_a_work_shift_and_its_break_are_events(client: TestClient, feed_urls: dict[str, str]) -> None:
    found = events(client, feed_urls[NURSE])
    late = found["Shift: late 11:30–20:00 2026-12-01"]
    assert late.decoded("DTSTART") == local("2026-12-01", "11:30")
    assert late.decoded("DTEND") == local("2026-12-01", "20:00")
    assert str(late["STATUS"]) == "CONFIRMED" and "TRANSP" not in late  # at work: busy
    assert late["CATEGORIES"].cats == ["Work shift"]
    assert "week=2026-11-30" in str(late["URL"])
    rest = found["Break 2026-12-01"]
    assert (rest.decoded("DTSTART"), rest.decoded("DTEND")) == (
        local("2026-12-01", "14:00"),
        local("2026-12-01", "14:30"),
    )
    assert str(rest["TRANSP"]) == "TRANSPARENT"
    # The holiday's shift is its own type; five shifts and five breaks in all (Saturday, Sunday off).
    assert f"Shift: weekend 09:00–17:30 {HOLIDAY}" in found
    assert sum(key.startswith("Shift: ") for key in found) == 5
    assert sum(key.startswith("Break ") for key in found) == 5
    # Visits stay as they were, beside the shifts.
    assert any(key.startswith("Visit ") for key in found)


def test_fixed_hours_are_shifts_without_a_type_and_midnight_ends_the_day(
    client: TestClient, feed_urls: dict[str, str]
) -> None:
    found = events(client, feed_urls[EVENING])
    assert "Shift: 08:30–17:00 2026-11-30" in found
    evening = found[f"Shift: 18:00–24:00 {SATURDAY}"]
    assert evening.decoded("DTEND") == local("2026-12-06", "00:00")
    assert not any(key.startswith("Break ") for key in found)  # no breaks in the plan for them


def test_shift_events_carry_no_client_data(client: TestClient, feed_urls: dict[str, str]) -> None:
    body = client.get(feed_urls[NURSE]).text
    for client_entry in team()["clients"]:
        if client_entry.get("name"):
            assert client_entry["name"] not in body
        label = (client_entry.get("home") or {}).get("label")
        if label:
            assert label not in body
    calendar = icalendar.Calendar.from_ical(body.encode())
    codes = {c["code"] for c in team()["clients"]}
    for event in calendar.walk("VEVENT"):
        if not str(event["SUMMARY"]).startswith("Visit "):
            assert not any(code in str(event.to_ical().decode()) for code in codes), event["SUMMARY"]


def test_a_new_version_keeps_each_shifts_uid_and_cancels_a_dropped_one(
    app: FastAPI, client: TestClient, world: World, feed_urls: dict[str, str]
) -> None:
    before = events(client, feed_urls[NURSE])
    doc = part_b_plan(team())
    for shift in doc["shifts"]:
        if shift["staff"] == NURSE and shift["date"] == "2026-12-01":
            shift.update(type="day", start="08:30", end="17:00")
    for rest in doc["breaks"]:
        if rest["staff"] == NURSE and rest["date"] == "2026-12-01":
            rest.update(start="12:00", end="12:30")
    doc["shifts"] = [s for s in doc["shifts"] if not (s["staff"] == NURSE and s["date"] == "2026-12-04")]
    doc["breaks"] = [b for b in doc["breaks"] if not (b["staff"] == NURSE and b["date"] == "2026-12-04")]
    publish(app, world, doc)
    after = events(client, feed_urls[NURSE])
    moved = after["Shift: day 08:30–17:00 2026-12-01"]
    old = before["Shift: late 11:30–20:00 2026-12-01"]
    assert moved["UID"] == old["UID"] and moved["SEQUENCE"] == old["SEQUENCE"] + 1
    assert after["Break 2026-12-01"]["UID"] == before["Break 2026-12-01"]["UID"]
    assert after["Break 2026-12-01"].decoded("DTSTART") == local("2026-12-01", "12:00")
    kept, was = after["Shift: day 08:30–17:00 2026-11-30"], before["Shift: day 08:30–17:00 2026-11-30"]
    assert (kept["UID"], kept["SEQUENCE"]) == (was["UID"], was["SEQUENCE"])
    dropped = after["Cancelled: Shift: day 08:30–17:00 2026-12-04"]
    assert str(dropped["STATUS"]) == "CANCELLED"
    assert dropped["UID"] == before["Shift: day 08:30–17:00 2026-12-04"]["UID"]
    assert str(after["Cancelled: Break 2026-12-04"]["STATUS"]) == "CANCELLED"


def test_every_reader_reads_the_shifts_at_the_same_instants(
    client: TestClient, feed_urls: dict[str, str]
) -> None:
    bodies = [client.get(url).content for url in feed_urls.values()]
    for data, seen in zip(bodies, read_everywhere(bodies), strict=True):
        calendar = icalendar.Calendar.from_ical(data)
        expected = sorted(
            Instants(
                str(e["UID"]),
                e.decoded("DTSTART").astimezone(UTC),
                e.decoded("DTEND").astimezone(UTC),
            )
            for e in calendar.walk("VEVENT")
        )
        for reader, instants in seen.items():
            assert instants == expected, reader
