"""Readable cells: each value a team file holds, as a lead writes it in one spreadsheet cell, and back.

Every ``read_*`` takes the cell's text (never blank: a blank cell is the key left out)
and returns the team file's value, or raises ``CellError`` saying what was expected in
words. Every ``write_*`` gives the text its ``read_*`` reads back to the same value.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from actplanner.domain.formats import DISCIPLINES

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOLIDAY = "holiday"
_DAY_TITLES = {
    "mon": "Mon",
    "tue": "Tue",
    "wed": "Wed",
    "thu": "Thu",
    "fri": "Fri",
    "sat": "Sat",
    "sun": "Sun",
}
_DAY_WORDS = {
    **{day: day for day in DAYS},
    "monday": "mon",
    "tues": "tue",
    "tuesday": "tue",
    "wednesday": "wed",
    "thur": "thu",
    "thurs": "thu",
    "thursday": "thu",
    "friday": "fri",
    "saturday": "sat",
    "sunday": "sun",
    "holiday": HOLIDAY,
    "holidays": HOLIDAY,
}
_DISCIPLINE_WORDS = {d.replace("_", " "): d for d in DISCIPLINES} | {d: d for d in DISCIPLINES}


class CellError(ValueError):
    """A cell that does not say what its column holds; the message says what was expected."""


def quoted(text: str) -> str:
    shown = text if len(text) <= 40 else text[:37] + "..."
    return f'"{shown}"'


def cell_text(value: Any) -> str:
    """A cell's value (a CSV string, or what openpyxl read) as the text a lead sees in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# ---------------------------------------------------------------------------------------------
# Plain values


def read_whole(text: str) -> int:
    try:
        number = float(text)
    except ValueError:
        raise CellError(f"{quoted(text)} is not a number") from None
    if not number.is_integer():
        raise CellError(f"{quoted(text)} is not a whole number")
    return int(number)


