"""My week with rostered shifts (Part B): each day's shift (type and hours), the holiday it falls on,
the break and the team meeting as items of the day; a contracted staff member's requests, asked and
withdrawn from the page, each shown with whether the published roster honoured it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.planning.plans import publish_plan, save_plan
from actplanner.teams.service import export_team, import_team
from tests.planning.part_b_plans import HOLIDAY, HOLIDAY_NAME, NURSE, part_b_plan, part_b_team
from tests.support.web_factories import TEAM, WEEK, World, audit_events, db, form_token, sign_in


@pytest.fixture
def rostered(app: FastAPI, world: World) -> dict[str, Any]:
    """The Part B small team and its week's plan@2 (shifts and breaks), published."""
    doc = part_b_plan()
    with db(app) as session:
        import_team(session=session, data=part_b_team())
        saved = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id, confirmed=True)
        session.commit()
    return doc


def day_section(page: str, offset: int) -> str:
    day = (WEEK + timedelta(days=offset)).isoformat()
    found = re.search(rf'<section class="day" aria-labelledby="day-{day}">.*?</section>', page, re.S)
    assert found, f"no section for {day}"
    return found.group(0)


def contract_requests(app: FastAPI) -> list[dict[str, Any]]:
    with db(app) as session:
        doc = export_team(session=session, team_id=TEAM)
    return next(s for s in doc["staff"] if s["id"] == NURSE)["contract"].get("requests", [])


def test_each_day_shows_the_shift_the_holiday_the_break_and_the_meeting(
    client: TestClient, rostered: dict[str, Any]
) -> None:
    sign_in(client, "nurse")
    page = client.get(f"/my-week?week={WEEK.isoformat()}").text
    monday, tuesday, thursday, saturday = (day_section(page, i) for i in (0, 1, 3, 5))
    assert "Shift day 08:30–17:00" in monday
    assert re.search(r'<tr class="day-item break">\s*<td class="time">11:45–12:15</td>', monday)
    # The meeting is an item of the day when the shift covers it, first in time order.
    assert re.search(r'<tr class="day-item meeting">\s*<td class="time">08:30–09:15</td>', monday)
    assert "Team meeting</strong> at the office" in monday
    assert "Shift late 11:30–20:00" in tuesday and "day-item meeting" not in tuesday
    assert "14:00–14:30" in tuesday
    # The holiday is named; its shift type is the holiday's, and the weekday meeting does not apply.
    assert f"{HOLIDAY_NAME} (holiday)" in thursday and HOLIDAY == WEEK + timedelta(days=3)
    assert "Shift weekend 09:00–17:30" in thursday and "day-item meeting" not in thursday
    assert "Day off" in saturday and "day-item" not in saturday
    # Visits keep their rows: the break and the meeting are not visits.
    theirs = [v for v in rostered["visits"] if NURSE in v["staff"]]
    assert page.count('<tr class="visit">') == len(theirs)


def test_the_day_sheet_lists_the_break_and_the_meeting(client: TestClient, rostered: dict[str, Any]) -> None:
    sign_in(client, "nurse")
    sheet = client.get(f"/my-week/{WEEK.isoformat()}/print").text
    assert "shift day 08:30–17:00" in sheet
    assert "Team meeting 08:30–09:15 at the office · Break 11:45–12:15" in sheet


def test_a_plan_without_shifts_keeps_the_fixed_hours(app: FastAPI, client: TestClient, world: World) -> None:
    """Part A: no rostered shifts, no break, no meeting; the fixed hours as before."""
    from tests.support.web_factories import plan_doc

    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=plan_doc(), source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id, confirmed=True)
        session.commit()
    sign_in(client, "nurse")
    page = client.get(f"/my-week?week={WEEK.isoformat()}").text
    assert "Shift 08:30–17:00" in day_section(page, 0)
    assert "day-item" not in page and 'id="requests"' not in page


