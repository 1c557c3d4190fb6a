"""H11 caseload: every client's primary and individual treatment team (ITT).

The primary is chosen by a small CP-SAT assignment model (near the client, load
balanced against each staff member's capacity, never above it unless nobody has
room); the ITT is then built greedily around the primary from the client's needs.
What the team file already says (a given ``primary`` or ``itt``) is kept exactly.
"""

from __future__ import annotations

import math
from collections import Counter

from ortools.sat.python import cp_model

from solver.cpsat import deterministic_solver
from solver.plan import Caseload, Unmet
from solver.problem import PRIMARY_DISCIPLINES, WEIGHTS, Client, Policy, Problem, Staff

ITT_MIN = 3
ITT_MAX = 5
#: ACT serves its most intensive clients with a larger team, so no single absence leaves them
#: with strangers: clients seen this often a week get a 4-person ITT, others 3.
LARGE_ITT_VISITS = 4

#: H11 is hard: a primary above capacity only when no one else has room.
OVER_CAPACITY = WEIGHTS.unmet_visit
#: A primary who cannot visit the client (language, no shifts) is a primary on paper only.
CANNOT_VISIT = 10_000
#: Travel minutes worth one client above a staff member's fair share of the caseload.
ABOVE_FAIR_SHARE = 20
#: Travel minutes worth one more ITT membership per FTE when building ITTs.
ITT_MEMBERSHIP = 3
#: Prescribers join an ITT for a requirement, not as filler: their time is the scarcest.
NON_FIELD_FILLER = 60


def capacity(staff: Staff, policy: Policy) -> int:
    """H11's limit on clients a staff member is primary for: floor(max × fte)."""
    # The epsilon keeps 0.57 × 100 (= 56.999…) at 57, as a person would compute it.
    return math.floor(policy.caseload_max_per_staff * staff.fte + 1e-9)


def can_visit(staff: Staff, client: Client) -> bool:
    """True when the staff member works this week, is not excluded and speaks the language."""
    return (
        bool(staff.shifts)
        and staff.id not in client.excluded_staff
        and (client.language is None or client.language in staff.languages)
    )


def assign_caseload(
    problem: Problem, *, seed: int = 0, time_limit: float = 2.0
) -> tuple[dict[str, Caseload], list[Unmet]]:
    """Give every client a primary and an ITT (H11); what cannot be met is in the list."""
    unmet: list[Unmet] = []
    for client in problem.clients:
        unmet.extend(_check_given(client, problem))
    primaries, more = _choose_primaries(problem, seed=seed, time_limit=time_limit)
    unmet.extend(more)

    # Memberships so far, so that ITTs built later lean on the less busy staff.
    memberships: Counter[str] = Counter(primaries.values())
    for client in problem.clients:
        if client.itt is not None:
            memberships.update(m for m in set(client.itt) if m != primaries.get(client.id))

    caseload: dict[str, Caseload] = {}
    for client in problem.clients:
        primary = primaries.get(client.id)
        if primary is None:
            continue
        if client.itt is not None:
            itt = client.itt
        else:
            itt, more = _build_itt(client, primary, problem, memberships)
            unmet.extend(more)
            memberships.update(itt[1:])
        caseload[client.id] = Caseload(primary=primary, itt=itt)
    unmet.extend(_over_capacity(problem, caseload))
    return caseload, unmet


# -- given primary and ITT ---------------------------------------------------------------


