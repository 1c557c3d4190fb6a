"""The Fidelity page's one verb: a period's report from the stored contact log and published plans."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from actplanner.contacts.service import contact_log
from actplanner.domain.formats import PLAN_FORMAT, PlanFile, load_plan
from actplanner.fidelity.report import FidelityReport, fidelity_report, period_weeks
from actplanner.planning.plans import published_plan, visit_entry
from actplanner.teams.service import team_file


def period_report(
    *, session: Session, team_id: str, start: date, end: date, by: int | None, purpose: str
) -> FidelityReport:
    """The fidelity report of team ``team_id`` over [``start``, ``end``] (a Monday to a Sunday).

    Reading the log is audited as a PHI view for ``purpose`` ("fidelity", "fidelity csv",
    "fidelity report"), so each page view and each export leaves its own record.
    """
    team = team_file(session=session, team_id=team_id)
    log = contact_log(session=session, team_id=team_id, start=start, end=end, by=by, purpose=purpose)
    return fidelity_report(team, log.contacts, published_plans(session, team_id, start, end), start, end)


def published_plans(session: Session, team_id: str, start: date, end: date) -> list[PlanFile]:
    """The visits of the published plan of each week of the period that has one.

    Only the visits: planned contacts read nothing else, and copying twelve whole plans
    of a large team (``stored_plan_doc``) was a third of the page's time.
    """
    plans = []
    for monday in period_weeks(start, end):
        plan = published_plan(session=session, team_id=team_id, week_start=monday)
        if plan is not None:
            doc = {
                "format": PLAN_FORMAT,
                "team": team_id,
                "week_start": monday.isoformat(),
                "visits": [visit_entry(v) for v in plan.visits],
                "on_call": [],
                "caseload": {},
            }
            plans.append(load_plan(doc))
    return plans
