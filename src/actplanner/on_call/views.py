"""What the on-call pages show of the rota: role names, the lead's two weeks day by day, swap choices.

Plain functions of the holdings (``team_rota``), so they read nothing and test without a database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from actplanner.db import Team
from actplanner.domain.rota import COVERAGE_HORIZON, ESCALATION_ROLES, Holding, gaps, runs, utc_to_local
from actplanner.on_call.service import Stretch

ROLE_NAMES = {
    "primary": "Primary on call",
    "backup": "Backup on call",
    "prescriber": "Prescriber on call",
    "team_leader": "Team leader",
}


@dataclass(frozen=True)
class RotaEntry:
    """A stretch of one day held by one person (None: nobody), as local clock times."""

    name: str | None
    start: str
    end: str


@dataclass(frozen=True)
class RotaDay:
    date: date
    #: One list of entries per role, in the order of the page's roles.
    cells: list[list[RotaEntry]]


@dataclass(frozen=True)
class SwapPeriod(Stretch):
    """An upcoming stretch of one holder in one role, as the swap form offers it."""

    value: str
    label: str


def team_roles(team: Team) -> list[str]:
    configured = (team.policy.get("on_call") or {}).get("roles") or {}
    return [r for r in ESCALATION_ROLES if r in configured]


def _clock(instant: datetime, day_end: datetime, tz: ZoneInfo) -> str:
    return "24:00" if instant >= day_end else instant.astimezone(tz).strftime("%H:%M")


def rota_days(
    holdings: list[Holding], roles: list[str], names: dict[str, str], now: datetime, tz: ZoneInfo
) -> list[RotaDay]:
    """The two weeks from ``now`` day by day: per role who holds it when, gaps as entries with no name."""
    days = []
    first = now.astimezone(tz).date()
    for offset in range((COVERAGE_HORIZON.days) + 1):
        day = first + timedelta(days=offset)
        low = max(now, datetime.combine(day, time(), tzinfo=tz))
        high = min(now + COVERAGE_HORIZON, datetime.combine(day + timedelta(days=1), time(), tzinfo=tz))
        if low >= high:
            continue
        cells = []
        for role in roles:
            entries: list[tuple[datetime, datetime, str | None]] = [
                (max(h.start, low), min(h.end, high), names.get(h.staff_id, h.staff_id))
                for h in runs(holdings, role)
                if h.start < high and h.end > low
            ]
            entries += [(start, end, None) for start, end in gaps(holdings, role, low, high)]
            cells.append(
                [
                    RotaEntry(name, _clock(start, high, tz), _clock(end, high, tz))
                    for start, end, name in sorted(entries, key=lambda e: e[0])
                ]
            )
        days.append(RotaDay(day, cells))
    return days


def swap_periods(
    holdings: list[Holding], roles: list[str], names: dict[str, str], now: datetime, tz: ZoneInfo
) -> list[SwapPeriod]:
    """Each holder's upcoming stretches (starting after ``now``), the ones a swap may exchange."""
    periods = []
    for role in roles:
        for h in runs(holdings, role):
            if h.start < now:
                continue
            start, end = utc_to_local(h.start, tz), utc_to_local(h.end, tz)
            label = (
                f"{ROLE_NAMES.get(role, role)}: {names.get(h.staff_id, h.staff_id)}, "
                f"{h.start.astimezone(tz):%a %-d %b %H:%M} – {h.end.astimezone(tz):%a %-d %b %H:%M}"
            )
            periods.append(SwapPeriod(role, h.staff_id, start, end, f"{role}|{start}|{end}", label))
    return periods
