"""Plan the next 1-4 weeks from the board: the weeks are queued in order, each solved after the one
before with its draft as history, shown side by side in the month view; publishing stays per week."""

from __future__ import annotations

import os
import re
from collections import Counter
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from actplanner.db import SolveJob
from actplanner.planning.jobs import claim_next_job, enqueue_solve
from actplanner.planning.plans import stored_plan_doc
from actplanner.planning.worker import run_job
from actplanner.teams.service import import_team
from tests.support.web_factories import TEAM, WEEK, World, db, form_token, sign_in, team_doc

BOARD = f"/board?week={WEEK.isoformat()}"
MONTH = f"/board/month?week={WEEK.isoformat()}&weeks=3"
WEEKS = [WEEK + timedelta(weeks=k) for k in range(3)]


def generate(client: TestClient, weeks: str, time_limit: str = "1") -> Any:
    token = form_token(client.get(BOARD).text)
    data = {"week": WEEK.isoformat(), "time_limit": time_limit, "weeks": weeks, "csrf_token": token}
    return client.post("/board/generate", data=data, follow_redirects=False)


def jobs(app: FastAPI) -> list[SolveJob]:
    with db(app) as session:
        return list(session.scalars(select(SolveJob).order_by(SolveJob.id)))


def run_all(app: FastAPI) -> list[int]:
    """Claim and run queued jobs as a worker would, until none may start; the ids run in order."""
    ran = []
    while True:
        with app.state.sessionmaker.begin() as session:
            job = claim_next_job(session=session, worker_pid=os.getpid())
            if job is None:
                return ran
            job_id = job.id
        assert run_job(sessionmaker=app.state.sessionmaker, job_id=job_id).status == "done"
        ran.append(job_id)


