"""The team file, ``actplanner/team@1`` or ``@2``: staff, clients and policy (FORMATS.md).

Version 2 adds employment dates, client admission, episodes and acuity changes,
recurring requirements, the post-discharge rule and on-call fairness weeks; an
``@1`` file is read as before and cannot carry them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Discriminator, Field, Tag

from actplanner.domain.formats._base import (
    DISCIPLINE_REQUIREMENT,
    ROLES,
    SKILL_REQUIREMENT,
    TRAVEL_HAVERSINE,
    TRAVEL_MATRIX,
    Date,
    Discipline,
    EndTime,
    FileModel,
    Id,
    LocalDateTime,
    RoleName,
    Span,
    Time,
    Timezone,
    Weekday,
    duplicate_ids,
    json_path,
    minutes,
    show,
    span_errors,
    to_date,
    to_datetime,
)
from actplanner.domain.formats.limits import (
    MAX_CLIENTS,
    MAX_EPISODES,
    MAX_LEAVE,
    MAX_LIST,
    MAX_PLACES,
    MAX_STAFF,
    IdText,
    Name,
    Word,
)
from solver.problem import PRIMARY_DISCIPLINES

TEAM_FORMAT = "actplanner/team@1"
TEAM_FORMAT_2 = "actplanner/team@2"

# Bounds on numbers that feed the solver: far above any real team, and far below what
# would overflow its 64-bit arithmetic (docs/decisions.md, "Limits on imported files").
#: A year, in days: the most any gap, window or on-call run can usefully span.
YEAR_DAYS = 366
#: A week, in minutes: no trip between two places of one team takes longer.
WEEK_MINUTES = 7 * 24 * 60
#: A day, in minutes: a day cannot hold more visits than this.
DAY_MINUTES = 24 * 60


class Location(FileModel):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    label: Name | None = None


class Team(FileModel):
    id: Id
    name: Name
    timezone: Timezone
    office: Location


class Acuity(FileModel):
    visits_per_week: int = Field(ge=1, le=7)
    visit_minutes: int = Field(ge=1, le=1440)
    min_gap_days: int = Field(1, ge=1, le=YEAR_DAYS)
    #: team@2, informative: the app flags a client unseen for longer; no hard rule reads it.
    max_days_without_contact: int | None = Field(None, ge=1, le=YEAR_DAYS)


class HaversineTravel(FileModel):
    model: Literal["haversine"]
    # Slower than a walk or a detour factor over 10 gives trips no shift can hold; bounded so
    # that travel minutes stay whole numbers the solver can add up.
    speed_kmh: float = Field(30.0, ge=1, le=1000)
    detour_factor: float = Field(1.3, gt=0, le=10)


class MatrixTravel(FileModel):
    model: Literal["matrix"]
    #: minutes[FROM][TO]; FROM and TO are staff ids, client ids or "office".
    minutes: Annotated[
        dict[
            IdText,
            Annotated[
                dict[IdText, Annotated[int, Field(ge=0, le=WEEK_MINUTES)]], Field(max_length=MAX_PLACES)
            ],
        ],
        Field(max_length=MAX_PLACES),
    ]


def _travel_model(value: Any) -> str | None:
    model = value.get("model") if isinstance(value, dict) else getattr(value, "model", None)
    return {"haversine": TRAVEL_HAVERSINE, "matrix": TRAVEL_MATRIX}.get(model)  # type: ignore[arg-type]


Travel = Annotated[
    Annotated[HaversineTravel, Tag(TRAVEL_HAVERSINE)] | Annotated[MatrixTravel, Tag(TRAVEL_MATRIX)],
    Discriminator(
        _travel_model,
        custom_error_type="travel_model",
        custom_error_message='expected an object with "model": "haversine" or "matrix"',
    ),
]


class OnCallRole(FileModel):
    disciplines: list[Discipline] = Field(min_length=1, max_length=MAX_LIST)


class OnCallRoles(FileModel):
    primary: OnCallRole
    backup: OnCallRole | None = None
    prescriber: OnCallRole | None = None


class OnCall(FileModel):
    handoff: Time
    roles: OnCallRoles
    max_consecutive: int = Field(ge=1, le=YEAR_DAYS)
    rest_next_day_start: Time | None = None
    #: team@2: the weeks of history (besides this one) fair on-call shares are counted over.
    fairness_weeks: int = Field(8, ge=1, le=52)


class PostDischarge(FileModel):
    """team@2: for the days after a hospital stay, more visits a week and a first one soon."""

    days: int = Field(ge=1, le=YEAR_DAYS)
    visits_per_week: int = Field(ge=1, le=7)
    first_within_days: int = Field(ge=1, le=YEAR_DAYS)


#: A day name of Part B's ``days`` lists: a weekday, or ``holiday`` (a date in ``policy.holidays``,
#: which matches only ``holiday``; FORMATS.md Part B, "Day names").
DayName = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday"]
DAY_NAMES: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "holiday")
HOLIDAY = "holiday"


class Holiday(FileModel):
    """team@2 Part B: a date the team keeps as a holiday (its own coverage, shift types and meeting)."""

    date: Date
    name: Name


class ShiftType(FileModel):
    """team@2 Part B: a shift a contracted staff member may be rostered on, [start, end) within
    one day, on the ``days`` given (without ``days``: mon–sun, not holidays)."""

    start: Time
    end: EndTime
    days: list[DayName] | None = Field(None, max_length=len(DAY_NAMES))


class Coverage(FileModel):
    """team@2 Part B (H17): staff working at every minute of [start, end) on the ``days`` given."""

    days: list[DayName] = Field(min_length=1, max_length=len(DAY_NAMES))
    start: Time
    end: EndTime
    min_staff: int = Field(ge=0, le=MAX_STAFF)
    min_by_discipline: dict[Discipline, Annotated[int, Field(ge=1, le=MAX_STAFF)]] = {}


class Breaks(FileModel):
    """team@2 Part B (H15): a shift longer than ``after_minutes`` has one break of ``minutes``
    inside ``window``."""

    after_minutes: int = Field(ge=0, le=DAY_MINUTES)
    minutes: int = Field(ge=1, le=DAY_MINUTES)
    window: Span


class TeamMeeting(FileModel):
    """team@2 Part B (H16): the daily team meeting at the office on the ``days`` given."""

    days: list[DayName] = Field(min_length=1, max_length=len(DAY_NAMES))
    start: Time
    end: EndTime


class Policy(FileModel):
    caseload_max_per_staff: int = Field(ge=1, le=MAX_CLIENTS)
    acuity: dict[Word, Acuity] = Field(min_length=1, max_length=MAX_LIST)
    team_approach_min_staff: int = Field(ge=1, le=MAX_STAFF)
    travel: Travel = Field(default_factory=lambda: HaversineTravel.model_validate({"model": "haversine"}))
    on_call: OnCall
    post_discharge: PostDischarge | None = None
    #: team@2 Part B: holidays, shift types, coverage, the break rule and the team meeting.
    holidays: list[Holiday] = Field([], max_length=MAX_EPISODES)
    shift_types: dict[Word, ShiftType] = Field({}, max_length=MAX_LIST)
    coverage: list[Coverage] = Field([], max_length=MAX_LIST)
    breaks: Breaks | None = None
    team_meeting: TeamMeeting | None = None

    def defined_roles(self) -> list[str]:
        """Role names the policy defines, in escalation order."""
        return [role for role in ROLES if getattr(self.on_call.roles, role) is not None]


class Leave(FileModel):
    start: LocalDateTime
    end: LocalDateTime


class ShiftRequest(FileModel):
    """team@2 Part B (goal 7): a contracted staff member asks for ``date`` off, or for a shift type."""

    date: Date
    off: bool = False
    shift: Word | None = None


class Contract(FileModel):
    """team@2 Part B (H18): the solver chooses this staff member's shifts within these terms."""

    shift_types: list[Word] = Field(min_length=1, max_length=MAX_LIST)
    minutes_per_week: Annotated[
        list[Annotated[int, Field(ge=0, le=WEEK_MINUTES)]], Field(min_length=2, max_length=2)
    ]
    max_days_per_week: int = Field(5, ge=1, le=7)
    max_consecutive_days: int | None = Field(None, ge=1, le=YEAR_DAYS)
    min_rest_minutes: int | None = Field(None, ge=0, le=WEEK_MINUTES)
    max_weekends_per_4_weeks: int | None = Field(None, ge=0, le=4)
    days_off: list[DayName] = Field([], max_length=len(DAY_NAMES))
    requests: list[ShiftRequest] = Field([], max_length=MAX_EPISODES)


