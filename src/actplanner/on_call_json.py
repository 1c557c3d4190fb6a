"""The on-call answer as a JSON document, and the moment it is asked for: shared by the API and the CLI.

One serializer, so ``GET /api/v1/on-call`` and ``actplanner on-call --json``
cannot drift apart. Times are ISO 8601 with the team's UTC offset.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from actplanner.services.on_call import OnCallAnswer, Person

#: The moments a lookup may ask about; outside them date arithmetic (a week back, two ahead) overflows.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def parse_at(text: str, tz: ZoneInfo) -> datetime:
    """The instant ``text`` names: ISO 8601 with an offset or ``Z``, or without one in the team's zone.

    A local time repeated by a daylight-saving change means its first occurrence,
    as for the rota's periods. ValueError names the field ``at``.
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            f"at: {text!r} is not an ISO 8601 date and time "
            "(e.g. 2026-11-30T14:05-06:00, 2026-11-30T20:05Z or team-local 2026-11-30T14:05)."
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"at: {text!r} is out of range; give a moment from 1970 to 2199.")
    return value.astimezone(tz)


def iso(instant: datetime | None) -> str | None:
    """An instant as ISO 8601 to the second with its offset, or None."""
    return None if instant is None else instant.isoformat(timespec="seconds")


def person_document(person: Person | None) -> dict[str, Any] | None:
    """A staff member as the lookup shows them: id, name, phone and discipline only."""
    if person is None:
        return None
    return {"id": person.id, "name": person.name, "phone": person.phone, "discipline": person.discipline}


def on_call_document(answer: OnCallAnswer) -> dict[str, Any]:
    """The answer of ``services.on_call_now`` as the API's and the CLI's JSON document."""
    return {
        "team": answer.team_id,
        "team_name": answer.team_name,
        "timezone": answer.timezone,
        "at": iso(answer.at),
        "on_call": [
            {
                "role": role.role,
                "staff": person_document(role.holder),
                "since": iso(role.since),
                "until": iso(role.until),
                "next": None
                if role.next is None
                else {"staff": person_document(role.next), "from": iso(role.next_from)},
            }
            for role in answer.roles
        ],
        "escalation": [
            {"step": step.step, "role": step.role, "staff": person_document(step.person)}
            for step in answer.escalation
        ],
        "primary_gaps": [{"start": iso(start), "end": iso(end)} for start, end in answer.primary_gaps],
    }
