"""Deterministic sample ACT teams (team files, FORMATS.md) for tests, demos and benchmarks.

`python -m actplanner.domain.demo_data fixtures/` rewrites the committed fixtures; the
output depends only on the size and the seed, so it is byte-identical every run.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from actplanner.domain import demo_roster
from actplanner.domain.formats import WEEKDAYS
from solver.problem import PRIMARY_DISCIPLINES

WEEK_START = date(2026, 11, 30)
MON_FRI = WEEKDAYS[:5]
FULL_DAY = ("08:30", "17:00")
WEEKEND_DAY = ("09:00", "17:00")
PART_DAY = ("09:00", "16:00")
SIZES = ("small", "standard", "large")
# The teams written as team@2 files, with stays, step-downs and recurring care. The small team
# stays a team@1 file: the tests that reason about a version 1 team, visit by visit and field
# by field, start from it (tests/teams/v2_files.py builds their team@2 version of it).
VERSION_2 = ("standard", "large")
# The team@2 teams that carry Part B (rostered shifts, holidays, coverage, breaks, the meeting;
# demo_roster.py).
PART_B: tuple[str, ...] = ("standard", "large")

PRESCRIBERS = ("psychiatrist", "nurse_practitioner")
# Disciplines a client may refuse without losing access to nursing or prescribing.
REFUSABLE = ("case_manager", "social_worker", "substance_use_specialist")
CASELOAD_MAX = 10

# A JSON document (the team file's policy), so its values are of mixed types.
POLICY: dict[str, Any] = {
    "caseload_max_per_staff": CASELOAD_MAX,
    "acuity": {
        "high": {"visits_per_week": 5, "visit_minutes": 45, "min_gap_days": 1},
        "moderate": {"visits_per_week": 3, "visit_minutes": 45, "min_gap_days": 2},
        "stable": {"visits_per_week": 1, "visit_minutes": 60, "min_gap_days": 1},
    },
    "team_approach_min_staff": 2,
    "travel": {"model": "haversine", "speed_kmh": 30, "detour_factor": 1.3},
    "on_call": {
        "handoff": "08:30",
        "roles": {
            "primary": {"disciplines": ["nurse", "social_worker", "case_manager", "team_leader"]},
            "backup": {"disciplines": ["team_leader", "nurse"]},
            "prescriber": {"disciplines": ["psychiatrist", "nurse_practitioner"]},
        },
        "max_consecutive": 2,
        "rest_next_day_start": "10:00",
    },
    # team@2: more contact for the two weeks after a hospital stay, the first within 2 days.
    "post_discharge": {"days": 14, "visits_per_week": 3, "first_within_days": 2},
}
# team@2: the longest a client of each level should go without a delivered contact (flags only).
MAX_DAYS_WITHOUT_CONTACT = {"high": 2, "moderate": 4, "stable": 10}
for _level, _days in MAX_DAYS_WITHOUT_CONTACT.items():
    POLICY["acuity"][_level]["max_days_without_contact"] = _days

ACUITY_MIX = (("high", 0.2), ("moderate", 0.5), ("stable", 0.3))

# Client availability patterns: (name, weight, usable by high acuity, windows per weekday).
_PATTERNS: tuple[tuple[str, int, bool, dict[str, list[list[str]]] | None], ...] = (
    ("any time", 25, True, None),
    ("weekdays", 20, True, {d: [["09:00", "17:00"]] for d in MON_FRI}),
    ("mornings", 15, True, {d: [["08:30", "12:30"]] for d in MON_FRI}),
    ("afternoons", 15, True, {d: [["12:30", "17:00"]] for d in MON_FRI}),
    ("two windows", 10, True, {d: [["09:00", "11:30"], ["14:00", "17:00"]] for d in MON_FRI}),
    ("seven days", 5, True, {d: [["10:00", "18:00"]] for d in WEEKDAYS}),
    ("mon-wed-fri", 7, False, {d: [["10:00", "16:00"]] for d in ("mon", "wed", "fri")}),
    ("tue-thu-sat", 3, False, {d: [["10:00", "15:00"]] for d in ("tue", "thu", "sat")}),
)

# Deliberately hard clients: high need, almost no availability, so some unmet is natural.
_HARD_CLIENTS = (
    ("high", {"tue": [["10:00", "12:00"]]}),
    ("moderate", {"thu": [["13:00", "15:00"]]}),
)

_CODE_ALPHABET = "ACDEFHJKLMNPQRTVWXY3479"
_INITIALS = "ABCDEFGHJKLMNPRSTVW"
_SURNAMES = (
    "Adams", "Baker", "Brooks", "Carter", "Coleman", "Davis", "Evans", "Fischer", "Foster",
    "Green", "Hall", "Harris", "Hayes", "Jackson", "Jenkins", "Johnson", "Kowalski", "Lee",
    "Lewis", "Miller", "Moore", "Nguyen", "Novak", "Patel", "Price", "Reed", "Robinson",
    "Russell", "Smith", "Sullivan", "Taylor", "Thompson", "Turner", "Walker", "Washington",
    "White", "Williams", "Wilson", "Wright", "Young",
)  # fmt: skip
_SPANISH_SURNAMES = (
    "Alvarez", "Castillo", "Cruz", "Delgado", "Flores", "Garcia", "Gomez", "Gonzalez",
    "Hernandez", "Jimenez", "Lopez", "Martinez", "Mendoza", "Morales", "Ortiz", "Perez",
    "Ramirez", "Reyes", "Rivera", "Rodriguez", "Ruiz", "Sanchez", "Torres", "Vargas",
)  # fmt: skip
_FIRST_NAMES = (
    "Aisha", "Alex", "Ana", "Ben", "Carmen", "Chris", "Dana", "David", "Elena", "Emily",
    "Grace", "Hannah", "Isaac", "James", "Jasmine", "Jorge", "Julia", "Kevin", "Laura",
    "Luis", "Marcus", "Maria", "Michael", "Nadia", "Omar", "Priya", "Rachel", "Rosa",
    "Samuel", "Sofia", "Tanya", "Tom", "Victor", "Yolanda",
)  # fmt: skip


@dataclass(frozen=True)
class StaffSpec:
    """One staff member of a sample team, before names and phones are drawn."""

    key: str
    discipline: str
    fte: float = 1.0
    skills: tuple[str, ...] = ()
    spanish: bool = False
    days: tuple[str, ...] = MON_FRI
    hours: tuple[str, str] = FULL_DAY
    max_visits: int = 6
    on_call: tuple[str, ...] = ()
    leave: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Neighbourhood:
    """A cluster of client homes: centre, spread (km, one sigma) and weights."""

    label: str
    lat: float
    lon: float
    spread_km: float
    weight: float
    spanish_weight: float


@dataclass(frozen=True)
class Area:
    """A territory with its own staff cluster and clients (a whole team, or part of an agency)."""

    prefix: str
    office: tuple[float, float, str]
    neighbourhoods: tuple[Neighbourhood, ...]
    clients: int
    spanish_share: float
    roster: tuple[StaffSpec, ...]
    lai_share: float = 0.15
    psychiatrist_share: float = 0.15
    nurse_share: float = 0.1
    paired: int = 2
    excluded: int = 2
    hard: int = 0
    overrides: int = 2
    # team@2: hospital stays, absences and acuity step-downs among the area's clients.
    stays: int = 2
    aways: int = 1
    step_downs: int = 2
    # team@2: employment dates by roster key: ("employed_from" | "employed_until", date).
    employment: tuple[tuple[str, str, str], ...] = ()


def _rn(key: str, skills: tuple[str, ...] = (), **kw: object) -> StaffSpec:
    """A nurse who may carry the primary and backup on-call phone."""
    return StaffSpec(key, "nurse", skills=skills, on_call=("primary", "backup"), **kw)  # type: ignore[arg-type]


def _whole_day(day: str) -> tuple[str, str]:
    """A leave period covering one whole date."""
    start = date.fromisoformat(day)
    return (f"{start}T00:00", f"{start + timedelta(days=1)}T00:00")


WEEKEND_A = ("wed", "thu", "fri", "sat", "sun")
WEEKEND_B = ("sat", "sun", "mon", "tue", "wed")

_WEST_TOWN = (41.8959, -87.6845, "West Town ACT office, 2300 W Chicago Ave")
_WEST_TOWN_HOODS = (
    Neighbourhood("Humboldt Park", 41.9020, -87.7210, 1.0, 3, 3),
    Neighbourhood("Logan Square", 41.9230, -87.7030, 1.1, 2, 2),
    Neighbourhood("Wicker Park", 41.9090, -87.6770, 0.8, 1.5, 0.5),
    Neighbourhood("East Garfield Park", 41.8810, -87.7200, 0.9, 2, 0.3),
    Neighbourhood("Pilsen", 41.8560, -87.6600, 0.9, 1.5, 4),
    Neighbourhood("West Loop", 41.8830, -87.6500, 0.7, 1, 0.3),
)

_SMALL = Area(
    prefix="",
    office=_WEST_TOWN,
    neighbourhoods=_WEST_TOWN_HOODS[:4],
    clients=20,
    spanish_share=0.15,
    roster=(
        StaffSpec(
            "md1",
            "psychiatrist",
            fte=0.5,
            spanish=True,
            days=("mon", "wed", "thu"),
            hours=PART_DAY,
            max_visits=5,
            on_call=("prescriber",),
        ),
        _rn("rn1", ("lai_injection", "med_delivery"), spanish=True),
        StaffSpec("sw1", "social_worker", spanish=True, on_call=("primary",)),
        StaffSpec("cm1", "case_manager", max_visits=7, on_call=("primary",)),
        StaffSpec("cm2", "case_manager", max_visits=7),
        StaffSpec("tl1", "team_leader", max_visits=4, on_call=("primary", "backup")),
    ),  # fmt: skip
    paired=1,
    excluded=1,
    overrides=1,
)


def _standard_roster(leave: bool) -> tuple[StaffSpec, ...]:
    """Thirteen staff in the mix DOMAIN.md describes for a team of about 100 clients."""
    sw1_leave = (_whole_day("2026-12-02"),) if leave else ()
    rn3_leave = (("2026-12-04T12:00", "2026-12-04T17:00"),) if leave else ()
    return (
        StaffSpec("md1", "psychiatrist", spanish=True, max_visits=5, on_call=("prescriber",)),
        _rn("rn1", ("lai_injection", "med_delivery"), spanish=True),
        _rn("rn2", ("lai_injection",), days=WEEKEND_B, max_visits=7),
        _rn("rn3", ("med_delivery",), max_visits=7, leave=rn3_leave),
        StaffSpec("sw1", "social_worker", on_call=("primary",), leave=sw1_leave),
        StaffSpec("sw2", "social_worker", spanish=True, on_call=("primary",)),
        StaffSpec("cm1", "case_manager", max_visits=7, on_call=("primary",)),
        StaffSpec(
            "cm2", "case_manager", spanish=True, days=WEEKEND_A, max_visits=7,
            on_call=("primary",),
        ),
        StaffSpec("cm3", "case_manager", max_visits=7),
        StaffSpec("su1", "substance_use_specialist"),
        StaffSpec("es1", "employment_specialist"),
        StaffSpec(
            "ps1", "peer_specialist", fte=0.5, days=("mon", "tue", "thu"), hours=PART_DAY,
            max_visits=5,
        ),
        StaffSpec("tl1", "team_leader", max_visits=4, on_call=("primary", "backup")),
    )  # fmt: skip


_STANDARD = Area(
    prefix="",
    office=_WEST_TOWN,
    neighbourhoods=_WEST_TOWN_HOODS,
    clients=100,
    spanish_share=0.15,
    roster=_standard_roster(leave=True),
    paired=3,
    excluded=3,
    hard=2,
    overrides=3,
    stays=3,
    step_downs=3,
    # s-cm3 started a month ago; the employment specialist leaves after the sixth week.
    employment=(("cm3", "employed_from", "2026-11-02"), ("es1", "employed_until", "2027-01-11")),
)

# Four neighbouring ACT teams of one agency; their offices are at most 15 km apart.
_LARGE_AREAS = (
    Area(
        prefix="n-",
        office=(41.9560, -87.6800, "North ACT office, North Center"),
        neighbourhoods=(
            Neighbourhood("Lincoln Square", 41.9680, -87.6890, 0.9, 2, 0.3),
            Neighbourhood("Uptown", 41.9660, -87.6530, 0.9, 3, 0.2),
            Neighbourhood("Albany Park", 41.9680, -87.7200, 0.9, 2, 2),
            Neighbourhood("North Center", 41.9540, -87.6810, 0.8, 1, 0.2),
        ),
        clients=95,
        spanish_share=0.1,
        roster=(
            StaffSpec("md1", "psychiatrist", max_visits=5, on_call=("prescriber",)),
            _rn("rn1", ("lai_injection", "med_delivery"), spanish=True),
            _rn("rn2", ("lai_injection",), days=WEEKEND_B, max_visits=7),
            _rn("rn3", ("med_delivery",), max_visits=7),
            StaffSpec("sw1", "social_worker", spanish=True, on_call=("primary",)),
            StaffSpec("sw2", "social_worker", on_call=("primary",)),
            StaffSpec("cm1", "case_manager", spanish=True, max_visits=7, on_call=("primary",)),
            StaffSpec("cm2", "case_manager", days=WEEKEND_A, max_visits=7, on_call=("primary",)),
            StaffSpec("su1", "substance_use_specialist"),
            StaffSpec("es1", "employment_specialist"),
            StaffSpec("tl1", "team_leader", max_visits=4, on_call=("primary", "backup")),
        ),  # fmt: skip
        hard=1,
        employment=(("es1", "employed_until", "2027-01-11"),),
    ),
    Area(
        prefix="w-",
        office=(41.9050, -87.7150, "West ACT office, Humboldt Park"),
        neighbourhoods=(
            Neighbourhood("Humboldt Park", 41.9020, -87.7210, 1.0, 3, 3),
            Neighbourhood("Logan Square", 41.9230, -87.7030, 1.0, 2, 2),
            Neighbourhood("Hermosa", 41.9180, -87.7350, 0.8, 1.5, 2),
            Neighbourhood("East Garfield Park", 41.8810, -87.7200, 0.9, 2, 0.3),
        ),
        clients=95,
        spanish_share=0.22,
        roster=(
            StaffSpec("md1", "psychiatrist", spanish=True, max_visits=5, on_call=("prescriber",)),
            StaffSpec(
                "np1",
                "nurse_practitioner",
                fte=0.5,
                days=("tue", "wed", "thu"),
                hours=PART_DAY,
                max_visits=5,
                on_call=("prescriber",),
            ),
            _rn("rn1", ("lai_injection", "med_delivery"), spanish=True, days=WEEKEND_A),
            _rn("rn2", ("lai_injection", "med_delivery"), leave=(_whole_day("2026-12-01"),)),
            _rn("rn3", ("med_delivery",), max_visits=7),
            StaffSpec("sw1", "social_worker", spanish=True, on_call=("primary",)),
            StaffSpec("sw2", "social_worker", on_call=("primary",)),
            StaffSpec("cm1", "case_manager", spanish=True, max_visits=7, on_call=("primary",)),
            StaffSpec("cm2", "case_manager", max_visits=7, days=WEEKEND_B),
            StaffSpec("cm3", "case_manager", spanish=True, max_visits=7),
            StaffSpec("ps1", "peer_specialist"),
            StaffSpec("tl1", "team_leader", max_visits=4, on_call=("primary", "backup")),
        ),  # fmt: skip
        paired=3,
        hard=1,
    ),
    Area(
        prefix="p-",
        office=(41.8540, -87.6700, "Southwest ACT office, Pilsen"),
        neighbourhoods=(
            Neighbourhood("Pilsen", 41.8560, -87.6600, 0.9, 3, 4),
            Neighbourhood("Little Village", 41.8450, -87.7120, 1.0, 3, 4),
            Neighbourhood("Brighton Park", 41.8190, -87.6990, 0.9, 2, 2),
            Neighbourhood("Bridgeport", 41.8380, -87.6510, 0.8, 1.5, 0.5),
        ),
        clients=100,
        spanish_share=0.25,
        roster=(
            StaffSpec("md1", "psychiatrist", spanish=True, max_visits=5, on_call=("prescriber",)),
            _rn("rn1", ("lai_injection", "med_delivery"), spanish=True),
            _rn("rn2", ("lai_injection",), spanish=True, days=WEEKEND_B, max_visits=7),
            _rn("rn3", ("med_delivery",), max_visits=7),
            StaffSpec("sw1", "social_worker", spanish=True, on_call=("primary",)),
            StaffSpec(
                "sw2",
                "social_worker",
                on_call=("primary",),
                leave=(("2026-12-03T08:30", "2026-12-03T12:30"),),
            ),
            StaffSpec("cm1", "case_manager", spanish=True, max_visits=7, on_call=("primary",)),
            StaffSpec("cm2", "case_manager", spanish=True, days=WEEKEND_A, max_visits=7),
            StaffSpec("cm3", "case_manager", max_visits=7, on_call=("primary",)),
            StaffSpec("su1", "substance_use_specialist", spanish=True),
            StaffSpec(
                "ps1",
                "peer_specialist",
                fte=0.5,
                days=("mon", "wed", "fri"),
                hours=PART_DAY,
                max_visits=5,
            ),
            StaffSpec("tl1", "team_leader", max_visits=4, on_call=("primary", "backup")),
        ),  # fmt: skip
        hard=1,
        employment=(("cm3", "employed_from", "2026-12-14"),),
    ),
    Area(
        prefix="s-",
        office=(41.8310, -87.6180, "South ACT office, Bronzeville"),
        neighbourhoods=(
            Neighbourhood("Bronzeville", 41.8240, -87.6170, 0.9, 3, 0.2),
            Neighbourhood("Douglas", 41.8350, -87.6180, 0.7, 1.5, 0.2),
            Neighbourhood("Kenwood", 41.8100, -87.5980, 0.8, 2, 0.2),
            Neighbourhood("Back of the Yards", 41.8100, -87.6560, 0.9, 2, 2),
        ),
        clients=90,
        spanish_share=0.05,
        roster=(
            StaffSpec("md1", "psychiatrist", max_visits=5, on_call=("prescriber",)),
            _rn("rn1", ("lai_injection", "med_delivery"), spanish=True, days=WEEKEND_A),
            _rn("rn2", ("lai_injection",)),
            _rn("rn3", ("med_delivery",), max_visits=7),
            StaffSpec("sw1", "social_worker", on_call=("primary",)),
            StaffSpec("sw2", "social_worker", spanish=True, on_call=("primary",)),
            StaffSpec("cm1", "case_manager", max_visits=7, on_call=("primary",)),
            StaffSpec(
                "cm2",
                "case_manager",
                spanish=True,
                days=WEEKEND_B,
                max_visits=7,
                on_call=("primary",),
                leave=(_whole_day("2026-12-05"),),
            ),
            StaffSpec("su1", "substance_use_specialist"),
            StaffSpec("es1", "employment_specialist"),
            StaffSpec("tl1", "team_leader", max_visits=4, on_call=("primary", "backup")),
        ),  # fmt: skip
    ),
)

_TEAMS = {
    "small": ("west-town-small", "West Town ACT (small sample)", _WEST_TOWN, (_SMALL,)),
    "standard": ("west-town", "West Town ACT", _WEST_TOWN, (_STANDARD,)),
    "large": (
        "chicago-agency",
        "Chicago ACT agency (four teams)",
        (41.8830, -87.6620, "Agency office, 1300 W Lake St"),
        _LARGE_AREAS,
    ),
}


def generate_team(size: str = "standard", seed: int = 7, part_b: bool | None = None) -> dict:
    """Return a sample team file (FORMATS.md; team@2 for the sizes in VERSION_2) of the given size,
    with Part B's rostered shifts when ``part_b`` (by default, for the sizes in PART_B)."""
    if size not in _TEAMS:
        raise ValueError(f"Unknown size {size!r}; expected one of {', '.join(SIZES)}.")
    team_id, name, office, areas = _TEAMS[size]
    rng = random.Random(f"{size}:{seed}")
    staff: list[dict] = []
    clients: list[dict] = []
    by_area: list[tuple[Area, list[dict], list[dict]]] = []
    codes: set[str] = set()
    used_names: set[str] = set()
    for area in areas:
        area_staff = [
            _staff(spec, area, rng, used_names, len(staff) + i + 1, len(areas) > 1)
            for i, spec in enumerate(area.roster)
        ]
        staff.extend(area_staff)
        by_area.append((area, area_staff, _clients(area, area_staff, rng, codes)))
    # Version 2's dates draw from their own stream, so the version 1 team underneath stays as it was.
    dated = random.Random(f"{size}:{seed}:team@2")
    version_2 = size in VERSION_2
    rostered_team = version_2 and (size in PART_B if part_b is None else part_b)
    for area, area_staff, area_clients in by_area:
        if version_2:
            _add_version_2(dated, area, area_staff, area_clients)
    # Part B (rostered shifts) draws from a third stream, after the other two have drawn.
    rostered = random.Random(f"{size}:{seed}:part-b")
    for _area, area_staff, area_clients in by_area:
        if rostered_team:
            demo_roster.add_contracts(rostered, area_staff, area_clients, holiday_hours=size == "standard")
        clients.extend(_ordered(c) for c in area_clients)
    if version_2:
        # Made-up street addresses (a fourth stream: the rest of the team stays as it was), so
        # the pages show homes as staff read them; the coordinates stay the file's.
        addresses = random.Random(f"{size}:{seed}:addresses")
        for client in clients:
            client["home"] = {**client["home"], "label": _address(addresses, client["home"])}
    policy = json.loads(json.dumps(POLICY))
    if rostered_team:
        demo_roster.add_policy(policy, len(areas))
    if not version_2:
        del policy["post_discharge"]
        for level in policy["acuity"].values():
            del level["max_days_without_contact"]
    return {
        "format": "actplanner/team@2" if version_2 else "actplanner/team@1",
        "team": {
            "id": team_id,
            "name": name,
            "timezone": "America/Chicago",
            "office": {"lat": office[0], "lon": office[1], "label": office[2]},
        },
        "policy": policy,
        "staff": staff,
        "clients": clients,
    }


