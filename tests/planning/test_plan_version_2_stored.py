"""A plan@2 kept in the database (migration 0007): its ``replan_from`` and its visits' ``place`` come
back out of the plan file, the API and the board's re-plans, and the publish check of a made-up week
reads the contact log before ``replan_from`` as the solver did, so it asks about no false H1."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from actplanner.checker import check
from actplanner.db import AuditEvent, Plan, SolveJob
from actplanner.domain.formats import dump_plan, dump_team, load_plan
from actplanner.domain.formats.plan import PLAN_FORMAT_2, PlanVisit
from actplanner.planning import plans
from actplanner.planning.worker import work_loop
from actplanner.settings import Settings
from actplanner.teams.service import team_file
from tests.support.web_factories import (
    TEAM,
    World,
    bearer,
    db,
    form_token,
    plan_doc,
    publish_with_monday_no_show,
    sign_in,
)

WEEK = "2026-11-30"
#: Wednesday afternoon of the test week in the small team's zone: Monday and Tuesday have happened.
WEDNESDAY = datetime(2026, 12, 2, 15, 0, tzinfo=ZoneInfo("America/Chicago"))
THURSDAY = "2026-12-03"


def replan_doc() -> dict[str, Any]:
    """The small team's greedy plan as a re-plan from Thursday (plan@2)."""
    doc = plan_doc()
    doc["format"] = PLAN_FORMAT_2
    doc["replan_from"] = THURSDAY
    return doc


def test_a_plan_made_from_a_date_is_stored_and_read_back_with_its_replan_from(
    app: FastAPI, client: TestClient, world: World
) -> None:
    doc = replan_doc()
    with db(app) as session:
        saved = plans.save_plan(session=session, team_id=TEAM, plan_file=doc, source="replan")
        session.commit()
        plan_id = saved.id
    with db(app) as session:
        stored = plans.stored_plan_doc(session=session, plan_id=plan_id)
        row = session.get(Plan, plan_id)
        assert row is not None and row.replan_from == date.fromisoformat(THURSDAY)
    assert stored == dump_plan(load_plan(doc))
    assert stored["format"] == PLAN_FORMAT_2 and stored["replan_from"] == THURSDAY
    # The API's plan file, as a script exports it.
    token = world.lead_token
    response = client.get(f"/api/v1/plans/{plan_id}", headers=bearer(token))
    assert response.status_code == 200, response.text
    assert response.json()["replan_from"] == THURSDAY
    assert response.json()["format"] == PLAN_FORMAT_2


def test_a_plan_1_stays_a_plan_1_and_a_plan_2_without_version_2_keys_stays_a_plan_2(
    app: FastAPI, world: World
) -> None:
    plain = plan_doc()
    said_2 = {**plan_doc(), "format": PLAN_FORMAT_2}
    with db(app) as session:
        one = plans.save_plan(session=session, team_id=TEAM, plan_file=plain, source="solve")
        two = plans.save_plan(session=session, team_id=TEAM, plan_file=said_2, source="solve")
        assert one.replan_from is None and two.replan_from is None
        assert plans.stored_plan_doc(session=session, plan_id=one.id) == dump_plan(load_plan(plain))
        assert plans.stored_plan_doc(session=session, plan_id=two.id) == dump_plan(load_plan(said_2))
        assert "replan_from" not in plans.stored_plan_doc(session=session, plan_id=one.id)


@pytest.mark.skipif("place" not in PlanVisit.model_fields, reason="plan@2 visit place not in formats yet")
def test_a_visits_place_is_stored_and_read_back(app: FastAPI, world: World) -> None:
    doc = replan_doc()
    doc["visits"][0]["place"] = "hospital"
    doc["visits"][1]["place"] = "home"
    with db(app) as session:
        saved = plans.save_plan(session=session, team_id=TEAM, plan_file=doc, source="replan")
        assert [v.place for v in saved.visits[:3]] == ["hospital", "home", None]
        stored = plans.stored_plan_doc(session=session, plan_id=saved.id)
    assert stored["visits"][0]["place"] == "hospital" and stored["visits"][1]["place"] == "home"
    assert "place" not in stored["visits"][2]


@pytest.fixture
def no_show_on_monday(app: FastAPI, world: World, clock: Callable[[datetime], None]) -> dict[str, Any]:
    """The small team's plan published, Wednesday afternoon, and the Monday visit of a client the
    plan gives exactly their count recorded as a no-show; that visit."""
    clock(WEDNESDAY)
    plan_id, monday = publish_with_monday_no_show(app, world.lead_id)
    return {**monday, "plan_id": plan_id}


