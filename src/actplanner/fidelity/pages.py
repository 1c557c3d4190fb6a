"""The Fidelity page for the team lead: a period's figures from the contact log, its CSV and printable report.

Thin: parse the period, call ``period_report`` (which audits reading the log),
render. The page, each CSV and the printed report each leave an audit record.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from actplanner.db import Team, User
from actplanner.fidelity.export import Part, report_csv
from actplanner.fidelity.report import FidelityReport, PeriodError, parse_period, show
from actplanner.fidelity.service import first_contact, period_report
from actplanner.fidelity.trend import Series, trend_svg
from actplanner.teams.service import list_teams
from actplanner.web.deps import LeadDep, SessionDep, TeamDep, TodayDep
from actplanner.web.templating import render

router = APIRouter(tags=["pages"])

FromQuery = Annotated[
    str | None, Query(alias="from", max_length=40, description="First day, a Monday (YYYY-MM-DD).")
]
ToQuery = Annotated[
    str | None, Query(alias="to", max_length=40, description="Last day, a Sunday (YYYY-MM-DD).")
]


def printed_at() -> datetime:
    """The moment a report is printed, in UTC (the template writes it in the team's zone)."""
    return datetime.now(UTC)


#: A dependency rather than a call, so a test can name the moment it prints at.
PrintedDep = Annotated[datetime, Depends(printed_at)]


def _query(team: Team, user: User, start: date, end: date) -> str:
    """The period (and the team, for a lead of no team) as a query string for the page's links."""
    query = {"from": start.isoformat(), "to": end.isoformat()}
    if user.team_id != team.id:
        query["team"] = team.id
    return urlencode(query)


def charts(report: FidelityReport) -> dict[str, Markup]:
    """The weekly trend charts, delivered beside planned, each against its DACTS top rating."""
    weeks = [w.week_start for w in report.weeks]

    def chart(key: str, title: str, target: float) -> Markup:
        delivered = Series("Delivered", [getattr(w.delivered, key) for w in report.weeks], "delivered")
        planned = Series(
            "Planned",
            [None if w.planned is None else getattr(w.planned, key) for w in report.weeks],
            "planned",
            dashed=True,
        )
        # trend_svg escapes every text it writes; the markup is ours.
        return Markup(trend_svg(weeks, [delivered, planned], title=title, target=target))  # noqa: S704

    return {
        "contacts": chart("contacts_per_client_week", "Contacts per client per week, by week", 4),
        "minutes": chart("minutes_per_client_week", "Face-to-face minutes per client per week, by week", 120),
    }


def _report(
    session: Session,
    user: User,
    team: Team | None,
    today: date,
    first: str | None,
    last: str | None,
    purpose: str,
) -> tuple[Team, FidelityReport]:
    """The report a CSV or the printed report asks for; 422 naming the field for a bad period."""
    if team is None:
        raise HTTPException(status_code=422, detail="team: choose the team whose fidelity to show.")
    try:
        start, end = parse_period(
            first, last, today=today, log_starts=first_contact(session=session, team_id=team.id)
        )
    except PeriodError as err:
        raise HTTPException(status_code=422, detail=str(err)) from None
    return team, period_report(
        session=session, team_id=team.id, start=start, end=end, by=user.id, purpose=purpose
    )


def _log_starts(session: Session, team: Team, report: FidelityReport) -> date | None:
    """The day the team's contact log begins when that lies inside the period after its first
    day, else None. A period asked for may start before the log: its weeks before it read as
    no contacts and every client short, so the page says why beside them."""
    begins = first_contact(session=session, team_id=team.id)
    return begins if begins is not None and report.start < begins <= report.end else None


@router.get("/fidelity", name="fidelity")
def fidelity_page(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    today: TodayDep,
    first: FromQuery = None,
    last: ToQuery = None,
) -> Response:
    """A period's fidelity figures beside the DACTS top ratings, planned beside delivered, by week,
    with the clients below their required count and each staff member's contacts."""
    context: dict[str, Any] = {"team": team, "teams": [], "error": None, "report": None, "show": show}
    if team is None:
        context["teams"] = list_teams(session=session)
        return render(request, "fidelity/fidelity.html", context)
    context["team_field"] = None if user.team_id == team.id else team.id
    try:
        start, end = parse_period(
            first, last, today=today, log_starts=first_contact(session=session, team_id=team.id)
        )
    except PeriodError as err:
        context.update(error=str(err), first=first or "", last=last or "")
        return render(request, "fidelity/fidelity.html", context, status_code=422)
    report = period_report(
        session=session, team_id=team.id, start=start, end=end, by=user.id, purpose="fidelity"
    )
    context.update(
        report=report,
        first=start.isoformat(),
        last=end.isoformat(),
        query=_query(team, user, start, end),
        charts=charts(report),
        log_starts=_log_starts(session, team, report),
    )
    return render(request, "fidelity/fidelity.html", context)


@router.get("/fidelity/report", name="fidelity_report")
def printable_report(
    request: Request,
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    today: TodayDep,
    printed: PrintedDep,
    first: FromQuery = None,
    last: ToQuery = None,
) -> Response:
    """The period's report laid out for printing, for the state review (client codes only)."""
    found, report = _report(session, user, team, today, first, last, "fidelity report")
    context = {
        "team": found,
        "report": report,
        "charts": charts(report),
        "printed": printed,
        "show": show,
        "log_starts": _log_starts(session, found, report),
    }
    return render(request, "fidelity/report.html", context)


@router.get("/fidelity/{part}.csv", name="fidelity_csv")
def csv_export(
    session: SessionDep,
    user: LeadDep,
    team: TeamDep,
    today: TodayDep,
    part: Part,
    first: FromQuery = None,
    last: ToQuery = None,
) -> Response:
    """One table of the period's report as CSV: figures, weeks, clients (short weeks) or staff."""
    found, report = _report(session, user, team, today, first, last, f"fidelity csv {part}")
    name = f"fidelity-{found.id}-{report.start}-{report.end}-{part}.csv"
    return Response(
        report_csv(report, part),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
