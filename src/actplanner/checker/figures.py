"""Soft-goal and ACT fidelity figures of a plan, computed from the raw files.

Every figure is None when it is undefined for the plan (say, a share of zero
clients). Visits set aside by H12 (unknown client, date outside the week) do
not count; visits with malformed times count wherever times are not needed.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import pairwise

from .context import Context, as_dict, as_list
from .coverage_rules import minutes_short
from .day_rules import day_items, meeting_required, team_meeting_days
from .roster import contracted
from .route_rules import staff_days

Figures = dict[str, float | int | None]


def metrics(team: dict, plan: dict, history: list | None = None) -> Figures:
    """All figures of a plan, by name; a figure that cannot be computed is None.

    ``history`` (the raw earlier plans) tells who was primary on call the Sunday night before,
    whom Monday's team meeting does not expect (Part B)."""
    ctx = Context(team, plan, history=history)
    found: Figures = {}
    parts: list[tuple[tuple[str, ...], Callable[[Context], Figures]]] = [
        (("itt_share",), itt_share),
        (("team_approach_share",), team_approach_share),
        (("travel_minutes_total", "travel_minutes_per_visit"), travel_minutes),
        (("workload_minutes_per_fte_spread", "workload_minutes_per_fte_stdev"), workload_spread),
        (("on_call_primary_spread", "on_call_weekend_spread"), on_call_spread),
        (("contacts_per_client_week", "minutes_per_client_week",
          "share_clients_seen_by_2plus_staff", "caseload_ratio"), fidelity),
        (("on_call_coverage",), on_call_coverage),
    ]  # fmt: skip
    if ctx.part_b:
        parts.append(
            (("team_meeting_days", "coverage_minutes_short", "requests_honoured_share"), roster_figures)
        )
    for names, part in parts:
        try:
            found.update(part(ctx))
        except Exception:  # A figure of a broken file is unknown, not a crash.
            found.update(dict.fromkeys(names))
    return found


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def itt_share(ctx: Context) -> Figures:
    """Soft 1: visit staff-slots filled by a member of the client's ITT, over all slots.

    The ITT is the plan's caseload entry; a paired visit has two slots.
    """
    caseload = as_dict(ctx.plan.get("caseload"))
    slots = in_itt = 0
    for visit in ctx.visits:
        itt = as_list(as_dict(caseload.get(visit.client)).get("itt"))
        slots += len(visit.staff)
        in_itt += sum(sid in itt for sid in visit.staff)
    return {"itt_share": _share(in_itt, slots)}


def team_approach_share(ctx: Context) -> Figures:
    """Soft 2: share of clients with ≥ 2 visits who see ≥ team_approach_min_staff staff."""
    least = ctx.policy.get("team_approach_min_staff", 2)
    eligible = met = 0
    for cid in ctx.clients:
        visits = ctx.visits_of(cid)
        if len(visits) >= 2:
            eligible += 1
            met += len({s for v in visits for s in v.staff}) >= least
    return {"team_approach_share": _share(met, eligible)}


def _travel_by_staff(ctx: Context) -> dict[str, int]:
    """Travel minutes per staff member: start → visits in start order → start, each day; with
    Part B the team meeting at the office is one of the stops for those it expects, also on a
    day without visits."""
    totals: dict[str, int] = defaultdict(int)
    days = staff_days(ctx)
    meetings = {key: m for key, shift in ctx.shift_of.items() if (m := meeting_required(ctx, shift))}
    for sid, day in sorted(set(days) | set(meetings)):
        visits = days.get((sid, day), [])
        if (sid, day) in meetings:
            stops = [
                item.place for item in day_items(ctx, ctx.shift_of[(sid, day)], visits, meetings[(sid, day)])
            ]
        else:
            stops = [ctx.start_place(sid), *(ctx.place_of(v.visit) for v in visits), ctx.start_place(sid)]
        totals[sid] += sum(ctx.travel.minutes(a, b) or 0 for a, b in pairwise(stops))
    return totals


def travel_minutes(ctx: Context) -> Figures:
    """Soft 3: total route minutes over staff-days, and that total per visit (not per slot).

    Legs the travel model cannot tell count 0; visits without times are not routed.
    """
    total = sum(_travel_by_staff(ctx).values())
    return {
        "travel_minutes_total": total,
        "travel_minutes_per_visit": total / len(ctx.visits) if ctx.visits else None,
    }


def workload_spread(ctx: Context) -> Figures:
    """Soft 4: (visit + travel minutes) / FTE per field staff member: max − min and stdev.

    Field staff are those with a visit or a shift this week and FTE > 0; the
    stdev is the population standard deviation.
    """
    work: dict[str, float] = defaultdict(float)
    for sid, minutes in _travel_by_staff(ctx).items():
        work[sid] += minutes
    for visit in ctx.visits:
        if visit.timed:
            assert visit.start is not None and visit.end is not None
            for sid in visit.staff:
                work[sid] += visit.end - visit.start
    per_fte = []
    for sid, member in ctx.staff.items():
        fte = member.get("fte")
        rostered = any(who == sid for who, _ in ctx.shift_of)
        if (sid in work or as_dict(member.get("shifts")) or rostered) and isinstance(fte, int | float):
            if fte > 0:
                per_fte.append(work[sid] / fte)
    if not per_fte:
        return dict.fromkeys(("workload_minutes_per_fte_spread", "workload_minutes_per_fte_stdev"))
    return {
        "workload_minutes_per_fte_spread": max(per_fte) - min(per_fte),
        "workload_minutes_per_fte_stdev": statistics.pstdev(per_fte),
    }


