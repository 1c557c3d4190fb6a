"""Pages fit (issue 13, item 10): every page a lead and a staff member reach, at 1366 × 768 and at
390 × 844, neither runs off the side of the window nor cuts off any text.

Each page is measured in the browser (``MEASURE``) with every ``<details>`` opened, so the forms
folded inside them (the move form, the client form's parts) are measured too. A page fails when

- the document is wider than the window (``scrollWidth > innerWidth``), naming the elements that
  stick out; a box that scrolls sideways on purpose (``overflow-x: auto``, the roster grid on a
  phone) is allowed, and so is what is inside it;
- an element hides part of its content (``overflow`` hidden or clip, or ``text-overflow``, with
  ``scrollWidth > clientWidth``): "154 min trave";
- a line of text runs out of the box that holds it (over its neighbour, or under it);
- a form control is narrower than what it shows: a select than its chosen option, a date or time
  input than its own fields, a text input than its value.

One browser context per width and login, the pages visited in turn, and every finding collected
before the test fails, so that one run names them all.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from sqlalchemy import select

import solver
from actplanner.accounts.service import create_user
from actplanner.db.models import Plan
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.teams.service import import_team
from actplanner.teams.service import team_file as stored_team
from tests.browser.conftest import WAIT_MS, LiveServer
from tests.browser.test_browser_my_day import nurse_day
from tests.browser.test_browser_on_call import publish_week
from tests.browser.test_browser_visits import save_draft
from tests.support.team_files import team_file

#: A week no other browser test plans: the live server and its database are shared by the whole run.
WEEK = date(2027, 11, 8)
#: Whose route the day view shows, and whose client and staff forms are opened.
ROUTE_STAFF = "s-cm1"
CLIENT = "c-001"
#: A copy of the standard sample team (13 staff with longer names, 100 clients) under an id of its
#: own, so that its current weeks can be published without touching the weeks other tests plan,
#: and its lead: the on-call swap form lists periods only of weeks published from now on.
BIG_TEAM = "fit-west-town"
BIG_LEAD = "fit-lead"
WIDTHS = {"desktop": {"width": 1366, "height": 768}, "phone": {"width": 390, "height": 844}}

#: What the browser measures on a page (fit.js): a list of findings in words, empty when the page fits.
MEASURE = (Path(__file__).parent / "fit.js").read_text()


def open_and_measure(page: Any, path: str, *, ok: bool = True) -> list[str]:
    """Load ``path``, open its folded parts and measure it; the findings, each naming the page."""
    response = page.goto(path)
    assert response is not None
    if ok:
        assert response.ok, f"{path} answered {response.status}: the fit test must see the page itself"
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    width = page.viewport_size["width"]
    return [f"{path} at {width} px: {finding}" for finding in page.evaluate(MEASURE)]


def sign_in(page: Any, live_server: LiveServer, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(live_server.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Sign out").wait_for()


def week_plans(live_server: LiveServer, week: date) -> dict[str, Any]:
    """``week`` published and, over it, a working draft; the ids and days the pages need."""
    doc = publish_week(live_server, week)
    draft = save_draft(live_server, week)
    with live_server.session() as session:
        published = session.scalar(select(Plan.id).where(Plan.week_start == week, Plan.status == "published"))
    return {"draft": draft, "published": published, "nurse_day": nurse_day(doc)}


@pytest.fixture(scope="module")
def plans(live_server: LiveServer) -> dict[str, Any]:
    """The test week's plans (``week_plans``)."""
    return week_plans(live_server, WEEK)


@pytest.fixture(scope="module")
def big_plans(live_server: LiveServer) -> dict[str, Any]:
    """The standard team's copy with this week and next published, and a working draft of this week."""
    data = team_file("standard")
    data["team"]["id"] = BIG_TEAM
    data["team"]["name"] += " (fit test copy)"
    today = date.today()
    monday = today - timedelta(days=today.weekday())
    with live_server.session() as session:
        import_team(session=session, data=data)
        create_user(
            session=session, username=BIG_LEAD, password=live_server.password, role="lead", team_id=BIG_TEAM
        )
        team = stored_team(session=session, team_id=BIG_TEAM)
        params = solver.SolveParams(time_limit=5, seed=0, greedy_only=True)
        ids = []
        for week in (monday, monday + timedelta(days=7), monday):
            doc = to_plan_file(solver.solve(to_problem(team, week), params, None), team, week)
            ids.append(save_plan(session=session, team_id=BIG_TEAM, plan_file=doc, source="solve").id)
            if len(ids) < 3:
                publish_plan(session=session, plan_id=ids[-1], user_id=None, confirmed=True)
        session.commit()
        first = doc.visits[0].date
        busiest = Counter(s for v in doc.visits if v.date == first for s in v.staff).most_common(1)
    return {"week": monday, "draft": ids[2], "staff": busiest[0][0], "day": first}


