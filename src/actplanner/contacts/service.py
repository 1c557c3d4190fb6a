"""The contact log in the database: record, correct, read and import what actually happened.

Each entry is checked with the ``actplanner/contacts@1`` rules (FORMATS.md), against
the team file (clients, staff, skills) and, for a ``visit``, against the published
plan of the week holding its date. Errors are ``FormatError`` whose messages start
with the entry's field (``mode: required when outcome is done``); a staff login
that may not record or correct an entry gets ``ContactDenied``.

The log is protected health information: every write is audited, and so is every
read of it as a log (``contact_log``) with the purpose it was read for.
"""

from __future__ import annotations

import datetime as dt
import secrets
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Engine, Row, Text, delete, func, select, type_coerce
from sqlalchemy.orm import Session

from actplanner.audit.service import audit
from actplanner.db import Contact as ContactRow
from actplanner.db import User
from actplanner.db import Visit as VisitRow
from actplanner.domain.errors import NotFound
from actplanner.domain.formats import (
    CONTACTS_FORMAT,
    PLAN_FORMAT,
    Contact,
    ContactLog,
    FormatError,
    PlanFile,
    PlanVisit,
    TeamFile,
    contact_visit_errors,
    dump_contacts,
    load_contacts,
    load_plan,
)
from actplanner.domain.trusted import built, iso_date, json_list
from actplanner.domain.week import monday_of, team_today
from actplanner.planning.plans import published_plan, stored_plan_doc
from actplanner.teams.service import get_team, team_file

#: How long after a contact's date its staff may still correct it; after that only the lead
#: may, so a record of care cannot be quietly rewritten long after the fact.
CORRECTION_DAYS = 7
#: The optional keys of an entry and their defaults: ``given_defaults`` notes those given anyway.
OPTIONAL: dict[str, Any] = {"mode": None, "place": None, "skills": [], "visit": None}
_ENTRY = "contacts[0]."


class ContactDenied(PermissionError):
    """A login that may not record or correct this contact; the message says why."""


@dataclass(frozen=True)
class StoredContact:
    """A contact as the store holds it: the file's entry and who recorded or last corrected it."""

    id: int
    contact: Contact
    recorded_by: int | None
    recorded_at: dt.datetime
    corrected_by: int | None
    corrected_at: dt.datetime | None


def record_contact(*, session: Session, team_id: str, entry: dict[str, Any], by: int | None) -> int:
    """Check one entry (contacts@1, the team file, the week's plan), store it, audit it; its row id.

    An entry without ``id`` gets a new one. A visit that already has a contact is
    refused: that contact is corrected instead. A staff login records only contacts
    they are on.
    """
    get_team(session=session, team_id=team_id)
    entry = dict(_require_object(entry))
    entry.setdefault("id", _new_key())
    contact = _checked(session, team_id, entry)
    _require_on_contact(session, by, team_id, contact, "record")
    with session.begin_nested():
        _require_free(session, team_id, contact, keep=None)
        row = ContactRow(team_id=team_id, recorded_by=by)
        _set_row(row, contact, entry)
        session.add(row)
        session.flush()
        audit(
            session=session,
            user_id=by,
            action="record_contact",
            target=f"contact:{row.id}",
            detail=_detail(contact),
            team_id=team_id,
        )
    return row.id


