"""Cheapest insertion: the fast construction, the repair step of re-planning, and
the baseline the benchmarks compare the optimiser against.

Clients are taken hardest first. For each, every set of visit days that keeps
the spacing rule (H2) is priced by the cheapest feasible insertion of a visit
on each of its days, with the client's requirements (H4) handed to the days
that serve them most cheaply; the cheapest set is inserted. Whatever cannot be
placed is reported in ``unmet`` with the reason in words.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations

from solver import diagnose
from solver.plan import Unmet
from solver.pricing import insertion_cost
from solver.problem import DAYS, WEEKDAY_KEYS, WEEKDAY_NAMES, Client, Problem
from solver.schedule import Insertion, Route, Schedule, tags_met_by

Placement = tuple[int, list[tuple[Route, Insertion]]]


def requirement_tags(
    client: Client,
) -> tuple[list[tuple[str, tuple[int, ...]]], list[tuple[str, int]]]:
    """The client's requirements as tags: skills with their days, disciplines with counts."""
    skills = [(f"k:{r.skill}", r.days) for r in client.skill_requirements]
    # A recurring discipline requirement is one visit in a window, as a skill due is.
    skills += [(f"d:{r.discipline}", r.days) for r in client.discipline_requirements if r.days is not None]
    disciplines = [(f"d:{r.discipline}", r.visits) for r in client.discipline_requirements if r.days is None]
    return skills, disciplines


def purpose_of(tags: frozenset[str]) -> str:
    """A visit's purpose category: the requirement it serves, or a home visit."""
    skills = sorted(t[2:] for t in tags if t.startswith("k:"))
    if skills:
        return skills[0]
    disciplines = sorted(t[2:] for t in tags if t.startswith("d:"))
    if disciplines:
        return f"{disciplines[0]} visit"
    return "home visit"


def best_placement(
    schedule: Schedule,
    client: Client,
    day: int,
    tags: frozenset[str],
) -> Placement | None:
    """The cheapest way to visit ``client`` on ``day`` with staff bringing ``tags``."""
    routes = [
        r for (_, d), r in schedule.routes.items() if d == day and schedule.can_serve(r.staff, client, day)
    ]
    if client.inpatient(day):
        # H13: at least one of the client's ITT on an inpatient visit.
        itt = schedule.caseload.get(client.id)
        members = set(itt.itt) if itt is not None else set()
        if client.paired:
            return _best_pair(schedule, client, routes, tags, members)
        routes = [r for r in routes if r.staff.id in members]
    if not client.paired:
        best: Placement | None = None
        for route in routes:
            if not tags_met_by([route.staff], tags):
                continue
            ins = schedule.best_insertion(route, client)
            if ins is None:
                continue
            cost = insertion_cost(schedule, client, route, ins.travel_delta, tags)
            if best is None or cost < best[0]:
                best = (cost, [(route, ins)])
        return best
    return _best_pair(schedule, client, routes, tags)


def _best_pair(
    schedule: Schedule,
    client: Client,
    routes: list[Route],
    tags: frozenset[str],
    one_of: set[str] | None = None,
) -> Placement | None:
    """Two staff at the same time (H5): try each's feasible start times on the other.
    ``one_of``: staff ids at least one of the two must be (an inpatient visit's ITT)."""
    options = {id(r): schedule.insertions(r, client) for r in routes}
    best: Placement | None = None
    for i, a in enumerate(routes):
        for b in routes[i + 1 :]:
            if not tags_met_by([a.staff, b.staff], tags):
                continue
            if one_of is not None and a.staff.id not in one_of and b.staff.id not in one_of:
                continue
            times = sorted({ins.start for ins in options[id(a)]} | {ins.start for ins in options[id(b)]})
            for at in times:
                ia = schedule.insertions(a, client, at)
                ib = schedule.insertions(b, client, at)
                if not ia or not ib:
                    continue
                xa = min(ia, key=lambda x: x.travel_delta)
                xb = min(ib, key=lambda x: x.travel_delta)
                cost = insertion_cost(schedule, client, a, xa.travel_delta, tags) + insertion_cost(
                    schedule, client, b, xb.travel_delta, tags
                )
                if best is None or cost < best[0]:
                    best = (cost, [(a, xa), (b, xb)])
    return best


def _spaced(days: Iterable[int], gap: int) -> bool:
    ordered = sorted(days)
    return all(b - a >= gap for a, b in zip(ordered, ordered[1:], strict=False))


class _Pricer:
    """Memoised cheapest placements of one client, by day and required tags."""

    def __init__(self, schedule: Schedule, client: Client):
        self.schedule = schedule
        self.client = client
        self.memo: dict[tuple[int, frozenset[str]], Placement | None] = {}

    def __call__(self, day: int, tags: frozenset[str]) -> Placement | None:
        key = (day, tags)
        if key not in self.memo:
            self.memo[key] = best_placement(self.schedule, self.client, day, tags)
        return self.memo[key]

    def cost(self, day: int, tags: frozenset[str]) -> float:
        found = self(day, tags)
        return float("inf") if found is None else found[0]


