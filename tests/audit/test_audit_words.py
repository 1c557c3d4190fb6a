"""The audit trail in words (issue 13, item 5): who and what as a lead reads them, not codes or JSON.

Events are made by the services that record them (sign-ins, publishing, a contact, an on-call
cover, links), on SQLite and PostgreSQL; the page is read as a lead on both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from actplanner.accounts.service import log_in
from actplanner.audit.service import audit, audit_page
from actplanner.audit.words import ACTIONS, AuditLine, action_words, audit_lines
from actplanner.contacts.service import record_contact
from actplanner.db import Team, User
from actplanner.feeds.service import issue_feed_token
from actplanner.on_call.personal import create_personal_link
from actplanner.on_call.service import record_override
from actplanner.planning.plans import publish_plan
from actplanner.settings import Settings
from actplanner.teams.service import import_team
from actplanner.web.app import create_app
from tests.support.db_factories import create_plan, create_team, create_user, plan_doc, team_doc
from tests.support.postgres_databases import fresh_database
from tests.support.web_factories import PASSWORD, db, sign_in

SRC = Path(__file__).resolve().parents[2] / "src" / "actplanner"
#: The small fixture's staff member linked to the nurse's login, and her name.
NURSE_STAFF, NURSE_NAME = "s-rn1", "Sofia Delgado"
#: The actions ``planning/edits.py`` passes to its ``_save_edit`` in a variable.
EDIT_ACTIONS = {"pin", "unpin", "move", "move-flagged"}


def _client_names() -> list[str]:
    return [c["name"] for c in team_doc()["clients"] if c.get("name")]


def _recorded_actions() -> set[str]:
    """Every action literal the app passes to ``audit(action=...)`` or inserts as an event."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        for match in re.finditer(r"action=((?:\"[^\"]+\"(?: if [^\n]+? else )?)+)", path.read_text()):
            found.update(re.findall(r"\"([^\"]+)\"", match.group(1)))
    found.discard("store_true")  # argparse's, in the worker's command line
    return found | EDIT_ACTIONS


def test_every_action_the_app_records_reads_as_a_phrase() -> None:
    """No action of the code falls back to its code on the page; the scan itself finds them."""
    recorded = _recorded_actions()
    assert {"login", "view_phi", "sick-call", "shift-pin", "create_personal_on_call_link"} <= recorded
    assert sorted(recorded - set(ACTIONS)) == []
    assert action_words("login") == "Signed in"
    assert action_words("login_failed") == "Sign-in failed"
    assert action_words("view_phi") == "Viewed client data"
    assert action_words("publish") == "Published a plan"
    assert action_words("record_contact") == "Recorded a contact"
    assert action_words("sick-call") == "Sick call"


def test_an_unknown_action_reads_as_its_code_in_words() -> None:
    assert action_words("merge_teams-later") == "Merge teams later"
    assert action_words("") == "Something"


def _events(session: Session) -> dict[str, Any]:
    """A team, its lead and nurse, and one of each kind of event through the services that record them."""
    team = create_team(session)
    lead = create_user(session, username="lead", team_id=team.id)
    nurse = create_user(session, username="nurse", role="staff", team_id=team.id, staff_id=NURSE_STAFF)
    gone = create_user(session, username="temp", team_id=team.id)
    assert log_in(session=session, username="nurse", password=PASSWORD) is not None
    assert log_in(session=session, username="nobody-here", password=PASSWORD) is None
    assert log_in(session=session, username="temp", password=PASSWORD) is not None
    gone_id = gone.id
    session.delete(gone)
    doc = plan_doc()
    plan = create_plan(session, team, doc)
    publish_plan(session=session, plan_id=plan.id, user_id=lead.id, confirmed=True)
    visit = next(v for v in doc["visits"] if v["date"] == "2026-11-30")
    entry = {key: visit[key] for key in ("client", "staff", "date", "start")}
    entry.update(minutes=30, outcome="done", mode="face_to_face", place="home", visit=visit["id"])
    record_contact(session=session, team_id=team.id, entry=entry, by=lead.id)
    record_override(
        session=session,
        team_id=team.id,
        role="primary",
        staff_id=NURSE_STAFF,
        start="2026-12-09T11:00",
        end="2026-12-09T13:00",
        user_id=lead.id,
    )
    create_personal_link(session=session, user=nurse, team_id=team.id)
    issue_feed_token(session=session, user=nurse, kind="feed", name="My calendar")
    # As the client form records it (teams/pages.py): the form shows the name and the home.
    viewed = {"team": team.id, "fields": ["name", "home"]}
    audit(
        session=session, user_id=lead.id, action="view_phi", target=f"client:{visit['client']}", detail=viewed
    )
    session.flush()
    client_code = next(c.code for c in team.clients if c.id == visit["client"])
    return {"team": team, "lead": lead, "nurse": nurse, "gone_id": gone_id, "plan": plan, "code": client_code}


def _lines(session: Session) -> list[AuditLine]:
    rows, _ = audit_page(session=session, team_id=None, before=None)
    return audit_lines(session=session, rows=rows)


def _one(lines: list[AuditLine], action: str, kind: str = "") -> AuditLine:
    (line,) = [line for line in lines if line.row.action == action and line.row.target.startswith(kind)]
    return line


def test_each_record_reads_by_what_it_is(session: Session) -> None:
    """Logins by username and staff name, the plan by its week and version, the team by its name,
    the contact and the cover by who and when, the client by code only; a deleted login says so."""
    made = _events(session)
    lines = _lines(session)
    nurse = f"nurse ({NURSE_NAME})"

    signed_in = [line for line in lines if line.row.action == "login"]
    assert {line.target for line in signed_in} == {f"login {nurse}", f"login #{made['gone_id']} (deleted)"}
    assert {line.action for line in signed_in} == {"Signed in"}
    assert next(line.who for line in signed_in if line.target == f"login {nurse}") == nurse
    # A deleted login's events keep no user: its own sign-in still says whose it was, not "System".
    assert (
        next(line.who for line in signed_in if "deleted" in line.target)
        == f"a deleted login (#{made['gone_id']})"
    )
    assert _one(lines, "import").who == "System"
    failed = _one(lines, "login_failed")
    assert (failed.action, failed.who, failed.target) == (
        "Sign-in failed",
        "Not signed in",
        "username “nobody-here” (no such login)",
    )

    published = _one(lines, "publish")
    assert published.action == "Published a plan"
    assert published.who == "lead"
    assert published.target == "plan of the week of Mon 30 Nov (version 1)"
    assert "week of: Mon 30 Nov" in published.detail
    assert "version: 1" in published.detail
    assert f"team: {made['team'].name}" in published.detail

    imported = _one(lines, "import")
    assert imported.target == f"team {made['team'].name}"
    assert imported.detail == ["staff: 6", "clients: 20"]

    contact = _one(lines, "record_contact")
    assert contact.action == "Recorded a contact"
    assert contact.target.startswith(f"contact with client {made['code']} on Mon 30 Nov ")
    assert f"client: {made['code']}" in contact.detail
    assert "date: Mon 30 Nov" in contact.detail
    assert "outcome: done" in contact.detail

    cover = _one(lines, "on_call_override")
    assert cover.target == f"primary on call: {NURSE_NAME}, Wed 9 Dec 11:00 to Wed 9 Dec 13:00"
    assert f"staff: {NURSE_NAME}" in cover.detail

    link = _one(lines, "create_personal_on_call_link")
    assert link.action == "Made a personal on-call link"
    assert link.target == f"personal on-call link of {nurse}"
    assert f"holder: {nurse}" in link.detail
    feed = _one(lines, "create_feed_token")
    assert feed.target == f"calendar feed link of {nurse}"
    # Nothing replaced: an empty list says nothing, so it is left out.
    assert feed.detail == ["kind: calendar feed", f"team: {made['team'].name}"]

    viewed = _one(lines, "view_phi", "client:")
    assert viewed.target == f"client {made['code']}"
    assert "fields: name, home" in viewed.detail

    shown = " ".join(f"{line.who} {line.action} {line.target} {' '.join(line.detail)}" for line in lines)
    for name in _client_names():
        assert name not in shown
    assert re.search(r"\b(user|plan|team|token|override|contact|client|username):\S", shown) is None
    assert '{"' not in shown


def test_a_deleted_plan_keeps_its_week_and_a_page_of_one_team_does_not_repeat_it(session: Session) -> None:
    made = _events(session)
    plan_id = made["plan"].id
    detail = {"team": made["team"].id, "week_start": "2026-11-30", "discarded": True}
    audit(
        session=session,
        user_id=made["lead"].id,
        action="undo",
        target=f"plan:{plan_id + 1000}",
        detail=detail,
    )
    rows, _ = audit_page(session=session, team_id=made["team"].id, before=None)
    lines = audit_lines(session=session, rows=rows, team_id=made["team"].id)
    undone = _one(lines, "undo")
    assert undone.target == f"plan #{plan_id + 1000} of the week of Mon 30 Nov (deleted)"
    assert undone.detail == ["week of: Mon 30 Nov", "draft discarded: yes"]


def test_staff_files_and_records_that_are_gone_read_sensibly(session: Session) -> None:
    """A staff member named with or without their team, a backup file, and records since deleted."""
    made = _events(session)
    lead, team = made["lead"].id, made["team"].id
    # The shapes planning/edits.py (sick call) and My week (a view) record.
    sick = {"first": "2026-12-02", "last": "2026-12-03", "job": 4}
    audit(
        session=session, user_id=lead, action="sick-call", target=f"staff:{team}/{NURSE_STAFF}", detail=sick
    )
    week = {"team": team, "page": "my_week", "week_start": "2026-11-30", "clients": ["c-001", "c-404"]}
    audit(session=session, user_id=lead, action="view_phi", target=f"staff:{NURSE_STAFF}", detail=week)
    audit(session=session, user_id=None, action="backup", target="file:/var/backups/act-2026-12-01.sqlite3")
    restored = {"replaced": {"teams": 2, "contacts": 40}, "migrated_to": None, "sign_ins_ended": 3}
    audit(session=session, user_id=None, action="restore", target="file:/b/act.sqlite3", detail=restored)
    for kind in ("token", "override", "contact"):
        audit(session=session, user_id=lead, action=f"forget_{kind}", target=f"{kind}:99999", team_id=team)
    lines = _lines(session)

    sick_call = _one(lines, "sick-call")
    assert (sick_call.action, sick_call.target) == ("Sick call", NURSE_NAME)
    assert sick_call.detail == ["from: Wed 2 Dec", "to: Thu 3 Dec", "solve job: #4"]
    viewed = _one(lines, "view_phi", "staff:")
    code = next(c.code for c in made["team"].clients if c.id == "c-001")
    assert viewed.target == NURSE_NAME
    assert viewed.detail[1:] == ["page: my week", "week of: Mon 30 Nov", f"clients: {code}, c-404"]
    backup = _one(lines, "backup")
    assert (backup.who, backup.action, backup.target) == (
        "System",
        "Backed up the database",
        "backup file act-2026-12-01.sqlite3",
    )
    # A nested detail is flattened one level; a None says nothing and is left out.
    assert _one(lines, "restore").detail == [
        "replaced teams: 2",
        "replaced contacts: 40",
        "sign-ins ended: 3",
    ]
    assert _one(lines, "forget_token").target == "link or token #99999 (deleted)"
    assert _one(lines, "forget_override").target == "on-call swap or cover #99999 (deleted)"
    assert _one(lines, "forget_contact").target == "contact #99999 (deleted)"
    assert _one(lines, "forget_contact").action == "Forget contact"


def test_the_records_of_a_page_are_looked_up_once_per_kind(session: Session) -> None:
    """Three times the rows make no more queries: each kind of record is one query, not one per row."""
    _events(session)
    rows, _ = audit_page(session=session, team_id=None, before=None)
    counts = []
    for page in (rows, rows * 3):
        statements: list[str] = []

        def note(*args: Any, seen: list[str] = statements) -> None:
            seen.append(args[2])

        connection = session.connection()
        event.listen(connection, "before_cursor_execute", note)
        try:
            lines = audit_lines(session=session, rows=page)
        finally:
            event.remove(connection, "before_cursor_execute", note)
        assert len(lines) == len(page)
        counts.append(len(statements))
    # Plans, tokens, overrides, contacts, logins, teams, staff, clients: at most one each.
    assert counts[0] <= 8
    assert counts[1] == counts[0]


def _seed(session: Session) -> None:
    import_team(session=session, data=team_doc())
    create_user(session, username="lead", team_id="west-town-small")
    create_user(session, username="nurse", role="staff", team_id="west-town-small", staff_id=NURSE_STAFF)
    session.commit()


@pytest.fixture(params=["sqlite", "postgresql"])
def words_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[FastAPI, TestClient]]:
    """The web app on a fresh database of each backend, with the small team, its lead and nurse."""

    def app_on(url: str) -> Iterator[tuple[FastAPI, TestClient]]:
        settings = Settings(database_url=url, secret_key="test-secret-key-" + "x" * 32, https=False)
        app = create_app(settings)
        with TestClient(app) as client:
            with db(app) as session:
                _seed(session)
            yield app, client

    if request.param == "sqlite":
        yield from app_on(f"sqlite:///{tmp_path / 'words.sqlite3'}")
        return
    with fresh_database() as url:
        yield from app_on(url)


