"""On call on my phone: a staff member's own read-only link, its manifest and icons, and the favicon."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from actplanner.accounts.service import deactivate_user, token_hash
from actplanner.db import ApiToken, AuditEvent, User
from actplanner.on_call.links import PERSONAL_NAME, create_on_call_link, on_call_links, revoke_on_call_link
from actplanner.on_call.personal import create_personal_link, personal_links, revoke_personal_link
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.web.log_redaction import redact
from tests.support.web_factories import (
    OTHER_TEAM,
    TEAM,
    World,
    audit_events,
    bearer,
    db,
    form_token,
    plan_doc,
    sign_in,
    team_doc,
)

TUESDAY_NOON = "2026-12-01T12:00"
ROLE_SECTION = re.compile(r'<section class="on-call-role[^"]*" data-role="(\w+)" data-staff="([^"]*)"')


@pytest.fixture
def published(app: FastAPI, world: World) -> dict[str, Any]:
    """The greedy plan of the small team for the week of 2026-11-30, published by the lead."""
    doc = plan_doc()
    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id)
        session.commit()
    return doc


def make_link(client: TestClient) -> str:
    """Make one's own link on the page, as a signed-in user; its path (shown this once)."""
    page = client.get("/on-call/phone")
    assert page.status_code == 200
    made = client.post("/on-call/phone/link", data={"csrf_token": form_token(page.text)})
    assert made.status_code == 200
    assert made.headers["cache-control"] == "no-store"
    match = re.search(r'value="http://testserver(/on-call/t/[^"]+)"', made.text)
    assert match, "the new link's address is shown"
    return match.group(1)


def primary_at(plan: dict[str, Any], local: str) -> str:
    return next(
        p["staff"] for p in plan["on_call"] if p["role"] == "primary" and p["start"] <= local < p["end"]
    )


def test_staff_member_makes_a_link_that_opens_without_login(
    client: TestClient, app: FastAPI, world: World, published: dict[str, Any]
) -> None:
    """Signed in as staff, one makes a link; a browser with no cookie opens it and sees who to call."""
    sign_in(client, "nurse")
    assert 'href="/on-call/phone"' in client.get("/on-call").text
    path = make_link(client)
    with TestClient(app) as stranger:
        page = stranger.get(f"{path}?at={TUESDAY_NOON}")
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    roles = dict(ROLE_SECTION.findall(page.text))
    assert roles["primary"] == primary_at(published, TUESDAY_NOON)
    phones = {s["id"]: s["phone"] for s in team_doc()["staff"]}
    assert f'href="tel:{phones[roles["primary"]]}"' in page.text


def test_link_shows_names_roles_and_phones_only(
    client: TestClient, app: FastAPI, world: World, published: dict[str, Any]
) -> None:
    """No client's name, code or id, no navigation, no form, no script; only tel: links."""
    sign_in(client, "nurse")
    path = make_link(client)
    with TestClient(app) as stranger:
        page = stranger.get(f"{path}?at={TUESDAY_NOON}")
    assert "<nav" not in page.text and "<script" not in page.text and "<form" not in page.text
    for href in re.findall(r'<a [^>]*href="([^"]*)"', page.text):
        assert href.startswith("tel:"), href
    text = re.sub(r"<[^>]+>", " ", page.text)
    for entry in team_doc()["clients"]:
        for value in (entry.get("name"), entry["code"], entry["id"], (entry.get("home") or {}).get("label")):
            if value:
                assert not re.search(rf"\b{re.escape(value)}\b", text), value


def test_link_page_is_made_for_a_home_screen(
    client: TestClient, app: FastAPI, world: World, published: dict[str, Any]
) -> None:
    """Viewport, manifest, touch icon, large tel: targets and short Add to Home Screen steps."""
    sign_in(client, "nurse")
    path = make_link(client)
    with TestClient(app) as stranger:
        page = stranger.get(path).text
        assert '<meta name="viewport"' in page
        manifest_href = re.search(r'<link rel="manifest" href="([^"]+)"', page).group(1)
        assert manifest_href == f"{path}/manifest.webmanifest"
        assert '<link rel="apple-touch-icon" href="/apple-touch-icon.png">' in page
        assert "Add to Home Screen" in page and "Android" in page and "iPhone" in page
        manifest = stranger.get(manifest_href)
        assert manifest.status_code == 200
        assert manifest.headers["content-type"].startswith("application/manifest+json")
        body = manifest.json()
        assert body["start_url"] == path and body["display"] == "standalone"
        for icon in body["icons"]:
            assert icon["src"].startswith("/static/")
            assert stranger.get(icon["src"]).status_code == 200
        assert stranger.get("/apple-touch-icon.png").headers["content-type"] == "image/png"
        assert stranger.get("/on-call/t/not-a-token/manifest.webmanifest").status_code == 404


