"""Problem data: what the solver is asked to plan, in its own frozen types.

Times are integer minutes measured from 00:00 local wall-clock time on the
Monday the week starts (so Tuesday 09:00 is 1440 + 540). Days are indices
0 (Monday) to 6 (Sunday); a day's minutes run from ``day * 1440``. The solver
knows nothing of dates, time zones or files: the application's adapter turns
team files into a ``Problem`` and a ``Plan`` back into a plan file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from solver.plan import OnCallPeriod, Visit

DAY = 1440
DAYS = 7
# Weekdays by index (0 = Monday): as team files key them, and as sentences name them.
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

#: Disciplines allowed to be a client's primary (FORMATS.md, H11).
PRIMARY_DISCIPLINES = (
    "case_manager",
    "social_worker",
    "nurse",
    "substance_use_specialist",
    "employment_specialist",
    "peer_specialist",
    "team_leader",
)


@dataclass(frozen=True)
class Window:
    """A half-open span of week minutes [start, end)."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"Window ends ({self.end}) before it starts ({self.start}).")

    def overlaps(self, other: Window) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


@dataclass(frozen=True)
class Staff:
    """A team member. ``location`` indexes ``Problem.travel``.

    ``shifts`` maps a day index to the working window left after leave is
    removed (the adapter keeps the longest leave-free part of the shift);
    a day absent from it is a day off. ``leave`` lists leave windows in week
    minutes, clipped to the week plus the last on-call period.
    """

    id: str
    discipline: str
    fte: float
    location: int
    shifts: dict[int, Window]
    languages: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    max_visits_per_day: int | None = None
    on_call_roles: frozenset[str] = frozenset()
    leave: tuple[Window, ...] = ()
    phone: str = ""


@dataclass(frozen=True)
class DisciplineRequirement:
    """At least ``visits`` of the week's visits include a staff member of ``discipline``.

    A recurring requirement (``every_days``) gives ``days``: one visit on a day in them
    (its due window intersected with the plannable days) includes such a staff member.
    """

    discipline: str
    visits: int
    days: tuple[int, ...] | None = None
    due: str = ""


@dataclass(frozen=True)
class SkillRequirement:
    """One visit on a day in ``days`` includes a staff member with ``skill``.

    ``days`` is the due window intersected with the week (never empty: the
    adapter drops requirements whose window misses the week).
    """

    skill: str
    days: tuple[int, ...]
    due: str = ""


@dataclass(frozen=True)
class DayQuota:
    """H13: at least ``visits`` of the client's home visits fall on ``days``.

    The post-discharge visits of a week (``kind`` "post-discharge") and the first
    post-discharge visit (``kind`` "first post-discharge visit") are quotas.
    """

    days: tuple[int, ...]
    visits: int
    kind: str = "post-discharge"

    def __post_init__(self) -> None:
        if self.visits < 0:
            raise ValueError(f"Negative quota ({self.visits}) not understood.")


@dataclass(frozen=True)
class HospitalStay:
    """H13 inpatient visits: exactly ``visits`` visits on distinct ``days`` at ``location``
    (an index of ``Problem.travel``), at any time inside the staff member's shift, with at
    least one of the client's ITT on each. H1 and H2 ignore them; they may meet H4.

    No home visit falls on ``days`` (they are not open dates).
    """

    days: tuple[int, ...]
    visits: int
    location: int
    label: str = ""

    def __post_init__(self) -> None:
        if not 0 <= self.visits <= len(self.days):
            raise ValueError(f"{self.visits} inpatient visits cannot fall on {len(self.days)} distinct days.")


@dataclass(frozen=True)
class SeenBefore:
    """A re-plan with what happened (FORMATS.md): before day ``from_day`` the contact log, not the
    plan, says what the client had.

    ``visits`` home visits are still needed from ``from_day`` on (n less the dates the client
    was seen this week before it); ``last_planned_day`` is the last planned seen date before
    it (negative in an earlier week), which the next visit is spaced from. Visits kept on
    days before ``from_day`` count for nothing: one recorded as a no-show met no need.
    """

    from_day: int
    visits: int
    last_planned_day: int | None = None

    def __post_init__(self) -> None:
        if self.visits < 0:
            raise ValueError(f"Negative visits still needed ({self.visits}) not understood.")