class Staff(FileModel):
    id: Id
    name: Name
    discipline: Discipline
    fte: float = Field(gt=0, le=1)
    phone: Word | None = None
    languages: list[Word] = Field([], max_length=MAX_LIST)
    skills: list[Word] = Field([], max_length=MAX_LIST)
    start: Location | None = None
    #: Fixed hours by weekday; team@2 Part B adds a ``holiday`` entry (worked on holidays).
    shifts: dict[DayName, Span] = {}
    max_visits_per_day: int | None = Field(None, ge=1, le=DAY_MINUTES)
    on_call_roles: list[RoleName] = Field([], max_length=MAX_LIST)
    leave: list[Leave] = Field([], max_length=MAX_LEAVE)
    #: team@2: the staff member works on dates in [employed_from, employed_until).
    employed_from: Date | None = None
    employed_until: Date | None = None
    #: team@2 Part B: rostered by the solver within a contract (instead of fixed ``shifts``).
    contract: Contract | None = None


#: The shortest repeat of a recurring requirement, in days (FORMATS.md: ``every_days`` >= 7).
MIN_EVERY_DAYS = 7


def _check_every_days(days: int) -> int:
    if days < MIN_EVERY_DAYS:
        raise ValueError(
            f"every {days} days is too often for a recurring requirement: it repeats every "
            f"{MIN_EVERY_DAYS} days or more (for visits each week, use a count a week instead)"
        )
    return days


