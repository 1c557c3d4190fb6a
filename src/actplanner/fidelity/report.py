"""What the Fidelity page, its CSV and its printable report show of a period: one view model.

Pure: built from the team file, the contact log and the week's published plans,
so the page and the CLI read the same engine (``domain.fidelity``) and agree
figure for figure. Clients appear by their code only: the report leaves the app
(a state review), and codes are what the rest of the app prints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from actplanner.domain.fidelity import (
    TOP_RATINGS,
    FidelityFigures,
    check_period,
    contact_day,
    fidelity,
    planned_contacts,
    shortfalls,
)
from actplanner.domain.formats import Contact, PlanFile, TeamFile
from actplanner.domain.week import WeekError, monday_of, require_planned
from actplanner.fidelity.explain import Explanation, explain

#: The figures in the order the page lists them, with the words a lead reads.
LABELS = {
    "contacts_per_client_week": "Contacts per client per week",
    "minutes_per_client_week": "Face-to-face minutes per client per week",
    "community_share": "Share of contacts in the community",
    "team_approach_share": "Clients seen by 2+ staff in 14 days",
    "done_share": "Planned visits done",
    "clients_below_required": "Clients below their required count",
}
SHARES = {"community_share", "team_approach_share", "done_share"}


@dataclass(frozen=True)
class FigureRow:
    """One figure, delivered beside planned, and its DACTS top rating where one applies.

    ``delivered`` and ``planned`` are the engine's values (the count of clients for
    ``clients_below_required``); ``met`` is None where no rating applies or no value exists.
    """

    key: str
    label: str
    delivered: float | None
    planned: float | None
    top_rating: str
    met: bool | None
    #: Why the figure misses its top rating and what it would take; None when it meets it.
    explanation: Explanation | None = None

    @property
    def shown(self) -> str:
        return show(self.key, self.delivered)

    @property
    def planned_shown(self) -> str:
        return show(self.key, self.planned)

    @property
    def target_shown(self) -> str:
        """The top rating as the page prints it, in the unit of the figure beside it."""
        return show_target(self.key)


@dataclass(frozen=True)
class WeekRow:
    """One week of the trend: its delivered and planned figures."""

    week_start: date
    delivered: FidelityFigures
    planned: FidelityFigures | None


@dataclass(frozen=True)
class ShortRow:
    """A client's short week, by client code, with the reasons the log gives."""

    client: str
    week_start: date
    seen: int
    required: int
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class StaffRow:
    """A staff member's contacts in the period (a joint contact counts for each of its staff)."""

    staff_id: str
    name: str
    discipline: str
    delivered: int
    minutes: int
    not_done: int
    phone_or_video: int


@dataclass(frozen=True)
class FidelityReport:
    start: date
    end: date
    figures: list[FigureRow]
    weeks: list[WeekRow]
    short: list[ShortRow]
    staff: list[StaffRow]
    #: Mondays of the period with no published plan: "planned" leaves those weeks out.
    unplanned_weeks: list[date]
    contacts: int

    @property
    def period_words(self) -> str:
        """The period's days as a lead reads them: "Mon 2 Nov – Sun 29 Nov 2026" (the year once
        when both ends share it)."""
        first = "%a %-d %b" if self.start.year == self.end.year else "%a %-d %b %Y"
        return f"{self.start.strftime(first)} – {self.end.strftime('%a %-d %b %Y')}"


def show(key: str, value: float | None) -> str:
    """A figure as the page prints it: shares as percentages, the rest as the CLI prints them."""
    if value is None:
        return "no data"
    if key in SHARES:
        return f"{value * 100:.1f}%"
    return f"{value:g}"


def show_target(key: str) -> str:
    """A figure's DACTS top rating in the unit ``show`` gives its value: a share printed as a
    percentage reads "≥ 80%", not "≥ 0.8", beside "91.3%"; a count a week stays a number.
    "" where no item rates the figure. (The CSV and the CLI keep the engine's fractions.)"""
    rating = TOP_RATINGS[key]
    if rating is None:
        return ""
    if key in SHARES:
        return f"{rating.item}: ≥ {rating.at_least * 100:g}%"
    return str(rating)


