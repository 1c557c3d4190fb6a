"""My day: a staff member records, on their phone, what happened at each of today's visits.

Made for a phone and for no JavaScript: each visit is a card with two plain forms,
**Done** (planned start and minutes filled in, editable) and **Not done** (no show,
refused, cancelled: one tap to open, one to choose). With htmx a form swaps its
card alone. A failed submission shows the page again with what was typed and the
error beside its field. The lead records for anyone (a staff picker). Every change
is audited by the store; each page that shows addresses is audited here.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from actplanner.audit.service import audit
from actplanner.contacts.my_day import (
    MODES,
    NOT_DONE,
    OUTCOMES,
    PLACES,
    MyDay,
    VisitCard,
    correctable_until,
    my_day,
)
from actplanner.contacts.service import (
    ContactDenied,
    StoredContact,
    correct_contact,
    export_contacts,
    get_contact,
    import_contacts,
    record_contact,
)
from actplanner.db import Staff, Team, User
from actplanner.domain.errors import NotFound
from actplanner.domain.formats import MAX_FILE_BYTES, FormatError
from actplanner.domain.formats.words import plain_errors
from actplanner.domain.map_links import phone_of
from actplanner.domain.week import WeekError, parse_day, team_today
from actplanner.domain.words import day_words
from actplanner.teams.service import get_staff
from actplanner.web.deps import CurrentUserDep, LeadDep, SessionDep, TeamDep
from actplanner.web.schemas import MAX_ID, TEAM_ID_PATTERN
from actplanner.web.templating import is_fragment_request, render

router = APIRouter(tags=["pages"])

Text = Annotated[str, Form(max_length=200)]
StaffField = Annotated[str, Form(max_length=100)]
DayQuery = Annotated[str | None, Query(max_length=40, description="The day (YYYY-MM-DD); default today.")]
StaffQuery = Annotated[
    str | None, Query(pattern=TEAM_ID_PATTERN, max_length=100, description="Whose day (the lead only).")
]
ContactId = Annotated[int, Path(ge=1, le=MAX_ID)]
#: Fields of the forms; a store error naming one of them is shown beside it.
FIELDS = ("client", "date", "start", "minutes", "outcome", "mode", "place", "skills", "visit", "staff", "id")
_INDEX = re.compile(r"\[\d+\]$")


def _errors(messages: list[str]) -> dict[str, str]:
    """The store's ``field: message`` lines by field (``skills[0]`` as ``skills``), the rest as ``form``."""
    errors: dict[str, str] = {}
    for message in messages:
        name, _, rest = message.partition(": ")
        key = _INDEX.sub("", name)
        key = key if key in FIELDS and rest else "form"
        errors[key] = f"{errors[key]} {rest or message}".strip() if key in errors else (rest or message)
    return errors


def _team(team: Team | None) -> Team:
    if team is None:
        raise HTTPException(status_code=404, detail="Choose a team first (open My day from the team page).")
    return team


def _member(session: Session, user: User, team: Team, staff: str | None) -> Staff | None:
    """Whose day: a staff login's own (403 for anyone else's); for the lead the one chosen, if any."""
    if user.role != "lead":
        if user.staff_id is None or user.team_id != team.id:
            raise HTTPException(
                status_code=403, detail="Your login is not linked to a staff member of a team."
            )
        if staff not in (None, "", user.staff_id):
            raise HTTPException(status_code=403, detail="You can record only your own day.")
        staff = user.staff_id
    staff = staff or (user.staff_id if user.team_id == team.id else None)
    if not staff:
        return None
    member = get_staff(session=session, team_id=team.id, staff_id=staff)
    if member is None:
        raise HTTPException(status_code=404, detail=f"No staff member {staff!r} in team {team.id!r}.")
    return member


def _day(team: Team, text: str | None) -> date:
    if not text:
        return team_today(team.timezone)
    try:
        return parse_day(text, field="day")
    except WeekError as err:
        raise HTTPException(status_code=422, detail=str(err)) from None


def _recording(
    session: Session, user: User, team: Team | None, staff: str, day: str, what: str
) -> tuple[Team, Staff, date]:
    """The team, staff member and day a recording form names; 422 when no one is chosen."""
    found = _team(team)
    member = _member(session, user, found, staff or None)
    if member is None:
        raise HTTPException(status_code=422, detail=f"staff: choose whose {what} this is.")
    return found, member, _day(found, day)


