"""Weeks and times as a team lead thinks of them (issue 13, item 6): the board opens on the current
week, any date picked means its week, and every time a page shows is in the team's zone, never UTC."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from actplanner.db import utcnow
from actplanner.domain.week import WeekError, monday_of, parse_week, team_time, team_today
from actplanner.planning.jobs import claim_next_job, enqueue_solve, fail_stale_jobs
from actplanner.planning.plans import publish_plan, save_plan
from tests.support.db_factories import create_team
from tests.support.web_factories import TEAM, WEEK, World, db, plan_doc, sign_in, team_doc

ZONE = team_doc()["team"]["timezone"]  # America/Chicago
WEDNESDAY = WEEK + timedelta(days=2)
SUNDAY = WEEK + timedelta(days=6)


# ---------------------------------------------------------------------------------------------
# Weeks


@pytest.mark.parametrize("day", [WEEK, WEDNESDAY, SUNDAY])
def test_any_date_of_a_week_names_that_week(day: date) -> None:
    assert parse_week(day.isoformat(), default=date.min) == WEEK


def test_a_week_that_is_not_a_date_is_still_an_error_naming_the_field() -> None:
    with pytest.raises(WeekError, match=r"^week: '2026-02-30' is not a date"):
        parse_week("2026-02-30", default=WEEK)


def test_the_current_week_is_the_monday_of_the_teams_today() -> None:
    """Late on Sunday in Chicago it is already Monday in UTC: the team's week is still the one ending."""
    sunday_night = datetime(2026, 12, 7, 4, 30, tzinfo=UTC)  # Sun 6 Dec 22:30 in Chicago
    assert monday_of(team_today(ZONE, sunday_night)) == WEEK
    assert monday_of(team_today("UTC", sunday_night)) == date(2026, 12, 7)


def test_the_board_opens_on_the_current_week(client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    board = client.get("/board")
    assert board.status_code == 200
    monday = monday_of(datetime.now(ZoneInfo(ZONE)).date())
    assert f'name="week" value="{monday.isoformat()}"' in board.text


@pytest.mark.parametrize("page", ["/board", "/board/month", "/board/roster", "/board/sick-call"])
def test_a_wednesday_in_the_address_shows_its_week(client: TestClient, world: World, page: str) -> None:
    """Every page that reads ``week=`` takes a Wednesday as its week, not as an error."""
    sign_in(client, "lead")
    response = client.get(f"{page}?week={WEDNESDAY.isoformat()}")
    assert response.status_code == 200, response.text
    assert "a week starts on a Monday" not in response.text


def test_the_board_of_a_wednesday_is_the_board_of_its_monday(client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    response = client.get(f"/board?week={WEDNESDAY.isoformat()}")
    assert f'name="week" value="{WEEK.isoformat()}"' in response.text
    assert f"week={(WEEK + timedelta(days=7)).isoformat()}" in response.text  # next week from its Monday


def test_generate_on_a_wednesday_plans_its_week(app: FastAPI, client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/board").text)
    assert token is not None
    response = client.post(
        "/board/generate",
        data={"week": WEDNESDAY.isoformat(), "time_limit": "1", "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert f"week={WEEK.isoformat()}" in response.headers["location"]


# ---------------------------------------------------------------------------------------------
# Times in the team's zone


def test_team_time_shows_a_stored_moment_on_the_teams_clock() -> None:
    noon_utc = datetime(2026, 12, 1, 12, 5, tzinfo=UTC)
    assert team_time(noon_utc, ZONE) == "Tue 1 Dec 2026, 06:05 CST"
    assert team_time(noon_utc.replace(tzinfo=None), ZONE) == "Tue 1 Dec 2026, 06:05 CST"  # naive = UTC
    assert team_time(datetime(2026, 7, 1, 12, 5, tzinfo=UTC), ZONE) == "Wed 1 Jul 2026, 07:05 CDT"
    assert team_time(None, ZONE) == ""


def test_the_board_shows_when_a_plan_was_made_and_published_in_the_teams_zone(
    app: FastAPI, client: TestClient, world: World
) -> None:
    with db(app) as session:
        plan = save_plan(session=session, team_id=TEAM, plan_file=plan_doc(), source="solve")
        publish_plan(session=session, plan_id=plan.id, user_id=world.lead_id)
        made, published = plan.created_at, plan.published_at
        session.commit()
    sign_in(client, "lead")
    board = client.get(f"/board?week={WEEK.isoformat()}").text
    assert "UTC" not in board
    assert f"Made {team_time(made, ZONE)}" in board
    assert f"Published {team_time(published, ZONE)}" in board
    assert re.search(r"\d\d:\d\d C[SD]T", board)


def test_the_audit_page_shows_times_in_the_teams_zone(app: FastAPI, client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    page = client.get("/audit").text
    assert "UTC" not in page
    assert re.search(r"<time datetime=\"[^\"]+\">\w{3} \d{1,2} \w{3} \d{4}, \d\d:\d\d C[SD]T</time>", page)


def test_a_dead_workers_job_says_when_it_was_last_heard_of_in_the_teams_zone(session: Session) -> None:
    team = create_team(session)
    enqueue_solve(session=session, team_id=team.id, week_start=WEEK, time_limit=10)
    job = claim_next_job(session=session, worker_pid=4242)
    assert job is not None
    job.heartbeat_at = utcnow() - timedelta(minutes=10)
    session.flush()
    (dead,) = fail_stale_jobs(session=session)
    assert dead.error is not None and "UTC" not in dead.error
    assert dead.error.endswith(f"since {team_time(dead.heartbeat_at, team.timezone)}.")
