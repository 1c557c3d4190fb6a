"""The lead's day view, pins, moves checked by the checker, re-solves and sick calls (issue 3)."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from actplanner.db import Plan, SolveJob
from actplanner.planning.edits import FLAG_PREFIX
from actplanner.planning.jobs import enqueue_solve
from actplanner.planning.plans import plan_diff, publish_plan, save_plan, stored_plan_doc
from actplanner.planning.route_map import MapPoint, route_map_svg
from actplanner.planning.worker import work_loop
from actplanner.teams.service import team_file
from tests.support.web_factories import (
    OTHER_TEAM,
    TEAM,
    WEEK,
    World,
    db,
    form_token,
    plan_doc,
    sign_in,
    team_doc,
)

MONDAY, TUESDAY, WEDNESDAY = "2026-11-30", "2026-12-01", "2026-12-02"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def draft(app: FastAPI, world: World) -> int:
    """The id of a draft plan of the small team's week: the greedy plan, as a solve would save it."""
    with db(app) as session:
        plan = save_plan(session=session, team_id=TEAM, plan_file=plan_doc(), source="solve")
        session.commit()
        return plan.id


@pytest.fixture
def lead(client: TestClient, world: World) -> TestClient:
    """The client, signed in as the team lead."""
    sign_in(client, "lead")
    return client


def day_url(plan_id: int, staff: str, day: str) -> str:
    return f"/board/plans/{plan_id}/staff/{staff}/days/{day}"


def token(client: TestClient, url: str = "/") -> str:
    return form_token(client.get(url).text)


def plan_count(app: FastAPI) -> int:
    with db(app) as session:
        return session.scalar(select(func.count()).select_from(Plan))


def visit_of(app: FastAPI, plan_id: int, visit_id: str) -> dict[str, Any]:
    with db(app) as session:
        doc = stored_plan_doc(session=session, plan_id=plan_id)
    return next(v for v in doc["visits"] if v["id"] == visit_id)


def newest_plan(app: FastAPI) -> Plan:
    """The newest draft: the working copy edits change (their undo steps are hidden plans)."""
    with db(app) as session:
        plan = session.scalars(
            select(Plan).where(Plan.status == "draft").order_by(Plan.id.desc()).limit(1)
        ).one()
        session.expunge(plan)
        return plan


def haversine_minutes(a: dict[str, float], b: dict[str, float]) -> int:
    """FORMATS.md's travel rule, written out again so the test does not trust the app's copy."""
    if (a["lat"], a["lon"]) == (b["lat"], b["lon"]):
        return 0
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    dlat, dlon = p2 - p1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dlat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlon / 2) ** 2
    km = 2 * 6371.0 * math.asin(math.sqrt(h))
    return math.ceil(km * 1.3 / 30 * 60)


# ---------------------------------------------------------------------------
# The day view


def test_day_view_lists_the_route_in_order_with_travel_legs_summing_to_the_total(
    lead: TestClient, draft: int
) -> None:
    """The day lists the staff member's visits by start time, by client code, with each travel leg."""
    page = lead.get(day_url(draft, "s-cm1", MONDAY))
    assert page.status_code == 200
    team = team_doc()
    visits = sorted(
        (v for v in plan_doc()["visits"] if "s-cm1" in v["staff"] and v["date"] == MONDAY),
        key=lambda v: v["start"],
    )
    assert len(visits) >= 3
    assert re.findall(r'<tr id="visit-([\w-]+)"', page.text) == [v["id"] for v in visits]
    clients = {c["id"]: c for c in team["clients"]}
    for visit in visits:
        client = clients[visit["client"]]
        assert f'<td class="code">{client["code"]}' in page.text
        assert client["name"] not in page.text  # names are PHI: codes only
        assert f"<time>{visit['start']}</time>–<time>{visit['end']}</time>" in page.text
    office = team["team"]["office"]  # s-cm1 has no start of their own
    stops = [office, *(clients[v["client"]]["home"] for v in visits), office]
    expected = [haversine_minutes(a, b) for a, b in zip(stops, stops[1:], strict=False)]
    legs = [int(m) for m in re.findall(r'<td class="leg" data-minutes="(\d+)"', page.text)]
    assert legs == expected
    total = int(re.search(r'id="total-travel" data-minutes="(\d+)"', page.text).group(1))
    assert total == sum(expected)
    assert "Shift <time>08:30</time>–<time>17:00</time>" in page.text


