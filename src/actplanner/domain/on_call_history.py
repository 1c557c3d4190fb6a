"""Earlier weeks' on-call periods as the solver reads them (FORMATS.md, "History").

The plans of record's ``on_call`` entries, in the planned week's minutes, so that fair
shares (soft goal 5) and H10's limits carry across the Sunday → Monday boundary. Each
earlier period also says who could have held it then (the role and a listed discipline,
employed, no leave overlapping it): only they are owed a share of it, so a staff member on
leave is not owed the periods they could not take.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from actplanner.domain.formats import Staff, TeamFile
from actplanner.domain.formats._base import to_date, to_datetime
from actplanner.domain.history import History
from solver import plan as sp
from solver import problem as sv


def on_call_history(team: TeamFile, history: History, week_start: date) -> sv.OnCallHistory | None:
    """The on-call history of the week of ``week_start``: the periods of the plans of record
    of the last ``fairness_weeks`` weeks (at least last week's, for H10), and who could have
    held each. None when no plan of record falls in that span (nothing to carry over)."""
    weeks = team.policy.on_call.fairness_weeks
    since = week_start - timedelta(weeks=max(weeks, 1))
    monday = datetime.combine(week_start, time())
    latest: dict[tuple[str, int], sp.OnCallPeriod] = {}
    could_hold: dict[tuple[str, int], frozenset[str]] = {}
    for week, record in sorted(history.plans.items()):
        if not since <= week < week_start:
            continue
        for entry in record.on_call:
            start, end = to_datetime(entry.start), to_datetime(entry.end)
            offset = _minutes(start - monday)
            key = (entry.role, offset)
            latest[key] = sp.OnCallPeriod(entry.role, entry.staff, offset, _minutes(end - monday))
            could_hold[key] = frozenset(
                member.id for member in team.staff if _could_hold(team, member, entry.role, start, end)
            )
    if not latest:
        return None
    return sv.OnCallHistory(
        periods=tuple(sorted(latest.values(), key=lambda p: (p.start, p.role))),
        fairness_weeks=weeks,
        could_hold=tuple((role, start, ids) for (role, start), ids in sorted(could_hold.items())),
    )


def _minutes(delta: timedelta) -> int:
    return delta // timedelta(minutes=1)


def _could_hold(team: TeamFile, member: Staff, role: str, start: datetime, end: datetime) -> bool:
    """H9 for an earlier period, read from today's team file: the role is theirs, their
    discipline listed, employed on the period's first date, and no leave overlapping it."""
    spec = getattr(team.policy.on_call.roles, role, None)
    if spec is None or role not in member.on_call_roles or member.discipline not in spec.disciplines:
        return False
    day = start.date()
    if (member.employed_from is not None and day < to_date(member.employed_from)) or (
        member.employed_until is not None and day >= to_date(member.employed_until)
    ):
        return False
    return not any(
        to_datetime(leave.start) < end and start < to_datetime(leave.end) for leave in member.leave
    )