def _staff(
    spec: StaffSpec,
    area: Area,
    rng: random.Random,
    used_names: set[str],
    number: int,
    own_start: bool,
) -> dict:
    """Build one staff entry; staff of a multi-area agency start at their own area's office."""
    while True:
        full_name = f"{rng.choice(_FIRST_NAMES)} {rng.choice(_SURNAMES + _SPANISH_SURNAMES)}"
        if full_name not in used_names:
            used_names.add(full_name)
            break
    shifts = {d: list(WEEKEND_DAY if d in ("sat", "sun") else spec.hours) for d in WEEKDAYS if d in spec.days}
    entry: dict = {
        "id": f"s-{area.prefix}{spec.key}",
        "name": full_name,
        "discipline": spec.discipline,
        "fte": spec.fte,
        "phone": f"+1-312-555-{100 + number:04d}",
        "languages": ["en", "es"] if spec.spanish else ["en"],
    }
    if spec.skills:
        entry["skills"] = list(spec.skills)
    if own_start:
        entry["start"] = {"lat": area.office[0], "lon": area.office[1], "label": area.office[2]}
    entry["shifts"] = shifts
    entry["max_visits_per_day"] = spec.max_visits
    if spec.on_call:
        entry["on_call_roles"] = list(spec.on_call)
    if spec.leave:
        entry["leave"] = [{"start": s, "end": e} for s, e in spec.leave]
    return entry


