"""Weeks and dates outside the planned years: a 4xx with a sentence, not an OverflowError (issue 9, item 13).

And a lone surrogate in any API body gets its 422 written.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from actplanner.db import SolveJob
from tests.support.web_factories import TEAM, World, bearer, db, form_token, sign_in

OUT_OF_RANGE = "is outside the dates actplanner plans; give a date from 2000 to 2100."
#: Date's own limits and the first weeks either side of the supported years.
FAR_WEEKS = ["0001-01-01", "9999-12-27", "1999-12-27", "2101-01-03"]


@pytest.fixture
def lead(app: FastAPI, world: World) -> TestClient:
    """The lead signed in, on a client that reports a server error as a 500 rather than raising it."""
    client = TestClient(app, raise_server_exceptions=False)
    sign_in(client, "lead")
    return client


@pytest.mark.parametrize("week", [*FAR_WEEKS, "9999-12-31"])
@pytest.mark.parametrize("page", ["/board", "/my-week", "/board/sick-call"])
def test_a_page_asked_for_a_far_week_says_so(lead: TestClient, page: str, week: str) -> None:
    """``/board?week=0001-01-01``, ``/my-week?week=9999-12-31`` and the like are a 422 naming ``week``."""
    response = lead.get(page, params={"week": week})
    assert response.status_code == 422
    assert f"week: {week} {OUT_OF_RANGE}" in response.text


@pytest.mark.parametrize("week", ["2000-01-03", "2100-12-27"])
@pytest.mark.parametrize("page", ["/board", "/my-week", "/board/sick-call"])
def test_the_first_and_last_planned_weeks_open_with_their_neighbour_links(
    lead: TestClient, page: str, week: str
) -> None:
    """The first Monday of 2000 and the last of 2100 open, links to the weeks either side included."""
    response = lead.get(page, params={"week": week})
    assert response.status_code == 200
    assert week in response.text


def test_the_staff_week_and_day_sheet_refuse_far_dates(app: FastAPI, world: World) -> None:
    """A nurse's own week and printed day sheet take any day, but one in the planned years."""
    client = TestClient(app, raise_server_exceptions=False)
    sign_in(client, "nurse")
    assert client.get("/my-week", params={"week": "2100-12-31"}).status_code == 200
    week = client.get("/my-week", params={"week": "9999-12-31"})
    assert week.status_code == 422
    assert f"week: 9999-12-31 {OUT_OF_RANGE}" in week.text
    sheet = client.get("/my-week/9999-12-31/print")
    assert sheet.status_code == 422
    assert f"day: 9999-12-31 {OUT_OF_RANGE}" in sheet.text


@pytest.mark.parametrize("week", FAR_WEEKS)
def test_generate_refuses_a_far_week_and_queues_nothing(app: FastAPI, lead: TestClient, week: str) -> None:
    """The board's Generate for a far week answers with the sentence and starts no solve."""
    token = form_token(lead.get("/board").text)
    response = lead.post("/board/generate", data={"week": week, "time_limit": "1", "csrf_token": token})
    assert 400 <= response.status_code < 500
    assert f"week: {week} {OUT_OF_RANGE}" in response.text
    with db(app) as session:
        assert session.scalar(select(func.count()).select_from(SolveJob)) == 0


@pytest.mark.parametrize("week", FAR_WEEKS)
def test_the_api_refuses_a_far_week_and_queues_nothing(
    app: FastAPI, client: TestClient, world: World, week: str
) -> None:
    """``POST /solves`` and the published-plan lookup refuse a far week with a 422 naming ``week_start``."""
    headers = bearer(world.lead_token)
    solve = client.post(f"/api/v1/teams/{TEAM}/solves", json={"week_start": week}, headers=headers)
    assert solve.status_code == 422
    assert f"week_start: {week} is outside the dates actplanner plans" in solve.text
    published = client.get(f"/api/v1/teams/{TEAM}/weeks/{week}/published", headers=headers)
    assert published.status_code == 422
    with db(app) as session:
        assert session.scalar(select(func.count()).select_from(SolveJob)) == 0


@pytest.mark.parametrize(
    "body",
    ['{"week_start": "\\ud800"}', '{"week_start": "2026-11-30", "\\udfff": 1}'],
    ids=["value", "key"],
)
def test_a_lone_surrogate_in_an_api_body_gets_its_422_written(app: FastAPI, world: World, body: str) -> None:
    """The 422 echoes the input; a lone surrogate in it is written as an escape, not a failed response."""
    client = TestClient(app, raise_server_exceptions=False)
    headers = {**bearer(world.lead_token), "Content-Type": "application/json"}
    response = client.post(f"/api/v1/teams/{TEAM}/solves", content=body, headers=headers)
    assert response.status_code == 422
    assert "\\\\ud800" in response.text or "\\\\udfff" in response.text
    assert response.json()["detail"]