def correct_contact(
    *, session: Session, team_id: str, contact_id: int, changes: dict[str, Any], by: int, as_lead: bool
) -> None:
    """Change fields of a stored contact (its ``id`` stays), checked as a new entry; audited.

    Staff correct their own contacts for ``CORRECTION_DAYS`` days after the contact's
    date; later, and anyone's, only the lead (``as_lead``).
    """
    row = _row(session, team_id, contact_id)
    before = _entry(row)
    changes = dict(_require_object(changes))
    if "id" in changes and changes["id"] != row.key:
        raise FormatError([f"id: a contact keeps its id ({row.key}); record a new contact instead"])
    if not as_lead:
        old = _contact(before)
        _require_on_contact(session, by, team_id, old, "correct")
        age = (team_today(get_team(session=session, team_id=team_id).timezone) - old.day).days
        if age > CORRECTION_DAYS:
            raise ContactDenied(
                f"The contact of {old.date} is {age} days old: staff correct a contact for"
                f" {CORRECTION_DAYS} days; after that ask the team lead."
            )
    # An optional field changed to None is left out: a no-show has no mode or place.
    after = {k: v for k, v in {**before, **changes}.items() if not (k in OPTIONAL and v is None)}
    contact = _checked(session, team_id, after)
    if not as_lead:
        _require_on_contact(session, by, team_id, contact, "correct")
    with session.begin_nested():
        _require_free(session, team_id, contact, keep=row.id)
        _set_row(row, contact, after)
        row.corrected_by = by
        row.corrected_at = dt.datetime.now(dt.UTC)
        session.flush()
        changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
        audit(
            session=session,
            user_id=by,
            action="correct_contact",
            target=f"contact:{row.id}",
            detail={**_detail(contact), "changed": changed, "as_lead": as_lead},
            team_id=team_id,
        )


def contact_log(
    *, session: Session, team_id: str, start: dt.date, end: dt.date, by: int | None, purpose: str
) -> ContactLog:
    """The team's contacts dated in [start, end] as a ``ContactLog``; audited as a PHI view for ``purpose``.

    The same object ``load_contacts`` returns, so the engines read it as they read a file.
    """
    get_team(session=session, team_id=team_id)
    # Columns, not ORM objects: a month of a large team's log is thousands of rows.
    query = (
        select(*(getattr(ContactRow.__table__.c, name) for name in _COLUMNS))
        .where(ContactRow.team_id == team_id, ContactRow.date >= start, ContactRow.date <= end)
        .order_by(ContactRow.date, ContactRow.start, ContactRow.key)
    )
    rows = session.execute(query).all()
    log = _log(team_id, rows)
    _audit_read(session, team_id, by, purpose, start, end, len(rows), {r.client_id for r in rows})
    return log


@dataclass(frozen=True)
class RecentContacts:
    """What the morning meeting reads of the log: the contacts of a few recent days, and each
    client's last delivered (done, face-to-face) contact over a longer span."""

    contacts: list[Contact]
    last_delivered: dict[str, Contact]


def recent_contacts(
    *,
    session: Session,
    team_id: str,
    start: dt.date,
    end: dt.date,
    last_since: dt.date,
    by: int | None,
    purpose: str,
) -> RecentContacts:
    """The contacts dated in [start, end], and each client's last delivered one dated in
    [last_since, end]; one audited PHI view for ``purpose`` of [min(start, last_since), end].

    Two queries, whatever the team's size: the last delivered contacts are picked by the
    database (one row per client), so a page needing "last seen" for hundreds of clients
    does not read weeks of the log to find them.
    """
    get_team(session=session, team_id=team_id)
    columns = [getattr(ContactRow.__table__.c, name) for name in _READ_COLUMNS]
    rows = session.execute(
        select(*_as_text(columns))
        .where(ContactRow.team_id == team_id, ContactRow.date >= start, ContactRow.date <= end)
        .order_by(ContactRow.date, ContactRow.start, ContactRow.key)
    ).all()
    # The latest (date, start) per client; on a tie the first by key, as the log's order gives.
    rank = (
        func.row_number()
        .over(
            partition_by=ContactRow.client_id,
            order_by=(ContactRow.date.desc(), ContactRow.start.desc(), ContactRow.key),
        )
        .label("rank")
    )
    ranked = (
        select(*columns, rank)
        .where(
            ContactRow.team_id == team_id,
            ContactRow.date >= last_since,
            ContactRow.date <= end,
            ContactRow.outcome == "done",
            ContactRow.mode == "face_to_face",
        )
        .subquery()
    )
    last_rows = session.execute(
        select(*_as_text([ranked.c[name] for name in _READ_COLUMNS])).where(ranked.c.rank == 1)
    ).all()
    shown = {r.client_id for r in rows} | {r.client_id for r in last_rows}
    _audit_read(session, team_id, by, purpose, min(start, last_since), end, len(rows), shown)
    memo: dict[str, list[Any]] = {}
    return RecentContacts(
        contacts=[_read(row, memo) for row in rows],
        last_delivered={row.client_id: _read(row, memo) for row in last_rows},
    )


