"""Hard rules H9–H10: the 24/7 on-call rota, H10 across the week boundary with history."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from .context import (
    Context,
    OnCall,
    as_dict,
    as_list,
    at,
    hhmm,
    overlaps,
    parse_date,
    parse_datetime,
    parse_time,
    stamp,
)
from .report import Violation

#: History files that are plans (of record when the last given for their week).
PLAN_FORMATS = frozenset({"actplanner/plan@1", "actplanner/plan@2"})


def required_roles(ctx: Context) -> list[str]:
    """Roles needing exactly one holder per period: primary, plus every role the policy defines."""
    defined = list(as_dict(ctx.on_call_policy.get("roles")))
    return ["primary", *[r for r in defined if r != "primary"]]


def period_holders(ctx: Context) -> dict[tuple[str, date], list[OnCall]]:
    """Entries whose bounds are exactly one of the week's periods, by (role, period date)."""
    by_bounds = {(start, end): d for d, start, end in ctx.periods()}
    holders: dict[tuple[str, date], list[OnCall]] = defaultdict(list)
    for entry in ctx.on_call:
        if entry.start is None or entry.end is None:
            continue
        d = by_bounds.get((entry.start, entry.end))
        if d is not None:
            holders[(str(entry.role), d)].append(entry)
    return holders


def h9_on_call_coverage(ctx: Context) -> list[Violation]:
    """Hard: each period has exactly one holder per role, distinct primary/backup, all eligible.

    An entry whose bounds are not exactly one period of the week, or whose role
    the policy does not define, is a violation in itself.
    """
    if not ctx.dates:
        return []  # H12 reports the unusable week_start.
    if ctx.handoff is None:
        return [Violation("H9", "The policy's on-call handoff time is not a time (HH:MM).")]
    roles = required_roles(ctx)
    found = [v for entry in ctx.on_call for v in _entry_problems(ctx, entry, roles)]
    holders = period_holders(ctx)
    for d, start, end in ctx.periods():
        for role in roles:
            count = len(holders.get((role, d), []))
            if count != 1:
                found.append(
                    Violation(
                        "H9",
                        f"The on-call period {stamp(start)} to {stamp(end)} "
                        f"has {count} {role} entries; it needs exactly one.",
                        date=str(d),
                    )
                )
        primaries = {e.staff for e in holders.get(("primary", d), [])}
        for entry in holders.get(("backup", d), []):
            if entry.staff in primaries:
                found.append(
                    Violation(
                        "H9",
                        f"{entry.staff} is both primary and backup for the "
                        f"on-call period starting {stamp(start)}.",
                        staff=str(entry.staff),
                        date=str(d),
                    )
                )
    return found


def _entry_problems(ctx: Context, entry: OnCall, roles: list[str]) -> list[Violation]:
    who = f"on_call[{entry.index}] ({entry.role}, {entry.staff})"
    staff = entry.staff if isinstance(entry.staff, str) else None
    if entry.role not in roles:
        return [
            Violation(
                "H9",
                f"{who} has role {entry.role!r}, which is not an on-call role of "
                f"this team ({', '.join(roles)}).",
                staff=staff,
            )
        ]
    for key, moment, raw in (
        ("start", entry.start, entry.raw_start),
        ("end", entry.end, entry.raw_end),
    ):
        if moment is None:
            return [
                Violation(
                    "H9",
                    f"{who} has {key} {raw!r}, not a date-time (YYYY-MM-DDTHH:MM).",
                    staff=staff,
                )
            ]
    assert entry.start is not None and entry.end is not None
    period = next(((d, s, e) for d, s, e in ctx.periods() if (s, e) == (entry.start, entry.end)), None)
    if period is None:
        assert ctx.handoff is not None
        return [
            Violation(
                "H9",
                f"{who} runs {stamp(entry.start)} to {stamp(entry.end)}, but "
                f"on-call periods run from {hhmm(ctx.handoff)} to {hhmm(ctx.handoff)} "
                "the next day, within the week.",
                staff=staff,
                date=str(entry.start.date()),
            )
        ]
    if staff is None or staff not in ctx.staff:
        return []  # H12 reports unknown staff.
    d = str(period[0])
    member = ctx.staff[staff]
    role_spec = as_dict(as_dict(ctx.on_call_policy.get("roles")).get(entry.role))
    found = []
    if entry.role not in as_list(member.get("on_call_roles")):
        found.append(
            Violation(
                "H9",
                f"{staff} holds the {entry.role} on-call role from "
                f"{stamp(entry.start)} but may not take that role.",
                staff=staff,
                date=d,
            )
        )
    disciplines = role_spec.get("disciplines")
    if isinstance(disciplines, list) and member.get("discipline") not in disciplines:
        found.append(
            Violation(
                "H9",
                f"{staff} ({member.get('discipline')}) holds the "
                f"{entry.role} on-call role from {stamp(entry.start)}, which only "
                f"{', '.join(map(str, disciplines))} may take.",
                staff=staff,
                date=d,
            )
        )
    if any(overlaps((entry.start, entry.end), leave) for leave in ctx.leave(staff)):
        found.append(
            Violation(
                "H9",
                f"{staff} is on leave during their {entry.role} on-call "
                f"period starting {stamp(entry.start)}.",
                staff=staff,
                date=d,
            )
        )
    return found