def _assign_tags(
    pattern: tuple[int, ...],
    price: _Pricer,
    skills: list[tuple[str, tuple[int, ...]]],
    disciplines: list[tuple[str, int]],
) -> tuple[dict[int, frozenset[str]], list[str]]:
    """Hand each requirement to the pattern days that serve it most cheaply (H4)."""
    tags: dict[int, frozenset[str]] = {d: frozenset() for d in pattern}
    missed: list[str] = []
    for tag, days in skills:
        options = [
            (price.cost(d, tags[d] | {tag}) - price.cost(d, tags[d]), d)
            for d in pattern
            if d in days and price.cost(d, tags[d] | {tag}) < float("inf")
        ]
        if options:
            d = min(options)[1]
            tags[d] = tags[d] | {tag}
        else:
            missed.append(tag)
    for tag, count in disciplines:
        options = sorted(
            (price.cost(d, tags[d] | {tag}) - price.cost(d, tags[d]), d)
            for d in pattern
            if tag not in tags[d] and price.cost(d, tags[d] | {tag}) < float("inf")
        )
        for _, d in options[:count]:
            tags[d] = tags[d] | {tag}
        if len(options) < count:
            missed.append(tag)
    return tags, missed


def _outstanding(schedule: Schedule, client: Client) -> tuple[list, list]:
    """Requirements not yet met by the client's visits already in the schedule."""
    skills, disciplines = requirement_tags(client)
    staff_by_id = schedule.problem.staff_by_id
    kept = schedule.visits[client.id]
    teams = {
        d: [staff_by_id[s] for s in v[0] if s in staff_by_id] for d, v in kept.items() if client.provides(d)
    }
    skills = [
        (tag, days)
        for tag, days in skills
        if not any(d in days and tags_met_by(teams[d], frozenset({tag})) for d in teams)
    ]
    disciplines = [
        (tag, count - sum(tags_met_by(t, frozenset({tag})) for t in teams.values()))
        for tag, count in disciplines
    ]
    return skills, [(tag, n) for tag, n in disciplines if n > 0]


def _quota_shortfall(client: Client, home_days: Iterable[int]) -> list[str]:
    """H13: the day quotas (post-discharge) ``home_days`` leave unmet, as sentences."""
    days = set(home_days)
    missed = []
    for quota in client.day_quotas:
        got = len(days.intersection(quota.days))
        if got < quota.visits:
            on = ", ".join(WEEKDAY_KEYS[d] for d in quota.days) or "no open date this week"
            missed.append(f"{got} of the {quota.visits} {quota.kind} visits on {on} could be placed")
    return missed


def _quota_deficit(client: Client, home_days: set[int]) -> int:
    """H13: how many home visits the day quotas still miss with visits on ``home_days``."""
    return sum(max(0, q.visits - len(home_days.intersection(q.days))) for q in client.day_quotas)


def place_client(
    schedule: Schedule,
    client: Client,
    days: Iterable[int],
) -> list[Unmet]:
    """Insert the visits ``client`` still needs on some of ``days``; report what is missing.

    Home visits go on the client's open days with the spacing rule (H2) and the day
    quotas (H13 post-discharge); inpatient visits on the stay's days, any of them; the
    requirements (H4) are handed to whichever of both serve them most cheaply.
    """
    allowed = sorted(days)
    taken = set(schedule.visits[client.id])
    kept = {d for d in taken if client.counts(d)}
    needed = client.visits_wanted - len(kept)
    # Per stay, the inpatient visits still needed.
    ward_needed = [stay.visits - sum(d in stay.days for d in taken) for stay in client.hospital]
    if needed <= 0 and all(n <= 0 for n in ward_needed):
        return []
    gap = client.min_gap_days
    anchors = client.spaced_from(taken)
    price = _Pricer(schedule, client)
    candidates = [
        d
        for d in allowed
        if d not in taken
        and not client.inpatient(d)
        and all(abs(d - k) >= gap for k in anchors)
        and price(d, frozenset()) is not None
    ]
    ward_counts = []
    ward_patterns: list[tuple[int, ...]] = [()]
    for stay, wanted in zip(client.hospital, ward_needed, strict=True):
        ward = [d for d in allowed if d not in taken and d in stay.days and price(d, frozenset()) is not None]
        ward_counts.append(max(0, min(wanted, len(ward))))
        ward_patterns = [p + q for p in ward_patterns for q in combinations(ward, ward_counts[-1])]
    skills, disciplines = _outstanding(schedule, client)
    best: tuple[tuple[int, float], tuple[int, ...], dict[int, frozenset[str]], list[str]] | None
    best = None
    count = max(0, min(needed, len(candidates)))
    while best is None:
        for pattern in combinations(candidates, count):
            if not _spaced(pattern, gap):
                continue
            short = _quota_deficit(client, kept.union(pattern)) if client.day_quotas else 0
            for extra in ward_patterns:
                days_of = pattern + extra
                tags, missed = _assign_tags(days_of, price, skills, disciplines)
                total = sum(price.cost(d, tags[d]) for d in days_of)
                key = (len(missed) + short, total)
                if best is None or key < best[0]:
                    best = (key, days_of, tags, missed)
        if best is None:
            if count == 0:
                break
            count -= 1
    unmet: list[Unmet] = []
    placed_days: tuple[int, ...] = ()
    missed_tags: list[str] = [t for t, _ in skills] + [t for t, _ in disciplines]
    if best is not None:
        _, placed_days, tags, missed_tags = best
        for d in placed_days:
            found = price(d, tags[d])
            assert found is not None  # priced finite above
            schedule.add_visit(client, d, found[1], purpose_of(tags[d]))
    home = [d for d in placed_days if not client.inpatient(d)]
    if needed > 0 and len(home) < needed:
        unmet.append(
            Unmet(
                rule="H1",
                client=client.id,
                detail=_shortfall_reason(
                    schedule.problem,
                    client,
                    [d for d in allowed if d not in taken],
                    candidates,
                    len(kept) + len(home),
                ),
            )
        )
    for stay, wanted, count in zip(client.hospital, ward_needed, ward_counts, strict=True):
        if wanted <= count:
            continue
        on = ", ".join(WEEKDAY_KEYS[d] for d in stay.days if d in allowed)
        unmet.append(
            Unmet(
                rule="H13",
                client=client.id,
                detail=f"{stay.visits - wanted + count} of {stay.visits} inpatient visits at "
                f"{stay.label or 'the hospital'}: no ITT member free in their shift on {on}",
            )
        )
    if needed > 0:
        for sentence in _quota_shortfall(client, kept.union(home)):
            unmet.append(Unmet(rule="H13", client=client.id, detail=sentence))
    windows = dict(skills)
    for tag in missed_tags:
        days_of = windows.get(tag, allowed)
        detail = _requirement_reason(client, tag)
        why = diagnose.cause(
            schedule.problem,
            client,
            discipline=tag[2:] if tag.startswith("d:") else None,
            skill=tag[2:] if tag.startswith("k:") else None,
            days=[d for d in days_of if d in allowed and client.provides(d)],
        )
        unmet.append(Unmet(rule="H4", client=client.id, detail=f"{detail}: {why}" if why else detail))
    return unmet