def on_call_spread(ctx: Context) -> Figures:
    """Soft 5: max − min primary entries among staff eligible for primary; weekend likewise.

    Eligible: primary in on_call_roles and a discipline the role lists (any, if
    it lists none). Weekend entries are those starting on a Saturday or Sunday.
    """
    spec = as_dict(as_dict(ctx.on_call_policy.get("roles")).get("primary"))
    disciplines = spec.get("disciplines")
    eligible = [
        sid
        for sid, member in ctx.staff.items()
        if "primary" in as_list(member.get("on_call_roles"))
        and (not isinstance(disciplines, list) or member.get("discipline") in disciplines)
    ]
    if not eligible:
        return dict.fromkeys(("on_call_primary_spread", "on_call_weekend_spread"))
    all_periods = dict.fromkeys(eligible, 0)
    weekend = dict.fromkeys(eligible, 0)
    for entry in ctx.on_call:
        if entry.role == "primary" and entry.staff in all_periods:
            all_periods[entry.staff] += 1
            if entry.start is not None and entry.start.weekday() >= 5:
                weekend[entry.staff] += 1
    return {
        "on_call_primary_spread": max(all_periods.values()) - min(all_periods.values()),
        "on_call_weekend_spread": max(weekend.values()) - min(weekend.values()),
    }


def fidelity(ctx: Context) -> Figures:
    """DACTS figures: contacts and face-to-face minutes per client, team approach, caseload.

    A visit is one contact however many staff attend; minutes are the visit's
    length. The 2+ staff share is over all clients in the team; the caseload
    ratio is clients per FTE over all staff (every discipline is clinical).
    """
    clients = len(ctx.clients)
    minutes = sum(v.end - v.start for v in ctx.visits if v.end is not None and v.start is not None)
    seen_by_two = sum(len({s for v in ctx.visits_of(cid) for s in v.staff}) >= 2 for cid in ctx.clients)
    fte = sum(m.get("fte", 0) for m in ctx.staff.values() if isinstance(m.get("fte", 0), int | float))
    return {
        "contacts_per_client_week": len(ctx.visits) / clients if clients else None,
        "minutes_per_client_week": minutes / clients if clients else None,
        "share_clients_seen_by_2plus_staff": _share(seen_by_two, clients),
        "caseload_ratio": clients / fte if fte else None,
    }


def on_call_coverage(ctx: Context) -> Figures:
    """O4: share of the week's on-call span with a primary on call, leave removed.

    The span is [week_start handoff, week_start + 7 days handoff) in local wall
    time; an entry counts with whatever bounds it has, minus its holder's leave.
    """
    periods = ctx.periods()
    if not periods:
        return {"on_call_coverage": None}
    span = (periods[0][1], periods[-1][2])
    pieces: list[tuple[datetime, datetime]] = []
    for entry in ctx.on_call:
        if entry.role != "primary" or entry.start is None or entry.end is None:
            continue
        held = [(max(entry.start, span[0]), min(entry.end, span[1]))]
        leave = ctx.leave(entry.staff) if entry.staff in ctx.staff else []
        for gap in leave:
            held = [piece for part in held for piece in _minus(part, gap)]
        pieces.extend(p for p in held if p[0] < p[1])
    covered = timedelta()
    reach = span[0]
    for start, end in sorted(pieces):
        start = max(start, reach)
        if end > start:
            covered += end - start
            reach = end
    return {"on_call_coverage": covered / (span[1] - span[0])}


def roster_figures(ctx: Context) -> Figures:
    """Part B: dates with a team meeting at least two staff attend (DACTS H3), the minutes
    coverage is short (summed over each coverage window and date), and the share of contracted
    staff's requests dated in the week that the plan honours (1.0 when there are none)."""
    asked = honoured = 0
    for sid, terms in contracted(ctx).items():
        for raw in as_list(terms.get("requests")):
            raw = as_dict(raw)
            day = next((d for d in ctx.dates if str(d) == raw.get("date")), None)
            if day is None or (raw.get("off") is not True and not isinstance(raw.get("shift"), str)):
                continue
            shift = ctx.shift_of.get((sid, day))
            asked += 1
            honoured += (
                shift is None if raw.get("off") is True else shift is not None and shift.type == raw["shift"]
            )
    return {
        "team_meeting_days": team_meeting_days(ctx),
        "coverage_minutes_short": minutes_short(ctx),
        "requests_honoured_share": honoured / asked if asked else 1.0,
    }


def _minus(
    part: tuple[datetime, datetime], gap: tuple[datetime, datetime]
) -> list[tuple[datetime, datetime]]:
    """What is left of ``part`` outside ``gap``."""
    left = (part[0], min(part[1], gap[0]))
    right = (max(part[0], gap[1]), part[1])
    return [p for p in (left, right) if p[0] < p[1]]
