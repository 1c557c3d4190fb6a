"""Drafts do not pile up (issue 13, item 7): pins and moves change the week's working draft in place
with one undo step each, and an earlier published version can be published again (a revert)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.db import AuditEvent, FeedEvent, Plan
from actplanner.planning import edits, plans
from tests.support.db_factories import WEEK, create_plan, create_team
from tests.support.web_factories import TEAM, World, db, form_token, plan_doc, sign_in

MONDAY = WEEK


def week_plans(session: Session, team_id: str) -> list[Plan]:
    return list(session.scalars(select(Plan).where(Plan.team_id == team_id).order_by(Plan.id)))


def drafts(session: Session, team_id: str) -> list[Plan]:
    return [p for p in week_plans(session, team_id) if p.status == "draft"]


def visit(doc: dict[str, Any], visit_id: str) -> dict[str, Any]:
    return next(v for v in doc["visits"] if v["id"] == visit_id)


def pin(session: Session, plan_id: int, staff: str, visit_id: str) -> Plan:
    return edits.toggle_pin(
        session=session, plan_id=plan_id, staff_id=staff, visit_id=visit_id, user_id=None
    )[0]


def move_to(session: Session, plan_id: int, visit_id: str, staff: str, start: str) -> Plan:
    return edits.move_visit(
        session=session,
        plan_id=plan_id,
        visit_id=visit_id,
        from_staff=staff,
        to_staff="",
        to_date=None,
        to_start=start,
        flag=False,
        user_id=None,
    ).plan


def events(session: Session, action: str) -> list[AuditEvent]:
    return list(
        session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))
    )


# ---------------------------------------------------------------------------------------------
# One working draft


def test_several_pins_and_moves_leave_one_draft_and_one_undo_step(session: Session) -> None:
    """Three edits of a solve's draft change it in place: one draft, one hidden undo step, the edits in it."""
    team = create_team(session)
    draft = create_plan(session, team)
    assert pin(session, draft.id, "s-cm1", "v-0005").id == draft.id
    assert move_to(session, draft.id, "v-0010", "s-cm1", "11:00").id == draft.id
    assert pin(session, draft.id, "s-cm1", "v-0002").id == draft.id
    assert [p.id for p in drafts(session, team.id)] == [draft.id]
    hidden = [p for p in week_plans(session, team.id) if p.status == "superseded"]
    assert len(hidden) == 1 and hidden[0].version is None  # the undo step, never a version
    doc = plans.stored_plan_doc(session=session, plan_id=draft.id)
    assert visit(doc, "v-0005")["pinned"] is True and visit(doc, "v-0002")["pinned"] is True
    assert visit(doc, "v-0010")["start"] == "11:00"
    assert draft.source == "edit"


def test_undo_restores_the_draft_as_it_was_before_the_last_edit_only(session: Session) -> None:
    """Undo takes back the last edit (the move), not the one before (the pin); then nothing is left."""
    team = create_team(session)
    draft = create_plan(session, team)
    pin(session, draft.id, "s-cm1", "v-0005")
    after_pin = plans.stored_plan_doc(session=session, plan_id=draft.id)
    move_to(session, draft.id, "v-0010", "s-cm1", "11:00")
    assert plans.undo_step(session=session, plan=draft) == "restore"
    shown = plans.undo_edit(session=session, plan_id=draft.id, user_id=None)
    assert shown is not None and shown.id == draft.id
    assert plans.stored_plan_doc(session=session, plan_id=draft.id) == after_pin
    # The draft began as the solver's: one step back is all there is.
    assert plans.undo_step(session=session, plan=draft) is None
    with pytest.raises(ValueError, match="no edit to undo"):
        plans.undo_edit(session=session, plan_id=draft.id, user_id=None)
    assert [p.id for p in week_plans(session, team.id)] == [draft.id]
    assert [e.target for e in events(session, "undo")] == [f"plan:{draft.id}"]


