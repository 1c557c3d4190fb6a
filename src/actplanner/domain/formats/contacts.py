"""The contact log, ``actplanner/contacts@1``: what actually happened, one entry per contact.

A contact records a planned visit (``visit`` names it in the plan of the week
holding the contact's date) or an unplanned one (a crisis call-out, a phone
call). The log is protected health information: it never goes into a feed.

Loading checks the file alone (shape, the rules between an entry's fields, one
entry per visit of a week); ``contact_team_errors`` and ``contact_visit_errors``
check it against the team file and the plans its visits belong to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from actplanner.domain.formats._base import (
    Date,
    FileModel,
    Id,
    Time,
    duplicate_ids,
    minutes,
    show,
    to_date,
)
from actplanner.domain.formats.limits import MAX_LIST, Word
from actplanner.domain.week import monday_of

if TYPE_CHECKING:
    from actplanner.domain.formats.plan import PlanFile
    from actplanner.domain.formats.team import TeamFile

CONTACTS_FORMAT = "actplanner/contacts@1"

Outcome = Literal["done", "no_show", "refused", "cancelled"]
Mode = Literal["face_to_face", "phone", "video"]
ContactPlace = Literal["home", "community", "office", "hospital", "other"]


class Contact(FileModel):
    id: Id
    client: Id
    staff: list[Id] = Field(max_length=MAX_LIST)
    date: Date
    start: Time
    #: A contact lies within one day, as a visit does.
    minutes: int = Field(ge=0, le=1440)
    outcome: Outcome
    mode: Mode | None = None
    place: ContactPlace | None = None
    skills: list[Word] = Field([], max_length=MAX_LIST)
    visit: Id | None = None

    @property
    def delivered(self) -> bool:
        """Done and face to face: the contact the fidelity scales and the seen dates count."""
        return self.outcome == "done" and self.mode == "face_to_face"

    @property
    def day(self) -> dt.date:
        return to_date(self.date)


class ContactLog(FileModel):
    format: Literal["actplanner/contacts@1"]
    team: Id
    contacts: list[Contact]


def check_contacts(log: ContactLog) -> list[str]:
    """Rules within the log: unique ids, fields an outcome or mode needs, one entry per visit."""
    errors = duplicate_ids("contacts", [c.id for c in log.contacts])
    visits: dict[tuple[dt.date, str], int] = {}
    for i, contact in enumerate(log.contacts):
        path = f"contacts[{i}]"
        errors += _entry_errors(path, contact)
        if contact.visit is None:
            continue
        # One file holds what happened at a visit once; a correction replaces the entry
        # (in the app) or comes in a later file (history), never beside it.
        key = (monday_of(contact.day), contact.visit)
        if key in visits:
            errors.append(
                f"{path}.visit: visit {show(contact.visit)} of the week of {key[0]} already has a "
                f"contact (contacts[{visits[key]}]); a visit has at most one"
            )
        else:
            visits[key] = i
    return errors


def _entry_errors(path: str, contact: Contact) -> list[str]:
    errors = []
    done = contact.outcome == "done"
    if not contact.staff:
        errors.append(f"{path}.staff: a contact names at least one staff member")
    if done and contact.mode is None:
        errors.append(f"{path}.mode: required when outcome is done")
    if contact.mode == "face_to_face" and contact.place is None:
        errors.append(f"{path}.place: required when mode is face_to_face")
    if not done and contact.minutes > 0:
        errors.append(
            f"{path}.minutes: {contact.minutes} minutes but outcome is {contact.outcome}; "
            "only a done contact has minutes"
        )
    if not done and contact.skills:
        errors.append(f"{path}.skills: only a done contact provides skills (outcome is {contact.outcome})")
    if minutes(contact.start) + contact.minutes > 1440:
        errors.append(f"{path}.minutes: {contact.minutes} minutes from {contact.start} run past midnight")
    for j, ident in enumerate(contact.staff):
        if ident in contact.staff[:j]:
            errors.append(f"{path}.staff[{j}]: {show(ident)} is listed twice")
    for j, skill in enumerate(contact.skills):
        if skill in contact.skills[:j]:
            errors.append(f"{path}.skills[{j}]: {show(skill)} is listed twice")
    return errors


def contact_team_errors(log: ContactLog, team: TeamFile) -> list[str]:
    """The log against its team file: the team, every client and staff member, and skills
    someone on the contact has (a misspelt skill would silently miss an injection)."""
    errors = []
    if log.team != team.team.id:
        errors.append(f"team: the log is for team {show(log.team)}, the team file is {show(team.team.id)}")
    clients = {c.id for c in team.clients}
    staff = {s.id: s for s in team.staff}
    for i, contact in enumerate(log.contacts):
        path = f"contacts[{i}]"
        if contact.client not in clients:
            errors.append(f"{path}.client: unknown client {show(contact.client)}")
        known = [staff[s] for s in contact.staff if s in staff]
        for j, ident in enumerate(contact.staff):
            if ident not in staff:
                errors.append(f"{path}.staff[{j}]: unknown staff {show(ident)}")
        if len(known) < len(contact.staff):
            continue
        for j, skill in enumerate(contact.skills):
            if not any(skill in member.skills for member in known):
                errors.append(f"{path}.skills[{j}]: no staff member on the contact has skill {show(skill)}")
    return errors


def contact_visit_errors(log: ContactLog, plans: Mapping[dt.date, PlanFile]) -> list[str]:
    """Each ``visit`` against the plan of its week, where that plan is known (``plans`` by
    ``week_start``): the visit exists, is the contact's client's and is on the contact's date."""
    errors = []
    for i, contact in enumerate(log.contacts):
        if contact.visit is None:
            continue
        week = monday_of(contact.day)
        plan = plans.get(week)
        if plan is None:
            continue
        path = f"contacts[{i}].visit"
        found = next((v for v in plan.visits if v.id == contact.visit), None)
        if found is None:
            errors.append(f"{path}: the plan of the week of {week} has no visit {show(contact.visit)}")
        elif found.client != contact.client:
            errors.append(f"{path}: visit {show(contact.visit)} is {found.client}'s, not {contact.client}'s")
        elif found.date != contact.date:
            errors.append(
                f"{path}: visit {show(contact.visit)} is on {found.date}, the contact on {contact.date}; "
                "a visit made on another day is recorded as a contact of its own"
            )
    return errors