#: How often a recurring requirement falls due, in days: a week to a year.
EveryDays = Annotated[int, Field(le=YEAR_DAYS), AfterValidator(_check_every_days)]


class DisciplineRequirement(FileModel):
    """Visits by a discipline: ``visits`` a week, or (team@2) one every ``every_days`` days."""

    discipline: Discipline
    visits: int | None = Field(None, ge=1, le=7)
    every_days: EveryDays | None = None
    window_days: int = Field(0, ge=0, le=YEAR_DAYS)
    last: Date | None = None


class SkillRequirement(FileModel):
    """A skill given on a ``due`` date, or (team@2) every ``every_days`` days from the last one."""

    skill: Word = Field(min_length=1)
    due: Date | None = None
    every_days: EveryDays | None = None
    window_days: int = Field(ge=0, le=YEAR_DAYS)
    last: Date | None = None


def _requirement_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        if "discipline" in value or "visits" in value:
            return DISCIPLINE_REQUIREMENT
        if "skill" in value or "due" in value:
            return SKILL_REQUIREMENT
        return None
    if isinstance(value, DisciplineRequirement):
        return DISCIPLINE_REQUIREMENT
    return SKILL_REQUIREMENT if isinstance(value, SkillRequirement) else None


Requirement = Annotated[
    Annotated[DisciplineRequirement, Tag(DISCIPLINE_REQUIREMENT)]
    | Annotated[SkillRequirement, Tag(SKILL_REQUIREMENT)],
    Discriminator(
        _requirement_kind,
        custom_error_type="requirement",
        custom_error_message=(
            'expected {"discipline": D, "visits": n} or {"skill": K, "due": DATE, "window_days": w}'
        ),
    ),
]


class AcuityChange(FileModel):
    """team@2: from the first week starting on or after ``date``, the client's level is ``acuity``."""

    date: Date
    acuity: Word


class Episode(FileModel):
    """team@2: a hospital stay (``inpatient``) or an absence (``away``), dates in [start, end)."""

    kind: Literal["inpatient", "away"]
    start: Date
    #: The first date home; None while the episode is open-ended.
    end: Date | None = None
    location: Location | None = None
    #: Hospital visits a week by the ITT (inpatient episodes with a location).
    visits_per_week: int = Field(0, ge=0, le=7)


class Client(FileModel):
    id: Id
    code: Word = Field(min_length=1)
    name: Name | None = None
    home: Location
    acuity: Word
    visits_per_week: int | None = Field(None, ge=1, le=7)
    visit_minutes: int | None = Field(None, ge=1, le=DAY_MINUTES)
    availability: dict[Weekday, Annotated[list[Span], Field(max_length=MAX_LIST)]] | None = None
    language: Word | None = None
    primary: Id | None = None
    itt: list[Id] | None = Field(None, max_length=MAX_STAFF)
    excluded_staff: list[Id] = Field([], max_length=MAX_STAFF)
    paired: bool = False
    requirements: list[Requirement] = Field([], max_length=MAX_LIST)
    #: team@2: the client is on the program on dates in [admitted, discharged).
    admitted: Date | None = None
    discharged: Date | None = None
    acuity_changes: list[AcuityChange] = Field([], max_length=MAX_EPISODES)
    episodes: list[Episode] = Field([], max_length=MAX_EPISODES)


class TeamFile(FileModel):
    format: Literal["actplanner/team@1", "actplanner/team@2"]
    team: Team
    policy: Policy
    staff: list[Staff] = Field(max_length=MAX_STAFF)
    clients: list[Client] = Field(max_length=MAX_CLIENTS)


#: The keys version 2 adds, per object of the file (FORMATS.md, "Team file additions").
_V2_KEYS: dict[type[FileModel], tuple[str, ...]] = {
    Policy: ("post_discharge", "holidays", "shift_types", "coverage", "breaks", "team_meeting"),
    Acuity: ("max_days_without_contact",),
    OnCall: ("fairness_weeks",),
    Staff: ("employed_from", "employed_until", "contract"),
    Client: ("admitted", "discharged", "acuity_changes", "episodes"),
    SkillRequirement: ("every_days", "last"),
    DisciplineRequirement: ("every_days", "window_days", "last"),
}


def uses_part_b(team: TeamFile) -> bool:
    """Whether Part B (rostered shifts) is in force: the policy gives holidays, shift types,
    coverage, the break rule or the team meeting, or a staff member has a contract. Then the
    solver builds a roster, the plan file carries ``shifts`` and ``breaks``, and the checker
    applies H14–H18."""
    policy = team.policy
    return bool(
        policy.holidays
        or policy.shift_types
        or policy.coverage
        or policy.breaks is not None
        or policy.team_meeting is not None
        or any(member.contract is not None for member in team.staff)
    )


def uses_version_2(team: TeamFile) -> bool:
    """Whether the file gives any key only version 2 has (then it must be, or be saved as, team@2)."""
    return bool(_version_2_keys(team))


