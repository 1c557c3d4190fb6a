"""What a team prints (issue 13, item 9): the week on landscape pages and the day's assignment sheet.

The standard sample team (13 staff) with a greedy plan of the test week, published; its lead signs in.
"""

from __future__ import annotations

import copy
import html
import json
import re
from functools import cache
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.accounts.service import create_user
from actplanner.planning import print_views
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.teams.service import import_team
from tests.support.team_files import team_file
from tests.support.web_factories import PASSWORD, WEEK, World, db, sign_in

STANDARD = "west-town"
LEAD = "standard-lead"
PRINT = f"/board/print?week={WEEK.isoformat()}"
DAY = "2026-12-01"


@cache
def _standard_plan() -> str:
    from actplanner.bench.teams import plan_team

    return json.dumps(plan_team(team_file("standard"), 2.0, greedy=True)[0])


def standard_plan() -> dict[str, Any]:
    return copy.deepcopy(json.loads(_standard_plan()))


def seed(app: FastAPI, *, publish: bool = True) -> int:
    """The standard team, its plan of the test week (published unless told) and its lead."""
    with db(app) as session:
        import_team(session=session, data=team_file("standard"))
        plan = save_plan(session=session, team_id=STANDARD, plan_file=standard_plan(), source="solve")
        if publish:
            publish_plan(session=session, plan_id=plan.id, user_id=None, confirmed=True)
        create_user(session=session, username=LEAD, password=PASSWORD, role="lead", team_id=STANDARD)
        session.commit()
        return plan.id


@pytest.fixture
def lead(app: FastAPI, client: TestClient, world: World) -> TestClient:
    seed(app)
    sign_in(client, LEAD)
    return client


def rows(page: str) -> dict[str, str]:
    """Staff id → the text of their row of the printed week."""
    found = re.findall(r'<tr data-staff="([^"]+)">(.*?)</tr>', page, re.S)
    return {sid: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split()) for sid, body in found}


def test_the_week_prints_every_staff_members_shift_visits_and_on_call_on_one_page(lead: TestClient) -> None:
    response = lead.get(PRINT)
    assert response.status_code == 200
    page = response.text
    plan = standard_plan()
    team = team_file("standard")
    assert page.count('class="print-page"') == 1, "the standard team's week is one page"
    printed = rows(page)
    assert set(printed) == {s["id"] for s in team["staff"]}
    codes = {c["id"]: c["code"] for c in team["clients"]}
    for shift in plan["shifts"][:20]:
        hours = f"{shift['start']}–{shift['end']}"
        words = f"{shift['type']} {hours}" if shift["type"] else hours
        assert words in printed[shift["staff"]], (shift, printed[shift["staff"]])
    for visit in plan["visits"][:30]:
        for sid in visit["staff"]:
            assert f"{visit['start']} {codes[visit['client']]}" in printed[sid]
    names = {s["id"]: s["name"] for s in team["staff"]}
    primary = next(p for p in plan["on_call"] if p["role"] == "primary")
    foot = page[page.index("<tfoot>") : page.index("</tfoot>")]
    assert "Primary on call" in foot and "Backup on call" in foot
    assert names[primary["staff"]] in foot
    assert "Published version 1" in page


def test_the_printed_week_shows_codes_never_client_names_or_addresses(lead: TestClient) -> None:
    page = lead.get(PRINT).text
    for client in team_file("standard")["clients"]:
        if client.get("name"):
            assert client["name"] not in page
        label = (client.get("home") or {}).get("label")
        if label:
            assert label not in page


def test_the_print_views_hold_no_navigation_and_no_form(lead: TestClient) -> None:
    for url in (PRINT, f"/board/print/day?date={DAY}", f"{PRINT}&weeks=4"):
        page = lead.get(url).text
        for tag in ("<nav", "<form", "<button", "<input", "<select"):
            assert tag not in page, (url, tag)
        assert "@page" not in page  # the page size is the stylesheet's
        assert "print_week.css" in page or "print_day.css" in page


def test_several_weeks_print_a_page_each_with_holidays_named(lead: TestClient) -> None:
    page = lead.get(f"{PRINT}&weeks=4").text
    weeks = re.findall(r'<section class="print-page" data-week="([^"]+)"', page)
    assert weeks == ["2026-11-30", "2026-12-07", "2026-12-14", "2026-12-21"]
    assert page.count("No plan for this week yet.") == 3
    christmas = page[page.index('data-week="2026-12-21"') :]
    named = "<strong>Christmas Eve</strong> (Thu 24 Dec), <strong>Christmas Day</strong> (Fri 25 Dec)"
    assert f"Holidays: {named}" in christmas


