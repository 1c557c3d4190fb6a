"""Care rules of version 2 (FORMATS.md, Part A), pure: what a client needs on which dates.

The adapter (what the solver is asked to plan), the Today page and the client page read
these, so a page and a plan never disagree on what is in force: the acuity of the week,
the client's open dates, the week's required home visits (H1's n), post-discharge dates,
inpatient visits, when a recurring requirement falls due, and employment (H3). The
checker keeps its own reading of the same rules, on raw JSON.

``seen`` arguments are a client's provided dates in date order: anything with ``date``,
``disciplines`` and ``skills`` (``domain.history.SeenDate``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from actplanner.domain.formats import (
    Client,
    DisciplineRequirement,
    Episode,
    SkillRequirement,
    Staff,
    TeamFile,
)
from actplanner.domain.formats._base import to_date
from actplanner.domain.words import label

#: How far ahead an overdue requirement looks for the client's next open date.
OPEN_HORIZON_DAYS = 366
WEEK = 7

Requirement = DisciplineRequirement | SkillRequirement


class Provided(Protocol):
    """A date that provided disciplines and skills (a seen date, a hospital contact...)."""

    @property
    def date(self) -> date: ...

    @property
    def disciplines(self) -> frozenset[str]: ...

    @property
    def skills(self) -> frozenset[str]: ...


def week_dates(week_start: date) -> list[date]:
    return [week_start + timedelta(days=d) for d in range(WEEK)]


def acuity_in_force(client: Client, week_start: date) -> str:
    """The acuity of the latest ``acuity_changes`` entry dated on or before ``week_start``,
    else the client's ``acuity`` (a step-down takes effect from the next week it reaches)."""
    changes = [(to_date(c.date), c.acuity) for c in client.acuity_changes]
    earlier = [c for c in changes if c[0] <= week_start]
    return max(earlier, key=lambda c: c[0])[1] if earlier else client.acuity


def on_program(client: Client, day: date) -> bool:
    """Whether ``day`` lies in the client's [admitted, discharged)."""
    since = to_date(client.admitted) if client.admitted else None
    until = to_date(client.discharged) if client.discharged else None
    return (since is None or since <= day) and (until is None or day < until)


def episode_span(episode: Episode) -> tuple[date, date | None]:
    return to_date(episode.start), to_date(episode.end) if episode.end else None


def episode_on(client: Client, day: date) -> Episode | None:
    """The episode holding ``day`` ([start, end), open-ended without an end), if any."""
    for episode in client.episodes:
        start, end = episode_span(episode)
        if start <= day and (end is None or day < end):
            return episode
    return None


def is_open(client: Client, day: date) -> bool:
    """An open date: on the program and inside no episode."""
    return on_program(client, day) and episode_on(client, day) is None


def open_dates(client: Client, dates: Iterable[date]) -> frozenset[date]:
    """The client's open dates among ``dates``."""
    return frozenset(d for d in dates if is_open(client, d))


def first_open_on_or_after(client: Client, day: date) -> date | None:
    """The client's first open date on or after ``day`` (within a year), if any."""
    for i in range(OPEN_HORIZON_DAYS):
        candidate = day + timedelta(days=i)
        if is_open(client, candidate):
            return candidate
    return None


def employed_on(staff: Staff, day: date) -> bool:
    """H3: whether ``day`` lies in the staff member's [employed_from, employed_until)."""
    since = to_date(staff.employed_from) if staff.employed_from else None
    until = to_date(staff.employed_until) if staff.employed_until else None
    return (since is None or since <= day) and (until is None or day < until)


def in_hospital(client: Client, day: date) -> Episode | None:
    """The inpatient episode holding ``day``, if any."""
    episode = episode_on(client, day)
    return episode if episode is not None and episode.kind == "inpatient" else None


def discharged_within(client: Client, day: date, days: int = 14) -> Episode | None:
    """The latest inpatient episode that ended (its ``end``, the first date home) on or before
    ``day`` and fewer than ``days`` days before it."""
    ended = [
        (end, e)
        for e in client.episodes
        if e.kind == "inpatient"
        and (end := episode_span(e)[1]) is not None
        and end <= day < end + timedelta(days)
    ]
    return max(ended, key=lambda item: item[0])[1] if ended else None


def discharges(client: Client) -> list[date]:
    """The ``end`` dates of the client's inpatient episodes that have one, in order."""
    return sorted({end for e in client.episodes if e.kind == "inpatient" and (end := episode_span(e)[1])})


def post_discharge_dates(team: TeamFile, client: Client) -> list[date]:
    """The open dates in [end, end + days − 1] of each inpatient episode with an end, under
    the policy's post-discharge rule (none without one)."""
    rule = team.policy.post_discharge
    if rule is None:
        return []
    found: set[date] = set()
    for end in discharges(client):
        found.update(d for d in (end + timedelta(i) for i in range(rule.days)) if is_open(client, d))
    return sorted(found)


def first_visit_interval(team: TeamFile, end: date) -> tuple[date, date] | None:
    """[end, end + first_within_days − 1]: when the first post-discharge home visit is due."""
    rule = team.policy.post_discharge
    if rule is None:
        return None
    return end, end + timedelta(days=rule.first_within_days - 1)


def base_visits_per_week(team: TeamFile, client: Client, week_start: date) -> int:
    """The client's override, else the visits a week of the level in force."""
    if client.visits_per_week is not None:
        return client.visits_per_week
    return team.policy.acuity[acuity_in_force(client, week_start)].visits_per_week