def test_requests_are_listed_with_what_the_roster_made_of_them(
    client: TestClient, rostered: dict[str, Any]
) -> None:
    sign_in(client, "nurse")
    page = client.get(f"/my-week?week={WEEK.isoformat()}").text
    section = re.search(r'<section id="requests".*?</section>', page, re.S).group(0)
    assert re.search(
        r"Tue 1 Dec 2026</strong>: the late shift —\s*<span class=\"state\">honoured</span>", section
    )
    assert re.search(
        r"Fri 4 Dec 2026</strong>: the day off —\s*<span class=\"state\">not honoured</span> "
        r"\(rostered day 08:30–17:00\)",
        section,
    )
    # The choices are the contract's: the day off or one of its shift types.
    assert re.findall(r'<option value="([^"]+)"', section) == [
        "off",
        "shift:day",
        "shift:late",
        "shift:weekend",
    ]


def test_a_staff_member_asks_for_a_day_off_and_withdraws_it(
    app: FastAPI, client: TestClient, world: World, rostered: dict[str, Any]
) -> None:
    sign_in(client, "nurse")
    token = form_token(client.get(f"/my-week?week={WEEK.isoformat()}").text)
    answer = client.post(
        "/my-week/requests",
        data={"csrf_token": token, "date": "2026-12-24", "what": "off"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert "week=2026-12-21" in answer.headers["location"]
    assert {"date": "2026-12-24", "off": True} in contract_requests(app)
    # Recorded as every team edit is: an import of the team file by the nurse.
    assert (world.staff_id, "import", f"team:{TEAM}") in audit_events(app)
    page = client.get(answer.headers["location"]).text
    assert "Asked for Thu 24 Dec 2026 off." in page
    assert re.search(
        r"Thu 24 Dec 2026</strong>: the day off —\s*<span class=\"state\">not rostered yet", page
    )
    # A shift instead replaces the date's request; then it is withdrawn.
    data = {"csrf_token": token, "date": "2026-12-24", "what": "shift:day"}
    assert client.post("/my-week/requests", data=data, follow_redirects=False).status_code == 303
    assert [r for r in contract_requests(app) if r["date"] == "2026-12-24"] == [
        {"date": "2026-12-24", "shift": "day"}
    ]
    data = {"csrf_token": token, "date": "2026-12-24"}
    assert client.post("/my-week/requests/withdraw", data=data, follow_redirects=False).status_code == 303
    assert [r["date"] for r in contract_requests(app)] == ["2026-12-01", "2026-12-04"]


def test_a_bad_request_is_named_and_nothing_is_saved(
    app: FastAPI, client: TestClient, rostered: dict[str, Any]
) -> None:
    sign_in(client, "nurse")
    token = form_token(client.get(f"/my-week?week={WEEK.isoformat()}").text)
    before = contract_requests(app)
    for data, message in [
        ({"date": "", "what": "off"}, "date: choose the date of the request"),
        ({"date": "24/12/2026", "what": "off"}, "date"),
        (
            {"date": "2026-12-24", "what": "shift:night"},
            "&#39;night&#39; is not one of the team&#39;s shift types",
        ),
        ({"date": "2026-12-24", "what": "nothing"}, "what: choose the day off or a shift type."),
    ]:
        answer = client.post("/my-week/requests", data={"csrf_token": token, **data})
        assert answer.status_code == 422, data
        assert "Not saved:" in answer.text and message in answer.text, answer.text
        assert contract_requests(app) == before


def test_only_your_own_requests_and_none_on_fixed_hours(
    app: FastAPI, client: TestClient, world: World, rostered: dict[str, Any]
) -> None:
    sign_in(client, "nurse")
    token = form_token(client.get(f"/my-week?week={WEEK.isoformat()}").text)
    answer = client.post(
        "/my-week/requests", data={"csrf_token": token, "date": "2026-12-24", "what": "off", "staff": "s-sw1"}
    )
    assert answer.status_code == 403
    assert (world.staff_id, "denied", f"staff:{TEAM}/s-sw1") in audit_events(app)
    # The lead sees the nurse's requests and asks for her; a fixed-hours member has no requests part.
    client.post("/logout", data={"csrf_token": token})
    sign_in(client, "lead")
    page = client.get(f"/my-week?week={WEEK.isoformat()}&staff={NURSE}").text
    assert 'id="requests"' in page and 'name="staff" value="s-rn1"' in page
    lead_token = form_token(page)
    data = {"csrf_token": lead_token, "date": "2026-12-31", "what": "off", "staff": NURSE}
    assert client.post("/my-week/requests", data=data, follow_redirects=False).status_code == 303
    assert {"date": "2026-12-31", "off": True} in contract_requests(app)
    assert 'id="requests"' not in client.get(f"/my-week?week={WEEK.isoformat()}&staff=s-sw1").text
    data = {"csrf_token": lead_token, "date": "2026-12-31", "what": "off", "staff": "s-sw1"}
    answer = client.post("/my-week/requests", data=data)
    assert answer.status_code == 422 and "works fixed hours, not a contract" in answer.text


def published_id(app: FastAPI) -> int:
    from actplanner.planning.plans import published_plan

    with db(app) as session:
        plan = published_plan(session=session, team_id=TEAM, week_start=WEEK)
        assert plan is not None
        return plan.id


def test_the_day_view_holds_the_meeting_at_the_office_and_the_break_among_the_visits(
    app: FastAPI, client: TestClient, rostered: dict[str, Any]
) -> None:
    sign_in(client, "lead")
    page = client.get(f"/board/plans/{published_id(app)}/staff/{NURSE}/days/{WEEK.isoformat()}").text
    assert "Shift day <time>08:30</time>–<time>17:00</time>" in page
    route = re.search(r'<table class="route">.*?</table>', page, re.S).group(0)
    kinds = re.findall(r'<tr (?:id="visit-[^"]+" class="stop|class="day-item (\w+))', route)
    # The meeting first (08:30), a visit, the break (11:45), the second visit (12:30).
    assert kinds == ["meeting", "", "break", ""]
    assert "Team meeting</strong> at the office" in route and "<strong>Break</strong>" in route
    # The legs to the office and from it are travel of the day: the total adds up every leg.
    legs = [int(m) for m in re.findall(r'class="leg" data-minutes="(\d+)"', route)]
    total = int(re.search(r'id="total-travel" data-minutes="(\d+)"', route).group(1))
    assert total == sum(legs)
    # The holiday's day names the holiday.
    page = client.get(f"/board/plans/{published_id(app)}/staff/{NURSE}/days/{HOLIDAY.isoformat()}").text
    assert f"{HOLIDAY_NAME} (holiday)" in page and "Shift weekend" in page and "day-item meeting" not in page


def test_my_day_shows_the_break_and_the_meeting_among_the_visit_cards(
    client: TestClient, rostered: dict[str, Any]
) -> None:
    sign_in(client, "nurse")
    page = client.get(f"/my-day?day={WEEK.isoformat()}").text
    assert 'id="shift-line">Shift day 08:30–17:00' in page
    order = re.findall(r'<article class="(visit-card[^"]*|day-item \w+)"', page)
    assert order == ["day-item meeting", "visit-card", "day-item break", "visit-card"]
    assert "<time>11:45</time>–<time>12:15</time> <strong>Break</strong>" in page
    page = client.get(f"/my-day?day={(WEEK + timedelta(days=5)).isoformat()}").text
    assert 'id="shift-line">Day off' in page and "day-item" not in page


def test_last_nights_primary_is_excused_from_the_meeting_only_while_resting(
    app: FastAPI, client: TestClient, world: World, rostered: dict[str, Any]
) -> None:
    """H16's exception: the nurse is primary Tuesday night; rest_next_day_start 10:00 is later than
    the 08:30 meeting, so Wednesday has no meeting for her. With rest from 08:00 she attends."""
    wednesday = WEEK + timedelta(days=2)
    assert any(
        p["role"] == "primary" and p["staff"] == NURSE and p["end"] == f"{wednesday.isoformat()}T08:30"
        for p in rostered["on_call"]
    )
    sign_in(client, "nurse")
    section = day_section(client.get(f"/my-week?week={WEEK.isoformat()}").text, 2)
    assert "you were primary on call last night" in section and "day-item meeting" not in section
    team = part_b_team()
    team["policy"]["on_call"]["rest_next_day_start"] = "08:00"
    with db(app) as session:
        import_team(session=session, data=team)
        session.commit()
    section = day_section(client.get(f"/my-week?week={WEEK.isoformat()}").text, 2)
    assert "primary on call last night" not in section and "day-item meeting" in section
