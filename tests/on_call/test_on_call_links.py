"""Read-only on-call links: made, listed and revoked by one verb each, each audited exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.accounts.service import token_grant
from actplanner.db import AuditEvent
from actplanner.domain.errors import NotFound
from actplanner.on_call.links import create_on_call_link, on_call_links, revoke_on_call_link
from tests.support.db_factories import create_team, create_user


def audited(session: Session) -> list[tuple[int | None, str, str, dict | None]]:
    """The links' audit events (not the team's import), oldest first."""
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("%on_call_link")).order_by(AuditEvent.id)
    )
    return [(e.user_id, e.action, e.target, e.detail) for e in events]


def test_a_link_is_made_listed_and_revoked_with_one_event_each(session: Session) -> None:
    """Making and revoking are one event each (revoking twice is no second one); the token is in neither."""
    team = create_team(session)
    lead = create_user(session, team_id=team.id)
    link = create_on_call_link(
        session=session, team_id=team.id, name=" kiosk ", owner_id=lead.id, user_id=None
    )
    assert token_grant(session=session, token=link.token, kinds=("on_call_link",)) is not None
    assert [
        (row.id, row.name, row.created_by) for row in on_call_links(session=session, team_id=team.id)
    ] == [(link.id, "kiosk", "lead")]
    revoke_on_call_link(session=session, link_id=link.id, user_id=lead.id)
    revoke_on_call_link(session=session, link_id=link.id, user_id=lead.id)
    assert on_call_links(session=session, team_id=team.id) == []
    assert audited(session) == [
        (
            None,
            "create_on_call_link",
            f"token:{link.id}",
            {"team": team.id, "name": "kiosk", "owner": lead.id},
        ),
        (lead.id, "revoke_on_call_link", f"token:{link.id}", {"team": team.id, "name": "kiosk"}),
    ]
    assert link.token not in str(audited(session))


def test_a_link_needs_a_name_and_a_lead_of_the_team(session: Session) -> None:
    """An empty name is refused naming the field; a staff login may not own a link; neither is audited."""
    team = create_team(session)
    lead = create_user(session, team_id=team.id)
    nurse = create_user(session, username="nurse", role="staff", team_id=team.id, staff_id=team.staff[0].id)
    with pytest.raises(ValueError, match="^name: "):
        create_on_call_link(session=session, team_id=team.id, name="  ", owner_id=lead.id, user_id=lead.id)
    with pytest.raises(ValueError, match="Only a lead"):
        create_on_call_link(session=session, team_id=team.id, name="kiosk", owner_id=nurse.id, user_id=None)
    assert audited(session) == []


def test_revoking_an_unknown_link_is_not_found(session: Session) -> None:
    with pytest.raises(NotFound, match="No on-call link 12345"):
        revoke_on_call_link(session=session, link_id=12345, user_id=None)
