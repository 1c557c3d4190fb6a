"""The roster page: the grid of shifts, leave and requests, the coverage strip, pins, changes the
checker refuses or saves flagged, re-solving with staff re-rostered by name, and who may open it.

The plan is stored with its ``shifts`` directly (``tests.support.roster_team``): the page reads
the plan file, whoever made it.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from actplanner.db import SolveJob
from actplanner.planning.edits import FLAG_PREFIX
from actplanner.planning.jobs import claim_next_job
from actplanner.planning.plans import plan_diff, publish_plan, save_plan, stored_plan_doc
from actplanner.planning.roster import clock, roster_view
from actplanner.planning.worker import run_job
from actplanner.teams.service import import_team
from tests.support.roster_team import CHRISTMAS_WEEK, christmas_roster, roster_team
from tests.support.web_factories import (
    OTHER_TEAM,
    TEAM,
    World,
    audit_events,
    db,
    form_token,
    plan_doc,
    sign_in,
)

ROSTER = f"/board/roster?week={CHRISTMAS_WEEK.isoformat()}"
HX = {"HX-Request": "true"}


def rostered_draft(app: FastAPI, **kw: Any) -> int:
    """Make the small team a Part B team and store the Christmas week's hand-made roster as a draft."""
    with db(app) as session:
        import_team(session=session, data=roster_team())
        doc = christmas_roster(TEAM, plan_doc()["caseload"], **kw)
        plan = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        session.commit()
        return plan.id


def run_queued_job(app: FastAPI) -> SolveJob:
    """Claim the oldest queued job and run it here, as a worker process would."""
    with app.state.sessionmaker.begin() as session:
        job = claim_next_job(session=session, worker_pid=os.getpid())
        assert job is not None, "no queued job"
        job_id = job.id
    return run_job(sessionmaker=app.state.sessionmaker, job_id=job_id)


