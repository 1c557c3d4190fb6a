"""Hard rules H15 (breaks) and H16 (the team meeting), FORMATS.md Part B.

A staff member's day is a sequence of items: shift start (at their start location), visits
(at the client's place), the team meeting (at the office), the break (no place), shift end
(at their start location). Consecutive items with places leave the travel between them; the
break overlaps no visit and no meeting, and the gap between the items either side of it holds
the travel between them plus the break. H7 judges the legs between visits and the shift's
ends; H16 the legs to and from the meeting; H15 the break's room.

H15's structural part (one break of the rule's length inside the window and the shift, none on
a shorter shift) is never excused: a solver can always write it. Its room in the day is, as
are H16's violations: the solver reports in ``unmet`` a day it could not make hold.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from .context import Context, PlanBreak, PlanShift, hhmm, overlaps, parse_time
from .on_call_rules import last_week_primaries, period_holders
from .report import Violation
from .roster import BreakRule, Meeting, break_rule, day_label, meeting_on, office, starts_at_office
from .route_rules import Stop, staff_days
from .travel import Place


@dataclass(frozen=True)
class Item:
    """One placed item of a staff member's day: [start, end) at ``place``."""

    label: str
    start: int
    end: int
    place: Place


def meeting_exempt(ctx: Context, staff_id: str, meeting: Meeting) -> bool:
    """H16's exception: last night's primary on call, when ``rest_next_day_start`` is later than
    the meeting's start (Monday's from the history's plan of record)."""
    rest = parse_time(ctx.on_call_policy.get("rest_next_day_start"))
    if rest is None or rest <= meeting.start:
        return False
    night = meeting.day - timedelta(days=1)
    if night in ctx.dates:
        return any(e.staff == staff_id for e in period_holders(ctx).get(("primary", night), []))
    return staff_id in last_week_primaries(ctx).get(night, set())


def meeting_required(ctx: Context, shift: PlanShift) -> Meeting | None:
    """The meeting a shift's holder must attend: on its days, the shift covering it, not exempt."""
    meeting = meeting_on(ctx, shift.date)
    if meeting is None or not (shift.start <= meeting.start and meeting.end <= shift.end):
        return None
    return None if meeting_exempt(ctx, shift.staff, meeting) else meeting


def _places(ctx: Context, shift: PlanShift) -> tuple[Place, Place]:
    """The staff member's start location, and the office as reached from it (the same place
    when they leave from the office, which a travel matrix may not name twice)."""
    home = ctx.start_place(shift.staff)
    return home, (home if starts_at_office(ctx, shift.staff) else office(ctx))


def day_items(ctx: Context, shift: PlanShift, stops: list[Stop], meeting: Meeting | None) -> list[Item]:
    """The placed items of the day in time order: shift start, visits, meeting, shift end."""
    home, at_office = _places(ctx, shift)
    items = [Item("the shift's start", shift.start, shift.start, home)]
    items.extend(Item(f"the visit to {s.where}", s.start, s.end, ctx.place_of(s.visit)) for s in stops)
    if meeting is not None:
        items.append(Item("the team meeting", meeting.start, meeting.end, at_office))
    items.append(Item("the shift's end", shift.end, shift.end, home))
    return sorted(items, key=lambda i: (i.start, i.end))


def h16_team_meeting(ctx: Context) -> list[Violation]:
    """Hard: on the meeting's days every staff member whose shift covers it attends it as an item
    of their day (no visit overlaps it; travel to and from the office fits), except last night's
    primary on call when ``rest_next_day_start`` is later than its start."""
    if not ctx.part_b:
        return []
    days = staff_days(ctx)
    found = []
    for (sid, day), shift in sorted(ctx.shift_of.items()):
        meeting = meeting_required(ctx, shift)
        if meeting is not None:
            found.extend(_meeting_problems(ctx, shift, days.get((sid, day), []), meeting))
    return found


def _meeting_problems(ctx: Context, shift: PlanShift, stops: list[Stop], meeting: Meeting) -> list[Violation]:
    sid, day = shift.staff, shift.date
    label = f"the team meeting {hhmm(meeting.start)}–{hhmm(meeting.end)} on {day_label(ctx, day)}"
    clash = [s for s in stops if s.start < meeting.end and meeting.start < s.end]
    found = [
        _h16(f"{sid} visits {s.where} {hhmm(s.start)}–{hhmm(s.end)}, during {label}.", sid, day)
        for s in clash
    ]
    if clash:
        return found
    items = day_items(ctx, shift, stops, meeting)
    place = next(i for i, item in enumerate(items) if item.label == "the team meeting")
    before, here, after = items[place - 1], items[place], items[place + 1]
    for a, b, towards in ((before, here, True), (here, after, False)):
        trip = ctx.travel.minutes(a.place, b.place)
        if trip is None:
            found.append(
                _h16(
                    f"The travel time from {a.place.label} to {b.place.label} cannot be worked out for "
                    f"{sid}'s {label}.",
                    sid,
                    day,
                )
            )
        elif b.start < a.end + trip:
            what = (
                f"{sid} cannot reach {label} from {a.label} (at {hhmm(a.end)})"
                if towards
                else f"{sid} cannot get from {label} to {b.label} at {hhmm(b.start)}"
            ) + f": the trip takes {trip} minutes."
            found.append(_h16(what, sid, day))
    return found


def _h16(message: str, staff: str, day: date) -> Violation:
    return Violation("H16", message, staff=staff, date=str(day))


