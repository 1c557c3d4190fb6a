"""The lead's spreadsheet page: import staff and clients from CSV or .xlsx, export them, templates,
and the contact log from an EHR export mapped by column.

Thin: read the upload, call the service, render. Every form carries the CSRF token
(checked for every page by the app); exports are audited by the service.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as FormFile

from actplanner.db import Team, User
from actplanner.domain.formats import MAX_FILE_BYTES
from actplanner.spreadsheets.columns import KINDS
from actplanner.spreadsheets.service import (
    CONTACT_FIELDS,
    Download,
    SheetImportError,
    export_team_sheets,
    import_contact_sheet,
    import_team_sheets,
    template,
)
from actplanner.web.deps import LeadDep, SessionDep, TeamDep
from actplanner.web.templating import render

router = APIRouter(tags=["pages"])

SheetChoice = Literal["auto", "staff", "clients"]
SheetName = Literal["staff", "clients"]
PAGE = "spreadsheets/spreadsheets.html"


def _team(team: Team | None) -> Team:
    if team is None:
        raise HTTPException(
            status_code=404, detail="Choose a team first (open this page from the team page)."
        )
    return team


def _context(team: Team | None, user: User, **extra: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "team": team,
        "team_field": team.id if team and user.team_id != team.id else "",
        "query": f"?team={team.id}" if team and user.team_id != team.id else "",
        "kinds": KINDS,
        "contact_fields": CONTACT_FIELDS,
        "mapping": {f.key: f.label for f in CONTACT_FIELDS},
        "imported": None,
        "import_errors": [],
        "contacts_imported": None,
        "contact_errors": [],
    }
    context.update(extra)
    return context


def _download(file: Download) -> Response:
    return Response(
        file.content,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )


@router.get("/team/spreadsheets", name="spreadsheets")
def spreadsheets_page(request: Request, user: LeadDep, team: TeamDep) -> Response:
    """Import and export the staff and clients sheets; import the contact log from an EHR export."""
    return render(request, PAGE, _context(team, user))


@router.post("/team/spreadsheets/import", name="spreadsheets_import")
async def spreadsheets_import(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    file: Annotated[UploadFile | None, File()] = None,
    sheet: Annotated[SheetChoice, Form()] = "auto",
) -> Response:
    """Replace the team's staff and/or clients from a spreadsheet; a bad row changes nothing."""
    found = _team(team)
    data = b"" if file is None else await file.read(MAX_FILE_BYTES + 1)
    name = (file.filename if file is not None else None) or "sheet.csv"
    return await run_in_threadpool(
        _import, request=request, session=session, user=user, team=found, data=data, name=name, sheet=sheet
    )


def _import(
    *, request: Request, session: Session, user: User, team: Team, data: bytes, name: str, sheet: SheetChoice
) -> Response:
    try:
        result = import_team_sheets(
            session=session,
            team_id=team.id,
            data=data,
            filename=name,
            sheet=None if sheet == "auto" else sheet,
            user_id=user.id,
        )
    except SheetImportError as err:
        return render(request, PAGE, _context(team, user, import_errors=err.errors), status_code=422)
    return render(request, PAGE, _context(team, user, imported=result))


@router.get("/team/spreadsheets/team.xlsx", name="spreadsheets_export")
def export_xlsx(session: SessionDep, user: LeadDep, team: TeamDep) -> Response:
    """The staff and clients sheets as one Excel workbook (client names and addresses: audited)."""
    return _download(export_team_sheets(session=session, team_id=_team(team).id, user_id=user.id))


@router.get("/team/spreadsheets/{sheet}.csv", name="spreadsheets_export_csv")
def export_csv(sheet: SheetName, session: SessionDep, user: LeadDep, team: TeamDep) -> Response:
    """One sheet as CSV (audited)."""
    return _download(
        export_team_sheets(session=session, team_id=_team(team).id, sheet=sheet, user_id=user.id)
    )


@router.get("/team/spreadsheets/template.xlsx", name="spreadsheets_template")
def template_xlsx(user: LeadDep) -> Response:
    """The empty staff and clients sheets, with a read-me sheet describing each column."""
    return _download(template())


@router.get("/team/spreadsheets/template/{sheet}.csv", name="spreadsheets_template_csv")
def template_csv(sheet: SheetName, user: LeadDep) -> Response:
    """One sheet's header row as CSV."""
    return _download(template(sheet))


@router.post("/team/spreadsheets/contacts", name="spreadsheets_contacts")
async def contacts_import(request: Request, session: SessionDep, user: LeadDep, team: TeamDep) -> Response:
    """Import contacts from an EHR export, its columns named in the mapping form; all or nothing."""
    found = _team(team)
    form = await request.form()
    upload = form.get("file")
    data = await upload.read(MAX_FILE_BYTES + 1) if isinstance(upload, FormFile) else b""
    name = (upload.filename if isinstance(upload, FormFile) else None) or "contacts.csv"
    mapping = {f.key: str(form.get(f"column_{f.key}") or "")[:200] for f in CONTACT_FIELDS}
    return await run_in_threadpool(
        _import_contacts,
        request=request,
        session=session,
        user=user,
        team=found,
        data=data,
        name=name,
        mapping=mapping,
    )


def _import_contacts(
    *,
    request: Request,
    session: Session,
    user: User,
    team: Team,
    data: bytes,
    name: str,
    mapping: dict[str, str],
) -> Response:
    try:
        count = import_contact_sheet(
            session=session, team_id=team.id, data=data, mapping=mapping, filename=name, user_id=user.id
        )
    except SheetImportError as err:
        context = _context(team, user, contact_errors=err.errors, mapping=mapping)
        return render(request, PAGE, context, status_code=422)
    return render(request, PAGE, _context(team, user, contacts_imported=count, mapping=mapping))
