"""Making up missed visits: who is now short this week, and the re-plan from tomorrow that places them.

When contacts of the current week are recorded as not done, the board says how
many clients will end the week below their required count if nothing changes,
and offers "Re-plan the rest of the week" from tomorrow (FORMATS.md's F; today's
own visits are moved by hand). The worker reads the week's contact log at solve
time, so a re-plan counts what happened, not what was planned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from actplanner.contacts.service import contact_log
from actplanner.domain.formats import Contact, PlanFile, TeamFile, load_plan
from actplanner.domain.formats._base import to_date
from actplanner.domain.history import History, seen_dates
from actplanner.domain.week import DAYS_IN_WEEK
from actplanner.planning.edits import local_now
from actplanner.planning.plans import published_plan, stored_plan_doc
from actplanner.teams.service import team_file


@dataclass(frozen=True)
class MakeUp:
    """What the board offers in a week under way with contacts recorded as not done."""

    plan_id: int
    from_date: date
    missed: int
    #: Codes of the clients short this week, sorted.
    short: list[str]


def short_clients(
    team: TeamFile, plan: PlanFile, contacts: Sequence[Contact], week_start: date, cut: date
) -> list[str]:
    """Ids of the clients who end the week below their required home-visit count if nothing changes.

    A client's count is their seen dates of the week before ``cut`` (what happened: a
    no-show is not seen, a planned visit not yet recorded is) plus the distinct dates of
    the plan's home visits from ``cut`` on, against the client's visits per week.
    """
    seen = seen_dates(team, History(contacts=tuple(contacts)), before=cut, plan=plan)
    ahead: dict[str, set[date]] = defaultdict(set)
    for visit in plan.visits:
        day = to_date(visit.date)
        # A plan@1 visit has no place: every one is a home visit.
        if day >= cut and getattr(visit, "place", None) in (None, "home"):
            ahead[visit.client].add(day)
    short = []
    for client in team.clients:
        wanted = client.visits_per_week or team.policy.acuity[client.acuity].visits_per_week
        this_week = sum(week_start <= s.date < cut for s in seen.get(client.id, ()))
        if this_week + len(ahead[client.id]) < wanted:
            short.append(client.id)
    return short


def make_up_offer(*, session: Session, team_id: str, week_start: date, by: int | None) -> MakeUp | None:
    """The board's offer for the team's current week; None in another week, on its Sunday (no
    tomorrow left in it), without a published plan, or when no contact is recorded as not done.

    Reading the log is audited as a PHI view for the board.
    """
    today = local_now(session, team_id).date()
    tomorrow = today + timedelta(days=1)
    if not week_start <= today < tomorrow < week_start + timedelta(days=DAYS_IN_WEEK):
        return None
    published = published_plan(session=session, team_id=team_id, week_start=week_start)
    if published is None:
        return None
    log = contact_log(session=session, team_id=team_id, start=week_start, end=today, by=by, purpose="board")
    missed = sum(c.outcome != "done" for c in log.contacts)
    if not missed:
        return None
    team = team_file(session=session, team_id=team_id)
    plan = load_plan(stored_plan_doc(session=session, plan_id=published.id))
    codes = {c.id: c.code for c in team.clients}
    short = short_clients(team, plan, log.contacts, week_start, tomorrow)
    return MakeUp(published.id, tomorrow, missed, sorted(codes[c] for c in short))


def replan_history(*, session: Session, team_id: str, week_start: date, from_date: date) -> History | None:
    """What a re-plan from ``from_date`` counts as having happened: the week's contacts before it.

    None when none is recorded: the re-plan then reads the baseline's visits alone, as before
    contacts were kept. Reading the log is audited as a PHI view by the system.
    """
    if from_date <= week_start:
        return None
    log = contact_log(
        session=session,
        team_id=team_id,
        start=week_start,
        end=from_date - timedelta(days=1),
        by=None,
        purpose="re-plan",
    )
    return History(contacts=tuple(log.contacts)) if log.contacts else None