def _clients(area: Area, staff: list[dict], rng: random.Random, codes: set[str]) -> list[dict]:
    """Build an area's clients: homes, acuity, windows, language, caseload, requirements."""
    n = area.clients
    acuities = _quota(rng, [a for a, _ in ACUITY_MIX], [share for _, share in ACUITY_MIX], n)
    patterns = _quota(rng, list(_PATTERNS), [p[1] for p in _PATTERNS], n)
    _fit_patterns(acuities, patterns)
    hoods = [rng.choices(area.neighbourhoods, [h.weight for h in area.neighbourhoods])[0] for _ in range(n)]
    spanish = set(
        _weighted_sample(rng, range(n), [h.spanish_weight for h in hoods], round(area.spanish_share * n))
    )
    hard = set(rng.sample(range(n), area.hard))
    hard_specs = iter(_HARD_CLIENTS)
    clients: list[dict] = []
    for i in range(n):
        client: dict = {
            "id": f"c-{area.prefix}{i + 1:03d}",
            "code": _code(rng, codes),
            "name": _client_name(rng, i in spanish),
            "home": _home(rng, hoods[i], area.office),
        }
        if i in hard:
            client["acuity"], client["availability"] = next(hard_specs)
        else:
            client["acuity"] = acuities[i]
            windows = patterns[i][3]
            if windows is not None:
                client["availability"] = {d: [list(w) for w in ws] for d, ws in windows.items()}
        if i in spanish:
            client["language"] = "es"
        clients.append(client)
    ordinary = [c for i, c in enumerate(clients) if i not in hard]
    _add_overrides(rng, ordinary, area.overrides)
    _add_caseload(rng, clients, staff)
    _add_paired(rng, ordinary, area.paired)
    _add_excluded(rng, ordinary, staff, area.excluded)
    _add_requirements(rng, area, ordinary, staff)
    return [_ordered(c) for c in clients]