def attendance(ctx: Context) -> dict[date, list[str]]:
    """Who attends each date's meeting as the checker reads the plan: the staff it requires whose
    day holds it (no visit overlaps it, the travel to and from it fits)."""
    days = staff_days(ctx)
    found: dict[date, list[str]] = defaultdict(list)
    for (sid, day), shift in sorted(ctx.shift_of.items()):
        meeting = meeting_required(ctx, shift)
        if meeting is not None and not _meeting_problems(ctx, shift, days.get((sid, day), []), meeting):
            found[day].append(sid)
    return dict(found)


def team_meeting_days(ctx: Context) -> int:
    """DACTS H3: the dates with a meeting that at least two staff attend."""
    return sum(len(people) >= 2 for people in attendance(ctx).values())


# -- H15 ----------------------------------------------------------------------------------------


def h15_breaks(ctx: Context) -> list[Violation]:
    """Hard: each shift longer than ``after_minutes`` has exactly one break of exactly ``minutes``,
    inside the window and the shift; shorter shifts have none; the break overlaps no visit and no
    meeting, and the gap either side of it holds the travel between its neighbours plus the break."""
    if not ctx.part_b:
        return []
    rule = break_rule(ctx)
    found = [v for v in ctx.roster_problems if v.rule == "H15"]
    by_day: dict[tuple[str, date], list[PlanBreak]] = defaultdict(list)
    for entry in ctx.breaks:
        by_day[(entry.staff, entry.date)].append(entry)
    for (sid, day), breaks in sorted(by_day.items()):
        shift = ctx.shift_of.get((sid, day))
        if rule is None:
            found.extend(
                _structural(f"{sid} has a break {b.when()}, but the team has no break rule.", sid, day)
                for b in breaks
            )
        elif shift is None:
            found.extend(
                _structural(
                    f"{sid} has a break {b.when()} on {day_label(ctx, day)} but no shift that date.", sid, day
                )
                for b in breaks
            )
    if rule is None:
        return found
    days = staff_days(ctx)
    for (sid, day), shift in sorted(ctx.shift_of.items()):
        found.extend(_shift_breaks(ctx, rule, shift, by_day.get((sid, day), []), days.get((sid, day), [])))
    return found


def _shift_breaks(
    ctx: Context, rule: BreakRule, shift: PlanShift, breaks: list[PlanBreak], stops: list[Stop]
) -> list[Violation]:
    sid, day = shift.staff, shift.date
    length = shift.end - shift.start
    label = f"{sid}'s shift {shift.when()}"
    if not rule.applies((shift.start, shift.end)):
        return [
            _structural(
                f"{label} is {length} minutes, not over {rule.after}, yet has a break {b.when()}.", sid, day
            )
            for b in breaks
        ]
    if len(breaks) != 1:
        return [
            _structural(
                f"{label} is {length} minutes, over {rule.after}, and has {len(breaks)} breaks; it "
                f"needs exactly one of {rule.minutes} minutes between {hhmm(rule.window_start)} and "
                f"{hhmm(rule.window_end)}.",
                sid,
                day,
            )
        ]
    (taken,) = breaks
    found = []
    if taken.end - taken.start != rule.minutes:
        found.append(
            _structural(
                f"{sid}'s break {taken.when()} is {taken.end - taken.start} minutes; "
                f"the break rule says {rule.minutes}.",
                sid,
                day,
            )
        )
    if not (rule.window_start <= taken.start and taken.end <= rule.window_end):
        found.append(
            _structural(
                f"{sid}'s break {taken.when()} is outside the break window "
                f"{hhmm(rule.window_start)}–{hhmm(rule.window_end)}.",
                sid,
                day,
            )
        )
    if not (shift.start <= taken.start and taken.end <= shift.end):
        found.append(_structural(f"{sid}'s break {taken.when()} is outside {label}.", sid, day))
    return found or _room(ctx, shift, taken, stops)


def _room(ctx: Context, shift: PlanShift, taken: PlanBreak, stops: list[Stop]) -> list[Violation]:
    """The break's room in the day: it overlaps no placed item, and the gap between its
    neighbours holds the travel between them plus the break."""
    sid, day = shift.staff, shift.date
    items = day_items(ctx, shift, stops, meeting_required(ctx, shift))
    span = (taken.start, taken.end)
    clash = [i for i in items if i.start < i.end and overlaps(span, (i.start, i.end))]
    if clash:
        return [
            _h15(f"{sid}'s break {taken.when()} overlaps {i.label} {hhmm(i.start)}–{hhmm(i.end)}.", sid, day)
            for i in clash
        ]
    before = max((i for i in items if i.end <= taken.start), key=lambda i: (i.end, i.start))
    after = min((i for i in items if i.start >= taken.end), key=lambda i: (i.start, i.end))
    trip = ctx.travel.minutes(before.place, after.place)
    if trip is None:
        return [
            _h15(
                f"The travel time from {before.place.label} to {after.place.label} around {sid}'s break "
                f"{taken.when()} cannot be worked out.",
                sid,
                day,
            )
        ]
    gap = after.start - before.end
    if gap >= trip + (taken.end - taken.start):
        return []
    return [
        _h15(
            f"{sid}'s break {taken.when()} does not fit between {before.label} (ends {hhmm(before.end)}) and "
            f"{after.label} (starts {hhmm(after.start)}): {gap} minutes for a {trip}-minute trip and the "
            f"{taken.end - taken.start}-minute break.",
            sid,
            day,
        )
    ]


def _h15(message: str, staff: str, day: date) -> Violation:
    return Violation("H15", message, staff=staff, date=str(day))


def _structural(message: str, staff: str, day: date) -> Violation:
    return Violation("H15", message, staff=staff, date=str(day), excusable=False)
