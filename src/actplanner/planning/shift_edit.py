"""One contracted staff member's shift on one date changed in a plan file (Part B), as a lead sets it.

Pure: a plan file's document in, a changed copy out. ``plans.set_shift`` saves the
result as a new draft; the roster page checks the same copy before saving, so what
is judged is what is stored.

A day off is no entry in ``shifts`` (the file has no way to say "off" but leaving the
date out), so an off day cannot be pinned; a re-plan keeps a day off of a staff
member it does not re-roster all the same (``adapter.to_problem``'s ``kept``).
"""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from actplanner.domain.formats import TeamFile, minutes
from actplanner.domain.rostering import day_name, holiday_dates

#: The step in which a break's start is tried across the break window.
BREAK_STEP = 5


class ShiftEditError(ValueError):
    """A shift change that cannot be made as asked; the message says why in the lead's words."""


def shift_changed(
    doc: dict[str, Any],
    team: TeamFile,
    staff_id: str,
    day: date,
    shift_type: str | None,
    *,
    pinned: bool = True,
) -> dict[str, Any]:
    """A copy of the plan file with ``staff_id``'s shift on ``day`` set to ``shift_type``
    (its window from the team's shift type; None: the day off), ``pinned`` or not.

    The staff member's break that day goes with a changed window; a new window that needs
    one (longer than the break rule's ``after_minutes``) gets one of the rule's length, inside
    its window and the shift, where it overlaps none of their visits nor the team meeting
    (the first such place; else the window's first, which the checker then reports). A
    change of ``pinned`` alone keeps the break. ShiftEditError for an unknown staff member,
    one on fixed hours, an unknown shift type or a date outside the week.
    """
    member = next((m for m in team.staff if m.id == staff_id), None)
    if member is None:
        raise ShiftEditError(f"The team has no staff member {staff_id!r}.")
    if member.contract is None:
        raise ShiftEditError(
            f"{member.name} works fixed hours: their shifts come from the team file, not the roster."
        )
    iso = day.isoformat()
    week = doc["week_start"]
    if not week <= iso < _week_end(week):
        raise ShiftEditError(f"{iso} is not in the week of {week}.")
    types = team.policy.shift_types
    window: tuple[str, str] | None = None
    if shift_type is not None:
        if shift_type not in types:
            known = ", ".join(sorted(types)) or "none"
            raise ShiftEditError(f"The team has no shift type {shift_type!r} (its shift types: {known}).")
        window = (types[shift_type].start, types[shift_type].end)
    changed = copy.deepcopy(doc)
    shifts = changed.get("shifts") or []
    before = next((s for s in shifts if s["staff"] == staff_id and s["date"] == iso), None)
    kept = [s for s in shifts if s is not before]
    if window is not None:
        entry: dict[str, Any] = {
            "staff": staff_id,
            "date": iso,
            "type": shift_type,
            "start": window[0],
            "end": window[1],
        }
        if pinned:
            entry["pinned"] = True
        kept.append(entry)
    changed["shifts"] = sorted(kept, key=lambda s: (s["date"], s["start"], s["staff"]))
    same_window = before is not None and window == (before["start"], before["end"])
    breaks = changed.get("breaks") or []
    if not same_window:
        breaks = [b for b in breaks if not (b["staff"] == staff_id and b["date"] == iso)]
        placed = _break(changed, team, staff_id, day, window)
        if placed is not None:
            breaks.append(placed)
    changed["breaks"] = sorted(breaks, key=lambda b: (b["date"], b["start"], b["staff"]))
    return changed


def _week_end(week_start: str) -> str:
    return (date.fromisoformat(week_start) + timedelta(days=7)).isoformat()


def _break(
    doc: dict[str, Any], team: TeamFile, staff_id: str, day: date, window: tuple[str, str] | None
) -> dict[str, Any] | None:
    rule = team.policy.breaks
    if window is None or rule is None:
        return None
    start, end = minutes(window[0]), minutes(window[1])
    if end - start <= rule.after_minutes:
        return None
    first = max(start, minutes(rule.window[0]))
    last = min(end, minutes(rule.window[1])) - rule.minutes
    if last < first:
        return None  # the team file's own contradiction, which its check reports
    iso = day.isoformat()
    busy = [
        (minutes(v["start"]), minutes(v["end"]))
        for v in doc.get("visits", [])
        if v["date"] == iso and staff_id in v["staff"]
    ]
    meeting = team.policy.team_meeting
    if meeting is not None and day_name(day, holiday_dates(team)) in meeting.days:
        busy.append((minutes(meeting.start), minutes(meeting.end)))
    at = next(
        (
            t
            for t in range(first, last + 1, BREAK_STEP)
            if all(t + rule.minutes <= b or t >= e for b, e in busy)
        ),
        first,
    )
    return {"staff": staff_id, "date": iso, "start": _clock(at), "end": _clock(at + rule.minutes)}


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
