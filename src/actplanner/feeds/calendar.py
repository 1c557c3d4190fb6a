"""One feed's calendar as iCalendar: a staff member's events or a team's on-call rota, and when it changed.

``feed_state`` reads what the feed would show (ledger rows, names, the zone) without
rendering it; its ``etag`` is a digest of exactly what ``render`` writes, so an
unchanged feed is answered 304 from the stored state alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from actplanner.feeds.ical import FeedLinks, render_calendar
from actplanner.feeds.service import FeedView, feed_view
from actplanner.teams.service import get_team

#: Raised whenever ``render_calendar`` writes the same inputs differently, so every ETag changes with it.
RENDER_VERSION = 3


@dataclass(frozen=True)
class FeedState:
    """Everything a feed's body is made from, and its last change (whole seconds, rounded up)."""

    view: FeedView
    title: str
    tzid: str
    #: The team rota: each on-call title names its holder.
    show_holders: bool
    last_modified: datetime

    def etag(self, links: FeedLinks) -> str:
        """A strong validator of the body ``render(links)`` gives, computed without rendering it."""
        inputs = [
            RENDER_VERSION,
            self.title,
            self.tzid,
            links.my_week,
            links.on_call,
            self.show_holders,
            [
                [
                    row.uid,
                    row.sequence,
                    row.updated_at.isoformat(),
                    row.kind,
                    row.staff_id,
                    row.start,
                    row.end,
                    row.role,
                    row.holder,
                    row.client_code,
                    row.purpose,
                    row.cancelled_at is not None,
                ]
                for row in self.view.events
            ],
        ]
        return hashlib.sha256(json.dumps(inputs, ensure_ascii=False).encode()).hexdigest()

    def render(self, links: FeedLinks) -> bytes:
        """The feed as iCalendar bytes."""
        return render_calendar(
            self.view, name=self.title, tzid=self.tzid, links=links, show_holders=self.show_holders
        )


def feed_state(*, session: Session, team_id: str, staff_id: str | None) -> FeedState:
    """What the calendar of ``staff_id`` (None: the team's on-call rota, with names) is made of."""
    team = get_team(session=session, team_id=team_id)
    if staff_id is not None:
        view = feed_view(session=session, team_id=team.id, staff_id=staff_id)
        names = {s.id: s.name for s in team.staff}
        title, show_holders = f"{team.name}: {names.get(staff_id, staff_id)}", False
    else:
        view = feed_view(session=session, team_id=team.id, kind="on_call")
        title, show_holders = f"{team.name}: on-call rota", True
    # Names and the zone come from the team too; an import changes them and stamps the team.
    changed = max(filter(None, (view.last_modified, team.updated_at)))
    # Rounding up keeps a change later in the same second visible to If-Modified-Since.
    if changed.microsecond:
        changed = changed.replace(microsecond=0) + timedelta(seconds=1)
    return FeedState(view, title, team.timezone, show_holders, changed)


def feed_calendar(
    *, session: Session, team_id: str, staff_id: str | None, links: FeedLinks
) -> tuple[bytes, datetime]:
    """The calendar of ``staff_id`` (None: the team's on-call rota, with names) and its last change."""
    state = feed_state(session=session, team_id=team_id, staff_id=staff_id)
    return state.render(links), state.last_modified
