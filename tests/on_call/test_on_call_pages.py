"""On call: the lookup page for staff and leads, the read-only team link, the lead's covers, swaps, links."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from actplanner.db import AuditEvent, OnCallOverride
from actplanner.on_call import pages as on_call_router
from actplanner.on_call.service import cancel_override, record_override
from actplanner.planning.plans import publish_plan, save_plan
from tests.support.web_factories import TEAM, World, audit_events, db, form_token, plan_doc, sign_in, team_doc

#: A Sunday noon (UTC) before the fixture week: every period of the week is still upcoming.
FROZEN_NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
TUESDAY_NOON = "2026-12-01T12:00"
ROLE_SECTION = re.compile(r'<section class="on-call-role[^"]*" data-role="(\w+)" data-staff="([^"]*)"')
ESCALATION_STEP = re.compile(r'<li data-role="(\w+)" data-staff="([^"]*)">')


@pytest.fixture
def published(app: FastAPI, world: World) -> dict[str, Any]:
    """The greedy plan of the small team for the week of 2026-11-30, published by the lead."""
    doc = plan_doc()
    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id)
        session.commit()
    return doc


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[datetime]:
    """The on-call pages' clock stopped the day before the fixture week, so its periods are upcoming."""
    monkeypatch.setattr(on_call_router, "utcnow", lambda: FROZEN_NOW)
    yield FROZEN_NOW


def holder(plan: dict[str, Any], role: str, local: str) -> str | None:
    """Who the plan file has in ``role`` at the local minute ``local``."""
    return next(
        (p["staff"] for p in plan["on_call"] if p["role"] == role and p["start"] <= local < p["end"]), None
    )


def page_roles(html: str) -> dict[str, str]:
    """Each role's holder as the page marks it (empty: nobody)."""
    return dict(ROLE_SECTION.findall(html))


def overrides(app: FastAPI) -> list[OnCallOverride]:
    with db(app) as session:
        return list(session.scalars(select(OnCallOverride).order_by(OnCallOverride.id)))


def manage(client: TestClient) -> str:
    page = client.get("/on-call/manage")
    assert page.status_code == 200
    return page.text


# ---------------------------------------------------------------------------------------------
# The lookup page


def test_staff_see_each_role_with_a_number_to_tap(client: TestClient, published: dict[str, Any]) -> None:
    """A staff member sees who holds each role at the moment asked, with a tel: link to their phone."""
    sign_in(client, "nurse")
    page = client.get(f"/on-call?at={TUESDAY_NOON}")
    assert page.status_code == 200
    roles = page_roles(page.text)
    assert list(roles) == ["primary", "backup", "prescriber"]
    phones = {s["id"]: s["phone"] for s in team_doc()["staff"]}
    for role, staff_id in roles.items():
        assert staff_id == holder(published, role, TUESDAY_NOON)
        assert f'href="tel:{phones[staff_id]}"' in page.text
    assert "Tue 1 Dec 2026, 12:00 CST" in page.text


def test_escalation_runs_primary_backup_prescriber_then_team_leader(
    client: TestClient, published: dict[str, Any]
) -> None:
    """The escalation list names the three role holders in order, then the team leader."""
    sign_in(client, "nurse")
    page = client.get(f"/on-call?at={TUESDAY_NOON}")
    steps = ESCALATION_STEP.findall(page.text)
    assert [role for role, _ in steps] == ["primary", "backup", "prescriber", "team_leader"]
    assert steps[-1][1] == "s-tl1"
    assert [who for _, who in steps[:3]] == [
        holder(published, r, TUESDAY_NOON) for r in ("primary", "backup", "prescriber")
    ]


def test_next_holder_and_handover_time_are_shown(client: TestClient, published: dict[str, Any]) -> None:
    """Each role says until when its holder is on call and who takes over next, from when."""
    sign_in(client, "nurse")
    page = client.get(f"/on-call?at={TUESDAY_NOON}")
    assert '<time class="until" datetime="2026-12-02T08:30:00-06:00">' in page.text
    following = holder(published, "primary", "2026-12-02T08:30")
    assert f'<span class="next-name" data-staff="{following}">' in page.text