def _query(user: User, team: Team, member: Staff | None, day: date) -> str:
    params = {"day": day.isoformat()}
    if user.role == "lead" and user.team_id != team.id:
        params["team"] = team.id
    if user.role == "lead" and member is not None:
        params["staff"] = member.id
    return urlencode(params)


def _context(
    request: Request,
    session: Session,
    user: User,
    team: Team,
    member: Staff | None,
    day: date,
    *,
    card: VisitCard | None = None,
    add: dict[str, str] | None = None,
    add_errors: dict[str, str] | None = None,
) -> dict[str, Any]:
    context: dict[str, Any] = {
        "team": team,
        "member": member,
        "day": day,
        "today": team_today(team.timezone),
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "query": _query(user, team, member, day),
        "team_field": team.id if user.role == "lead" and user.team_id != team.id else "",
        "is_lead": user.role == "lead",
        "staff_choices": [(s.id, s.name) for s in team.staff],
        "view": None,
        "add": add or {},
        "add_errors": add_errors or {},
        "add_open": bool(add_errors),
        "outcomes": OUTCOMES,
        "not_done": NOT_DONE,
        "modes": MODES,
        "places": PLACES,
        "client_choices": [(c.id, c.code) for c in team.clients],
        "correctable_until": correctable_until,
    }
    if member is None:
        return context
    view = my_day(
        session=session,
        team=team,
        member=member,
        day=day,
        with_names=user.role == "lead",
        phone=phone_of(request.headers.get("user-agent")),
    )
    if card is not None:
        view.visits[:] = [card if c.visit_id == card.visit_id else c for c in view.visits]
    context["view"] = view
    _audit_view(session, user, view)
    return context


def _audit_view(session: Session, user: User, view: MyDay) -> None:
    clients = sorted({c.client_id for c in view.visits} | {c.contact.client for c in view.unplanned})
    if not clients:
        return
    # Addresses (and for the lead, names) are PHI: one record per page, naming every client shown.
    audit(
        session=session,
        user_id=user.id,
        action="view_phi",
        target=f"staff:{view.member.id}",
        detail={"team": view.team.id, "page": "my_day", "day": view.day.isoformat(), "clients": clients},
        team_id=view.team.id,
    )


@router.get("/my-day", name="my_day")
def my_day_page(
    request: Request,
    session: SessionDep,
    user: CurrentUserDep,
    team: TeamDep,
    day: DayQuery = None,
    staff: StaffQuery = None,
) -> Response:
    """Today's visits in route order, each to record as done or not done, and any other contact to add."""
    found = _team(team)
    member = _member(session, user, found, staff)
    return render(
        request, "contacts/my_day.html", _context(request, session, user, found, member, _day(found, day))
    )


def _back(request: Request, user: User, team: Team, member: Staff, day: date, anchor: str = "") -> Response:
    return RedirectResponse(
        f"{request.url_for('my_day').path}?{_query(user, team, member, day)}{anchor}", status_code=303
    )


@router.post("/my-day/visit", name="my_day_visit")
def record_visit(
    request: Request,
    session: SessionDep,
    user: CurrentUserDep,
    team: TeamDep,
    staff: StaffField = "",
    day: Text = "",
    visit: Text = "",
    outcome: Text = "done",
    start: Text = "",
    minutes: Text = "",
    given: Text = "",
) -> Response:
    """Record a planned visit as done (start and minutes as typed) or not done with its reason."""
    found, member, when = _recording(session, user, team, staff, day, "visit")
    phone = phone_of(request.headers.get("user-agent"))
    view = my_day(
        session=session, team=found, member=member, day=when, with_names=user.role == "lead", phone=phone
    )
    card = next((c for c in view.visits if c.visit_id == visit), None)
    if card is None:
        raise HTTPException(status_code=404, detail=f"visit: {member.name} has no visit {visit!r} on {when}.")
    values = {"outcome": outcome, "start": start, "minutes": minutes, "given": given}
    errors: dict[str, str] = {}
    entry: dict[str, Any] = {
        "client": card.client_id,
        "staff": card.staff,
        "date": when.isoformat(),
        "visit": card.visit_id,
        "outcome": outcome,
    }
    if outcome == "done":
        entry.update(start=start, minutes=_whole(minutes, errors), mode="face_to_face", place=card.place)
        if given and card.skill:
            entry["skills"] = [card.skill]
    else:
        entry.update(start=card.start, minutes=0)
    if not errors:
        try:
            record_contact(session=session, team_id=found.id, entry=entry, by=user.id)
        except FormatError as err:
            errors = _errors(err.messages)
        except ContactDenied as err:
            errors = {"form": str(err)}
    if errors:
        card.values, card.errors = values, errors
        return _card_or_page(request, session, user, found, member, when, card, status_code=422)
    if is_fragment_request(request):
        fresh = my_day(
            session=session, team=found, member=member, day=when, with_names=user.role == "lead", phone=phone
        )
        done = next(c for c in fresh.visits if c.visit_id == card.visit_id)
        return _card_or_page(request, session, user, found, member, when, done)
    return _back(request, user, found, member, when, f"#visit-{card.visit_id}")