def doc_uses_version_2(doc: dict[str, Any]) -> bool:
    """``uses_version_2`` of a team file's document, read as a dict (one the app built, not yet loaded)."""

    def gives(value: Any, model: type[FileModel]) -> bool:
        return isinstance(value, dict) and any(key in value for key in _V2_KEYS[model])

    policy = doc.get("policy") or {}
    if gives(policy, Policy) or gives(policy.get("on_call"), OnCall):
        return True
    if any(gives(level, Acuity) for level in (policy.get("acuity") or {}).values()):
        return True
    if any(gives(member, Staff) for member in doc.get("staff") or []):
        return True
    if any(HOLIDAY in ((member or {}).get("shifts") or {}) for member in doc.get("staff") or []):
        return True
    for client in doc.get("clients") or []:
        if gives(client, Client):
            return True
        for req in client.get("requirements") or []:
            model = (
                DisciplineRequirement if isinstance(req, dict) and "discipline" in req else SkillRequirement
            )
            if gives(req, model):
                return True
    return False


def _version_2_keys(team: TeamFile) -> list[str]:
    """The paths of the version 2 keys a file gives, in file order."""
    found: list[str] = []

    def note(path: str, value: FileModel) -> None:
        found.extend(f"{path}.{key}" for key in _V2_KEYS[type(value)] if key in value.model_fields_set)

    note("policy", team.policy)
    for name, level in team.policy.acuity.items():
        note(json_path(["policy", "acuity", name]), level)
    note("policy.on_call", team.policy.on_call)
    for i, member in enumerate(team.staff):
        note(f"staff[{i}]", member)
        if HOLIDAY in member.shifts:
            found.append(f"staff[{i}].shifts.{HOLIDAY}")
    for i, client in enumerate(team.clients):
        note(f"clients[{i}]", client)
        for j, req in enumerate(client.requirements):
            note(f"clients[{i}].requirements[{j}]", req)
    return found


def _version_errors(team: TeamFile) -> list[str]:
    if team.format == TEAM_FORMAT_2:
        return []
    return [
        f"{path}: {show(path.rsplit('.', 1)[-1])} is a team@2 key: the file must say "
        f'"format": "{TEAM_FORMAT_2}"'
        for path in _version_2_keys(team)
    ]


def check_team(team: TeamFile) -> list[str]:
    """Rules across the team file that its structure alone cannot express."""
    staff = {s.id: s for s in team.staff}
    errors = _version_errors(team)
    errors += duplicate_ids("staff", [s.id for s in team.staff])
    errors += duplicate_ids("clients", [c.id for c in team.clients])
    roles = team.policy.defined_roles()
    for i, member in enumerate(team.staff):
        errors += _staff_errors(f"staff[{i}]", member, roles)
    found = _Found.of(team.staff)
    for i, client in enumerate(team.clients):
        errors += _client_errors(f"clients[{i}]", client, team.policy, staff, found)
    if isinstance(team.policy.travel, MatrixTravel):
        errors += _matrix_errors(team)
    errors += _part_b_errors(team)
    return errors


def _staff_errors(path: str, member: Staff, roles: list[str]) -> list[str]:
    errors = []
    for day, span in member.shifts.items():
        errors += span_errors(f"{path}.shifts.{day}", span, "shift")
    for j, role in enumerate(member.on_call_roles):
        if role not in roles:
            errors.append(
                f"{path}.on_call_roles[{j}]: role {show(role)} is not defined in policy.on_call.roles"
            )
    for j, leave in enumerate(member.leave):
        if to_datetime(leave.end) <= to_datetime(leave.start):
            errors.append(
                f"{path}.leave[{j}]: leave ends ({leave.end}) "
                f"{'before' if leave.end < leave.start else 'when'} it starts ({leave.start})"
            )
    errors += _order_errors(
        f"{path}.employed_until",
        (member.employed_from, member.employed_until),
        "employment ends ({end}) {when} it starts ({start}); employed_until is the first day not employed",
    )
    return errors


def _order_errors(path: str, dates: tuple[str | None, str | None], message: str) -> list[str]:
    """``[start, end)`` must not be empty when both dates are given; ``message`` says so in words."""
    start, end = dates
    if start is None or end is None or to_date(end) > to_date(start):
        return []
    when = "before" if to_date(end) < to_date(start) else "on the day"
    return [f"{path}: {message.format(start=start, end=end, when=when)}"]


@dataclass(frozen=True)
class _Found:
    """The disciplines and skills the team has, gathered once rather than for every requirement."""

    disciplines: frozenset[str]
    skills: frozenset[str]

    @classmethod
    def of(cls, staff: list[Staff]) -> _Found:
        return cls(frozenset(s.discipline for s in staff), frozenset(k for s in staff for k in s.skills))


