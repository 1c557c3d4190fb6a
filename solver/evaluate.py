"""The objective: every soft goal as labelled penalty terms, and the plan's metrics.

Both are computed from a finished schedule, so the number the solver minimises
is the number the plan explains, term by term.
"""

from __future__ import annotations

import statistics
from collections import defaultdict

from solver import goals
from solver.coverage import minutes_short
from solver.plan import OnCallPeriod, Penalty, Shift, Unmet, Visit
from solver.pricing import (
    balance_cost,
    continuity_cost,
    moved_cost,
    recent_cost,
    team_approach_cost,
    travel_cost,
)
from solver.problem import DAY, DAYS, WEIGHTS, Problem
from solver.schedule import Schedule

#: Disciplines who see clients in the field and so share the visit workload.
NON_FIELD = frozenset({"psychiatrist", "nurse_practitioner"})


def visits_of(schedule: Schedule) -> list[Visit]:
    pinned = schedule.pinned
    return [
        Visit(
            client=cid,
            staff=staff,
            day=day,
            start=start,
            end=end,
            purpose=purpose,
            pinned=(cid, day) in pinned,
            id=schedule.ids.get((cid, day), ""),
            place="hospital" if schedule.clients[cid].inpatient(day) else None,
        )
        for cid, by_day in sorted(schedule.visits.items())
        for day, (staff, start, end, purpose) in sorted(by_day.items())
    ]


def penalties(schedule: Schedule, on_call_penalties: list[Penalty], moved: int) -> list[Penalty]:
    """Soft: one labelled term per ITT miss, team-approach shortfall, route, and spread."""
    problem = schedule.problem
    terms: list[Penalty] = []
    staff_seen: dict[str, set[str]] = defaultdict(set)
    for cid, by_day in sorted(schedule.visits.items()):
        for day, (staff, *_) in sorted(by_day.items()):
            for sid in staff:
                staff_seen[cid].add(sid)
                cost = continuity_cost(schedule, cid, (sid,))
                if cost:
                    terms.append(
                        Penalty(
                            f"non-ITT visit (client={cid}, day={day}, staff={sid})", goals.CONTINUITY, cost
                        )
                    )
                recent = recent_cost(schedule, cid, (sid,))
                if recent:
                    terms.append(
                        Penalty(
                            f"not a recent ITT member (client={cid}, day={day}, staff={sid})",
                            goals.RECENT,
                            recent,
                        )
                    )
    want = problem.policy.team_approach_min_staff
    for client in problem.clients:
        if len(schedule.visits[client.id]) >= 2:
            short = want - len(staff_seen[client.id])
            if short > 0:
                terms.append(
                    Penalty(
                        f"team approach (client={client.id}): sees {want - short} staff, want {want}",
                        goals.TEAM_APPROACH,
                        team_approach_cost(short),
                    )
                )
    for (sid, day), route in sorted(schedule.routes.items()):
        minutes = schedule.route_travel(route)
        if minutes:
            terms.append(Penalty(f"travel (staff={sid}, day={day})", goals.TRAVEL, travel_cost(minutes)))
    loads = workload_per_fte(schedule)
    if len(loads) >= 2:
        spread = int(max(loads.values()) - min(loads.values()))
        terms.append(
            Penalty("workload spread (visit+travel minutes per FTE)", goals.BALANCE, balance_cost(spread))
        )
    terms.extend(on_call_penalties)
    if moved:
        terms.append(Penalty(f"moved visits ({moved})", goals.STABILITY, moved_cost(moved)))
    return terms


def objective(terms: list[Penalty], unmet: list[Unmet], problem: Problem, schedule: Schedule) -> int:
    missing = sum(
        max(0, c.visits_wanted - sum(c.counts(d) for d in schedule.visits[c.id])) for c in problem.clients
    )
    other = sum(1 for u in unmet if u.rule != "H1")
    return sum(t.cost for t in terms) + (missing + other) * WEIGHTS.unmet_visit


def workload_per_fte(schedule: Schedule) -> dict[str, float]:
    """Visit-plus-travel minutes per FTE of the field staff who work this week."""
    return {
        s.id: schedule.staff_minutes(s.id) / s.fte
        for s in schedule.problem.staff
        if s.discipline not in NON_FIELD and s.shifts and s.fte > 0
    }


