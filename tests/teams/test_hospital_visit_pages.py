"""A visit whose place is the hospital shows as at the hospital on the pages staff go by: the
board's day view, My week and My day (the hospital's label and a map link to it, not the home), a
done visit is recorded at the hospital, and the board grid's travel for it goes to the hospital."""

from __future__ import annotations

import re
from datetime import date
from itertools import pairwise
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.checker.context import Context
from actplanner.checker.route_rules import staff_days
from actplanner.contacts.service import list_contacts
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, dump_team, load_team
from actplanner.planning.board import board_grid
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.teams.service import import_team, team_file
from solver import SolveParams, solve
from tests.support.web_factories import TEAM, World, db, form_token, sign_in
from tests.teams.v2_files import team_2_doc

WEEK = date(2026, 11, 30)


def far_hospital() -> dict[str, Any]:
    """The team@2 sample, its first client's stay at a hospital well away from their home."""
    doc = team_2_doc()
    doc["clients"][0]["episodes"][0]["location"] = {"lat": 41.98, "lon": -87.60, "label": "North hospital"}
    return doc


def published(app: FastAPI, doc: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The id and file of the week's greedy plan of ``doc``, published."""
    with db(app) as session:
        import_team(session=session, data=doc)
        team = team_file(session=session, team_id=TEAM)
        result = solve(to_problem(team, WEEK), SolveParams(time_limit=5, greedy_only=True), None)
        plan = dump_plan(to_plan_file(result, team, WEEK))
        saved = save_plan(session=session, team_id=TEAM, plan_file=plan, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=None, confirmed=True)
        session.commit()
        return saved.id, plan


def test_a_hospital_visit_shows_at_the_hospital_and_is_recorded_there(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    plan_id, plan = published(app, far_hospital())
    inpatient = [v for v in plan["visits"] if v.get("place") == "hospital" and v["client"] == "c-001"]
    assert len(inpatient) == 1  # 1 a week over a stay holding 6 of the week's days
    visit = inpatient[0]
    member, day = visit["staff"][0], visit["date"]
    assert "2026-12-01" <= day < "2026-12-08"

    view = client.get(f"/board/plans/{plan_id}/staff/{member}/days/{day}").text
    assert '<span class="place-badge">at the hospital</span>' in view
    week = client.get(f"/my-week?week={WEEK.isoformat()}&staff={member}").text
    assert "Hospital: North hospital" in week
    page = client.get(f"/my-day?day={day}&staff={member}").text
    geo = 'href="geo:41.980000,-87.600000?q=41.980000,-87.600000(North%20hospital)"'
    assert "Hospital: North hospital" in page and geo in page
    assert page.count("Hospital: North hospital") == 1  # the day's home visits show their homes

    # Recorded done, the contact is at the hospital (not a seen date at home).
    answer = client.post(
        "/my-day/visit",
        data={
            "csrf_token": form_token(page),
            "team": TEAM,
            "staff": member,
            "day": day,
            "visit": visit["id"],
            "outcome": "done",
            "start": visit["start"],
            "minutes": "30",
        },
        follow_redirects=False,
    )
    assert answer.status_code in (200, 303), answer.text
    with db(app) as session:
        stored = list_contacts(session=session, team_id=TEAM, client="c-001")
    assert [(c.contact.visit, c.contact.place) for c in stored] == [(visit["id"], "hospital")]


def test_the_board_grid_counts_travel_to_the_hospital() -> None:
    """The same plan's travel for the inpatient visit's staff member and day is longer with the
    hospital far away than with the hospital at the client's home."""

    far = far_hospital()
    team = load_team(far)
    result = solve(to_problem(team, WEEK), SolveParams(time_limit=5, greedy_only=True), None)
    plan = dump_plan(to_plan_file(result, team, WEEK))
    visit = next(v for v in plan["visits"] if v.get("place") == "hospital" and v["client"] == "c-001")
    near = dump_team(team)
    near["clients"][0]["episodes"][0]["location"] = {**near["clients"][0]["home"], "label": "Next door"}

    def travel(team_doc: dict[str, Any]) -> int:
        rows = {r.staff_id: r for r in board_grid(team_doc, plan, 1)}
        cell = next(c for c in rows[visit["staff"][0]].cells if c.day.isoformat() == visit["date"])
        return cell.travel_minutes

    assert travel(far) > travel(near)


def test_the_day_view_travels_to_the_hospital_as_the_checker_does(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """The leg before a hospital visit on the day view is the checker's travel to the hospital,
    not to the client's home."""

    sign_in(client, "lead")
    doc = far_hospital()
    plan_id, plan = published(app, doc)
    with db(app) as session:
        team_doc = dump_team(team_file(session=session, team_id=TEAM))
    visit = next(v for v in plan["visits"] if v.get("place") == "hospital" and v["client"] == "c-001")
    member, day = visit["staff"][0], visit["date"]
    ctx = Context(team_doc, plan)
    stops = staff_days(ctx)[(member, date.fromisoformat(day))]
    places = [ctx.start_place(member), *(ctx.place_of(s.visit) for s in stops)]
    legs = {s.visit.id: ctx.travel.minutes(a, b) for s, (a, b) in zip(stops, pairwise(places), strict=True)}
    to_home = ctx.travel.minutes(places[[s.visit.id for s in stops].index(visit["id"])], ctx.home("c-001"))
    assert legs[visit["id"]] != to_home

    view = client.get(f"/board/plans/{plan_id}/staff/{member}/days/{day}").text
    shown = dict(
        re.findall(
            r'<tr id="visit-([^"]+)"[^>]*>\s*<td>\d+</td>\s*<td class="leg" data-minutes="(\d+)"', view
        )
    )
    assert int(shown[visit["id"]]) == legs[visit["id"]]
    assert {k: int(v) for k, v in shown.items()} == legs
