"""The contact log store on SQLite and PostgreSQL: checked entries, the 7-day rule, audited reads, imports."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actplanner.contacts import service
from actplanner.contacts.service import (
    ContactDenied,
    contact_log,
    correct_contact,
    export_contacts,
    import_contacts,
    list_contacts,
    record_contact,
)
from actplanner.db import AuditEvent, Contact, Team, User
from actplanner.domain.formats import FormatError, load_contacts
from actplanner.planning.plans import publish_plan
from tests.support.db_factories import create_plan, create_team, create_user, plan_doc

MONDAY = date(2026, 11, 30)


@pytest.fixture
def team(session: Session) -> Team:
    """The small fixture with its greedy plan of the week of 2026-11-30 published."""
    team = create_team(session)
    plan = create_plan(session, team)
    publish_plan(session=session, plan_id=plan.id, user_id=None, confirmed=True)
    return team


@pytest.fixture
def nurse(session: Session, team: Team) -> User:
    return create_user(session, username="nurse", role="staff", team_id=team.id, staff_id="s-rn1")


def first_visit() -> dict[str, Any]:
    """The sample plan's first injection visit (c-013 by s-rn1 on Monday 08:36), whatever visits the
    sample team's plan puts before it (a hospital visit, in some versions of the sample)."""
    return next(v for v in plan_doc()["visits"] if v.get("purpose") == "lai_injection")


def done(**fields: Any) -> dict[str, Any]:
    """A done home visit recording the first injection visit, with ``fields`` changed."""
    visit = first_visit()
    entry = {
        "client": visit["client"],
        "staff": visit["staff"],
        "date": visit["date"],
        "start": visit["start"],
        "minutes": 45,
        "outcome": "done",
        "mode": "face_to_face",
        "place": "home",
        "skills": ["lai_injection"],
        "visit": visit["id"],
    }
    entry.update(fields)
    return {k: v for k, v in entry.items() if v is not None}


def audits(session: Session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_recorded_contact_is_stored_audited_and_read_back_as_the_domain_log(
    session: Session, team: Team, nurse: User
) -> None:
    """record_contact stores the entry; contact_log gives it back as load_contacts would read it."""
    row_id = record_contact(session=session, team_id=team.id, entry=done(), by=nurse.id)
    log = contact_log(
        session=session, team_id=team.id, start=MONDAY, end=date(2026, 12, 6), by=nurse.id, purpose="today"
    )
    assert [c.visit for c in log.contacts] == [first_visit()["id"]]
    assert log.contacts[0].delivered and log.contacts[0].skills == ["lai_injection"]
    assert log == load_contacts(
        {"format": "actplanner/contacts@1", "team": team.id, "contacts": [log.contacts[0].model_dump()]}
    )
    recorded = audits(session, "record_contact")
    assert [(e.user_id, e.target, e.team_id) for e in recorded] == [(nurse.id, f"contact:{row_id}", team.id)]
    viewed = [e for e in audits(session, "view_phi") if e.target == f"contacts:{team.id}"]
    assert viewed[-1].detail is not None and viewed[-1].detail["purpose"] == "today"
    assert viewed[-1].detail["clients"] == ["c-013"]


def test_the_log_holds_only_the_dates_asked_for(session: Session, team: Team) -> None:
    record_contact(session=session, team_id=team.id, entry=done(), by=None)
    tuesday = date(2026, 12, 1)
    log = contact_log(session=session, team_id=team.id, start=tuesday, end=tuesday, by=None, purpose="x")
    assert log.contacts == []


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (done(mode=None), "mode: required when outcome is done"),
        (done(outcome="no_show", minutes=0, mode=None, place=None, skills=None), None),
        (done(outcome="no_show", mode=None, place=None, skills=None), "minutes: 45 minutes but outcome"),
        (done(client="c-999", visit=None), 'client: unknown client "c-999"'),
        (done(skills=["surgery"]), 'skills[0]: no staff member on the contact has skill "surgery"'),
        (done(visit="v-9999"), 'visit: the plan of the week of 2026-11-30 has no visit "v-9999"'),
        (
            done(date="2026-12-01"),
            f'visit: visit "{first_visit()["id"]}" is on 2026-11-30, the contact on 2026-12-01',
        ),
        (done(start="9:00"), 'start: "9:00" is not a time (HH:MM)'),
    ],
)
def test_an_entry_is_checked_with_the_file_rules_the_team_and_the_weeks_plan(
    session: Session, team: Team, entry: dict[str, Any], message: str | None
) -> None:
    """Each error starts with the entry's field; a good entry (the no-show) is stored."""
    if message is None:
        assert record_contact(session=session, team_id=team.id, entry=entry, by=None) > 0
        return
    with pytest.raises(FormatError) as raised:
        record_contact(session=session, team_id=team.id, entry=entry, by=None)
    assert any(m.startswith(message) for m in raised.value.messages), raised.value.messages
    assert session.scalar(select(func.count()).select_from(Contact)) == 0


def test_a_visit_is_recorded_once_and_then_corrected(session: Session, team: Team) -> None:
    record_contact(session=session, team_id=team.id, entry=done(), by=None)
    with pytest.raises(
        FormatError, match=f"visit: visit {first_visit()['id']} of the week of 2026-11-30 is already recorded"
    ):
        record_contact(session=session, team_id=team.id, entry=done(), by=None)


