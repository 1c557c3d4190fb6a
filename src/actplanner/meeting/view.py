"""What the Today page shows, from the engine's lines: staff by name, clients by code, the filters.

Pure: the service reads the team, plans, contacts and rota and hands them here.
Client names appear only when the caller asks for them (the lead's named sheet
for the meeting room); staff names are not health information and always show.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from actplanner.domain.formats import WEEKDAYS, TeamFile, minutes
from actplanner.domain.formats._base import to_datetime
from actplanner.domain.today import ClientDay
from actplanner.domain.words import dates_in_words, purpose_label

ROLE_NAMES = {"primary": "Primary", "backup": "Backup", "prescriber": "Prescriber"}


@dataclass(frozen=True)
class Planned:
    """A visit planned today as the sheet prints it."""

    start: str
    end: str
    staff: tuple[str, ...]
    purpose: str | None


@dataclass(frozen=True)
class Line:
    """One client's line of the sheet."""

    client: str
    code: str
    name: str | None
    primary: str | None
    itt: tuple[str, ...]
    last_delivered: date | None
    days_since: int | None
    last_by: tuple[str, ...]
    planned: tuple[Planned, ...]
    flags: tuple[str, ...]
    next_due: tuple[str, ...] = ()


@dataclass(frozen=True)
class OnDuty:
    """A staff member working today: their shift, and a later start after a night on call."""

    staff: str
    name: str
    discipline: str
    shift: tuple[str, str]
    starts_at: str | None


@dataclass(frozen=True)
class NightOnCall:
    """Who held a role last night; ``starts_at`` the rest rule's first visit time, for the primary."""

    role: str
    name: str | None
    starts_at: str | None


def contact_limits(team: TeamFile) -> dict[str, int]:
    """Days a client of each acuity level may go without face-to-face contact before the meeting hears of it.

    team@1 has no ``max_days_without_contact``, so each level's limit is its average
    spacing, 7 / visits_per_week rounded up, plus a day of grace for a weekend or a
    moved visit: high (5 a week) 3 days, moderate (3 a week) 4, stable (1 a week) 8.
    """
    return {name: math.ceil(7 / level.visits_per_week) + 1 for name, level in team.policy.acuity.items()}


def lines(days: Sequence[ClientDay], team: TeamFile, *, with_names: bool) -> list[Line]:
    """The engine's lines in its order, with staff ids turned into names and, if asked, client names."""
    names = {s.id: s.name for s in team.staff}
    client_names = {c.id: c.name for c in team.clients} if with_names else {}

    def who(ids: Sequence[str]) -> tuple[str, ...]:
        return tuple(names.get(i, i) for i in ids)

    return [
        Line(
            client=d.client,
            code=d.code,
            name=client_names.get(d.client),
            primary=names.get(d.primary, d.primary) if d.primary else None,
            itt=who(d.itt),
            last_delivered=d.last_delivered,
            days_since=d.days_since,
            last_by=who(d.last_by),
            planned=tuple(Planned(p.start, p.end, who(p.staff), purpose_label(p.purpose)) for p in d.planned),
            # The engine writes ISO dates (its tests and the CLI read them); the sheet says "Fri 11 Dec".
            flags=tuple(dates_in_words(f) for f in d.flags),
            next_due=tuple(dates_in_words(n) for n in d.next_due),
        )
        for d in days
    ]


def chosen(days: Sequence[ClientDay], *, staff: str | None = None, itt: str | None = None) -> list[ClientDay]:
    """The lines a filter keeps: ``staff`` the clients that staff member visits today, ``itt`` the clients
    whose treatment team includes them (the meeting goes through one ITT at a time)."""
    kept = list(days)
    if staff is not None:
        kept = [d for d in kept if any(staff in p.staff for p in d.planned)]
    if itt is not None:
        kept = [d for d in kept if itt in d.itt]
    return kept


def on_duty(team: TeamFile, day: date, *, late: Mapping[str, str]) -> list[OnDuty]:
    """Staff with a shift on ``day`` and no leave over any of it, by shift start; ``late`` maps a staff id to
    the time the rest after a night on call lets them start."""
    shown = []
    for member in team.staff:
        shift = member.shifts.get(WEEKDAYS[day.weekday()])
        if shift is None:
            continue
        # A shift may end at 24:00, which is no time of day: count minutes from midnight.
        start, end = (
            datetime.combine(day, datetime.min.time()) + timedelta(minutes=minutes(t)) for t in shift
        )
        if any(to_datetime(leave.start) < end and to_datetime(leave.end) > start for leave in member.leave):
            continue
        later = late.get(member.id)
        shown.append(
            OnDuty(
                staff=member.id,
                name=member.name,
                discipline=member.discipline,
                shift=(shift[0], shift[1]),
                starts_at=later if later is not None and later > shift[0] else None,
            )
        )
    return sorted(shown, key=lambda d: (d.shift[0], d.name))
