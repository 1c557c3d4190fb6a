"""Hard rules H11–H12: the shared caseload and the plan's integrity."""

from __future__ import annotations

import math
from collections import Counter

from .context import Context, as_dict, as_list, parse_date
from .report import Violation

PLAN_FORMATS = ("actplanner/plan@1", "actplanner/plan@2")
PRIMARY_DISCIPLINES = frozenset({
    "case_manager", "social_worker", "nurse", "substance_use_specialist",
    "employment_specialist", "peer_specialist", "team_leader",
})  # fmt: skip
RULE_CODES = frozenset(f"H{i}" for i in range(1, 19))
# Guards floor(caseload_max × fte) against binary fractions: 100 × 0.29 is 28.999…
_FLOOR_SLACK = 1e-9


def h11_caseload(ctx: Context) -> list[Violation]:
    """Hard: each client has an eligible primary in an ITT of 3–5, as given, within caps."""
    caseload = as_dict(ctx.plan.get("caseload"))
    found = []
    primaries: Counter[str] = Counter()
    for cid, client in ctx.clients.items():
        entry = caseload.get(cid)
        if not isinstance(entry, dict):
            found.append(_h11(cid, f"{cid} has no primary and ITT in the plan's caseload."))
            continue
        primary, itt = entry.get("primary"), entry.get("itt")
        if isinstance(primary, str):
            primaries[primary] += 1
        found.extend(_h11(cid, m) for m in _entry_problems(ctx, cid, primary, itt))
        if "primary" in client and client["primary"] != primary:
            found.append(
                _h11(
                    cid,
                    f"The team file makes {client['primary']} {cid}'s primary, but the plan has {primary}.",
                )
            )
        given = client.get("itt")
        if isinstance(given, list) and isinstance(itt, list) and _ids(given) != _ids(itt):
            found.append(
                _h11(
                    cid,
                    f"The team file gives {cid} the ITT {', '.join(given)}, but "
                    f"the plan has {', '.join(map(str, itt))}.",
                )
            )
    cap = ctx.policy.get("caseload_max_per_staff")
    for sid, count in sorted(primaries.items()):
        fte = ctx.staff.get(sid, {}).get("fte")
        if not isinstance(cap, int | float) or not isinstance(fte, int | float):
            continue
        limit = math.floor(cap * fte + _FLOOR_SLACK)
        if count > limit:
            found.append(
                Violation(
                    "H11",
                    f"{sid} is primary for {count} clients; at {fte} FTE the limit is {limit}.",
                    staff=sid,
                )
            )
    return found


def _entry_problems(ctx: Context, cid: str, primary: object, itt: object) -> list[str]:
    problems = []
    if not isinstance(primary, str):
        problems.append(f"{cid} has no primary in the plan's caseload.")
    elif primary in ctx.staff:
        discipline = ctx.staff[primary].get("discipline")
        if discipline not in PRIMARY_DISCIPLINES:
            problems.append(
                f"{cid}'s primary {primary} is a {discipline}, who cannot be a primary case manager."
            )
    if not isinstance(itt, list):
        return [*problems, f"{cid} has no ITT in the plan's caseload."]
    distinct = _ids(itt)
    if len(distinct) != len(itt):
        problems.append(f"{cid}'s ITT lists someone more than once.")
    if not 3 <= len(distinct) <= 5:
        problems.append(f"{cid}'s ITT has {len(distinct)} member(s); an ITT has 3 to 5.")
    if isinstance(primary, str) and primary not in itt:
        problems.append(f"{cid}'s ITT does not include their primary {primary}.")
    return problems


def _ids(items: list) -> set[str]:
    """Distinct entries of a JSON list, compared by value even when unhashable."""
    return set(map(repr, items))


def _h11(cid: str, message: str) -> Violation:
    return Violation("H11", message, client=cid)


def h12_integrity(ctx: Context) -> list[Violation]:
    """Hard: every id on the plan exists in the team file; team and week_start match."""
    found = list(ctx.visit_problems)
    plan = ctx.plan
    if plan.get("format") not in PLAN_FORMATS:
        found.append(
            _h12(f"The plan's format is {plan.get('format')!r}, not {' or '.join(map(repr, PLAN_FORMATS))}.")
        )
    found.extend(_replan_from_problems(ctx))
    if plan.get("team") != ctx.team_id:
        found.append(
            _h12(f"The plan is for team {plan.get('team')!r}, but the team file is {ctx.team_id!r}.")
        )
    found.extend(_week_problems(ctx))
    found.extend(_visit_id_problems(ctx))
    for key in ("visits", "on_call", "unmet"):
        if not isinstance(plan.get(key, []), list):
            found.append(_h12(f"The plan's {key} is not a list."))
    if not isinstance(plan.get("caseload"), dict):
        found.append(_h12("The plan has no caseload object."))
    for i, entry in enumerate(as_list(plan.get("on_call"))):
        staff = as_dict(entry).get("staff")
        if not isinstance(entry, dict):
            found.append(_h12(f"on_call[{i}] is not an on-call entry."))
        elif not _known(staff, ctx.staff):
            found.append(_h12(f"on_call[{i}] names staff {staff!r}, who is not in the team."))
    found.extend(_caseload_id_problems(ctx))
    for i, entry in enumerate(as_list(plan.get("unmet"))):
        entry = as_dict(entry)
        client = entry.get("client")
        if client is not None and not _known(client, ctx.clients):
            found.append(_h12(f"unmet[{i}] names client {client!r}, who is not in the team."))
        if entry.get("rule") not in RULE_CODES:
            found.append(_h12(f"unmet[{i}] names rule {entry.get('rule')!r}, not one of H1–H18."))
        staff = entry.get("staff")
        if staff is not None and not _known(staff, ctx.staff):
            found.append(_h12(f"unmet[{i}] names staff {staff!r}, who is not in the team."))
        if entry.get("date") is not None and parse_date(entry.get("date")) is None:
            found.append(_h12(f"unmet[{i}] has date {entry.get('date')!r}, not a YYYY-MM-DD date."))
    found.extend(_place_on_plan_1(ctx))
    found.extend(_roster_id_problems(ctx))
    return found