def big_lead_pages(big: dict[str, Any]) -> list[str]:
    week = big["week"].isoformat()
    return [
        f"/board?week={week}",
        f"/board/month?week={week}",
        f"/board/roster?week={week}",
        f"/board/plans/{big['draft']}/staff/{big['staff']}/days/{big['day']}",
        f"/today?day={big['day']}",
        "/on-call",
        "/on-call/manage",
        f"/board/plans/{big['draft']}/changes",
        "/team",
        "/team/clients/c-038/edit",
        "/team/staff/s-cm1/edit",
        f"/fidelity?from={week}&to={(big['week'] + timedelta(days=6)).isoformat()}",
    ]


def lead_pages(plans: dict[str, Any], week_of: date = WEEK) -> list[str]:
    """Every page a lead reaches, for the plans of the week ``week_of``."""
    week, monday, draft, published = (
        week_of.isoformat(),
        week_of.isoformat(),
        plans["draft"],
        plans["published"],
    )
    wednesday = (week_of + timedelta(days=2)).isoformat()
    return [
        f"/board?week={week}",
        f"/board?week={week}&plan={draft}",
        f"/board/month?week={week}",
        f"/board/roster?week={week}",
        f"/board/plans/{draft}/staff/{ROUTE_STAFF}/days/{monday}",
        f"/board/plans/{published}/staff/{ROUTE_STAFF}/days/{wednesday}",
        f"/board/plans/{draft}/changes",
        f"/board/sick-call?week={week}",
        f"/today?day={wednesday}",
        f"/today?day={wednesday}&names=true",
        f"/fidelity?from={week}&to={(week_of + timedelta(days=6)).isoformat()}",
        "/team",
        "/team?open=staff",
        "/team?open=policy",
        "/team/clients/new",
        f"/team/clients/{CLIENT}/edit",
        "/team/staff/new",
        f"/team/staff/{ROUTE_STAFF}/edit",
        "/team/spreadsheets",
        "/contacts",
        "/on-call",
        "/on-call/manage",
        "/on-call/phone",
        "/feeds",
        "/audit",
        "/account/password",
        "/",
    ]


def staff_pages(plans: dict[str, Any], week_of: date = WEEK) -> list[str]:
    """Every page a staff member reaches, for the plans of the week ``week_of``."""
    day = plans["nurse_day"]
    return [
        "/",
        f"/my-day?day={day}",
        f"/my-week?week={week_of.isoformat()}",
        f"/my-week/{day}/print",
        f"/on-call?at={day}T20:00",
        "/on-call/phone",
        "/feeds",
        "/account/password",
    ]


@pytest.mark.parametrize("size", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_page_fits_the_window(
    browser: Browser,
    live_server: LiveServer,
    plans: dict[str, Any],
    big_plans: dict[str, Any],
    size: dict[str, int],
) -> None:
    """No page runs off the side or cuts off text, signed out, as the lead and as a staff member;
    nor the busier pages of a larger team, with its on-call swap form filled."""
    findings: list[str] = []
    contexts: list[Any] = []

    def fresh(**options: Any) -> Any:
        mobile = size["width"] < 500
        context = browser.new_context(base_url=live_server.url, viewport=size, is_mobile=mobile, **options)
        context.set_default_timeout(WAIT_MS)
        contexts.append(context)
        return context.new_page()

    try:
        lead = fresh()
        findings += open_and_measure(lead, "/login")
        findings += open_and_measure(lead, "/no-such-page", ok=False)
        sign_in(lead, live_server, live_server.lead)
        for path in lead_pages(plans):
            findings += open_and_measure(lead, path)
        findings += open_and_measure(lead, "/board/plans/999999/changes", ok=False)

        staff = fresh()
        sign_in(staff, live_server, live_server.staff)
        for path in staff_pages(plans):
            findings += open_and_measure(staff, path)
        findings += open_and_measure(staff, "/team", ok=False)

        # The pages a staff member opens in the field, as a phone without JavaScript shows them.
        plain = fresh(java_script_enabled=False)
        sign_in(plain, live_server, live_server.staff)
        for path in staff_pages(plans):
            findings += [f"{f} (JavaScript off)" for f in open_and_measure(plain, path)]

        big = fresh()
        sign_in(big, live_server, BIG_LEAD)
        for path in big_lead_pages(big_plans):
            findings += open_and_measure(big, path)
    finally:
        for context in contexts:
            context.close()
    assert not findings, f"{len(findings)} things do not fit:\n" + "\n".join(findings)
