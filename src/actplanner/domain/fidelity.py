"""Fidelity from contacts: the figures a state review computes from what was delivered.

Exactly FORMATS.md's "Fidelity from contacts" table, over a period of whole
weeks [D1, D2]. A is the clients on the program on every date of the period;
W is its length in weeks. Each figure is rounded to 4 decimals; a share with
nothing to count is null, not 0, so "no data" never reads as "failed".
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from actplanner.domain.formats import Contact, PlanFile, TeamFile, minutes
from actplanner.domain.trusted import built

#: The 14-day window of DACTS H2 (team approach).
WINDOW_DAYS = 14
#: H2 counts clients seen by at least two distinct staff ("more than one staff member").
TEAM_APPROACH_STAFF = 2
DECIMALS = 4

#: A contact's date, parsed once per distinct date: a quarter's log holds ninety dates and
#: tens of thousands of contacts, each read by several figures.
contact_day = functools.lru_cache(maxsize=4096)(date.fromisoformat)

#: When a client is on the program: [admitted, discharged), None for no bound.
Enrolment = tuple[date | None, date | None]


@dataclass(frozen=True)
class FidelityFigures:
    """The table's figures; the field names are its JSON keys."""

    contacts_per_client_week: float | None
    minutes_per_client_week: float | None
    community_share: float | None
    team_approach_share: float | None
    done_share: float | None
    clients_below_required: list[str]

    def as_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class TopRating:
    """A figure's DACTS item and the value that earns its top rating (DOMAIN.md)."""

    item: str
    at_least: float
    shown: str

    def __str__(self) -> str:
        return f"{self.item}: ≥ {self.shown}"

    def met(self, value: float | None) -> bool | None:
        """Whether ``value`` earns the top rating; None when there is no value to rate."""
        return None if value is None else value >= self.at_least


#: Each figure's DACTS item and top rating; None where no item rates it. The CLI prints them
#: beside the figures and the Fidelity page marks each figure met or missed with them.
TOP_RATINGS: dict[str, TopRating | None] = {
    "contacts_per_client_week": TopRating("S5 frequency", 4, "4"),
    "minutes_per_client_week": TopRating("S4 intensity", 120, "120 (2 hours)"),
    "community_share": TopRating("S1 community-based", 0.8, "0.8"),
    "team_approach_share": TopRating("H2 team approach", 0.9, "0.9"),
    "done_share": None,
    "clients_below_required": None,
}


def check_period(start: date, end: date, *, fields: tuple[str, str] = ("--from", "--to")) -> list[str]:
    """Errors of a fidelity period: it runs from a Monday to a later (or the same week's) Sunday.

    ``fields`` name the period's two ends as the caller's user typed them (options, form fields).
    """
    first, last = fields
    errors = []
    if start.weekday() != 0:
        errors.append(f"{first}: {start} is a {start:%A}; the period starts on a Monday")
    if end.weekday() != 6:
        errors.append(f"{last}: {end} is a {end:%A}; the period ends on a Sunday")
    if not errors and end < start:
        errors.append(f"{last}: {end} is before {first} {start}")
    return errors


def fidelity(
    team: TeamFile,
    contacts: Sequence[Contact],
    start: date,
    end: date,
    *,
    enrolment: Mapping[str, Enrolment] | None = None,
    weeks: Collection[date] | None = None,
) -> FidelityFigures:
    """The fidelity figures of ``contacts`` over [``start``, ``end``] (a Monday to a Sunday).

    ``enrolment`` gives clients' program dates; a client it leaves out is on the program
    throughout (a team@1 file has no admission dates). ``contacts`` are the merged log.
    ``weeks``, when given, are the Mondays of the period that count (the weeks a plan was
    published, for the plans' figures): W is their number, only their contacts count, a
    14-day window counts when both its weeks do, and only their weeks can leave a client
    short. Without it every week counts, as FORMATS.md defines the figures.
    """
    if problems := check_period(start, end):
        raise ValueError("; ".join(problems))
    days = (end - start).days + 1
    counted = _counted_weeks(start, days, weeks)
    bounds = enrolment or {}
    on_program = [c.id for c in team.clients if _throughout(bounds.get(c.id, (None, None)), start, end)]
    in_a = set(on_program)
    # Each contact with its week of the period, looked up by its ISO date (no date parsed): the
    # engine reads tens of thousands.
    week_of = _weeks_of(start, days)
    in_period = [(c, c.date, w) for c in contacts if (w := week_of.get(c.date)) is not None and w in counted]
    delivered = [item for item in in_period if item[0].delivered]
    of_a = [item for item in delivered if item[0].client in in_a]
    linked = [c for c, _, _ in in_period if c.visit is not None]
    client_weeks = len(in_a) * len(counted)
    return FidelityFigures(
        contacts_per_client_week=_ratio(len(of_a), client_weeks),
        minutes_per_client_week=_ratio(sum(c.minutes for c, _, _ in of_a), client_weeks),
        community_share=_ratio(sum(c.place != "office" for c, _, _ in delivered), len(delivered)),
        team_approach_share=_team_approach(of_a, in_a, days, counted),
        done_share=_ratio(sum(c.outcome == "done" for c in linked), len(linked)),
        clients_below_required=sorted(
            {s.client for s in _shortfalls(team, of_a, on_program, start, counted)}
        ),
    )