def read_contacts(
    *, session: Session, team_id: str, start: dt.date, end: dt.date, by: int | None, purpose: str
) -> list[Contact]:
    """The team's contacts dated in [start, end] for an engine to read (the Fidelity page's weeks);
    audited as a PHI view for ``purpose``, as ``contact_log`` is.

    Columns, built as ``Contact``s without the keys only an export keeps: a quarter of a large
    team's log is over ten thousand rows. An export reads ``contact_log``.
    """
    get_team(session=session, team_id=team_id)
    rows = session.execute(
        select(*_as_text([getattr(ContactRow.__table__.c, name) for name in _READ_COLUMNS]))
        .where(ContactRow.team_id == team_id, ContactRow.date >= start, ContactRow.date <= end)
        .order_by(ContactRow.date, ContactRow.start, ContactRow.key)
    ).all()
    _audit_read(session, team_id, by, purpose, start, end, len(rows), {r.client_id for r in rows})
    memo: dict[str, list[Any]] = {}
    return [_read(row, memo) for row in rows]


def _audit_read(
    session: Session,
    team_id: str,
    by: int | None,
    purpose: str,
    start: dt.date,
    end: dt.date,
    contacts: int,
    clients: set[str],
) -> None:
    with session.begin_nested():
        audit(
            session=session,
            user_id=by,
            action="view_phi",
            target=f"contacts:{team_id}",
            detail={
                "purpose": purpose,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "contacts": contacts,
                "clients": sorted(clients),
            },
            team_id=team_id,
        )


