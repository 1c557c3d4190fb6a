"""Lenient reading of the raw team and plan dicts, shared by rules and metrics.

Nothing here trusts its input: a malformed value reads as None or an empty
container instead of raising, and a plan visit that cannot be placed in the
week is set aside with a sentence that H12 reports.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from .report import Violation
from .travel import Place, Travel, as_point

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TEAM_FORMAT_2 = "actplanner/team@2"
PLAN_FORMAT_2 = "actplanner/plan@2"
HOME_PLACES = (None, "home")
#: Policy keys that put a team under Part B (rostered shifts); a staff ``contract`` does too.
PART_B_POLICY_LISTS = ("holidays", "shift_types", "coverage")
PART_B_POLICY_RULES = ("breaks", "team_meeting")
#: How far past the week the checker looks for a client's next open date (an overdue
#: recurring requirement of a client in hospital falls due on the first date home).
_OPEN_HORIZON_DAYS = 366
DAY_MINUTES = 24 * 60
_TIME = re.compile(r"([0-9]{2}):([0-9]{2})")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_time(value: object, *, end: bool = False) -> int | None:
    """Minutes after midnight of "HH:MM"; "24:00" only when ``end``."""
    if not isinstance(value, str) or (match := _TIME.fullmatch(value)) is None:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if end and hours == 24 and minutes == 0:
        return DAY_MINUTES
    if hours > 23 or minutes > 59:
        return None
    return hours * 60 + minutes


def parse_date(value: object) -> date | None:
    """The date of "YYYY-MM-DD", or None."""
    if not isinstance(value, str) or not _DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_datetime(value: object) -> datetime | None:
    """The naive local date-time of "YYYY-MM-DDTHH:MM" ("T24:00" is next midnight)."""
    if not isinstance(value, str):
        return None
    day_text, sep, time_text = value.partition("T")
    day, minutes = parse_date(day_text), parse_time(time_text, end=True)
    if not sep or day is None or minutes is None:
        return None
    return at(day, minutes)


def at(day: date, minutes: int) -> datetime:
    """The local date-time ``minutes`` after midnight of ``day``."""
    return datetime.combine(day, time()) + timedelta(minutes=minutes)


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def weekday(day: date) -> str:
    return WEEKDAYS[day.weekday()]


def as_dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list:
    return value if isinstance(value, list) else []


def overlaps(a: tuple[Any, Any], b: tuple[Any, Any]) -> bool:
    """Whether two half-open intervals share any time."""
    return a[0] < b[1] and b[0] < a[1]


def uses_part_b(team: dict) -> bool:
    """Whether FORMATS.md Part B is in force: the policy has holidays, shift types, coverage, a
    break rule or a team meeting, or a staff member has a contract (read from the raw file)."""
    policy = as_dict(team.get("policy"))
    if any(policy.get(key) for key in PART_B_POLICY_LISTS):
        return True
    if any(policy.get(key) is not None for key in PART_B_POLICY_RULES):
        return True
    return any(as_dict(member).get("contract") is not None for member in as_list(team.get("staff")))


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _index(items: object) -> dict[str, dict]:
    """Entries of a team-file list by id; the first of duplicated ids wins."""
    found: dict[str, dict] = {}
    for item in as_list(items):
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            found.setdefault(item["id"], item)
    return found


@dataclass(frozen=True)
class Visit:
    """A plan visit with a known client and a date inside the week.

    ``listed`` is the staff list as written (H5 judges it); ``staff`` is its
    distinct string ids. ``start``/``end`` are None when malformed. ``place`` is the
    raw ``place`` (version 2): absent or ``"home"`` is a home visit, ``"hospital"`` an
    inpatient visit; anything else is H13's (or, on a plan@1, H12's) to report.
    """

    id: str
    client: str
    listed: tuple[object, ...]
    date: date
    start: int | None
    end: int | None
    place: object = None

    @property
    def at_home(self) -> bool:
        """A home visit: no place, or ``"home"`` (H1, H2 and H13's open dates count these)."""
        return self.place in HOME_PLACES

    @property
    def in_hospital(self) -> bool:
        return self.place == "hospital"

    @property
    def sole_staff(self) -> str | None:
        """The one staff member on the visit, None when it lists none or two."""
        return self.staff[0] if len(self.staff) == 1 else None

    @property
    def staff(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for s in self.listed if isinstance(s, str)))

    @property
    def timed(self) -> bool:
        return self.start is not None and self.end is not None

    @property
    def interval(self) -> tuple[datetime, datetime]:
        assert self.start is not None and self.end is not None
        return at(self.date, self.start), at(self.date, self.end)

    def when(self) -> str:
        if self.timed:
            assert self.start is not None and self.end is not None
            return f"{self.date} {hhmm(self.start)}–{hhmm(self.end)}"
        return str(self.date)


