"""What the morning meeting reads of the log: recent contacts and each client's last delivered one,
picked by the database (window query) on SQLite and PostgreSQL, audited once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.contacts.service import contact_log, recent_contacts, record_contact
from actplanner.db import AuditEvent, Team
from tests.support.db_factories import create_team

MONDAY = date(2026, 11, 30)


@pytest.fixture
def team(session: Session) -> Team:
    return create_team(session)


def unplanned(client: str, day: date, start: str, **fields: Any) -> dict[str, Any]:
    entry = {
        "client": client,
        "staff": ["s-rn1"],
        "date": day.isoformat(),
        "start": start,
        "minutes": 30,
        "outcome": "done",
        "mode": "face_to_face",
        "place": "community",
    }
    entry.update(fields)
    return {k: v for k, v in entry.items() if v is not None}


def test_the_last_delivered_contact_of_each_client_is_the_latest_face_to_face_done_one(
    session: Session, team: Team
) -> None:
    """c-001: the later of two on Wednesday wins over Monday's, and Thursday's phone call does not
    count; c-002: only a contact before ``last_since``, so none; c-003 only a no-show."""
    wednesday, thursday = MONDAY + timedelta(days=2), MONDAY + timedelta(days=3)
    for entry in (
        unplanned("c-001", MONDAY, "09:00"),
        unplanned("c-001", wednesday, "10:00", staff=["s-cm1"]),
        unplanned("c-001", wednesday, "15:00"),
        unplanned("c-001", thursday, "11:00", mode="phone", place=None),
        unplanned("c-002", MONDAY - timedelta(days=10), "09:00"),
        unplanned("c-003", wednesday, "09:00", outcome="no_show", minutes=0, mode=None, place=None),
    ):
        record_contact(session=session, team_id=team.id, entry=entry, by=None)
    recent = recent_contacts(
        session=session,
        team_id=team.id,
        start=wednesday,
        end=thursday,
        last_since=MONDAY - timedelta(days=7),
        by=None,
        purpose="today",
    )
    assert {c: (x.date, x.start) for c, x in recent.last_delivered.items()} == {
        "c-001": ("2026-12-02", "15:00")
    }
    assert sorted((c.client, c.date, c.start) for c in recent.contacts) == [
        ("c-001", "2026-12-02", "10:00"),
        ("c-001", "2026-12-02", "15:00"),
        ("c-001", "2026-12-03", "11:00"),
        ("c-003", "2026-12-02", "09:00"),
    ]
    # The engine reads what the file would say: the same contacts as the audited log read gives.
    log = contact_log(session=session, team_id=team.id, start=wednesday, end=thursday, by=None, purpose="x")
    assert [c.model_dump() for c in recent.contacts] == [c.model_dump() for c in log.contacts]


def test_reading_recent_contacts_is_one_audited_phi_view_of_the_whole_span(
    session: Session, team: Team
) -> None:
    record_contact(session=session, team_id=team.id, entry=unplanned("c-002", MONDAY, "09:00"), by=None)
    before = len(list(session.scalars(select(AuditEvent).where(AuditEvent.action == "view_phi"))))
    recent_contacts(
        session=session,
        team_id=team.id,
        start=MONDAY + timedelta(days=1),
        end=MONDAY + timedelta(days=1),
        last_since=MONDAY - timedelta(days=35),
        by=None,
        purpose="today",
    )
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "view_phi")))
    assert len(events) == before + 1
    detail = events[-1].detail or {}
    assert (detail["purpose"], detail["from"], detail["to"]) == ("today", "2026-10-26", "2026-12-01")
    # c-002 was shown as last seen although its contact is outside [start, end]: the trail names it.
    assert detail["clients"] == ["c-002"] and detail["contacts"] == 0
