"""The month view: the next weeks side by side, as planned (issue 11, item 3).

For each week, the plan the board would show (the newest draft made after the
published plan, else the published plan) and its solve's state; per day, the
visits planned and who holds primary and backup on call for the period starting
that day; per client (by code, no PHI), the dates with a planned home visit each
week against the count the week requires (H1 as in version 2: open dates, the
post-discharge rule; ``domain.care.required_home_visits``). Publishing stays per week, on the board.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from actplanner.db import Plan, SolveJob
from actplanner.domain.care import required_home_visits
from actplanner.domain.week import week_dates
from actplanner.planning.jobs import latest_job
from actplanner.planning.plans import week_plans
from actplanner.teams.service import team_file

#: The roles a day of the month view shows.
MONTH_ROLES = ("primary", "backup")


@dataclass(frozen=True)
class DayCoverage:
    day: date
    visits: int
    #: Role → who holds the period starting this day ("—": nobody).
    on_call: dict[str, str]


@dataclass(frozen=True)
class MonthWeek:
    week: date
    plan: Plan | None
    job: SolveJob | None
    days: list[DayCoverage]

    @property
    def label(self) -> str:
        if self.plan is None:
            return "No plan yet"
        if self.plan.status == "draft":
            return f"Draft {self.plan.id}"
        return f"Published version {self.plan.version}"

    @property
    def visits(self) -> int:
        return sum(d.visits for d in self.days)


@dataclass(frozen=True)
class ClientWeek:
    """A client's week: dates with a planned home visit (None: no plan) and the count required."""

    planned: int | None
    required: int

    @property
    def short(self) -> bool:
        return self.planned is not None and self.planned < self.required


@dataclass(frozen=True)
class ClientRow:
    code: str
    weeks: list[ClientWeek]


@dataclass(frozen=True)
class Month:
    weeks: list[MonthWeek]
    clients: list[ClientRow]
    roles: list[str]

    @property
    def solving(self) -> bool:
        """Whether a week's solve is queued or running (the page then refreshes itself)."""
        return any(w.job is not None and w.job.active for w in self.weeks)

    @property
    def short(self) -> int:
        """Client-weeks planned below their count."""
        return sum(cell.short for row in self.clients for cell in row.weeks)


def shown_plan(plans: list[Plan]) -> Plan | None:
    """The newest draft made after the published plan, else the published plan (as the board shows)."""
    published = next((p for p in plans if p.status == "published"), None)
    draft = next((p for p in plans if p.status == "draft"), None)
    if draft is not None and (published is None or draft.id > published.id):
        return draft
    return published


def month_view(*, session: Session, team_id: str, first: date, weeks: int) -> Month:
    """The ``weeks`` weeks from ``first`` side by side."""
    team = team_file(session=session, team_id=team_id)
    names = {s.id: s.name for s in team.staff}
    roles = [r for r in MONTH_ROLES if r in team.policy.defined_roles()]
    shown: list[MonthWeek] = []
    planned: dict[date, dict[str, set[date]]] = {}
    for k in range(weeks):
        week = first + timedelta(weeks=k)
        plan = shown_plan(week_plans(session=session, team_id=team_id, week_start=week))
        counts: dict[date, int] = defaultdict(int)
        held: dict[tuple[str, str], list[str]] = defaultdict(list)
        if plan is not None:
            dates: dict[str, set[date]] = defaultdict(set)
            for visit in plan.visits:
                counts[visit.date] += 1
                if visit.place in (None, "home"):
                    dates[visit.client_id].add(visit.date)
            planned[week] = dates
            for period in plan.on_call:
                held[(period.role, period.start[:10])].append(names.get(period.staff_id, period.staff_id))
        days = [
            DayCoverage(
                day,
                counts.get(day, 0),
                {role: ", ".join(held.get((role, day.isoformat()), [])) or "—" for role in roles},
            )
            for day in week_dates(week)
        ]
        job = latest_job(session=session, team_id=team_id, week_start=week)
        shown.append(MonthWeek(week, plan, job, days))
    clients = [
        ClientRow(
            client.code,
            [
                ClientWeek(
                    None if w.week not in planned else len(planned[w.week].get(client.id, ())),
                    required_home_visits(team, client, w.week),
                )
                for w in shown
            ],
        )
        for client in sorted(team.clients, key=lambda c: c.code)
    ]
    return Month(shown, clients, roles)