def _client_errors(
    path: str, client: Client, policy: Policy, staff: dict[str, Staff], found: _Found
) -> list[str]:
    errors = []
    if client.acuity not in policy.acuity:
        errors.append(
            f"{path}.acuity: unknown acuity {show(client.acuity)} "
            f"(policy.acuity has {', '.join(policy.acuity)})"
        )
    for day, windows in (client.availability or {}).items():
        for j, span in enumerate(windows):
            errors += span_errors(f"{path}.availability.{day}[{j}]", span, "window")
    errors += _program_errors(path, client, policy)
    for j, req in enumerate(client.requirements):
        errors += _requirement_errors(f"{path}.requirements[{j}]", req)
    refs = [("primary", client.primary)] if client.primary is not None else []
    refs += [(f"itt[{j}]", s) for j, s in enumerate(client.itt or [])]
    refs += [(f"excluded_staff[{j}]", s) for j, s in enumerate(client.excluded_staff)]
    for where, ident in refs:
        if ident not in staff:
            errors.append(f"{path}.{where}: unknown staff {show(ident)}")
    if errors:
        return errors
    return (
        errors + _caseload_errors(path, client, staff) + _contradictions(path, client, policy, staff, found)
    )


def _program_errors(path: str, client: Client, policy: Policy) -> list[str]:
    """Admission before discharge, acuity changes to known levels, episodes in order and apart."""
    errors = _order_errors(
        f"{path}.discharged",
        (client.admitted, client.discharged),
        "discharged ({end}) {when} admitted ({start}); discharged is the first day off the program",
    )
    dated: dict[str, int] = {}
    for j, change in enumerate(client.acuity_changes):
        where = f"{path}.acuity_changes[{j}]"
        if change.acuity not in policy.acuity:
            errors.append(
                f"{where}.acuity: unknown acuity {show(change.acuity)} "
                f"(policy.acuity has {', '.join(policy.acuity)})"
            )
        if change.date in dated:
            errors.append(
                f"{where}.date: a second acuity change on {change.date} "
                f"(also acuity_changes[{dated[change.date]}]); give one level a date"
            )
        dated.setdefault(change.date, j)
    for j, episode in enumerate(client.episodes):
        if episode.end is not None and to_date(episode.end) <= to_date(episode.start):
            when = "before" if to_date(episode.end) < to_date(episode.start) else "on the day"
            errors.append(
                f"{path}.episodes[{j}].end: the episode ends ({episode.end}) {when} it starts "
                f"({episode.start}); end is the first date back home"
            )
    if errors:
        return errors
    spans = sorted(
        (to_date(e.start), to_date(e.end) if e.end is not None else None, j)
        for j, e in enumerate(client.episodes)
    )
    for (_, end, j), (start, _, k) in zip(spans, spans[1:], strict=False):
        if end is None or start < end:
            first = client.episodes[j]
            until = f"until {first.end}" if first.end is not None else "with no end"
            errors.append(
                f"{path}.episodes[{k}].start: this episode ({start}) overlaps episodes[{j}] "
                f"(from {first.start} {until}); a client is in one episode at a time"
            )
    return errors


def _requirement_errors(path: str, req: DisciplineRequirement | SkillRequirement) -> list[str]:
    """Exactly one of a count (or due date) and ``every_days``; the recurring keys only with the latter."""
    if isinstance(req, DisciplineRequirement):
        once, what = "visits", '"visits" (visits each week)'
        given = req.visits is not None
    else:
        once, what = "due", '"due" (the one date it is due)'
        given = req.due is not None
    if given and req.every_days is not None:
        return [f'{path}: give either {what} or "every_days" (how often it recurs), not both']
    if not given and req.every_days is None:
        return [f'{path}.{once}: required key is missing (or, in a team@2 file, give "every_days")']
    errors = []
    if req.every_days is None:
        if req.last is not None:
            errors.append(f'{path}.last: only a recurring requirement (with "every_days") has a last date')
        if isinstance(req, DisciplineRequirement) and "window_days" in req.model_fields_set:
            errors.append(
                f'{path}.window_days: only a recurring requirement (with "every_days") has a window'
            )
    return errors


def _levels(client: Client) -> list[str]:
    """The acuity levels a client is ever at: their own, then those of their changes."""
    return list(dict.fromkeys([client.acuity, *(c.acuity for c in client.acuity_changes)]))


def _contradictions(
    path: str, client: Client, policy: Policy, staff: dict[str, Staff], found: _Found
) -> list[str]:
    """Demands no plan could ever meet, whatever the week: a contradiction in the file,
    not a shortage of staff time (that is reported in the plan's ``unmet``)."""
    errors = []
    fewest = 7
    for name in _levels(client):
        level = policy.acuity[name]
        visits = client.visits_per_week or level.visits_per_week
        fewest = min(fewest, visits)
        gap = level.min_gap_days
        if (visits - 1) * gap + 1 > 7:
            errors.append(
                f"{path}.visits_per_week: {visits} visits {gap} days apart do not fit in a week "
                f"(acuity {show(name)} has min_gap_days {gap})"
            )
    for j, req in enumerate(client.requirements):
        if isinstance(req, DisciplineRequirement):
            if req.visits is not None and req.visits > fewest:
                errors.append(
                    f"{path}.requirements[{j}].visits: {req.visits} visits by a {req.discipline} "
                    f"but the client has only {fewest} visits a week"
                )
            if req.discipline not in found.disciplines:
                errors.append(f"{path}.requirements[{j}].discipline: no staff member is a {req.discipline}")
        elif req.skill not in found.skills:
            errors.append(f"{path}.requirements[{j}].skill: no staff member has skill {show(req.skill)}")
    if client.paired and len(staff) < 2:
        errors.append(f"{path}.paired: a paired visit needs two staff and the team has {len(staff)}")
    return errors


