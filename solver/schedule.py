"""A week of fixed-time routes, and the insertion moves that build and repair it.

The schedule is the solver's working state: for every staff member and day an
ordered route of visits with fixed start times. Every move keeps the hard rules
that concern one route (H3 shift and leave, H6 windows, H7 travel, H8 daily
limit, H10 rest; with Part B, H16 the team meeting as an item of the day and
H15 room for the break, see ``day_items``), so any schedule is a valid plan
apart from what is still missing; the week-level rules (H1 counts, H2 spacing,
H4 requirements, H5 pairs) are kept by the callers that choose which visits to
insert.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from solver import day_items
from solver.plan import Break, Caseload, Unmet
from solver.problem import DAY, DAYS, BreakRule, Client, Meeting, Problem, Staff, Window

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
    #: Part B (H16): the team meeting this day holds at the office, a fixed item no visit overlaps.
    meeting: Window | None = None
    #: Part B (H15): the break's minutes (0: this shift has none) and where it may fall (the
    #: rule's window cut to the shift). The window is None when even the day without visits
    #: cannot hold the break: then insertions do not look for room (it is reported instead).
    break_minutes: int = 0
    break_window: Window | None = None
    #: Part B: the gaps of the day for the visits it was computed with (``Schedule._day_gaps``).
    cache: tuple[tuple[Slot, ...], list[day_items.Gap], tuple[int, ...]] | None = field(
        default=None, repr=False, compare=False
    )

    @property
    def limit(self) -> int:
        return self.staff.max_visits_per_day if self.staff.max_visits_per_day is not None else INF

    @property
    def part_b(self) -> bool:
        """Whether the day has items besides its visits (the meeting, room for a break)."""
        return self.meeting is not None or self.break_window is not None

    def gaps(self) -> list[day_items.Gap]:
        return day_items.gaps(self.staff.location, self.window, self.slots, self.meeting)


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
        if problem.roster is not None:
            for route in self.routes.values():
                _add_part_b(
                    route, problem.roster.meetings, problem.roster.breaks, rest, primary_by_day, self.travel
                )
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
        if route.part_b:
            return self._part_b_insertions(route, location, minutes, windows, at)
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

    def _part_b_insertions(
        self, route: Route, location: int, minutes: int, windows: tuple[Window, ...], at: int | None
    ) -> list[Insertion]:
        """``insertions`` on a day with the meeting or a break: a visit goes in a gap between
        the day's items (the meeting is one, at the office), and leaves room for the break in
        some gap of the day (H15), before or after the visit when it takes the only one."""
        tt = self.travel
        gaps, holding = self._day_gaps(route)
        rest_break = route.break_window
        need = route.break_minutes

        def keeps_break(gap_index: int, gap: day_items.Gap, start: int) -> bool:
            # Another gap still holds the break (``holding``: the first two that do), or none
            # does: a kept visit took its room, the day is reported (H15), and visits still go.
            if rest_break is None or not holding or any(i != gap_index for i in holding):
                return True
            end = start + minutes
            return (
                day_items.break_room(gap.start, gap.before, start, location, tt, rest_break, need) >= 0
                or day_items.break_room(end, location, gap.end, gap.after, tt, rest_break, need) >= 0
            )

        found = []
        soonest = route.earliest_visit
        for index, gap in enumerate(gaps):
            position, after_end, before, before_start, after = gap
            there, back = tt[before][location], tt[location][after]
            earliest = max(after_end + there, soonest)
            latest_end = before_start - back
            if earliest + minutes > latest_end:
                continue  # the gap is too short for the visit and its travel
            delta = there + back - tt[before][after]
            if at is not None:
                if (
                    earliest <= at
                    and at + minutes <= latest_end
                    and any(w.contains(at, at + minutes) for w in windows)
                    and keeps_break(index, gap, at)
                ):
                    found.append(Insertion(position, at, delta))
                continue
            for w in windows:
                start = max(earliest, w.start)
                last = min(latest_end, w.end)
                if start + minutes > last:
                    continue
                if keeps_break(index, gap, start):
                    found.append(Insertion(position, start, delta))
                    break
                if rest_break is not None:
                    # Later, so the break fits before the visit: the earliest such start.
                    later = max(start, after_end + there + need, max(after_end, rest_break.start) + need)
                    if later + minutes <= last and keeps_break(index, gap, later):
                        found.append(Insertion(position, later, delta))
                        break
        return found

    def _day_gaps(self, route: Route) -> tuple[list[day_items.Gap], tuple[int, ...]]:
        """The route's gaps and the first two of them that hold its break, kept until its visits
        change: many insertions are priced on a route between two changes of it."""
        key = tuple(route.slots)
        if route.cache is not None and route.cache[0] == key:
            return route.cache[1], route.cache[2]
        gaps = route.gaps()
        holding: list[int] = []
        window = route.break_window
        if window is not None:
            tt, need = self.travel, route.break_minutes
            for i, g in enumerate(gaps):
                if day_items.break_room(g.start, g.before, g.end, g.after, tt, window, need) >= 0:
                    holding.append(i)
                    if len(holding) == 2:
                        break
        route.cache = (key, gaps, tuple(holding))
        return gaps, route.cache[2]

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
        """H15: each day's break, of the rule's length inside its window and the shift, in the gap
        with most room. A day that cannot hold it still has it, in the gap that comes closest
        (and is in ``part_b_unmet``); none without a break rule or on a shorter shift."""
        out = []
        for (sid, day), route in sorted(self.routes.items()):
            start = self.break_start(route)
            if start is None and route.break_minutes:
                start = self._squeezed_break(route)
            if start is not None:
                out.append(Break(sid, day, start, start + route.break_minutes))
        return tuple(out)

    def break_start(self, route: Route) -> int | None:
        """Where the route's break goes now (None: no break rule, or no gap holds it)."""
        if not route.break_minutes or route.break_window is None:
            return None
        gaps = self._day_gaps(route)[0]
        return day_items.place_break(gaps, self.travel, route.break_window, route.break_minutes)

    def _squeezed_break(self, route: Route) -> int:
        rule = self.problem.roster.breaks if self.problem.roster is not None else None
        assert rule is not None  # only a route with a break rule has break minutes
        minutes = route.break_minutes
        window = _break_window(route.window, rule)
        if window is None or window.end - window.start < minutes:
            # An input error (FORMATS.md): the shift barely meets the window. Inside the shift.
            shift = route.window
            return max(shift.start, min(shift.start // DAY * DAY + rule.window[0], shift.end - minutes))
        return day_items.squeezed_break(route.gaps(), self.travel, window, minutes)

    def meeting_attendance(self) -> dict[int, tuple[str, ...]]:
        """H16: per day with a team meeting, the staff whose days hold it (at the office, no visit
        overlapping it, time to travel there and back); a day with nobody maps to ()."""
        roster = self.problem.roster
        if roster is None:
            return {}
        out: dict[int, list[str]] = {m.window.start // DAY: [] for m in roster.meetings}
        for (sid, day), route in sorted(self.routes.items()):
            if route.meeting is not None and not self._meeting_problems(route):
                out.setdefault(day, []).append(sid)
        return {day: tuple(sorted(ids)) for day, ids in sorted(out.items())}

    def _meeting_problems(self, route: Route) -> list[str]:
        if route.meeting is None:
            return []
        return day_items.meeting_problems(
            route.staff.id, route.staff.location, route.window, route.slots, route.meeting, self.travel
        )

    def part_b_problems(self, route: Route) -> list[Unmet]:
        """H15 and H16 as this route now breaks them (empty when its day holds both)."""
        sid, day = route.staff.id, route.day
        found = [Unmet(rule="H16", detail=d, staff=sid, day=day) for d in self._meeting_problems(route)]
        if route.break_minutes and (route.break_window is None or not self._day_gaps(route)[1]):
            # The plan still writes the break (``breaks``); its room is what is unmet.
            rule = self.problem.roster.breaks if self.problem.roster is not None else None
            window = _break_window(route.window, rule) if rule is not None else None
            detail = day_items.break_problem(sid, route.window, window, route.break_minutes, route.meeting)
            found.append(Unmet(rule="H15", detail=detail, staff=sid, day=day))
        return found

    def part_b_unmet(self) -> list[Unmet]:
        """H15 breaks and H16 meetings the routes cannot hold, each with the staff member and day
        (none without a roster): a start location too far from the office to reach a meeting at
        the shift's start, a kept visit in the meeting's way, a shift with no room for its break."""
        if self.problem.roster is None:
            return []
        return [u for _, route in sorted(self.routes.items()) for u in self.part_b_problems(route)]

    # -- measures ------------------------------------------------------------

    def route_travel(self, route: Route) -> int:
        """Minutes on the road: start → visits (and the meeting at the office) → start."""
        if route.meeting is not None:
            return sum(self.travel[g.before][g.after] for g in self._day_gaps(route)[0])
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


def _break_window(shift: Window, rule: BreakRule) -> Window | None:
    """The rule's window on the shift's day, cut to the shift (None when they do not meet)."""
    day = shift.start // DAY * DAY
    start, end = max(shift.start, day + rule.window[0]), min(shift.end, day + rule.window[1])
    return Window(start, end) if start < end else None


def _add_part_b(
    route: Route,
    meetings: tuple[Meeting, ...],
    rule: BreakRule | None,
    rest: int | None,
    primary_by_day: dict[int, str],
    travel: tuple[tuple[int, ...], ...],
) -> None:
    """Give a route its Part B items: the meeting its shift covers (H16; not for last night's
    primary when the rest rule starts their day after the meeting starts) and its break (H15)."""
    day = route.day
    for meeting in meetings:
        m = meeting.window
        if m.start // DAY != day or not route.window.contains(m.start, m.end):
            continue
        rested = primary_by_day.get(day - 1) == route.staff.id
        if rested and rest is not None and rest > m.start - day * DAY:
            continue
        route.meeting = m
        break
    if rule is None or not rule.applies(route.window):
        return
    route.break_minutes = rule.minutes
    window = _break_window(route.window, rule)
    if window is None or window.end - window.start < rule.minutes:
        return
    gaps = route.gaps()
    if any(
        day_items.break_room(g.start, g.before, g.end, g.after, travel, window, rule.minutes) >= 0
        for g in gaps
    ):
        route.break_window = window


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