def test_undo_keeps_the_calendar_uids_of_the_visits(session: Session) -> None:
    """A restored draft's visits are the same calendar events as before the edit (UID kept)."""
    team = create_team(session)
    draft = create_plan(session, team)
    uids = {v.id: v.uid for v in draft.visits}
    move_to(session, draft.id, "v-0010", "s-cm1", "11:00")
    plans.undo_edit(session=session, plan_id=draft.id, user_id=None)
    assert {v.id: v.uid for v in plans.get_plan(session=session, plan_id=draft.id).visits} == uids


def test_an_edit_of_the_published_plan_starts_one_working_draft_and_undo_discards_it(
    session: Session,
) -> None:
    """The published plan is never changed: the first edit makes the working draft, later edits change
    it, and undoing back past the first drops the draft, showing the published version again."""
    team = create_team(session)
    published = create_plan(session, team)
    plans.publish_plan(session=session, plan_id=published.id, user_id=None)
    working = pin(session, published.id, "s-cm1", "v-0005")
    assert working.id != published.id and working.baseline_plan_id == published.id
    assert pin(session, working.id, "s-cm1", "v-0002").id == working.id
    assert [p.id for p in drafts(session, team.id)] == [working.id]
    assert "pinned" not in visit(plans.stored_plan_doc(session=session, plan_id=published.id), "v-0005")
    assert plans.undo_edit(session=session, plan_id=working.id, user_id=None).id == working.id
    assert plans.undo_step(session=session, plan=working) == "discard"
    assert plans.undo_edit(session=session, plan_id=working.id, user_id=None).id == published.id
    assert drafts(session, team.id) == []
    assert [p.id for p in week_plans(session, team.id)] == [published.id]


def test_publishing_a_draft_drops_its_undo_step(session: Session) -> None:
    """Undo is for a draft: once published, its kept state goes and no undo is offered."""
    team = create_team(session)
    draft = create_plan(session, team)
    pin(session, draft.id, "s-cm1", "v-0005")
    plans.publish_plan(session=session, plan_id=draft.id, user_id=None)
    assert [p.id for p in week_plans(session, team.id)] == [draft.id]
    assert plans.undo_step(session=session, plan=draft) is None


# ---------------------------------------------------------------------------------------------
# Publish an earlier version again


def published_twice(session: Session) -> tuple[Plan, Plan, Any]:
    """Version 1 (the greedy plan) and version 2 (its v-0010 moved to 11:00) of the small team's week."""
    team = create_team(session)
    first = create_plan(session, team)
    plans.publish_plan(session=session, plan_id=first.id, user_id=None)
    second = move_to(session, first.id, "v-0010", "s-cm1", "11:00")
    plans.publish_plan(session=session, plan_id=second.id, user_id=None)
    return first, second, team


def test_an_earlier_version_is_published_again_as_a_new_version_equal_to_it(session: Session) -> None:
    first, second, team = published_twice(session)
    diff = plans.plan_diff(session=session, old_plan_id=second.id, new_plan_id=first.id)
    assert [(m["before"]["start"], m["after"]["start"]) for m in diff["moved"]] == [("11:00", "10:51")]
    assert diff["added"] == diff["cancelled"] == []
    again = plans.republish_version(session=session, plan_id=first.id, user_id=None)
    assert (again.status, again.version) == ("published", 3)
    assert (first.status, second.status) == ("superseded", "superseded")
    doc, original = (plans.stored_plan_doc(session=session, plan_id=p) for p in (again.id, first.id))
    assert doc == original
    (event,) = events(session, "republish")
    assert event.target == f"plan:{again.id}" and event.detail["of_version"] == 1
    assert event.detail["version"] == 3