def test_day_view_draws_the_route_as_an_svg_with_one_marker_per_visit_and_nothing_external(
    lead: TestClient, draft: int
) -> None:
    """The map is inline SVG: a start marker, a numbered stop per visit, a polyline; no tiles, no URLs."""
    page = lead.get(day_url(draft, "s-cm1", MONDAY)).text
    svg = re.search(r"<svg .*?</svg>", page, re.DOTALL).group(0)
    count = sum(1 for v in plan_doc()["visits"] if "s-cm1" in v["staff"] and v["date"] == MONDAY)
    assert svg.count('<g class="map-stop">') == count
    assert svg.count('<g class="map-start">') == 1
    assert svg.count("<polyline") == 1
    assert re.findall(r"https?:[^\s\"'<>]*", page) == ["http://www.w3.org/2000/svg"]
    assert "<image" not in svg


def test_day_without_visits_shows_an_empty_route(lead: TestClient, draft: int) -> None:
    """A day off has no stops, no travel and a map with only the start."""
    page = lead.get(day_url(draft, "s-md1", TUESDAY)).text
    assert "No visits on this day." in page
    assert "none (day off)" in page
    assert 'data-minutes="0"' in page
    assert '<g class="map-stop">' not in page


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (day_url(999, "s-cm1", MONDAY), 404),
        ("/board/plans/{draft}/staff/s-nobody/days/2026-11-30", 404),
        ("/board/plans/{draft}/staff/s-cm1/days/2026-12-07", 404),
        ("/board/plans/{draft}/staff/s-cm1/days/not-a-date", 422),
    ],
)
def test_day_view_of_what_does_not_exist_is_a_clear_error(
    lead: TestClient, draft: int, path: str, status: int
) -> None:
    """An unknown plan, staff member or a date outside the week is an error page, not a crash."""
    assert lead.get(path.format(draft=draft)).status_code == status


def test_route_map_escapes_labels_and_draws_every_stop() -> None:
    """Text in the SVG is escaped; stops at one point do not divide by zero."""
    svg = route_map_svg(
        MapPoint(41.9, -87.7, "Office"),
        [MapPoint(41.9, -87.7, "<b>&"), MapPoint(41.9, -87.7, "X2")],
        title='Route "A"',
    )
    assert "&lt;b&gt;&amp;" in svg and "<b>" not in svg
    assert 'aria-label="Route &quot;A&quot;"' in svg
    assert svg.count('<g class="map-stop">') == 2
    points = re.search(r'points="([^"]+)"', svg).group(1).split()
    assert len(points) == 4 and len(set(points)) == 1  # start, two stops, back: all the same spot


def test_route_map_keeps_every_point_inside_the_padding() -> None:
    """The bounding box is scaled to the drawing with padding on every side."""
    stops = [MapPoint(41.80, -87.80, "A"), MapPoint(41.99, -87.60, "B"), MapPoint(41.85, -87.75, "C")]
    svg = route_map_svg(MapPoint(41.9, -87.7, "Start"), stops, title="t", width=400, height=300, padding=20)
    for pair in re.search(r'points="([^"]+)"', svg).group(1).split():
        x, y = map(float, pair.split(","))
        assert 20 - 0.1 <= x <= 380 + 0.1 and 20 - 0.1 <= y <= 280 + 0.1


# ---------------------------------------------------------------------------
# Pins


