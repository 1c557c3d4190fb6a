"""The effective on-call rota: the published plan's periods with the lead's overrides laid over them.

Pure functions on plain values, shared by the on-call lookup (page, API, CLI),
the coverage warning and the calendar feeds, so all of them give one answer.

Times: periods and overrides are stored as the team's local ``YYYY-MM-DDTHH:MM``;
here they become instants (aware, UTC), so an on-call period over a daylight-saving
change lasts 23 or 25 hours and comparisons never meet a repeated local hour.
A later override wins over an earlier one and over the plan; what it covers is
cut out of whatever it overlaps, which may split a period in two.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

#: The order in which a caller works down the roles before the team leader.
ESCALATION_ROLES = ("primary", "backup", "prescriber")
#: How far ahead the coverage warning looks.
COVERAGE_HORIZON = timedelta(days=14)


@dataclass(frozen=True)
class Assignment:
    """A plan period or an override: ``staff_id`` holds ``role`` over the local [start, end)."""

    role: str
    staff_id: str
    start: str
    end: str
    #: The record's random calendar UID.
    uid: str


@dataclass(frozen=True)
class Holding:
    """A stretch of time over which one staff member holds one role (instants in UTC).

    ``source`` names the piece for the calendar ledger: the UID of the period or
    override it comes from and its index among that record's pieces.
    """

    role: str
    staff_id: str
    start: datetime
    end: datetime
    source: str


def local_to_utc(text: str, tz: ZoneInfo) -> datetime:
    """A team-local ``YYYY-MM-DDTHH:MM`` as an instant (the first of a repeated local time)."""
    return datetime.fromisoformat(text).replace(tzinfo=tz).astimezone(UTC)


def utc_to_local(instant: datetime, tz: ZoneInfo) -> str:
    """An instant as the team-local ``YYYY-MM-DDTHH:MM``."""
    return instant.astimezone(tz).strftime("%Y-%m-%dT%H:%M")


def effective_rota(
    periods: Iterable[Assignment], overrides: Sequence[Assignment], tz: ZoneInfo
) -> list[Holding]:
    """Who holds each role when: ``periods`` from published plans, ``overrides`` oldest first.

    Sorted by role, then start. For any role no two holdings overlap.
    """
    pieces: list[tuple[str, Holding]] = []
    for period in periods:
        pieces.append((period.uid, _holding(period, tz)))
    for override in overrides:
        cover = _holding(override, tz)
        kept: list[tuple[str, Holding]] = []
        for base, piece in pieces:
            if piece.role != cover.role or piece.end <= cover.start or piece.start >= cover.end:
                kept.append((base, piece))
                continue
            if piece.start < cover.start:
                kept.append((base, replace(piece, end=cover.start)))
            if cover.end < piece.end:
                kept.append((base, replace(piece, start=cover.end)))
        if cover.start < cover.end:
            kept.append((override.uid, cover))
        pieces = kept
    # Pieces of one record are numbered in time order, so a piece keeps its name
    # (and its calendar UID) while the overrides around it stay the same.
    by_base: dict[str, list[Holding]] = {}
    for base, piece in pieces:
        by_base.setdefault(base, []).append(piece)
    named = [
        replace(piece, source=f"{base}:{index}")
        for base, group in by_base.items()
        for index, piece in enumerate(sorted(group, key=lambda h: h.start))
    ]
    return sorted(named, key=lambda h: (h.role, h.start, h.staff_id))


def _holding(assignment: Assignment, tz: ZoneInfo) -> Holding:
    return Holding(
        role=assignment.role,
        staff_id=assignment.staff_id,
        start=local_to_utc(assignment.start, tz),
        end=local_to_utc(assignment.end, tz),
        source=assignment.uid,
    )


def runs(holdings: Iterable[Holding], role: str) -> list[Holding]:
    """The role's holdings with back-to-back stretches of one person joined (as the lookup shows them)."""
    joined: list[Holding] = []
    for holding in sorted((h for h in holdings if h.role == role), key=lambda h: h.start):
        last = joined[-1] if joined else None
        if last is not None and last.staff_id == holding.staff_id and last.end == holding.start:
            joined[-1] = replace(last, end=holding.end)
        else:
            joined.append(holding)
    return joined


@dataclass(frozen=True)
class RoleNow:
    """Who holds a role at an instant (None: nobody), since and until when, and who comes next."""

    role: str
    staff_id: str | None
    since: datetime | None
    until: datetime | None
    next_staff_id: str | None
    next_from: datetime | None


def role_at(holdings: Iterable[Holding], role: str, at: datetime) -> RoleNow:
    """The role at instant ``at``: the current holder's stretch, and the next different holder.

    With nobody on call, ``since`` is when the last holding ended and ``until``
    when the next begins (None when there is none either side).
    """
    stretches = runs(holdings, role)
    current = next((h for h in stretches if h.start <= at < h.end), None)
    if current is not None:
        later = [h for h in stretches if h.start >= current.end and h.staff_id != current.staff_id]
        following = later[0] if later else None
        return RoleNow(
            role=role,
            staff_id=current.staff_id,
            since=current.start,
            until=current.end,
            next_staff_id=following.staff_id if following else None,
            next_from=following.start if following else None,
        )
    before = [h.end for h in stretches if h.end <= at]
    after = [h for h in stretches if h.start > at]
    following = after[0] if after else None
    return RoleNow(
        role=role,
        staff_id=None,
        since=max(before) if before else None,
        until=following.start if following else None,
        next_staff_id=following.staff_id if following else None,
        next_from=following.start if following else None,
    )


def gaps(
    holdings: Iterable[Holding], role: str, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The stretches of [start, end) in which nobody holds ``role``."""
    found: list[tuple[datetime, datetime]] = []
    cursor = start
    for holding in runs(holdings, role):
        if holding.end <= cursor:
            continue
        if holding.start >= end:
            break
        if holding.start > cursor:
            found.append((cursor, holding.start))
        cursor = max(cursor, holding.end)
        if cursor >= end:
            break
    if cursor < end:
        found.append((cursor, end))
    return found
