"""The on-call answer as a JSON document: shared by the API and the CLI (``parse_at`` re-exported).

One serializer, so ``GET /api/v1/on-call`` and ``actplanner on-call --json``
cannot drift apart. Times are ISO 8601 with the team's UTC offset.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from actplanner.on_call.service import EARLIEST, LATEST, OnCallAnswer, Person, parse_at


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
        "primary_gaps": [{"start": iso(gap.start), "end": iso(gap.end)} for gap in answer.primary_gaps],
    }


__all__ = ["EARLIEST", "LATEST", "iso", "on_call_document", "parse_at", "person_document"]