def metrics(
    schedule: Schedule, on_call: tuple[OnCallPeriod, ...], moved: int | None, shifts: tuple[Shift, ...] = ()
) -> dict[str, float | int | dict[str, float]]:
    """Soft goals as numbers, and the ACT fidelity figures (DOMAIN.md) of the plan."""
    problem = schedule.problem
    visits = visits_of(schedule)
    clients = problem.clients
    n_clients = max(1, len(clients))
    slots = [(v.client, sid) for v in visits for sid in v.staff]
    itt = sum(schedule.in_itt(sid, cid) for cid, sid in slots)
    seen: dict[str, set[str]] = defaultdict(set)
    for cid, sid in slots:
        seen[cid].add(sid)
    multi = [c for c in clients if len(schedule.visits[c.id]) >= 2]
    want = problem.policy.team_approach_min_staff
    travel = sum(schedule.route_travel(r) for r in schedule.routes.values())
    loads = workload_per_fte(schedule)
    primaries = [p for p in on_call if p.role == "primary"]
    eligible = [s.id for s in problem.staff if "primary" in s.on_call_roles]
    counts = {sid: 0 for sid in eligible}
    weekend = {sid: 0 for sid in eligible}
    covered = 0
    for p in primaries:
        counts[p.staff] = counts.get(p.staff, 0) + 1
        if p.start // DAY >= 5:
            weekend[p.staff] = weekend.get(p.staff, 0) + 1
        covered += p.end - p.start
    fte = sum(s.fte for s in problem.staff)
    out: dict[str, float | int | dict[str, float]] = {
        "visits": len(visits),
        "visits_required": sum(c.visits_per_week for c in clients),
        "itt_share": round(itt / len(slots), 4) if slots else 0.0,
        "team_approach_share": round(sum(len(seen[c.id]) >= want for c in multi) / len(multi), 4)
        if multi
        else 1.0,
        "travel_minutes_total": travel,
        "travel_minutes_per_visit": round(travel / len(visits), 2) if visits else 0.0,
        "workload_minutes_per_fte_spread": round(max(loads.values()) - min(loads.values()), 1)
        if loads
        else 0.0,
        "workload_minutes_per_fte_stdev": round(statistics.pstdev(loads.values()), 1) if loads else 0.0,
        "on_call_primary_spread": (max(counts.values()) - min(counts.values())) if counts else 0,
        "on_call_weekend_spread": (max(weekend.values()) - min(weekend.values())) if weekend else 0,
        "contacts_per_client_week": round(len(visits) / n_clients, 2),
        "minutes_per_client_week": round(sum(v.end - v.start for v in visits) / n_clients, 1),
        "share_clients_seen_by_2plus_staff": round(sum(len(seen[c.id]) >= 2 for c in clients) / n_clients, 4),
        "caseload_ratio": round(len(clients) / fte, 2) if fte else 0.0,
        "on_call_coverage": round(covered / (DAYS * DAY), 4),
    }
    if moved is not None:
        out["moved_visits"] = moved
    if problem.roster is not None:
        out.update(part_b_metrics(schedule, shifts))
    return out


def part_b_metrics(
    schedule: Schedule, shifts: tuple[Shift, ...]
) -> dict[str, float | int | dict[str, float]]:
    """Part B's figures: meeting days (DACTS: at least two staff attend), coverage minutes short
    (0 when H17 holds) and the share of staff requests honoured (1 with none)."""
    problem = schedule.problem
    roster = problem.roster
    assert roster is not None
    worked = {(s.staff, s.day): s.type for s in shifts}
    requests = [(sid, r) for sid, c in roster.contracts.items() for r in c.requests]
    honoured = sum(
        ((sid, r.day) not in worked) if r.shift is None else worked.get((sid, r.day)) == r.shift
        for sid, r in requests
    )
    return {
        "team_meeting_days": sum(len(ids) >= 2 for ids in schedule.meeting_attendance().values()),
        "coverage_minutes_short": minutes_short(problem.staff, roster.coverage),
        "requests_honoured_share": round(honoured / len(requests), 4) if requests else 1.0,
    }
