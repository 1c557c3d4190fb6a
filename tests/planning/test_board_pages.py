"""The week board: generate with live progress, stop, review the grid, unmet and fidelity, publish."""

from __future__ import annotations

import os
import re
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select

from actplanner.accounts.service import create_user
from actplanner.checker import metrics
from actplanner.checker.words import Words
from actplanner.db import Plan, SolveJob
from actplanner.domain.week import WeekError, monday_of, parse_week
from actplanner.planning import edits
from actplanner.planning.board import parse_time_limit
from actplanner.planning.jobs import claim_next_job, enqueue_solve, finish_job, record_progress
from actplanner.planning.plans import get_plan, publish_plan, save_plan
from actplanner.planning.worker import run_job
from tests.support.web_factories import (
    OTHER_TEAM,
    TEAM,
    WEEK,
    World,
    audit_events,
    db,
    form_token,
    plan_doc,
    sign_in,
    team_doc,
)

BOARD = f"/board?week={WEEK.isoformat()}"
HX = {"HX-Request": "true"}


def save_draft(app: FastAPI, doc: dict[str, Any] | None = None, **kw: Any) -> int:
    """The id of a new draft of the small team's week (the greedy plan unless ``doc`` is given)."""
    with db(app) as session:
        plan = save_plan(session=session, team_id=TEAM, plan_file=doc or plan_doc(), source="solve", **kw)
        session.commit()
        return plan.id


def jobs(app: FastAPI) -> list[SolveJob]:
    with db(app) as session:
        return list(session.scalars(select(SolveJob).order_by(SolveJob.id)))


def run_queued_job(app: FastAPI) -> SolveJob:
    """Claim the oldest queued job and run it here, as a worker process would."""
    with app.state.sessionmaker.begin() as session:
        job = claim_next_job(session=session, worker_pid=os.getpid())
        assert job is not None, "no queued job"
        job_id = job.id
    return run_job(sessionmaker=app.state.sessionmaker, job_id=job_id)


def generate(client: TestClient, week: str = WEEK.isoformat(), time_limit: str = "1", **extra: str) -> Any:
    token = form_token(client.get(BOARD).text)
    return client.post(
        "/board/generate", data={"week": week, "time_limit": time_limit, "csrf_token": token, **extra}
    )


def grid_cells(page: str) -> dict[tuple[str, str], dict[str, int]]:
    """``(staff, date) -> {visits, minutes, travel}`` as the grid shows them."""
    cells = {}
    for row in re.findall(r'<tr data-staff="([^"]+)">(.*?)</tr>', page, re.S):
        staff, body = row
        for day, visits, minutes, travel in re.findall(
            r'data-date="([^"]+)" data-visits="(\d+)"\s+data-minutes="(\d+)" data-travel="(\d+)"', body
        ):
            cells[(staff, day)] = {"visits": int(visits), "minutes": int(minutes), "travel": int(travel)}
    return cells


# ---------------------------------------------------------------------------------------------
# Week and time limit


def test_monday_of_is_the_monday_of_the_week_a_date_is_in() -> None:
    """From any day, its week is the Monday on or before it (the board opens on the current week)."""
    assert monday_of(date(2026, 11, 25)) == date(2026, 11, 23)
    assert monday_of(date(2026, 11, 29)) == date(2026, 11, 23)
    assert monday_of(date(2026, 11, 30)) == date(2026, 11, 30)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("next week", "week: 'next week' is not a date"),
        ("1999-12-29", "week: 1999-12-29 is outside the dates"),
    ],
)
def test_week_that_is_not_a_date_is_refused_in_words(text: str, message: str) -> None:
    """A malformed week, or one outside the planned years, gets a sentence naming the field."""
    with pytest.raises(WeekError) as caught:
        parse_week(text, default=WEEK)
    assert message in str(caught.value)


def test_missing_week_is_the_default_and_a_monday_is_itself() -> None:
    """No week given is the page's default; a Monday is read as that Monday."""
    assert parse_week(None, default=WEEK) == parse_week("", default=WEEK) == WEEK
    assert parse_week(" 2026-12-07 ", default=WEEK) == date(2026, 12, 7)