def _roster_id_problems(ctx: Context) -> list[Violation]:
    """``shifts`` and ``breaks`` are plan@2 keys (Part B): lists whose entries name team staff."""
    found = []
    for key in ("shifts", "breaks"):
        if ctx.plan.get(key) is None:
            continue
        if ctx.plan.get("format") != PLAN_FORMATS[1]:
            found.append(_h12(f"The plan gives {key}, but its format is not {PLAN_FORMATS[1]!r}."))
        if not isinstance(ctx.plan[key], list):
            found.append(_h12(f"The plan's {key} is not a list."))
        for i, entry in enumerate(as_list(ctx.plan[key])):
            staff = as_dict(entry).get("staff")
            if isinstance(entry, dict) and not _known(staff, ctx.staff):
                day = entry.get("date") if isinstance(entry.get("date"), str) else None
                found.append(
                    Violation("H12", f"{key}[{i}] names staff {staff!r}, who is not in the team.", date=day)
                )
    return found


def _place_on_plan_1(ctx: Context) -> list[Violation]:
    """``place`` is a version 2 key: a plan@1 visit cannot carry it."""
    if ctx.plan.get("format") != PLAN_FORMATS[0]:
        return []
    return [
        Violation(
            "H12",
            f"Visit {as_dict(raw).get('id')} says place {as_dict(raw)['place']!r}, but the plan's "
            f"format is not {PLAN_FORMATS[1]!r}.",
            date=as_dict(raw).get("date") if isinstance(as_dict(raw).get("date"), str) else None,
        )
        for raw in as_list(ctx.plan.get("visits"))
        if "place" in as_dict(raw)
    ]


def _week_problems(ctx: Context) -> list[Violation]:
    raw = ctx.plan.get("week_start")
    week = parse_date(raw)
    if week is None:
        return [_h12(f"The plan's week_start {raw!r} is not a date (YYYY-MM-DD).")]
    found = []
    if week.weekday() != 0:
        found.append(_h12(f"The plan's week starts on {week}, which is not a Monday."))
    if ctx.requested_week is not None and ctx.requested_week != raw:
        found.append(
            _h12(f"The plan is for the week of {week}, but the week of {ctx.requested_week} was asked for.")
        )
    return found


def _replan_from_problems(ctx: Context) -> list[Violation]:
    """``replan_from`` is a version 2 key naming a date of the plan's week."""
    if "replan_from" not in ctx.plan:
        return []
    raw = ctx.plan["replan_from"]
    if ctx.plan.get("format") != PLAN_FORMATS[1]:
        return [_h12(f"The plan says replan_from but its format is not {PLAN_FORMATS[1]!r}.")]
    if ctx.replan_from is None:
        return [_h12(f"The plan's replan_from {raw!r} is not a date of its week.")]
    return []


def _visit_id_problems(ctx: Context) -> list[Violation]:
    found = []
    ids: Counter[object] = Counter()
    for i, raw in enumerate(as_list(ctx.plan.get("visits"))):
        raw = as_dict(raw)
        if not isinstance(raw.get("id"), str) or not raw["id"]:
            found.append(_h12(f"visits[{i}] has no id."))
        ids[raw.get("id")] += 1
        client = raw.get("client") if _known(raw.get("client"), ctx.clients) else None
        day = raw.get("date") if isinstance(raw.get("date"), str) else None
        for sid in as_list(raw.get("staff")):
            if not _known(sid, ctx.staff):
                found.append(
                    Violation(
                        "H12",
                        f"Visit {raw.get('id')} names staff {sid!r}, who is not in the team.",
                        client=client,
                        date=day,
                    )
                )
    found.extend(
        _h12(f"The visit id {vid!r} is used {n} times.")
        for vid, n in ids.items()
        if n > 1 and isinstance(vid, str)
    )
    return found


def _caseload_id_problems(ctx: Context) -> list[Violation]:
    found = []
    for cid, entry in as_dict(ctx.plan.get("caseload")).items():
        if cid not in ctx.clients:
            found.append(_h12(f"The caseload names client {cid!r}, who is not in the team."))
        entry = as_dict(entry)
        named = [entry.get("primary"), *as_list(entry.get("itt"))]
        unknown = {repr(s): s for s in named if s is not None and not _known(s, ctx.staff)}
        for sid in unknown.values():
            found.append(_h12(f"The caseload of {cid} names staff {sid!r}, who is not in the team."))
    return found


def _known(value: object, ids: dict) -> bool:
    return isinstance(value, str) and value in ids


def _h12(message: str) -> Violation:
    return Violation("H12", message)
