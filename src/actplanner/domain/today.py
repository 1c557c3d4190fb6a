"""The morning meeting: every client of the team, most urgent first (issue 10, "Today").

For each client: the last delivered (face-to-face) contact, how many days ago
and by whom; what is planned today; and flags in words, from the contact log,
the plans and the team file as they stand: in hospital, or discharged in the
last 14 days (team@2 episodes), missed yesterday, yesterday's visit not
recorded, too long without face-to-face contact (when the acuity level gives a
limit), an injection due or overdue, a prescriber visit due this week.
Pure: the page reads the plans and contacts and renders what this returns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from actplanner.domain.care import discharged_within, in_hospital
from actplanner.domain.formats import (
    Client,
    Contact,
    DisciplineRequirement,
    PlanFile,
    PlanVisit,
    SkillRequirement,
    Staff,
    TeamFile,
)
from actplanner.domain.formats._base import to_date
from actplanner.domain.history import History, SeenDate, seen_dates
from actplanner.domain.week import monday_of
from actplanner.domain.words import label

PRESCRIBERS = frozenset({"psychiatrist", "nurse_practitioner"})
_MISSED_WORDS = {"no_show": "no show", "refused": "refused", "cancelled": "cancelled"}


@dataclass(frozen=True)
class PlannedToday:
    visit: str
    staff: tuple[str, ...]
    start: str
    end: str
    purpose: str | None


@dataclass(frozen=True)
class ClientDay:
    """One client's line of the morning meeting."""

    client: str
    code: str
    primary: str | None
    itt: tuple[str, ...]
    last_delivered: date | None
    days_since: int | None
    last_by: tuple[str, ...]
    planned: tuple[PlannedToday, ...]
    flags: tuple[str, ...]
    #: What falls due next and when, soonest first ("lai_injection 2026-12-26"): a dated
    #: requirement not yet given, a recurring one every_days after its last provided date.
    next_due: tuple[str, ...] = ()