def test_page_works_without_javascript_or_anything_from_elsewhere(
    client: TestClient, published: dict[str, Any]
) -> None:
    """No script at all, a meta refresh every minute, and no URL outside the app but tel: links."""
    sign_in(client, "lead")
    page = client.get(f"/on-call?at={TUESDAY_NOON}")
    assert page.status_code == 200
    assert "<script" not in page.text
    assert '<meta http-equiv="refresh" content="60">' in page.text
    assert "hx-" not in page.text
    for url in re.findall(r'(?:src|href|action)="([^"]*)"', page.text):
        assert url.startswith(("/", "#", "tel:")), url
    assert "http://" not in page.text and "https://" not in page.text


def test_lead_sees_the_page_with_a_link_to_manage(client: TestClient, published: dict[str, Any]) -> None:
    """A lead sees the same lookup for their team and a link to the rota, swaps and covers."""
    sign_in(client, "lead")
    page = client.get(f"/on-call?at={TUESDAY_NOON}")
    assert set(page_roles(page.text).values()) >= {holder(published, "primary", TUESDAY_NOON)}
    assert 'href="/on-call/manage"' in page.text


def test_a_boosted_link_gets_a_full_page_load(client: TestClient, world: World) -> None:
    """An htmx-boosted click is told to load the page itself, so no script stays and the refresh works."""
    sign_in(client, "nurse")
    answer = client.get("/on-call?at=2026-12-01T12:00", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert answer.headers["HX-Redirect"] == "/on-call?at=2026-12-01T12:00"


def test_a_bad_moment_names_at_and_shows_now(client: TestClient, world: World) -> None:
    """A ``?at=`` that is not a date and time is a 422 naming ``at``; the page still shows now."""
    sign_in(client, "nurse")
    page = client.get("/on-call?at=yesterday")
    assert page.status_code == 422
    assert "at: &#39;yesterday&#39; is not an ISO 8601 date and time" in page.text
    assert list(page_roles(page.text)) == ["primary", "backup", "prescriber"]


def test_staff_may_not_look_at_another_team(client: TestClient, world: World) -> None:
    """A staff member asking for another team's rota is refused."""
    sign_in(client, "nurse")
    assert client.get("/on-call?team=other-team").status_code == 403


def test_sign_in_is_needed(client: TestClient, world: World) -> None:
    """Without a session the page sends the browser to sign in."""
    answer = client.get("/on-call", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")


# ---------------------------------------------------------------------------------------------
# Gaps in red


def test_an_unpublished_week_is_a_gap_in_red(client: TestClient, world: World) -> None:
    """With no published plan nobody is on call, and the page says so in red."""
    sign_in(client, "nurse")
    page = client.get(f"/on-call?at={TUESDAY_NOON}")
    assert set(page_roles(page.text).values()) == {""}
    assert 'class="gap-warning error" role="alert"' in page.text
    assert (
        "No primary on call from Tue 1 Dec 12:00 (CST): no rota is published after that "
        "(publish the week of Mon 30 Nov)"
    ) in page.text
    assert "Tue 15 Dec 12:00" not in page.text, "the look-ahead's edge is no end of the gap"


def test_gaps_follow_covers_and_their_cancelling(
    client: TestClient, app: FastAPI, world: World, published: dict[str, Any]
) -> None:
    """A cover in the unpublished week after splits its gap; cancelling it leaves the whole gap again.

    The gaps are ahead of the moment asked, so each is a line below the answer, not a banner."""
    sign_in(client, "nurse")
    at = "/on-call?at=2026-12-06T12:00"
    unpublished = (
        "Ahead: no primary on call from Mon 7 Dec 08:30 (CST): no rota is published after that "
        "(publish the week of Mon 7 Dec)"
    )
    assert unpublished in client.get(at).text
    with db(app) as session:
        cover = record_override(
            session=session,
            team_id=TEAM,
            role="primary",
            staff_id="s-sw1",
            start="2026-12-08T08:30",
            end="2026-12-09T08:30",
            user_id=world.lead_id,
        )
        session.commit()
        cover_id = cover.id
    page = client.get(at).text
    assert "Ahead: no primary on call from Mon 7 Dec 08:30 to Tue 8 Dec 08:30 (CST)" in page
    assert (
        "Ahead: no primary on call from Wed 9 Dec 08:30 (CST): no rota is published after that "
        "(publish the week of Mon 7 Dec)"
    ) in page
    with db(app) as session:
        cancel_override(session=session, override_id=cover_id, user_id=world.lead_id)
        session.commit()
    assert unpublished in client.get(at).text


def test_tonights_answer_comes_first_and_a_gap_ahead_is_a_line_below_it(
    client: TestClient, published: dict[str, Any]
) -> None:
    """With the week published and the next unpublished, the page opens on who to call; the gap
    next week is one line after the escalation order, with no banner above the answer."""
    sign_in(client, "nurse")
    page = client.get("/on-call?at=2026-12-03T23:00").text
    assert "gap-warning" not in page
    answer = page.index('data-role="primary"')
    ahead = page.index('<p class="gap-ahead">Ahead: no primary on call from Mon 7 Dec 08:30')
    assert answer < page.index('id="escalation-title"') < ahead


def test_a_gap_happening_now_stays_above_the_answer(client: TestClient, world: World) -> None:
    """Nobody on call right now is the first thing the page says, in red, before the roles."""
    sign_in(client, "nurse")
    page = client.get(f"/on-call?at={TUESDAY_NOON}").text
    banner = page.index('<div class="gap-warning error" role="alert">')
    assert banner < page.index('data-role="primary"')
    assert "gap-ahead" not in page


def test_board_warns_of_gaps_with_a_link_to_the_rota(client: TestClient, published: dict[str, Any]) -> None:
    """The lead's board shows the same red warning, linking to the on-call rota."""
    sign_in(client, "lead")
    page = client.get("/board?week=2026-11-30")
    assert 'class="gap-warning error" role="alert"' in page.text
    assert "No primary on call from" in page.text
    assert 'href="/on-call/manage"' in page.text


def test_board_shows_no_warning_when_every_minute_is_covered(
    client: TestClient, app: FastAPI, world: World
) -> None:
    """One cover over the whole fortnight ahead leaves nothing to warn of."""
    now = datetime.now(UTC).astimezone(on_call_router.ZoneInfo("America/Chicago"))
    with db(app) as session:
        record_override(
            session=session,
            team_id=TEAM,
            role="primary",
            staff_id="s-sw1",
            start=(now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            end=(now + timedelta(days=15)).strftime("%Y-%m-%dT%H:%M"),
            user_id=world.lead_id,
        )
        session.commit()
    sign_in(client, "lead")
    page = client.get("/board?week=2026-11-30")
    assert page.status_code == 200
    assert "gap-warning" not in page.text


# ---------------------------------------------------------------------------------------------
# The read-only team link


def _make_link(client: TestClient, name: str = "Answering service") -> str:
    page = manage(client)
    made = client.post("/on-call/manage/links", data={"name": name, "csrf_token": form_token(page)})
    assert made.status_code == 200
    match = re.search(r'value="http://testserver(/on-call/t/[^"]+)"', made.text)
    assert match, "the new link's URL is shown"
    return match.group(1)


def test_team_link_shows_names_roles_and_phones_only(
    client: TestClient, app: FastAPI, world: World, published: dict[str, Any]
) -> None:
    """The link opens without a login and shows no client's name or code, no navigation, no app link."""
    sign_in(client, "lead")
    path = _make_link(client)
    with TestClient(app) as stranger:
        page = stranger.get(f"{path}?at={TUESDAY_NOON}")
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert page_roles(page.text)["primary"] == holder(published, "primary", TUESDAY_NOON)
    assert "<nav" not in page.text and "<script" not in page.text and "<form" not in page.text
    assert '<meta http-equiv="refresh" content="60">' in page.text
    for href in re.findall(r'<a [^>]*href="([^"]*)"', page.text):
        assert href.startswith("tel:"), href
    text = re.sub(r"<[^>]+>", " ", page.text)
    for entry in team_doc()["clients"]:
        for value in (entry.get("name"), entry["code"], entry["id"]):
            if value:
                assert not re.search(rf"\b{re.escape(value)}\b", text), value


def test_revoked_link_is_not_found_and_both_are_audited(
    client: TestClient, app: FastAPI, world: World
) -> None:
    """Revoking a link makes it a 404; making and revoking it are in the audit trail, the token is not."""
    sign_in(client, "lead")
    path = _make_link(client, "Kiosk")
    token = path.rsplit("/", 1)[1]
    assert client.get(path).status_code == 200
    page = manage(client)
    assert "Kiosk" in page and token not in page
    link_id = re.search(r'<tr data-link="(\d+)">', page).group(1)
    revoked = client.post(f"/on-call/manage/links/{link_id}/revoke", data={"csrf_token": form_token(page)})
    assert revoked.status_code == 200
    assert client.get(path).status_code == 404
    actions = [(user, action) for user, action, _ in audit_events(app)]
    assert (world.lead_id, "create_on_call_link") in actions
    assert (world.lead_id, "revoke_on_call_link") in actions
    with db(app) as session:
        details = [str(e.detail) for e in session.scalars(select(AuditEvent))]
    assert not any(token in d for d in details)


def test_unknown_link_is_not_found(client: TestClient, world: World) -> None:
    """A made-up token opens nothing."""
    assert client.get("/on-call/t/not-a-token").status_code == 404


def test_a_personal_api_token_is_not_a_link(client: TestClient, world: World) -> None:
    """Only tokens made as on-call links open the link page."""
    assert client.get(f"/on-call/t/{world.staff_token}").status_code == 404


# ---------------------------------------------------------------------------------------------
# Covers, swaps and cancelling


def test_cover_is_recorded_shown_and_audited(
    client: TestClient, app: FastAPI, world: World, published: dict[str, Any], frozen: datetime
) -> None:
    """A cover in the middle of a period takes effect at once on the lookup and is audited."""
    sign_in(client, "lead")
    form = {
        "role": "primary",
        "staff": "s-sw1",
        "start": "2026-12-01T11:00",
        "end": "2026-12-01T15:00",
        "note": "dentist",
        "csrf_token": form_token(manage(client)),
    }
    answer = client.post("/on-call/manage/cover", data=form, follow_redirects=False)
    assert answer.status_code == 303
    assert [(o.role, o.staff_id, o.start, o.end, o.note) for o in overrides(app)] == [
        ("primary", "s-sw1", "2026-12-01T11:00", "2026-12-01T15:00", "dentist")
    ]
    assert page_roles(client.get(f"/on-call?at={TUESDAY_NOON}").text)["primary"] == "s-sw1"
    assert page_roles(client.get("/on-call?at=2026-12-01T15:00").text)["primary"] == holder(
        published, "primary", "2026-12-01T15:00"
    )
    assert (world.lead_id, "on_call_override") in [(u, a) for u, a, _ in audit_events(app)]
    assert "dentist" in manage(client)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"end": "2026-12-01T10:00"}, "end", "must be after start"),
        ({"start": "tuesday"}, "start", "is not a local date and time"),
        ({"staff": "s-cm2"}, "staff", "does not take the primary role"),
        ({"staff": "s-nobody"}, "staff", "no staff member"),
        ({"role": "janitor"}, "role", "is not an on-call role"),
        # Tuesday's backup (s-rn1 is Tuesday's primary) cannot also be primary.
        ({"staff": "s-tl1"}, "staff", "one person cannot be primary and backup at the same time"),
        (
            {"staff": "s-sw1", "start": "2027-03-14T02:30", "end": "2027-03-14T04:00"},
            "start",
            "2027-03-14 02:30 does not exist in America/Chicago",
        ),
    ],
)
def test_bad_cover_names_the_field_and_saves_nothing(
    client: TestClient,
    app: FastAPI,
    world: World,
    published: dict[str, Any],
    frozen: datetime,
    change: dict[str, str],
    field: str,
    message: str,
) -> None:
    """Input the rota cannot take is shown beside its field; no override and no audit event is made."""
    sign_in(client, "lead")
    form = {"role": "primary", "staff": "s-tl1", "start": "2026-12-01T11:00", "end": "2026-12-01T15:00"}
    form.update(change, csrf_token=form_token(manage(client)))
    before = audit_events(app)
    answer = client.post("/on-call/manage/cover", data=form)
    assert answer.status_code == 422
    error = re.search(rf'<p class="error" id="cover-{field}-error" role="alert">([^<]*)</p>', answer.text)
    assert error and message in error.group(1)
    assert overrides(app) == []
    assert audit_events(app) == before


