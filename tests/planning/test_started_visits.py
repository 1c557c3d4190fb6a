"""A re-plan or fresh start of a week under way never changes a visit that has started (item 9.6)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.db import Plan, SolveJob
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import load_plan
from actplanner.planning import edits
from actplanner.planning.plans import get_plan, publish_plan, save_plan, stored_plan_doc
from actplanner.planning.queue import DatabaseQueue
from actplanner.teams.service import team_file
from solver import SolveParams, solve
from tests.support import web_factories
from tests.support.db_factories import WEEK, create_plan, create_team
from tests.support.web_factories import TEAM, World, bearer, db, form_token, sign_in

CHICAGO = ZoneInfo("America/Chicago")
#: Wednesday of the test week, 10:00 in the small team's zone: Monday, Tuesday and Wednesday's
#: early visits have started.
WEDNESDAY_TEN = datetime(2026, 12, 2, 10, 0, tzinfo=CHICAGO)
WEDNESDAY = date(2026, 12, 2)


def _started(doc: dict[str, Any], now: datetime = WEDNESDAY_TEN) -> list[dict[str, Any]]:
    moment = (now.date().isoformat(), now.strftime("%H:%M"))
    return [v for v in doc["visits"] if (v["date"], v["start"]) < moment]


def _shown(visit: dict[str, Any]) -> tuple[Any, ...]:
    return (visit["client"], tuple(visit["staff"]), visit["date"], visit["start"], visit["end"])


def _solve(session: Session, team_id: str, kept: edits.Kept) -> dict[str, Any]:
    """What the worker would make of the queued solve (greedy, so quick)."""
    team = team_file(session=session, team_id=team_id)
    baseline = (
        None
        if kept.baseline_plan_id is None
        else load_plan(stored_plan_doc(session=session, plan_id=kept.baseline_plan_id))
    )
    problem = to_problem(team, WEEK, baseline=baseline, from_date=kept.from_date)
    plan = solve(problem, SolveParams(time_limit=2, greedy_only=True), None)
    return to_plan_file(plan, team, WEEK).model_dump(mode="json", exclude_none=True)


@pytest.mark.parametrize("fresh", [True, False])
def test_a_solve_of_a_week_under_way_keeps_every_started_visit(session: Session, fresh: bool) -> None:
    """Fresh start or re-plan on Wednesday 10:00: each visit that started is in the new plan, unchanged."""
    team = create_team(session)
    published = publish_plan(session=session, plan_id=create_plan(session, team).id, user_id=None)
    started = _started(stored_plan_doc(session=session, plan_id=published.id))
    assert any(v["date"] == WEDNESDAY.isoformat() for v in started)
    kept = edits.keep_started(
        session=session,
        team_id=team.id,
        week_start=WEEK,
        baseline_plan_id=None if fresh else published.id,
        now=WEDNESDAY_TEN,
    )
    assert (kept.from_date, kept.started) == (WEDNESDAY, len(started))
    baseline = get_plan(session=session, plan_id=kept.baseline_plan_id)
    # The baseline made for the solve is never a draft the board shows or anyone publishes.
    assert (baseline.status, baseline.version) == ("superseded", None)
    new = _solve(session, team.id, kept)
    after = {_shown(v) for v in new["visits"]}
    assert [v for v in started if _shown(v) not in after] == []


def test_without_the_guard_a_fresh_start_rewrites_the_past(session: Session) -> None:
    """The failure the guard prevents: a fresh solve of the whole week changes visits that happened."""
    team = create_team(session)
    doc = plan_doc_moved_to_tuesday_noon()
    draft = create_plan(session, team, doc)
    published = publish_plan(session=session, plan_id=draft.id, user_id=None, confirmed=True)
    started = _started(stored_plan_doc(session=session, plan_id=published.id))
    fresh = _solve(session, team.id, edits.Kept(None, None, 0, WEDNESDAY_TEN))
    assert [v for v in started if _shown(v) not in {_shown(n) for n in fresh["visits"]}] != []
    guarded = edits.keep_started(
        session=session, team_id=team.id, week_start=WEEK, baseline_plan_id=None, now=WEDNESDAY_TEN
    )
    kept = {_shown(n) for n in _solve(session, team.id, guarded)["visits"]}
    assert [v for v in started if _shown(v) not in kept] == []


def plan_doc_moved_to_tuesday_noon() -> dict[str, Any]:
    """The greedy plan with one Monday visit moved to Tuesday noon, where no solver would put it."""
    doc = web_factories.plan_doc()
    visit = next(v for v in doc["visits"] if v["id"] == "v-0003")
    visit.update(date="2026-12-01", start="12:00", end="12:45")
    return doc


def test_the_lead_may_ask_by_name_and_a_week_not_begun_is_unchanged(session: Session) -> None:
    """``change_started`` queues what was asked; so does a week not begun, or with no published plan."""
    team = create_team(session)
    draft = create_plan(session, team)
    asked = {"session": session, "team_id": team.id, "week_start": WEEK, "baseline_plan_id": draft.id}
    assert edits.keep_started(**asked, now=WEDNESDAY_TEN).baseline_plan_id == draft.id  # nothing published
    publish_plan(session=session, plan_id=draft.id, user_id=None)
    for kept in (
        edits.keep_started(**asked, now=WEDNESDAY_TEN, change_started=True),
        edits.keep_started(**asked, now=datetime(2026, 11, 29, 23, 0, tzinfo=CHICAGO)),
    ):
        assert (kept.baseline_plan_id, kept.from_date, kept.started) == (draft.id, None, 0)


def test_a_baseline_of_another_team_is_refused(session: Session) -> None:
    """keep_started reads no other team's plan: its baseline must be of the team's week."""
    team = create_team(session)
    other = create_team(session, id="other")
    publish_plan(session=session, plan_id=create_plan(session, team).id, user_id=None)
    foreign = create_plan(session, other)
    with pytest.raises(ValueError, match="not a plan of this team's week"):
        edits.keep_started(
            session=session, team_id=team.id, week_start=WEEK, baseline_plan_id=foreign.id, now=WEDNESDAY_TEN
        )


def test_a_sick_call_today_keeps_the_visits_already_made(
    session: Session, clock: Callable[[datetime], None]
) -> None:
    """A sick call from Wednesday at 10:00 re-plans from Wednesday and keeps its early visits, pinned."""
    clock(WEDNESDAY_TEN)
    team = create_team(session)
    published = publish_plan(session=session, plan_id=create_plan(session, team).id, user_id=None)
    job = edits.record_sick_call(
        session=session,
        queue=DatabaseQueue(),
        team_id=team.id,
        staff_id="s-rn1",
        first=WEDNESDAY,
        last=WEDNESDAY,
        week_start=WEEK,
        time_limit=5,
        user_id=None,
    )
    assert job.from_date == WEDNESDAY and job.baseline_plan_id != published.id
    baseline = stored_plan_doc(session=session, plan_id=job.baseline_plan_id)
    early = [v for v in baseline["visits"] if v["date"] == WEDNESDAY.isoformat() and v["start"] < "10:00"]
    assert early and all(v.get("pinned") for v in early)
    assert {_shown(v) for v in _started(stored_plan_doc(session=session, plan_id=published.id))} <= {
        _shown(v) for v in baseline["visits"]
    }


def _publish(app: FastAPI) -> int:
    with db(app) as session:
        plan = save_plan(session=session, team_id=TEAM, plan_file=web_factories.plan_doc(), source="solve")
        publish_plan(session=session, plan_id=plan.id, user_id=None)
        session.commit()
        return plan.id


def test_start_afresh_on_the_board_keeps_what_started_and_says_so(
    app: FastAPI, client: TestClient, world: World, clock: Callable[[datetime], None]
) -> None:
    """The board says what a solve keeps; "Start afresh" keeps it too; asking by name does not."""
    clock(WEDNESDAY_TEN)
    published = _publish(app)
    sign_in(client, "lead")
    board = client.get(f"/board?week={WEEK.isoformat()}").text
    with db(app) as session:
        count = len(_started(stored_plan_doc(session=session, plan_id=published)))
    assert (
        f"a solve keeps the {count} published visits that started before now "
        "(Wednesday 2 December, 10:00 CST)" in board
    )
    assert 'name="change_started"' in board
    token = form_token(board)
    form = {"week": WEEK.isoformat(), "time_limit": "1", "csrf_token": token, "fresh": "1"}
    assert client.post("/board/generate", data=form).status_code == 200
    with db(app) as session:
        job = session.scalars(select(SolveJob)).one()
        assert job.from_date == WEDNESDAY
        baseline = session.get(Plan, job.baseline_plan_id)
        assert baseline is not None and baseline.status == "superseded"
        assert len(baseline.visits) == count
        session.delete(job)
        session.commit()
    client.post("/board/generate", data={**form, "change_started": "1"})
    with db(app) as session:
        job = session.scalars(select(SolveJob)).one()
        assert (job.baseline_plan_id, job.from_date) == (None, None)


def test_the_api_keeps_started_visits_unless_change_started(
    app: FastAPI, client: TestClient, world: World, clock: Callable[[datetime], None]
) -> None:
    """POST /solves on a week under way keeps started visits; ``"change_started": true`` asks otherwise."""
    clock(WEDNESDAY_TEN)
    published = _publish(app)
    body = {"week_start": WEEK.isoformat(), "time_limit": 5, "baseline_plan_id": published}
    job = client.post(f"/api/v1/teams/{TEAM}/solves", json=body, headers=bearer(world.lead_token)).json()
    assert job["from_date"] == WEDNESDAY.isoformat()
    assert job["baseline_plan_id"] != published
    client.post(f"/api/v1/jobs/{job['id']}/stop", headers=bearer(world.lead_token))
    again = client.post(
        f"/api/v1/teams/{TEAM}/solves",
        json={**body, "change_started": True},
        headers=bearer(world.lead_token),
    ).json()
    assert (again["baseline_plan_id"], again["from_date"]) == (published, None)


def test_the_day_and_sick_call_pages_say_what_a_re_plan_keeps(
    app: FastAPI, client: TestClient, world: World, clock: Callable[[datetime], None]
) -> None:
    """The day page's re-solve and the sick call form name the started visits a re-plan keeps."""
    published = _publish(app)
    sign_in(client, "lead")
    day = f"/board/plans/{published}/staff/s-rn1/days/{WEDNESDAY.isoformat()}"
    assert 'id="started-note"' not in client.get(day).text  # the week has not begun
    clock(WEDNESDAY_TEN)
    note = "visits that started before now (Wednesday 2 December, 10:00 CST) exactly as they are"
    assert note in client.get(day).text
    assert note in client.get(f"/board/sick-call?week={WEEK.isoformat()}").text