_KEY_ORDER = (
    "id", "code", "name", "home", "acuity", "visits_per_week", "visit_minutes", "availability",
    "language", "primary", "itt", "excluded_staff", "paired", "requirements", "admitted",
    "discharged", "acuity_changes", "episodes",
)  # fmt: skip


def _ordered(client: dict) -> dict:
    """Put a client's keys in the order FORMATS.md shows them."""
    return {k: client[k] for k in _KEY_ORDER if k in client}


def _weighted_sample(rng: random.Random, items: Sequence[int], weights: Sequence[float], k: int) -> list[int]:
    """Draw k distinct items with probability growing with weight (Efraimidis-Spirakis)."""
    pairs = zip(items, weights, strict=True)
    keyed = sorted(((rng.random() ** (1 / w), item) for item, w in pairs), reverse=True)
    return [item for _, item in keyed[:k]]


def _code(rng: random.Random, codes: set[str]) -> str:
    """Draw a fresh opaque client code of 3-4 characters."""
    while True:
        code = "".join(rng.choices(_CODE_ALPHABET, k=rng.choice((3, 4))))
        if code not in codes:
            codes.add(code)
            return code


def _client_name(rng: random.Random, spanish: bool) -> str:
    """Draw an initials-style fake name such as "J. Doe"."""
    surnames = _SPANISH_SURNAMES if spanish else _SURNAMES + _SPANISH_SURNAMES[:6]
    return f"{rng.choice(_INITIALS)}. {rng.choice(surnames)}"