def list_contacts(
    *,
    session: Session,
    team_id: str,
    client: str | None = None,
    staff: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[StoredContact]:
    """The team's stored contacts, by date and time, filtered by client, staff member and dates [start, end].

    Not audited here: the page or API showing them records what it showed.
    """
    get_team(session=session, team_id=team_id)
    rows = _rows(session, team_id, start=start, end=end, client=client)
    return [_stored(row) for row in rows if staff is None or staff in row.staff]


def _stored(row: ContactRow) -> StoredContact:
    return StoredContact(
        id=row.id,
        contact=_contact(_entry(row)),
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
        corrected_by=row.corrected_by,
        corrected_at=row.corrected_at,
    )


def get_contact(*, session: Session, team_id: str, contact_id: int) -> StoredContact:
    """One stored contact of the team by its row id; NotFound when the team has none such."""
    return _stored(_row(session, team_id, contact_id))


def import_contacts(
    *, session: Session, team_id: str, data: bytes | str | dict[str, Any], by: int | None
) -> int:
    """Store a whole contacts@1 log for the team, all or nothing; how many entries it held.

    The log is checked whole first (every error, each naming ``contacts[i].field``),
    so a bad entry changes nothing. An entry whose ``id`` is stored replaces that
    contact; one for a visit that already has a contact replaces it (FORMATS: a later
    entry for the same visit replaces an earlier one).
    """
    team = team_file(session=session, team_id=team_id)
    log = load_contacts(data, team)
    doc = dump_contacts(log)
    errors = contact_visit_errors(log, _plans(session, team_id, {monday_of(c.day) for c in log.contacts}))
    if errors:
        raise FormatError(errors)
    with session.begin_nested():
        # In a few statements, not three a contact: a large team's 12 weeks are ~15,000 entries.
        # First the stored contacts of a visit the log gives another contact for (the log's
        # replaces them), then the log's entries over the stored ones of the same id, or new.
        claims = {(monday_of(c.day), c.visit): c.id for c in log.contacts if c.visit is not None}
        replaced = [
            row.id
            for visits in _chunks(sorted({visit for _, visit in claims}))
            for row in session.execute(
                select(ContactRow.id, ContactRow.key, ContactRow.week_start, ContactRow.visit_id).where(
                    ContactRow.team_id == team_id, ContactRow.visit_id.in_(visits)
                )
            )
            if claims.get((row.week_start, row.visit_id), row.key) != row.key
        ]
        for ids in _chunks(replaced):
            session.execute(delete(ContactRow).where(ContactRow.id.in_(ids)), execution_options=_NO_SYNC)
        stored = {
            row.key: row
            for keys in _chunks([c.id for c in log.contacts])
            for row in session.scalars(
                select(ContactRow).where(ContactRow.team_id == team_id, ContactRow.key.in_(keys))
            )
        }
        now = dt.datetime.now(dt.UTC)
        for contact, entry in zip(log.contacts, doc["contacts"], strict=True):
            existing = stored.get(contact.id)
            row = existing or ContactRow(team_id=team_id, recorded_by=by)
            _set_row(row, contact, entry)
            if existing is not None:
                row.corrected_by, row.corrected_at = by, now
            session.add(row)
        session.flush()
        audit(
            session=session,
            user_id=by,
            action="import",
            target=f"contacts:{team.team.id}",
            detail={"contacts": len(log.contacts), "clients": sorted({c.client for c in log.contacts})},
            team_id=team_id,
        )
    return len(log.contacts)


#: Deleting by id needs no matching of the session's objects: the rows deleted were never loaded.
_NO_SYNC = {"synchronize_session": False}
#: Ids per ``IN`` list: far below SQLite's limit on bound parameters.
_CHUNK = 1_000


def _chunks(items: Sequence[Any]) -> list[Sequence[Any]]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def export_contacts(
    *, session: Session, team_id: str, start: dt.date, end: dt.date, by: int | None
) -> dict[str, Any]:
    """The team's contacts dated in [start, end] as a contacts@1 document; audited as an export."""
    return dump_contacts(
        contact_log(session=session, team_id=team_id, start=start, end=end, by=by, purpose="export")
    )


def _require_object(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise FormatError(["(entry): expected a JSON object of a contact's fields"])
    return value


def _new_key() -> str:
    # Random rather than counted: two people recording at once never collide, and the key says nothing.
    return f"k-{secrets.token_hex(6)}"


def _checked(session: Session, team_id: str, entry: dict[str, Any]) -> Contact:
    """The entry as a ``Contact`` if it passes the file's rules, the team's and its week's plan's.

    One entry is checked against the kept team file and the one visit it names (not the
    whole plan of its week): a contact is recorded from a phone in the field, and a large
    team's file and plan took most of a second to load for each.
    """
    doc = {"format": CONTACTS_FORMAT, "team": team_id, "contacts": [entry]}
    team = current_team_file(session=session, team_id=team_id)
    try:
        log = load_contacts(doc, team)
        contact = log.contacts[0]
        errors = contact_visit_errors(log, _visit_plan(session, team_id, contact))
    except FormatError as err:
        errors = err.messages
    if errors:
        raise FormatError([m.removeprefix(_ENTRY) for m in errors])
    return contact


def _visit_plan(session: Session, team_id: str, contact: Contact) -> dict[dt.date, PlanFile]:
    """The published plan of the contact's week, holding only the visit the contact names (none
    when the plan has no such visit), which is all ``contact_visit_errors`` reads of it."""
    week = monday_of(contact.day)
    if contact.visit is None:
        return {}
    plan = published_plan(session=session, team_id=team_id, week_start=week)
    if plan is None:
        return {}
    found = session.execute(
        select(VisitRow.client_id, VisitRow.staff, VisitRow.date, VisitRow.start, VisitRow.end).where(
            VisitRow.plan_id == plan.id, VisitRow.id == contact.visit
        )
    ).one_or_none()
    visits = []
    if found is not None:
        client, staff, day, start, end = tuple(found)
        visits.append(
            built(
                PlanVisit,
                id=contact.visit,
                client=client,
                staff=list(staff),
                date=day.isoformat(),
                start=start,
                end=end,
                purpose=None,
                pinned=False,
            )
        )
    shell = built(
        PlanFile,
        format=PLAN_FORMAT,
        team=team_id,
        week_start=week.isoformat(),
        replan_from=None,
        visits=visits,
        on_call=[],
        caseload={},
        unmet=[],
        metrics={},
        solver=None,
    )
    return {week: shell}


@dataclass
class _KeptTeam:
    stamp: dt.datetime
    team: TeamFile


#: Each database's team files by team id, with the ``updated_at`` they were read at.
_kept_teams: weakref.WeakKeyDictionary[Engine, dict[str, _KeptTeam]] = weakref.WeakKeyDictionary()


def current_team_file(*, session: Session, team_id: str) -> TeamFile:
    """The team file, read again only when an import or an edit has changed the team (its
    ``updated_at``, which every change of the team, its staff or clients sets); kept per
    process and database. Loading a large team's file is most of a tenth of a second, and
    recording a contact, the morning meeting and the Fidelity page each need it."""
    stamp = get_team(session=session, team_id=team_id).updated_at
    engine = session.get_bind()
    kept = _kept_teams.setdefault(engine, {}) if isinstance(engine, Engine) else {}
    found = kept.get(team_id)
    if found is not None and found.stamp == stamp:
        return found.team
    team = team_file(session=session, team_id=team_id)
    kept[team_id] = _KeptTeam(stamp, team)
    return team


def _plans(session: Session, team_id: str, weeks: set[dt.date]) -> dict[dt.date, PlanFile]:
    """The published plan of each week that has one: the plan a contact's ``visit`` names a visit of."""
    plans = {}
    for week in weeks:
        plan = published_plan(session=session, team_id=team_id, week_start=week)
        if plan is not None:
            plans[week] = load_plan(stored_plan_doc(session=session, plan_id=plan.id))
    return plans


def _require_on_contact(session: Session, by: int | None, team_id: str, contact: Contact, verb: str) -> None:
    """A staff login may only ``verb`` contacts of their own team that they are on."""
    if by is None:
        return
    user = session.get(User, by)
    if user is None:
        raise NotFound(f"No user {by}.")
    if user.role == "lead":
        return
    if user.team_id != team_id or user.staff_id not in contact.staff:
        raise ContactDenied(
            f"You may {verb} only contacts you were on; ask the team lead to {verb} this one."
        )


def _require_free(session: Session, team_id: str, contact: Contact, *, keep: int | None) -> None:
    """Refuse a key or a visit of the week that another stored contact already has."""
    taken = session.scalar(
        select(ContactRow.id).where(
            ContactRow.team_id == team_id, ContactRow.key == contact.id, ContactRow.id != (keep or -1)
        )
    )
    if taken is not None:
        raise FormatError([f"id: {contact.id} is already a contact of this team; give another id or none"])
    if contact.visit is None:
        return
    week = monday_of(contact.day)
    other = session.scalar(
        select(ContactRow).where(
            ContactRow.team_id == team_id,
            ContactRow.week_start == week,
            ContactRow.visit_id == contact.visit,
            ContactRow.id != (keep or -1),
        )
    )
    if other is not None:
        raise FormatError(
            [
                f"visit: visit {contact.visit} of the week of {week} is already recorded"
                f" ({other.outcome.replace('_', ' ')}, contact {other.key}); correct that contact instead"
            ]
        )


def _row(session: Session, team_id: str, contact_id: int) -> ContactRow:
    row = session.get(ContactRow, contact_id)
    if row is None or row.team_id != team_id:
        raise NotFound(f"No contact {contact_id} in team {team_id!r}.")
    return row


def _rows(
    session: Session,
    team_id: str,
    *,
    start: dt.date | None,
    end: dt.date | None,
    client: str | None = None,
) -> list[ContactRow]:
    query = select(ContactRow).where(ContactRow.team_id == team_id)
    if start is not None:
        query = query.where(ContactRow.date >= start)
    if end is not None:
        query = query.where(ContactRow.date <= end)
    if client is not None:
        query = query.where(ContactRow.client_id == client)
    return list(session.scalars(query.order_by(ContactRow.date, ContactRow.start, ContactRow.key)))


def _set_row(row: ContactRow, contact: Contact, entry: Mapping[str, Any]) -> None:
    row.key = contact.id
    row.client_id = contact.client
    row.staff = list(contact.staff)
    row.date = contact.day
    row.week_start = monday_of(contact.day)
    row.start = contact.start
    row.minutes = contact.minutes
    row.outcome = contact.outcome
    row.mode = contact.mode
    row.place = contact.place
    row.skills = list(contact.skills)
    row.visit_id = contact.visit
    row.given_defaults = sorted(k for k, default in OPTIONAL.items() if k in entry and entry[k] == default)


#: The columns an entry is made of, as ``_entry`` reads them.
_COLUMNS = (
    "key",
    "client_id",
    "staff",
    "date",
    "start",
    "minutes",
    "outcome",
    "mode",
    "place",
    "skills",
    "visit_id",
    "given_defaults",
)


def _entry(row: ContactRow | Row[Any]) -> dict[str, Any]:
    """The stored contact as the file's entry, with exactly the optional keys it was given."""
    entry: dict[str, Any] = {
        "id": row.key,
        "client": row.client_id,
        "staff": list(row.staff),
        "date": row.date.isoformat(),
        "start": row.start,
        "minutes": row.minutes,
        "outcome": row.outcome,
    }
    values = {"mode": row.mode, "place": row.place, "skills": list(row.skills), "visit": row.visit_id}
    for key, default in OPTIONAL.items():
        if values[key] != default or key in row.given_defaults:
            entry[key] = values[key]
    return entry


def _contact(entry: dict[str, Any]) -> Contact:
    return Contact.model_validate(entry)


def _log(team_id: str, rows: Sequence[Row[Any]]) -> ContactLog:
    # Trusted, not checked again: every row was checked as a contacts@1 entry when written,
    # and checking thousands again was most of the time a page spent reading the log.
    contacts = [_trusted(row) for row in rows]
    return ContactLog.model_construct(format=CONTACTS_FORMAT, team=team_id, contacts=contacts)


def _trusted(row: Row[Any]) -> Contact:
    """A stored row as a ``Contact``, trusted as checked when it was written."""
    return Contact.model_construct(**_entry(row))


#: The columns an engine reads (not ``given_defaults``, which only an export needs).
_READ_COLUMNS = tuple(name for name in _COLUMNS if name != "given_defaults")


def _as_text(columns: Sequence[ColumnElement[Any]]) -> list[ColumnElement[Any]]:
    """The read columns, the date and JSON ones taken as the driver gives them (``_read`` turns
    them into the file's values): the ORM's per-value conversions cost more than the query."""
    return [type_coerce(c, Text).label(c.key) if c.key in _TEXT_COLUMNS else c for c in columns]


#: The read columns whose ORM types convert every value read (dates on SQLite, JSON).
_TEXT_COLUMNS = frozenset({"date", "staff", "skills"})


def _read(row: Row[Any], memo: dict[str, list[Any]]) -> Contact:
    """A stored row (the ``_READ_COLUMNS``, as ``_as_text`` selects them) as a ``Contact`` for an
    engine to read, every field set: trusted as checked when written, and never dumped again (an
    export goes through ``contact_log``, which keeps exactly the keys each entry was given)."""
    # Unpacked as a tuple: reading eleven columns of a row by name, ten thousand times, shows.
    key, client, staff, day, start, minutes, outcome, mode, place, skills, visit = tuple(row)
    return built(
        Contact,
        id=key,
        client=client,
        staff=json_list(staff, memo),
        date=iso_date(day),
        start=start,
        minutes=minutes,
        outcome=outcome,
        mode=mode,
        place=place,
        skills=json_list(skills, memo),
        visit=visit,
    )


def _detail(contact: Contact) -> dict[str, Any]:
    # Ids and the outcome only: the audit trail says what was recorded, not the clinical detail twice.
    return {
        "client": contact.client,
        "date": contact.date,
        "visit": contact.visit,
        "outcome": contact.outcome,
        "staff": list(contact.staff),
    }


__all__ = [
    "CORRECTION_DAYS",
    "ContactDenied",
    "RecentContacts",
    "StoredContact",
    "contact_log",
    "correct_contact",
    "current_team_file",
    "export_contacts",
    "get_contact",
    "import_contacts",
    "list_contacts",
    "read_contacts",
    "recent_contacts",
    "record_contact",
]