def _shortfall_reason(
    problem: Problem, client: Client, considered: list[int], candidates: list[int], got: int
) -> str:
    """Why a client is short: closed days, or the open days where nobody could go.

    ``considered`` are the days this placement could use (a re-plan leaves out
    past days and days the client already has a visit).
    """
    want = client.visits_wanted
    open_days = [d for d in range(DAYS) if client.availability.get(d) and client.counts(d)]
    head = f"{got} of {want} visits"
    if client.seen_before is not None and client.seen_before.from_day > 0:
        day = WEEKDAY_NAMES[client.seen_before.from_day]
        head = f"{got} of the {want} visits still needed from {day}"
    if len(open_days) < want:
        closed = [WEEKDAY_KEYS[d] for d in range(DAYS) if client.counts(d) and d not in open_days]
        return f"{head}: no availability on {', '.join(closed)}"
    blocked = [WEEKDAY_KEYS[d] for d in open_days if d in considered and d not in candidates]
    if blocked:
        # Nobody at all may see them (language, exclusions, working days): say so and the fix.
        why = diagnose.cause(problem, client, days=[d for d in considered if client.counts(d)])
        if why:
            return f"{head}: {why}"
        who = "pair of staff members" if client.paired else "eligible staff member"
        return f"{head}: no {who} free within the client's windows on {', '.join(blocked)}" + (
            f" (visits must be {client.min_gap_days} days apart)" if client.min_gap_days > 1 else ""
        )
    return f"{head}: visits must be {client.min_gap_days} days apart and only {len(open_days)} days are open"


def _requirement_reason(client: Client, tag: str) -> str:
    kind, name = tag[:1], tag[2:]
    if kind == "k":
        return f"no visit by a staff member with skill {name} could be placed in the due window"
    windowed = next((r for r in client.discipline_requirements if r.discipline == name and r.days), None)
    if windowed is not None:
        return f"no visit by a {name.replace('_', ' ')} could be placed in the due window"
    wanted = next((r.visits for r in client.discipline_requirements if r.discipline == name), 1)
    return f"fewer than {wanted} visits by a {name.replace('_', ' ')} could be placed"


def difficulty(client: Client) -> tuple:
    """Hardest clients first: pairs, few open days for many visits, requirements."""
    open_days = sum(1 for d in range(DAYS) if client.availability.get(d))
    slack = open_days - (client.visits_per_week - 1) * client.min_gap_days - 1
    reqs = len(client.skill_requirements) + len(client.discipline_requirements) + len(client.day_quotas)
    return (
        not client.paired,
        min(slack, 1),
        -reqs,
        slack,
        client.language is None,
        -client.visits_per_week * client.visit_minutes,
        client.id,
    )


def fill(
    schedule: Schedule,
    clients: Iterable[Client],
    days: Iterable[int] = range(DAYS),
) -> list[Unmet]:
    """Place every client's missing visits, hardest client first."""
    allowed = list(days)
    unmet: list[Unmet] = []
    for client in sorted(clients, key=difficulty):
        unmet.extend(place_client(schedule, client, allowed))
    return unmet
