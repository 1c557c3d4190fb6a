"""Today: the morning meeting's page and printed sheet, for the staff and leads of the team.

ACT shares its caseload, so every staff member of the team sees every client's line;
the sheet shows client codes, and names only when the team lead asks for the named
version for the meeting room (``names=1``), which the audit trail records as such.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from actplanner.audit.service import audit
from actplanner.domain.week import WeekError, parse_day, team_today
from actplanner.meeting.service import CONTACT_DAYS, morning_sheet
from actplanner.meeting.view import chosen, lines
from actplanner.web.deps import CurrentUserDep, SessionDep, TeamQuery, resolve_team
from actplanner.web.schemas import TEAM_ID_PATTERN
from actplanner.web.templating import render

router = APIRouter(tags=["pages"])

StaffId = Annotated[str | None, Query(pattern=TEAM_ID_PATTERN, max_length=100)]
DENIED_NAMES = "Only the team lead may print the named sheet; the sheet shows client codes."


@router.get("/today", name="today")
def today(
    request: Request,
    session: SessionDep,
    user: CurrentUserDep,
    team: TeamQuery = None,
    day: Annotated[str | None, Query(max_length=40, description="Another date (YYYY-MM-DD).")] = None,
    staff: Annotated[StaffId, Query(description="Only the clients this staff member visits today.")] = None,
    itt: Annotated[
        StaffId, Query(description="Only the clients whose ITT includes this staff member.")
    ] = None,
    names: Annotated[bool, Query(description="Client names, for the lead's meeting-room sheet.")] = False,
) -> Response:
    """Every client of the team, most urgent first, with who is on duty and who was on call last night."""
    found = resolve_team(session=session, user=user, asked=team)
    if found is None:
        raise HTTPException(status_code=404, detail="Choose a team first (open Today from the team page).")
    if names and user.role != "lead":
        # Rendered rather than raised, so the refused attempt commits to the audit trail.
        audit(
            session=session,
            user_id=user.id,
            action="denied",
            target=f"team:{found.id}",
            detail={"page": "today"},
        )
        message = "Only the team lead may print the named sheet; the sheet shows client codes."
        return render(
            request,
            "error.html",
            {"title": "Not allowed", "message": message, "status_code": 403},
            status_code=403,
        )
    try:
        date = parse_day(day, field="day") if day and day.strip() else team_today(found.timezone)
    except WeekError as err:
        raise HTTPException(status_code=422, detail=str(err)) from None
    members = {s.id: s.name for s in found.staff}
    for field, value in (("staff", staff), ("itt", itt)):
        if value is not None and value not in members:
            raise HTTPException(
                status_code=422, detail=f"{field}: no staff member {value!r} in team {found.id!r}."
            )
    sheet = morning_sheet(
        session=session, team_id=found.id, day=date, by=user.id, purpose="today_named" if names else "today"
    )
    shown = lines(chosen(sheet.days, staff=staff, itt=itt), sheet.team, with_names=names)
    keep = {"team": team, "day": day, "staff": staff, "itt": itt}
    context: dict[str, Any] = {
        "team": found,
        "sheet": sheet,
        "lines": shown,
        "flagged": sum(1 for line in shown if line.flags),
        "staff_choices": sorted(members.items(), key=lambda item: item[1]),
        "chosen_staff": staff,
        "chosen_itt": itt,
        "show_names": names,
        "can_name": user.role == "lead",
        "contact_days": CONTACT_DAYS,
        "named_query": _query({**keep, "names": "1"}),
        "coded_query": _query(keep),
        "hidden": {k: v for k, v in (("team", team), ("day", day)) if v},
    }
    return render(request, "meeting/today.html", context)


def _query(params: dict[str, str | None]) -> str:
    return urlencode({k: v for k, v in params.items() if v})