def _main_cells(page: str) -> str:
    """The audit table's rows without their small print (the stored record and detail)."""
    body = page[page.index('<tbody id="audit-rows">') : page.index("</tbody>")]
    body = re.sub(r"<details>.*?</details>", "", body, flags=re.DOTALL)
    return re.sub(r"<small class=\"muted\">.*?</small>", "", body, flags=re.DOTALL)


def test_the_audit_page_says_who_and_what_in_words(words_app: tuple[FastAPI, TestClient]) -> None:
    """Sign-ins, a failed one, the team page's view of client names and a publish read in words;
    the stored ``kind:key`` and JSON only in small print; no client's name anywhere."""
    app, client = words_app
    with db(app) as session:
        team = session.get_one(Team, "west-town-small")
        lead_id = session.scalar(select(User.id).where(User.username == "lead"))
        nurse_id = session.scalar(select(User.id).where(User.username == "nurse"))
        plan_id = create_plan(session, team).id
        publish_plan(session=session, plan_id=plan_id, user_id=lead_id, confirmed=True)
        session.commit()
    sign_in(client, "nurse")
    # Her week shows her clients' addresses: audited as a view of client data about her.
    assert client.get("/my-week?week=2026-11-30").status_code == 200
    client.post("/logout", headers={"X-CSRF-Token": _token(client)})
    sign_in(client, "nurse", "wrong password")
    sign_in(client, "lead")
    assert client.get("/team").status_code == 200  # its client table (names) is audited
    page = client.get("/audit").text
    main = _main_cells(page)

    assert f"<td>nurse ({NURSE_NAME})</td>\n  <td>Signed in</td>" in main
    assert f"<td>login nurse ({NURSE_NAME})" in main
    assert "<td>Signed out</td>" in main
    assert "<td>Sign-in failed</td>" in main
    assert "<td>Viewed client data</td>" in main
    assert "<td>Published a plan</td>" in main
    assert "plan of the week of Mon 30 Nov (version 1)" in main
    assert f"<td>Viewed client data</td>\n  <td>{NURSE_NAME} <small" in page
    assert "page: my week; week of: Mon 30 Nov; clients: " in main
    # The page is the team's: its detail names clients by code, the stored form is in small print.
    shown = re.search(r"clients: ([^;<]+) and (\d+) more", main)
    assert shown is not None
    codes = {c["code"] for c in team_doc()["clients"]}
    assert set(shown.group(1).split(", ")) <= codes
    assert len(shown.group(1).split(", ")) + int(shown.group(2)) == len(codes)
    raws = (f"user:{nurse_id}", f"plan:{plan_id}", "team:west-town-small", "username:nurse", "staff:s-rn1")
    for raw in raws:
        assert raw not in main
        assert f"<code>{raw}</code>" in page
    assert '{"' not in main
    assert '<code>{"' in page
    for name in _client_names():
        assert name not in page


def test_older_events_still_come_a_page_at_a_time_in_words(words_app: tuple[FastAPI, TestClient]) -> None:
    """The htmx "Older events" link gives the next rows alone, in words too."""
    app, client = words_app
    with db(app) as session:
        lead_id = session.scalar(select(User.id).where(User.username == "lead"))
        for _ in range(60):
            audit(session=session, user_id=lead_id, action="export", target="team:west-town-small")
        session.commit()
    sign_in(client, "lead")
    page = client.get("/audit").text
    older = re.search(r'hx-get="(/audit\?before=\d+)"', page).group(1)
    fragment = client.get(older, headers={"HX-Request": "true"}).text
    assert "<html" not in fragment
    assert "<td>Exported</td>" in fragment
    assert "<td>team West Town ACT (small sample) <small" in fragment
    assert "<td>Imported</td>" in _main_cells(f'<tbody id="audit-rows">{fragment}</tbody>')


def _token(client: TestClient) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/").text).group(1)