def _check_given(client: Client, problem: Problem) -> list[Unmet]:
    """Hard (H11): a given primary/ITT is kept as given, so say when it breaks the rule."""
    out: list[Unmet] = []
    staff_by_id = problem.staff_by_id
    if client.primary is not None:
        who = staff_by_id.get(client.primary)
        if who is not None and who.discipline not in PRIMARY_DISCIPLINES:
            out.append(
                Unmet(
                    "H11",
                    f"The given primary {who.id} is a {who.discipline.replace('_', ' ')}, "
                    "a discipline that cannot be a primary.",
                    client.id,
                )
            )
    if client.itt is not None:
        size = len(set(client.itt))
        if not ITT_MIN <= size <= ITT_MAX or size != len(client.itt):
            out.append(
                Unmet(
                    "H11",
                    f"The given ITT has {size} distinct staff"
                    f"{' and repeats a member' if size != len(client.itt) else ''}; "
                    f"it needs {ITT_MIN} to {ITT_MAX}.",
                    client.id,
                )
            )
        if client.primary is not None and client.primary not in client.itt:
            out.append(
                Unmet(
                    "H11",
                    f"The given primary {client.primary} is not in the given ITT ({', '.join(client.itt)}).",
                    client.id,
                )
            )
    return out


# -- primary -------------------------------------------------------------------------------


def _primary_candidates(client: Client, problem: Problem) -> list[Staff]:
    """Staff of a primary discipline who are not excluded (ITT members only, when given)."""
    pool = problem.staff
    if client.itt is not None:
        pool = tuple(s for s in pool if s.id in client.itt)
    return [s for s in pool if s.discipline in PRIMARY_DISCIPLINES and s.id not in client.excluded_staff]


def _primary_cost(staff: Staff, client: Client, problem: Problem) -> int:
    """Travel from the staff member's start to the client's home, or worse if they can't visit."""
    travel = problem.travel[staff.location][client.location]
    return travel + (0 if can_visit(staff, client) else CANNOT_VISIT)


def _choose_primaries(
    problem: Problem, *, seed: int, time_limit: float
) -> tuple[dict[str, str], list[Unmet]]:
    """Given primaries as they are; the rest from the CP-SAT model, or a stand-in if none fits."""
    primaries: dict[str, str] = {}
    unmet: list[Unmet] = []
    free: list[tuple[Client, list[Staff]]] = []
    for client in problem.clients:
        if client.primary is not None:
            primaries[client.id] = client.primary
            continue
        candidates = _primary_candidates(client, problem)
        if candidates:
            free.append((client, candidates))
            continue
        fallback, detail = _primary_fallback(client, problem)
        unmet.append(Unmet("H11", detail, client.id))
        if fallback is not None:
            primaries[client.id] = fallback
    given_load = Counter(primaries.values())
    primaries.update(_solve_primaries(problem, free, given_load, seed=seed, time_limit=time_limit))
    return primaries, unmet


def _primary_fallback(client: Client, problem: Problem) -> tuple[str | None, str]:
    """The nearest non-excluded staff member (an ITT member when given), and why it breaks H11."""
    if client.itt is not None:
        members = [m for m in client.itt if m not in client.excluded_staff] or list(client.itt)
        return (
            members[0] if members else None,
            "No one in the given ITT has a discipline that can be a primary.",
        )
    allowed = [s for s in problem.staff if s.id not in client.excluded_staff]
    if not allowed:
        return None, "No staff member can be primary: every staff member is excluded."
    nearest = min(allowed, key=lambda s: (_primary_cost(s, client, problem), s.id))
    return (
        nearest.id,
        f"No staff member of a discipline that can be a primary is allowed for this client; "
        f"{nearest.id} ({nearest.discipline.replace('_', ' ')}) stands in.",
    )


def _solve_primaries(
    problem: Problem,
    free: list[tuple[Client, list[Staff]]],
    given_load: Counter[str],
    *,
    seed: int,
    time_limit: float,
) -> dict[str, str]:
    """CP-SAT: one primary per client, minimising travel, imbalance and capacity overflow."""
    if not free:
        return {}
    model = cp_model.CpModel()
    # primary[client, staff]: the staff member is the client's primary.
    primary: dict[tuple[str, str], cp_model.IntVar] = {}
    for client, candidates in free:
        for s in candidates:
            primary[client.id, s.id] = model.new_bool_var(f"primary(client={client.id}, staff={s.id})")
        model.add_exactly_one(primary[client.id, s.id] for s in candidates)

    terms: list[tuple[int, cp_model.LinearExprT]] = []
    terms += _travel_terms(problem, free, primary)
    terms += _capacity_terms(model, problem, primary, given_load)
    terms += _fair_share_terms(model, problem, primary, given_load)
    model.minimize(sum(weight * expr for weight, expr in terms))

    hint = _greedy_primaries(problem, free, given_load)
    for (cid, sid), var in primary.items():
        model.add_hint(var, hint[cid] == sid)

    solver = deterministic_solver(seed, time_limit)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return hint
    return {cid: sid for (cid, sid), var in primary.items() if solver.boolean_value(var)}