def test_pin_toggles_and_persists_in_the_working_draft(app: FastAPI, lead: TestClient, draft: int) -> None:
    """Pinning changes the draft in place (the lead's working copy, source edit): its file says
    ``pinned: true``; unpinning changes it back; no draft piles up."""
    url = day_url(draft, "s-cm1", MONDAY)
    csrf = token(lead, url)
    response = lead.post(f"{url}/visits/v-0005/pin", headers={**HTMX, "X-CSRF-Token": csrf})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="day-route"' in response.text
    pinned = newest_plan(app)
    assert (pinned.id, pinned.status, pinned.source) == (draft, "draft", "edit")
    assert response.headers["HX-Push-Url"] == day_url(draft, "s-cm1", MONDAY)
    assert re.search(r'<tr id="visit-v-0005" class="stop pinned">', response.text)
    assert visit_of(app, draft, "v-0005")["pinned"] is True

    unpin = lead.post(
        f"{day_url(draft, 's-cm1', MONDAY)}/visits/v-0005/pin",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert unpin.status_code == 303
    assert unpin.headers["location"] == day_url(draft, "s-cm1", MONDAY)
    assert newest_plan(app).id == draft
    assert "pinned" not in visit_of(app, draft, "v-0005")


def test_pin_of_a_visit_on_another_route_is_not_found(app: FastAPI, lead: TestClient, draft: int) -> None:
    """A visit is pinned from the route it is on; another staff member's visit is a 404 and saves nothing."""
    url = day_url(draft, "s-cm1", MONDAY)
    before = plan_count(app)
    response = lead.post(f"{url}/visits/v-0001/pin", headers={"X-CSRF-Token": token(lead, url)})
    assert response.status_code == 404
    assert plan_count(app) == before


# ---------------------------------------------------------------------------
# Moves


def move(client: TestClient, plan_id: int, staff: str, day: str, visit: str, **form: str) -> Any:
    url = day_url(plan_id, staff, day)
    data = {"csrf_token": token(client, url), **form}
    return client.post(f"{url}/visits/{visit}/move", data=data, headers=HTMX)


def test_move_outside_the_clients_availability_is_refused_naming_h6(
    app: FastAPI, lead: TestClient, draft: int
) -> None:
    """c-012 is available 08:30–12:30: a 14:00 visit breaks H6, so the move is refused and nothing saved."""
    before = plan_count(app)
    response = move(lead, draft, "s-cm1", MONDAY, "v-0002", to_start="14:00")
    assert response.status_code == 409
    assert "refused" in response.text
    # The rule in words (the client by code, not id), its code in small print.
    refusal = response.text.split("refused", 1)[1]
    assert '<small class="rule">H6</small>' in refusal and "c-012" not in refusal
    assert "Nothing was saved" in response.text
    assert plan_count(app) == before
    assert visit_of(app, draft, "v-0002")["start"] == "08:38"


def test_move_to_a_staff_member_not_working_that_day_is_refused_naming_h3(
    app: FastAPI, lead: TestClient, draft: int
) -> None:
    """The psychiatrist has no Tuesday shift: giving them a Tuesday visit breaks H3."""
    before = plan_count(app)
    response = move(lead, draft, "s-cm2", TUESDAY, "v-0016", to_staff="s-md1")
    assert response.status_code == 409
    assert '<small class="rule">H3</small>' in response.text
    assert plan_count(app) == before


def test_harmless_move_is_saved_in_the_working_draft(app: FastAPI, lead: TestClient, draft: int) -> None:
    """Moving the day's last visit 9 minutes later breaks nothing, so it is saved in the draft itself."""
    response = move(lead, draft, "s-cm1", MONDAY, "v-0010", to_start="11:00")
    assert response.status_code == 200
    assert "Moved visit" in response.text
    saved = newest_plan(app)
    assert (saved.id, saved.source) == (draft, "edit")
    moved = visit_of(app, saved.id, "v-0010")
    assert (moved["start"], moved["end"]) == ("11:00", "11:45")
    with db(app) as session:
        assert stored_plan_doc(session=session, plan_id=saved.id)["unmet"] == plan_doc()["unmet"]


def test_move_to_another_day_and_staff_member_links_to_their_route(
    app: FastAPI, lead: TestClient, draft: int
) -> None:
    """A weekly client's visit moved off the route being viewed says where it went, with a link there."""
    response = move(
        lead, draft, "s-tl1", MONDAY, "v-0006", to_staff="s-cm2", to_date=WEDNESDAY, to_start="14:30"
    )
    assert response.status_code == 200, response.text
    saved = newest_plan(app)
    moved = visit_of(app, saved.id, "v-0006")
    assert (moved["staff"], moved["date"], moved["start"]) == (["s-cm2"], WEDNESDAY, "14:30")
    assert f'href="{day_url(saved.id, "s-cm2", WEDNESDAY)}"' in response.text
    assert 'id="visit-v-0006"' not in response.text


def test_flagged_move_is_saved_and_keeps_the_violation_listed(
    app: FastAPI, lead: TestClient, draft: int
) -> None:
    """“Save anyway, flagged” saves the H6 move and lists it: in the answer, the plan's unmet, the day."""
    response = move(lead, draft, "s-cm1", MONDAY, "v-0002", to_start="14:00", flag="yes")
    assert response.status_code == 200
    assert "outcome-flagged" in response.text
    assert '<small class="rule">H6</small>' in response.text
    saved = newest_plan(app)
    assert visit_of(app, saved.id, "v-0002")["start"] == "14:00"
    with db(app) as session:
        unmet = stored_plan_doc(session=session, plan_id=saved.id)["unmet"]
    flagged = [u for u in unmet if u["detail"].startswith(FLAG_PREFIX)]
    assert [(u["rule"], u["client"]) for u in flagged] == [("H6", "c-012")]
    day = lead.get(day_url(saved.id, "s-cm1", MONDAY)).text
    assert "Moves flagged in this plan" in day
    assert FLAG_PREFIX in day


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"to_start": "25:00"}, "is not a time of day"),
        ({"to_date": "2026-12-09"}, "is not in the week"),
        ({"to_staff": "s-nobody"}, "no staff member"),
        ({"to_start": "23:45"}, "would end after midnight"),
        ({"to_start": "10:51"}, "choose another staff member"),
    ],
)
def test_move_that_makes_no_sense_is_an_error_and_saves_nothing(
    app: FastAPI, lead: TestClient, draft: int, form: dict[str, str], says: str
) -> None:
    """A bad time, a date outside the week, an unknown staff member or no change: 422, nothing saved."""
    before = plan_count(app)
    response = move(lead, draft, "s-cm1", MONDAY, "v-0010", **form)
    assert response.status_code == 422
    assert says in response.text
    assert plan_count(app) == before


