"""Deterministic recorded contacts for demos and benchmarks: what a week of plans might become.

What an ACT team's log looks like: most planned visits are done, face to face at
home (some met in the community or at the office); about 13% do not happen (no
show, refused, cancelled), and most of those are made up, as teams do: another
face-to-face contact later that day or on a later day of the week the client has
no visit yet, by someone on the visit (or on shift that day), recorded as a contact
of its own. A visit missed on the week's last days often cannot be made up. Every week adds a
few crisis call-outs and phone calls nobody planned. The output depends only on
the team, the plans and the seed. The result is an ``actplanner/contacts@1``
document.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from actplanner.domain.formats import CONTACTS_FORMAT, WEEKDAYS, minutes

#: Shares of planned visits that did not happen, by outcome (the rest were done): 13% in all.
MISSED = (("no_show", 0.08), ("refused", 0.03), ("cancelled", 0.02))
#: The share of missed visits the team makes up later in the same week, when a later day has a
#: staff member on shift (the rest stay missed: the client could not be found again, or refused).
MADE_UP = 0.9
#: The share of make-ups tried the same day, an hour after the missed visit's end.
SAME_DAY = 0.4
#: Where done planned visits took place: mostly at home, some met in the community or at the office.
PLACES = (("home", 0.7), ("community", 0.2), ("office", 0.1))
#: Unplanned contacts a week, per 100 clients: crisis call-outs (face to face) and phone calls.
CALL_OUTS = 3
PHONE_CALLS = 10


def recorded_contacts(team: dict[str, Any], plans: Sequence[dict[str, Any]], seed: int = 7) -> dict[str, Any]:
    """The contact log of ``plans`` (plan file dicts of ``team``, a team file dict)."""
    rng = random.Random(seed)
    skills = {s["id"]: set(s.get("skills", [])) for s in team["staff"]}
    contacts: list[dict[str, Any]] = []
    for plan in sorted(plans, key=lambda p: p["week_start"]):
        shifts = _shifts_by_date(team, plan)
        visits = sorted(plan["visits"], key=lambda v: (v["date"], v["start"], v["id"]))
        # The dates each client has a visit (or a make-up): a make-up goes on another one.
        taken: dict[str, set[str]] = {}
        for visit in visits:
            taken.setdefault(visit["client"], set()).add(visit["date"])
        recorded = [_recorded(rng, visit, skills) for visit in visits]
        contacts += recorded
        for visit, entry in zip(visits, recorded, strict=True):
            if entry["outcome"] != "done" and rng.random() < MADE_UP:
                made_up = _made_up(rng, visit, plan["week_start"], taken, shifts)
                if made_up is not None:
                    contacts.append(made_up)
        contacts += _unplanned(rng, team, plan)
    numbered = [{"id": f"k-{i + 1:06d}", **entry} for i, entry in enumerate(contacts)]
    return {"format": CONTACTS_FORMAT, "team": team["team"]["id"], "contacts": numbered}


def _recorded(rng: random.Random, visit: dict[str, Any], skills: dict[str, set[str]]) -> dict[str, Any]:
    base = {"client": visit["client"], "staff": list(visit["staff"]), "date": visit["date"]}
    roll = rng.random()
    for outcome, share in MISSED:
        if roll < share:
            return {**base, "start": visit["start"], "minutes": 0, "outcome": outcome, "visit": visit["id"]}
        roll -= share
    start = min(minutes(visit["start"]) + rng.randint(0, 10), 23 * 60)
    planned = minutes(visit["end"]) - minutes(visit["start"])
    length = min(max(15, planned + rng.randint(-10, 10)), 1440 - start)
    entry = {
        **base,
        "start": _time(start),
        "minutes": length,
        "outcome": "done",
        "mode": "face_to_face",
        "place": rng.choices([p for p, _ in PLACES], weights=[w for _, w in PLACES])[0],
        "visit": visit["id"],
    }
    purpose = visit.get("purpose")
    if purpose and any(purpose in skills.get(s, ()) for s in visit["staff"]):
        entry["skills"] = [purpose]
    return entry


def _made_up(
    rng: random.Random,
    visit: dict[str, Any],
    week_start: str,
    taken: dict[str, set[str]],
    shifts: dict[str, dict[str, tuple[str, str]]],
) -> dict[str, Any] | None:
    """A face-to-face contact making up a missed visit: often the same afternoon (the client was
    out in the morning), else on a later day of its week that the client has no visit on; by
    someone on the visit when they work then, else by anyone on shift that day. None when no
    such time and staff member exist."""
    missed = date.fromisoformat(visit["date"])
    length = max(15, minutes(visit["end"]) - minutes(visit["start"]))
    if rng.random() < SAME_DAY:
        # Back later that day: an hour after the visit's end, before the shift ends.
        for staff in visit["staff"]:
            span = shifts.get(visit["date"], {}).get(staff)
            if span is not None and minutes(visit["end"]) + 60 + length <= minutes(span[1]):
                return _contact(visit["client"], staff, missed, minutes(visit["end"]) + 60, length)
    sunday = date.fromisoformat(week_start) + timedelta(days=6)
    client_dates = taken.setdefault(visit["client"], set())
    for offset in range(1, (sunday - missed).days + 1):
        day = missed + timedelta(days=offset)
        if day.isoformat() in client_dates:
            continue
        on_shift = sorted(shifts.get(day.isoformat(), {}))
        who = [s for s in visit["staff"] if s in on_shift] or on_shift
        if not who:
            continue
        staff = who[0] if who[0] in visit["staff"] else rng.choice(who)
        first, last = (minutes(t) for t in shifts[day.isoformat()][staff])
        latest = max(first, last - length)
        client_dates.add(day.isoformat())
        start = first + 5 * rng.randrange(0, (latest - first) // 5 + 1)
        return _contact(visit["client"], staff, day, start, length)
    return None


def _shifts_by_date(team: dict[str, Any], plan: dict[str, Any]) -> dict[str, dict[str, tuple[str, str]]]:
    """Who works when on each date of the plan's week: the plan's shifts where it has them (a
    rostered team's plan@2), else each staff member's fixed hours for the weekday."""
    if plan.get("shifts") is not None:
        by_date: dict[str, dict[str, tuple[str, str]]] = {}
        for shift in plan["shifts"]:
            by_date.setdefault(shift["date"], {})[shift["staff"]] = (shift["start"], shift["end"])
        return by_date
    monday = date.fromisoformat(plan["week_start"])
    days = [monday + timedelta(days=d) for d in range(7)]
    return {
        day.isoformat(): {
            s["id"]: tuple(s["shifts"][WEEKDAYS[day.weekday()]])  # type: ignore[misc]
            for s in team["staff"]
            if WEEKDAYS[day.weekday()] in (s.get("shifts") or {})
        }
        for day in days
    }


def _contact(client: str, staff: str, day: date, start: int, length: int) -> dict[str, Any]:
    """A done face-to-face home contact nobody planned (a make-up)."""
    return {
        "client": client,
        "staff": [staff],
        "date": day.isoformat(),
        "start": _time(start),
        "minutes": min(length, 1440 - start),
        "outcome": "done",
        "mode": "face_to_face",
        "place": "home",
    }


def _unplanned(rng: random.Random, team: dict[str, Any], plan: dict[str, Any]) -> list[dict[str, Any]]:
    """A week's crisis call-outs (face to face, in the community) and phone calls."""
    monday = date.fromisoformat(plan["week_start"])
    clients = [c["id"] for c in team["clients"]]
    staff = [s["id"] for s in team["staff"] if s.get("shifts")]
    if not clients or not staff:
        return []
    out = []
    for kind, per_hundred in (("call_out", CALL_OUTS), ("phone", PHONE_CALLS)):
        for _ in range(max(1, round(per_hundred * len(clients) / 100))):
            day = monday + timedelta(days=rng.randrange(7))
            start = rng.randrange(8 * 60, 20 * 60, 5)
            entry: dict[str, Any] = {
                "client": rng.choice(clients),
                "staff": [rng.choice(staff)],
                "date": day.isoformat(),
                "start": _time(start),
                "outcome": "done",
            }
            if kind == "call_out":
                entry.update(minutes=rng.randint(30, 90), mode="face_to_face", place="community")
            else:
                entry.update(minutes=rng.randint(5, 20), mode="phone")
            out.append(entry)
    return out


def _time(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