def _period(page: str, role: str, staff_name: str, day: str) -> str:
    """The swap form's value for the period of ``role`` held by ``staff_name`` starting on ``day``."""
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', page)
    return next(v for v, label in options if v.startswith(f"{role}|") and f": {staff_name}, {day}" in label)


def test_swap_exchanges_two_periods_in_one_go(
    client: TestClient, app: FastAPI, world: World, published: dict[str, Any], frozen: datetime
) -> None:
    """Swapping two primary periods makes two overrides; the lookup then shows each holder in the other's.

    Tuesday's and Friday's: neither holder is the backup of the other's period.
    """
    sign_in(client, "lead")
    page = manage(client)
    names = {s["id"]: s["name"] for s in team_doc()["staff"]}
    tue, fri = holder(published, "primary", TUESDAY_NOON), holder(published, "primary", "2026-12-04T12:00")
    assert tue != fri
    form = {
        "first": _period(page, "primary", names[tue], "Tue 1 Dec"),
        "second": _period(page, "primary", names[fri], "Fri 4 Dec"),
        "csrf_token": form_token(page),
    }
    answer = client.post("/on-call/manage/swap", data=form, follow_redirects=False)
    assert answer.status_code == 303
    assert sorted((o.staff_id, o.start) for o in overrides(app)) == sorted(
        [(fri, "2026-12-01T08:30"), (tue, "2026-12-04T08:30")]
    )
    assert page_roles(client.get(f"/on-call?at={TUESDAY_NOON}").text)["primary"] == fri
    assert page_roles(client.get("/on-call?at=2026-12-04T12:00").text)["primary"] == tue
    assert [a for _, a, _ in audit_events(app)].count("on_call_override") == 2


