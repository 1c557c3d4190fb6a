"""One feed's calendar as iCalendar: a staff member's events or a team's on-call rota, and when it changed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from actplanner.feeds.ical import FeedLinks, render_calendar
from actplanner.feeds.service import feed_view
from actplanner.teams.service import get_team


def feed_calendar(
    *, session: Session, team_id: str, staff_id: str | None, links: FeedLinks
) -> tuple[bytes, datetime]:
    """The calendar of ``staff_id`` (None: the team's on-call rota, with names) and its last change.

    The change is in whole seconds, rounded up, as HTTP dates carry it.
    """
    team = get_team(session=session, team_id=team_id)
    names = {s.id: s.name for s in team.staff}
    if staff_id is not None:
        view = feed_view(session=session, team_id=team.id, staff_id=staff_id)
        title, staff_names = f"{team.name}: {names.get(staff_id, staff_id)}", None
    else:
        view = feed_view(session=session, team_id=team.id, kind="on_call")
        title, staff_names = f"{team.name}: on-call rota", names
    body = render_calendar(view, name=title, tzid=team.timezone, links=links, staff_names=staff_names)
    # Names and the zone come from the team too; an import changes them and stamps the team.
    changed = max(filter(None, (view.last_modified, team.updated_at)))
    # Rounding up keeps a change later in the same second visible to If-Modified-Since.
    if changed.microsecond:
        changed = changed.replace(microsecond=0) + timedelta(seconds=1)
    return body, changed