def _travel_terms(
    problem: Problem,
    free: list[tuple[Client, list[Staff]]],
    primary: dict[tuple[str, str], cp_model.IntVar],
) -> list[tuple[int, cp_model.LinearExprT]]:
    """Soft: the primary lives near the client and can visit them (language, shifts)."""
    return [
        (_primary_cost(s, client, problem), primary[client.id, s.id])
        for client, candidates in free
        for s in candidates
    ]


def _load(primary: dict[tuple[str, str], cp_model.IntVar], staff_id: str) -> list[cp_model.IntVar]:
    return [var for (_, sid), var in primary.items() if sid == staff_id]


def _capacity_terms(
    model: cp_model.CpModel,
    problem: Problem,
    primary: dict[tuple[str, str], cp_model.IntVar],
    given_load: Counter[str],
) -> list[tuple[int, cp_model.LinearExprT]]:
    """Hard (H11): no one is primary for more than floor(max × fte) clients, given ones included.

    Modelled as a heavily weighted overflow so that a team without enough room
    still gets a caseload, and the overflow names whom to report.
    """
    terms: list[tuple[int, cp_model.LinearExprT]] = []
    n = len(problem.clients)
    for s in problem.staff:
        chosen = _load(primary, s.id)
        if not chosen:
            continue
        over = model.new_int_var(0, n, f"over_capacity(staff={s.id})")
        model.add(over >= given_load[s.id] + sum(chosen) - capacity(s, problem.policy))
        terms.append((OVER_CAPACITY, over))
    return terms


def _fair_share_terms(
    model: cp_model.CpModel,
    problem: Problem,
    primary: dict[tuple[str, str], cp_model.IntVar],
    given_load: Counter[str],
) -> list[tuple[int, cp_model.LinearExprT]]:
    """Soft: each staff member's caseload is close to their share of the team's capacity."""
    caps = {
        s.id: capacity(s, problem.policy)
        for s in problem.staff
        if s.shifts and s.discipline in PRIMARY_DISCIPLINES
    }
    total_cap = sum(caps.values())
    if total_cap == 0:
        return []
    n = len(problem.clients)
    terms: list[tuple[int, cp_model.LinearExprT]] = []
    for s in problem.staff:
        chosen = _load(primary, s.id)
        if not chosen:
            continue
        fair = math.ceil(n * caps.get(s.id, 0) / total_cap)
        above = model.new_int_var(0, n, f"above_fair_share(staff={s.id}, share={fair})")
        model.add(above >= given_load[s.id] + sum(chosen) - fair)
        terms.append((ABOVE_FAIR_SHARE, above))
    return terms


def _greedy_primaries(
    problem: Problem, free: list[tuple[Client, list[Staff]]], given_load: Counter[str]
) -> dict[str, str]:
    """The cheapest candidate with room left, client by client: the model's hint and fallback."""
    load = Counter(given_load)
    out: dict[str, str] = {}
    for client, candidates in free:
        best = min(
            candidates,
            key=lambda s: (
                load[s.id] >= capacity(s, problem.policy),
                _primary_cost(s, client, problem),
                s.id,
            ),
        )
        out[client.id] = best.id
        load[best.id] += 1
    return out