def test_staff_record_only_contacts_they_are_on(session: Session, team: Team, nurse: User) -> None:
    with pytest.raises(ContactDenied):
        record_contact(
            session=session, team_id=team.id, entry=done(staff=["s-cm1"], skills=None), by=nurse.id
        )


def test_staff_correct_their_contact_for_seven_days_then_only_the_lead(
    session: Session, team: Team, nurse: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A week after the contact's date the nurse may still correct it; a day later only the lead."""
    lead = create_user(session, username="boss", role="lead", team_id=team.id)
    row_id = record_contact(session=session, team_id=team.id, entry=done(), by=nurse.id)
    monkeypatch.setattr(service, "team_today", lambda _tz: date(2026, 12, 7))
    correct_contact(
        session=session,
        team_id=team.id,
        contact_id=row_id,
        changes={"minutes": 30},
        by=nurse.id,
        as_lead=False,
    )
    monkeypatch.setattr(service, "team_today", lambda _tz: date(2026, 12, 8))
    with pytest.raises(ContactDenied, match="8 days old"):
        correct_contact(
            session=session,
            team_id=team.id,
            contact_id=row_id,
            changes={"minutes": 20},
            by=nurse.id,
            as_lead=False,
        )
    correct_contact(
        session=session,
        team_id=team.id,
        contact_id=row_id,
        changes={"outcome": "no_show", "minutes": 0, "mode": None, "place": None, "skills": []},
        by=lead.id,
        as_lead=True,
    )
    [stored] = list_contacts(session=session, team_id=team.id)
    assert (stored.contact.outcome, stored.contact.minutes, stored.contact.mode) == ("no_show", 0, None)
    assert stored.corrected_by == lead.id and stored.recorded_by == nurse.id
    changed = [e.detail["changed"] for e in audits(session, "correct_contact") if e.detail]
    assert changed == [["minutes"], ["minutes", "mode", "outcome", "place", "skills"]]


def test_a_correction_is_checked_like_a_new_entry_and_keeps_the_id(session: Session, team: Team) -> None:
    row_id = record_contact(session=session, team_id=team.id, entry=done(id="k-1"), by=None)
    args: dict[str, Any] = {
        "session": session,
        "team_id": team.id,
        "contact_id": row_id,
        "by": 1,
        "as_lead": True,
    }
    with pytest.raises(FormatError, match="^place: required when mode is face_to_face$"):
        correct_contact(changes={"place": None}, **args)
    with pytest.raises(FormatError, match="^id: a contact keeps its id"):
        correct_contact(changes={"id": "k-2"}, **args)
    [stored] = list_contacts(session=session, team_id=team.id)
    assert stored.contact.place == "home" and stored.contact.id == "k-1"


def test_list_contacts_filters_by_client_staff_and_dates(session: Session, team: Team) -> None:
    record_contact(session=session, team_id=team.id, entry=done(), by=None)
    call = done(
        visit=None, client="c-001", staff=["s-cm1"], skills=None, mode="phone", place=None, date="2026-12-02"
    )
    record_contact(session=session, team_id=team.id, entry=call, by=None)
    every = list_contacts(session=session, team_id=team.id)
    assert [c.contact.client for c in every] == ["c-013", "c-001"]
    assert [c.contact.client for c in list_contacts(session=session, team_id=team.id, staff="s-cm1")] == [
        "c-001"
    ]
    assert [c.contact.client for c in list_contacts(session=session, team_id=team.id, client="c-013")] == [
        "c-013"
    ]
    later = list_contacts(session=session, team_id=team.id, start=date(2026, 12, 1), end=date(2026, 12, 2))
    assert [c.contact.client for c in later] == ["c-001"]


def test_an_import_with_a_bad_entry_changes_nothing_and_names_it(session: Session, team: Team) -> None:
    record_contact(session=session, team_id=team.id, entry=done(id="k-keep"), by=None)
    good = done(id="k-new", visit=None, client="c-002", staff=["s-cm1"], skills=None)
    bad = done(id="k-bad", visit=None, client="c-003", mode=None, skills=None)
    doc = {"format": "actplanner/contacts@1", "team": team.id, "contacts": [good, bad]}
    with pytest.raises(FormatError) as raised:
        import_contacts(session=session, team_id=team.id, data=doc, by=None)
    assert raised.value.messages == ["contacts[1].mode: required when outcome is done"]
    assert [c.contact.id for c in list_contacts(session=session, team_id=team.id)] == ["k-keep"]


def test_an_import_replaces_the_contact_of_the_same_visit_and_exports_unchanged(
    session: Session, team: Team
) -> None:
    record_contact(session=session, team_id=team.id, entry=done(id="k-first"), by=None)
    again = done(id="k-later", outcome="refused", minutes=0, mode=None, place=None, skills=[])
    doc = {"format": "actplanner/contacts@1", "team": team.id, "contacts": [again]}
    assert import_contacts(session=session, team_id=team.id, data=doc, by=None) == 1
    # The fixture's publish check reads the log too (purpose "publish check"): count from here.
    before = len(audits(session, "view_phi"))
    exported = export_contacts(session=session, team_id=team.id, start=MONDAY, end=date(2026, 12, 6), by=None)
    assert exported == doc
    assert [
        e.detail["purpose"]
        for e in audits(session, "view_phi")[before:]
        if e.detail and "purpose" in e.detail
    ] == ["export"]