def read_number(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise CellError(f"{quoted(text)} is not a number") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise CellError(f"{quoted(text)} is not a number")
    return number


def write_number(value: float | int) -> str:
    return repr(value) if isinstance(value, float) else str(value)


_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0"}


def read_yes_no(text: str) -> bool:
    word = text.lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise CellError(f"{quoted(text)} is not yes or no")


def write_yes_no(value: bool) -> str:
    return "yes" if value else "no"


def read_date(text: str) -> str:
    """``YYYY-MM-DD`` (an Excel date cell reads as one)."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise CellError(f"{quoted(text)} is not a date (YYYY-MM-DD, e.g. 2026-11-20)")


def read_list(text: str) -> list[str]:
    """Words separated by commas (or semicolons): languages, skills, roles, staff."""
    return [part.strip() for part in re.split(r"[,;]", text) if part.strip()]


def write_list(values: list[str]) -> str:
    return ", ".join(values)


def read_word(text: str, what: str) -> str:
    if re.search(r"[\s,;]", text):
        raise CellError(f"{quoted(text)} is not one {what} (one word, no spaces or commas)")
    return text


# ---------------------------------------------------------------------------------------------
# Times and days


def read_time(text: str, *, end: bool = False) -> str:
    """``9:00``, ``09:00`` or ``09:00:00`` as ``HH:MM``; ``24:00`` only as an end."""
    found = re.fullmatch(r"(\d{1,2})[:.](\d{2})(?::00)?", text.strip())
    if found:
        hours, mins = int(found.group(1)), int(found.group(2))
        if (hours < 24 and mins < 60) or (end and hours == 24 and mins == 0):
            return f"{hours:02d}:{mins:02d}"
    raise CellError(f"{quoted(text)} is not a time (HH:MM, e.g. 09:00)")


def read_span(text: str) -> list[str]:
    """``09:00-12:00`` (a dash, an en dash or "to")."""
    parts = re.split(r"\s*(?:-|–|—|\bto\b)\s*", text.strip())
    if len(parts) != 2:
        raise CellError(f"{quoted(text)} is not a time range (HH:MM-HH:MM, e.g. 09:00-12:00)")
    return [read_time(parts[0]), read_time(parts[1], end=True)]


def write_span(span: list[str]) -> str:
    return f"{span[0]}-{span[1]}"


def _day(word: str, *, holiday: bool) -> str:
    day = _DAY_WORDS.get(word.lower().rstrip("."))
    if day is None or (day == HOLIDAY and not holiday):
        days = "Mon, Tue, Wed, Thu, Fri, Sat, Sun" + (" or Holiday" if holiday else "")
        raise CellError(f"{quoted(word)} is not a day ({days})")
    return day


def _day_title(day: str) -> str:
    return _DAY_TITLES.get(day, "Holiday")


def read_week_hours(text: str, *, holiday: bool = False) -> dict[str, list[list[str]]]:
    """``Mon 09:00-12:00, 14:00-16:00; Wed 14:00-18:00``: time ranges by day ("never": no day)."""
    if text.lower() in ("never", "none"):
        return {}
    hours: dict[str, list[list[str]]] = {}
    for item in _items(text):
        found = re.fullmatch(r"([A-Za-z]+\.?)\s+(.+)", item)
        if not found:
            raise CellError(
                f"{quoted(item)} is not a day with its hours (e.g. Mon 09:00-12:00; Wed 14:00-18:00)"
            )
        day = _day(found.group(1), holiday=holiday)
        spans = [read_span(part) for part in found.group(2).split(",") if part.strip()]
        hours.setdefault(day, []).extend(spans)
    return hours


def write_week_hours(hours: dict[str, list[list[str]]]) -> str:
    if not hours:
        return "never"
    return "; ".join(
        f"{_day_title(day)} {', '.join(write_span(s) for s in spans)}" for day, spans in hours.items()
    )


def read_shifts(text: str) -> dict[str, list[str]]:
    """A staff member's fixed hours, one range a day: ``Mon 09:00-17:00; Holiday 09:00-13:00``."""
    shifts = {}
    for day, spans in read_week_hours(text, holiday=True).items():
        if len(spans) != 1:
            raise CellError(f"{_day_title(day)} has {len(spans)} time ranges; a staff member works one a day")
        shifts[day] = spans[0]
    return shifts


def write_shifts(shifts: dict[str, list[str]]) -> str:
    return "; ".join(f"{_day_title(day)} {write_span(span)}" for day, span in shifts.items())


def read_days(text: str) -> list[str]:
    """``Sat, Sun`` (a contract's days off)."""
    return [_day(word, holiday=True) for word in read_list(text)]


def write_days(days: list[str]) -> str:
    return ", ".join(_day_title(day) for day in days)


def _items(text: str) -> list[str]:
    return [item.strip() for item in text.split(";") if item.strip()]


# ---------------------------------------------------------------------------------------------
# Leave, contracts' minutes and requests


def _moment(text: str, *, end: bool) -> str:
    """``2026-12-01 09:00`` (or ``T``); a date alone is its first minute, or as an end its last."""
    found = re.fullmatch(r"(\d{4}-\d{2}-\d{2})(?:[ T](\d{1,2}:\d{2}))?", text.strip())
    if not found:
        raise CellError(f"{quoted(text)} is not a date and time (YYYY-MM-DD HH:MM)")
    day = read_date(found.group(1))
    if found.group(2) is None:
        # "2026-12-10 to 2026-12-11" is two days off: the end date is taken whole.
        moment = date.fromisoformat(day) + timedelta(days=1 if end else 0)
        return f"{moment.isoformat()}T00:00"
    return f"{day}T{read_time(found.group(2))}"


def read_leave(text: str) -> list[dict[str, str]]:
    """``2026-12-01 09:00 to 2026-12-03 17:00; 2026-12-10 to 2026-12-11`` (end dates taken whole)."""
    periods = []
    for item in _items(text):
        parts = re.split(r"\s+(?:to|–|until)\s+", item)
        if len(parts) != 2:
            raise CellError(
                f"{quoted(item)} is not a leave period (e.g. 2026-12-01 09:00 to 2026-12-03 17:00)"
            )
        periods.append({"start": _moment(parts[0], end=False), "end": _moment(parts[1], end=True)})
    return periods


def write_leave(periods: list[dict[str, str]]) -> str:
    return "; ".join(f"{p['start'].replace('T', ' ')} to {p['end'].replace('T', ' ')}" for p in periods)


def read_minutes_range(text: str) -> list[int]:
    """``2160-2400``: the least and most minutes a week (one number: exactly that)."""
    parts = re.split(r"\s*(?:-|–|\bto\b)\s*", text.strip())
    if len(parts) > 2:
        raise CellError(f"{quoted(text)} is not a range of minutes (e.g. 2160-2400)")
    numbers = [read_whole(part) for part in parts]
    return numbers * 2 if len(numbers) == 1 else numbers


def write_minutes_range(values: list[int]) -> str:
    return f"{values[0]}-{values[1]}"


def read_requests(text: str) -> list[dict[str, Any]]:
    """``2026-12-24 off; 2026-12-28 late`` (a date, then "off" or a shift type)."""
    requests = []
    for item in _items(text):
        found = re.fullmatch(r"(\S+)\s+(\S+)", item)
        if not found:
            raise CellError(
                f"{quoted(item)} is not a request (a date, then off or a shift type: 2026-12-24 off)"
            )
        day, what = read_date(found.group(1)), found.group(2)
        requests.append({"date": day, "off": True} if what.lower() == "off" else {"date": day, "shift": what})
    return requests


def write_requests(requests: list[dict[str, Any]]) -> str:
    return "; ".join(f"{r['date']} {'off' if r.get('off') else r.get('shift')}" for r in requests)


# ---------------------------------------------------------------------------------------------
# Requirements


_REQUIREMENT_HELP = (
    'write e.g. "nurse x2", "psychiatrist every 28 days, window 7 days", '
    '"lai_injection every 14 days from 2026-11-20" or "lai_injection due 2026-12-02, window 1 day"'
)


def _discipline(word: str) -> str | None:
    return _DISCIPLINE_WORDS.get(" ".join(word.lower().replace("_", " ").split()))


def read_requirements(text: str) -> list[dict[str, Any]]:
    """``nurse x2; lai_injection every 14 days from 2026-11-20, window 2 days``."""
    return [_requirement(item) for item in _items(text)]


def _requirement(item: str) -> dict[str, Any]:
    head, *extras = [part.strip() for part in item.split(",")]
    found = re.fullmatch(
        r"(?P<what>.+?)\s+(?:x\s*(?P<visits>\S+)(?:\s+a\s+week)?|every\s+(?P<every>\S+)\s+days?"
        r"(?:\s+from\s+(?P<from>\S+))?|due\s+(?P<due>\S+))",
        head,
        flags=re.IGNORECASE,
    )
    if not found:
        raise CellError(f"{quoted(item)} is not a requirement: {_REQUIREMENT_HELP}")
    what = found.group("what")
    discipline = _discipline(what)
    requirement: dict[str, Any] = (
        {"discipline": discipline} if discipline else {"skill": read_word(what, "skill")}
    )
    if found.group("visits") is not None:
        if discipline is None:
            raise CellError(
                f"{quoted(what)} is not a discipline "
                f"({', '.join(d.replace('_', ' ') for d in DISCIPLINES)}); "
                "visits a week (x2) are by a discipline, a skill is due on a date or every so many days"
            )
        requirement["visits"] = read_whole(found.group("visits"))
    elif found.group("every") is not None:
        requirement["every_days"] = read_whole(found.group("every"))
        if found.group("from") is not None:
            requirement["last"] = read_date(found.group("from"))
    else:
        if discipline is not None:
            raise CellError(
                f"{quoted(item)}: a discipline's visits are a number a week (x2) or every so many days"
            )
        requirement["due"] = read_date(found.group("due"))
    for extra in extras:
        window = re.fullmatch(r"window\s+(\S+)\s+days?", extra, flags=re.IGNORECASE)
        last = re.fullmatch(r"(?:from|last)\s+(\S+)", extra, flags=re.IGNORECASE)
        if window:
            requirement["window_days"] = read_whole(window.group(1))
        elif last:
            requirement["last"] = read_date(last.group(1))
        else:
            raise CellError(f"{quoted(extra)} in {quoted(item)} is not understood: {_REQUIREMENT_HELP}")
    if "skill" in requirement:
        # A skill given on a date may be given that day only, unless a window is written.
        requirement.setdefault("window_days", 0)
    return requirement


def write_requirements(requirements: list[dict[str, Any]]) -> str:
    return "; ".join(_write_requirement(r) for r in requirements)


def _write_requirement(req: dict[str, Any]) -> str:
    what = req["discipline"].replace("_", " ") if "discipline" in req else req["skill"]
    if req.get("visits") is not None:
        text = f"{what} x{req['visits']}"
    elif req.get("every_days") is not None:
        text = f"{what} every {req['every_days']} days"
        if req.get("last") is not None:
            text += f" from {req['last']}"
    else:
        text = f"{what} due {req['due']}"
    # A window of 0 days is what a blank one reads as.
    window = req.get("window_days") or 0
    if window:
        text += f", window {window} day{'' if window == 1 else 's'}"
    return text


# ---------------------------------------------------------------------------------------------
# Acuity changes and episodes


def read_acuity_changes(text: str) -> list[dict[str, str]]:
    """``2027-01-04 moderate; 2027-03-01 stable``."""
    changes = []
    for item in _items(text):
        found = re.fullmatch(r"(\S+)\s+(\S+)", item)
        if not found:
            raise CellError(
                f"{quoted(item)} is not an acuity change (a date, then the level: 2027-01-04 moderate)"
            )
        changes.append({"date": read_date(found.group(1)), "acuity": found.group(2)})
    return changes


def write_acuity_changes(changes: list[dict[str, str]]) -> str:
    return "; ".join(f"{c['date']} {c['acuity']}" for c in changes)


_EPISODE = re.compile(
    r"(?P<kind>inpatient|away)\s+(?:from\s+)?(?P<start>[^\s,]+)(?:\s+to\s+(?P<end>\d[^\s,]*))?"
    r"(?:,?\s+(?P<visits>[^\s,]+)\s+visits?\s+a\s+week)?"
    r"(?:,?\s+at\s+(?P<lat>-?[\d.]+)\s*,\s*(?P<lon>-?[\d.]+)(?:\s+(?P<label>.+))?)?",
    flags=re.IGNORECASE,
)


def read_episodes(text: str) -> list[dict[str, Any]]:
    """``inpatient 2026-11-24 to 2026-12-03, 1 visit a week, at 41.975, -87.6985 Swedish Hospital;
    away 2026-12-15 to 2026-12-22`` (no end: still there)."""
    episodes = []
    for item in _items(text):
        found = _EPISODE.fullmatch(item)
        if not found:
            raise CellError(
                f"{quoted(item)} is not a hospital stay or absence (e.g. inpatient 2026-11-24 to "
                "2026-12-03, 1 visit a week, at 41.975, -87.6985 Swedish Hospital; "
                "away 2026-12-15 to 2026-12-22)"
            )
        episode: dict[str, Any] = {
            "kind": found.group("kind").lower(),
            "start": read_date(found.group("start")),
        }
        if found.group("end"):
            episode["end"] = read_date(found.group("end"))
        if found.group("lat") is not None:
            place: dict[str, Any] = {
                "lat": read_number(found.group("lat")),
                "lon": read_number(found.group("lon")),
            }
            if found.group("label"):
                place["label"] = found.group("label").strip()
            episode["location"] = place
        if found.group("visits") is not None:
            episode["visits_per_week"] = read_whole(found.group("visits"))
        episodes.append(episode)
    return episodes


def write_episodes(episodes: list[dict[str, Any]]) -> str:
    items = []
    for ep in episodes:
        text = f"{ep['kind']} {ep['start']}"
        if ep.get("end") is not None:
            text += f" to {ep['end']}"
        if "visits_per_week" in ep:
            visits = ep["visits_per_week"]
            text += f", {visits} visit{'' if visits == 1 else 's'} a week"
        place = ep.get("location")
        if place is not None:
            text += f", at {write_number(place['lat'])}, {write_number(place['lon'])}"
            if place.get("label"):
                text += f" {place['label']}"
        items.append(text)
    return "; ".join(items)
