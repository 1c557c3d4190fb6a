"""Ruin and recreate over the week: take some clients' visits out, put them back cheaper.

The weekly decisions (which day, which staff member) are where cheapest
insertion is myopic: the first clients placed take the scarce psychiatrist
slots or the best days. Each iteration removes a related group of clients
(neighbours on the map, one staff-day's route, or a client still short of
visits together with the clients holding the staff it needs), re-inserts them
hardest first, and keeps the result only if the objective improves.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from solver.greedy import fill, requirement_tags
from solver.plan import Unmet
from solver.problem import Client
from solver.schedule import Schedule, Slot, tags_met_by

Snapshot = tuple[dict[tuple[str, int], list[Slot]], dict[str, dict]]


def snapshot(schedule: Schedule) -> Snapshot:
    return (
        {key: list(route.slots) for key, route in schedule.routes.items()},
        {cid: dict(by_day) for cid, by_day in schedule.visits.items()},
    )


def restore(schedule: Schedule, snap: Snapshot) -> None:
    routes, visits = snap
    for key, slots in routes.items():
        schedule.routes[key].slots = slots
    schedule.visits = visits


class Search:
    """The ruin-and-recreate loop over one schedule."""

    def __init__(
        self,
        schedule: Schedule,
        unmet: dict[str, list[Unmet]],
        cost: Callable[[], int],
        days: range,
        seed: int,
        restore: Callable[[Client], None] | None = None,
    ) -> None:
        self.schedule = schedule
        self.unmet = unmet
        self.cost = cost
        self.days = days
        self.rng = random.Random(seed)
        #: Re-planning: puts a client's baseline visits back where they still fit.
        #: When set, only groups around a client still short of visits are taken out.
        self.restore = restore
        self.clients = sorted(schedule.problem.clients, key=lambda c: c.id)
        travel = schedule.travel
        self.near = {
            c.id: sorted(self.clients, key=lambda o: (travel[c.location][o.location], o.id))
            for c in self.clients
        }
        self.current = cost()
        self.best = self.current
        self.best_state = snapshot(schedule)
        self.best_unmet = {cid: list(items) for cid, items in unmet.items()}
        self.iterations = 0

    def movable(self, client: Client) -> bool:
        return any(
            d in self.days and (client.id, d) not in self.schedule.pinned
            for d in self.schedule.visits[client.id]
        ) or bool(self.unmet.get(client.id))

    def short(self) -> list[Client]:
        return [c for c in self.clients if self.unmet.get(c.id)]

    def _holders(self, target: Client) -> set[str]:
        """Clients whose visits hold what ``target`` lacks: staff with the disciplines or
        skills it still needs, or (for a plain shortfall) any staff who could see it on
        a day it is open."""
        schedule = self.schedule
        staff_by_id = schedule.problem.staff_by_id
        skills, disciplines = requirement_tags(target)
        tags = [t for t, _ in skills] + [t for t, _ in disciplines]
        holders = set()
        for cid, by_day in schedule.visits.items():
            for d, (staff, *_) in by_day.items():
                if d not in self.days or (cid, d) in schedule.pinned:
                    continue
                team = [staff_by_id[s] for s in staff if s in staff_by_id]
                if tags:
                    hit = any(tags_met_by([m], frozenset({t})) for m in team for t in tags)
                else:
                    # An inpatient day has no home availability but can still be served.
                    hit = (bool(target.availability.get(d)) or target.inpatient(d)) and any(
                        schedule.can_serve(m, target, d) for m in team
                    )
                if hit:
                    holders.add(cid)
        return holders

    def pick(self) -> list[Client]:
        """Choose the clients to take out this iteration."""
        rng = self.rng
        size = rng.randint(3, 10)
        short = self.short()
        move = rng.random()
        if short and (self.restore is not None or move < 0.3):
            target = rng.choice(short)
            pool = sorted(self._holders(target) - {target.id})
            chosen = rng.sample(pool, min(size, len(pool)))
            group = [target] + [self.schedule.clients[c] for c in chosen]
        elif self.restore is not None:
            return []
        elif move < 0.65:
            keys = sorted(k for k, r in self.schedule.routes.items() if r.slots and k[1] in self.days)
            if not keys:
                return []
            route = self.schedule.routes[rng.choice(keys)]
            group = [self.schedule.clients[s.client] for s in route.slots]
            extra = self.near[group[0].id][1 : 1 + rng.randint(0, 4)] if group else []
            group += extra
        else:
            seed = rng.choice(self.clients)
            group = self.near[seed.id][:size]
        seen: set[str] = set()
        out = []
        for c in group:
            if c.id not in seen and self.movable(c):
                seen.add(c.id)
                out.append(c)
        return out

    def step(self, threshold: float = 0.0) -> bool:
        """One ruin-and-recreate; True if it found a new best plan.

        A result up to ``threshold`` worse than the current one is accepted too
        (record-to-record travel), so the search can cross plateaus; the best
        plan seen is kept apart and restored by ``finish``.
        """
        self.iterations += 1
        group = self.pick()
        if not group:
            return False
        schedule = self.schedule
        snap = snapshot(schedule)
        before = {c.id: self.unmet.get(c.id, []) for c in group}
        for client in group:
            for day in list(schedule.visits[client.id]):
                if day in self.days and (client.id, day) not in schedule.pinned:
                    schedule.remove_visit(client.id, day)
        if self.restore is not None:
            # Re-planning: the short client takes the room first; everyone else
            # goes back to their baseline slot where it is still free.
            target, others = group[0], group[1:]
            new_unmet = fill(schedule, [target], self.days)
            for client in others:
                self.restore(client)
            new_unmet += fill(schedule, others, self.days)
        else:
            # Recreate in a shuffled-but-seeded order among equally hard clients.
            self.rng.shuffle(group)
            new_unmet = fill(schedule, group, self.days)
        for client in group:
            self.unmet[client.id] = [u for u in new_unmet if u.client == client.id]
        cost = self.cost()
        if cost <= self.current + threshold:
            self.current = cost
            if cost < self.best:
                self.best = cost
                self.best_state = snapshot(schedule)
                self.best_unmet = {cid: list(items) for cid, items in self.unmet.items()}
                return True
            return False
        restore(schedule, snap)
        for cid, items in before.items():
            self.unmet[cid] = items
        return False

    def finish(self) -> None:
        """Leave the schedule at the best plan found."""
        restore(self.schedule, self.best_state)
        self.best_state = snapshot(self.schedule)
        self.unmet.clear()
        self.unmet.update({cid: list(items) for cid, items in self.best_unmet.items()})
        self.current = self.best
