"""Why a fidelity figure misses its DACTS top rating, and what it would take, in the team's terms.

Pure: read from the team file (its acuity levels, clients' own counts, staff FTE,
policy), the period's contact log, the published plans' visits as planned contacts
(``domain.fidelity.planned_contacts``) and the figures ``domain.fidelity`` computed of
them, so an explanation never disagrees with the figure beside it. Every number is
derived from those inputs; the targets are ``TOP_RATINGS``'.

"At this team's pace" is what one FTE of field staff delivered in the period: the
face-to-face contacts (and minutes) of the period per week, over the FTE of the staff
who took part in at least one of them. A joint visit counts once, so a team that
doubles up shows a slower pace. With no contact delivered, the published plans' pace
stands in; with neither, the explanation says there is no pace to go by.

A figure that meets its top rating gets no explanation. A figure with no value (or a
log with no contact in the period) gets one saying plainly that there is not enough data.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from actplanner.domain.care import acuity_in_force
from actplanner.domain.fidelity import (
    TEAM_APPROACH_STAFF,
    TOP_RATINGS,
    WINDOW_DAYS,
    FidelityFigures,
    contact_day,
)
from actplanner.domain.formats import Client, Contact, TeamFile

#: Rounding slack: (4 − 3.2) × 50 is 39.99999… in binary; "about 40 more" is meant.
_SLACK = 1e-9


@dataclass(frozen=True)
class Explanation:
    """Beside one figure: why it misses its top rating (``why``) and what it would take (``takes``).

    ``enough_data`` is False when the period says too little to explain the figure; then
    ``why`` says so and ``takes`` is empty.
    """

    key: str
    why: str
    takes: str = ""
    enough_data: bool = True


@dataclass(frozen=True)
class Pace:
    """What one FTE of field staff delivered a week: face-to-face contacts and minutes.

    ``source`` is "delivered" (the period's log) or "planned" (the published plans, when
    the log holds no face-to-face contact)."""

    contacts: float
    minutes: float
    fte: float
    source: Literal["delivered", "planned"]


@dataclass(frozen=True)
class Level:
    """Clients asking for the same care: an acuity level with its visits and minutes a week
    (a client's own count or length makes a group of its own). ``clients`` is the average
    number over the period's weeks (a level change mid-period splits a client)."""

    acuity: str
    visits_per_week: int
    visit_minutes: int
    clients: float
    #: The clients' own count or length, not the level's.
    own: bool = False


@dataclass(frozen=True)
class Asked:
    """What the team file asks for each client on average a week, and from which levels."""

    contacts: float
    minutes: float
    levels: tuple[Level, ...]


def asked(team: TeamFile, clients: Sequence[Client], mondays: Sequence[date]) -> Asked | None:
    """The visits and minutes a week the clients' acuity levels in force (or their own counts)
    ask for, averaged over clients and weeks; None with no client or no week."""
    if not clients or not mondays:
        return None
    groups: Counter[tuple[str, int, int]] = Counter()
    for client in clients:
        for monday in mondays:
            name = acuity_in_force(client, monday)
            level = team.policy.acuity[name]
            visits = client.visits_per_week or level.visits_per_week
            length = client.visit_minutes or level.visit_minutes
            groups[(name, visits, length)] += 1
    client_weeks = len(clients) * len(mondays)
    levels = tuple(
        Level(name, visits, length, count / len(mondays), own=(visits, length) != _level_asks(team, name))
        for (name, visits, length), count in sorted(groups.items(), key=lambda g: (-g[0][1], g[0][0]))
    )
    return Asked(
        contacts=sum(v * n for (_, v, _), n in groups.items()) / client_weeks,
        minutes=sum(v * m * n for (_, v, m), n in groups.items()) / client_weeks,
        levels=levels,
    )


def _level_asks(team: TeamFile, name: str) -> tuple[int, int]:
    level = team.policy.acuity[name]
    return level.visits_per_week, level.visit_minutes


def pace(
    team: TeamFile, contacts: Sequence[Contact], start: date, source: Literal["delivered", "planned"]
) -> Pace | None:
    """Face-to-face contacts and minutes per FTE of field staff per week, over the weeks from
    ``start`` that hold at least one of them (a week with nothing in the log is a week not yet
    recorded, not a week nobody worked); field staff are the team's staff in at least one of
    them. None when there is none."""
    fte_of = {s.id: s.fte for s in team.staff}
    field: set[str] = set()
    dates: set[str] = set()
    count = minutes = 0
    for contact in contacts:
        if contact.delivered:
            count += 1
            minutes += contact.minutes
            dates.add(contact.date)
            field.update(contact.staff)
    weeks = {(contact_day(day) - start).days // 7 for day in dates}
    fte = sum(fte_of[s] for s in field if s in fte_of)
    if not count or not fte:
        return None
    return Pace(count / len(weeks) / fte, minutes / len(weeks) / fte, fte, source)


def explain(
    team: TeamFile,
    contacts: Sequence[Contact],
    planned: Sequence[Contact],
    start: date,
    end: date,
    figures: FidelityFigures,
    of_plans: FidelityFigures | None = None,
) -> dict[str, Explanation]:
    """An explanation for each rated figure (and the done share) that misses its top rating or
    has no value, by figure key. ``figures`` are ``fidelity(team, contacts, start, end)``,
    ``of_plans`` the plans' figures, ``planned`` the plans' visits as contacts (for the
    plans' pace when nothing was delivered).

    The clients are every client of the team file, as the figures read them.
    """
    days = (end - start).days + 1
    weeks = days // 7
    mondays = [start + timedelta(days=7 * k) for k in range(weeks)]
    first, last = start.isoformat(), end.isoformat()
    in_period = [c for c in contacts if first <= c.date <= last]
    ctx = _Context(
        team=team,
        clients=list(team.clients),
        contacts=in_period,
        delivered=[c for c in in_period if c.delivered],
        weeks=weeks,
        start=start,
        asked=asked(team, team.clients, mondays),
        pace=pace(team, in_period, start, "delivered")
        or pace(team, [c for c in planned if first <= c.date <= last], start, "planned"),
        figures=figures,
        of_plans=of_plans,
    )
    found = {}
    for key, make in _EXPLAINERS.items():
        value = getattr(figures, key)
        rating = TOP_RATINGS[key]
        if rating is not None and rating.met(value):
            continue
        if rating is None and value is not None and value >= 1:
            continue
        found[key] = make(ctx, value)
    return found


@dataclass(frozen=True)
class _Context:
    team: TeamFile
    clients: list[Client]
    #: The period's contacts, and those of them done face to face.
    contacts: list[Contact]
    delivered: list[Contact]
    weeks: int
    start: date
    asked: Asked | None
    pace: Pace | None
    figures: FidelityFigures
    of_plans: FidelityFigures | None


def _frequency(ctx: _Context, value: float | None) -> Explanation:
    """S5: the contacts a week the levels ask for, the plans held and were delivered."""
    key, target = "contacts_per_client_week", _target("contacts_per_client_week")
    if value is None or ctx.asked is None:
        return _no_clients(key)
    if not ctx.contacts:
        return _no_contacts(key)
    asked_for = ctx.asked.contacts
    why = (
        f"Your acuity levels ask for {_num(asked_for, 2)} contacts a week per client on average "
        f"({_levels(ctx.asked, ctx.team, minutes=False)})"
    )
    why += f", below {_num(target)} even if every visit happens." if asked_for < target - _SLACK else "."
    why += " " + _held(ctx, "contacts_per_client_week", value, "contacts per client a week")
    more = _up(target - value, len(ctx.clients))
    takes = f"{_num(target)} would need about {more} more face-to-face contacts a week"
    if ctx.pace is not None:
        takes += (
            f", {_fte(more / ctx.pace.contacts)} more FTE of field staff at {_whose(ctx.pace)} pace "
            f"({_num(ctx.pace.contacts)} contacts per FTE a week)"
        )
    takes += "."
    if asked_for < target - _SLACK:
        takes += f" The acuity levels would have to ask for {_num(target)} a week on average too."
    if ctx.pace is None:
        takes += " " + _NO_PACE
    return Explanation(key, why, takes)


def _intensity(ctx: _Context, value: float | None) -> Explanation:
    """S4: the face-to-face minutes a week the levels ask for, held and delivered."""
    key, target = "minutes_per_client_week", _target("minutes_per_client_week")
    if value is None or ctx.asked is None:
        return _no_clients(key)
    if not ctx.contacts:
        return _no_contacts(key)
    asked_for = ctx.asked.minutes
    why = (
        f"Your acuity levels ask for {_num(asked_for, 0)} face-to-face minutes a week per client on average "
        f"({_levels(ctx.asked, ctx.team, minutes=True)})"
    )
    why += f", below {_num(target)} even if every visit happens." if asked_for < target - _SLACK else "."
    why += " " + _held(ctx, "minutes_per_client_week", value, "minutes per client a week", places=0)
    more = _up(target - value, len(ctx.clients))
    length = _visit_length(ctx)
    amount = (
        f"{_num(more / 60)} more hours" if more >= 60 else f"{more} more minute{'' if more == 1 else 's'}"
    )
    takes = f"{_num(target)} would need about {amount} of face-to-face contact a week"
    if length:
        visits = math.ceil(more / length - _SLACK)
        takes += f" (about {visits} more visits of {_num(length, 0)} minutes, this period's average)"
    if ctx.pace is not None:
        takes += (
            f", {_fte(more / ctx.pace.minutes)} more FTE of field staff at {_whose(ctx.pace)} pace "
            f"({_num(ctx.pace.minutes / 60)} face-to-face hours per FTE a week)"
        )
    takes += "."
    if asked_for < target - _SLACK:
        takes += " The acuity levels' visits and minutes would have to ask for it too."
    if ctx.pace is None:
        takes += " " + _NO_PACE
    return Explanation(key, why, takes)


def _community(ctx: _Context, value: float | None) -> Explanation:
    """S1: the office contacts, by who made them, and how many would have to move out."""
    key, target = "community_share", _target("community_share")
    delivered = ctx.delivered
    if value is None or not delivered:
        return Explanation(
            key, "Not enough data: no face-to-face contact was recorded in the period.", enough_data=False
        )
    office = [c for c in delivered if c.place == "office"]
    discipline = {s.id: s.discipline for s in ctx.team.staff}
    by_discipline: Counter[str] = Counter()
    for contact in office:
        by_discipline.update({discipline[s] for s in contact.staff if s in discipline})
    why = (
        f"{len(office)} of the {len(delivered)} face-to-face contacts "
        f"(about {_num(len(office) / ctx.weeks)} a week) were at the office"
    )
    if by_discipline:
        shown = ", ".join(f"{_words(d)} {n}" for d, n in by_discipline.most_common(3))
        why += f" ({shown})"
    why += "."
    move = math.ceil(target * len(delivered) - (len(delivered) - len(office)) - _SLACK)
    takes = (
        f"{_percent(target)} would need about {_num(move / ctx.weeks)} of them a week "
        f"({move} in the period) made at the client's home or elsewhere in the community instead: "
        "the same visits, not more of them."
    )
    return Explanation(key, why, takes)


def _team_approach(ctx: _Context, value: float | None) -> Explanation:
    """H2: how many clients an average 14-day window left with one staff member or none."""
    key, target = "team_approach_share", _target("team_approach_share")
    if value is None:
        if ctx.weeks < WINDOW_DAYS // 7:
            why = (
                f"Not enough data: H2 reads {WINDOW_DAYS}-day windows; choose a period of "
                f"{WINDOW_DAYS // 7} whole weeks or more."
            )
        else:
            why = "Not enough data: no client was on the program for the whole period."
        return Explanation(key, why, enough_data=False)
    one, none = _seen_by_few(ctx)
    n = len(ctx.clients)
    why = (
        f"In an average {WINDOW_DAYS}-day window {_num(one)} of your {n} clients were seen "
        "face to face by one staff member only"
    )
    why += f" and {_num(none)} by nobody." if none else "."
    least = ctx.team.policy.team_approach_min_staff
    if least < TEAM_APPROACH_STAFF:
        why += (
            f" Your policy's team approach asks the plan for {least} staff member per client "
            f"(team_approach_min_staff); {TEAM_APPROACH_STAFF} would share each client."
        )
    more = _up(target - value, n)
    takes = (
        f"{_percent(target)} would need about {more} more clients each {WINDOW_DAYS} days seen by "
        "a second member of their ITT: one of their visits made by someone else, not more visits."
    )
    return Explanation(key, why, takes)


def _done(ctx: _Context, value: float | None) -> Explanation:
    """The done share (no DACTS item): what the log says of the planned visits not done."""
    key = "done_share"
    linked = [c for c in ctx.contacts if c.visit is not None]
    if value is None or not linked:
        return Explanation(
            key, "Not enough data: no contact in the log is linked to a planned visit.", enough_data=False
        )
    missed = [c for c in linked if c.outcome != "done"]
    outcomes = Counter(c.outcome.replace("_", " ") for c in missed)
    shown = ", ".join(f"{n} {o}" for o, n in outcomes.most_common())
    why = f"{len(missed)} of the {len(linked)} planned visits in the log were not done" + (
        f" ({shown})." if shown else "."
    )
    in_a = {c.id for c in ctx.clients}
    client_weeks = len(ctx.clients) * ctx.weeks
    delivered = sum(c.client in in_a for c in ctx.delivered)
    takes = ""
    if client_weeks:
        would = (delivered + sum(c.client in in_a for c in missed)) / client_weeks
        target = _target("contacts_per_client_week")
        takes = (
            f"Had they been done face to face, contacts per client a week would read {_num(would)} "
            f"(S5's top rating: {_num(target)})."
        )
    return Explanation(key, why, takes)


_EXPLAINERS = {
    "contacts_per_client_week": _frequency,
    "minutes_per_client_week": _intensity,
    "community_share": _community,
    "team_approach_share": _team_approach,
    "done_share": _done,
}

_NO_PACE = (
    "With no face-to-face contact delivered or planned in the period, there is no pace to say "
    "how many staff that takes."
)


def _seen_by_few(ctx: _Context) -> tuple[float, float]:
    """Clients seen face to face by exactly one staff member, and by none, in an average
    14-day window of the period (the windows H2 reads)."""
    per_week = WINDOW_DAYS // 7
    windows = ctx.weeks // per_week
    in_a = {c.id for c in ctx.clients}
    staff: dict[tuple[int, str], set[str]] = {}
    window_of = {
        (ctx.start + timedelta(days=d)).isoformat(): d // WINDOW_DAYS for d in range(windows * WINDOW_DAYS)
    }
    for contact in ctx.delivered:
        window = window_of.get(contact.date)
        if window is not None and contact.client in in_a:
            staff.setdefault((window, contact.client), set()).update(contact.staff)
    one = none = 0
    for window in range(windows):
        for ident in in_a:
            seen = len(staff.get((window, ident), ()))
            one += seen == 1
            none += seen == 0
    return (one / windows, none / windows) if windows else (0.0, 0.0)


def _held(ctx: _Context, key: str, value: float, unit: str, places: int = 1) -> str:
    """The plans' figure beside the delivered one: where the shortfall lies."""
    planned = None if ctx.of_plans is None else getattr(ctx.of_plans, key)
    if planned is None:
        return f"{_num(value, places)} {unit} were delivered (no published plan to compare)."
    held = f"The published plans held {_num(planned, places)} {unit}; {_num(value, places)} were delivered."
    if planned >= _target(key):
        # The plans would earn the rating: what is missing was lost between plan and log.
        held += " The plans reach the top rating: the shortfall lies in visits not done or not recorded."
    return held


def _visit_length(ctx: _Context) -> float | None:
    """The average face-to-face contact of the period, in minutes; else the levels' average."""
    delivered = [c.minutes for c in ctx.delivered]
    if delivered:
        return sum(delivered) / len(delivered)
    if ctx.asked is not None and ctx.asked.contacts:
        return ctx.asked.minutes / ctx.asked.contacts
    return None


def _levels(found: Asked, team: TeamFile, *, minutes: bool) -> str:
    """The levels as the team file names them: "moderate 3 a week for 12 clients; ...".

    Counting contacts, clients whose own visit length alone differs join their level's group;
    "(own count)" marks clients whose own visits (or, counting minutes, length) differ."""
    groups: dict[tuple[str, int, int | None], float] = {}
    for level in found.levels:
        length = level.visit_minutes if minutes else None
        key = (level.acuity, level.visits_per_week, length)
        groups[key] = groups.get(key, 0) + level.clients
    parts = []
    for (acuity, visits, length), clients in groups.items():
        ask = f"{visits} a week" if length is None else f"{visits} × {length} min"
        asks = _level_asks(team, acuity)
        own = (visits, length) != (asks[0], asks[1] if minutes else None)
        who = _num(clients)
        marked = " (own count)" if own else ""
        parts.append(f"{_words(acuity)} {ask}{marked} for {who} client{'' if who == '1' else 's'}")
    return "; ".join(parts)


def _no_clients(key: str) -> Explanation:
    return Explanation(
        key, "Not enough data: no client was on the program for the whole period.", enough_data=False
    )


def _no_contacts(key: str) -> Explanation:
    return Explanation(
        key,
        "Not enough data: no contact was recorded in the period, so the figure reads 0 until "
        "the log holds the period's contacts.",
        enough_data=False,
    )


def _whose(found: Pace) -> str:
    return "this team's" if found.source == "delivered" else "the published plans'"


def _target(key: str) -> float:
    rating = TOP_RATINGS[key]
    assert rating is not None, key
    return rating.at_least


def _up(gap: float, clients: int) -> int:
    """Whole contacts (or minutes) a week that lift an average by ``gap`` over ``clients``."""
    return max(0, math.ceil(gap * clients - _SLACK))


def _num(value: float, places: int = 1) -> str:
    """A number as a lead reads it: one decimal unless whole ("2.8", "3", "120")."""
    shown = f"{value:.{places}f}"
    return shown.rstrip("0").rstrip(".") if "." in shown else shown


def _fte(value: float) -> str:
    """FTE to one decimal; a fraction too small to show reads as such, not as "0"."""
    return "less than 0.1" if 0 < value < 0.05 else f"about {_num(value)}"


def _percent(share: float) -> str:
    return f"{_num(share * 100)}%"


def _words(name: str) -> str:
    return name.replace("_", " ")
