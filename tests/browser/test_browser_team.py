"""Team setup and My week in a browser: import a team file, an impossible edit refused inline, My week."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

import solver
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.planning.plans import publish_plan, save_plan, stored_plan_doc
from actplanner.teams.service import export_team, team_file
from tests.browser.conftest import REPO, LiveServer

SCREENSHOTS = REPO / "docs" / "screenshots"
#: A week no other browser test plans: the live server and its database are shared by the whole run.
WEEK = date(2027, 3, 1)


def publish_week(live_server: LiveServer, week: date) -> dict:
    """A quick (greedy) plan of the week, published as the lead would; its plan file."""
    with live_server.session() as session:
        team = team_file(session=session, team_id=live_server.team_id)
        params = solver.SolveParams(time_limit=5, seed=0, greedy_only=True)
        doc = to_plan_file(solver.solve(to_problem(team, week), params, None), team, week)
        saved = save_plan(session=session, team_id=team.team.id, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=None)
        session.commit()
        return stored_plan_doc(session=session, plan_id=saved.id)


def test_lead_imports_a_team_file_and_sees_the_counts(
    lead_page: Page, live_server: LiveServer, tmp_path: Path
) -> None:
    """Uploading a team file through the form imports it and says how many staff and clients it has."""
    with live_server.session() as session:
        # The team as it stands, so importing it leaves the shared server's team as other tests expect it.
        doc = export_team(session=session, team_id=live_server.team_id)
        session.commit()
    upload = tmp_path / "team.json"
    upload.write_text(json.dumps(doc))
    page = lead_page
    page.goto("/team")
    page.get_by_label("Import a team file").set_input_files(upload)
    page.get_by_role("button", name="Import", exact=True).click()
    result = page.locator("#import-result")
    expect(result).to_have_text(
        re.compile(
            rf"Imported team {live_server.team_id}: {len(doc['staff'])} staff, {len(doc['clients'])} clients"
        )
    )
    expect(page.locator("#staff tbody tr")).to_have_count(len(doc["staff"]) + 1)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "team.png"), full_page=True)


def test_impossible_staff_value_shows_an_inline_error_naming_the_field(
    lead_page: Page, live_server: LiveServer
) -> None:
    """An FTE of 3 typed into a staff form comes back inline, naming staff[i].fte; nothing is saved."""
    with live_server.session() as session:
        before = export_team(session=session, team_id=live_server.team_id)
        session.commit()
    index = next(i for i, s in enumerate(before["staff"]) if s["id"] == "s-sw1")
    page = lead_page
    page.goto("/team?open=staff")  # the staff table is folded away unless opened
    row = page.locator("#staff-s-sw1")
    row.get_by_role("link", name="Edit").click()
    form = page.locator("#staff-s-sw1 form")
    expect(form).to_be_visible()
    form.get_by_label("FTE").fill("3")
    form.get_by_role("button", name="Save").click()
    error = page.locator("#staff-s-sw1 .field-error")
    expect(error).to_have_text(f"staff[{index}].fte: 3 should be less than or equal to 1")
    expect(page.locator("#staff-s-sw1 [role=alert]")).to_contain_text("nothing was changed")
    expect(form.get_by_label("FTE")).to_have_attribute("aria-invalid", "true")
    with live_server.session() as session:
        assert export_team(session=session, team_id=live_server.team_id) == before
        session.rollback()


def test_staff_member_sees_my_week(staff_page: Page, live_server: LiveServer) -> None:
    """The nurse sees their published visits day by day, by client code, with their on-call periods."""
    plan = publish_week(live_server, WEEK)
    theirs = [v for v in plan["visits"] if "s-rn1" in v["staff"]]
    page = staff_page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My week").click()
    expect(page.get_by_role("heading", name="My week")).to_be_visible()
    page.goto(f"/my-week?week={WEEK.isoformat()}")
    expect(page.get_by_role("heading", name="My week")).to_be_visible()
    expect(page.locator("tr.visit")).to_have_count(len(theirs))
    if any(p["staff"] == "s-rn1" for p in plan["on_call"]):
        expect(page.get_by_role("heading", name="On call")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "my_week.png"), full_page=True)
    page.get_by_role("link", name="Day sheet to print").first.click()
    expect(page.locator(".day-sheet h1")).to_contain_text("Sofia Delgado")