def _caseload_errors(path: str, client: Client, staff: dict[str, Staff]) -> list[str]:
    """A given primary/ITT is kept as it is (H11), so it must already be a valid one."""
    errors = []
    if client.primary is not None:
        discipline = staff[client.primary].discipline
        if discipline not in PRIMARY_DISCIPLINES:
            errors.append(
                f"{path}.primary: {show(client.primary)} is a {discipline}, "
                f"and a primary is one of {', '.join(PRIMARY_DISCIPLINES)}"
            )
    if client.itt is not None:
        listed: set[str] = set()
        for j, ident in enumerate(client.itt):
            if ident in listed:
                errors.append(f"{path}.itt[{j}]: {show(ident)} is listed twice")
            listed.add(ident)
        if not 3 <= len(set(client.itt)) <= 5:
            errors.append(f"{path}.itt: an ITT has 3 to 5 staff, got {len(set(client.itt))}")
        if client.primary is not None and client.primary not in client.itt:
            errors.append(f"{path}.itt: does not include the primary {show(client.primary)}")
    itt = set(client.itt or [])
    for j, ident in enumerate(client.excluded_staff):
        if ident == client.primary or ident in itt:
            errors.append(
                f"{path}.excluded_staff[{j}]: {show(ident)} is also on the client's "
                f"{'primary' if ident == client.primary else 'itt'}"
            )
    return errors


def _matrix_errors(team: TeamFile) -> list[str]:
    """Every ordered pair of distinct places needs a time; a place to itself defaults to 0."""
    assert isinstance(team.policy.travel, MatrixTravel)
    matrix = team.policy.travel.minutes
    loc = ["policy", "travel", "minutes"]
    path = json_path(loc)
    staff_ids = {s.id for s in team.staff}
    errors = []
    for i, client in enumerate(team.clients):
        if client.id in staff_ids or client.id == "office":
            errors.append(
                f'clients[{i}].id: {show(client.id)} is also a staff id or "office"; '
                "the travel matrix cannot tell them apart"
            )
    for i, member in enumerate(team.staff):
        if member.id == "office":
            errors.append(f'staff[{i}].id: "office" names the office in the travel matrix')
    places = ["office", *(s.id for s in team.staff), *(c.id for c in team.clients)]
    known = set(places)
    unknown = 'unknown place (expected a staff id, client id or "office")'
    for origin, row in matrix.items():
        if origin not in known:
            errors.append(f"{json_path([*loc, origin])}: {unknown}")
            continue
        errors += [f"{json_path([*loc, origin, t])}: {unknown}" for t in row if t not in known]
    for origin in places:
        targets = matrix.get(origin)
        if targets is None:
            errors.append(f"{path}: no row for {show(origin)}")
            continue
        missing = [t for t in places if t != origin and t not in targets]
        if missing:
            more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
            names = ", ".join(show(t) for t in missing[:3])
            errors.append(f"{json_path([*loc, origin])}: no travel time to {names}{more}")
    return errors


# Part B (FORMATS.md, "Part B: rostered shifts …"): the keys' own rules, then contradictions
# no roster could ever meet. The day-name rules are those of domain/rostering.py, which the
# formats cannot import (it reads them); they are short enough to state twice.

_DAY_WORDS = {
    "mon": "Mondays",
    "tue": "Tuesdays",
    "wed": "Wednesdays",
    "thu": "Thursdays",
    "fri": "Fridays",
    "sat": "Saturdays",
    "sun": "Sundays",
    HOLIDAY: "holidays",
}


def _admits(kind: ShiftType, name: str) -> bool:
    """A shift type without ``days`` admits mon–sun, not holidays."""
    return name != HOLIDAY if kind.days is None else name in kind.days


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _part_b_errors(team: TeamFile) -> list[str]:
    """Part B keys as given (holidays once each, windows within a day, a break that fits its
    window, contracts naming known shift types), then, when those hold, the contradictions."""
    policy = team.policy
    errors = []
    dated: dict[str, int] = {}
    for j, holiday in enumerate(policy.holidays):
        if holiday.date in dated:
            errors.append(
                f"policy.holidays[{j}].date: {holiday.date} is already a holiday "
                f"(policy.holidays[{dated[holiday.date]}]); list each date once"
            )
        dated.setdefault(holiday.date, j)
    for name, kind in policy.shift_types.items():
        errors += _within_a_day(
            json_path(["policy", "shift_types", name]), kind.start, kind.end, "shift type"
        )
    for i, need in enumerate(policy.coverage):
        errors += _within_a_day(f"policy.coverage[{i}]", need.start, need.end, "coverage window")
    if policy.team_meeting is not None:
        meeting = policy.team_meeting
        errors += _within_a_day("policy.team_meeting", meeting.start, meeting.end, "team meeting")
    if policy.breaks is not None:
        errors += _break_rule_errors(policy.breaks)
    for i, member in enumerate(team.staff):
        errors += _contract_errors(f"staff[{i}]", member, policy)
    if errors:
        return errors
    return _roster_contradictions(team)