def required_home_visits(team: TeamFile, client: Client, week_start: date) -> int:
    """H1 in version 2: n = ceil(n × o / 7) with o open dates in the week; with p
    post-discharge dates in it, max(n, ceil(post_discharge.visits_per_week × p / 7))."""
    dates = week_dates(week_start)
    n = base_visits_per_week(team, client, week_start)
    opened = len(open_dates(client, dates))
    if opened < WEEK:
        n = math.ceil(n * opened / WEEK)
    rule = team.policy.post_discharge
    after = [d for d in post_discharge_dates(team, client) if d in set(dates)]
    if rule is not None and after:
        n = max(n, math.ceil(rule.visits_per_week * len(after) / WEEK))
    return n


@dataclass(frozen=True)
class InpatientNeed:
    """A visited inpatient episode meeting the week: its dates in the week and the
    inpatient visits the week needs, ceil(v × e / 7)."""

    episode: Episode
    dates: tuple[date, ...]
    visits: int


def inpatient_visits(client: Client, week_start: date) -> list[InpatientNeed]:
    """The week's inpatient visits (H13): each inpatient episode with a location and
    visits_per_week > 0 that holds dates of the week."""
    found = []
    for episode in client.episodes:
        if episode.kind != "inpatient" or episode.location is None or episode.visits_per_week <= 0:
            continue
        start, end = episode_span(episode)
        days = tuple(d for d in week_dates(week_start) if start <= d and (end is None or d < end))
        if days:
            found.append(InpatientNeed(episode, days, math.ceil(episode.visits_per_week * len(days) / WEEK)))
    return found


def provides(requirement: Requirement, seen: Provided) -> bool:
    if isinstance(requirement, SkillRequirement):
        return requirement.skill in seen.skills
    return requirement.discipline in seen.disciplines


@dataclass(frozen=True)
class Due:
    """When a requirement falls due: ``due`` ± ``window_days``; ``last`` is L (None when
    never given), ``overdue`` when L + every_days fell before the first plannable date."""

    due: date
    low: date
    high: date
    last: date | None
    overdue: bool


def due_of(
    requirement: Requirement, client: Client, seen: Sequence[Provided], before: date, first_plannable: date
) -> Due | None:
    """The due date of a requirement (FORMATS.md, "Recurring requirements").

    A one-off skill requirement is due on its ``due``. A recurring one is due L +
    every_days, L the later of ``last`` and the last date before ``before`` that provided
    it; with no L, or when that is before ``first_plannable``, it is due on the client's
    first open date on or after ``first_plannable``. None when no date can be found (never
    open again, or a discipline count a week, which has no date).
    """
    width = requirement.window_days
    if isinstance(requirement, SkillRequirement) and requirement.due is not None:
        fixed = to_date(requirement.due)
        return Due(fixed, fixed - timedelta(width), fixed + timedelta(width), None, False)
    if requirement.every_days is None:
        return None
    given = [s.date for s in seen if s.date < before and provides(requirement, s)]
    on_file = to_date(requirement.last) if requirement.last else None
    candidates = [d for d in (on_file, max(given, default=None)) if d is not None]
    last = max(candidates) if candidates else None
    due: date | None = last + timedelta(requirement.every_days) if last is not None else None
    overdue = due is not None and due < first_plannable
    if due is None or overdue:
        due = first_open_on_or_after(client, first_plannable)
    if due is None:
        return None
    return Due(due, due - timedelta(width), due + timedelta(width), last, overdue)


def due_window(
    requirement: Requirement, client: Client, seen: Sequence[Provided], before: date, first_plannable: date
) -> tuple[date, date] | None:
    """[due − w, due + w] of a requirement when it still asks for a visit: None when it has
    no due date or a date before ``before`` inside the window already provided it. The
    caller intersects the window with its plannable dates."""
    found = due_of(requirement, client, seen, before, first_plannable)
    if found is None:
        return None
    if any(found.low <= s.date <= found.high and s.date < before and provides(requirement, s) for s in seen):
        return None
    return found.low, found.high


@dataclass(frozen=True)
class DueItem:
    """What falls due next for a client, for the pages: ``what`` in words, its due date and
    window, the last date it was given (None if never) and whether it is overdue."""

    what: str
    due: date
    low: date
    high: date
    last: date | None
    overdue: bool


def requirement_name(requirement: Requirement) -> str:
    if isinstance(requirement, SkillRequirement):
        return label(requirement.skill)
    return f"{label(requirement.discipline)} visit"


def next_due(team: TeamFile, client: Client, seen: Sequence[Provided], today: date) -> list[DueItem]:
    """Each dated requirement of the client from ``today`` (recurring ones from their last
    provided date), soonest first; a discipline count a week has no date and is left out."""
    del team  # the rules read the client alone; kept for the shared signature
    items = []
    for requirement in client.requirements:
        found = due_of(requirement, client, seen, today, today)
        if found is None or found.high < today:
            continue
        items.append(
            DueItem(
                requirement_name(requirement), found.due, found.low, found.high, found.last, found.overdue
            )
        )
    return sorted(items, key=lambda i: (i.due, i.what))


__all__ = [
    "Due",
    "DueItem",
    "InpatientNeed",
    "acuity_in_force",
    "base_visits_per_week",
    "discharged_within",
    "discharges",
    "due_of",
    "due_window",
    "employed_on",
    "episode_on",
    "first_open_on_or_after",
    "first_visit_interval",
    "in_hospital",
    "inpatient_visits",
    "is_open",
    "next_due",
    "on_program",
    "open_dates",
    "post_discharge_dates",
    "required_home_visits",
]