@dataclass(frozen=True)
class Client:
    """A person the team serves. ``location`` indexes ``Problem.travel``.

    ``availability`` maps a day index to windows in week minutes when a visit
    may take place; a day absent from it means no visit that day.
    """

    id: str
    code: str
    location: int
    acuity: str
    visits_per_week: int
    visit_minutes: int
    min_gap_days: int
    availability: dict[int, tuple[Window, ...]]
    language: str | None = None
    primary: str | None = None
    itt: tuple[str, ...] | None = None
    excluded_staff: frozenset[str] = frozenset()
    paired: bool = False
    discipline_requirements: tuple[DisciplineRequirement, ...] = ()
    skill_requirements: tuple[SkillRequirement, ...] = ()
    seen_before: SeenBefore | None = None
    #: H13: home visits the post-discharge rule asks on given days.
    day_quotas: tuple[DayQuota, ...] = ()
    #: H13: the inpatient visits of the week, one entry per stay (days apart), at its hospital.
    hospital: tuple[HospitalStay, ...] = ()
    #: Goal 6: staff who saw the client in the last 14 days before the week.
    recent_staff: frozenset[str] = frozenset()

    @property
    def visits_wanted(self) -> int:
        """Home visits the plan must hold on the days that count (all week, or from the re-plan day)."""
        return self.visits_per_week if self.seen_before is None else self.seen_before.visits

    def inpatient(self, day: int) -> bool:
        """Whether a visit on ``day`` is an inpatient visit (at the hospital)."""
        return any(day in stay.days for stay in self.hospital)

    def location_on(self, day: int) -> int:
        """Where a visit on ``day`` takes place: the hospital on an inpatient day, else home."""
        for stay in self.hospital:
            if day in stay.days:
                return stay.location
        return self.location

    def provides(self, day: int) -> bool:
        """Whether a visit on ``day`` can meet a requirement (H4): not one kept before a re-plan
        with what happened (the contact log speaks for those days)."""
        return self.seen_before is None or day >= self.seen_before.from_day

    def counts(self, day: int) -> bool:
        """Whether a visit on ``day`` counts towards H1 and H2: a home visit that provides."""
        return self.provides(day) and not self.inpatient(day)

    def spaced_from(self, days: Iterable[int]) -> list[int]:
        """The days a new visit is spaced from: the counted ``days`` and the last planned seen date."""
        out = [d for d in days if self.counts(d)]
        if self.seen_before is not None and self.seen_before.last_planned_day is not None:
            out.append(self.seen_before.last_planned_day)
        return out


@dataclass(frozen=True)
class OnCallRole:
    name: str
    disciplines: frozenset[str]


@dataclass(frozen=True)
class Policy:
    caseload_max_per_staff: int
    team_approach_min_staff: int
    #: On-call roles in escalation order (primary, backup, prescriber when defined).
    on_call_roles: tuple[OnCallRole, ...]
    #: Minutes after midnight when one on-call period hands over to the next.
    handoff: int
    max_consecutive: int
    #: Minutes after midnight before which last night's primary starts no visit.
    rest_next_day_start: int | None = None


@dataclass(frozen=True)
class OnCallHistory:
    """Earlier weeks' on-call periods, from the plans of record (FORMATS.md, "History").

    ``periods`` are in the planned week's minutes, so an earlier week's are negative (last
    Sunday's primary starts at ``-DAY + handoff``). Fair shares (soft goal 5) count the last
    ``fairness_weeks`` weeks of them; H10's consecutive run and rest rule read the last ones.
    """

    periods: tuple[OnCallPeriod, ...] = ()
    fairness_weeks: int = 8
    #: (role, start, staff ids) per earlier period: who could have held it then (the role and a
    #: listed discipline, employed, no leave overlapping it), the only staff owed a share of it.
    #: A period left out is owed to everyone now able to take the role.
    could_hold: tuple[tuple[str, int, frozenset[str]], ...] = ()


