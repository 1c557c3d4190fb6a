"""History: earlier plans of record and contact logs, and the seen dates read from them.

A **seen date** of a client (FORMATS.md, "Seen dates") is a date with a
delivered contact at a place other than hospital, or with a home visit of a
plan of record whose contact is absent or delivered. Every backward-looking
rule reads seen dates and nothing else: the re-plan's count of visits still
needed (H1), the spacing from the last planned one (H2), requirements already
met (H4). What happened beats what was planned: a planned visit recorded as a
no-show is not seen, a crisis call-out is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from actplanner.domain.formats import (
    CONTACTS_FORMAT,
    PLAN_FORMAT,
    Contact,
    FormatError,
    PlanFile,
    TeamFile,
    contact_visit_errors,
    load_contacts,
    load_plan,
)
from actplanner.domain.formats._base import read_json, show, to_date
from actplanner.domain.formats.plan import PLAN_FORMAT_2
from actplanner.domain.week import monday_of

Document = bytes | str | dict[str, Any]


@dataclass(frozen=True)
class History:
    """What earlier weeks left: the plan of record of each week (by ``week_start``) and the
    contacts recorded, one per id and per visit of a week."""

    plans: Mapping[date, PlanFile] = field(default_factory=dict)
    contacts: tuple[Contact, ...] = ()


@dataclass(frozen=True)
class SeenDate:
    """One seen date of a client and what it provides: the disciplines of the staff on it and
    the skills given. ``planned`` when it comes from a planned visit (a plan visit or a
    contact with ``visit``): a crisis call-out is seen but not planned."""

    date: date
    disciplines: frozenset[str]
    skills: frozenset[str]
    planned: bool
    #: The staff on it (goal 6: who saw the client recently); not part of what it provides,
    #: so left out of comparisons.
    staff: frozenset[str] = field(default=frozenset(), compare=False)
    #: Not a seen date but a date that provided care in hospital (a delivered contact at
    #: hospital, an inpatient visit of record): read only by recurring requirements (H4).
    at_hospital: bool = False


def read_history(
    files: Sequence[tuple[str, Document]],
    team: TeamFile,
    *,
    week: date | None = None,
    plan: PlanFile | None = None,
) -> History:
    """Plan files and contact logs, told apart by ``format``, as one ``History``.

    ``files`` are (name, document) pairs in the order given; errors are ``name: path:
    message`` lines. The last plan given for a week is its plan of record; a later contact
    with the same id, or for the same visit of the same week, replaces an earlier one.
    ``week`` is the week being planned or checked: history holds only earlier weeks' plans.
    ``plan`` is that week's own plan, against which its contacts' visits are checked.
    Raises FormatError listing every problem found.
    """
    errors: list[str] = []
    plans: dict[date, PlanFile] = {}
    logs = []
    for name, data in files:
        try:
            doc = read_json(data)
            kind = doc.get("format")
            if kind in (PLAN_FORMAT, PLAN_FORMAT_2):
                record = load_plan(doc)
                errors += [f"{name}: {m}" for m in _plan_errors(record, team, week)]
                plans[to_date(record.week_start)] = record
            elif kind == CONTACTS_FORMAT:
                logs.append((name, load_contacts(doc, team)))
            else:
                errors.append(
                    f"{name}: format: {show(kind)} is not a history file "
                    f"(expected {PLAN_FORMAT!r}, {PLAN_FORMAT_2!r} or {CONTACTS_FORMAT!r})"
                )
        except FormatError as err:
            errors += [f"{name}: {m}" for m in err.messages]
    known = dict(plans)
    if plan is not None:
        known[to_date(plan.week_start)] = plan
    for name, log in logs:
        errors += [f"{name}: {m}" for m in contact_visit_errors(log, known)]
    if errors:
        raise FormatError(errors)
    return History(plans=plans, contacts=merge_contacts(c for _, log in logs for c in log.contacts))


def _plan_errors(record: PlanFile, team: TeamFile, week: date | None) -> list[str]:
    errors = []
    if record.team != team.team.id:
        errors.append(
            f"team: the plan is for team {show(record.team)}, the team file is {show(team.team.id)}"
        )
    if week is not None and to_date(record.week_start) >= week:
        errors.append(
            f"week_start: {record.week_start} is not before the week of {week}; history holds "
            "earlier weeks (the plan being re-planned or checked is given on its own)"
        )
    return errors


def merge_contacts(contacts: Iterable[Contact]) -> tuple[Contact, ...]:
    """Contacts in the order given, a later one replacing any earlier one with its id or
    for the same visit of the same week (a correction, or the same log exported twice)."""
    merged: dict[str, Contact] = {}
    by_visit: dict[tuple[date, str], str] = {}
    for contact in contacts:
        merged.pop(contact.id, None)
        if contact.visit is not None:
            key = (monday_of(contact.day), contact.visit)
            if (earlier := by_visit.get(key)) is not None:
                merged.pop(earlier, None)
            by_visit[key] = contact.id
        merged[contact.id] = contact
    return tuple(merged.values())


def seen_dates(
    team: TeamFile,
    history: History,
    *,
    before: date,
    plan: PlanFile | None = None,
    hospital: bool = False,
    since: date | None = None,
) -> dict[str, tuple[SeenDate, ...]]:
    """Each client's seen dates before ``before``, in date order (clients with none left out).

    The plans of record are ``history.plans`` and, in a re-plan or its check, ``plan`` (the
    week's own plan, whose visits before ``before`` are kept exactly). A date with several
    sources provides what all of them do, and is planned when any of them is.
    ``hospital`` adds the dates that provided care in hospital (``at_hospital``; a delivered
    contact at hospital, an inpatient visit of record whose contact is absent or delivered),
    which recurring requirements read as well (FORMATS.md, "Recurring requirements").
    ``since`` leaves out dates before it (and the plans of record of weeks wholly before it)
    for a caller that looks back no further.
    """
    staff = {s.id: s for s in team.staff}
    discipline = {s.id: s.discipline for s in team.staff}
    records = [*history.plans.values(), *([plan] if plan is not None else [])]
    if since is not None:
        records = [r for r in records if to_date(r.week_start) + timedelta(days=7) > since]
    # Each contact's date parsed once: the large team's twelve weeks hold thousands.
    dated = [(c, c.day) for c in history.contacts]
    if since is not None:
        dated = [(c, day) for c, day in dated if day >= since]
    contact_of = {(monday_of(day), c.visit): c for c, day in dated if c.visit is not None}
    # Per (client, date): the disciplines and skills all its sources provide, and whether
    # any of them is planned.
    # Per (client, date): the disciplines, skills and staff all its sources provide, whether
    # any of them is planned, and whether all of them were in hospital.
    found: dict[tuple[str, date], tuple[set[str], set[str], set[str], list[bool]]] = {}

    def add(
        client: str,
        day: date,
        people: Iterable[str],
        skills: Iterable[str],
        planned: bool,
        ward: bool = False,
    ) -> None:
        disciplines, given, who, flags = found.setdefault((client, day), (set(), set(), set(), [False, True]))
        people = list(people)
        disciplines.update(discipline[s] for s in people if s in discipline)
        given.update(skills)
        who.update(people)
        flags[0] = flags[0] or (planned and not ward)
        flags[1] = flags[1] and ward

    for contact, day in dated:
        if day < before and contact.delivered and (hospital or contact.place != "hospital"):
            ward = contact.place == "hospital"
            add(contact.client, day, contact.staff, contact.skills, contact.visit is not None, ward)
    for record in records:
        week = to_date(record.week_start)
        # A plan@1 visit has no place: every one is a home visit.
        for visit in record.visits:
            day = to_date(visit.date)
            if day >= before or (visit.in_hospital and not hospital) or (since is not None and day < since):
                continue
            recorded = contact_of.get((week, visit.id))
            if recorded is None:
                skills = _purpose_skill(visit.purpose, visit.staff, staff)
                add(visit.client, day, visit.staff, skills, True, visit.in_hospital)
            elif recorded.delivered:
                # What was recorded is what happened: its staff and skills, not the plan's.
                add(visit.client, day, recorded.staff, recorded.skills, True, visit.in_hospital)
    out: dict[str, list[SeenDate]] = {}
    for (client, day), (disciplines, given, who, flags) in sorted(found.items(), key=lambda item: item[0]):
        out.setdefault(client, []).append(
            SeenDate(day, frozenset(disciplines), frozenset(given), flags[0], frozenset(who), flags[1])
        )
    return {client: tuple(dates) for client, dates in out.items()}


def _purpose_skill(purpose: str | None, people: Sequence[str], staff: Mapping[str, Any]) -> list[str]:
    """A plan visit without a contact provides the skill its purpose names, when someone on it has it."""
    if purpose is not None and any(s in staff and purpose in staff[s].skills for s in people):
        return [purpose]
    return []


def planned_seen_dates(dates: Iterable[SeenDate]) -> tuple[SeenDate, ...]:
    """The seen dates that come from a planned visit (what H2 spaces from)."""
    return tuple(d for d in dates if d.planned)
