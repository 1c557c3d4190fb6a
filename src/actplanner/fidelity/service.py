"""The Fidelity page's one verb: a period's report from the stored contact log and published plans."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Text, func, select, type_coerce
from sqlalchemy.orm import Session

from actplanner.contacts.service import current_team_file, read_contacts
from actplanner.db import Contact as ContactRow
from actplanner.db import Plan, Visit
from actplanner.domain.formats import PLAN_FORMAT, PlanFile, PlanVisit
from actplanner.domain.trusted import built, iso_date, json_list
from actplanner.fidelity.report import FidelityReport, fidelity_report


def period_report(
    *, session: Session, team_id: str, start: date, end: date, by: int | None, purpose: str
) -> FidelityReport:
    """The fidelity report of team ``team_id`` over [``start``, ``end``] (a Monday to a Sunday).

    Reading the log is audited as a PHI view for ``purpose`` ("fidelity", "fidelity csv",
    "fidelity report"), so each page view and each export leaves its own record.
    """
    team = current_team_file(session=session, team_id=team_id)
    contacts = read_contacts(session=session, team_id=team_id, start=start, end=end, by=by, purpose=purpose)
    return fidelity_report(team, contacts, published_plans(session, team_id, start, end), start, end)


def first_contact(*, session: Session, team_id: str) -> date | None:
    """The date of the team's first recorded contact (when its log begins); None when it has none.

    A date only, no contact: not a view of the log.
    """
    found = session.scalar(select(func.min(ContactRow.date)).where(ContactRow.team_id == team_id))
    return found if found is None or isinstance(found, date) else date.fromisoformat(str(found))


def published_plans(session: Session, team_id: str, start: date, end: date) -> list[PlanFile]:
    """The visits of the published plan of each week of the period that has one.

    Only the visits, and only their columns, in one query for the whole period: planned
    contacts read nothing else, and loading twelve stored plans of a large team as objects
    (each plan's visits a query of their own) was most of the page's time. Built as plan
    models without checking again: each plan was checked when it was saved.
    """
    rows = session.execute(
        select(
            Plan.week_start,
            Visit.id,
            Visit.client_id,
            # As the driver gives them (``iso_date``, ``json_list``): the ORM's conversions of
            # every value cost more than the query.
            type_coerce(Visit.staff, Text),
            type_coerce(Visit.date, Text),
            Visit.start,
            Visit.end,
        )
        .join(Plan, Plan.id == Visit.plan_id)
        .where(
            Plan.team_id == team_id,
            Plan.status == "published",
            Plan.week_start >= start,
            Plan.week_start <= end,
        )
        .order_by(Plan.week_start, Visit.position)
    ).all()
    weeks: dict[date, list[PlanVisit]] = {
        monday: []
        for monday in session.scalars(
            select(Plan.week_start).where(
                Plan.team_id == team_id,
                Plan.status == "published",
                Plan.week_start >= start,
                Plan.week_start <= end,
            )
        )
    }
    memo: dict[str, list[Any]] = {}
    for monday, ident, client, staff, day, begins, ends in rows:
        weeks[monday].append(
            built(
                PlanVisit,
                id=ident,
                client=client,
                staff=json_list(staff, memo),
                date=iso_date(day),
                start=begins,
                end=ends,
                purpose=None,
                pinned=False,
            )
        )
    return [
        PlanFile.model_construct(
            format=PLAN_FORMAT,
            team=team_id,
            week_start=monday.isoformat(),
            visits=visits,
            on_call=[],
            caseload={},
        )
        for monday, visits in sorted(weeks.items())
    ]
