"""Hard rules H14 and H18 (FORMATS.md Part B): the plan's shifts, and contracted staff's terms.

H14 is structural: the shifts are what the team file defines (fixed hours, cut by leave) or a
shift type's exact window, so a solver can always write them right and no ``unmet`` entry
excuses them. H18 holds each contract, across the week boundary from history.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from .context import Context, PlanShift, as_list, at, hhmm, overlaps
from .report import Violation
from .roster import (
    Window,
    admits,
    break_rule,
    contract,
    contracted,
    day_label,
    fixed_window,
    history_shifts,
    is_day_off,
    max_days,
    shift_type,
    weekend_dates,
    wholly_on_leave,
    working_minutes,
)


def h14_shifts(ctx: Context) -> list[Violation]:
    """Hard: the plan's ``shifts`` are exactly as defined: every fixed-hours staff member's
    window for each working date (the ``holiday`` entry on holidays, cut by leave keeping the
    longer piece, type null), a contracted staff member's chosen shift type's window on a date
    no leave overlaps, at most one per staff member and date."""
    if not ctx.part_b or not ctx.dates:
        return []
    if not isinstance(ctx.plan.get("shifts"), list):
        return [
            _h14(
                "The plan has no shifts list: with rostered shifts it must give every working "
                "staff member's hours for every date of the week."
            )
        ]
    found = [v for v in ctx.roster_problems if v.rule == "H14"]
    counts = Counter((s.staff, s.date) for s in ctx.shifts)
    for (sid, day), n in sorted(counts.items()):
        if n > 1:
            found.append(
                _h14(
                    f"{sid} has {n} shifts on {day_label(ctx, day)}; a staff member has at most one a date.",
                    sid,
                    day,
                )
            )
    for entry in ctx.shift_of.values():
        rostered = contract(ctx, entry.staff) is not None
        found.extend(_contracted_shift(ctx, entry) if rostered else _fixed_shift(ctx, entry))
    for sid in ctx.staff:
        if contract(ctx, sid) is not None:
            continue
        for day in ctx.dates:
            window = fixed_window(ctx, sid, day)
            if window is not None and (sid, day) not in ctx.shift_of:
                found.append(
                    _h14(
                        f"{sid}'s fixed hours on {day_label(ctx, day)} are {_span(window)}, but the plan "
                        "has no shift for them that date.",
                        sid,
                        day,
                    )
                )
    return found


def _fixed_shift(ctx: Context, entry: PlanShift) -> list[Violation]:
    sid, day = entry.staff, entry.date
    found = []
    if entry.type is not None:
        found.append(
            _h14(
                f"{sid}'s shift on {day_label(ctx, day)} says type {entry.type!r}, but {sid} works "
                "fixed hours: the type is null.",
                sid,
                day,
            )
        )
    window = fixed_window(ctx, sid, day)
    if window is None:
        found.append(
            _h14(
                f"{sid} has a shift {entry.when()} on {day_label(ctx, day)}, but that is not a working "
                f"day of theirs ({_why_off(ctx, sid, day)}).",
                sid,
                day,
            )
        )
    elif window != (entry.start, entry.end):
        found.append(
            _h14(
                f"{sid}'s shift on {day_label(ctx, day)} is {_span((entry.start, entry.end))}; their "
                f"fixed hours that date are {_span(window)}.",
                sid,
                day,
            )
        )
    return found


def _why_off(ctx: Context, sid: str, day: date) -> str:
    if not ctx.employed_on(sid, day):
        return ctx.employment(sid)
    if day in ctx.holidays:
        return "a holiday, and their hours have no holiday entry"
    return "on leave" if wholly_on_leave(ctx, sid, day) else "a day off in their fixed hours"


def _contracted_shift(ctx: Context, entry: PlanShift) -> list[Violation]:
    sid, day = entry.staff, entry.date
    known = shift_type(ctx, entry.type)
    if known is None:
        what = (
            f"has no type; {sid} works to a contract, so it names one of the team's shift types"
            if entry.type is None
            else f"has type {entry.type!r}, which is not one of the team's shift types"
        )
        return [
            _h14(
                f"{sid}'s shift on {day_label(ctx, day)} {what}.",
                sid,
                day,
            )
        ]
    found = []
    window = known[0]
    if window != (entry.start, entry.end):
        found.append(
            _h14(
                f"{sid}'s {entry.type} shift on {day_label(ctx, day)} runs "
                f"{_span((entry.start, entry.end))}; the {entry.type} shift is {_span(window)}.",
                sid,
                day,
            )
        )
    if not ctx.employed_on(sid, day):
        found.append(
            _h14(
                f"{sid} has a shift on {day_label(ctx, day)}, outside their employment "
                f"({ctx.employment(sid)}).",
                sid,
                day,
            )
        )
    span = (at(day, entry.start), at(day, entry.end))
    if any(overlaps(span, leave) for leave in ctx.leave(sid)):
        found.append(_h14(f"{sid} is on leave during their {entry.type} shift {entry.when()}.", sid, day))
    return found


def _days(days: object) -> str:
    """A shift type's ``days`` in words (without a list: mon–sun, not holidays)."""
    return f"on {', '.join(map(str, days))} only" if isinstance(days, list) else "mon to sun, not on holidays"


