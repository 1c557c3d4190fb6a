"""Weeks and days as a team sees them: a week is named by its Monday, "today" is the team's date.

One Monday check for every page, form and API body, and one "today in the team's
zone": a lead working late in another time zone plans the same week as the team.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

DAYS_IN_WEEK = 7
#: The days actplanner plans: the years 2000 to 2100, so weeks from Monday 2000-01-03 to
#: Monday 2100-12-27. A century no team outlives, and far enough from ``date``'s own
#: limits (years 1 and 9999) that a week's Sunday, the weeks before and after it and a
#: requirement's window (up to a year either side) are all dates too.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


class WeekError(ValueError):
    """A week or date that is not one actplanner plans; the message names the field and says what is wrong."""


def parse_week(text: str | None, *, default: date, field: str = "week") -> date:
    """The Monday of the week the date ``text`` (YYYY-MM-DD) falls in; ``default`` when nothing is given.

    A lead picks a date, any date, and means its week: a Wednesday shows the week of the
    Monday before it. WeekError names ``field`` when ``text`` is not a date, or not one of
    a week actplanner plans. Files and API bodies name weeks by their Monday
    (``require_monday``): a program sending a Wednesday has a bug worth hearing about.
    """
    if text is None or not text.strip():
        return default
    return require_planned(monday_of(parse_day(text, field=field)), field=field)


def parse_day(text: str, *, field: str) -> date:
    """The date ``text`` names (YYYY-MM-DD), one actplanner plans; WeekError naming ``field`` otherwise."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise WeekError(f"{field}: {text[:40]!r} is not a date (YYYY-MM-DD).") from None
    return require_planned(day, field=field)


def require_planned(day: date, *, field: str = "week") -> date:
    """``day`` when it lies in the years actplanner plans (``FIRST_DAY`` to ``LAST_DAY``), else WeekError."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise WeekError(
            f"{field}: {day} is outside the dates actplanner plans; "
            f"give a date from {FIRST_DAY.year} to {LAST_DAY.year}."
        )
    return day


def require_monday(day: date, *, field: str = "week") -> date:
    """``day`` when it is a Monday in the years actplanner plans; WeekError naming ``field`` otherwise."""
    require_planned(day, field=field)
    if day.weekday() != 0:
        raise WeekError(f"{field}: {day} is a {day:%A}; a week starts on a Monday.")
    return day


def monday_of(day: date) -> date:
    """The Monday of the week ``day`` is in."""
    return day - timedelta(days=day.weekday())


def week_dates(monday: date) -> list[date]:
    """The seven dates of the week starting ``monday``."""
    return [monday + timedelta(days=i) for i in range(DAYS_IN_WEEK)]


def team_today(timezone: str, now: datetime | None = None) -> date:
    """Today's date in the team's time zone (``now``: an aware moment, default the present)."""
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(timezone)).date()


def in_team_zone(moment: datetime, timezone: str) -> datetime:
    """``moment`` as the team's clocks show it; a naive moment is read as UTC (as the database stores)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(ZoneInfo(timezone))


def team_time(moment: datetime | None, timezone: str) -> str:
    """A stored moment in the team's zone with its abbreviation: "Tue 1 Dec 2026, 06:05 CST".

    Every page shows times as the team lives them, never in UTC; "" for no moment.
    """
    if moment is None:
        return ""
    return in_team_zone(moment, timezone).strftime("%a %-d %b %Y, %H:%M %Z")