# ---------------------------------------------------------------------------
# Re-solve keeping pins


def test_resolve_keeps_the_pinned_visit_and_goes_to_the_board(
    app: FastAPI, settings: Any, lead: TestClient, draft: int
) -> None:
    """A re-solve is queued against the plan; once run, its pinned visit is in the new plan exactly."""
    url = day_url(draft, "s-cm1", MONDAY)
    csrf = token(lead, url)
    lead.post(f"{url}/visits/v-0009/pin", data={"csrf_token": csrf})
    pinned = newest_plan(app)
    response = lead.post(
        f"/board/plans/{pinned.id}/resolve",
        data={"csrf_token": csrf, "time_limit": "2"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/board?week={WEEK}"
    with db(app) as session:
        job = session.scalars(select(SolveJob)).one()
        assert (job.baseline_plan_id, job.from_date, job.status) == (pinned.id, None, "queued")
    assert work_loop(url=settings.database_url, once=True) == 1
    with db(app) as session:
        job = session.scalars(select(SolveJob)).one()
        assert job.status == "done", job.error
        kept = next(
            v for v in stored_plan_doc(session=session, plan_id=job.plan_id)["visits"] if v["id"] == "v-0009"
        )
    assert kept == visit_of(app, pinned.id, "v-0009")


def test_second_resolve_while_one_is_queued_is_a_conflict(app: FastAPI, lead: TestClient, draft: int) -> None:
    """One solve per week at a time: a second request is a 409 that says so."""
    csrf = token(lead, day_url(draft, "s-cm1", MONDAY))
    assert (
        lead.post(
            f"/board/plans/{draft}/resolve", data={"csrf_token": csrf}, follow_redirects=False
        ).status_code
        == 303
    )
    second = lead.post(f"/board/plans/{draft}/resolve", data={"csrf_token": csrf})
    assert second.status_code == 409
    assert "already queued or running" in second.text


# ---------------------------------------------------------------------------
# Sick calls


def publish(app: FastAPI, plan_id: int) -> None:
    with db(app) as session:
        publish_plan(session=session, plan_id=plan_id, user_id=None)
        session.commit()


def leave_of(app: FastAPI, staff: str) -> list[Any]:
    with db(app) as session:
        doc = team_file(session=session, team_id=TEAM)
    return [p.model_dump() for p in next(m for m in doc.staff if m.id == staff).leave]


def sick_call(client: TestClient, **form: str) -> Any:
    url = f"/board/sick-call?week={WEEK}"
    return client.post(url, data={"csrf_token": token(client, url), **form}, follow_redirects=False)


def test_sick_call_adds_leave_and_replans_from_the_first_sick_day(
    app: FastAPI, settings: Any, lead: TestClient, draft: int
) -> None:
    """The nurse is off Tue–Wed: leave recorded, a re-plan from Tuesday moves their visits, keeps Monday."""
    publish(app, draft)
    form = lead.get(f"/board/sick-call?week={WEEK}").text
    assert '<option value="s-rn1">' in form
    response = sick_call(lead, staff="s-rn1", first=TUESDAY, last=WEDNESDAY, time_limit="2")
    assert response.status_code == 303
    assert leave_of(app, "s-rn1") == [{"start": "2026-12-01T00:00", "end": "2026-12-03T00:00"}]
    with db(app) as session:
        job = session.scalars(select(SolveJob)).one()
        assert (job.baseline_plan_id, job.from_date, job.status) == (draft, date(2026, 12, 1), "queued")
    progress = lead.get(response.headers["location"])
    assert progress.status_code == 200
    assert f'href="/board?week={WEEK}"' in progress.text
    assert 'hx-trigger="load delay:1s"' in progress.text

    assert work_loop(url=settings.database_url, once=True) == 1
    with db(app) as session:
        job = session.scalars(select(SolveJob)).one()
        assert job.status == "done", job.error
        replan = stored_plan_doc(session=session, plan_id=job.plan_id)
        diff = plan_diff(session=session, old_plan_id=draft, new_plan_id=job.plan_id)
    sick_days = {TUESDAY, WEDNESDAY}
    assert not [v for v in replan["visits"] if "s-rn1" in v["staff"] and v["date"] in sick_days]
    monday = sorted((v["id"], v["staff"], v["start"]) for v in replan["visits"] if v["date"] == MONDAY)
    assert monday == sorted(
        (v["id"], v["staff"], v["start"]) for v in plan_doc()["visits"] if v["date"] == MONDAY
    )
    assert diff["moved"]

    fragment = lead.get(response.headers["location"], headers=HTMX).text
    assert "hx-trigger" not in fragment
    assert f'<strong id="moved-count">{len(diff["moved"])}</strong>' in fragment
    changes = lead.get(f"/board/plans/{job.plan_id}/changes")
    assert changes.status_code == 200
    assert f'<strong id="moved-count">{len(diff["moved"])}</strong>' in changes.text
    codes = {c["id"]: c["code"] for c in team_doc()["clients"]}
    for entry in diff["moved"]:
        assert f'<td class="code">{codes[entry["after"]["client"]]}</td>' in changes.text
    assert f'action="/board/plans/{job.plan_id}/publish"' in changes.text


@pytest.mark.parametrize(
    ("form", "says"),
    [
        ({"staff": "s-rn1", "first": WEDNESDAY, "last": TUESDAY}, "is before the first"),
        ({"staff": "s-rn1", "first": "2026-12-08", "last": "2026-12-09"}, "is not in the week"),
        ({"staff": "s-rn1", "first": "yesterday", "last": TUESDAY}, "is not a date"),
        ({"staff": "", "first": TUESDAY, "last": TUESDAY}, "Choose the staff member"),
    ],
)
def test_sick_call_with_a_bad_date_range_changes_nothing(
    app: FastAPI, lead: TestClient, draft: int, form: dict[str, str], says: str
) -> None:
    """A range that ends before it starts, lies outside the week or is not dates: an error, nothing kept."""
    publish(app, draft)
    response = sick_call(lead, **form)
    assert response.status_code == 422
    assert says in response.text
    assert leave_of(app, "s-rn1") == []
    with db(app) as session:
        assert session.scalars(select(SolveJob)).all() == []


def test_sick_call_without_a_published_plan_is_refused(app: FastAPI, lead: TestClient, draft: int) -> None:
    """A draft is not what staff work from: with nothing published, there is nothing to re-plan from."""
    response = sick_call(lead, staff="s-rn1", first=TUESDAY, last=TUESDAY)
    assert response.status_code == 422
    assert "no published plan" in response.text
    assert leave_of(app, "s-rn1") == []


def test_sick_call_while_a_solve_runs_keeps_no_leave(app: FastAPI, lead: TestClient, draft: int) -> None:
    """When the re-plan cannot be queued, the leave is not kept either: one change or none."""
    publish(app, draft)
    with db(app) as session:
        enqueue_solve(session=session, team_id=TEAM, week_start=WEEK, time_limit=5)
        session.commit()
    response = sick_call(lead, staff="s-rn1", first=TUESDAY, last=TUESDAY)
    assert response.status_code == 409
    assert leave_of(app, "s-rn1") == []


# ---------------------------------------------------------------------------
# Who may do this


def test_staff_may_not_see_or_change_routes(app: FastAPI, client: TestClient, draft: int) -> None:
    """These pages are the lead's: a staff login gets 403 for each, and nothing is saved."""
    sign_in(client, "nurse")
    csrf = token(client)
    before = plan_count(app)
    url = day_url(draft, "s-rn1", MONDAY)
    assert client.get(url).status_code == 403
    assert client.post(f"{url}/visits/v-0001/pin", data={"csrf_token": csrf}).status_code == 403
    assert (
        client.post(f"{url}/visits/v-0001/move", data={"csrf_token": csrf, "to_start": "09:00"}).status_code
        == 403
    )
    assert client.get(f"/board/sick-call?week={WEEK}").status_code == 403
    assert sick_call(client, staff="s-rn1", first=TUESDAY, last=TUESDAY).status_code == 403
    assert client.get(f"/board/plans/{draft}/changes").status_code == 403
    assert plan_count(app) == before
    assert leave_of(app, "s-rn1") == []


def test_forged_csrf_token_is_refused_and_changes_nothing(app: FastAPI, lead: TestClient, draft: int) -> None:
    """A post without this session's token is a 403: no pin, no move, no sick call."""
    url = day_url(draft, "s-cm1", MONDAY)
    before = plan_count(app)
    forged = {"csrf_token": "forged"}
    assert lead.post(f"{url}/visits/v-0005/pin", data=forged).status_code == 403
    assert lead.post(f"{url}/visits/v-0010/move", data={**forged, "to_start": "11:00"}).status_code == 403
    assert lead.post(f"/board/plans/{draft}/resolve", data=forged).status_code == 403
    response = lead.post(
        f"/board/sick-call?week={WEEK}", data={**forged, "staff": "s-rn1", "first": TUESDAY, "last": TUESDAY}
    )
    assert response.status_code == 403
    assert plan_count(app) == before
    assert leave_of(app, "s-rn1") == []


def test_sick_call_for_another_team_is_refused_and_records_no_leave(
    app: FastAPI, lead: TestClient, draft: int
) -> None:
    """A lead with a team of their own naming another team gets a 403; no leave lands in either team."""
    publish(app, draft)
    url = f"/board/sick-call?week={WEEK}&team={OTHER_TEAM}"
    csrf = token(lead, f"/board/sick-call?week={WEEK}")
    form = {"csrf_token": csrf, "staff": "s-rn1", "first": TUESDAY, "last": TUESDAY}
    response = lead.post(url, data=form, follow_redirects=False)
    assert response.status_code == 403
    assert OTHER_TEAM in response.text
    with db(app) as session:
        for team_id in (TEAM, OTHER_TEAM):
            member = next(m for m in team_file(session=session, team_id=team_id).staff if m.id == "s-rn1")
            assert member.leave == []
        assert session.scalars(select(SolveJob)).all() == []