def _within_a_day(path: str, start: str, end: str, what: str) -> list[str]:
    """A Part B window lies within one day: it ends after it starts (24:00 is midnight)."""
    if minutes(end) < minutes(start):
        return [
            f"{path}.end: the {what} ends ({end}) before it starts ({start}); it lies within one day "
            '(end at "24:00" for midnight)'
        ]
    if end == start:
        return [f"{path}.end: the {what} is empty (starts and ends at {start})"]
    return []


def _break_rule_errors(rule: Breaks) -> list[str]:
    errors = span_errors("policy.breaks.window", rule.window, "break window")
    if errors:
        return errors
    start, end = rule.window
    length = minutes(end) - minutes(start)
    if rule.minutes > length:
        return [
            f"policy.breaks.minutes: a {rule.minutes}-minute break does not fit its window "
            f"{start}–{end} ({length} minutes)"
        ]
    return []


def _contract_errors(path: str, member: Staff, policy: Policy) -> list[str]:
    contract = member.contract
    if contract is None:
        return []
    errors = []
    if member.shifts:
        errors.append(
            f'{path}.contract: a staff member has either fixed "shifts" or a "contract", not both '
            '(the solver chooses a contracted staff member\'s shifts: remove "shifts")'
        )
    known = (
        f"policy.shift_types has {', '.join(policy.shift_types)}"
        if policy.shift_types
        else ("policy.shift_types defines none")
    )
    for j, name in enumerate(contract.shift_types):
        if name not in policy.shift_types:
            errors.append(f"{path}.contract.shift_types[{j}]: unknown shift type {show(name)} ({known})")
    lo, hi = contract.minutes_per_week
    if lo > hi:
        errors.append(
            f"{path}.contract.minutes_per_week: the least ({lo}) is more than the most ({hi}); "
            "give [least, most] minutes a week"
        )
    dated: dict[str, int] = {}
    for k, request in enumerate(contract.requests):
        where = f"{path}.contract.requests[{k}]"
        if request.off and request.shift is not None:
            errors.append(f'{where}: a request asks for the day "off" or for a "shift", not both')
        elif not request.off and request.shift is None:
            errors.append(f'{where}: say what is asked: "off": true, or a "shift" type')
        elif request.shift is not None and request.shift not in policy.shift_types:
            errors.append(f"{where}.shift: unknown shift type {show(request.shift)} ({known})")
        elif request.shift is not None and request.shift not in contract.shift_types:
            errors.append(
                f"{where}.shift: {show(request.shift)} is not one of this contract's shift_types "
                f"({', '.join(contract.shift_types)})"
            )
        if request.date in dated:
            errors.append(
                f"{where}.date: a second request on {request.date} (also requests[{dated[request.date]}]); "
                "one request a date"
            )
        dated.setdefault(request.date, k)
    return errors


def _roster_contradictions(team: TeamFile) -> list[str]:
    """Part B demands no roster could ever meet, whatever the week (issue 12, "Rules"): a
    shift with no room for its break, a contract whose least minutes cannot be worked, a
    coverage window too few staff could ever be working in, a meeting no shift covers."""
    policy = team.policy
    errors = []
    if policy.breaks is not None:
        for name, kind in policy.shift_types.items():
            errors += _break_fit(
                json_path(["policy", "shift_types", name]), kind.start, kind.end, policy.breaks
            )
        for i, member in enumerate(team.staff):
            for day, (start, end) in member.shifts.items():
                errors += _break_fit(f"staff[{i}].shifts.{day}", start, end, policy.breaks)
    for i, member in enumerate(team.staff):
        if member.contract is not None:
            errors += _least_minutes_errors(f"staff[{i}].contract.minutes_per_week", member.contract, policy)
    # A "holiday" entry matters only when the policy names holidays.
    names = DAY_NAMES if policy.holidays else DAY_NAMES[:7]
    for i, need in enumerate(policy.coverage):
        errors += _coverage_errors(f"policy.coverage[{i}]", need, team, names)
    if policy.team_meeting is not None:
        errors += _meeting_errors(policy.team_meeting, team, names)
    return errors


def _break_fit(path: str, start: str, end: str, rule: Breaks) -> list[str]:
    """H15: a shift longer than ``after_minutes`` must overlap the break window by ``minutes``."""
    lo, hi = minutes(start), minutes(end)
    if hi - lo <= rule.after_minutes:
        return []
    w_lo, w_hi = minutes(rule.window[0]), minutes(rule.window[1])
    overlap = max(0, min(hi, w_hi) - max(lo, w_lo))
    if overlap >= rule.minutes:
        return []
    return [
        f"{path}: this {hi - lo}-minute shift ({start}–{end}) is longer than policy.breaks.after_minutes "
        f"({rule.after_minutes}), so it has a {rule.minutes}-minute break, but it overlaps the break "
        f"window {rule.window[0]}–{rule.window[1]} by {overlap} minutes: no break fits"
    ]


