"""Why nobody could make a visit a client needs, and what would fix it, in a lead's words.

The greedy construction knows that a requirement was not placed; a lead needs the cause. When
the cause lies in the team file rather than in a busy week, it is one of these, checked in
this order over the staff who bring what the visit needs (the discipline or skill):

1. the team has none;
2. every one is on the client's excluded-staff list;
3. none of the others speaks the client's language;
4. none of the rest works (a shift overlapping the client's availability by a visit's length)
   on a day the visit may take.

``cause`` returns that sentence, or None when such staff exist and were simply busy (then the
greedy's own sentence says enough). Pure: reads the Problem, changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from babel import Locale

from solver.problem import DAYS, WEEKDAY_KEYS, Client, Problem, Staff

#: Disciplines that prescribe: a fix for one of them can name "a prescriber".
PRESCRIBERS = frozenset({"psychiatrist", "nurse_practitioner"})

#: Language names in English from the Unicode CLDR (Babel): every ISO 639 code a team file may
#: carry, for the sentence only; a code CLDR does not know shows as written.
LANGUAGE_NAMES = Locale("en").languages


def cause(
    problem: Problem,
    client: Client,
    *,
    discipline: str | None = None,
    skill: str | None = None,
    days: Iterable[int] | None = None,
) -> str | None:
    """Why no staff member bringing ``discipline`` or ``skill`` (neither: anyone) could visit
    ``client`` on ``days`` (None: any day of the week), with the fix; None when some could."""
    what = _what(discipline, skill)
    able = [s for s in problem.staff if _brings(s, discipline, skill)]
    if not able:
        return f"the team has no {what}: adding one to the team file would fix it"
    allowed = [s for s in able if s.id not in client.excluded_staff]
    if not allowed:
        return (
            f"{_the(able, what)} ({_ids(able)}) is on the client's excluded-staff list: another {what}, "
            f"or taking {_ids(able)} off that list, would fix it"
        )
    speaking = [s for s in allowed if client.language is None or client.language in s.languages]
    if not speaking:
        language = client.language or ""
        named = LANGUAGE_NAMES.get(language)
        tongue = f"{named} ({language})" if named else language
        who = "prescriber" if discipline in PRESCRIBERS else what
        speaker = f"{named}-speaking {who}" if named else f"{who} who speaks {language}"
        return (
            f"{_the(allowed, what)} ({_ids(allowed)}) does not speak "
            f"{tongue}: {_a(speaker)}, or an interpreter noted on the client, would fix it"
        )
    wanted = sorted(set(range(DAYS) if days is None else days))
    if not any(_works_for(s, client, d) for s in speaking for d in wanted):
        open_days = [d for d in wanted if client.availability.get(d)]
        worked = sorted({d for s in speaking for d in s.shifts})
        if not open_days:
            return (
                f"the client is available on none of {_days(wanted)}: availability on one of them "
                "would fix it"
            )
        return (
            f"{_the(speaking, what)} who may see them ({_ids(speaking)}) works only "
            f"{_days(worked) or 'no day this week'}, "
            f"and the client is available on {_days(open_days)}: a shift on one of the client's days, "
            "or availability when they work, would fix it"
        )
    return None


def _what(discipline: str | None, skill: str | None) -> str:
    if skill is not None:
        return f"staff member with skill {skill.replace('_', ' ')}"
    if discipline is not None:
        return discipline.replace("_", " ")
    return "staff member"


def _brings(staff: Staff, discipline: str | None, skill: str | None) -> bool:
    if skill is not None:
        return skill in staff.skills
    return discipline is None or staff.discipline == discipline


def _works_for(staff: Staff, client: Client, day: int) -> bool:
    """A shift that day overlapping one of the client's windows by a visit's length."""
    shift = staff.shifts.get(day)
    if shift is None:
        return False
    return any(
        min(shift.end, w.end) - max(shift.start, w.start) >= client.visit_minutes
        for w in client.availability.get(day, ())
    )


def _the(staff: Sequence[Staff], what: str) -> str:
    # "every" takes the singular, so one sentence serves one or many.
    return f"the only {what}" if len(staff) == 1 else f"every {what}"


def _ids(staff: Sequence[Staff]) -> str:
    return ", ".join(s.id for s in staff)


def _days(days: Iterable[int]) -> str:
    """Days as a lead writes them: runs of three or more as "wed–fri", others by name."""
    runs: list[list[int]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{WEEKDAY_KEYS[run[0]]}–{WEEKDAY_KEYS[run[-1]]}")
        else:
            parts.extend(WEEKDAY_KEYS[d] for d in run)
    return ", ".join(parts)


def _a(text: str) -> str:
    return f"an {text}" if text[:1].lower() in "aeiou" else f"a {text}"