def _whole(text: str, errors: dict[str, str]) -> int | str:
    try:
        return int(text.strip())
    except ValueError:
        errors["minutes"] = f"{text!r} is not a whole number of minutes" if text.strip() else "required"
        return text


def _card_or_page(
    request: Request,
    session: Session,
    user: User,
    team: Team,
    member: Staff,
    day: date,
    card: VisitCard,
    *,
    status_code: int = 200,
) -> Response:
    context = _context(request, session, user, team, member, day, card=card)
    if is_fragment_request(request):
        context["card"] = card
        return render(request, "contacts/_visit_card.html", context, status_code=status_code)
    return render(request, "contacts/my_day.html", context, status_code=status_code)


@router.post("/my-day/add", name="my_day_add")
def add_contact(
    request: Request,
    session: SessionDep,
    user: CurrentUserDep,
    team: TeamDep,
    staff: StaffField = "",
    day: Text = "",
    client: Text = "",
    start: Text = "",
    minutes: Text = "0",
    outcome: Text = "done",
    mode: Text = "",
    place: Text = "",
) -> Response:
    """Record a contact no visit of the plan holds (a crisis call-out, a phone call): mode and place."""
    found, member, when = _recording(session, user, team, staff, day, "contact")
    values = {
        "client": client,
        "start": start,
        "minutes": minutes,
        "outcome": outcome,
        "mode": mode,
        "place": place,
    }
    errors: dict[str, str] = {}
    entry: dict[str, Any] = {
        "client": client,
        "staff": [member.id],
        "date": when.isoformat(),
        "start": start,
        "minutes": _whole(minutes, errors),
        "outcome": outcome,
    }
    if mode:
        entry["mode"] = mode
    if place:
        entry["place"] = place
    if not errors:
        try:
            record_contact(session=session, team_id=found.id, entry=entry, by=user.id)
        except FormatError as err:
            errors = _errors(err.messages)
        except ContactDenied as err:
            errors = {"form": str(err)}
    if errors:
        context = _context(request, session, user, found, member, when, add=values, add_errors=errors)
        return render(request, "contacts/my_day.html", context, status_code=422)
    return _back(request, user, found, member, when, "#other-contacts")


def _stored(session: Session, team: Team, contact_id: int) -> StoredContact:
    return get_contact(session=session, team_id=team.id, contact_id=contact_id)


def _correct_context(
    user: User, team: Team, stored: StoredContact, values: dict[str, str], errors: dict[str, str]
) -> dict[str, Any]:
    return {
        "team": team,
        "stored": stored,
        "values": values,
        "errors": errors,
        "is_lead": user.role == "lead",
        "team_field": team.id if user.role == "lead" and user.team_id != team.id else "",
        "outcomes": OUTCOMES,
        "modes": MODES,
        "places": PLACES,
        "until": correctable_until(stored),
        # Said as the pages say it: the day in words, the client by code (never the id or name).
        "day_words": day_words(date.fromisoformat(stored.contact.date)),
        "client_code": next((c.code for c in team.clients if c.id == stored.contact.client), "a client"),
        "back": {
            "day": stored.contact.date,
            **({"staff": stored.contact.staff[0]} if user.role == "lead" else {}),
        },
    }


def _values(stored: StoredContact) -> dict[str, str]:
    contact = stored.contact
    return {
        "start": contact.start,
        "minutes": str(contact.minutes),
        "outcome": contact.outcome,
        "mode": contact.mode or "",
        "place": contact.place or "",
    }


@router.get("/my-day/contacts/{contact_id}", name="my_day_correct")
def correct_form(
    request: Request, session: SessionDep, user: CurrentUserDep, team: TeamDep, contact_id: ContactId
) -> Response:
    """A recorded contact's fields to correct (staff: their own, for 7 days; the lead: any)."""
    found = _team(team)
    stored = _stored(session, found, contact_id)
    if user.role != "lead" and user.staff_id not in stored.contact.staff:
        raise HTTPException(status_code=403, detail="You can correct only contacts you were on.")
    context = _correct_context(user, found, stored, _values(stored), {})
    return render(request, "contacts/correct.html", context)


