"""My day's data: one staff member's visits of one day in route order, each with its recorded contact.

Read from the week's published plan (the plan staff work to) and the contact log.
Addresses are PHI: the page records in the audit trail which clients it showed.
With rostered shifts (Part B) the day also holds the shift, the break and the team
meeting, shown among the visits in time order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from actplanner.contacts.service import CORRECTION_DAYS, StoredContact, list_contacts
from actplanner.db import Client, Staff, Team
from actplanner.domain.map_links import MapLink, Phone, map_links
from actplanner.domain.places import visit_hospital
from actplanner.domain.week import monday_of
from actplanner.planning.day_items import DayItem, StaffDay, staff_day
from actplanner.planning.plans import published_plan

#: What a staff member picks when a visit did not happen, in the words the page shows.
NOT_DONE = {"no_show": "No show", "refused": "Refused", "cancelled": "Cancelled"}
OUTCOMES = {"done": "Done", **NOT_DONE}
MODES = {"face_to_face": "Face to face", "phone": "Phone", "video": "Video"}
PLACES = {
    "home": "Home",
    "community": "Community",
    "office": "Office",
    "hospital": "Hospital",
    "other": "Other",
}


@dataclass
class VisitCard:
    """A planned visit as My day shows it, with the form values a failed submission keeps."""

    visit_id: str
    client_id: str
    code: str
    name: str | None
    start: str
    end: str
    minutes: int
    purpose: str | None
    #: Everyone on the visit by id, the page's staff member first: the contact names them all.
    staff: list[str]
    coworkers: list[str]
    address: str
    #: Links that open the place in the phone's maps app (one for a known phone, else two).
    map_links: tuple[MapLink, ...]
    #: The purpose as a skill someone on the visit has: "given" is ticked by default when done.
    skill: str | None
    recorded: StoredContact | None = None
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    #: Where the contact happens when done: "hospital" for an inpatient visit, else "home".
    place: str = "home"


@dataclass(frozen=True)
class MyDay:
    team: Team
    member: Staff
    day: date
    published: bool
    visits: list[VisitCard]
    #: Contacts of the day no visit of the plan holds (crisis call-outs, phone calls).
    unplanned: list[StoredContact]
    #: The shift, the holiday, the break and the team meeting (Part B), from the same plan.
    working: StaffDay | None = None

    @property
    def timeline(self) -> list[tuple[str, VisitCard | DayItem]]:
        """The visit cards and the day's break and meeting, in time order, each with its kind."""
        rows: list[tuple[str, VisitCard | DayItem]] = [("visit", card) for card in self.visits]
        if self.working is not None:
            rows += [("item", item) for item in self.working.items]
        return sorted(rows, key=lambda row: (row[1].start, row[0] == "visit"))


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def address(client: Client | None) -> str:
    if client is None:
        return ""
    return client.home_label or f"{client.home_lat:.5f}, {client.home_lon:.5f}"


def home_links(client: Client | None, phone: Phone | None) -> tuple[MapLink, ...]:
    """The client's home in the phone's own maps app, pinned with the address (no name)."""
    if client is None:
        return ()
    return map_links(client.home_lat, client.home_lon, client.home_label, phone)


def my_day(
    *, session: Session, team: Team, member: Staff, day: date, with_names: bool, phone: Phone | None = None
) -> MyDay:
    """``member``'s visits on ``day`` from the published plan, by start time, with their contacts."""
    plan = published_plan(session=session, team_id=team.id, week_start=monday_of(day))
    clients = {c.id: c for c in team.clients}
    names = {s.id: s.name for s in team.staff}
    skills = {s.id: set(s.skills) for s in team.staff}
    recorded = list_contacts(session=session, team_id=team.id, staff=member.id, start=day, end=day)
    by_visit = {c.contact.visit: c for c in recorded if c.contact.visit is not None}
    cards = []
    visits = [] if plan is None else [v for v in plan.visits if member.id in v.staff and v.date == day]
    for visit in sorted(visits, key=lambda v: (v.start, v.id)):
        client = clients.get(visit.client_id)
        # An inpatient visit goes to the hospital, not the home.
        hospital = visit_hospital(visit.place, client.episodes, visit.date) if client else None
        purpose = visit.purpose
        cards.append(
            VisitCard(
                visit_id=visit.id,
                client_id=visit.client_id,
                code=client.code if client else visit.client_id,
                name=client.name if with_names and client else None,
                start=visit.start,
                end=visit.end,
                minutes=_minutes(visit.end) - _minutes(visit.start),
                purpose=purpose,
                staff=[member.id, *(s for s in visit.staff if s != member.id)],
                coworkers=[names.get(s, s) for s in visit.staff if s != member.id],
                address=hospital.words if hospital else address(client),
                map_links=(
                    map_links(hospital.lat, hospital.lon, hospital.label, phone)
                    if hospital
                    else home_links(client, phone)
                ),
                skill=purpose if purpose and any(purpose in skills.get(s, ()) for s in visit.staff) else None,
                recorded=by_visit.get(visit.id),
                place="hospital" if hospital else "home",
            )
        )
    planned = {c.visit_id for c in cards}
    unplanned = [c for c in recorded if c.contact.visit not in planned]
    working = staff_day(team.policy, plan, member.id, member.shifts, day)
    return MyDay(team, member, day, plan is not None, cards, unplanned, working)


def correctable_until(contact: StoredContact) -> date:
    """The last day its staff may correct a contact (after it, only the lead)."""
    return contact.contact.day + timedelta(days=CORRECTION_DAYS)
