"""Seen dates as the checker reads them, from raw plan files and contact logs (FORMATS.md).

The checker's own reading, sharing no code with the app's (``domain.history``),
so that a re-plan counted wrongly there is caught here. Lenient like the rest
of the checker: an entry it cannot read is skipped, never an exception.

A seen date of a client is a date with a delivered contact (done, face to
face) not in hospital, or with a home visit of a plan of record whose contact
(same week, same visit id) is absent or delivered. A provided date (recurring
requirements) is a seen date, or a date with a delivered contact at hospital or
an inpatient visit of record whose contact is absent or delivered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .context import as_dict, as_list, parse_date

PLAN_FORMATS = frozenset({"actplanner/plan@1", "actplanner/plan@2"})
CONTACTS_FORMAT = "actplanner/contacts@1"


@dataclass(frozen=True)
class Seen:
    """A seen date, what it provides, and whether a planned visit made it (H2 spaces from those)."""

    date: date
    disciplines: frozenset[str]
    skills: frozenset[str]
    planned: bool


@dataclass(frozen=True)
class _Contact:
    id: object
    client: str
    date: date
    staff: tuple[str, ...]
    skills: tuple[str, ...]
    visit: str | None
    delivered: bool
    place: object


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _strings(value: object) -> tuple[str, ...]:
    return tuple(s for s in as_list(value) if isinstance(s, str))


def _contacts(documents: list[dict]) -> list[_Contact]:
    """Every readable contact; a later one replaces an earlier with its id or its (week, visit)."""
    merged: dict[object, _Contact] = {}
    by_visit: dict[tuple[date, str], object] = {}
    for doc in documents:
        for raw in as_list(doc.get("contacts")):
            raw = as_dict(raw)
            day, client = parse_date(raw.get("date")), raw.get("client")
            if day is None or not isinstance(client, str):
                continue
            visit = raw.get("visit") if isinstance(raw.get("visit"), str) else None
            entry = _Contact(
                id=raw.get("id") if isinstance(raw.get("id"), str) else object(),
                client=client,
                date=day,
                staff=_strings(raw.get("staff")),
                skills=_strings(raw.get("skills")),
                visit=visit,
                delivered=raw.get("outcome") == "done" and raw.get("mode") == "face_to_face",
                place=raw.get("place"),
            )
            merged.pop(entry.id, None)
            if visit is not None:
                key = (_monday(day), visit)
                if key in by_visit:
                    merged.pop(by_visit[key], None)
                by_visit[key] = entry.id
            merged[entry.id] = entry
    return list(merged.values())


def seen_dates(
    staff: dict[str, dict], own_plan: dict, history: list, week_start: date, before: date
) -> dict[str, list[Seen]]:
    """Each client's seen dates before ``before``, in date order.

    The plans of record are the history's plans of weeks before ``week_start`` (the last
    given for a week) and ``own_plan``, whose visits before ``before`` count (a re-plan's).
    """
    return _dates(staff, own_plan, history, week_start, before, hospital=False)


def provided_dates(
    staff: dict[str, dict], own_plan: dict, history: list, week_start: date, before: date
) -> dict[str, list[Seen]]:
    """Each client's dates before ``before`` that can provide a recurring requirement (H4):
    the seen dates, and also delivered contacts at ``hospital`` and inpatient visits of record
    whose contact is absent or delivered (an injection given in hospital resets the clock)."""
    return _dates(staff, own_plan, history, week_start, before, hospital=True)


def _dates(
    staff: dict[str, dict], own_plan: dict, history: list, week_start: date, before: date, *, hospital: bool
) -> dict[str, list[Seen]]:
    documents = [as_dict(d) for d in history]
    records: dict[date, dict] = {}
    for doc in documents:
        week = parse_date(doc.get("week_start"))
        if doc.get("format") in PLAN_FORMATS and week is not None and week < week_start:
            records[week] = doc
    records[week_start] = own_plan
    contacts = _contacts([d for d in documents if d.get("format") == CONTACTS_FORMAT])
    by_visit = {(_monday(c.date), c.visit): c for c in contacts if c.visit is not None}
    found: dict[tuple[str, date], list[Seen]] = {}

    def add(client: str, day: date, people: tuple[str, ...], skills: tuple[str, ...], planned: bool) -> None:
        disciplines = frozenset(
            d for s in people if isinstance(d := as_dict(staff.get(s)).get("discipline"), str)
        )
        found.setdefault((client, day), []).append(Seen(day, disciplines, frozenset(skills), planned))

    for c in contacts:
        if c.date < before and c.delivered and (hospital or c.place != "hospital"):
            add(c.client, c.date, c.staff, c.skills, c.visit is not None)
    for week, record in records.items():
        for raw in as_list(record.get("visits")):
            raw = as_dict(raw)
            day, client, ident = parse_date(raw.get("date")), raw.get("client"), raw.get("id")
            if day is None or day >= before or not isinstance(client, str):
                continue
            if raw.get("place") not in ((None, "home", "hospital") if hospital else (None, "home")):
                continue  # H1 and H2 count home visits only; H4 inpatient visits too.
            recorded = by_visit.get((week, ident)) if isinstance(ident, str) else None
            if recorded is None:
                people = _strings(raw.get("staff"))
                purpose = raw.get("purpose")
                given = (
                    (purpose,)
                    if isinstance(purpose, str)
                    and any(purpose in as_list(as_dict(staff.get(s)).get("skills")) for s in people)
                    else ()
                )
                add(client, day, people, given, True)
            elif recorded.delivered:
                add(client, day, recorded.staff, recorded.skills, True)
    out: dict[str, list[Seen]] = {}
    for (client, day), sources in sorted(found.items()):
        out.setdefault(client, []).append(
            Seen(
                day,
                frozenset().union(*(s.disciplines for s in sources)),
                frozenset().union(*(s.skills for s in sources)),
                any(s.planned for s in sources),
            )
        )
    return out