def test_generate_without_a_week_asks_for_one(app: FastAPI, client: TestClient, world: World) -> None:
    """Generate needs a week: an empty one is an inline error and queues nothing."""
    sign_in(client, "lead")
    response = generate(client, week="")
    assert response.status_code == 422
    assert "Choose the week to plan (any date in it)." in response.text
    assert jobs(app) == []


@pytest.mark.parametrize("text", ["0", "-3", "0.5", "abc", "nan", "inf", "21601", ""])
def test_impossible_time_limits_are_refused(text: str) -> None:
    """Time limits outside 1 s to 6 h, or not numbers at all, are refused."""
    assert parse_time_limit(text) == (None, "The time limit is a number of seconds from 1 to 21600.")


def test_time_limit_in_range_is_read_as_seconds() -> None:
    """A time limit in range is read as a number of seconds."""
    assert parse_time_limit(" 3 ") == (3.0, None)
    assert parse_time_limit("21600") == (21600.0, None)


# ---------------------------------------------------------------------------------------------
# Who may see the board


def test_lead_sees_the_board_of_the_current_week_by_default(client: TestClient, world: World) -> None:
    """The board opens on the current week (its Monday in the team's zone) with the week picker, a 30 s
    time limit and Generate; it is in the nav."""
    page = sign_in(client, "lead").text
    assert 'href="/board"' in page
    board = client.get("/board")
    assert board.status_code == 200
    today = datetime.now(ZoneInfo(team_doc()["team"]["timezone"])).date()
    assert f'name="week" value="{monday_of(today).isoformat()}"' in board.text
    assert 'name="time_limit" value="30"' in board.text
    assert ">Generate</button>" in board.text
    assert "No plan for this week yet" in board.text


def test_staff_may_not_open_the_board(client: TestClient, world: World) -> None:
    """A staff member gets 403 on the board and its actions; nothing is queued."""
    sign_in(client, "nurse")
    assert client.get(BOARD).status_code == 403
    token = form_token(client.get("/").text)
    response = client.post(
        "/board/generate", data={"week": "2026-11-30", "time_limit": "1", "csrf_token": token}
    )
    assert response.status_code == 403
    assert jobs(client.app) == []  # type: ignore[arg-type]