def _home(rng: random.Random, hood: Neighbourhood, office: tuple[float, float, str]) -> dict:
    """Draw a home near a neighbourhood centre, at most 8 km from the office."""
    km_per_lon = 111.2 * math.cos(math.radians(hood.lat))
    while True:
        lat = round(hood.lat + rng.gauss(0, hood.spread_km) / 111.2, 4)
        lon = round(hood.lon + rng.gauss(0, hood.spread_km) / km_per_lon, 4)
        if math.hypot((lat - office[0]) * 111.2, (lon - office[1]) * km_per_lon) <= 8.0:
            return {"lat": lat, "lon": lon}


#: East–west and north–south streets of Chicago's West Side, for made-up addresses.
_EAST_WEST = (
    "W Division St",
    "W Augusta Blvd",
    "W Chicago Ave",
    "W Grand Ave",
    "W Armitage Ave",
    "W North Ave",
    "W Cortland St",
    "W Madison St",
    "W Lake St",
    "W 18th St",
)
_NORTH_SOUTH = (
    "Kedzie Ave",
    "California Ave",
    "Western Ave",
    "Damen Ave",
    "Ashland Ave",
    "Sacramento Ave",
    "Pulaski Rd",
    "Halsted St",
    "Racine Ave",
    "Hoyne Ave",
)
#: Chicago's address grid: 800 numbers a mile from State and Madison.
_GRID_ORIGIN = (41.8819, -87.6278)