@dataclass(frozen=True)
class ShiftOption:
    """A shift a contracted staff member may work on ``day`` (Part B): a shift type's window in
    week minutes. The adapter lists only options the contract, the type's ``days``, leave,
    employment and ``days_off`` allow, so any one of them (or none: a day off) is legal for H18's
    per-date rules."""

    name: str
    day: int
    window: Window


@dataclass(frozen=True)
class ShiftRequest:
    """Goal 7: a request for ``day``: off (``shift`` None) or to work the shift type ``shift``."""

    day: int
    shift: str | None = None


@dataclass(frozen=True)
class Contract:
    """H18: what a contracted staff member's roster must respect (the adapter resolved dates).

    ``minutes`` is the week's [lo, hi] of working minutes (shift minus its break) plus credits:
    ``credit`` minutes for each of the ``credited_days`` (wholly on leave, not a day off) and
    for each day in ``holidays`` (holiday dates that are not days off) the staff member does not
    work. ``worked_before`` are the shift windows of the days before the week (negative week
    minutes, from history), latest last, for the consecutive-days and rest rules across the
    boundary; ``weekends_before`` is how many of the 3 weekends before this one were worked.
    ``fair_before`` counts weekend and holiday shifts over the fairness weeks (goal 8).
    """

    options: tuple[ShiftOption, ...]
    minutes: tuple[int, int]
    max_days: int = 5
    max_consecutive: int | None = None
    min_rest: int | None = None
    max_weekends_per_4: int | None = None
    credit: int = 0
    credited_days: int = 0
    holidays: tuple[int, ...] = ()
    requests: tuple[ShiftRequest, ...] = ()
    worked_before: tuple[Window, ...] = ()
    weekends_before: int = 0
    fair_before: int = 0


@dataclass(frozen=True)
class CoverageNeed:
    """H17: over [window.start, window.end) at least ``min_staff`` staff are working, with at least
    the stated number of each discipline in ``by_discipline``."""

    window: Window
    min_staff: int
    by_discipline: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class BreakRule:
    """H15: a shift longer than ``after_minutes`` has one break of ``minutes`` inside each day's
    ``window`` (minutes after midnight) and the shift."""

    after_minutes: int
    minutes: int
    window: tuple[int, int]

    def applies(self, shift: Window) -> bool:
        return shift.end - shift.start > self.after_minutes

    def working_minutes(self, shift: Window) -> int:
        """End − start − its break (FORMATS.md Part B)."""
        return shift.end - shift.start - (self.minutes if self.applies(shift) else 0)


@dataclass(frozen=True)
class Meeting:
    """H16: the team meeting on ``window.start // DAY``, at the office (travel location 0)."""

    window: Window


@dataclass(frozen=True)
class Roster:
    """Part B: rostered shifts, holidays, breaks, the team meeting and coverage.

    ``contracts`` hold the staff whose shifts the solver chooses (their ``Staff.shifts`` are
    empty in the problem; the roster step fills them). ``kept`` fixes a contracted staff
    member's day: a published roster kept in a re-plan, or a pinned shift (None: off).
    ``holidays`` are day indices of the week that are holidays.
    """

    contracts: dict[str, Contract]
    coverage: tuple[CoverageNeed, ...] = ()
    breaks: BreakRule | None = None
    meetings: tuple[Meeting, ...] = ()
    holidays: frozenset[int] = frozenset()
    kept: dict[tuple[str, int], ShiftOption | None] = field(default_factory=dict)
    #: Pinned shifts among ``kept`` (the plan file writes them ``pinned``).
    pinned: frozenset[tuple[str, int]] = frozenset()
    #: Weekend and holiday shifts counted over the fairness weeks (goal 8): the history's weeks.
    fairness_weeks: int = 8