def test_swap_of_two_roles_is_refused(
    client: TestClient, app: FastAPI, world: World, published: dict[str, Any], frozen: datetime
) -> None:
    """Periods of different roles cannot be swapped; nothing is saved."""
    sign_in(client, "lead")
    page = manage(client)
    names = {s["id"]: s["name"] for s in team_doc()["staff"]}
    form = {
        "first": _period(page, "primary", names[holder(published, "primary", TUESDAY_NOON)], "Tue 1 Dec"),
        "second": _period(page, "backup", names[holder(published, "backup", TUESDAY_NOON)], "Tue 1 Dec"),
        "csrf_token": form_token(page),
    }
    answer = client.post("/on-call/manage/swap", data=form)
    assert answer.status_code == 422
    assert "choose a period of the same role as the first" in answer.text
    assert overrides(app) == []


def test_a_refused_second_half_of_a_swap_undoes_the_first(
    client: TestClient, app: FastAPI, world: World, published: dict[str, Any], frozen: datetime
) -> None:
    """When the second override of a swap is refused (the holder is on leave), the first is not kept."""
    sign_in(client, "lead")
    page = manage(client)
    names = {s["id"]: s["name"] for s in team_doc()["staff"]}
    tue, wed = holder(published, "primary", TUESDAY_NOON), holder(published, "primary", "2026-12-02T12:00")
    with db(app) as session:
        member = session.get(on_call_router.Team, TEAM).staff
        staff = next(s for s in member if s.id == tue)
        staff.leave = [{"start": "2026-12-02T00:00", "end": "2026-12-03T00:00"}]
        session.commit()
    form = {
        "first": _period(page, "primary", names[tue], "Tue 1 Dec"),
        "second": _period(page, "primary", names[wed], "Wed 2 Dec"),
        "csrf_token": form_token(page),
    }
    answer = client.post("/on-call/manage/swap", data=form)
    assert answer.status_code == 422
    assert "is on leave" in answer.text
    assert overrides(app) == []


