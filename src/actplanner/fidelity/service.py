"""The Fidelity page's one verb: a period's report from the stored contact log and published plans."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from actplanner.contacts.service import current_team_file, read_contacts
from actplanner.db import Contact as ContactRow
from actplanner.db import Plan
from actplanner.domain.fidelity import planned_contacts
from actplanner.domain.formats import PLAN_FORMAT, Contact, PlanFile
from actplanner.fidelity.report import FidelityReport, fidelity_report
from actplanner.planning.plans import stored_visits


def period_report(
    *, session: Session, team_id: str, start: date, end: date, by: int | None, purpose: str
) -> FidelityReport:
    """The fidelity report of team ``team_id`` over [``start``, ``end``] (a Monday to a Sunday).

    Reading the log is audited as a PHI view for ``purpose`` ("fidelity", "fidelity csv",
    "fidelity report"), so each page view and each export leaves its own record.
    """
    team = current_team_file(session=session, team_id=team_id)
    contacts = read_contacts(session=session, team_id=team_id, start=start, end=end, by=by, purpose=purpose)
    kept = _published(session, team_id, start, end)
    planned = [c for plan in kept for c in plan.planned]
    return fidelity_report(team, contacts, [k.plan for k in kept], start, end, planned=planned)


def first_contact(*, session: Session, team_id: str) -> date | None:
    """The date of the team's first recorded contact (when its log begins); None when it has none.

    A date only, no contact: not a view of the log.
    """
    found = session.scalar(select(func.min(ContactRow.date)).where(ContactRow.team_id == team_id))
    return found if found is None or isinstance(found, date) else date.fromisoformat(str(found))


@dataclass(frozen=True)
class _KeptPlan:
    """A published plan with its visits, and those visits as planned contacts (made once)."""

    plan: PlanFile
    planned: tuple[Contact, ...]


#: Published plans of each database by plan id, as ``published_plans`` builds them: a published
#: plan never changes (an edit or a re-plan is a new version), so its id names its visits.
_kept: weakref.WeakKeyDictionary[Engine, dict[int, _KeptPlan]] = weakref.WeakKeyDictionary()
#: How many plans a process keeps per database: a year of weeks of a few teams.
KEPT_PLANS = 256


def published_plans(session: Session, team_id: str, start: date, end: date) -> list[PlanFile]:
    """The visits of the published plan of each week of the period that has one (see ``_published``)."""
    return [k.plan for k in _published(session, team_id, start, end)]


def _published(session: Session, team_id: str, start: date, end: date) -> list[_KeptPlan]:
    """The visits of the published plan of each week of the period that has one, by week.

    Only the visits, and only their columns, in one query for the plans not yet kept:
    planned contacts read nothing else, and loading twelve stored plans of a large team as
    objects (each plan's visits a query of their own) was most of the page's time. Built
    as plan models without checking again (each plan was checked when it was saved), and
    kept per process by plan id, as the morning meeting keeps its plans.
    """
    found = session.execute(
        select(Plan.id, Plan.week_start)
        .where(
            Plan.team_id == team_id,
            Plan.status == "published",
            Plan.week_start >= start,
            Plan.week_start <= end,
        )
        .order_by(Plan.week_start)
    ).all()
    engine = session.get_bind()
    kept: dict[int, _KeptPlan] = _kept.setdefault(engine, {}) if isinstance(engine, Engine) else {}
    missing = {ident: monday for ident, monday in found if ident not in kept}
    if missing:
        if len(kept) + len(missing) > KEPT_PLANS:
            kept.clear()
        for ident, plan in _plan_visits(session, team_id, missing).items():
            kept[ident] = _KeptPlan(plan, planned_contacts([plan]))
    return [kept[ident] for ident, _ in found]


def _plan_visits(session: Session, team_id: str, plans: dict[int, date]) -> dict[int, PlanFile]:
    """The plans ``plans`` names (id: week) with their visits, from one query of columns."""
    visits = stored_visits(session, plans)
    return {
        ident: PlanFile.model_construct(
            format=PLAN_FORMAT,
            team=team_id,
            week_start=monday.isoformat(),
            visits=visits[ident],
            on_call=[],
            caseload={},
        )
        for ident, monday in plans.items()
    }