def h10_on_call_limits(ctx: Context) -> list[Violation]:
    """Hard: at most max_consecutive primary periods in a row, and rest after a primary night.

    With history, the run of primary periods ending with the one that starts on the previous
    Sunday counts towards the limit, and that Sunday's primary rests on Monday (FORMATS.md,
    version 2). A run over the limit is reported once, at the first date of the week it is
    over the limit on.
    """
    holders = period_holders(ctx)
    primary = {d: {e.staff for e in holders.get(("primary", d), [])} for d in ctx.dates}
    carried = last_week_primaries(ctx)
    found = []
    limit = ctx.on_call_policy.get("max_consecutive")
    if isinstance(limit, int) and not isinstance(limit, bool):
        runs: dict[object, int] = defaultdict(int)
        if carried and ctx.dates:
            for holder in carried.get(ctx.dates[0] - timedelta(days=1), set()):
                runs[holder] = _run_before(carried, holder, ctx.dates[0])
        for d in ctx.dates:
            for sid in set(runs) | primary[d]:
                before = runs[sid]
                runs[sid] = before + 1 if sid in primary[d] else 0
                # Reported once: where the run first goes over, or on Monday for a run that
                # came over the limit from last week and goes on.
                if runs[sid] == limit + 1 or (d == ctx.dates[0] and runs[sid] > limit + 1):
                    carried_from = ""
                    if before and d == ctx.dates[0]:
                        carried_from = f", {before} of them before this week"
                    found.append(
                        Violation(
                            "H10",
                            f"{sid} is primary on call for more than "
                            f"{limit} periods in a row (up to the one starting "
                            f"{d}{carried_from}).",
                            staff=str(sid),
                            date=str(d),
                        )
                    )
    rest = parse_time(ctx.on_call_policy.get("rest_next_day_start"))
    if rest is None:
        return found
    if ctx.dates:
        sunday = ctx.dates[0] - timedelta(days=1)
        last: set[str | None] = set(carried.get(sunday, set()))
        primary[sunday] = last
    for visit in ctx.visits:
        night = visit.date - timedelta(days=1)
        if not visit.timed or night not in primary:
            continue
        assert visit.start is not None
        for sid in visit.staff:
            if sid in primary[night] and visit.start < rest:
                when = "the night before" if night in ctx.dates else "on Sunday night (last week's plan)"
                found.append(
                    Violation(
                        "H10",
                        f"{sid} was primary on call {when} and "
                        f"visits {visit.client} at {hhmm(visit.start)} on "
                        f"{visit.date}, before {hhmm(rest)}.",
                        staff=sid,
                        date=str(visit.date),
                    )
                )
    return found


def last_week_primaries(ctx: Context) -> dict[date, set[str]]:
    """Primary holders of earlier periods, by the date each starts: from the history's plans of
    record (the last plan file given for a week before the plan's), on this team's handoff.

    Read leniently: an entry that is not a primary period on the handoff is skipped.
    """
    if not ctx.history or not ctx.dates or ctx.handoff is None:
        return {}
    records: dict[date, dict] = {}
    for doc in ctx.history:
        doc = as_dict(doc)
        week = parse_date(doc.get("week_start"))
        if doc.get("format") in PLAN_FORMATS and week is not None and week < ctx.dates[0]:
            records[week] = doc
    found: dict[date, set[str]] = defaultdict(set)
    for week in sorted(records):
        for raw in as_list(records[week].get("on_call")):
            raw = as_dict(raw)
            start, end = parse_datetime(raw.get("start")), parse_datetime(raw.get("end"))
            staff = raw.get("staff")
            if raw.get("role") != "primary" or not isinstance(staff, str) or start is None or end is None:
                continue
            d = start.date()
            bounds = (at(d, ctx.handoff), at(d + timedelta(days=1), ctx.handoff))
            if (start, end) == bounds and d < ctx.dates[0]:
                found[d].add(staff)
    return dict(found)


def _run_before(carried: dict[date, set[str]], sid: str, monday: date) -> int:
    """How many primary periods in a row ``sid`` held up to the one starting the Sunday before."""
    run, d = 0, monday - timedelta(days=1)
    while sid in carried.get(d, set()):
        run, d = run + 1, d - timedelta(days=1)
    return run