def test_cancel_restores_the_plan_and_is_audited(
    client: TestClient, app: FastAPI, world: World, published: dict[str, Any], frozen: datetime
) -> None:
    """Cancelling an override from the list puts the plan's holder back."""
    with db(app) as session:
        record_override(
            session=session,
            team_id=TEAM,
            role="primary",
            staff_id="s-sw1",
            start="2026-12-01T11:00",
            end="2026-12-01T15:00",
            user_id=world.lead_id,
        )
        session.commit()
    sign_in(client, "lead")
    page = manage(client)
    override_id = re.search(r'<tr data-override="(\d+)">', page).group(1)
    cancelled = client.post(
        f"/on-call/manage/overrides/{override_id}/cancel", data={"csrf_token": form_token(page)}
    )
    assert cancelled.status_code == 200
    assert 'data-override="' not in cancelled.text
    assert page_roles(client.get(f"/on-call?at={TUESDAY_NOON}").text)["primary"] == holder(
        published, "primary", TUESDAY_NOON
    )
    assert (world.lead_id, "cancel_on_call_override") in [(u, a) for u, a, _ in audit_events(app)]


def test_manage_page_lists_the_fortnight_ahead(
    client: TestClient, published: dict[str, Any], frozen: datetime
) -> None:
    """The lead sees each day's holders by name, and the unpublished days as gaps."""
    sign_in(client, "lead")
    page = manage(client)
    assert '<th scope="row">Tue 1 Dec</th>' in page
    names = {s["id"]: s["name"] for s in team_doc()["staff"]}
    assert f"08:30–24:00 {names[holder(published, 'primary', TUESDAY_NOON)]}" in page
    assert '<div class="gap">08:30–24:00 nobody</div>' in page


