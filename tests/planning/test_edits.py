"""The lead's edit verbs: each saves a new draft or queues a re-plan, audited once, inside the verb."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.db import AuditEvent, Plan
from actplanner.planning import edits
from actplanner.planning.plans import publish_plan, stored_plan_doc
from actplanner.planning.queue import DatabaseQueue
from actplanner.teams.service import team_file
from tests.support.db_factories import WEEK, create_plan, create_team, create_user

MONDAY, TUESDAY, WEDNESDAY = WEEK, date(2026, 12, 1), date(2026, 12, 2)


def _events(session: Session, after: int = 0) -> list[tuple[str, str]]:
    rows = session.scalars(select(AuditEvent).where(AuditEvent.id > after).order_by(AuditEvent.id))
    return [(e.action, e.target) for e in rows]


def _last_event_id(session: Session) -> int:
    return max((e.id for e in session.scalars(select(AuditEvent))), default=0)


def test_sick_call_is_audited_once_with_no_export_event(session: Session) -> None:
    """A sick call records the team change, the queued re-plan and the sick call itself; no "export"."""
    team = create_team(session)
    lead = create_user(session, team_id=team.id)
    published = publish_plan(session=session, plan_id=create_plan(session, team).id, user_id=lead.id)
    before = _last_event_id(session)
    job = edits.record_sick_call(
        session=session,
        queue=DatabaseQueue(),
        team_id=team.id,
        staff_id="s-rn1",
        first=TUESDAY,
        last=WEDNESDAY,
        week_start=WEEK,
        time_limit=5,
        user_id=lead.id,
    )
    assert _events(session, before) == [
        ("import", f"team:{team.id}"),
        ("solve", f"team:{team.id}"),
        ("sick-call", f"staff:{team.id}/s-rn1"),
    ]
    assert (job.baseline_plan_id, job.from_date) == (published.id, TUESDAY)
    member = next(m for m in team_file(session=session, team_id=team.id).staff if m.id == "s-rn1")
    assert [(p.start, p.end) for p in member.leave] == [("2026-12-01T00:00", "2026-12-03T00:00")]


def test_sick_call_without_a_published_plan_keeps_nothing(session: Session) -> None:
    """With no published plan there is nothing to re-plan from: BadEdit, no leave, no audit event."""
    team = create_team(session)
    create_plan(session, team)
    before = _last_event_id(session)
    with pytest.raises(edits.BadEdit, match="no published plan"):
        edits.record_sick_call(
            session=session,
            queue=DatabaseQueue(),
            team_id=team.id,
            staff_id="s-rn1",
            first=TUESDAY,
            last=TUESDAY,
            week_start=WEEK,
            time_limit=5,
            user_id=None,
        )
    assert _events(session, before) == []


def test_move_that_breaks_a_rule_is_refused_and_saves_nothing(session: Session) -> None:
    """Moving a visit out of its client's time window breaks H6: MoveRefused names it, no draft is saved."""
    team = create_team(session)
    draft = create_plan(session, team)
    plans_before = len(session.scalars(select(Plan)).all())
    with pytest.raises(edits.MoveRefused) as refused:
        edits.move_visit(
            session=session,
            plan_id=draft.id,
            visit_id="v-0002",
            from_staff="s-cm1",
            to_staff="",
            to_date=None,
            to_start="14:00",
            flag=False,
            user_id=None,
        )
    assert [v.rule for v in refused.value.broken] == ["H6"]
    assert refused.value.entry["start"] == "14:00"
    assert len(session.scalars(select(Plan)).all()) == plans_before


def test_flagged_move_is_saved_with_the_rule_in_unmet_and_audited_once(session: Session) -> None:
    """The same move, flagged, is saved in the draft itself (the working copy) listing the broken rule,
    with one "move-flagged" event."""
    team = create_team(session)
    draft = create_plan(session, team)
    before = _last_event_id(session)
    moved = edits.move_visit(
        session=session,
        plan_id=draft.id,
        visit_id="v-0002",
        from_staff="s-cm1",
        to_staff="",
        to_date=None,
        to_start="14:00",
        flag=True,
        user_id=None,
    )
    assert (moved.plan.id, moved.plan.source, moved.plan.status) == (draft.id, "edit", "draft")
    unmet = stored_plan_doc(session=session, plan_id=moved.plan.id)["unmet"]
    assert [u["rule"] for u in unmet if u["detail"].startswith(edits.FLAG_PREFIX)] == ["H6"]
    assert _events(session, before) == [("move-flagged", f"plan:{moved.plan.id}")]


def test_move_that_changes_nothing_is_a_bad_edit(session: Session) -> None:
    """A move to the same staff member, date and start is refused in words."""
    team = create_team(session)
    draft = create_plan(session, team)
    with pytest.raises(edits.BadEdit, match="choose another staff member"):
        edits.move_visit(
            session=session,
            plan_id=draft.id,
            visit_id="v-0002",
            from_staff="s-cm1",
            to_staff="s-cm1",
            to_date=MONDAY,
            to_start="",
            flag=False,
            user_id=None,
        )


def test_publish_is_audited_once(session: Session) -> None:
    """Publishing a draft writes one "publish" event naming the plan."""
    team = create_team(session)
    draft = create_plan(session, team)
    before = _last_event_id(session)
    publish_plan(session=session, plan_id=draft.id, user_id=None)
    assert _events(session, before) == [("publish", f"plan:{draft.id}")]


def test_superseded_plan_cannot_be_edited(session: Session) -> None:
    """Once a newer version is published, pins go to that one: PlanSuperseded."""
    team = create_team(session)
    first = create_plan(session, team)
    publish_plan(session=session, plan_id=first.id, user_id=None)
    publish_plan(session=session, plan_id=create_plan(session, team).id, user_id=None)
    with pytest.raises(edits.PlanSuperseded):
        edits.toggle_pin(session=session, plan_id=first.id, staff_id="s-cm1", visit_id="v-0002", user_id=None)
