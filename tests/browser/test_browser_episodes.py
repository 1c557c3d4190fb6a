"""A hospital stay in a browser (issue 11, "Done when"): the lead records a stay on a client's form
with date pickers, the client page says "in hospital", the week's plan is generated and published,
the client's home visits stop on the stay's days, a hospital visit appears (the day view says "at
the hospital"), post-discharge visits follow from the first day home, and the client page then says
"discharged".
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import Page, expect

from actplanner.db import Plan
from actplanner.domain.words import day_words
from actplanner.planning.plans import stored_plan_doc
from tests.browser.conftest import LiveServer

#: A week no other browser test plans (the live server is shared), with the post-discharge
#: rule's 14 days clear of theirs too.
WEEK = date(2027, 6, 7)
#: The stay: Monday to Thursday, the first day home (no home visits Monday to Wednesday).
HOME = WEEK + timedelta(days=3)
#: A stable client of the small team: 1 home visit a week, weekday mornings; staff work weekdays.
CLIENT, CODE = "c-007", "VJL"
HOSPITAL = "Test General"


def said(day: date) -> str:
    """A date as the client page says it: "Mon 7 Jun 2027"."""
    return f"{day_words(day)} {day.year}"


def show_day(page: Page, row: Any, day: date) -> None:
    """Show what is in force for the client on ``day`` with the form's date picker."""
    row.get_by_label("Show what is in force on").fill(day.isoformat())
    row.get_by_role("button", name="Show", exact=True).click()
    expect(row.get_by_role("heading", name=re.compile(f"In force on {day:%A} {day.day} "))).to_be_visible()


def test_lead_records_a_hospital_stay_and_the_plan_follows_it(
    lead_page: Page, live_server: LiveServer, worker: Any
) -> None:
    page = lead_page
    page.goto("/team?open=policy#policy")
    # The post-discharge rule (the sample team has one; set it if not).
    days = page.get_by_label("For this many days after discharge")
    if not days.input_value():
        days.fill("14")
        page.get_by_label("at least this many visits a week").fill("3")
        page.get_by_label("and the first visit within this many days").fill("2")
        page.get_by_role("button", name="Save policy").click()
    expect(page.get_by_label("For this many days after discharge")).to_have_value("14")
    expect(page.get_by_label("at least this many visits a week")).to_have_value("3")

    # The stay, with the date pickers of the client's form.
    row = page.locator(f"#clients-{CLIENT}")
    row.get_by_role("link", name="Edit").click()
    stay = row.get_by_role("group", name="New stay or absence")
    stay.get_by_label("New stay or absence").select_option("inpatient")
    stay.get_by_label("Start").fill(WEEK.isoformat())
    stay.get_by_label("End (first day home)").fill(HOME.isoformat())
    stay.get_by_label("Hospital latitude").fill("41.9000")
    stay.get_by_label("Hospital longitude").fill("-87.6500")
    stay.get_by_label("Hospital name").fill(HOSPITAL)
    stay.get_by_label("Hospital visits a week by the ITT").fill("1")
    row.get_by_role("button", name="Save").click()
    row = page.locator(f"#clients-{CLIENT}")
    expect(row.get_by_role("link", name="Edit")).to_be_visible()

    row.get_by_role("link", name="Edit").click()
    show_day(page, row, WEEK + timedelta(days=2))
    expect(row.locator(".in-force")).to_contain_text(
        f"In hospital since {said(WEEK)} ({HOSPITAL}), 1 hospital visit a week by the ITT; "
        f"home on {said(HOME)}."
    )
    expect(row.locator(".in-force")).to_contain_text(f"Home visits the week of {said(WEEK)} needs: 2")

    # The week's plan, generated and published.
    page.goto(f"/board?week={WEEK.isoformat()}")
    page.get_by_label("Time limit (seconds)").fill("5")
    page.get_by_role("button", name="Generate").click()
    page.get_by_role("link", name=re.compile(r"Show draft \d+")).click(timeout=60_000)
    page.get_by_role("button", name="Publish this plan").click()
    expect(page.get_by_role("heading", name=re.compile("Published version 1"))).to_be_visible()

    with live_server.session() as session:
        plan_id = (
            session.query(Plan.id)
            .filter(Plan.team_id == live_server.team_id, Plan.week_start == WEEK, Plan.status == "published")
            .scalar()
        )
        doc = stored_plan_doc(session=session, plan_id=plan_id)
        session.rollback()
    theirs = [v for v in doc["visits"] if v["client"] == CLIENT]
    at_home = sorted(v["date"] for v in theirs if v.get("place", "home") == "home")
    in_hospital = [v for v in theirs if v.get("place") == "hospital"]
    # No home visit on the stay's days; one hospital visit during it; from the first day home the
    # post-discharge rule's count over its 4 days of the week, max(ceil(1 × 4 / 7), ceil(3 × 4 / 7))
    # = 2 (1 without it), the first within 2 days of it.
    assert at_home and min(at_home) >= HOME.isoformat(), at_home
    assert len(at_home) == 2 and min(at_home) <= (HOME + timedelta(days=1)).isoformat(), at_home
    assert len(in_hospital) == 1 and WEEK.isoformat() <= in_hospital[0]["date"] < HOME.isoformat()

    # What the lead sees: the stay's days have no home visit of the client on anyone's route...
    staff = sorted({s for v in doc["visits"] for s in v["staff"]})
    for offset in range(3):
        day = (WEEK + timedelta(days=offset)).isoformat()
        for member in staff:
            text = page.request.get(f"/board/plans/{plan_id}/staff/{member}/days/{day}").text()
            visits = re.findall(
                rf'<td class="code">{CODE}( <span class="place-badge">at the hospital</span>)?', text
            )
            assert all(visits), f"{member} has a home visit to {CODE} on {day}, during the stay"
    # ...the hospital visit shows at the hospital, and a visit on the first day home or the next
    # at the home.
    visit = in_hospital[0]
    page.goto(f"/board/plans/{plan_id}/staff/{visit['staff'][0]}/days/{visit['date']}")
    stop = page.locator(f"#visit-{visit['id']}")
    expect(stop).to_contain_text(CODE)
    expect(stop.locator(".place-badge")).to_have_text("at the hospital")
    first = next(v for v in theirs if v["date"] == at_home[0] and v.get("place", "home") == "home")
    page.goto(f"/board/plans/{plan_id}/staff/{first['staff'][0]}/days/{first['date']}")
    expect(page.locator(f"#visit-{first['id']}")).to_contain_text(CODE)
    expect(page.locator(f"#visit-{first['id']} .place-badge")).to_have_count(0)

    # After the stay, the client page says discharged and which rule is in force.
    page.goto("/team")
    row = page.locator(f"#clients-{CLIENT}")
    row.get_by_role("link", name="Edit").click()
    show_day(page, row, HOME + timedelta(days=1))
    expect(row.locator(".in-force")).to_contain_text(
        f"Discharged from hospital on {said(HOME)}: post-discharge rule until "
        f"{said(HOME + timedelta(days=13))} (3 visits a week, first within 2 days)."
    )
    expect(row.locator(".in-force")).not_to_contain_text("In hospital since")