def _working_minutes(kind: ShiftType, rule: Breaks | None) -> int:
    length = minutes(kind.end) - minutes(kind.start)
    return length - rule.minutes if rule is not None and length > rule.after_minutes else length


def _least_minutes_errors(path: str, contract: Contract, policy: Policy) -> list[str]:
    """H18: the most an ordinary week (no holiday, no leave) can hold is the best allowed shift
    of each admissible weekday, on the ``max_days_per_week`` best days; below the least of
    ``minutes_per_week`` no roster meets the contract."""
    least = contract.minutes_per_week[0]
    best = []
    for name in DAY_NAMES[:7]:
        if name in contract.days_off:
            continue
        fits = [
            _working_minutes(kind, policy.breaks)
            for type_name in contract.shift_types
            if _admits(kind := policy.shift_types[type_name], name)
        ]
        if fits:
            best.append(max(fits))
    days = min(contract.max_days_per_week, len(best))
    most = sum(sorted(best, reverse=True)[:days])
    if most >= least:
        return []
    return [
        f"{path}: at least {least} minutes a week cannot be worked: the contract's shift types on "
        f"the days they admit, days off left out, on at most {days} days "
        f"(max_days_per_week {contract.max_days_per_week}) give at most {most} working minutes "
        "(a shift less its break)"
    ]


def _workable(team: TeamFile, name: str, discipline: str | None = None) -> list[list[tuple[int, int]]]:
    """Per staff member (of ``discipline`` when given), the windows they could ever work on a
    day called ``name``: fixed hours, or the contract's shift types that day admits unless
    it is a day off. Staff with none are left out."""
    policy = team.policy
    out = []
    for member in team.staff:
        if discipline is not None and member.discipline != discipline:
            continue
        spans: list[tuple[int, int]] = []
        contract = member.contract
        if contract is None:
            span = member.shifts.get(name)  # type: ignore[call-overload]
            if span is not None:
                spans.append((minutes(span[0]), minutes(span[1])))
        elif name not in contract.days_off:
            for type_name in contract.shift_types:
                kind = policy.shift_types[type_name]
                if _admits(kind, name):
                    spans.append((minutes(kind.start), minutes(kind.end)))
        spans = [(lo, hi) for lo, hi in spans if lo < hi]
        if spans:
            out.append(spans)
    return out


def _fewest(start: int, end: int, staff: list[list[tuple[int, int]]]) -> tuple[int, int, int]:
    """The fewest staff who could be working at a minute of [start, end), and the first
    stretch of minutes with that few: (count, from, to)."""
    cuts = sorted(
        {start, end, *(t for spans in staff for lo, hi in spans for t in (lo, hi) if start < t < end)}
    )
    counts = [
        (sum(any(lo <= a < hi for lo, hi in spans) for spans in staff), a, b)
        for a, b in zip(cuts, cuts[1:], strict=False)
    ]
    low = min(c for c, _, _ in counts)
    first = next(i for i, (c, _, _) in enumerate(counts) if c == low)
    stop = first
    while stop + 1 < len(counts) and counts[stop + 1][0] == low:
        stop += 1
    return low, counts[first][1], counts[stop][2]


def _coverage_errors(path: str, need: Coverage, team: TeamFile, names: tuple[str, ...]) -> list[str]:
    """H17 impossible: at some minute of the window fewer staff (of a discipline) could ever be
    working than it asks, however they were rostered."""
    start, end = minutes(need.start), minutes(need.end)
    asks: list[tuple[str, str | None, int]] = [(f"{path}.min_staff", None, need.min_staff)]
    asks += [(f"{path}.min_by_discipline.{d}", d, n) for d, n in need.min_by_discipline.items()]
    errors = []
    for name in need.days:
        if name not in names:
            continue
        for where, discipline, wanted in asks:
            if wanted == 0:
                continue
            count, lo, hi = _fewest(start, end, _workable(team, name, discipline))
            if count < wanted:
                who = "staff member" if discipline is None else discipline.replace("_", " ")
                many = f"no {who}" if count == 0 else f"at most {count} {who}{'' if count == 1 else 's'}"
                errors.append(
                    f"{where}: on {_DAY_WORDS[name]} {many} can be working {_clock(lo)}–{_clock(hi)} "
                    f"and the window asks {wanted}: no more have a shift type their contract allows, "
                    "or fixed hours, then"
                )
    return errors


def _meeting_errors(meeting: TeamMeeting, team: TeamFile, names: tuple[str, ...]) -> list[str]:
    """H16 impossible: on a meeting day no shift anyone could work runs from its start to its end."""
    start, end = minutes(meeting.start), minutes(meeting.end)
    errors = []
    for name in meeting.days:
        if name not in names:
            continue
        if not any(lo <= start and end <= hi for spans in _workable(team, name) for lo, hi in spans):
            errors.append(
                f"policy.team_meeting: on {_DAY_WORDS[name]} no shift covers the meeting "
                f"{meeting.start}–{meeting.end}, so nobody would be at it: no shift type a contract "
                "allows, and no fixed hours, run from its start to its end"
            )
    return errors