def test_favicon_answers(client: TestClient) -> None:
    """``/favicon.ico`` is an icon of the app's own, kept a day by the browser."""
    answer = client.get("/favicon.ico")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/vnd.microsoft.icon"
    assert answer.content[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert "max-age=86400" in answer.headers["cache-control"]


def test_token_is_stored_hashed_and_never_audited(client: TestClient, app: FastAPI, world: World) -> None:
    """Only the token's SHA-256 is stored; the audit trail names the link by id, never its token."""
    sign_in(client, "nurse")
    token = make_link(client).rsplit("/", 1)[1]
    with db(app) as session:
        row = session.scalars(select(ApiToken).where(ApiToken.name == PERSONAL_NAME)).one()
        assert row.token_hash == token_hash(token) and row.user_id == world.staff_id and row.team_id == TEAM
        details = [str(e.detail) for e in session.scalars(select(AuditEvent))]
    assert not any(token in d for d in details)
    assert token not in client.get("/on-call/phone").text


def test_one_link_at_a_time(client: TestClient, app: FastAPI, world: World) -> None:
    """Making a new link revokes the one before: the old address opens nothing."""
    sign_in(client, "nurse")
    first = make_link(client)
    second = make_link(client)
    with TestClient(app) as stranger:
        assert stranger.get(first).status_code == 404
        assert stranger.get(second).status_code == 200
    with db(app) as session:
        assert len(personal_links(session=session, team_id=TEAM)) == 1


def test_holder_revokes_their_link(client: TestClient, app: FastAPI, world: World) -> None:
    """Revoke my link: the address is a 404 from then on, and the page offers to make one again."""
    sign_in(client, "nurse")
    path = make_link(client)
    page = client.get("/on-call/phone").text
    assert "You have a link" in page
    done = client.post("/on-call/phone/revoke", data={"csrf_token": form_token(page)}, follow_redirects=False)
    assert done.status_code == 303
    with TestClient(app) as stranger:
        assert stranger.get(path).status_code == 404
        assert stranger.get(f"{path}/manifest.webmanifest").status_code == 404
    assert "Make my link" in client.get("/on-call/phone").text


def test_lead_sees_and_revokes_a_staff_members_link(client: TestClient, app: FastAPI, world: World) -> None:
    """The lead's on-call page lists staff members' own links apart from the team's, and revokes one."""
    sign_in(client, "nurse")
    path = make_link(client)
    client.cookies.clear()
    sign_in(client, "lead")
    page = client.get("/on-call/manage").text
    link_id = re.search(r'<tr data-personal-link="(\d+)">', page).group(1)
    assert re.search(r'<tr data-link="\d+">', page) is None, "not among the team's links"
    revoked = client.post(
        f"/on-call/manage/personal-links/{link_id}/revoke",
        data={"csrf_token": form_token(page)},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    assert client.get(path).status_code == 404


def test_another_staff_member_may_not_revoke_it(app: FastAPI, world: World) -> None:
    """Only the holder or a lead of the team revokes a personal link."""
    with db(app) as session:
        holder = session.get(User, world.staff_id)
        other = session.get(User, world.other_staff_id)
        link = create_personal_link(session=session, user=holder, team_id=TEAM)
        with pytest.raises(PermissionError, match="holder or a lead"):
            revoke_personal_link(session=session, link_id=link.id, user=other)
        with pytest.raises(ValueError, match="team: your login may see only team"):
            create_personal_link(session=session, user=other, team_id=TEAM)


def test_deactivated_login_kills_the_link(client: TestClient, app: FastAPI, world: World) -> None:
    """Deactivating the login revokes its link; and a login merely marked inactive opens nothing either."""
    sign_in(client, "nurse")
    path = make_link(client)
    with db(app) as session:
        session.get(User, world.staff_id).active = False
        session.commit()
    with TestClient(app) as stranger:
        assert stranger.get(path).status_code == 404
    with db(app) as session:
        session.get(User, world.staff_id).active = True
        session.commit()
    with TestClient(app) as stranger:
        assert stranger.get(path).status_code == 200
    with db(app) as session:
        deactivate_user(session=session, user_id=world.staff_id, by=world.lead_id)
        session.commit()
        assert personal_links(session=session, team_id=TEAM) == []
    with TestClient(app) as stranger:
        assert stranger.get(path).status_code == 404


def test_making_revoking_and_use_are_recorded(client: TestClient, app: FastAPI, world: World) -> None:
    """Make and revoke are audited with team and holder; each use is noted on the link (last used)."""
    sign_in(client, "nurse")
    first = make_link(client)
    make_link(client)
    with TestClient(app) as stranger:
        assert stranger.get(first).status_code == 404
    with db(app) as session:
        live = session.scalars(
            select(ApiToken).where(ApiToken.name == PERSONAL_NAME, ApiToken.revoked_at.is_(None))
        ).one()
        live_id = live.id
        assert live.last_used_at is None
    page = client.get("/on-call/phone").text
    assert "last used never" in page
    assert "/on-call/t/" not in page, "the page never shows the link again"
    with db(app) as session:
        revoke_personal_link(session=session, link_id=live_id, user=session.get(User, world.staff_id))
        session.commit()
    actions = [(user, action) for user, action, _ in audit_events(app)]
    assert actions.count((world.staff_id, "create_personal_on_call_link")) == 2
    assert (world.staff_id, "revoke_personal_on_call_link") in actions
    with db(app) as session:
        made = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "create_personal_on_call_link")
            .order_by(AuditEvent.id)
        ).all()
    assert made[0].detail == {"team": TEAM, "holder": world.staff_id}
    assert made[1].detail["replaced"] == [int(made[0].target.split(":")[1])]
    assert all(e.team_id == TEAM for e in made)