def _over_capacity(problem: Problem, caseload: dict[str, Caseload]) -> list[Unmet]:
    """Hard (H11): name the clients whose primary is above capacity, solver-chosen ones first."""
    given = {c.id for c in problem.clients if c.primary is not None}
    load = Counter(c.primary for c in caseload.values())
    out: list[Unmet] = []
    for s in problem.staff:
        cap = capacity(s, problem.policy)
        excess = load[s.id] - cap
        if excess <= 0:
            continue
        theirs = [cid for cid, c in caseload.items() if c.primary == s.id]
        # Report the clients the solver placed before those the team file placed.
        theirs.sort(key=lambda cid: (cid in given, cid))
        limit = (
            f"{load[s.id]} clients, above the limit of {cap} "
            f"(caseload_max_per_staff {problem.policy.caseload_max_per_staff} × FTE {s.fte:g})"
        )
        for cid in theirs[:excess]:
            if cid in given:
                detail = f"The given primary {s.id} is primary for {limit}."
            else:
                detail = (
                    f"No primary within capacity: {s.id} is primary for {limit}, "
                    "because no one else allowed for this client has room."
                )
            out.append(Unmet("H11", detail, cid))
    return out


# -- ITT -----------------------------------------------------------------------------------


def _needs(client: Client, primary: Staff | None) -> list[str]:
    """Tags ("d:discipline", "k:skill") the ITT should cover: the client's requirements and a nurse.

    ACT gives every client a nurse on the team (medication, physical health); the
    requirements add the prescriber or an injection-trained nurse when the
    treatment plan calls for them.
    """
    tags = [f"k:{r.skill}" for r in client.skill_requirements]
    tags += [f"d:{r.discipline}" for r in client.discipline_requirements]
    tags.append("d:nurse")
    unique = list(dict.fromkeys(tags))
    if primary is None:
        return unique
    return [t for t in unique if not _meets(primary, t)]


def _meets(staff: Staff, tag: str) -> bool:
    kind, value = tag[:2], tag[2:]
    return value in staff.skills if kind == "k:" else staff.discipline == value


def _build_itt(
    client: Client, primary: str, problem: Problem, memberships: Counter[str]
) -> tuple[tuple[str, ...], list[Unmet]]:
    """Primary, then staff the client's needs call for, then nearby staff up to 3 or 4 members."""
    staff_by_id = problem.staff_by_id
    allowed = [s for s in problem.staff if s.id not in client.excluded_staff and s.id != primary]

    def cost(s: Staff) -> float:
        travel = problem.travel[s.location][client.location]
        return travel + ITT_MEMBERSHIP * memberships[s.id] / max(s.fte, 0.1)

    team: list[Staff] = []
    remaining = _needs(client, staff_by_id.get(primary))
    # Needed members first: whoever covers most of what is left, then whoever can visit and is near.
    while remaining and len(team) + 1 < ITT_MAX:
        candidates = [s for s in allowed if s not in team and any(_meets(s, t) for t in remaining)]
        if not candidates:
            break
        best = min(
            candidates,
            key=lambda s: (
                -sum(_meets(s, t) for t in remaining),
                not can_visit(s, client),
                cost(s),
                s.id,
            ),
        )
        team.append(best)
        remaining = [t for t in remaining if not _meets(best, t)]

    target = ITT_MIN + (client.visits_per_week >= LARGE_ITT_VISITS)
    target = min(ITT_MAX, max(target, len(team) + 1))
    fillers = sorted(
        (s for s in allowed if s not in team),
        key=lambda s: (
            not can_visit(s, client),
            cost(s) + (0 if s.discipline in PRIMARY_DISCIPLINES else NON_FIELD_FILLER),
            s.id,
        ),
    )
    team.extend(fillers[: target - len(team) - 1])

    itt = (primary, *(s.id for s in team))
    unmet: list[Unmet] = []
    if len(itt) < ITT_MIN:
        unmet.append(
            Unmet(
                "H11",
                f"The ITT has only {len(itt)} staff ({', '.join(itt)}): "
                f"no one else is allowed for this client, and it needs {ITT_MIN} to {ITT_MAX}.",
                client.id,
            )
        )
    return itt, unmet