def test_the_board_offers_one_to_four_weeks_and_links_the_month_view(
    client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    page = client.get(BOARD).text
    options = re.search(r'<select name="weeks"[^>]*>(.*?)</select>', page, re.S)
    assert options is not None
    assert re.findall(r'<option value="(\d)"', options.group(1)) == ["1", "2", "3", "4"]
    assert f'href="/board/month?week={WEEK.isoformat()}&amp;weeks=4"' in page


def test_three_weeks_are_queued_in_order_planned_after_each_other_and_shown_side_by_side(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    response = generate(client, "3")
    assert response.status_code == 303
    assert response.headers["location"] == MONTH
    queued = jobs(app)
    assert [j.week_start for j in queued] == WEEKS
    assert [(j.progress or {}).get("after") for j in queued] == [
        None,
        [queued[0].id],
        [queued[0].id, queued[1].id],
    ]
    waiting = client.get(MONTH).text
    assert waiting.count("Waits for the week before") == 2
    # The later week's own board says why its solve has not started.
    second_board = client.get(f"/board?week={WEEKS[1].isoformat()}").text
    assert "Waits for the week before it: it is planned with that week&#39;s plan as history." in second_board
    # While weeks are being planned the page follows them (htmx), with a Refresh link without it.
    assert f'<div id="month" hx-get="{MONTH.replace("&", "&amp;")}" hx-trigger="load delay:2s"' in waiting
    assert run_all(app) == [j.id for j in queued]
    page = client.get(MONTH).text
    assert '<div id="month">' in page and "Refresh" not in page
    done = jobs(app)
    codes = {c["id"]: c["code"] for c in team_doc()["clients"]}
    for job in done:
        assert job.plan_id is not None
        section = re.search(
            rf'<section class="month-week" data-week="{job.week_start.isoformat()}".*?</section>', page, re.S
        )
        assert section is not None
        assert f"Draft {job.plan_id}" in section.group(0)
        with db(app) as session:
            plan = stored_plan_doc(session=session, plan_id=job.plan_id)
        per_day = Counter(v["date"] for v in plan["visits"])
        shown = dict(re.findall(r'<tr data-date="([^"]+)" data-visits="(\d+)"', section.group(0)))
        assert {d: int(n) for d, n in shown.items() if int(n)} == dict(per_day)
        primary = next(p for p in plan["on_call"] if p["role"] == "primary")
        name = next(s["name"] for s in team_doc()["staff"] if s["id"] == primary["staff"])
        assert re.search(
            rf'<tr data-date="{primary["start"][:10]}".*?<td data-role="primary">{re.escape(name)}',
            section.group(0),
        )
    # Each client's planned home-visit dates per week against their count.
    last = done[-1]
    with db(app) as session:
        plan = stored_plan_doc(session=session, plan_id=last.plan_id)  # type: ignore[arg-type]
    client_doc = team_doc()["clients"][0]
    dates = {v["date"] for v in plan["visits"] if v["client"] == client_doc["id"]}
    row = re.search(rf'<tr data-client="{codes[client_doc["id"]]}">(.*?)</tr>', page, re.S)
    assert row is not None
    cells = re.findall(r'data-planned="(\d*)" data-required="(\d+)"', row.group(1))
    required = (
        client_doc.get("visits_per_week")
        or team_doc()["policy"]["acuity"][client_doc["acuity"]]["visits_per_week"]
    )
    assert cells[-1] == (str(len(dates)), str(required))


def test_publishing_stays_per_week(app: FastAPI, client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    generate(client, "2")
    run_all(app)
    second = jobs(app)[1]
    board = client.get(f"/board?week={WEEKS[1].isoformat()}").text
    published = client.post(
        f"/board/plans/{second.plan_id}/publish",
        data={"csrf_token": form_token(board), "confirm": "1"},
        follow_redirects=False,
    )
    assert published.status_code == 303
    page = client.get(f"/board/month?week={WEEK.isoformat()}&weeks=2").text
    assert re.search(rf'data-week="{WEEKS[0].isoformat()}".*?Draft {jobs(app)[0].plan_id}', page, re.S)
    assert re.search(rf'data-week="{WEEKS[1].isoformat()}".*?Published version 1', page, re.S)


def test_more_than_four_weeks_is_refused_naming_the_field(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    response = generate(client, "5")
    assert response.status_code == 422
    assert 'id="weeks-error" role="alert">Plan 1 to 4 weeks at a time.' in response.text
    assert jobs(app) == []


def test_a_week_already_being_solved_queues_none_of_the_weeks(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    with db(app) as session:
        enqueue_solve(session=session, team_id=TEAM, week_start=WEEKS[2], time_limit=1)
        session.commit()
    response = generate(client, "3")
    assert response.status_code == 409
    assert "No week was queued." in response.text
    assert [j.week_start for j in jobs(app)] == [WEEKS[2]]


def test_staff_may_not_open_the_month_view(client: TestClient, world: World) -> None:
    sign_in(client, "nurse")
    assert client.get(MONTH, follow_redirects=False).status_code == 403


def test_a_client_away_from_a_thursday_is_asked_fewer_home_visits_that_week(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """The count a week requires is H1's of version 2: a client away from the second week's
    Thursday on has three open dates that week, so ceil(n x 3 / 7) home visits, none after."""
    doc = team_doc()
    doc["format"] = "actplanner/team@2"
    first = doc["clients"][0]
    n = first.get("visits_per_week") or doc["policy"]["acuity"][first["acuity"]]["visits_per_week"]
    thursday = (WEEKS[1] + timedelta(days=3)).isoformat()
    first["episodes"] = [{"kind": "away", "start": thursday}]
    with db(app) as session:
        import_team(session=session, data=doc)
        session.commit()
    sign_in(client, "lead")
    page = client.get(MONTH).text
    row = re.search(rf'<tr data-client="{first["code"]}">(.*?)</tr>', page, re.S)
    assert row is not None
    required = [int(r) for r in re.findall(r'data-required="(\d+)"', row.group(1))]
    assert required == [n, -(-n * 3 // 7), 0]
