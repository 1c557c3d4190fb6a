"""What travel, continuity and the other soft goals cost: priced here and nowhere else.

The objective (``evaluate``), cheapest insertion (``greedy``) and the day router
(``dayroute``) all price a route or a visit through these functions, so a move
the search takes because it is cheaper is cheaper in the plan's objective too.
"""

from __future__ import annotations

from collections.abc import Iterable

from solver.problem import WEIGHTS, Client, Staff
from solver.schedule import Route, Schedule, tags_met_by

#: Cost of handing a visit to another staff member on the same day: small, so it
#: happens for real travel savings, not for noise, and weekly balance holds.
HANDOVER = 15
#: Per visit already on a route: spreads visits over staff-days rather than
#: filling one (goal 4, lightly, while the week is built).
FILLED_SLOT = 3


def travel_cost(minutes: int) -> int:
    """Goal 3: minutes on the road."""
    return minutes * WEIGHTS.travel_minute


def continuity_cost(schedule: Schedule, client_id: str, staff_ids: Iterable[str]) -> int:
    """Goal 1: one penalty per staff member on the visit who is not on the client's ITT."""
    return sum(WEIGHTS.non_itt_visit for sid in staff_ids if not schedule.in_itt(sid, client_id))


def recent_cost(schedule: Schedule, client_id: str, staff_ids: Iterable[str]) -> int:
    """Goal 6: per staff member on the visit who is not one of the client's ITT members who
    saw the client in the last 14 days (nothing when none of them did)."""
    recent = schedule.recent_itt(client_id)
    if not recent:
        return 0
    return sum(WEIGHTS.not_recent_staff for sid in staff_ids if sid not in recent)


def team_approach_cost(missing_staff: int) -> int:
    """Goal 2: per staff member a client with two or more visits still needs to meet."""
    return missing_staff * WEIGHTS.team_approach_missing


def balance_cost(spread_minutes: int) -> int:
    """Goal 4: the spread of visit-plus-travel minutes per FTE."""
    return spread_minutes * WEIGHTS.imbalance_minute


def moved_cost(moved: int) -> int:
    """Re-plan stability: per baseline visit moved or dropped."""
    return moved * WEIGHTS.moved_visit


def route_cost(schedule: Schedule, route: Route) -> int:
    """A route's own terms of the objective: its travel and its non-ITT visits."""
    return travel_cost(schedule.route_travel(route)) + sum(
        continuity_cost(schedule, slot.client, (route.staff.id,))
        + recent_cost(schedule, slot.client, (route.staff.id,))
        for slot in route.slots
    )


def visit_cost(schedule: Schedule, client: Client, staff_ids: Iterable[str], travel_delta: int) -> int:
    """What inserting one visit adds to its routes' cost: the extra travel and continuity."""
    staff_ids = tuple(staff_ids)
    return (
        travel_cost(travel_delta)
        + continuity_cost(schedule, client.id, staff_ids)
        + recent_cost(schedule, client.id, staff_ids)
    )


def insertion_cost(
    schedule: Schedule, client: Client, route: Route, travel_delta: int, tags: frozenset[str]
) -> int:
    """Cheapest insertion's price of one staff member's slot on a visit to ``client``."""
    cost = visit_cost(schedule, client, (route.staff.id,), travel_delta)
    cost += reserve_cost(schedule, route.staff, tags)
    # Goal 2 at half price: a client should meet more than one staff member in the week.
    seen = {sid for staff, *_ in schedule.visits[client.id].values() for sid in staff}
    if route.staff.id in seen and len(seen) < schedule.problem.policy.team_approach_min_staff:
        cost += team_approach_cost(1) // 2
    return cost + FILLED_SLOT * len(route.slots)


def reassignment_cost(
    schedule: Schedule, client_id: str, staff_id: str, planned: str, seen: set[str], visits: int
) -> int:
    """The day router's price for giving a client's visit to ``staff_id`` instead of ``planned``.

    ``seen`` are the staff on the client's other visits this week and ``visits``
    how many visits it has, for goal 2.
    """
    cost = 0 if staff_id == planned else HANDOVER
    cost += continuity_cost(schedule, client_id, (staff_id,)) + recent_cost(schedule, client_id, (staff_id,))
    if len(seen | {staff_id}) < min(schedule.problem.policy.team_approach_min_staff, visits):
        cost += team_approach_cost(1)
    return cost


def reserve_cost(schedule: Schedule, staff: Staff, tags: frozenset[str]) -> int:
    """What a routine visit costs when it uses up a scarce discipline or skill.

    A psychiatrist's home visit that serves no psychiatrist requirement takes a
    slot some other client's requirement may need; the cost grows with how much
    of that staff's capacity the team's requirements claim.
    """
    ratio = max(
        (
            r
            for tag, r in schedule.scarcity.items()
            if tag not in tags and tags_met_by([staff], frozenset({tag}))
        ),
        default=0.0,
    )
    return int(WEIGHTS.non_itt_visit * min(1.0, ratio))


__all__ = [
    "FILLED_SLOT",
    "HANDOVER",
    "balance_cost",
    "continuity_cost",
    "insertion_cost",
    "moved_cost",
    "reassignment_cost",
    "recent_cost",
    "reserve_cost",
    "route_cost",
    "team_approach_cost",
    "travel_cost",
    "visit_cost",
]