def _address(rng: random.Random, home: dict) -> str:
    """A plausible, made-up street address on Chicago's grid near ``home``."""
    miles_north = (home["lat"] - _GRID_ORIGIN[0]) * 69.0
    miles_west = (_GRID_ORIGIN[1] - home["lon"]) * 69.0 * math.cos(math.radians(home["lat"]))
    if rng.random() < 0.5:
        number = max(1, round(abs(miles_west) * 800)) + rng.randrange(0, 40, 2)
        return f"{number} {rng.choice(_EAST_WEST)}, Chicago, IL"
    number = max(1, round(abs(miles_north) * 800)) + rng.randrange(1, 40, 2)
    side = "N" if miles_north >= 0 else "S"
    return f"{number} {side} {rng.choice(_NORTH_SOUTH)}, Chicago, IL"


def _quota(rng: random.Random, values: list, weights: Sequence[float], n: int) -> list:
    """Return n values in proportion to their weights (largest remainder), shuffled."""
    total = sum(weights)
    exact = [w * n / total for w in weights]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(values)), key=lambda k: counts[k] - exact[k])
    for k in by_remainder[: n - sum(counts)]:
        counts[k] += 1
    drawn = [v for v, c in zip(values, counts, strict=True) for _ in range(c)]
    rng.shuffle(drawn)
    return drawn


def _fit_patterns(acuities: list[str], patterns: list) -> None:
    """Swap patterns so no high-acuity client gets one with too few days for daily visits."""
    spare = [i for i, a in enumerate(acuities) if a != "high" and patterns[i][2]]
    for i, acuity in enumerate(acuities):
        if acuity == "high" and not patterns[i][2]:
            j = spare.pop()
            patterns[i], patterns[j] = patterns[j], patterns[i]


def _add_overrides(rng: random.Random, clients: list[dict], count: int) -> None:
    """Give a few clients their own frequency: recently discharged, or long sessions."""
    for n, client in enumerate(rng.sample([c for c in clients if "language" not in c], count)):
        if n == 0:
            # After a hospital discharge: short daily contacts, any day of the week.
            client.update(acuity="high", visits_per_week=6, visit_minutes=30)
            client.pop("availability", None)
        else:
            client["visit_minutes"] = 60


def _add_caseload(rng: random.Random, clients: list[dict], staff: list[dict]) -> None:
    """Give about 70% of clients a primary and an ITT, leaving room for the solver's choice."""
    cap = {
        s["id"]: math.floor(CASELOAD_MAX * s["fte"] * 0.8)
        for s in staff
        if s["discipline"] in PRIMARY_DISCIPLINES
    }
    # A team leader supervises more than they carry.
    cap.update({s["id"]: 3 for s in staff if s["discipline"] == "team_leader"})
    chosen = rng.sample(clients, round(0.7 * len(clients)))
    for client in sorted(chosen, key=lambda c: "language" not in c):
        speaks = [s for s in staff if _speaks(s, client)]
        candidates = [s["id"] for s in speaks if cap.get(s["id"], 0) > 0]
        primary = rng.choices(candidates, [cap[c] for c in candidates])[0]
        cap[primary] -= 1
        itt = [primary]
        prescribers = [s["id"] for s in speaks if s["discipline"] in PRESCRIBERS]
        nurses = [s["id"] for s in speaks if s["discipline"] == "nurse" and s["id"] != primary]
        if prescribers and rng.random() < 0.7:
            itt.append(rng.choice(prescribers))
        if nurses and not any(m in nurses for m in itt) and rng.random() < 0.8:
            itt.append(rng.choice(nurses))
        others = [s["id"] for s in speaks if s["id"] not in itt]
        size = min(rng.choice((3, 3, 4, 4, 5)), len(itt) + len(others))
        itt.extend(rng.sample(others, size - len(itt)) if size > len(itt) else [])
        client["primary"], client["itt"] = primary, itt


def _speaks(staff: dict, client: dict) -> bool:
    """Whether a staff member speaks the client's language (everyone speaks English)."""
    return client.get("language", "en") in staff["languages"]