def made_up_draft(app: FastAPI, client: TestClient, settings: Settings, published_id: int) -> int:
    """The board's "Re-plan the rest of the week", run by the worker: the draft's id."""
    sign_in(client, "lead")
    csrf = form_token(client.get("/board", params={"week": WEEK}).text)
    response = client.post(
        f"/board/plans/{published_id}/make-up",
        data={"csrf_token": csrf, "time_limit": "3"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert work_loop(url=settings.database_url, once=True) == 1
    with db(app) as session:
        job = session.scalars(select(SolveJob)).one()
        assert job.status == "done", job.error
        assert job.plan_id is not None
        return job.plan_id


def h1_of(concerns: list[str], client_id: str) -> list[str]:
    return [c for c in concerns if c.startswith("H1") and client_id in c]


def test_a_made_up_week_publishes_without_asking_and_a_short_one_still_asks(
    app: FastAPI,
    client: TestClient,
    settings: Settings,
    world: World,
    no_show_on_monday: dict[str, Any],
) -> None:
    """The re-plan from Thursday makes up the Monday no-show: the publish check, counting the
    log, finds nothing to confirm (without the log the checker would call the extra visit one
    too many). The same draft with the make-up visit taken out is short, and publish asks."""
    missed = no_show_on_monday
    draft_id = made_up_draft(app, client, settings, missed["plan_id"])
    with db(app) as session:
        doc = plans.stored_plan_doc(session=session, plan_id=draft_id)
        team = team_file(session=session, team_id=TEAM)
        assert doc["replan_from"] == THURSDAY and doc["format"] == PLAN_FORMAT_2
        from_thursday = [
            v for v in doc["visits"] if v["client"] == missed["client"] and v["date"] >= THURSDAY
        ]
        # The checker alone, as the publish check ran before: the planned Monday counts as seen.
        blind = check(dump_team(team), doc, week_start=WEEK)
        assert [v for v in blind.unexcused if v.rule == "H1" and v.client == missed["client"]]
        assert plans.publish_concerns(session=session, plan_id=draft_id) == []

        # Short: the make-up visit of the client taken out, saved as the lead's edit.
        short = copy.deepcopy(doc)
        made_up = next(
            v
            for v in from_thursday
            if not any(
                b["id"] == v["id"] and b["date"] == v["date"]
                for b in plans.stored_plan_doc(session=session, plan_id=missed["plan_id"])["visits"]
            )
        )
        short["visits"] = [v for v in short["visits"] if v is not made_up and v["id"] != made_up["id"]]
        edited = plans.save_plan(
            session=session, team_id=TEAM, plan_file=short, source="edit", baseline_plan_id=draft_id
        )
        session.commit()
        edited_id = edited.id
    # The draft's changes page counts broken rules as publishing does, with the log: none for the
    # made-up week (read blind, it named the client's H1), the client's H1 for the short one.
    made_up_page = client.get(f"/board/plans/{draft_id}/changes")
    assert made_up_page.status_code == 200, made_up_page.text
    assert "The checker finds every hard rule met" in made_up_page.text
    short_page = client.get(f"/board/plans/{edited_id}/changes").text
    assert re.search(r"The checker finds \d+ broken rules? in plan", short_page)
    # The board's publish button: the short one asks, naming the client's H1.
    csrf = form_token(client.get("/board", params={"week": WEEK}).text)
    asked = client.post(f"/board/plans/{edited_id}/publish", data={"csrf_token": csrf})
    assert asked.status_code == 409, asked.text
    assert "Publish anyway" in asked.text
    with db(app) as session:
        concerns = plans.publish_concerns(session=session, plan_id=edited_id)
        assert h1_of(concerns, missed["client"]), concerns
        with pytest.raises(plans.PublishUnconfirmed):
            plans.publish_plan(session=session, plan_id=edited_id, user_id=world.lead_id)
    # The made-up one publishes from the board in one press, no confirmation asked.
    done = client.post(f"/board/plans/{draft_id}/publish", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303, done.text
    with db(app) as session:
        published = session.get(Plan, draft_id)
        assert published is not None and published.status == "published"
        assert published.replan_from == date.fromisoformat(THURSDAY)
        # The check read the log for the lead, and says so in the audit trail.
        reads = session.scalars(select(AuditEvent).where(AuditEvent.action == "view_phi")).all()
        assert any(
            e.user_id == world.lead_id and (e.detail or {}).get("purpose") == "publish check" for e in reads
        )