def test_use_is_noted_on_the_link(client: TestClient, app: FastAPI, world: World) -> None:
    """Opening the link notes its use (at most once a minute), shown to its holder and the lead."""
    sign_in(client, "nurse")
    path = make_link(client)
    with TestClient(app) as stranger:
        assert stranger.get(path).status_code == 200
    with db(app) as session:
        row = session.scalars(select(ApiToken).where(ApiToken.name == PERSONAL_NAME)).one()
        assert row.last_used_at is not None
    assert "last used never" not in client.get("/on-call/phone").text


def test_team_links_keep_the_personal_name_apart(app: FastAPI, world: World) -> None:
    """A lead may not name a team link as a personal one, and the team's list leaves personal links out."""
    with db(app) as session:
        with pytest.raises(ValueError, match="kept for staff members' own links"):
            create_on_call_link(
                session=session, team_id=TEAM, name="Own Phone", owner_id=world.lead_id, user_id=None
            )
        create_personal_link(session=session, user=session.get(User, world.lead_id), team_id=TEAM)
        assert on_call_links(session=session, team_id=TEAM) == []
        assert [row.username for row in personal_links(session=session, team_id=TEAM)] == ["lead"]


def test_a_link_made_for_one_team_is_not_another_teams(client: TestClient, world: World) -> None:
    """A staff member asking to make a link to another team is refused."""
    sign_in(client, "nurse")
    assert client.get("/on-call/phone?team=other-team").status_code == 403


def test_sign_in_is_needed_to_make_one(client: TestClient, world: World) -> None:
    assert client.get("/on-call/phone", follow_redirects=False).status_code == 303


def test_the_token_stays_out_of_the_access_log() -> None:
    """The manifest's path holds the token too: the log shows neither it nor the link's."""
    line = 'GET /on-call/t/s3cr3t-token/manifest.webmanifest HTTP/1.1" 200'
    assert redact(line) == 'GET /on-call/t/[redacted]/manifest.webmanifest HTTP/1.1" 200'


def test_a_login_moved_to_another_team_loses_the_link(client: TestClient, app: FastAPI, world: World) -> None:
    """The link shows its team only while its holder's login may see that team."""
    sign_in(client, "nurse")
    path = make_link(client)
    with db(app) as session:
        session.get(User, world.staff_id).team_id = OTHER_TEAM
        session.commit()
    with TestClient(app) as stranger:
        assert stranger.get(path).status_code == 404


def test_the_on_call_api_reads_with_the_link_for_its_team_only(client: TestClient, world: World) -> None:
    """Like a team link, the staff member's own link is a bearer token of the on-call API for its team."""
    sign_in(client, "nurse")
    token = make_link(client).rsplit("/", 1)[1]
    answer = client.get("/api/v1/on-call", headers=bearer(token))
    assert answer.status_code == 200 and answer.json()["team"] == TEAM
    assert client.get(f"/api/v1/on-call?team={OTHER_TEAM}", headers=bearer(token)).status_code == 403


def test_revoked_through_the_team_links_form_it_is_still_audited_as_personal(
    client: TestClient, app: FastAPI, world: World
) -> None:
    """Whichever form a lead uses, revoking a staff member's own link is recorded as that."""
    with db(app) as session:
        link = create_personal_link(session=session, user=session.get(User, world.staff_id), team_id=TEAM)
        session.commit()
    sign_in(client, "lead")
    page = client.get("/on-call/manage").text
    done = client.post(f"/on-call/manage/links/{link.id}/revoke", data={"csrf_token": form_token(page)})
    assert done.status_code == 200
    assert (world.lead_id, "revoke_personal_on_call_link", f"token:{link.id}") in audit_events(app)


def test_revoked_by_id_as_the_cli_does_it_is_audited_as_personal(app: FastAPI, world: World) -> None:
    """``on-call link revoke <id>`` on a staff member's own link records it as theirs."""
    with db(app) as session:
        link = create_personal_link(session=session, user=session.get(User, world.staff_id), team_id=TEAM)
        revoke_on_call_link(session=session, link_id=link.id, user_id=None)
        session.commit()
        event = session.scalars(select(AuditEvent).where(AuditEvent.target == f"token:{link.id}")).all()[-1]
    assert (event.action, event.detail) == (
        "revoke_personal_on_call_link",
        {"team": TEAM, "holder": world.staff_id},
    )
