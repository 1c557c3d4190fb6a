"""Part B of the standard and large sample teams (FORMATS.md Part B): rostered shifts.

About 60% of each area's staff are on a contract (the solver chooses their shifts among
day, late and weekend); prescribers, the team leader, peer and employment specialists and
one weekday nurse per area keep fixed hours, so mornings always have a nurse and a
prescriber. The policy adds the winter holidays, coverage from 08:30 to 20:00 on weekdays
(with a nurse) and 09:00-17:30 at weekends and on holidays, a break rule and the weekday
team meeting. A few clients are seen only in the evening, so late shifts carry visits as
well as coverage.

Everything here draws from its own stream (``random.Random(f"{size}:{seed}:part-b")``),
after version 1 and version 2 have drawn theirs, so the team underneath is the one they
give.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from actplanner.domain.formats import WEEKDAYS

WEEK_START = date(2026, 11, 30)
MON_FRI = list(WEEKDAYS[:5])
WEEKEND_DAYS = ["sat", "sun", "holiday"]
#: The weeks the multi-week benchmarks plan (to 2027-01-24).
WEEKS = 8

HOLIDAYS = (
    ("2026-12-24", "Christmas Eve"),
    ("2026-12-25", "Christmas Day"),
    ("2027-01-01", "New Year's Day"),
)
SHIFT_TYPES: dict[str, dict[str, Any]] = {
    "day": {"start": "08:30", "end": "17:00", "days": MON_FRI},
    "late": {"start": "11:30", "end": "20:00", "days": MON_FRI},
    "weekend": {"start": "09:00", "end": "17:30", "days": WEEKEND_DAYS},
}
BREAKS: dict[str, Any] = {"after_minutes": 360, "minutes": 30, "window": ["11:30", "14:30"]}
TEAM_MEETING: dict[str, Any] = {"days": MON_FRI, "start": "08:30", "end": "09:15"}
#: A full-time contract: 36 to 40 hours of work a week (shift minus break).
FULL_TIME_MINUTES = (2160, 2400)
CONTRACT_LIMITS = {
    "max_days_per_week": 5,
    "max_consecutive_days": 6,
    "min_rest_minutes": 660,
    "max_weekends_per_4_weeks": 2,
}
#: Staff who keep fixed hours: the prescribers (every morning's clinic), the team leader,
#: and the part-time or day-only specialists.
FIXED_DISCIPLINES = (
    "psychiatrist", "nurse_practitioner", "team_leader", "peer_specialist", "employment_specialist",
)  # fmt: skip
#: Contracted staff who work no late shifts (their groups run in the day); every contract has
#: the weekend type, so that even a roster chosen week by week, with no two weekend days by the
#: same person, has the weekend cover within 2 weekends in 4 (a test checks it).
DAY_ONLY = ("substance_use_specialist",)
#: The fixed team leader of the standard team looks in on holidays, in the morning.
HOLIDAY_HOURS = ["09:00", "13:00"]
#: Clients who work or study in the day and are seen on weekday evenings only.
EVENING = {d: [["17:00", "20:00"]] for d in MON_FRI}


def add_policy(policy: dict[str, Any], areas: int) -> None:
    """Add Part B's keys to a team@2 policy; coverage scales with the number of areas (teams)."""
    policy["holidays"] = [{"date": d, "name": name} for d, name in HOLIDAYS]
    policy["shift_types"] = {name: dict(t, days=list(t["days"])) for name, t in SHIFT_TYPES.items()}
    policy["coverage"] = coverage(areas)
    policy["breaks"] = {**BREAKS, "window": list(BREAKS["window"])}
    # One meeting at the office: an agency's four teams start at four offices up to 15 km from
    # it and meet each at their own, which one team file cannot say, so the agency has none.
    if areas == 1:
        policy["team_meeting"] = {**TEAM_MEETING, "days": list(MON_FRI)}