#: Markup a person does not read: scripts, styles and every tag with its attributes (input values too).
HIDDEN = re.compile(r"<(script|style)\b.*?</\1>|<[^>]*>", re.DOTALL)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def test_manage_page_says_its_dates_in_words_and_keeps_inputs_iso(
    client: TestClient, app: FastAPI, world: World, published: dict[str, Any], frozen: datetime
) -> None:
    """Swaps and covers in force, gaps and lists read "Tue 1 Dec 11:00"; the form's inputs stay ISO."""
    with db(app) as session:
        record_override(
            session=session,
            team_id=TEAM,
            role="primary",
            staff_id="s-sw1",
            start="2026-12-01T11:00",
            end="2026-12-01T15:00",
            user_id=world.lead_id,
        )
        session.commit()
    sign_in(client, "lead")
    page = manage(client)
    row = page[page.index('<tr data-override="') : page.index("</tr>", page.index('<tr data-override="'))]
    assert "Tue 1 Dec 11:00" in row and "Tue 1 Dec 15:00" in row
    visible = HIDDEN.sub(" ", page)
    assert ISO_DATE.findall(visible) == []
    # The browser's date-time picker still gets ISO values.
    assert re.search(r'<input type="datetime-local" name="start" value="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"', page)
    # Before the published week is a real gap with both ends; after it, no rota is published yet.
    assert "No primary on call from Sun 29 Nov 06:00 to Mon 30 Nov 08:30 (CST)" in visible
    assert (
        "No primary on call from Mon 7 Dec 08:30 (CST): no rota is published after that "
        "(publish the week of Mon 7 Dec)"
    ) in visible


def test_staff_cannot_record_overrides(client: TestClient, app: FastAPI, world: World) -> None:
    """The lead's page and its forms are refused to staff."""
    sign_in(client, "nurse")
    token = form_token(client.get("/on-call").text)
    assert client.get("/on-call/manage").status_code == 403
    form = {"role": "primary", "staff": "s-rn1", "start": "2026-12-01T11:00", "end": "2026-12-01T15:00"}
    assert client.post("/on-call/manage/cover", data={**form, "csrf_token": token}).status_code == 403
    swap = {"first": "a", "second": "b", "csrf_token": token}
    assert client.post("/on-call/manage/swap", data=swap).status_code == 403
    assert client.post("/on-call/manage/links", data={"name": "x", "csrf_token": token}).status_code == 403
    assert overrides(app) == []