def _span(window: Window) -> str:
    return f"{hhmm(window[0])}–{hhmm(window[1])}"


def _h14(message: str, staff: str | None = None, day: date | None = None) -> Violation:
    return Violation("H14", message, staff=staff, date=str(day) if day else None, excusable=False)


# -- H18 ----------------------------------------------------------------------------------------


def h18_contracts(ctx: Context) -> list[Violation]:
    """Hard: each contracted staff member works only allowed shift types on dates their ``days``
    admit, never on a day off, on at most ``max_days_per_week`` dates, for working minutes plus
    credits inside ``minutes_per_week``; at most ``max_consecutive_days`` working dates in a row
    and ``min_rest_minutes`` between shifts, both across the week boundary from history; at most
    ``max_weekends_per_4_weeks`` weekends worked in the 4 ending with this one."""
    if not ctx.part_b or not ctx.dates:
        return []
    before = history_shifts(ctx)
    found: list[Violation] = []
    for sid, terms in contracted(ctx).items():
        worked = {d: (s.start, s.end) for (who, d), s in ctx.shift_of.items() if who == sid}
        found.extend(_days_worked(ctx, sid, terms, worked))
        found.extend(_week_minutes(ctx, sid, terms, worked))
        found.extend(_in_a_row(ctx, sid, terms, worked, before.get(sid, {})))
        found.extend(_rest(ctx, sid, terms, worked, before.get(sid, {})))
        found.extend(_weekends(ctx, sid, terms, worked, before.get(sid, {})))
    return found


def _days_worked(ctx: Context, sid: str, terms: dict, worked: dict[date, Window]) -> list[Violation]:
    found = []
    allowed = [t for t in as_list(terms.get("shift_types")) if isinstance(t, str)]
    for day in sorted(worked):
        entry = ctx.shift_of[(sid, day)]
        label = day_label(ctx, day)
        # A type the team does not have is H14's to report.
        known = shift_type(ctx, entry.type)
        if known is not None and entry.type not in allowed:
            found.append(
                _h18(
                    f"{sid} works a {entry.type} shift on {label}; their contract allows "
                    f"{', '.join(allowed) or 'no shift type'}.",
                    sid,
                    day,
                )
            )
        elif known is not None and not admits(ctx, known[1], day):
            found.append(
                _h18(
                    f"{sid} works a {entry.type} shift on {label}; {entry.type} shifts are worked "
                    f"{_days(known[1])}.",
                    sid,
                    day,
                )
            )
        if is_day_off(ctx, terms, day):
            found.append(_h18(f"{sid} works on {label}, a day off in their contract.", sid, day))
    limit = max_days(terms)
    if len(worked) > limit:
        found.append(
            _h18(f"{sid} works on {len(worked)} dates this week; their contract allows at most {limit}.", sid)
        )
    return found