def period_weeks(start: date, end: date) -> list[date]:
    """The Mondays of a period of whole weeks."""
    return [start + timedelta(days=7 * k) for k in range(((end - start).days + 1) // 7)]


def fidelity_report(
    team: TeamFile,
    contacts: Sequence[Contact],
    plans: Sequence[PlanFile],
    start: date,
    end: date,
    *,
    planned: Sequence[Contact] | None = None,
) -> FidelityReport:
    """The report of [``start``, ``end``] (a Monday to a Sunday) from ``contacts`` and published ``plans``.

    ``planned`` is ``planned_contacts(plans)`` when the caller has it already (plans never
    change once published, so a service keeps them made).
    """
    codes = {c.id: c.code for c in team.clients}
    planned = planned_contacts(plans) if planned is None else planned
    delivered = fidelity(team, contacts, start, end)
    planned_weeks = {date.fromisoformat(str(p.week_start)) for p in plans}
    # The plans' figures over the weeks that have a plan: a week nobody planned is no promise of
    # nothing (it would count every client short and halve the contacts of a half-planned period).
    of_plans = fidelity(team, planned, start, end, weeks=planned_weeks) if plans else None
    mondays = period_weeks(start, end)
    # Each week's figures read that week's contacts only: twelve weeks of a large team's log
    # scanned once, not once a week.
    delivered_by_week, planned_by_week = _by_week(contacts), _by_week(planned)
    in_period = [c for c in contacts if start <= contact_day(c.date) <= end]
    notes = explain(team, in_period, planned, start, end, delivered, of_plans)
    return FidelityReport(
        start=start,
        end=end,
        figures=_figure_rows(delivered, of_plans, notes),
        weeks=[
            WeekRow(
                monday,
                fidelity(team, delivered_by_week.get(monday, ()), monday, monday + timedelta(days=6)),
                fidelity(team, planned_by_week.get(monday, ()), monday, monday + timedelta(days=6))
                if monday in planned_weeks
                else None,
            )
            for monday in mondays
        ],
        short=[
            ShortRow(codes.get(s.client, s.client), s.week_start, s.seen, s.required, s.reasons)
            for s in shortfalls(team, contacts, start, end)
        ],
        staff=_staff_rows(team, in_period),
        unplanned_weeks=[m for m in mondays if m not in planned_weeks],
        contacts=len(in_period),
    )


def _by_week(contacts: Sequence[Contact]) -> dict[date, list[Contact]]:
    weeks: dict[date, list[Contact]] = {}
    for contact in contacts:
        weeks.setdefault(monday_of(contact_day(contact.date)), []).append(contact)
    return weeks


def _figure_rows(
    delivered: FidelityFigures, planned: FidelityFigures | None, notes: dict[str, Explanation]
) -> list[FigureRow]:
    rows = []
    for key, label in LABELS.items():
        value = _number(getattr(delivered, key))
        # Every planned visit reads as done, so the plans' done share says nothing.
        plan_value = None if planned is None or key == "done_share" else _number(getattr(planned, key))
        rating = TOP_RATINGS[key]
        rows.append(
            FigureRow(
                key,
                label,
                value,
                plan_value,
                "" if rating is None else str(rating),
                None if rating is None else rating.met(value),
                notes.get(key),
            )
        )
    return rows


def _number(value: float | list[str] | None) -> float | None:
    """A figure as one number: a list of clients counts its clients."""
    if isinstance(value, list):
        return len(value)
    return value


def _staff_rows(team: TeamFile, contacts: Sequence[Contact]) -> list[StaffRow]:
    delivered: Counter[str] = Counter()
    minutes: Counter[str] = Counter()
    not_done: Counter[str] = Counter()
    remote: Counter[str] = Counter()
    for contact in contacts:
        for staff in contact.staff:
            if contact.delivered:
                delivered[staff] += 1
                minutes[staff] += contact.minutes
            elif contact.outcome != "done":
                not_done[staff] += 1
            else:
                remote[staff] += 1
    return [
        StaffRow(
            s.id,
            s.name,
            s.discipline.replace("_", " "),
            delivered[s.id],
            minutes[s.id],
            not_done[s.id],
            remote[s.id],
        )
        for s in team.staff
    ]


#: The longest period the page reads: a year of weeks, about 170,000 contacts for a large team.
MAX_WEEKS = 53
#: The page's default: the last four whole weeks before the current one.
DEFAULT_WEEKS = 4


class PeriodError(ValueError):
    """A period the page cannot read; the message names the field (``from`` or ``to``) and says why."""


def parse_period(
    first: str | None, last: str | None, *, today: date, log_starts: date | None = None
) -> tuple[date, date]:
    """The period [from, to] a page asks for: a Monday to a Sunday, by default the last 4 whole weeks
    that have ended before the week of ``today`` (the team's date), the week under way never.

    A field left empty takes its default. ``log_starts`` is the date of the team's first
    recorded contact: the default period then starts no earlier than the first whole week
    the log covers, so a team that began recording (or a demo seeded) two weeks ago sees
    those weeks, not two weeks of nothing read as every client short; a period asked for
    that starts before the log is taken as asked, and the page says where the log begins.
    PeriodError names each field that is wrong.
    """
    default_end = monday_of(today) - timedelta(days=1)
    default_start = default_end - timedelta(days=7 * DEFAULT_WEEKS - 1)
    if log_starts is not None:
        first_whole = log_starts + timedelta(days=(7 - log_starts.weekday()) % 7)
        if default_start < first_whole <= default_end - timedelta(days=6):
            default_start = first_whole
    errors: list[str] = []
    start = _day(first, "from", default_start, errors)
    end = _day(last, "to", default_end, errors)
    if start is None or end is None:
        raise PeriodError("; ".join(errors) + ".")
    if problems := check_period(start, end, fields=("from", "to")):
        raise PeriodError("; ".join(problems) + ".")
    if (weeks := ((end - start).days + 1) // 7) > MAX_WEEKS:
        raise PeriodError(f"to: the period holds {weeks} weeks; the page reads at most {MAX_WEEKS} at once.")
    return start, end


def _day(text: str | None, field: str, default: date, errors: list[str]) -> date | None:
    if text is None or not text.strip():
        return default
    try:
        return require_planned(date.fromisoformat(text.strip()), field=field)
    except WeekError as err:
        errors.append(str(err).rstrip("."))
    except ValueError:
        errors.append(f"{field}: {text[:40]!r} is not a date (YYYY-MM-DD)")
    return None