def morning_meeting(
    team: TeamFile,
    today: date,
    *,
    plans: Sequence[PlanFile] = (),
    contacts: Sequence[Contact] = (),
    max_days_without_contact: Mapping[str, int] | None = None,
    last_delivered: Mapping[str, Contact] | None = None,
) -> list[ClientDay]:
    """Every client of ``team`` on ``today``, most flags first, then longest unseen.

    ``plans`` are the plans of record (at least this week's and, on a Monday, last week's);
    ``contacts`` the log up to today, at least from ``look_back(team, today)`` on;
    ``max_days_without_contact`` the limit per acuity level (a version 2 team-file key;
    without it that flag is never raised). ``last_delivered`` is each client's last
    delivered contact when the caller has read it apart (a database reads it with one
    query over a longer span than the flags need); without it, the latest in ``contacts``.
    """
    by_week = {to_date(p.week_start): p for p in plans}
    this_week = by_week.get(monday_of(today))
    yesterday = today - timedelta(days=1)
    staff = {s.id: s for s in team.staff}
    recorded = {(monday_of(c.day), c.visit): c for c in contacts if c.visit is not None}
    # Seen dates up to and including today (a contact recorded this morning counts), read only
    # as far back as a flag looks: this week, and the open windows of due injections.
    earliest = look_back(team, today)
    recent = History(
        plans={w: p for w, p in by_week.items() if w >= monday_of(earliest)},
        contacts=tuple(c for c in contacts if c.day >= earliest),
    )
    seen = seen_dates(team, recent, before=today + timedelta(days=1))
    limits = max_days_without_contact or {}
    # Grouped once: the large team has hundreds of clients and thousands of contacts.
    of_client: dict[str, list[Contact]] = {}
    for c in contacts:
        of_client.setdefault(c.client, []).append(c)
    visits_of: dict[tuple[str, str], list[PlanVisit]] = {}
    for plan in plans:
        for v in plan.visits:
            visits_of.setdefault((v.client, v.date), []).append(v)
    lines = []
    for client in team.clients:
        mine = of_client.get(client.id, [])
        delivered = [c for c in mine if c.delivered and c.day <= today]
        if last_delivered is None:
            last = max(delivered, key=lambda c: (c.day, c.start), default=None)
        else:
            last = last_delivered.get(client.id)
        days_since = (today - last.day).days if last is not None else None
        flags = _stays(client, today)
        flags += _missed_yesterday(
            yesterday, mine, visits_of.get((client.id, yesterday.isoformat()), []), recorded
        )
        limit = limits.get(client.acuity)
        if limit is not None and (days_since is None or days_since > limit):
            since = f"for {days_since} days" if days_since is not None else "on record"
            flags.append(f"no face-to-face contact {since} (their acuity allows {limit})")
        given = {s.date: s.skills for s in seen.get(client.id, ())}
        for c in delivered:  # an injection given in hospital counts too
            given[c.day] = given.get(c.day, frozenset()) | frozenset(c.skills)
        planned = tuple(
            PlannedToday(v.id, tuple(v.staff), v.start, v.end, v.purpose)
            for v in sorted(visits_of.get((client.id, today.isoformat()), []), key=lambda v: v.start)
        )
        coming: list[tuple[date, str]] = []
        for req in client.requirements:
            if isinstance(req, SkillRequirement) and req.every_days is not None:
                had = sorted(d for d, skills in given.items() if req.skill in skills)
                flags += _recurring(req, label(req.skill), today, had)
                coming += _next_due(req, label(req.skill), today, had)
            elif isinstance(req, SkillRequirement):
                open_flag = _injection(req, today, given)
                flags += open_flag
                if req.due is not None and (
                    open_flag or today < to_date(req.due) - timedelta(req.window_days)
                ):
                    coming.append((to_date(req.due), label(req.skill)))
            elif isinstance(req, DisciplineRequirement) and req.every_days is not None:
                provided = sorted(s.date for s in seen.get(client.id, ()) if req.discipline in s.disciplines)
                ahead = sorted(
                    date.fromisoformat(v.date)
                    for d in range(1, req.every_days + req.window_days + 1)
                    for v in visits_of.get((client.id, (today + timedelta(days=d)).isoformat()), [])
                    if any(s in staff and staff[s].discipline == req.discipline for s in v.staff)
                )
                what = f"{req.discipline.replace('_', ' ')} visit"
                flags += _recurring(req, what, today, provided, ahead)
                coming += _next_due(req, what, today, provided)
            elif isinstance(req, DisciplineRequirement) and req.discipline in PRESCRIBERS:
                later = [
                    v
                    for d in range(1, 7 - today.weekday())
                    for v in visits_of.get((client.id, (today + timedelta(days=d)).isoformat()), [])
                ]
                flags += _prescriber(req, today, seen.get(client.id, ()), later, staff)
        caseload = this_week.caseload.get(client.id) if this_week is not None else None
        lines.append(
            ClientDay(
                client=client.id,
                code=client.code,
                primary=caseload.primary if caseload else client.primary,
                itt=tuple(caseload.itt if caseload else client.itt or ()),
                last_delivered=last.day if last is not None else None,
                days_since=days_since,
                last_by=tuple(last.staff) if last is not None else (),
                planned=planned,
                flags=tuple(flags),
                next_due=tuple(f"{what} {day}" for day, what in sorted(coming)),
            )
        )
    return sorted(
        lines, key=lambda d: (-len(d.flags), -(d.days_since if d.days_since is not None else 10**6), d.code)
    )


#: How long after a hospital stay the meeting hears of the discharge (issue 11).
DISCHARGED_DAYS = 14


def _stays(client: Client, today: date) -> list[str]:
    """In hospital today (a team@2 inpatient episode holding today), or discharged in the last
    ``DISCHARGED_DAYS`` days (the episode's end, the first date home)."""
    stay = in_hospital(client, today)
    if stay is not None:
        where = f" at {stay.location.label}" if stay.location is not None and stay.location.label else ""
        until = f", expected home {stay.end}" if stay.end is not None else ""
        return [f"in hospital since {stay.start}{where}{until}"]
    left = discharged_within(client, today, DISCHARGED_DAYS)
    if left is not None and left.end is not None:
        days = (today - to_date(left.end)).days
        ago = "today" if days == 0 else "1 day ago" if days == 1 else f"{days} days ago"
        return [f"discharged from hospital {left.end} ({ago})"]
    return []


