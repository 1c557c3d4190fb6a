"""Re-planning: start from the plan the team already has and change as little as possible.

Visits before the re-plan date and pinned visits are kept exactly. Every other
baseline visit is kept as it was (same day, staff and time) if it still meets
the hard rules; the rest are placed again by cheapest insertion. A visit counts
as moved when its day, staff or start time changed, or it was dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from solver.plan import Unmet, Visit
from solver.problem import Baseline, Client
from solver.schedule import Insertion, Schedule, Slot


def apply_baseline(schedule: Schedule, baseline: Baseline) -> list[Unmet]:
    """Put the baseline's visits back into ``schedule``; report frozen ones that now break a rule."""
    clients = schedule.clients
    unmet: list[Unmet] = []
    ordered = sorted(baseline.visits, key=lambda v: (v.day, v.start, v.client))
    frozen = [v for v in ordered if v.day < baseline.from_day or v.pinned]
    free = [v for v in ordered if not (v.day < baseline.from_day or v.pinned)]
    for visit in frozen:
        if visit.client not in clients:
            continue
        problem = _force(schedule, visit)
        if problem:
            unmet.append(Unmet(rule="H3", client=visit.client, detail=problem))
        if visit.pinned:
            schedule.pinned.add((visit.client, visit.day))
    for visit in free:
        _keep_if_valid(schedule, visit)
    for visit in ordered:
        if visit.id and visit.client in clients:
            schedule.ids.setdefault((visit.client, visit.day), visit.id)
    return unmet


def _force(schedule: Schedule, visit: Visit) -> str | None:
    """Keep a past or pinned visit exactly; say why if it no longer fits its staff's day."""
    client = schedule.clients[visit.client]
    reasons = []
    for sid in visit.staff:
        route = schedule.routes.get((sid, visit.day))
        staff = schedule.problem.staff_by_id.get(sid)
        if route is None or staff is None or not schedule.can_serve(staff, client, visit.day):
            reasons.append(f"{sid} is not available for it")
            continue
        slot = Slot(client.id, client.location_on(visit.day), visit.start, visit.end)
        route.slots.append(slot)
        route.slots.sort(key=lambda s: s.start)
    schedule.visits[client.id][visit.day] = (
        tuple(sorted(visit.staff)),
        visit.start,
        visit.end,
        visit.purpose,
    )
    if reasons:
        kind = "pinned" if visit.pinned else "past"
        return f"{kind} visit on day {visit.day + 1} kept as it was, but " + "; ".join(reasons)
    return None


def _keep_if_valid(schedule: Schedule, visit: Visit) -> bool:
    client = schedule.clients.get(visit.client)
    if client is None:
        return False
    kept = schedule.visits[client.id]
    if visit.day in kept:
        return False
    stay = next((stay for stay in client.hospital if visit.day in stay.days), None)
    if stay is not None:
        # H13: an inpatient visit, while the stay still asks for one, with an ITT member on it.
        load = schedule.caseload.get(client.id)
        if sum(d in stay.days for d in kept) >= stay.visits or load is None:
            return False
        if not set(visit.staff) & set(load.itt):
            return False
    elif sum(client.counts(d) for d in kept) >= client.visits_wanted:
        return False
    elif any(abs(visit.day - d) < client.min_gap_days for d in client.spaced_from(kept)):
        return False
    if visit.end - visit.start != client.visit_minutes:
        return False
    if len(visit.staff) != (2 if client.paired else 1):
        return False
    placed = []
    for sid in visit.staff:
        route = schedule.routes.get((sid, visit.day))
        if route is None or not schedule.can_serve(route.staff, client, visit.day):
            return False
        options: list[Insertion] = schedule.insertions(route, client, at=visit.start)
        if not options:
            return False
        placed.append((route, options[0]))
    schedule.add_visit(client, visit.day, placed, visit.purpose)
    return True


def count_moved(schedule: Schedule, baseline: Baseline) -> int:
    """Baseline visits from the re-plan date on whose day, staff or start changed, or vanished."""
    moved = 0
    for visit in baseline.visits:
        if visit.day < baseline.from_day:
            continue
        now = schedule.visits.get(visit.client, {}).get(visit.day)
        if now is None or now[0] != tuple(sorted(visit.staff)) or now[1] != visit.start:
            moved += 1
    return moved


def restorer(schedule: Schedule, baseline: Baseline) -> Callable[[Client], None]:
    """A function putting one client's movable baseline visits back where they still fit."""
    by_client: dict[str, list[Visit]] = {}
    for visit in sorted(baseline.visits, key=lambda v: (v.day, v.start)):
        if visit.day >= baseline.from_day and not visit.pinned:
            by_client.setdefault(visit.client, []).append(visit)

    def restore(client: Client) -> None:
        for visit in by_client.get(client.id, []):
            if visit.day not in schedule.visits[client.id]:
                _keep_if_valid(schedule, visit)

    return restore