def _add_paired(rng: random.Random, clients: list[dict], count: int) -> None:
    """Mark a few clients as needing two staff per visit, at a low frequency."""
    for acuity, visits, k in (("moderate", 2, (count + 1) // 2), ("stable", 1, count // 2)):
        candidates = [c for c in clients if c["acuity"] == acuity and "visits_per_week" not in c]
        for client in rng.sample(candidates, k):
            client.update(visits_per_week=visits, paired=True)


def _add_excluded(rng: random.Random, clients: list[dict], staff: list[dict], count: int) -> None:
    """Exclude one non-clinical staff member from a few clients (a conflict or a complaint)."""
    for client in rng.sample(clients, count):
        team = client.get("itt", [])
        others = [s["id"] for s in staff if s["discipline"] in REFUSABLE and s["id"] not in team]
        client["excluded_staff"] = [rng.choice(others)]


def _add_requirements(rng: random.Random, area: Area, clients: list[dict], staff: list[dict]) -> None:
    """Add injections due, psychiatrist visits and nurse visits that the area can deliver."""
    n = len(clients)

    def capable(client: dict, **want: str) -> list[dict]:
        excluded = client.get("excluded_staff", [])
        return [
            s
            for s in staff
            if _speaks(s, client)
            and s["id"] not in excluded
            and all(v == s["discipline"] or v in s.get("skills", ()) for v in want.values())
        ]

    # A long-acting injection has a due date and a little tolerance; a few fall outside the week.
    lai = [c for c in clients if not c.get("paired") and capable(c, skill="lai_injection")]
    for k, client in enumerate(rng.sample(lai, round(area.lai_share * n))):
        due, window = _due_date(rng, client, capable(client, skill="lai_injection"), k)
        client.setdefault("requirements", []).append(
            {"skill": "lai_injection", "due": due.isoformat(), "window_days": window}
        )
    # Prescribers see each client about monthly, so some clients need one this week.
    md = [c for c in clients if capable(c, discipline="psychiatrist") and _room(c)]
    for client in rng.sample(md, min(len(md), round(area.psychiatrist_share * n))):
        client.setdefault("requirements", []).append({"discipline": "psychiatrist", "visits": 1})
    rn = [
        c
        for c in clients
        if c["acuity"] != "stable" and capable(c, discipline="nurse") and _room(c) and not c.get("paired")
    ]
    for client in rng.sample(rn, min(len(rn), round(area.nurse_share * n))):
        visits = min(rng.choice((1, 2)), _room(client))
        client.setdefault("requirements", []).append({"discipline": "nurse", "visits": visits})


def _visits(client: dict) -> int:
    """A client's visits this week (the acuity default unless overridden)."""
    return client.get("visits_per_week", POLICY["acuity"][client["acuity"]]["visits_per_week"])


def _room(client: dict) -> int:
    """How many more visits requirements may claim without outnumbering the client's visits."""
    return _visits(client) - sum(r.get("visits", 1) for r in client.get("requirements", []))


def _due_date(rng: random.Random, client: dict, nurses: list[dict], k: int) -> tuple[date, int]:
    """Draw an injection due date whose window meets a day the client and a nurse can both do."""
    if k % 7 == 6:
        # Due next week, out of reach of this week's window: no injection this week.
        return WEEK_START + timedelta(days=rng.randint(9, 12)), 1
    while True:
        window = rng.choice((1, 1, 2))
        due = WEEK_START + timedelta(days=rng.randint(-window, 6 + window))
        days = [due + timedelta(days=d) for d in range(-window, window + 1)]
        if any(_visitable(client, nurses, day) for day in days if 0 <= (day - WEEK_START).days < 7):
            return due, window


def _visitable(client: dict, staff: list[dict], day: date) -> bool:
    """Whether the client is available on the day and one of the staff works it, off leave."""
    weekday = WEEKDAYS[day.weekday()]
    if "availability" in client and weekday not in client["availability"]:
        return False
    iso = day.isoformat()
    return any(
        weekday in s["shifts"] and not any(p["start"][:10] <= iso < p["end"][:10] for p in s.get("leave", ()))
        for s in staff
    )


# Real Chicago hospitals with psychiatric beds (approximate coordinates); a stay is at the nearest.
HOSPITALS = (
    (41.9005, -87.6995, "Humboldt Park Health, 1044 N Francisco Ave"),
    (41.9030, -87.6836, "Ascension Saint Mary, 2233 W Division St"),
    (41.8745, -87.6695, "Rush University Medical Center, 1620 W Harrison St"),
    (41.8740, -87.6770, "John H. Stroger Jr. Hospital of Cook County, 1969 W Ogden Ave"),
    (41.8610, -87.6945, "Mount Sinai Hospital, 1500 S Fairfield Ave"),
    (41.9750, -87.6985, "Swedish Hospital, 5140 N California Ave"),
    (41.9365, -87.6515, "Advocate Illinois Masonic Medical Center, 836 W Wellington Ave"),
    (41.8465, -87.6235, "Insight Hospital and Medical Center, 2525 S Michigan Ave"),
    (41.7890, -87.6040, "University of Chicago Medical Center, 5841 S Maryland Ave"),
)  # fmt: skip

# Hospital stays as (start, end) days from WEEK_START; the first ends in week 1, so the
# post-discharge rule applies at once; the second starts and ends within the following weeks.
_STAYS = ((-6, 3), (9, 17), (-10, 22), (2, 8))
_AWAY = (15, 22)  # A week away (family, a trip): no visits, none owed.
# Step-downs take effect from the first week starting on or after their date.
_STEP_DOWN_DAYS = (10, 28, 35)
INTAKE_DAY = 14  # A new admission starts on the program in the third week.


def _day(offset: int) -> str:
    return (WEEK_START + timedelta(days=offset)).isoformat()


def _nearest_hospital(home: dict) -> dict:
    """The hospital nearest a client's home (flat-earth distance is enough at city scale)."""
    lat, lon, label = min(
        HOSPITALS, key=lambda h: (h[0] - home["lat"]) ** 2 + ((h[1] - home["lon"]) * 0.745) ** 2
    )
    return {"lat": lat, "lon": lon, "label": label}


def _add_version_2(rng: random.Random, area: Area, staff: list[dict], clients: list[dict]) -> None:
    """Give an area team@2 dates: employment, admissions, stays, absences, step-downs, recurring care."""
    for key, field, day in area.employment:
        member = next(s for s in staff if s["id"] == f"s-{area.prefix}{key}")
        member[field] = day
    for client in clients:
        client["admitted"] = _day(-rng.randint(60, 2500))
    # Ordinary clients (no override, not paired, not a hard case) take the dated changes.
    hard = {c["id"] for c in clients if len(c.get("availability", {})) == 1}
    plain = [c for c in clients if "visits_per_week" not in c and not c.get("paired") and c["id"] not in hard]
    used: set[str] = set()

    def pick(candidates: list[dict], k: int) -> list[dict]:
        chosen = rng.sample([c for c in candidates if c["id"] not in used], k)
        used.update(c["id"] for c in chosen)
        return chosen

    def needs(client: dict, what: str) -> bool:
        return any(what in (r.get("skill"), r.get("discipline")) for r in client.get("requirements", []))

    # A new admission: no caseload given yet and nothing due before the first visit.
    intake = pick([c for c in plain if "primary" not in c and not c.get("requirements")], 1)[0]
    intake["admitted"] = _day(INTAKE_DAY)
    # Hospital stays: stable clients (a relapse) with an ITT to visit them and no injection due there.
    # Home again, they are seen on any day of the week (the post-discharge visits come close together).
    stayers = pick(
        [
            c for c in plain
            if "itt" in c and c["acuity"] == "stable" and not needs(c, "lai_injection")
            and len(c.get("availability", WEEKDAYS)) == 7
        ],
        area.stays,
    )  # fmt: skip
    for client, (start, end) in zip(stayers, _STAYS, strict=False):
        client["episodes"] = [
            {"kind": "inpatient", "start": _day(start), "end": _day(end),
             "location": _nearest_hospital(client["home"]), "visits_per_week": 1}
        ]  # fmt: skip
    for client in pick([c for c in plain if not c.get("requirements")], area.aways):
        client["episodes"] = [{"kind": "away", "start": _day(_AWAY[0]), "end": _day(_AWAY[1])}]
    # Step-downs: high to moderate, and (from the third) moderate to stable for a client with
    # no requirements, as one level's visits a week must still hold everything asked of it.
    high = pick([c for c in plain if c["acuity"] == "high"], min(area.step_downs, 2))
    moderate = pick(
        [c for c in plain if c["acuity"] == "moderate" and not c.get("requirements")],
        max(0, area.step_downs - 2),
    )
    for n, client in enumerate(high + moderate):
        lower = "moderate" if client["acuity"] == "high" else "stable"
        client["acuity_changes"] = [{"date": _day(_STEP_DOWN_DAYS[n]), "acuity": lower}]
    _add_recurring(rng, area, clients, staff)


def _add_recurring(rng: random.Random, area: Area, clients: list[dict], staff: list[dict]) -> None:
    """Make most injections recurring (same first due date) and prescriber visits every 28 days."""
    injections = [r for c in clients for r in c.get("requirements", []) if r.get("skill") == "lai_injection"]
    for k, req in enumerate(injections):
        if k % 5 == 4:
            continue  # A one-off due date, as version 1 has them.
        due = date.fromisoformat(req.pop("due"))
        every = rng.choice((14, 28, 28))
        # A window that stayed out of the first week's reach must still stay out.
        window = 2 if (due - WEEK_START).days >= 9 else rng.choice((2, 3))
        last = (due - timedelta(days=every)).isoformat()
        req.clear()
        req.update(skill="lai_injection", every_days=every, window_days=window, last=last)
    prescribers = [s for s in staff if s["discipline"] == "psychiatrist"]
    weekly = [
        (c, r) for c in clients for r in c.get("requirements", []) if r.get("discipline") == "psychiatrist"
    ]
    for k, (client, req) in enumerate(weekly):
        if k % 4 != 3:
            req.pop("visits")
            req.update(every_days=28, window_days=7, last=_prescriber_last(rng, client, prescribers))
    # More clients see the prescriber monthly: stable ones with nothing else asked of them.
    monthly = [
        c for c in clients
        if not c.get("requirements") and c["acuity"] == "stable" and not c.get("paired")
        and any(_speaks(s, c) and s["id"] not in c.get("excluded_staff", ()) for s in prescribers)
    ]  # fmt: skip
    for client in rng.sample(monthly, min(len(monthly), round(area.psychiatrist_share * len(clients)))):
        client["requirements"] = [
            {
                "discipline": "psychiatrist",
                "every_days": 28,
                "window_days": 7,
                "last": _prescriber_last(rng, client, prescribers),
            }
        ]


def _prescriber_last(rng: random.Random, client: dict, prescribers: list[dict]) -> str:
    """Draw the last prescriber visit (due 28 days later, within the next four weeks) so that
    where the 7-day window reaches into the first week, that part has a day the client is
    available and a prescriber works: a window's days in a week are planned in that week."""
    while True:
        due = WEEK_START + timedelta(days=rng.randint(0, 27))
        days = [due + timedelta(days=d) for d in range(-7, 8) if 0 <= (due - WEEK_START).days + d < 7]
        if not days or any(_visitable(client, prescribers, day) for day in days):
            return (due - timedelta(days=28)).isoformat()


def write_fixtures(directory: Path, seed: int = 7) -> list[Path]:
    """Write small.json, standard.json and large.json into the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for size in SIZES:
        path = directory / f"{size}.json"
        path.write_text(team_json(generate_team(size, seed)), encoding="utf-8")
        paths.append(path)
    return paths


def team_json(team: dict) -> str:
    """Serialise a team file the way the fixtures are committed."""
    return json.dumps(team, indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    """Regenerate the sample team files (`python -m actplanner.domain.demo_data fixtures/`)."""
    parser = argparse.ArgumentParser(prog="python -m actplanner.domain.demo_data", description=__doc__)
    parser.add_argument("directory", nargs="?", default="fixtures", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    for path in write_fixtures(args.directory, args.seed):
        print(path)


if __name__ == "__main__":
    main()