@dataclass(frozen=True)
class Baseline:
    """The plan to stay close to. Visits on days before ``from_day`` are kept exactly."""

    visits: tuple[Visit, ...]
    from_day: int = 0
    on_call: tuple[OnCallPeriod, ...] = ()


@dataclass(frozen=True)
class Problem:
    """One team's week to plan.

    ``travel[a][b]`` is the travel time in minutes between locations a and b
    (staff starts, client homes, the office), already computed by the adapter
    from the team's travel model.
    """

    team: str
    staff: tuple[Staff, ...]
    clients: tuple[Client, ...]
    policy: Policy
    travel: tuple[tuple[int, ...], ...]
    baseline: Baseline | None = None
    on_call_history: OnCallHistory | None = None
    #: Part B (team@2 with shift types, contracts, coverage, breaks or the meeting).
    roster: Roster | None = None

    def __post_init__(self) -> None:
        n = len(self.travel)
        if any(len(row) != n for row in self.travel):
            raise ValueError("Travel matrix is not square.")
        people: tuple[Staff | Client, ...] = (*self.staff, *self.clients)
        for who in people:
            if not 0 <= who.location < n:
                raise ValueError(f"{who.id}: location {who.location} is not in the travel matrix.")

    @property
    def staff_by_id(self) -> dict[str, Staff]:
        return {s.id: s for s in self.staff}

    @property
    def clients_by_id(self) -> dict[str, Client]:
        return {c.id: c for c in self.clients}


@dataclass(frozen=True)
class SolveParams:
    """How long and how to search. Same seed and limit give the same plan."""

    time_limit: float = 30.0
    seed: int = 0
    #: Parallel CP-SAT workers; 1 keeps runs deterministic regardless of load.
    workers: int = 1
    #: Build the greedy (cheapest insertion) plan only: the benchmark baseline.
    greedy_only: bool = False
    #: Part B: build the roster with the greedy baseline (cheapest feasible shift per day).
    greedy_roster: bool = False

    def __post_init__(self) -> None:
        if self.time_limit <= 0:
            raise ValueError("Time limit must be positive.")
        if self.workers < 1:
            raise ValueError("Need at least one worker.")


@dataclass(frozen=True)
class Progress:
    """A progress report sent to the ``on_progress`` callback."""

    phase: str
    elapsed: float
    time_limit: float
    best_objective: float | None = None
    bound: float | None = None
    unmet: int | None = None
    message: str = ""
    #: The best plan's figures a lead reads, when the phase has a whole plan at hand.
    visits: int | None = None
    travel_minutes: int | None = None


@dataclass(frozen=True)
class Constants:
    """Weights of the soft goals, in FORMATS.md's order of importance."""

    non_itt_visit: int = 200
    team_approach_missing: int = 150
    travel_minute: int = 1
    imbalance_minute: int = 1
    on_call_spread: int = 50
    moved_visit: int = 400
    #: Goal 6, after goal 5: per staff slot on a visit by someone other than the ITT members
    #: who saw the client in the last 14 days (when there are any).
    not_recent_staff: int = 20
    #: Goal 7 (Part B): per request for a day off or a shift type not honoured.
    request_not_honoured: int = 300
    #: Goal 8 (Part B): per whole weekend or holiday shift a staff member is off their FTE share.
    weekend_shift_share: int = 100
    unmet_visit: int = 100_000


WEIGHTS = Constants()

__all__ = [
    "DAY",
    "DAYS",
    "PRIMARY_DISCIPLINES",
    "WEIGHTS",
    "Baseline",
    "BreakRule",
    "Client",
    "Contract",
    "CoverageNeed",
    "DayQuota",
    "DisciplineRequirement",
    "HospitalStay",
    "Meeting",
    "OnCallHistory",
    "OnCallRole",
    "Policy",
    "Problem",
    "Progress",
    "Roster",
    "SeenBefore",
    "ShiftOption",
    "ShiftRequest",
    "SkillRequirement",
    "SolveParams",
    "Staff",
    "Window",
]