def cell(page: str, staff: str, day: str) -> str:
    """The text of a staff member's cell on a date, tags dropped and spaces squeezed."""
    row = re.search(rf'<tr data-staff="{staff}">(.*?)</tr>', page, re.S)
    assert row, f"no row for {staff}"
    found = re.search(rf'<td class="shift-cell[^"]*"\s+data-date="{day}"[^>]*>(.*?)</td>', row.group(1), re.S)
    assert found, f"no cell for {staff} on {day}"
    text = re.sub(r"<details.*?</details>", "", found.group(1), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def slots(page: str, day: str) -> dict[str, tuple[str, str]]:
    """Start time → (class, title) of each half hour of a day's coverage strip."""
    row = re.search(rf'<div class="strip-row[^"]*" data-date="{day}"(.*?)</ol>', page, re.S)
    assert row, f"no strip for {day}"
    return {
        start: (kind, title)
        for kind, title, start in re.findall(
            r'<li class="slot([^"]*)" title="([^"]*)" data-start="([^"]+)"', row.group(1)
        )
    }


def change(client: TestClient, plan_id: int, **form: str) -> Any:
    token = form_token(client.get(f"{ROSTER}&plan={plan_id}").text)
    return client.post(
        f"/board/roster/plans/{plan_id}/shift", data={"csrf_token": token, **form}, follow_redirects=False
    )


def test_roster_grid_shows_shifts_leave_requests_weekends_and_christmas(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Each cell says the shift and its hours or off; leave, requests honoured (✓) or not (✗), the
    weekend and the holiday by name, fixed-hours staff and pinned shifts are marked; names, not ids."""
    plan_id = rostered_draft(app, pinned=("s-cm1", "2026-12-23"))
    sign_in(client, "lead")
    page = client.get(ROSTER)
    assert page.status_code == 200
    html = page.text
    assert f"Draft {plan_id}" in html
    assert "Sofia Delgado" in html and ">s-rn1<" not in html
    assert cell(html, "s-sw1", "2026-12-21").startswith("late 11:30–20:00")
    assert cell(html, "s-rn1", "2026-12-21") == "day 08:30–17:00"
    assert cell(html, "s-rn1", "2026-12-25").startswith("weekend 09:00–17:30")
    assert cell(html, "s-cm1", "2026-12-22") == "off"
    assert cell(html, "s-cm2", "2026-12-24") == "off on leave"
    assert "✓ Asked for a late shift: honoured" in cell(html, "s-rn1", "2026-12-22")
    assert "✗ Asked for a day off: not honoured" in cell(html, "s-sw1", "2026-12-21")
    assert "✓ Asked for a day off: honoured" in cell(html, "s-cm1", "2026-12-24")
    assert "pinned" in cell(html, "s-cm1", "2026-12-23")
    assert cell(html, "s-tl1", "2026-12-21") == "fixed hours 08:30–17:00"
    assert cell(html, "s-tl1", "2026-12-25") == "off", "a holiday without a holiday entry is off"
    assert re.search(r'<tr data-staff="s-tl1">\s*<th scope="row">Victor Miller.*?fixed hours', html, re.S)
    christmas = re.search(
        r'<th scope="col" class="[^"]*holiday[^"]*" data-date="2026-12-25">(.*?)</th>', html, re.S
    )
    assert christmas and "Christmas Day" in christmas.group(1)
    assert re.search(r'class="weekend" data-date="2026-12-26"', html)
    assert 'data-date="2026-12-21">' in html and 'class="weekend" data-date="2026-12-21"' not in html
    assert 'id="roster-link"' in client.get(f"/board?week={CHRISTMAS_WEEK.isoformat()}").text


def test_coverage_strip_is_red_where_short_with_the_numbers_in_words(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Thursday after 17:00 has one person working against two needed: those half hours are red,
    with the numbers in their title; Monday's are covered, and the day says when it is short."""
    rostered_draft(app)
    sign_in(client, "lead")
    html = client.get(ROSTER).text
    thursday = slots(html, "2026-12-24")
    assert thursday["17:00"] == (" short", "17:00–17:30: 1 working, 2 needed — short")
    assert thursday["19:30"][0] == " short"
    assert thursday["16:30"][0] == " met"
    assert all(kind != " short" for kind, _ in slots(html, "2026-12-21").values())
    assert slots(html, "2026-12-21")["08:30"] == (" met", "08:30–09:00: 2 working, 2 needed")
    assert re.search(r'data-date="2026-12-24" data-minutes-short="180"', html)
    assert "Short 17:00–20:00" in html
    christmas = slots(html, "2026-12-25")
    assert christmas["09:00"] == (" met", "09:00–09:30: 1 working, 1 needed")
    assert christmas["08:30"][0] == "", "nothing is asked of Christmas morning before 09:00"


def test_pin_a_shift_saves_a_draft_that_keeps_it(app: FastAPI, client: TestClient, world: World) -> None:
    """Pin marks the shift pinned in the working draft, audited once; pressing it again unpins."""
    plan_id = rostered_draft(app)
    sign_in(client, "lead")
    token = form_token(client.get(ROSTER).text)
    form = {"csrf_token": token, "staff": "s-sw1", "date": "2026-12-22"}
    response = client.post(f"/board/roster/plans/{plan_id}/pin", data=form, follow_redirects=False)
    assert response.status_code == 303
    shown = int(re.search(r"plan=(\d+)", response.headers["location"]).group(1))
    with db(app) as session:
        shifts = stored_plan_doc(session=session, plan_id=shown)["shifts"]
    pinned = [(s["staff"], s["date"]) for s in shifts if s.get("pinned")]
    assert pinned == [("s-sw1", "2026-12-22")]
    assert [a for _, a, t in audit_events(app) if a.startswith("shift-")] == ["shift-pin"]
    page = client.get(response.headers["location"]).text
    assert "pinned" in cell(page, "s-sw1", "2026-12-22")


def test_change_that_breaks_coverage_is_refused_in_words(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Alex Mendoza's Monday late shift off leaves Monday evening with one person: refused with
    H17 and the staff named, nothing saved, and "Save anyway, flagged" offered."""
    plan_id = rostered_draft(app)
    sign_in(client, "lead")
    response = change(client, plan_id, staff="s-cm1", date="2026-12-21", shift="off")
    assert response.status_code == 409
    html = response.text
    assert "Changing Alex Mendoza&#39;s shift on Mon 21 Dec to a day off was refused" in html
    assert re.search(r'<li>Coverage: [^<]*<small class="rule">H17</small>', html), (
        "the coverage rule, in words"
    )
    assert "s-cm1" not in re.search(r'<ul class="violations">(.*?)</ul>', html, re.S).group(1)
    assert ">Save anyway, flagged</button>" in html
    with db(app) as session:
        shifts = stored_plan_doc(session=session, plan_id=plan_id)["shifts"]
    assert ("s-cm1", "2026-12-21") in {(s["staff"], s["date"]) for s in shifts}
    assert not [a for _, a, _t in audit_events(app) if a.startswith("shift-")]


def test_change_that_leaves_a_visit_outside_the_shift_is_refused_by_name_and_code(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A visit at 18:00 on Alex Mendoza's Wednesday late shift: as a day shift it lies outside it
    (H3, and H7: he cannot be back by 17:00) and the evening is short (H17); staff by name, the
    client by code only."""
    with db(app) as session:
        import_team(session=session, data=roster_team())
        doc = christmas_roster(TEAM, plan_doc()["caseload"])
        doc["visits"] = [
            {
                "id": "v-1",
                "client": "c-001",
                "staff": ["s-cm1"],
                "date": "2026-12-23",
                "start": "18:00",
                "end": "18:45",
            }
        ]
        plan_id = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve").id
        code = next(c["code"] for c in roster_team()["clients"] if c["id"] == "c-001")
        session.commit()
    sign_in(client, "lead")
    response = change(client, plan_id, staff="s-cm1", date="2026-12-23", shift="day")
    assert response.status_code == 409
    rules = re.search(r'<ul class="violations">(.*?)</ul>', response.text, re.S).group(1)
    found = [
        re.fullmatch(r'(\w[\w ]*): .* <small class="rule">(H\d+)</small>', r)
        for r in re.findall(r"<li>(.*?)</li>", rules)
    ]
    assert [(m.group(1), m.group(2)) for m in found if m] == [
        ("Staff eligibility", "H3"),
        ("Routes", "H7"),
        ("Coverage", "H17"),
    ]
    assert f"Alex Mendoza&#39;s visit to {code} on Wed 23 Dec 18:00–18:45 is outside their shift" in rules
    assert "c-001" not in rules and "s-cm1" not in rules


def test_change_that_keeps_the_rules_is_saved_pinned(app: FastAPI, client: TestClient, world: World) -> None:
    """Alex Mendoza's Tuesday off as a late shift keeps every rule (a third day his contract allows):
    saved, pinned, in a new draft."""
    plan_id = rostered_draft(app)
    sign_in(client, "lead")
    response = change(client, plan_id, staff="s-cm1", date="2026-12-22", shift="late")
    assert response.status_code == 303, response.text
    shown = int(re.search(r"plan=(\d+)", response.headers["location"]).group(1))
    with db(app) as session:
        shifts = stored_plan_doc(session=session, plan_id=shown)["shifts"]
    tuesday = next(s for s in shifts if (s["staff"], s["date"]) == ("s-cm1", "2026-12-22"))
    assert (tuesday["type"], tuesday["start"], tuesday.get("pinned")) == ("late", "11:30", True)
    assert [a for _, a, _t in audit_events(app) if a.startswith("shift-")] == ["shift-change"]


def test_a_shift_change_shows_in_the_boards_diff_against_the_published_roster(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """The roster published, then Alex Mendoza's Tuesday off made a late shift: the board's draft
    lists that shift change (by name and day, before and after in words), with no visit changed."""
    plan_id = rostered_draft(app)
    with db(app) as session:
        publish_plan(session=session, plan_id=plan_id, user_id=None, confirmed=True)
        session.commit()
    sign_in(client, "lead")
    response = change(client, plan_id, staff="s-cm1", date="2026-12-22", shift="late")
    assert response.status_code == 303, response.text
    draft = int(re.search(r"plan=(\d+)", response.headers["location"]).group(1))
    with db(app) as session:
        diff = plan_diff(session=session, old_plan_id=plan_id, new_plan_id=draft)
    assert diff["shifts"] == [
        {
            "staff": "s-cm1",
            "date": "2026-12-22",
            "before": None,
            "after": {"type": "late", "start": "11:30", "end": "20:00"},
        }
    ]
    page = client.get(f"/board?week={CHRISTMAS_WEEK.isoformat()}&plan={draft}").text
    table = re.search(r'<table id="shift-diff".*?</table>', page, re.S)
    assert table, "the board lists the shift change"
    rows = [re.findall(r"<td>([^<]*)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", table.group(0), re.S)]
    assert [r for r in rows if r] == [["Alex Mendoza", "Tue 22 Dec", "off", "late 11:30–20:00"]]
    assert "1 shift changed" in page


def test_save_anyway_flags_the_broken_rule_in_unmet(app: FastAPI, client: TestClient, world: World) -> None:
    """The refused change, saved anyway: the draft's unmet names H17 on that Monday, flagged by hand,
    and the page lists it (htmx gets the roster alone, with the new address)."""
    plan_id = rostered_draft(app)
    sign_in(client, "lead")
    token = form_token(client.get(ROSTER).text)
    form = {"csrf_token": token, "staff": "s-cm1", "date": "2026-12-21", "shift": "off", "flag": "yes"}
    response = client.post(f"/board/roster/plans/{plan_id}/shift", data=form, headers=HX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="roster"')
    shown = int(re.search(r"plan=(\d+)", response.headers["HX-Push-Url"]).group(1))
    assert "It breaks these rules" in response.text
    with db(app) as session:
        doc = stored_plan_doc(session=session, plan_id=shown)
    flagged = [u for u in doc["unmet"] if u["detail"].startswith(FLAG_PREFIX)]
    assert {(u["rule"], u.get("date")) for u in flagged} >= {("H17", "2026-12-21")}
    assert ("s-cm1", "2026-12-21") not in {(s["staff"], s["date"]) for s in doc["shifts"]}
    assert [a for _, a, _t in audit_events(app) if a.startswith("shift-")] == ["shift-flagged"]
    assert 'id="roster-unmet"' in response.text


def test_fixed_hours_cannot_be_changed_on_the_roster(app: FastAPI, client: TestClient, world: World) -> None:
    """Victor Miller works fixed hours: the change is an error in words, and his cells have no form."""
    plan_id = rostered_draft(app)
    sign_in(client, "lead")
    response = change(client, plan_id, staff="s-tl1", date="2026-12-21", shift="late")
    assert response.status_code == 422
    assert "Victor Miller works fixed hours" in response.text
    row = re.search(r'<tr data-staff="s-tl1">(.*?)</tr>', response.text, re.S).group(1)
    assert "<details" not in row


def test_re_roster_queues_a_re_solve_naming_the_staff(app: FastAPI, client: TestClient, world: World) -> None:
    """Re-solve with Alex Mendoza ticked queues a solve of the week from the draft, re-rostering him."""
    plan_id = rostered_draft(app)
    sign_in(client, "lead")
    page = client.get(ROSTER).text
    assert re.search(r'name="re_roster" value="s-cm1"> Alex Mendoza', page)
    assert 'name="re_roster" value="s-tl1"' not in page, "fixed hours are not re-rostered"
    form = {"csrf_token": form_token(page), "re_roster": ["s-cm1"], "time_limit": "5"}
    response = client.post(f"/board/roster/plans/{plan_id}/resolve", data=form, follow_redirects=False)
    assert response.status_code == 303
    with db(app) as session:
        job = session.scalars(select(SolveJob)).one()
    assert (job.week_start, job.status, list(job.re_roster)) == (CHRISTMAS_WEEK, "queued", ["s-cm1"])
    assert job.baseline_plan_id is not None
    assert "Solve " in client.get(response.headers["location"]).text


def test_re_roster_of_fixed_hours_staff_is_an_error(app: FastAPI, client: TestClient, world: World) -> None:
    plan_id = rostered_draft(app)
    sign_in(client, "lead")
    form = {"csrf_token": form_token(client.get(ROSTER).text), "re_roster": ["s-tl1"]}
    response = client.post(f"/board/roster/plans/{plan_id}/resolve", data=form)
    assert response.status_code == 422
    assert "not Victor Miller" in response.text
    with db(app) as session:
        assert session.scalars(select(SolveJob)).all() == []


@pytest.mark.parametrize("user", [None, "nurse"])
def test_roster_needs_a_signed_in_lead(
    app: FastAPI, client: TestClient, world: World, user: str | None
) -> None:
    """Signed out: sent to sign in; a staff member: 403, and cannot change a shift."""
    plan_id = rostered_draft(app)
    if user is None:
        response = client.get(ROSTER, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=/board/roster")
        return
    sign_in(client, user)
    assert client.get(ROSTER).status_code == 403
    token = form_token(client.get("/").text)
    form = {"csrf_token": token, "staff": "s-cm1", "date": "2026-12-21", "shift": "off", "flag": "yes"}
    assert client.post(f"/board/roster/plans/{plan_id}/shift", data=form).status_code == 403


def test_a_week_without_a_plan_points_to_the_board(app: FastAPI, client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    html = client.get("/board/roster?week=2027-01-04").text
    assert "No plan for this week yet" in html
    assert 'href="/board?week=2027-01-04"' in html


def test_a_discipline_short_of_its_minimum_is_red_too() -> None:
    """A window asking for a nurse: the half hours without Sofia Delgado (the team's one nurse) are
    red although enough staff work, and their words say the nurse count."""
    team = roster_team()
    team["policy"]["coverage"][0]["min_by_discipline"] = {"nurse": 1}
    view = roster_view(team, christmas_roster(TEAM, plan_doc()["caseload"]), CHRISTMAS_WEEK)
    monday = {clock(s.start): s for s in view.coverage[0].slots}
    assert monday["08:30"].short is False and "nurse 1 of 1" in monday["08:30"].words
    assert monday["17:00"].short is True
    assert monday["17:00"].words == "17:00–17:30: 2 working, 2 needed; nurse 0 of 1 — short"
    assert view.coverage[0].short_words == "17:00–20:00"
    assert view.coverage[0].minutes_short == 180


def test_a_team_without_a_roster_shows_fixed_hours_and_no_change_forms(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """The small team as it is (Part A): its week's plan has no shifts; the page shows each staff
    member's fixed hours from the team file, says there is no roster, and offers no change."""
    with db(app) as session:
        plan = save_plan(session=session, team_id=TEAM, plan_file=plan_doc(), source="solve")
        session.commit()
    sign_in(client, "lead")
    html = client.get("/board/roster?week=2026-11-30").text
    assert f"Draft {plan.id}" in html
    assert "This plan has no roster" in html
    assert cell(html, "s-rn1", "2026-11-30") == "fixed hours 08:30–17:00"
    assert cell(html, "s-rn1", "2026-12-05") == "off"
    assert "<details" not in html


def test_re_solve_keeps_pins_and_the_roster_of_staff_not_named(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Through the worker: Alex Mendoza re-rostered keeps his pinned Wednesday late shift, and
    everyone not named keeps every shift the draft gave them."""
    plan_id = rostered_draft(app, pinned=("s-cm1", "2026-12-23"))
    sign_in(client, "lead")
    form = {"csrf_token": form_token(client.get(ROSTER).text), "re_roster": ["s-cm1"], "time_limit": "5"}
    assert client.post(f"/board/roster/plans/{plan_id}/resolve", data=form).status_code == 200
    job = run_queued_job(app)
    assert job.status == "done", job.error
    with db(app) as session:
        before = stored_plan_doc(session=session, plan_id=plan_id)["shifts"]
        after = stored_plan_doc(session=session, plan_id=job.plan_id)["shifts"]

    def of(shifts: list[dict[str, Any]], staff: set[str]) -> list[tuple[str, str, str | None]]:
        return sorted((s["staff"], s["date"], s["type"]) for s in shifts if s["staff"] in staff)

    kept = {"s-rn1", "s-sw1", "s-cm2"}
    assert of(after, kept) == of(before, kept)
    assert ("s-cm1", "2026-12-23", "late") in of(after, {"s-cm1"})


def test_lead_may_not_see_or_change_another_teams_roster(
    app: FastAPI, client: TestClient, world: World
) -> None:
    plan_id = rostered_draft(app)
    with db(app) as session:
        other = save_plan(
            session=session, team_id=OTHER_TEAM, plan_file={**plan_doc(), "team": OTHER_TEAM}, source="solve"
        ).id
        session.commit()
    sign_in(client, "lead")
    assert client.get(f"{ROSTER}&team={OTHER_TEAM}").status_code == 403
    token = form_token(client.get(f"{ROSTER}&plan={plan_id}").text)
    form = {"csrf_token": token, "staff": "s-cm1", "date": "2026-11-30", "shift": "off"}
    assert client.post(f"/board/roster/plans/{other}/shift", data=form).status_code == 403
