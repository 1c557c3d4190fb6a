"""The JSON API's contact log (``/api/v1/teams/{team_id}/contacts``): record, list, correct, import, export.

Callers authenticate with a personal token (``Authorization: Bearer``). Staff
record, list and correct only contacts they were on (correcting for 7 days after
the contact's date); the lead does anything for their team, and alone imports
and exports whole logs. A bad entry or log is a 422 whose ``detail`` lists every
problem as ``field: message`` (``contacts[i].field`` for a log); nothing changes.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from actplanner.audit.service import audit
from actplanner.contacts import service
from actplanner.contacts.service import ContactDenied, StoredContact
from actplanner.db import User
from actplanner.domain.formats import MAX_FILE_BYTES, Contact, FormatError, parse_json
from actplanner.domain.week import WeekError, require_planned
from actplanner.web.deps import SessionDep, TokenLeadDep, TokenUserDep, require_team
from actplanner.web.schemas import MAX_ID, TEAM_ID_PATTERN, TeamIdPath, error_responses

router = APIRouter(prefix="/api/v1", tags=["contacts"])

ContactId = Annotated[int, Path(ge=1, le=MAX_ID, description="A stored contact's id (not its file id).")]
IdQuery = Annotated[str | None, Query(pattern=TEAM_ID_PATTERN, max_length=100)]
#: Longest span one export or listing reads: a year of a large team's log stays a few megabytes.
MAX_SPAN_DAYS = 366

#: One entry as FORMATS.md defines it, but ``id`` may be left out (the store gives one).
_ENTRY_SCHEMA = Contact.model_json_schema()
_ENTRY_SCHEMA["required"] = [name for name in _ENTRY_SCHEMA["required"] if name != "id"]
ENTRY_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "An entry of a contact log (docs/formats/contacts.md); `id` is optional.",
        "content": {"application/json": {"schema": _ENTRY_SCHEMA}},
    }
}
CHANGES_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The fields of the entry to change (a null optional field is removed); `id` stays.",
        "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
    }
}
LOG_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A contact log of this team (`actplanner/contacts@1`, docs/formats/contacts.md).",
        "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
    }
}


class ContactRead(BaseModel):
    """A stored contact: its row id (for corrections), the file's entry, who recorded and corrected it."""

    id: int
    contact: dict[str, Any] = Field(description="The entry as a contacts@1 file lists it.")
    recorded_by: int | None
    recorded_at: datetime
    corrected_by: int | None
    corrected_at: datetime | None


class ContactsImported(BaseModel):
    """How many entries an imported log held."""

    contacts: int


def _read(stored: StoredContact) -> ContactRead:
    return ContactRead(
        id=stored.id,
        contact=stored.contact.model_dump(exclude_unset=True),
        recorded_by=stored.recorded_by,
        recorded_at=stored.recorded_at,
        corrected_by=stored.corrected_by,
        corrected_at=stored.corrected_at,
    )


async def _json(request: Request) -> Any:
    data = await request.body()
    try:
        return parse_json(data, where="(body)")
    except FormatError as err:
        raise HTTPException(status_code=422, detail=err.messages) from None


def _span(start: date | None, end: date | None, *, required: bool) -> tuple[date | None, date | None]:
    if required and (start is None or end is None):
        raise HTTPException(status_code=422, detail="from, to: give both dates (YYYY-MM-DD) of the span.")
    try:
        for name, day in (("from", start), ("to", end)):
            if day is not None:
                require_planned(day, field=name)
    except WeekError as err:
        raise HTTPException(status_code=422, detail=str(err)) from None
    if start is not None and end is not None:
        if end < start:
            raise HTTPException(status_code=422, detail=f"to: {end} is before from {start}.")
        if (end - start).days >= MAX_SPAN_DAYS:
            raise HTTPException(status_code=422, detail=f"to: at most {MAX_SPAN_DAYS} days from 'from'.")
    return start, end


def _stored(session: Session, team_id: str, contact_id: int) -> StoredContact:
    return service.get_contact(session=session, team_id=team_id, contact_id=contact_id)


@router.post(
    "/teams/{team_id}/contacts",
    status_code=201,
    response_model=ContactRead,
    openapi_extra=ENTRY_BODY,
    responses=error_responses(403, 404, 422),
    summary="Record a contact",
)
async def record(
    team_id: TeamIdPath, request: Request, session: SessionDep, user: TokenUserDep
) -> ContactRead:
    """Record what happened at a planned visit (``visit``) or an unplanned contact; checked, audited."""
    require_team(user, team_id)
    entry = await _json(request)
    return await run_in_threadpool(_record, session=session, user=user, team_id=team_id, entry=entry)