@router.post("/my-day/contacts/{contact_id}", name="my_day_correct_save")
def correct_save(
    request: Request,
    session: SessionDep,
    user: CurrentUserDep,
    team: TeamDep,
    contact_id: ContactId,
    start: Text = "",
    minutes: Text = "",
    outcome: Text = "",
    mode: Text = "",
    place: Text = "",
) -> Response:
    """Save a correction; the store checks it as a new entry and applies the 7-day rule."""
    found = _team(team)
    stored = _stored(session, found, contact_id)
    values = {"start": start, "minutes": minutes, "outcome": outcome, "mode": mode, "place": place}
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {
        "start": start,
        "minutes": _whole(minutes, errors),
        "outcome": outcome,
        "mode": mode or None,
        "place": place or None,
    }
    if outcome != "done":
        changes["skills"] = []
    if not errors:
        try:
            correct_contact(
                session=session,
                team_id=found.id,
                contact_id=contact_id,
                changes=changes,
                by=user.id,
                as_lead=user.role == "lead",
            )
        except FormatError as err:
            errors = _errors(err.messages)
        except (ContactDenied, NotFound) as err:
            errors = {"form": str(err)}
    if errors:
        context = _correct_context(user, found, stored, values, errors)
        return render(request, "contacts/correct.html", context, status_code=422)
    back = _correct_context(user, found, stored, values, {})["back"]
    if user.role == "lead" and user.team_id != found.id:
        back["team"] = found.id
    return RedirectResponse(f"{request.url_for('my_day').path}?{urlencode(back)}", status_code=303)


# ---------------------------------------------------------------------------------------------
# The lead's contact log page: export a span, import a log


def _log_context(team: Team | None, user: User, **extra: Any) -> dict[str, Any]:
    today = team_today(team.timezone) if team else date.today()
    context: dict[str, Any] = {
        "team": team,
        "team_field": team.id if team and user.team_id != team.id else "",
        "export_from": (today - timedelta(days=27)).isoformat(),
        "export_to": today.isoformat(),
        "import_errors": [],
        "imported": None,
    }
    context.update(extra)
    return context


@router.get("/contacts", name="contacts")
def contacts_page(request: Request, session: SessionDep, user: LeadDep, team: TeamDep) -> Response:
    """The lead's contact log: export a span as an actplanner/contacts@1 file, import one."""
    return render(request, "contacts/contacts.html", _log_context(team, user))


@router.get("/contacts/export", name="contacts_export")
def contacts_export(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    start: Annotated[str, Query(alias="from", max_length=40)] = "",
    end: Annotated[str, Query(alias="to", max_length=40)] = "",
) -> Response:
    """The log of [from, to] as a download; audited as an export."""
    found = _team(team)
    errors: list[str] = []
    first = last = None
    try:
        first = parse_day(start, field="from")
        last = parse_day(end, field="to")
        if last < first:
            errors.append(f"to: {last} is before from {first}")
    except WeekError as err:
        errors.append(str(err))
    if errors or first is None or last is None:
        context = _log_context(found, user, export_from=start, export_to=end, export_errors=errors)
        return render(request, "contacts/contacts.html", context, status_code=422)
    doc = export_contacts(session=session, team_id=found.id, start=first, end=last, by=user.id)
    name = f"contacts-{found.id}-{first}-{last}.json"
    return Response(
        json.dumps(doc, indent=2, ensure_ascii=False) + "\n",
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/contacts/import", name="contacts_import")
async def contacts_import(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Import a contact log all or nothing: a bad entry changes nothing and is named with its field."""
    found = _team(team)
    data = b"" if file is None else await file.read(MAX_FILE_BYTES + 1)
    return await run_in_threadpool(
        _import_log, request=request, session=session, user=user, team=found, data=data
    )


def _import_log(*, request: Request, session: Session, user: User, team: Team, data: bytes) -> Response:
    if not data:
        errors = ["(file): choose a contact log (JSON) to import"]
    else:
        try:
            count = import_contacts(session=session, team_id=team.id, data=data, by=user.id)
        except FormatError as err:
            errors = err.messages
        else:
            return render(request, "contacts/contacts.html", _log_context(team, user, imported=count))
    # In words for the lead, each with its JSON path in small print for the IT person.
    context = _log_context(team, user, import_errors=plain_errors(errors, data))
    return render(request, "contacts/contacts.html", context, status_code=422)
