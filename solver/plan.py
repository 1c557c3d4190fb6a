"""The solver's answer: a plan for one week, in the solver's own types."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Visit:
    """A visit: ``staff`` has one id, or two for a paired client. Times are week minutes."""

    client: str
    staff: tuple[str, ...]
    day: int
    start: int
    end: int
    purpose: str | None = None
    pinned: bool = False
    id: str = ""
    #: None for a home visit, "hospital" for an inpatient visit (H13).
    place: str | None = None


@dataclass(frozen=True)
class OnCallPeriod:
    """One role held by one staff member over [start, end) in week minutes."""

    role: str
    staff: str
    start: int
    end: int


@dataclass(frozen=True)
class Shift:
    """Part B: a staff member's working window on ``day`` (week minutes). ``type`` is the shift
    type chosen for a contracted staff member, None for fixed hours."""

    staff: str
    day: int
    start: int
    end: int
    type: str | None = None
    pinned: bool = False


@dataclass(frozen=True)
class Break:
    """H15: a staff member's break on ``day``, [start, end) in week minutes."""

    staff: str
    day: int
    start: int
    end: int


@dataclass(frozen=True)
class Caseload:
    primary: str
    itt: tuple[str, ...]


@dataclass(frozen=True)
class Unmet:
    """A hard rule the plan could not meet, with a sentence a team lead understands."""

    rule: str
    detail: str
    client: str | None = None
    #: What else the rule names (version 2's excusing matches every field given): the staff
    #: member and the day index (0 = Monday) of, say, an on-call run over the limit.
    staff: str | None = None
    day: int | None = None


@dataclass(frozen=True)
class Penalty:
    """One soft-goal term of the objective, labelled so the plan can explain itself."""

    label: str
    goal: str
    cost: int


@dataclass(frozen=True)
class Plan:
    visits: tuple[Visit, ...]
    on_call: tuple[OnCallPeriod, ...]
    caseload: dict[str, Caseload]
    unmet: tuple[Unmet, ...] = ()
    metrics: dict[str, float | int | dict[str, float]] = field(default_factory=dict)
    status: str = "feasible"
    seconds: float = 0.0
    objective: float | None = None
    bound: float | None = None
    moved: int | None = None
    penalties: tuple[Penalty, ...] = ()
    #: Part B: every working staff member's window per day, and the breaks (empty without a roster).
    shifts: tuple[Shift, ...] = ()
    breaks: tuple[Break, ...] = ()