def _record(*, session: Session, user: User, team_id: str, entry: Any) -> ContactRead:
    try:
        row_id = service.record_contact(session=session, team_id=team_id, entry=entry, by=user.id)
    except FormatError as err:
        raise HTTPException(status_code=422, detail=err.messages) from None
    except ContactDenied as err:
        raise HTTPException(status_code=403, detail=str(err)) from None
    return _read(_stored(session, team_id, row_id))


@router.get(
    "/teams/{team_id}/contacts",
    response_model=list[ContactRead],
    responses=error_responses(403, 404, 422),
    summary="List contacts",
)
def list_contacts(
    team_id: TeamIdPath,
    session: SessionDep,
    user: TokenUserDep,
    client: IdQuery = None,
    staff: IdQuery = None,
    start: Annotated[date | None, Query(alias="from", description="First date (YYYY-MM-DD).")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last date (YYYY-MM-DD).")] = None,
) -> list[ContactRead]:
    """The team's contacts by date, filtered by client, staff member and dates; staff see their own only."""
    require_team(user, team_id)
    start, end = _span(start, end, required=False)
    if user.role != "lead":
        if staff not in (None, user.staff_id):
            raise HTTPException(status_code=403, detail="staff: you can list only your own contacts.")
        staff = user.staff_id or "-"
    found = service.list_contacts(
        session=session, team_id=team_id, client=client, staff=staff, start=start, end=end
    )
    if found:
        audit(
            session=session,
            user_id=user.id,
            action="view_phi",
            target=f"contacts:{team_id}",
            detail={
                "purpose": "api list",
                "contacts": len(found),
                "clients": sorted({c.contact.client for c in found}),
            },
            team_id=team_id,
        )
    return [_read(c) for c in found]


@router.patch(
    "/teams/{team_id}/contacts/{contact_id}",
    response_model=ContactRead,
    openapi_extra=CHANGES_BODY,
    responses=error_responses(403, 404, 422),
    summary="Correct a contact",
)
async def correct(
    team_id: TeamIdPath, contact_id: ContactId, request: Request, session: SessionDep, user: TokenUserDep
) -> ContactRead:
    """Change fields of a stored contact; staff their own for 7 days after its date, the lead any."""
    require_team(user, team_id)
    changes = await _json(request)
    return await run_in_threadpool(
        _correct, session=session, user=user, team_id=team_id, contact_id=contact_id, changes=changes
    )


def _correct(*, session: Session, user: User, team_id: str, contact_id: int, changes: Any) -> ContactRead:
    try:
        service.correct_contact(
            session=session,
            team_id=team_id,
            contact_id=contact_id,
            changes=changes,
            by=user.id,
            as_lead=user.role == "lead",
        )
    except FormatError as err:
        raise HTTPException(status_code=422, detail=err.messages) from None
    except ContactDenied as err:
        raise HTTPException(status_code=403, detail=str(err)) from None
    return _read(_stored(session, team_id, contact_id))


@router.get(
    "/teams/{team_id}/contacts/export",
    response_model=dict[str, Any],
    responses=error_responses(403, 404, 422),
    summary="Export the contact log",
)
def export(
    team_id: TeamIdPath,
    session: SessionDep,
    user: TokenLeadDep,
    start: Annotated[date | None, Query(alias="from", description="First date (YYYY-MM-DD).")] = None,
    end: Annotated[date | None, Query(alias="to", description="Last date (YYYY-MM-DD).")] = None,
) -> dict[str, Any]:
    """The team's contacts dated in [from, to] as an ``actplanner/contacts@1`` file; audited."""
    require_team(user, team_id)
    first, last = _span(start, end, required=True)
    assert first is not None and last is not None
    return service.export_contacts(session=session, team_id=team_id, start=first, end=last, by=user.id)


@router.post(
    "/teams/{team_id}/contacts/import",
    response_model=ContactsImported,
    openapi_extra=LOG_BODY,
    responses=error_responses(403, 404, 413, 422),
    summary="Import a contact log",
)
async def import_log(
    team_id: TeamIdPath, request: Request, session: SessionDep, user: TokenLeadDep
) -> ContactsImported:
    """Store a whole contacts@1 log, all or nothing: a bad entry changes nothing and is named."""
    require_team(user, team_id)
    data = await request.body()
    if len(data) > MAX_FILE_BYTES:
        raise HTTPException(
            status_code=413,
            detail=f"A contact log may have at most {MAX_FILE_BYTES // (1024 * 1024)} MB; nothing changed.",
        )
    return await run_in_threadpool(_import, session=session, user=user, team_id=team_id, data=data)


def _import(*, session: Session, user: User, team_id: str, data: bytes) -> ContactsImported:
    try:
        count = service.import_contacts(session=session, team_id=team_id, data=data, by=user.id)
    except FormatError as err:
        raise HTTPException(status_code=422, detail=err.messages) from None
    return ContactsImported(contacts=count)