def look_back(team: TeamFile, today: date) -> date:
    """The earliest date of the seen dates a flag of ``today`` reads: this week's Monday (the
    prescriber's visits), or the start of an injection's window that is open or past. (The
    missed-yesterday flags read yesterday's contacts too, on a Monday last week's Sunday.)"""
    return min(
        [monday_of(today)]
        + [
            to_date(r.due) - timedelta(days=r.window_days)
            for c in team.clients
            for r in c.requirements
            if isinstance(r, SkillRequirement)
            and r.due is not None
            and to_date(r.due) - timedelta(days=r.window_days) <= today
        ]
        + [
            # A recurring requirement's window as the file's ``last`` places it: a date inside it
            # that provided it moves the next one on.
            start
            for c in team.clients
            for r in c.requirements
            if r.every_days is not None
            and r.last is not None
            and (start := to_date(r.last) + timedelta(days=r.every_days - r.window_days)) <= today
        ]
    )


def _missed_yesterday(
    yesterday: date,
    contacts: Sequence[Contact],
    visits: Sequence[PlanVisit],
    recorded: Mapping[tuple[date, str], Contact],
) -> list[str]:
    """Yesterday's contacts that did not happen, and yesterday's planned visits nobody recorded."""
    flags = [
        f"missed yesterday ({_MISSED_WORDS[c.outcome]})"
        for c in contacts
        if c.day == yesterday and c.outcome != "done"
    ]
    for visit in visits:
        if (monday_of(yesterday), visit.id) not in recorded:
            flags.append(f"yesterday's visit at {visit.start} not recorded")
    return flags


def _next_due(
    req: SkillRequirement | DisciplineRequirement, what: str, today: date, provided: Sequence[date]
) -> list[tuple[date, str]]:
    """A recurring requirement's next due date: ``every_days`` after the later of the file's
    ``last`` and the last provided date up to today (none known: none shown)."""
    assert req.every_days is not None
    on_file = to_date(req.last) if req.last else None
    last = max([d for d in (on_file, *provided) if d is not None and d <= today], default=None)
    return [] if last is None else [(last + timedelta(days=req.every_days), what)]


def _recurring(
    req: SkillRequirement | DisciplineRequirement,
    what: str,
    today: date,
    provided: Sequence[date],
    ahead: Sequence[date] = (),
) -> list[str]:
    """A recurring requirement (team@2 ``every_days``): due ``every_days`` after L, the later of the
    file's ``last`` and the last date up to today that provided it (the sheet reads dates back to
    its look back; earlier ones count through ``last``), within ± ``window_days``. Flagged from the
    window's first day until provided, "overdue" once the window has ended; a discipline visit
    planned in the window after today is no flag."""
    assert req.every_days is not None
    on_file = to_date(req.last) if req.last else None
    last = max([d for d in (on_file, *provided) if d is not None and d <= today], default=None)
    if last is None:
        return [f"{what} due: none on record"]
    due = last + timedelta(days=req.every_days)
    low, high = due - timedelta(days=req.window_days), due + timedelta(days=req.window_days)
    if today < low:
        return []
    if today > high:
        return [f"{what} overdue: its window ended {high}"]
    if any(today < d <= high for d in ahead):
        return []
    return [f"{what} due by {high}" + (", none planned" if isinstance(req, DisciplineRequirement) else "")]


def _injection(req: SkillRequirement, today: date, given: Mapping[date, frozenset[str]]) -> list[str]:
    if req.due is None:  # a recurring one (team@2): its due dates come from the care rules
        return []
    due = to_date(req.due)
    low, high = due - timedelta(days=req.window_days), due + timedelta(days=req.window_days)
    if today < low or any(
        low <= day <= min(high, today) and req.skill in skills for day, skills in given.items()
    ):
        return []
    if today <= high:
        return [f"{label(req.skill)} due by {high}"]
    return [f"{label(req.skill)} overdue: its window ended {high}"]


def _prescriber(
    req: DisciplineRequirement,
    today: date,
    seen: Sequence[SeenDate],
    later: Sequence[PlanVisit],
    staff: Mapping[str, Staff],
) -> list[str]:
    """This week's prescriber visits seen so far (today's planned one counts) and planned after today."""
    if req.visits is None:  # a recurring one (team@2): its due dates come from the care rules
        return []
    monday = monday_of(today)
    had = sum(monday <= s.date <= today and req.discipline in s.disciplines for s in seen)
    ahead = sum(any(s in staff and staff[s].discipline == req.discipline for s in v.staff) for v in later)
    if had + ahead >= req.visits:
        return []
    what = label(req.discipline)
    planned = f", {ahead} planned" if ahead else ", none planned"
    return [f"{what} visit due: {had} of {req.visits} this week{planned}"]
