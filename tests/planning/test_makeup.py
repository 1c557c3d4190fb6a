"""Making up missed visits (issue 10, item 3): the board counts who is now short this week and
re-plans the rest of the week from tomorrow with the contact log, keeping the past exactly."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from actplanner.db import AuditEvent, Plan, SolveJob
from actplanner.domain.formats import load_contacts, load_plan, load_team
from actplanner.planning.makeup import short_clients
from actplanner.planning.plans import publish_plan, save_plan, stored_plan_doc
from actplanner.planning.worker import work_loop
from actplanner.settings import Settings
from tests.support.contact_files import (
    FRI,
    MON,
    THU,
    TUE,
    WED,
    WEEK,
    contact_log,
    history_team,
    missed,
    plan_file,
    visit,
)
from tests.support.web_factories import (
    TEAM,
    World,
    db,
    form_token,
    plan_doc,
    publish_with_monday_no_show,
    sign_in,
    team_doc,
)

#: Wednesday afternoon of the test week in the small team's zone: Monday and Tuesday have happened.
WEDNESDAY = datetime(2026, 12, 2, 15, 0, tzinfo=ZoneInfo("America/Chicago"))
TOMORROW = "2026-12-03"


def tiny_plan() -> Any:
    """c-1 (3 a week) on Monday, Wednesday and Friday; c-2 (2 a week) on Tuesday and Thursday."""
    return load_plan(
        plan_file(
            WEEK,
            visit("v-1", "c-1", ["s-rn"], MON),
            visit("v-2", "c-1", ["s-cm"], WED),
            visit("v-3", "c-1", ["s-rn"], FRI),
            visit("v-4", "c-2", ["s-cm", "s-ps"], TUE),
            visit("v-5", "c-2", ["s-cm", "s-ps"], THU),
        )
    )


def test_a_no_show_leaves_its_client_short_when_the_plan_ahead_cannot_make_it_up() -> None:
    """c-1's Monday no-show: seen 0 days before Tuesday, 2 planned from it on, 3 needed."""
    team = load_team(history_team())
    log = load_contacts(contact_log(missed("k-1", visit="v-1")), team)
    assert short_clients(
        team, tiny_plan(), log.contacts, date.fromisoformat(WEEK), date.fromisoformat(TUE)
    ) == ["c-1"]


def test_no_client_is_short_when_every_past_visit_happened_or_is_not_recorded_yet() -> None:
    """Visits without a contact count as seen: nothing recorded, nobody short."""
    team = load_team(history_team())
    assert short_clients(team, tiny_plan(), (), date.fromisoformat(WEEK), date.fromisoformat(TUE)) == []


@pytest.fixture
def week_under_way(
    app: FastAPI, world: World, clock: Callable[[datetime], None]
) -> tuple[int, dict[str, Any], str]:
    """The small team's greedy plan published, Wednesday afternoon, and a client's Monday visit
    recorded as a no-show: (the published plan's id, that visit, the client's code)."""
    clock(WEDNESDAY)
    plan_id, monday = publish_with_monday_no_show(app, world.lead_id)
    team = team_doc()
    code = next(c["code"] for c in team["clients"] if c["id"] == monday["client"])
    return plan_id, monday, code


@pytest.fixture
def lead(client: TestClient, world: World) -> TestClient:
    sign_in(client, "lead")
    return client


def expected_short(doc: dict[str, Any], no_show: dict[str, Any]) -> set[str]:
    """Client codes short this week, read directly: the plan's dates less the no-show's, below the count."""
    team = team_doc()
    dates: dict[str, set[str]] = {}
    for v in doc["visits"]:
        if v["id"] != no_show["id"]:
            dates.setdefault(v["client"], set()).add(v["date"])
    return {
        c["code"]
        for c in team["clients"]
        if len(dates.get(c["id"], ()))
        < (c.get("visits_per_week") or team["policy"]["acuity"][c["acuity"]]["visits_per_week"])
    }