def test_signed_out_visitor_is_sent_to_sign_in(client: TestClient, world: World) -> None:
    """Without a session the board redirects to the sign-in page, coming back afterwards."""
    response = client.get(BOARD, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/board")


def test_lead_may_not_see_another_teams_board_or_plans(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Another team's week and plans are 403 to a lead of one team."""
    with db(app) as session:
        plan = save_plan(
            session=session, team_id=OTHER_TEAM, plan_file={**plan_doc(), "team": OTHER_TEAM}, source="solve"
        )
        session.commit()
        plan_id = plan.id
    sign_in(client, "lead")
    assert client.get(f"{BOARD}&team={OTHER_TEAM}").status_code == 403
    token = form_token(client.get(BOARD).text)
    assert client.post(f"/board/plans/{plan_id}/publish", data={"csrf_token": token}).status_code == 403


# ---------------------------------------------------------------------------------------------
# Generate, progress, stop


def test_generate_queues_one_solve_and_the_board_polls_its_progress(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Generate queues a solve and shows its polling progress; a second Generate is refused in words."""
    sign_in(client, "lead")
    response = generate(client, time_limit="5")
    assert response.status_code == 200
    assert str(response.url).endswith(BOARD)
    [job] = jobs(app)
    assert (job.team_id, job.week_start, job.time_limit, job.status) == (TEAM, WEEK, 5.0, "queued")
    assert f'hx-get="/board/jobs/{job.id}/progress" hx-trigger="load delay:1s"' in response.text
    assert "Waiting for a worker" in response.text
    assert "solve" in [action for _user, action, _target in audit_events(app)]

    again = generate(client)
    assert again.status_code == 409
    assert "already queued or running" in again.text
    assert len(jobs(app)) == 1


def test_board_shows_the_running_job_after_a_reload(app: FastAPI, client: TestClient, world: World) -> None:
    """A running job survives a reload: the board shows its progress figures and bar."""
    sign_in(client, "lead")
    generate(client, time_limit="20")
    with app.state.sessionmaker.begin() as session:
        job = claim_next_job(session=session, worker_pid=os.getpid())
        record_progress(
            session=session,
            job_id=job.id,
            progress={
                "phase": "routing",
                "elapsed": 5.0,
                "best_objective": 1234.0,
                "unmet": 2,
                "time_limit": 20,
            },
        )
    page = client.get(BOARD).text
    assert '<progress max="20.0" value="5.0"' in page
    assert "routing" in page and "1234" in page
    assert '<dd class="unmet-count">2</dd>' in page
    assert "Stop and keep the best plan" in page


def test_progress_fragment_polls_while_running_then_links_the_result(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """The progress fragment keeps its trigger until the job is done, then renders a link to the new draft."""
    sign_in(client, "lead")
    generate(client, time_limit="1")
    [queued] = jobs(app)
    fragment = client.get(f"/board/jobs/{queued.id}/progress", headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert 'hx-trigger="load delay:1s"' in fragment.text

    job = run_queued_job(app)
    assert job.status == "done"
    fragment = client.get(f"/board/jobs/{job.id}/progress", headers=HX)
    assert "hx-trigger" not in fragment.text
    assert "Stop and keep" not in fragment.text
    assert f'href="/board?week={WEEK.isoformat()}&amp;plan={job.plan_id}"' in fragment.text

    board = client.get(BOARD).text
    assert f"Draft {job.plan_id}" in board
    assert "Its plan is shown below" in board


def test_progress_without_htmx_goes_to_the_board(app: FastAPI, client: TestClient, world: World) -> None:
    """Without JavaScript the progress address leads back to the board, which has a Refresh link."""
    sign_in(client, "lead")
    page = generate(client).text
    [job] = jobs(app)
    assert f'<a href="{BOARD}">Refresh</a>' in page
    response = client.get(f"/board/jobs/{job.id}/progress", follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, BOARD)


def test_stop_ends_a_queued_job_and_asks_a_running_one(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Stop ends a queued job at once; a running job is asked to stop and keeps its best plan."""
    sign_in(client, "lead")
    generate(client)
    [job] = jobs(app)
    token = form_token(client.get(BOARD).text)
    fragment = client.post(f"/board/jobs/{job.id}/stop", data={"csrf_token": token}, headers=HX)
    assert fragment.status_code == 200
    assert "stopped early" in fragment.text and "hx-trigger" not in fragment.text
    assert jobs(app)[0].status == "stopped"

    generate(client, time_limit="60")
    with app.state.sessionmaker.begin() as session:
        running = claim_next_job(session=session, worker_pid=os.getpid())
        running_id = running.id
    response = client.post(
        f"/board/jobs/{running_id}/stop", data={"csrf_token": token}, follow_redirects=False
    )
    assert (response.status_code, response.headers["location"]) == (303, BOARD)
    assert "Stopping…" in client.get(BOARD).text
    job = run_job(sessionmaker=app.state.sessionmaker, job_id=running_id)
    assert job.status == "stopped" and job.plan_id is not None
    assert f"Draft {job.plan_id}" in client.get(BOARD).text


def test_failed_job_shows_its_error_and_keeps_the_published_plan(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A failed solve says why on the board, and the published plan stays what is shown."""
    plan_id = save_draft(app)
    with db(app) as session:
        publish_plan(session=session, plan_id=plan_id, user_id=None)
        job = enqueue_solve(session=session, team_id=TEAM, week_start=WEEK, time_limit=1)
        finish_job(session=session, job_id=job.id, status="failed", error="The solve failed: boom")
        session.commit()
    sign_in(client, "lead")
    page = client.get(BOARD).text
    assert "The solve failed: boom" in page
    assert "The published plan is unchanged" in page
    assert "Published version 1" in page


def test_drafts_are_listed_with_their_figures_and_a_lead_discards_one(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Two Generates leave two drafts: each is listed with its visits and what it did not meet, and
    one is thrown away (audited); the other stays, and a published version cannot be discarded."""
    doc = plan_doc()
    first, second = save_draft(app), save_draft(app)
    sign_in(client, "lead")
    page = client.get(BOARD).text
    figures = f"{len(doc['visits'])} visits, {len(doc['unmet'])} not met"
    for draft in (first, second):
        item = re.search(rf'<li class="draft"><a [^>]*>Draft {draft}</a>(.*?)</li>', page, re.S)
        assert item and figures in item.group(1), page
    token = form_token(page)
    gone = client.post(f"/board/plans/{first}/discard", data={"csrf_token": token}, follow_redirects=False)
    assert gone.status_code == 303
    with db(app) as session:
        assert session.get(Plan, first) is None and session.get(Plan, second) is not None
    assert audit_events(app)[-1][1:] == ("discard", f"plan:{first}")
    page = client.get(BOARD).text
    assert f">Draft {first}</a>" not in page and f">Draft {second}</a>" in page
    with db(app) as session:
        publish_plan(session=session, plan_id=second, user_id=None, confirmed=True)
        session.commit()
    kept = client.post(f"/board/plans/{second}/discard", data={"csrf_token": token})
    assert kept.status_code == 409
    assert "Only a draft can be discarded; version 1 is published." in kept.text
    with db(app) as session:
        assert session.get(Plan, second) is not None


def test_a_week_with_a_solve_under_way_does_not_say_it_has_no_plan_to_generate(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A queued solve of a week with no plan yet: the board shows its progress and says the plan
    comes with the solve's draft, not "No plan for this week yet ... press Generate"."""
    with db(app) as session:
        enqueue_solve(session=session, team_id=TEAM, week_start=WEEK, time_limit=1)
        session.commit()
    sign_in(client, "lead")
    page = client.get(BOARD).text
    assert 'id="progress"' in page
    assert "The plan shows here once the solve above has a draft." in page
    assert "No plan for this week yet" not in page


@pytest.mark.parametrize(
    ("week", "time_limit", "field", "message"),
    [
        ("1999-12-29", "5", "week", "is outside the dates actplanner plans"),
        ("someday", "5", "week", "not a date"),
        (WEEK.isoformat(), "0", "time_limit", "from 1 to 21600"),
        (WEEK.isoformat(), "-2", "time_limit", "from 1 to 21600"),
        (WEEK.isoformat(), "soon", "time_limit", "from 1 to 21600"),
        (WEEK.isoformat(), "1e9", "time_limit", "from 1 to 21600"),
    ],
)
def test_impossible_generate_shows_the_error_inline_and_queues_nothing(
    app: FastAPI, client: TestClient, world: World, week: str, time_limit: str, field: str, message: str
) -> None:
    """An impossible week or time limit gets a 422 board naming the problem by its field; nothing queued."""
    sign_in(client, "lead")
    response = generate(client, week=week, time_limit=time_limit)
    assert response.status_code == 422
    error_id = {"week": "week-error", "time_limit": "time-limit-error"}[field]
    assert re.search(rf'id="{error_id}" role="alert">[^<]*{re.escape(message)}', response.text)
    assert 'aria-invalid="true"' in response.text
    assert jobs(app) == []


def test_bad_week_in_the_address_is_an_inline_error(client: TestClient, world: World) -> None:
    """A week in the address that is not a date shows the picker with the error, not a crash."""
    sign_in(client, "lead")
    response = client.get("/board?week=2026-12-32")
    assert response.status_code == 422
    assert "is not a date" in response.text
    assert 'value="2026-12-32"' in response.text


def test_forged_csrf_token_is_refused_and_queues_nothing(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Generate, Stop and Publish without this session's CSRF token are 403 and change nothing."""
    plan_id = save_draft(app)
    sign_in(client, "lead")
    forged = {"week": WEEK.isoformat(), "time_limit": "5", "csrf_token": "forged"}
    assert client.post("/board/generate", data=forged).status_code == 403
    assert client.post(f"/board/plans/{plan_id}/publish", data={"csrf_token": "forged"}).status_code == 403
    assert jobs(app) == []
    with db(app) as session:
        assert get_plan(session=session, plan_id=plan_id).status == "draft"


def test_generate_starts_from_the_plan_shown_unless_asked_to_start_afresh(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A re-solve keeps the shown plan as its baseline (its pins); "start afresh" drops it."""
    plan_id = save_draft(app)
    sign_in(client, "lead")
    assert "Start afresh" in client.get(BOARD).text
    generate(client)
    token = form_token(client.get(BOARD).text)
    client.post(f"/board/jobs/{jobs(app)[0].id}/stop", data={"csrf_token": token})
    generate(client, fresh="1")
    assert [j.baseline_plan_id for j in jobs(app)] == [plan_id, None]


# ---------------------------------------------------------------------------------------------
# The plan: grid, unmet, fidelity, rota


def test_grid_shows_each_staff_days_visits_minutes_and_travel(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Each cell counts the staff member's visits and minutes that date; the travel adds up to the plan's."""
    doc = plan_doc()
    plan_id = save_draft(app, doc)
    sign_in(client, "lead")
    page = client.get(BOARD).text
    cells = grid_cells(page)
    staff = [s["id"] for s in team_doc()["staff"]]
    days = [(WEEK + timedelta(days=i)).isoformat() for i in range(7)]
    assert set(cells) == {(s, d) for s in staff for d in days}
    counts: Counter[tuple[str, str]] = Counter()
    minutes: Counter[tuple[str, str]] = Counter()
    for visit in doc["visits"]:
        length = _minutes(visit["end"]) - _minutes(visit["start"])
        for sid in visit["staff"]:
            counts[(sid, visit["date"])] += 1
            minutes[(sid, visit["date"])] += length
    for key, cell in cells.items():
        assert (cell["visits"], cell["minutes"]) == (counts[key], minutes[key]), key
    assert sum(c["visits"] for c in cells.values()) == sum(len(v["staff"]) for v in doc["visits"])
    travel = sum(c["travel"] for c in cells.values())
    assert travel == metrics(team_doc(), doc)["travel_minutes_total"]
    assert travel > 0
    busy = next(key for key, n in counts.items() if n)
    assert f'href="/board/plans/{plan_id}/staff/{busy[0]}/days/{busy[1]}"' in page


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def test_unmet_rules_are_listed_by_client_code_in_words(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Each unmet rule shows the client's code, the rule in words and the reason; never the client's name."""
    doc = plan_doc()
    assert doc["unmet"], "the greedy plan of the small team leaves something unmet"
    save_draft(app, doc)
    sign_in(client, "lead")
    page = client.get(BOARD).text
    clients = {c["id"]: c for c in team_doc()["clients"]}
    words = Words.of(team_doc())
    assert f"Unmet ({len(doc['unmet'])})" in page
    for entry in doc["unmet"]:
        assert f'<strong class="client-code">{clients[entry["client"]]["code"]}</strong>' in page
        assert str(escape(words.text(entry["detail"]))) in page
    assert '<span class="rule-title">Visit count</span>' in page
    assert '<small class="rule">H1</small>' in page
    for client_entry in clients.values():
        if client_entry.get("name"):
            assert client_entry["name"] not in page


def test_fidelity_figures_stand_beside_their_targets(app: FastAPI, client: TestClient, world: World) -> None:
    """Contacts, minutes, 2+ staff share, caseload and on-call coverage show with the DACTS targets."""
    doc = plan_doc()
    save_draft(app, doc)
    sign_in(client, "lead")
    page = client.get(BOARD).text
    figures = doc["metrics"]

    def row(key: str) -> str:
        match = re.search(rf'<tr data-figure="{key}"[^>]*>(.*?)</tr>', page, re.S)
        assert match, key
        return " ".join(match.group(1).split())

    assert f"{figures['contacts_per_client_week']:.1f}" in row("contacts_per_client_week")
    assert "≥ 4" in row("contacts_per_client_week")
    assert "≥ 120" in row("minutes_per_client_week")
    assert f"{figures['share_clients_seen_by_2plus_staff'] * 100:.0f}%" in row(
        "share_clients_seen_by_2plus_staff"
    )
    assert "≥ 90%" in row("share_clients_seen_by_2plus_staff")
    assert "≤ 10" in row("caseload_ratio")
    assert "100%" in row("on_call_coverage")
    assert f"{figures['itt_share'] * 100:.0f}%" in row("itt_share")
    assert 'class="missed"' in re.search(r'<tr data-figure="contacts_per_client_week"[^>]*>', page).group(0)


def test_on_call_rota_shows_who_holds_each_role_each_day(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """The rota has a row per role and the holder's name for each day of the week."""
    doc = plan_doc()
    save_draft(app, doc)
    sign_in(client, "lead")
    page = client.get(BOARD).text
    names = {s["id"]: s["name"] for s in team_doc()["staff"]}
    rota = re.search(r'<tr data-role="primary">(.*?)</tr>', page, re.S).group(1)
    holders = re.findall(r"<td>([^<]*)</td>", rota)
    expected = [names[p["staff"]] for p in doc["on_call"] if p["role"] == "primary"]
    assert holders == expected and len(holders) == 7


# ---------------------------------------------------------------------------------------------
# Publish


def test_publish_makes_version_1_then_a_resolve_shows_what_changed(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Publishing a draft makes version 1; a changed draft shows its diff and publishes as version 2."""
    first = save_draft(app)
    sign_in(client, "lead")
    token = form_token(client.get(BOARD).text)
    page = client.post(f"/board/plans/{first}/publish", data={"csrf_token": token})
    assert page.status_code == 200
    assert str(page.url).endswith(f"{BOARD}&plan={first}")
    assert "Published version 1" in page.text
    assert "Publish this plan" not in page.text
    assert ("publish", f"plan:{first}") in [(a, t) for _u, a, t in audit_events(app)]

    doc = plan_doc()
    moved, cancelled = doc["visits"][0], doc["visits"][1]
    moved_to = next(s["id"] for s in team_doc()["staff"] if s["id"] not in moved["staff"])
    moved["staff"] = [moved_to]
    doc["visits"].remove(cancelled)
    doc["visits"].append({**cancelled, "id": "v-new", "date": (WEEK + timedelta(days=6)).isoformat()})
    second = save_draft(app, doc, baseline_plan_id=first)

    codes = {c["id"]: c["code"] for c in team_doc()["clients"]}
    draft_page = client.get(BOARD).text
    assert f"Draft {second}" in draft_page
    assert "Changes against the published version 1" in draft_page
    assert '<span data-count="added">1 added</span>' in draft_page
    assert '<span data-count="moved">1 moved</span>' in draft_page
    assert '<span data-count="cancelled">1 cancelled</span>' in draft_page

    # The hand-made draft breaks rules (a nurse's visit moved to a doctor, a Sunday visit): it is
    # published only once the lead confirms the problems the board lists.
    asked = client.post(f"/board/plans/{second}/publish", data={"csrf_token": token})
    assert asked.status_code == 409 and "Publish anyway" in asked.text
    page = client.post(f"/board/plans/{second}/publish", data={"csrf_token": token, "confirm": "1"}).text
    assert "Published version 2" in page
    assert "Changes against version 1" in page
    diff = re.search(r'<section id="diff".*?</section>', page, re.S).group(0)
    assert f'<td class="client-code">{codes[moved["client"]]}</td>' in diff
    assert f'<td class="client-code">{codes[cancelled["client"]]}</td>' in diff
    for change in ("added", "moved", "cancelled"):
        assert f'class="change-{change}"' in diff
    versions = re.search(r'<section class="versions".*?</section>', page, re.S).group(0)
    assert "Version 2</a>" in versions and "Version 1</a>" in versions and "superseded" in versions
    with db(app) as session:
        statuses = {p.id: (p.status, p.version) for p in session.scalars(select(Plan))}
    assert statuses == {first: ("superseded", 1), second: ("published", 2)}

    old = client.get(f"{BOARD}&plan={first}").text
    assert "Version 1 (superseded)" in old


def test_publishing_a_published_plan_again_is_refused(app: FastAPI, client: TestClient, world: World) -> None:
    """A plan that is no longer a draft cannot be published again; the board says so."""
    plan_id = save_draft(app)
    sign_in(client, "lead")
    token = form_token(client.get(BOARD).text)
    client.post(f"/board/plans/{plan_id}/publish", data={"csrf_token": token})
    again = client.post(f"/board/plans/{plan_id}/publish", data={"csrf_token": token})
    assert again.status_code == 409
    assert "only a draft can be published" in again.text


def test_publishing_a_plan_with_problems_lists_them_and_asks_again(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A draft with a language break and a flagged move is not published by one click: the board lists both
    in words and publishes only after "Publish anyway"."""
    doc = plan_doc()
    next(v for v in doc["visits"] if v["client"] == "c-005")["staff"] = ["s-cm1"]
    broken = save_draft(app, doc)
    with db(app) as session:
        moved = edits.move_visit(
            session=session,
            plan_id=broken,
            visit_id="v-0002",
            from_staff="s-cm1",
            to_staff="",
            to_date=None,
            to_start="14:00",
            flag=True,
            user_id=None,
        )
        session.commit()
        plan_id = moved.plan.id
    sign_in(client, "lead")
    token = form_token(client.get(BOARD).text)
    asked = client.post(f"/board/plans/{plan_id}/publish", data={"csrf_token": token})
    assert asked.status_code == 409
    box = re.search(r'<div class="confirm-publish".*?</div>', asked.text, re.S).group(0)
    assert "has 3 problems" in box
    team = team_doc()
    code = next(c["code"] for c in team["clients"] if c["id"] == "c-005")
    name = next(s["name"] for s in team["staff"] if s["id"] == "s-cm1")
    assert str(escape(f"Staff eligibility: {code} speaks Spanish but {name}")) in box
    assert "Time windows: " + edits.FLAG_PREFIX in box
    assert '<small class="rule">H3</small>' in box and '<small class="rule">H6</small>' in box
    assert "c-005" not in box and "s-cm1" not in box
    assert '<input type="hidden" name="confirm" value="1">' in box
    assert "Publish anyway" in box
    with db(app) as session:
        assert get_plan(session=session, plan_id=plan_id).status == "draft"
    done = client.post(f"/board/plans/{plan_id}/publish", data={"csrf_token": token, "confirm": "1"})
    assert done.status_code == 200
    assert "Published version 1" in done.text
    with db(app) as session:
        assert get_plan(session=session, plan_id=plan_id).status == "published"


def test_plan_of_another_week_is_404(app: FastAPI, client: TestClient, world: World) -> None:
    """Asking the board of one week for a plan of another is a 404."""
    plan_id = save_draft(app)
    sign_in(client, "lead")
    assert client.get(f"/board?week=2026-12-07&plan={plan_id}").status_code == 404


def test_lead_without_a_team_picks_one_and_stays_on_it(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A lead with no team of their own chooses a team first; the board's links and forms keep it."""
    with db(app) as session:
        create_user(session=session, username="agency", password="correct horse", role="lead")
        session.commit()
    sign_in(client, "agency")
    choose = client.get("/board").text
    assert f'href="/board?team={TEAM}"' in choose and f'href="/board?team={OTHER_TEAM}"' in choose
    save_draft(app)
    page = client.get(f"{BOARD}&team={TEAM}").text
    assert f'<input type="hidden" name="team" value="{TEAM}">' in page
    assert f'href="/board?week=2026-12-07&amp;team={TEAM}"' in page
    response = generate_for(client, page, team=TEAM)
    assert str(response.url).endswith(f"{BOARD}&team={TEAM}")
    assert [j.team_id for j in jobs(app)] == [TEAM]


def generate_for(client: TestClient, page: str, **extra: str) -> Any:
    data = {"week": WEEK.isoformat(), "time_limit": "5", "csrf_token": form_token(page), **extra}
    return client.post("/board/generate", data=data)