def coverage(areas: int) -> list[dict[str, Any]]:
    """The coverage windows of a team of ``areas`` teams (an agency's share weekend duty)."""
    return [
        {
            "days": list(MON_FRI),
            "start": "08:30",
            "end": "20:00",
            "min_staff": 3 * areas,
            "min_by_discipline": {"nurse": areas},
        },
        # An agency's teams share weekend duty: 2 staff for one team, 1.5 a team for several.
        {"days": list(WEEKEND_DAYS), "start": "09:00", "end": "17:30", "min_staff": max(2, 3 * areas // 2)},
    ]


def add_contracts(rng: random.Random, staff: list[dict], clients: list[dict], holiday_hours: bool) -> None:
    """Put an area's staff on contracts (all but the fixed ones), with a few days off and
    requests, and make a few of its clients evening-only."""
    fixed_nurse = next(
        (s["id"] for s in staff if s["discipline"] == "nurse" and set(s["shifts"]) == set(MON_FRI)), None
    )
    contracted = [s for s in staff if s["discipline"] not in FIXED_DISCIPLINES and s["id"] != fixed_nurse]
    for member in contracted:
        _contract(member)
    # A weekday off would leave four weekdays, too few for the hours without a weekend every
    # week; a day off is a Saturday or a Sunday, for staff with no leave to work around.
    weekenders = [s for s in contracted if not s.get("leave")]
    for member in rng.sample(weekenders, min(2, len(weekenders))):
        member["contract"]["days_off"] = [rng.choice(("sat", "sun"))]
    for member in rng.sample(contracted, min(3, len(contracted))):
        member["contract"]["requests"] = [_request(rng, member)]
    if holiday_hours:
        for member in staff:
            if member["discipline"] == "team_leader":
                member["shifts"]["holiday"] = list(HOLIDAY_HOURS)
    _evening_clients(rng, clients, {s["id"] for s in contracted}, 4 if len(clients) >= 100 else 3)


def _contract(member: dict) -> None:
    """Replace a staff member's fixed hours by a contract fitting their FTE, in place, keeping
    the key order of the rest."""
    types = ["day", "weekend"] if member["discipline"] in DAY_ONLY else ["day", "late", "weekend"]
    contract = {
        "shift_types": types,
        "minutes_per_week": [round(m * member["fte"]) for m in FULL_TIME_MINUTES],
        **CONTRACT_LIMITS,
    }
    entry = {k: v for k, v in member.items() if k != "shifts"}
    member.clear()
    member.update(entry)
    member["contract"] = contract


def _request(rng: random.Random, member: dict) -> dict:
    """A request in the first three weeks: a day off (most), or a shift type the contract allows."""
    contract = member["contract"]
    leave_days = {p["start"][:10] for p in member.get("leave", ())}
    holidays = {d for d, _ in HOLIDAYS}
    first, until = member.get("employed_from", ""), member.get("employed_until", "9999")
    while True:
        day = WEEK_START + timedelta(days=rng.randrange(21))
        weekday, iso = WEEKDAYS[day.weekday()], day.isoformat()
        if iso in leave_days or iso in holidays or weekday in contract.get("days_off", ()):
            continue
        if not first <= iso < until:
            continue
        allowed = [t for t in contract["shift_types"] if weekday in SHIFT_TYPES[t]["days"]]
        if not allowed:
            continue
        if rng.random() < 0.6:
            return {"date": day.isoformat(), "off": True}
        return {"date": day.isoformat(), "shift": rng.choice(allowed)}


def _evening_clients(rng: random.Random, clients: list[dict], contracted: set[str], count: int) -> None:
    """Make a few ordinary clients evening-only (weekdays 17:00-20:00): nothing due, no stay or
    step-down, not paired, speaking English (any late shift can see them), and a given primary
    (if any) who may work late."""
    candidates = [
        c
        for c in clients
        if c["acuity"] in ("moderate", "stable")
        and not any(k in c for k in ("requirements", "episodes", "acuity_changes", "paired"))
        and not any(k in c for k in ("visits_per_week", "visit_minutes", "excluded_staff", "language"))
        and ("primary" not in c or c["primary"] in contracted)
        and c.get("admitted", "") < WEEK_START.isoformat()
    ]
    for client in rng.sample(candidates, min(count, len(candidates))):
        client["availability"] = {d: [list(w) for w in ws] for d, ws in EVENING.items()}