def test_the_board_counts_the_clients_now_short_and_offers_the_make_up(
    lead: TestClient, week_under_way: tuple[int, dict[str, Any], str]
) -> None:
    _, no_show, code = week_under_way
    html = lead.get("/board", params={"week": WEEK}).text
    section = re.search(r'<section class="notice make-up".*?</section>', html, re.S)
    assert section is not None, "the board offers no make-up"
    text = " ".join(re.sub(r"<[^>]+>", " ", section.group(0)).split())
    short = expected_short(plan_doc(), no_show)
    assert code in short
    noun = "client is" if len(short) == 1 else "clients are"
    assert f"{len(short)} {noun} now short this week: {', '.join(sorted(short))}." in text
    assert "1 contact of this week is recorded as not done." in text
    assert "Re-plan the rest of the week" in text and "from Thursday 3 Dec" in text


def test_the_board_offers_nothing_before_any_contact_is_recorded_as_not_done(
    app: FastAPI, lead: TestClient, clock: Callable[[datetime], None]
) -> None:
    clock(WEDNESDAY)
    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=plan_doc(), source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=None, confirmed=True)
        session.commit()
    assert 'class="notice make-up"' not in lead.get("/board", params={"week": WEEK}).text


def test_the_make_up_re_plan_places_the_missing_visits_and_keeps_the_past(
    app: FastAPI, lead: TestClient, settings: Settings, week_under_way: tuple[int, dict[str, Any], str]
) -> None:
    plan_id, no_show, code = week_under_way
    csrf = form_token(lead.get("/board", params={"week": WEEK}).text)
    response = lead.post(
        f"/board/plans/{plan_id}/make-up",
        data={"csrf_token": csrf, "time_limit": "3"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    with db(app) as session:
        job = session.scalars(select(SolveJob)).one()
        assert job.from_date == date.fromisoformat(TOMORROW)
    assert work_loop(url=settings.database_url, once=True) == 1
    with db(app) as session:
        job = session.scalars(select(SolveJob)).one()
        assert job.status == "done", job.error
        draft = session.get(Plan, job.plan_id)
        assert draft is not None and draft.status == "draft"
        after = stored_plan_doc(session=session, plan_id=draft.id)
        before = stored_plan_doc(session=session, plan_id=plan_id)
        purposes = [
            (e.user_id, e.detail["purpose"])
            for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "view_phi"))
            if e.detail and "purpose" in e.detail
        ]

    def fields(v: dict[str, Any]) -> tuple[Any, ...]:
        return (v["client"], v["date"], v["start"], v["end"], tuple(sorted(v["staff"])))

    # The past (and today) stays exactly: every visit before tomorrow, the no-show's included.
    assert sorted(fields(v) for v in after["visits"] if v["date"] < TOMORROW) == sorted(
        fields(v) for v in before["visits"] if v["date"] < TOMORROW
    )
    # The client's count is met again from tomorrow on: exactly n − c (FORMATS, version 2).
    team = team_doc()
    client = next(c for c in team["clients"] if c["id"] == no_show["client"])
    wanted = client.get("visits_per_week") or team["policy"]["acuity"][client["acuity"]]["visits_per_week"]
    seen = {v["date"] for v in before["visits"] if v["client"] == client["id"] and v["date"] < TOMORROW} - {
        no_show["date"]
    }
    ahead = {v["date"] for v in after["visits"] if v["client"] == client["id"] and v["date"] >= TOMORROW}
    assert len(ahead) == wanted - len(seen), after.get("unmet")
    # The worker read the log at solve time, as the system; the board read it for the lead.
    assert (None, "re-plan") in purposes
    # The board shows the draft against the published plan, with the make-up visit added.
    html = lead.get("/board", params={"week": WEEK}).text
    assert f"Draft {draft.id}" in html
    changed = re.findall(
        r'<tr class="change-(\w+)">\s*<td>\w+</td>\s*<td class="client-code">([^<]+)</td>', html
    )
    assert ("added", code) in changed, changed