def _week_minutes(ctx: Context, sid: str, terms: dict, worked: dict[date, Window]) -> list[Violation]:
    """Working minutes plus credits inside ``minutes_per_week``: a date of their employment wholly
    on leave, or a holiday not worked, that is not a day off credits
    floor(minutes_per_week[0] / max_days). A week with no date of their employment asks nothing:
    the contract does not run then (docs/decisions.md)."""
    bounds = terms.get("minutes_per_week")
    if not (isinstance(bounds, list) and len(bounds) == 2 and all(isinstance(b, int) for b in bounds)):
        return []
    employed = [d for d in ctx.dates if ctx.employed_on(sid, d)]
    if not employed:
        return []
    low, high = bounds
    rule = break_rule(ctx)
    minutes = sum(working_minutes(rule, w) for w in worked.values())
    credited = [
        d
        for d in employed
        if not is_day_off(ctx, terms, d)
        and (wholly_on_leave(ctx, sid, d) or (d in ctx.holidays and d not in worked))
    ]
    each = low // max_days(terms)
    total = minutes + each * len(credited)
    if low <= total <= high:
        return []
    credit = (
        f" plus {each * len(credited)} credited for {len(credited)} date(s) of leave or holiday, "
        f"{total} in all"
        if credited
        else ""
    )
    return [
        _h18(
            f"{sid} works {minutes} minutes this week{credit}; their contract asks for {low} to {high}.",
            sid,
        )
    ]


def _in_a_row(
    ctx: Context, sid: str, terms: dict, worked: dict[date, Window], before: dict[date, Window]
) -> list[Violation]:
    limit = terms.get("max_consecutive_days")
    if not isinstance(limit, int) or isinstance(limit, bool):
        return []
    run, d = 0, ctx.dates[0] - timedelta(days=1)
    while d in before:
        run, d = run + 1, d - timedelta(days=1)
    carried = run
    for day in ctx.dates:
        run = run + 1 if day in worked else 0
        # Reported once: where the run first goes over, or on Monday for a run that came over
        # the limit from last week and goes on.
        if run == limit + 1 or (day == ctx.dates[0] and run > limit + 1):
            earlier = f", {carried} of them before this week" if carried and run > day.weekday() + 1 else ""
            return [
                _h18(
                    f"{sid} works more than {limit} dates in a row (up to {day_label(ctx, day)}{earlier}).",
                    sid,
                    day,
                )
            ]
    return []


def _rest(
    ctx: Context, sid: str, terms: dict, worked: dict[date, Window], before: dict[date, Window]
) -> list[Violation]:
    least = terms.get("min_rest_minutes")
    if not isinstance(least, int) or isinstance(least, bool):
        return []
    days = sorted(worked)
    shifts = [(d, worked[d]) for d in days]
    if before:
        last = max(before)
        shifts.insert(0, (last, before[last]))
    found = []
    for (d1, w1), (d2, w2) in zip(shifts, shifts[1:], strict=False):
        rest = int((at(d2, w2[0]) - at(d1, w1[1])).total_seconds()) // 60
        if rest < least:
            when = "last week's" if d1 < ctx.dates[0] else "their"
            found.append(
                _h18(
                    f"{sid} has {rest} minutes' rest between {when} shift ending {d1} {hhmm(w1[1])} and the "
                    f"one starting {day_label(ctx, d2)} {hhmm(w2[0])}; their contract asks for {least}.",
                    sid,
                    d2,
                )
            )
    return found


def _weekends(
    ctx: Context, sid: str, terms: dict, worked: dict[date, Window], before: dict[date, Window]
) -> list[Violation]:
    """At most ``max_weekends_per_4_weeks`` of the 4 weekends ending with this week's are worked
    (Saturday or Sunday has a shift; no data is not worked). Reported only when this weekend is
    worked: a plan that leaves it free cannot do better."""
    limit = terms.get("max_weekends_per_4_weeks")
    if not isinstance(limit, int) or isinstance(limit, bool):
        return []
    if not any(d in worked for d in weekend_dates(ctx.dates[0], 0)):
        return []
    earlier = sum(any(d in before for d in weekend_dates(ctx.dates[0], k)) for k in (1, 2, 3))
    if earlier + 1 <= limit:
        return []
    return [
        _h18(
            f"{sid} works this weekend and {earlier} of the 3 before it; their contract allows "
            f"{limit} weekend(s) in 4 weeks.",
            sid,
        )
    ]


def _h18(message: str, staff: str, day: date | None = None) -> Violation:
    return Violation("H18", message, staff=staff, date=str(day) if day else None)