def _weeks_of(start: date, days: int) -> dict[str, int]:
    """Each date of the period, as the files write it, with the index of its week (0 the first)."""
    return {(start + timedelta(days=d)).isoformat(): d // 7 for d in range(days)}


def _counted_weeks(start: date, days: int, weeks: Collection[date] | None) -> set[int]:
    """The indexes (0 for the first) of the period's weeks that count."""
    every = range(days // 7)
    if weeks is None:
        return set(every)
    return {k for k in every if start + timedelta(days=7 * k) in weeks}


def _throughout(bounds: Enrolment, start: date, end: date) -> bool:
    admitted, discharged = bounds
    return (admitted is None or admitted <= start) and (discharged is None or discharged > end)


def _ratio(part: float, whole: float) -> float | None:
    return round(part / whole, DECIMALS) if whole else None


def _team_approach(
    delivered: Sequence[tuple[Contact, str, int]], clients: set[str], days: int, counted: set[int]
) -> float | None:
    """The mean over the 14-day windows inside the period (both of whose weeks count) of the
    share of A seen by 2+ staff."""
    per_week = WINDOW_DAYS // 7
    staff: dict[tuple[int, str], set[str]] = {}
    for contact, _, week in delivered:
        staff.setdefault((week // per_week, contact.client), set()).update(contact.staff)
    shares = []
    for window in range(days // WINDOW_DAYS):
        if not all(window * per_week + k in counted for k in range(per_week)):
            continue
        seen = sum(len(staff.get((window, client), ())) >= TEAM_APPROACH_STAFF for client in clients)
        shares.append(seen / len(clients) if clients else None)
    counted_shares = [s for s in shares if s is not None]
    return round(sum(counted_shares) / len(counted_shares), DECIMALS) if counted_shares else None


@dataclass(frozen=True)
class Shortfall:
    """One week in which a client of A was seen on fewer dates than their H1 count, with what
    the log says of the contacts that did not count (for the lead and the state review)."""

    client: str
    week_start: date
    seen: int
    required: int
    reasons: tuple[str, ...]


#: How a contact that made no seen date is named in a shortfall's reasons.
_OUTCOME_WORDS = {"no_show": "no show", "refused": "refused", "cancelled": "cancelled"}


def shortfalls(
    team: TeamFile,
    contacts: Sequence[Contact],
    start: date,
    end: date,
    *,
    enrolment: Mapping[str, Enrolment] | None = None,
) -> list[Shortfall]:
    """The weeks behind ``clients_below_required``, by client then week, each with the reasons
    the log gives: "no show on 2026-12-02", "phone on 2026-12-03", "in hospital on …"."""
    if problems := check_period(start, end):
        raise ValueError("; ".join(problems))
    days = (end - start).days + 1
    bounds = enrolment or {}
    clients = [c.id for c in team.clients if _throughout(bounds.get(c.id, (None, None)), start, end)]
    week_of = _weeks_of(start, days)
    in_period = [(c, c.date, w) for c in contacts if (w := week_of.get(c.date)) is not None]
    return _shortfalls(team, in_period, clients, start, set(range(days // 7)))


def _shortfalls(
    team: TeamFile,
    contacts: Sequence[tuple[Contact, str, int]],
    clients: Sequence[str],
    start: date,
    counted: set[int],
) -> list[Shortfall]:
    """Clients of A who, in a counted week, had fewer distinct dates with a delivered contact not
    in hospital than that week's H1 count; ``contacts`` with their dates and week indexes."""
    dates: dict[tuple[str, int], set[str]] = {}
    missed: dict[tuple[str, int], list[Contact]] = {}
    for contact, day, week in contacts:
        key = (contact.client, week)
        if contact.delivered and contact.place != "hospital":
            dates.setdefault(key, set()).add(day)
        else:
            missed.setdefault(key, []).append(contact)
    by_id = {c.id: c for c in team.clients}
    found = []
    for ident in clients:
        client = by_id[ident]
        # A is on the program all period, so every week's n is the client's whole count.
        wanted = client.visits_per_week or team.policy.acuity[client.acuity].visits_per_week
        for week in sorted(counted):
            seen = len(dates.get((ident, week), ()))
            if seen < wanted:
                others = sorted(missed.get((ident, week), []), key=lambda c: (c.date, c.start))
                found.append(
                    Shortfall(
                        ident, start + timedelta(days=7 * week), seen, wanted, tuple(map(_reason, others))
                    )
                )
    return found


def _reason(contact: Contact) -> str:
    if contact.outcome != "done":
        return f"{_OUTCOME_WORDS[contact.outcome]} on {contact.date}"
    if contact.mode != "face_to_face":
        return f"{contact.mode} on {contact.date}"
    return f"in hospital on {contact.date}"


def planned_contacts(plans: Iterable[PlanFile]) -> tuple[Contact, ...]:
    """The plans' visits as if each had been delivered as planned: done, face to face, for its
    minutes, at home or (an inpatient visit, plan@2) at the hospital, which H1 and the count of
    clients below their visits do not count. ``fidelity`` of these is the "planned" beside the
    delivered."""
    out: list[Contact] = []
    lengths: dict[tuple[str, str], int] = {}
    for plan in plans:
        for visit in plan.visits:
            span = (visit.start, visit.end)
            if (length := lengths.get(span)) is None:
                length = lengths[span] = minutes(visit.end) - minutes(visit.start)
            # Built, not validated: each field comes from a plan that was checked when loaded.
            out.append(
                built(
                    Contact,
                    id=f"p-{len(out) + 1}",
                    client=visit.client,
                    staff=list(visit.staff),
                    date=visit.date,
                    start=visit.start,
                    minutes=length,
                    outcome="done",
                    mode="face_to_face",
                    place="hospital" if visit.place == "hospital" else "home",
                    skills=[],
                    visit=visit.id,
                )
            )
    return tuple(out)
