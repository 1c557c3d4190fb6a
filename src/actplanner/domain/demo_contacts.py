"""Deterministic recorded contacts for demos and benchmarks: what a week of plans might become.

Each planned visit is recorded: most done face to face at home (some in the
community), a few no-shows, refusals and cancellations; every week adds a few
crisis call-outs and phone calls nobody planned. The output depends only on the
plans and the seed. The result is an ``actplanner/contacts@1`` document.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from actplanner.domain.formats import CONTACTS_FORMAT, minutes

#: Shares of planned visits that did not happen, by outcome (the rest were done).
MISSED = (("no_show", 0.08), ("refused", 0.03), ("cancelled", 0.02))
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
        for visit in sorted(plan["visits"], key=lambda v: (v["date"], v["start"], v["id"])):
            contacts.append(_recorded(rng, visit, skills))
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
        "start": f"{start // 60:02d}:{start % 60:02d}",
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
                "start": f"{start // 60:02d}:{start % 60:02d}",
                "outcome": "done",
            }
            if kind == "call_out":
                entry.update(minutes=rng.randint(30, 90), mode="face_to_face", place="community")
            else:
                entry.update(minutes=rng.randint(5, 20), mode="phone")
            out.append(entry)
    return out