@dataclass(frozen=True)
class PlanShift:
    """A readable plan@2 shift (Part B): a known staff member, a date of the week, its window
    in minutes of that date; ``type`` as written (null for fixed hours)."""

    index: int
    staff: str
    date: date
    type: object
    start: int
    end: int

    def when(self) -> str:
        return f"{self.date} {hhmm(self.start)}–{hhmm(self.end)}"


@dataclass(frozen=True)
class PlanBreak:
    """A readable plan@2 break (Part B), like ``PlanShift`` without a type."""

    index: int
    staff: str
    date: date
    start: int
    end: int

    def when(self) -> str:
        return f"{self.date} {hhmm(self.start)}–{hhmm(self.end)}"


@dataclass(frozen=True)
class OnCall:
    """A plan on-call entry; ``start``/``end`` are None when malformed."""

    index: int
    role: object
    staff: str | None
    start: datetime | None
    end: datetime | None
    raw_start: object
    raw_end: object


@dataclass(frozen=True)
class ClientRules:
    """A client's visit needs after applying their acuity level's defaults."""

    acuity: object
    visits_per_week: int | None
    visit_minutes: int | None
    min_gap_days: int | None


@dataclass(frozen=True)
class Episode:
    """A client's episode read leniently: [start, end), ``end`` None when open-ended."""

    kind: object
    start: date
    end: date | None
    location: dict | None
    visits_per_week: int

    def holds(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    @property
    def label(self) -> str:
        named = as_dict(self.location).get("label")
        return named if isinstance(named, str) and named else "the hospital"

    @property
    def visited(self) -> bool:
        """An inpatient episode the team visits: it has a location and visits_per_week > 0."""
        return self.kind == "inpatient" and self.location is not None and self.visits_per_week > 0


class Context:
    """Indexes of one team file and one plan file, read leniently."""

    def __init__(
        self, team: object, plan: object, week_start: str | None = None, history: object = None
    ) -> None:
        self.team = as_dict(team)
        self.plan = as_dict(plan)
        self.team_v2 = self.team.get("format") == TEAM_FORMAT_2
        self.plan_v2 = self.plan.get("format") == PLAN_FORMAT_2
        header = as_dict(self.team.get("team"))
        self.team_id = header.get("id")
        self.office = header.get("office")
        self.policy = as_dict(self.team.get("policy"))
        self.on_call_policy = as_dict(self.policy.get("on_call"))
        self.staff = _index(self.team.get("staff"))
        self.clients = _index(self.team.get("clients"))
        self.requested_week = week_start
        self.week_start = self._week_start()
        self.dates = [self.week_start + timedelta(days=i) for i in range(7)] if self.week_start else []
        self.handoff = parse_time(self.on_call_policy.get("handoff", "00:00"))
        self.travel = Travel(self.policy.get("travel"))
        self.history = as_list(history)
        self.replan_from = self._replan_from()
        #: Each client's seen dates before ``cut``; core.check fills it from the history.
        self.seen: dict[str, list] = {}
        #: Each client's dates before ``cut`` that provided something (H4's recurring
        #: requirements): seen dates, delivered contacts at hospital and inpatient visits of
        #: record; core.check fills it from the history.
        self.provided: dict[str, list] = {}
        self.visits: list[Visit] = []
        self.visit_problems: list[Violation] = []
        self._read_visits()
        #: Part B (rostered shifts): with it H3 and H7 read the plan's shifts, not the team
        #: file's hours, and H14–H18 apply.
        self.part_b = uses_part_b(self.team)
        self.holidays = self._holidays() if self.part_b else {}
        self.shifts: list[PlanShift] = []
        self.breaks: list[PlanBreak] = []
        #: Shift and break entries that cannot be read (H14 and H15 report them).
        self.roster_problems: list[Violation] = []
        if self.part_b:
            self._read_roster()
        self.shift_of: dict[tuple[str, date], PlanShift] = {}
        for entry in self.shifts:
            self.shift_of.setdefault((entry.staff, entry.date), entry)
        self.on_call = [
            OnCall(
                i,
                e.get("role"),
                _text(e.get("staff")),
                parse_datetime(e.get("start")),
                parse_datetime(e.get("end")),
                e.get("start"),
                e.get("end"),
            )
            for i, e in enumerate(as_list(self.plan.get("on_call")))
            if isinstance(e, dict)
        ]

    def _week_start(self) -> date | None:
        # The plan's own week is what its dates mean; a different requested
        # week is an H12 violation, not a reason to misread every visit.
        return parse_date(self.plan.get("week_start")) or parse_date(self.requested_week)

    def _replan_from(self) -> date | None:
        """The re-plan date F when the plan names one inside its week (H12 judges the rest)."""
        day = parse_date(self.plan.get("replan_from"))
        return day if day is not None and day in self.dates else None

    @property
    def cut(self) -> date | None:
        """Where the plan's own visits start to count: F in a re-plan, else the week's Monday."""
        return self.replan_from or (self.dates[0] if self.dates else None)

    def seen_before_cut(self, client_id: str) -> list:
        """The client's seen dates before ``cut``: from the history and, in a re-plan, the plan's
        own visits before F."""
        return self.seen.get(client_id, [])

    def _read_visits(self) -> None:
        for i, raw in enumerate(as_list(self.plan.get("visits"))):
            if not isinstance(raw, dict):
                self._problem(f"visits[{i}] is not a visit.")
                continue
            name = _text(raw.get("id")) or f"visits[{i}]"
            client, day = raw.get("client"), parse_date(raw.get("date"))
            known = _text(client) if _text(client) in self.clients else None
            if known is None:
                self._problem(f"Visit {name} is for client {client!r}, who is not in the team.")
                continue
            if day is None:
                self._problem(
                    f"Visit {name} has date {raw.get('date')!r}, not a YYYY-MM-DD date.",
                    client=known,
                )
                continue
            if self.dates and day not in self.dates:
                self._problem(
                    f"Visit {name} is on {day}, outside the week {self.dates[0]} to {self.dates[-1]}.",
                    client=known,
                    date=str(day),
                )
                continue
            start, end = parse_time(raw.get("start")), parse_time(raw.get("end"), end=True)
            for key, value in (("start", start), ("end", end)):
                if value is None:
                    self._problem(
                        f"Visit {name} has {key} time {raw.get(key)!r}, not a time (HH:MM).",
                        client=known,
                        date=str(day),
                    )
            staff = raw.get("staff")
            listed = tuple(staff) if isinstance(staff, list) else ()
            if not isinstance(staff, list):
                self._problem(f"Visit {name} has no staff list.", client=known, date=str(day))
            self.visits.append(Visit(name, known, listed, day, start, end, raw.get("place")))

    def _holidays(self) -> dict[date, str]:
        """The policy's holidays by date, with their names."""
        found: dict[date, str] = {}
        for raw in as_list(self.policy.get("holidays")):
            raw = as_dict(raw)
            day = parse_date(raw.get("date"))
            if day is not None:
                found.setdefault(day, _text(raw.get("name")) or "a holiday")
        return found

    def _read_roster(self) -> None:
        """The plan's ``shifts`` and ``breaks`` (Part B); an entry naming staff not in the team is
        left to H12, any other unreadable entry becomes a structural H14 or H15 violation."""
        for key, rule in (("shifts", "H14"), ("breaks", "H15")):
            for i, raw in enumerate(as_list(self.plan.get(key))):
                where = f"{key}[{i}]"
                if not isinstance(raw, dict):
                    self._roster_problem(rule, f"{where} is not a {key[:-1]} entry.")
                    continue
                staff = raw.get("staff")
                if not isinstance(staff, str) or staff not in self.staff:
                    continue
                day = parse_date(raw.get("date"))
                if day is None or (self.dates and day not in self.dates):
                    week = f"{self.dates[0]} to {self.dates[-1]}" if self.dates else "the plan's week"
                    self._roster_problem(
                        rule,
                        f"{where} ({staff}) has date {raw.get('date')!r}, not a date of the week {week}.",
                        staff,
                    )
                    continue
                start, end = parse_time(raw.get("start")), parse_time(raw.get("end"), end=True)
                if start is None or end is None or end <= start:
                    self._roster_problem(
                        rule,
                        f"{where} ({staff}, {day}) runs {raw.get('start')!r} to {raw.get('end')!r}: "
                        "expected two times (HH:MM), the end after the start.",
                        staff,
                        str(day),
                    )
                    continue
                if key == "shifts":
                    self.shifts.append(PlanShift(i, staff, day, raw.get("type"), start, end))
                else:
                    self.breaks.append(PlanBreak(i, staff, day, start, end))

    def _roster_problem(
        self, rule: str, message: str, staff: str | None = None, date: str | None = None
    ) -> None:
        self.roster_problems.append(Violation(rule, message, staff=staff, date=date, excusable=False))

    def _problem(self, message: str, *, client: str | None = None, date: str | None = None) -> None:
        self.visit_problems.append(Violation("H12", message, client=client, date=date))

    # -- team-file lookups -------------------------------------------------

    def acuity_in_force(self, client_id: str) -> object:
        """The acuity of the latest ``acuity_changes`` entry dated on or before the week's
        Monday, else the client's ``acuity``."""
        client = self.clients[client_id]
        acuity, latest = client.get("acuity"), None
        week = self.dates[0] if self.dates else None
        for change in as_list(client.get("acuity_changes")):
            change = as_dict(change)
            day = parse_date(change.get("date"))
            if day is None or week is None or day > week:
                continue
            if latest is None or day >= latest:
                acuity, latest = change.get("acuity"), day
        return acuity

    def client_rules(self, client_id: str) -> ClientRules:
        client = self.clients[client_id]
        levels = as_dict(self.policy.get("acuity"))
        acuity = self.acuity_in_force(client_id)
        level = as_dict(levels.get(_text(acuity)))
        return ClientRules(
            acuity=acuity,
            visits_per_week=client.get("visits_per_week", level.get("visits_per_week")),
            visit_minutes=client.get("visit_minutes", level.get("visit_minutes")),
            min_gap_days=level.get("min_gap_days", 1),
        )

    def day_name(self, day: date) -> str:
        """The name a date goes by in Part B's ``days`` lists and fixed shifts: ``holiday`` on a
        holiday (its weekday's entries do not apply), else its weekday."""
        return "holiday" if day in self.holidays else weekday(day)

    def shift(self, staff_id: str, day: date) -> tuple[int, int] | None:
        """(start, end) minutes of a staff member's shift on a date, None on a day off.

        With Part B this is the plan's shift (H14 judges it against the team file); without it
        the team file's hours for the weekday."""
        if self.part_b:
            entry = self.shift_of.get((staff_id, day))
            return (entry.start, entry.end) if entry is not None else None
        window = as_dict(self.staff[staff_id].get("shifts")).get(weekday(day))
        if not isinstance(window, list) or len(window) != 2:
            return None
        start, end = parse_time(window[0]), parse_time(window[1], end=True)
        if start is None or end is None:
            return None
        return start, end

    def leave(self, staff_id: str) -> list[tuple[datetime, datetime]]:
        periods = []
        for item in as_list(self.staff[staff_id].get("leave")):
            item = as_dict(item)
            start, end = parse_datetime(item.get("start")), parse_datetime(item.get("end"))
            if start is not None and end is not None:
                periods.append((start, end))
        return periods

    def start_place(self, staff_id: str) -> Place:
        own = self.staff[staff_id].get("start")
        if own is None:
            return Place(f"{staff_id}'s start (the office)", (staff_id, "office"), as_point(self.office))
        return Place(f"{staff_id}'s start", (staff_id,), as_point(own))

    def home(self, client_id: str) -> Place:
        return Place(client_id, (client_id,), as_point(self.clients[client_id].get("home")))

    def periods(self) -> list[tuple[date, datetime, datetime]]:
        """The week's on-call periods: (date d, d handoff, d+1 handoff)."""
        if self.handoff is None:
            return []
        return [(d, at(d, self.handoff), at(d + timedelta(days=1), self.handoff)) for d in self.dates]

    def visits_of(self, client_id: str) -> list[Visit]:
        return [v for v in self.visits if v.client == client_id]

    # -- version 2: employment, the program and episodes ----------------------

    def employed_on(self, staff_id: str, day: date) -> bool:
        """Whether ``day`` lies in the staff member's [employed_from, employed_until)."""
        member = self.staff[staff_id]
        since, until = parse_date(member.get("employed_from")), parse_date(member.get("employed_until"))
        return (since is None or since <= day) and (until is None or day < until)

    def employment(self, staff_id: str) -> str:
        """The employment dates in words, for messages."""
        member = self.staff[staff_id]
        since, until = member.get("employed_from"), member.get("employed_until")
        parts = [f"from {since}" if since else "", f"until {until}" if until else ""]
        return "employed " + " ".join(p for p in parts if p)

    def on_program(self, client_id: str, day: date) -> bool:
        """Whether ``day`` lies in the client's [admitted, discharged)."""
        client = self.clients[client_id]
        since, until = parse_date(client.get("admitted")), parse_date(client.get("discharged"))
        return (since is None or since <= day) and (until is None or day < until)

    def episodes(self, client_id: str) -> list[Episode]:
        """The client's readable episodes (one without a start date is ignored)."""
        found = []
        for raw in as_list(self.clients[client_id].get("episodes")):
            raw = as_dict(raw)
            start = parse_date(raw.get("start"))
            if start is None:
                continue
            visits = raw.get("visits_per_week", 0)
            location = raw.get("location")
            found.append(
                Episode(
                    kind=raw.get("kind"),
                    start=start,
                    end=parse_date(raw.get("end")),
                    location=location if isinstance(location, dict) else None,
                    visits_per_week=visits if isinstance(visits, int) and not isinstance(visits, bool) else 0,
                )
            )
        return found

    def episode_on(self, client_id: str, day: date) -> Episode | None:
        return next((e for e in self.episodes(client_id) if e.holds(day)), None)

    def is_open(self, client_id: str, day: date) -> bool:
        """An open date: on the program and inside no episode."""
        return self.on_program(client_id, day) and self.episode_on(client_id, day) is None

    def open_dates(self, client_id: str) -> list[date]:
        return [d for d in self.dates if self.is_open(client_id, d)]

    def first_open_on_or_after(self, client_id: str, day: date) -> date | None:
        for i in range(_OPEN_HORIZON_DAYS):
            candidate = day + timedelta(days=i)
            if self.is_open(client_id, candidate):
                return candidate
        return None

    def post_discharge(self) -> tuple[int, int, int] | None:
        """(days, visits_per_week, first_within_days) of the policy's post-discharge rule."""
        rule = as_dict(self.policy.get("post_discharge"))
        values = [rule.get(k) for k in ("days", "visits_per_week", "first_within_days")]
        if not rule or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            return None
        days, per_week, first = values
        assert isinstance(days, int) and isinstance(per_week, int) and isinstance(first, int)
        return days, per_week, first

    def discharges(self, client_id: str) -> list[date]:
        """The ``end`` dates of the client's inpatient episodes that have one."""
        return sorted({e.end for e in self.episodes(client_id) if e.kind == "inpatient" and e.end})

    def post_discharge_dates(self, client_id: str) -> list[date]:
        """The week's post-discharge dates: open dates in [end, end + days − 1] of an inpatient
        episode with an end."""
        rule = self.post_discharge()
        if rule is None:
            return []
        spans = [(end, end + timedelta(days=rule[0] - 1)) for end in self.discharges(client_id)]
        return [d for d in self.open_dates(client_id) if any(a <= d <= b for a, b in spans)]

    def required_home_visits(self, client_id: str) -> tuple[int, str] | None:
        """H1's n for the week and, when it is not the plain visits_per_week, why; None when the
        count cannot be told (an acuity level the policy lacks)."""
        wanted = self.client_rules(client_id).visits_per_week
        if not isinstance(wanted, int) or isinstance(wanted, bool):
            return None
        n, why = wanted, ""
        opened = len(self.open_dates(client_id))
        if self.dates and opened < len(self.dates):
            n = math.ceil(wanted * opened / 7)
            why = f" ({wanted} a week, {opened} of the week's 7 dates open)"
        rule, after = self.post_discharge(), len(self.post_discharge_dates(client_id))
        if rule is not None and after:
            stepped = math.ceil(rule[1] * after / 7)
            if stepped > n:
                n = stepped
                why = f" ({rule[1]} a week after discharge on {after} of the week's dates)"
        return n, why

    def inpatient_needs(self, client_id: str) -> list[tuple[Episode, list[date], int]]:
        """Each visited inpatient episode meeting the week: its dates in the week and
        ceil(v × e / 7), the inpatient visits the week needs."""
        found = []
        for episode in self.episodes(client_id):
            if not episode.visited:
                continue
            days = [d for d in self.dates if episode.holds(d)]
            if days:
                found.append((episode, days, math.ceil(episode.visits_per_week * len(days) / 7)))
        return found

    def hospital(self, client_id: str, day: date) -> Place | None:
        """Where an inpatient visit on ``day`` takes place: the location of the visited
        inpatient episode holding it."""
        episode = self.episode_on(client_id, day)
        if episode is None or episode.kind != "inpatient" or episode.location is None:
            return None
        return Place(f"{client_id}'s hospital ({episode.label})", (), as_point(episode.location))

    def place_of(self, visit: Visit) -> Place:
        """Where a visit takes place: the hospital for an inpatient visit, else the home."""
        if visit.in_hospital:
            found = self.hospital(visit.client, visit.date)
            if found is not None:
                return found
        return self.home(visit.client)

    def itt(self, client_id: str) -> list[object]:
        """The client's ITT: the plan's caseload entry, else the team file's."""
        entry = as_dict(as_dict(self.plan.get("caseload")).get(client_id))
        given = entry.get("itt", self.clients[client_id].get("itt"))
        return as_list(given)