def test_the_calendar_feeds_follow_the_version_published_again(session: Session) -> None:
    """The moved visit's feed event keeps its UID and goes back to its first time, its SEQUENCE raised."""
    first, second, team = published_twice(session)
    row = session.scalars(
        select(FeedEvent).where(FeedEvent.staff_id == "s-cm1", FeedEvent.start == f"{MONDAY}T11:00")
    ).one()
    uid, sequence = row.uid, row.sequence
    plans.republish_version(session=session, plan_id=first.id, user_id=None)
    session.refresh(row)
    assert row.uid == uid and row.start == f"{MONDAY}T10:51" and row.sequence == sequence + 1


def test_only_an_earlier_version_can_be_published_again(session: Session) -> None:
    first, second, team = published_twice(session)
    with pytest.raises(ValueError, match="version 2 is published"):
        plans.republish_version(session=session, plan_id=second.id, user_id=None)
    draft = create_plan(session, team)
    with pytest.raises(ValueError, match="is draft"):
        plans.republish_version(session=session, plan_id=draft.id, user_id=None)


# ---------------------------------------------------------------------------------------------
# On the board


def lead_with_a_draft(app: FastAPI, client: TestClient) -> int:
    with db(app) as session:
        plan = plans.save_plan(session=session, team_id=TEAM, plan_file=plan_doc(), source="solve")
        session.commit()
        plan_id = plan.id
    sign_in(client, "lead")
    return plan_id


def test_the_board_offers_undo_after_an_edit_and_undo_goes_back(
    app: FastAPI, client: TestClient, world: World
) -> None:
    draft = lead_with_a_draft(app, client)
    board = client.get(f"/board?week={WEEK}")
    assert 'id="undo"' not in board.text  # the solver's draft, not edited
    with db(app) as session:
        move_to(session, draft, "v-0010", "s-cm1", "11:00")
        session.commit()
    board = client.get(f"/board?week={WEEK}")
    assert 'id="undo"' in board.text and "Undo the last edit" in board.text
    response = client.post(
        f"/board/plans/{draft}/undo", data={"csrf_token": form_token(board.text)}, follow_redirects=False
    )
    assert response.status_code == 303 and f"plan={draft}" in response.headers["location"]
    with db(app) as session:
        assert visit(plans.stored_plan_doc(session=session, plan_id=draft), "v-0010")["start"] == "10:51"
    again = client.post(f"/board/plans/{draft}/undo", data={"csrf_token": form_token(board.text)})
    assert again.status_code == 409 and "no edit to undo" in again.text


def test_the_board_publishes_an_earlier_version_again_after_showing_its_diff(
    app: FastAPI, client: TestClient, world: World
) -> None:
    first = lead_with_a_draft(app, client)
    with db(app) as session:
        plans.publish_plan(session=session, plan_id=first, user_id=None)
        second = move_to(session, first, "v-0010", "s-cm1", "11:00").id
        plans.publish_plan(session=session, plan_id=second, user_id=None)
        session.commit()
    board = client.get(f"/board?week={WEEK}")
    assert f'href="/board/plans/{first}/republish"' in board.text
    assert f'href="/board/plans/{second}/republish"' not in board.text  # the published one
    page = client.get(f"/board/plans/{first}/republish")
    assert page.status_code == 200
    assert "Publish version 1 again?" in page.text
    assert '<span data-count="moved">1 moved</span>' in page.text
    assert "11:00" in page.text and "10:51" in page.text
    response = client.post(
        f"/board/plans/{first}/republish", data={"csrf_token": form_token(page.text)}, follow_redirects=False
    )
    assert response.status_code == 303
    with db(app) as session:
        current = plans.published_plan(session=session, team_id=TEAM, week_start=WEEK)
        assert current is not None and current.version == 3
        assert visit(plans.stored_plan_doc(session=session, plan_id=current.id), "v-0010")["start"] == "10:51"
    assert client.get(f"/board/plans/{second}/republish").status_code == 200  # now an earlier version
    published_page = client.get(f"/board/plans/{current.id}/republish")
    assert published_page.status_code == 409