def test_a_holiday_is_named_over_its_column(app: FastAPI, client: TestClient, world: World) -> None:
    team = team_file("standard")
    team["policy"]["holidays"].append({"date": "2026-12-02", "name": "Founders Day"})
    with db(app) as session:
        import_team(session=session, data=team)
        plan = save_plan(session=session, team_id=STANDARD, plan_file=standard_plan(), source="solve")
        create_user(session=session, username=LEAD, password=PASSWORD, role="lead", team_id=STANDARD)
        session.commit()
    sign_in(client, LEAD)
    page = client.get(f"{PRINT}&plan={plan.id}").text
    head = re.search(r'<th scope="col" data-date="2026-12-02" class="([^"]*)">(.*?)</th>', page, re.S)
    assert head and "holiday" in head.group(1) and "Founders Day" in head.group(2)


def test_a_large_team_prints_a_page_per_so_many_staff(
    lead: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(print_views, "STAFF_PER_PAGE", 5)
    page = lead.get(PRINT).text
    assert re.findall(r'data-page="(\d+)"', page) == ["1", "2", "3"]
    assert "page 2 of 3" in page
    assert page.count("<tfoot>") == 3, "each sheet carries the on-call rows"
    assert len(rows(page)) == 13


def test_a_draft_prints_marked_as_a_draft(app: FastAPI, client: TestClient, world: World) -> None:
    seed(app, publish=False)
    sign_in(client, LEAD)
    page = client.get(PRINT).text
    assert "DRAFT — not published" in page
    assert len(rows(page)) == 13


def test_the_day_sheet_has_a_block_per_staff_member_with_break_and_meeting(lead: TestClient) -> None:
    response = lead.get(f"/board/print/day?date={DAY}")
    assert response.status_code == 200
    page = response.text
    plan = standard_plan()
    working = {s["staff"] for s in plan["shifts"] if s["date"] == DAY}
    blocks = re.findall(r'<section class="staff-day" data-staff="([^"]+)">(.*?)</section>', page, re.S)
    assert {sid for sid, _ in blocks} >= working
    by_staff = dict(blocks)
    team = team_file("standard")
    codes = {c["id"]: c["code"] for c in team["clients"]}
    for visit in (v for v in plan["visits"] if v["date"] == DAY):
        for sid in visit["staff"]:
            assert f">{codes[visit['client']]}<" in by_staff[sid]
    rest = next(b for b in plan["breaks"] if b["date"] == DAY)
    assert f"Break {rest['start']}–{rest['end']}" in by_staff[rest["staff"]]
    assert "Team meeting 08:30–09:15 at the office" in page
    primary = next(p for p in plan["on_call"] if p["role"] == "primary" and p["start"].startswith(DAY))
    assert "Primary on call Tue 1 Dec 08:30 – Wed 2 Dec 08:30" in by_staff[primary["staff"]]
    for client in team["clients"]:
        if client.get("name"):
            assert client["name"] not in page


@pytest.mark.parametrize(
    ("url", "field"), [("/board/print?week=2026-13-01", "week"), ("/board/print/day?date=soon", "date")]
)
def test_a_bad_week_or_date_is_refused_naming_the_field(lead: TestClient, url: str, field: str) -> None:
    response = lead.get(url)
    assert response.status_code == 422
    assert f"{field}:" in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("url", [PRINT, f"/board/print/day?date={DAY}"])
def test_printing_needs_a_lead_signed_in(client: TestClient, world: World, url: str) -> None:
    response = client.get(url, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    sign_in(client, "nurse")
    assert client.get(url, follow_redirects=False).status_code == 403


def test_another_teams_lead_cannot_print_this_team(app: FastAPI, client: TestClient, world: World) -> None:
    seed(app)
    sign_in(client, "lead")  # the small team's lead
    assert client.get(f"{PRINT}&team={STANDARD}").status_code == 403


def test_the_board_links_the_printed_week_and_it_links_each_days_sheet(lead: TestClient) -> None:
    board = lead.get(f"/board?week={WEEK.isoformat()}").text
    assert f'href="/board/print?week={WEEK.isoformat()}" id="print-link"' in board
    page = lead.get(PRINT).text
    assert f'href="/board/print/day?date={DAY}"' in page
