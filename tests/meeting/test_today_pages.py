"""Today: every client of the team most urgent first, flags in words, filters, the printed sheet, access."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from actplanner.db import AuditEvent
from actplanner.teams.service import import_team
from tests.meeting.conftest import DAY
from tests.support.web_factories import TEAM, World, db, sign_in, team_doc

pytestmark = pytest.mark.usefixtures("meeting_week")

ROW = re.compile(r'<tr class="client-line[^"]*" id="client-([^"]+)">(.*?)</tr>', re.S)


def _page(client: TestClient, query: str = "") -> str:
    response = client.get(f"/today?day={DAY}{query}")
    assert response.status_code == 200, response.text
    return response.text


def _rows(html: str) -> dict[str, str]:
    """Each client's row, in page order."""
    return {client: body for client, body in ROW.findall(html)}


def _flags(row: str) -> list[str]:
    cell = re.search(r'<td class="flags">(.*?)</td>', row, re.S)
    assert cell is not None
    return re.findall(r"<li>(.*?)</li>", cell.group(1))


def _days_since(row: str) -> int | None:
    found = re.search(r"(\d+) days? ago", row)
    return int(found.group(1)) if found else None


def test_every_client_is_listed_most_flags_first_then_longest_unseen(client: TestClient) -> None:
    """All clients of the team appear once; flags never increase down the sheet, and among equal flags the
    client unseen for longer (none on record first) comes first."""
    sign_in(client, "lead")
    rows = _rows(_page(client))
    assert sorted(rows) == sorted(c["id"] for c in team_doc()["clients"])
    keys = [(len(_flags(r)), _days_since(r)) for r in rows.values()]
    for (flags, since), (next_flags, next_since) in zip(keys, keys[1:], strict=False):
        assert flags >= next_flags
        if flags == next_flags:
            assert since is None or (next_since is not None and since >= next_since)
    order = list(rows)
    # c-002 (missed, never seen) before c-001 (seen 6 days ago, no flag) before c-004 (seen yesterday).
    assert order.index("c-002") < order.index("c-001") < order.index("c-004")


def test_last_contact_says_how_long_ago_and_by_whom(client: TestClient) -> None:
    """The last delivered contact shows its day, days since and the staff member's name."""
    sign_in(client, "nurse")
    rows = _rows(_page(client))
    assert "1 day ago" in rows["c-004"] and "by Alex Mendoza" in rows["c-004"]
    assert "6 days ago" in rows["c-016"] and "by Carmen Flores" in rows["c-016"]
    assert "none in the last 35 days" in rows["c-002"]  # a no-show is no contact


def test_planned_today_shows_who_and_when(client: TestClient) -> None:
    """Today's visit from the published plan: time, both staff by name, purpose; others have nothing."""
    sign_in(client, "lead")
    rows = _rows(_page(client))
    assert "13:00–13:45 Sofia Delgado + Alex Mendoza (med delivery)" in rows["c-004"]
    assert "13:00" not in rows["c-002"]


def test_missed_yesterday_flag(client: TestClient) -> None:
    """Holds for yesterday's no-show and for a visit of yesterday nobody recorded; not for a done one."""
    sign_in(client, "lead")
    rows = _rows(_page(client))
    assert "missed yesterday (no show)" in _flags(rows["c-002"])
    assert "yesterday&#39;s visit at 11:00 not recorded" in _flags(rows["c-010"])
    assert not any("yesterday" in f for f in _flags(rows["c-004"]))


def test_days_without_face_to_face_contact_flag_uses_the_acuity_default(client: TestClient) -> None:
    """A moderate client unseen for 6 days passes its 4; a stable one unseen 6 days is inside its 8; a client
    seen yesterday has no such flag; one never seen is flagged as having none on record."""
    sign_in(client, "lead")
    rows = _rows(_page(client))
    assert "no face-to-face contact for 6 days (their acuity allows 4)" in _flags(rows["c-016"])
    assert not any("face-to-face" in f for f in _flags(rows["c-001"]))
    assert not any("face-to-face" in f for f in _flags(rows["c-004"]))
    assert "no face-to-face contact on record (their acuity allows 3)" in _flags(rows["c-002"])


def test_injection_due_and_overdue_flags(client: TestClient) -> None:
    """c-018's window (30 Nov ± 1) ends today with no injection: due; on Friday it is overdue.

    c-013's was given inside its window; c-019's (3 Dec ± 1) has not opened."""
    sign_in(client, "lead")
    rows = _rows(_page(client))
    assert "LAI injection due by Tue 1 Dec" in _flags(rows["c-018"])
    assert not any("LAI injection" in f for f in _flags(rows["c-013"]))
    assert not any("LAI injection" in f for f in _flags(rows["c-019"]))
    friday = client.get("/today?day=2026-12-04")
    assert "LAI injection overdue: its window ended Tue 1 Dec" in _flags(_rows(friday.text)["c-018"])


def test_prescriber_visit_due_flag(client: TestClient) -> None:
    """c-008 needs a psychiatrist visit this week and has none planned; c-009's is planned for Thursday."""
    sign_in(client, "lead")
    rows = _rows(_page(client))
    assert "psychiatrist visit due: 0 of 1 this week, none planned" in _flags(rows["c-008"])
    assert not any("psychiatrist" in f for f in _flags(rows["c-009"]))


def test_on_duty_and_last_nights_on_call_who_starts_late(client: TestClient) -> None:
    """Tuesday's shifts are listed; the nurse, primary on call Monday night, starts at 10:00 (rest rule)."""
    sign_in(client, "nurse")
    html = _page(client)
    duty = re.search(r'<ul id="on-duty">(.*?)</ul>', html, re.S).group(1)  # type: ignore[union-attr]
    assert "Sofia Delgado" in duty and "<strong>starts 10:00</strong>" in duty
    assert "Carmen Flores" in duty and "Tom Reyes" not in duty  # the psychiatrist has no Tuesday shift
    night = re.search(r'<ul id="last-night">(.*?)</ul>', html, re.S).group(1)  # type: ignore[union-attr]
    assert "<strong>Primary</strong>: Sofia Delgado · starts late, at 10:00" in night
    assert "<strong>Backup</strong>: Victor Miller" in night and "Victor Miller · starts" not in night


def test_filter_by_staff_member_keeps_the_clients_they_visit_today(client: TestClient) -> None:
    """``staff=s-cm1`` keeps c-004 only; the filter is a plain GET form (no JavaScript needed)."""
    sign_in(client, "lead")
    html = _page(client, "&staff=s-cm1")
    assert list(_rows(html)) == ["c-004"]
    assert '<form class="filters no-print" method="get"' in html
    assert '<option value="s-cm1" selected>' in html


def test_filter_by_itt_keeps_the_clients_of_that_treatment_team(client: TestClient) -> None:
    """``itt=s-sw1`` keeps exactly the clients whose ITT includes the social worker, in urgency order."""
    sign_in(client, "lead")
    rows = _rows(_page(client, "&itt=s-sw1"))
    expected = {c["id"] for c in team_doc()["clients"] if "s-sw1" in c.get("itt", [])}
    assert expected and set(rows) == expected
    everyone = [c for c in _rows(_page(client)) if c in expected]
    assert list(rows) == everyone


def test_filter_naming_an_unknown_staff_member_is_a_clear_error(client: TestClient) -> None:
    """A staff id not of the team is a 422 naming the field, not a 500."""
    sign_in(client, "lead")
    response = client.get(f"/today?day={DAY}&itt=s-nobody")
    assert response.status_code == 422
    assert "itt: no staff member &#39;s-nobody&#39;" in response.text


def _names() -> list[str]:
    return [c["name"] for c in team_doc()["clients"] if c.get("name")]


def test_sheet_shows_codes_never_names(client: TestClient) -> None:
    """The sheet (screen and print) carries client codes and no client name, for the lead too by default."""
    sign_in(client, "lead")
    html = _page(client)
    for entry in team_doc()["clients"]:
        assert f"<strong>{entry['code']}</strong>" in html
    assert not [name for name in _names() if name in html]
    assert 'href="/static/meeting.css"' in html and 'id="named-link"' in html


def test_named_version_for_the_lead_shows_names_and_is_audited(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """``names=1`` gives the lead every client's name; the contact read is recorded as the named sheet
    (once: the publish check of the fixture's plan, by the lead, is a view of its own before it)."""
    sign_in(client, "lead")
    before = _purposes(app, world.lead_id)
    html = _page(client, "&names=1")
    rows = _rows(html)
    for entry in team_doc()["clients"]:
        if entry.get("name"):
            assert f'<td class="name">{entry["name"]}</td>' in rows[entry["id"]]
    assert 'id="named"' in html
    assert _purposes(app, world.lead_id)[len(before) :] == ["today_named"]


def test_staff_cannot_have_the_named_version(app: FastAPI, client: TestClient, world: World) -> None:
    """A staff member asking for names is refused, the refusal is audited, and no name is shown."""
    sign_in(client, "nurse")
    response = client.get(f"/today?day={DAY}&names=1")
    assert response.status_code == 403
    assert not [name for name in _names() if name in response.text]
    with db(app) as session:
        denied = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "denied", AuditEvent.user_id == world.staff_id)
        ).all()
    assert [e.target for e in denied] == [f"team:{TEAM}"]
    assert _purposes(app, world.staff_id) == []


def _purposes(app: FastAPI, user_id: int) -> list[Any]:
    """The purposes of ``user_id``'s PHI views of the team's contact log, oldest first."""
    with db(app) as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "view_phi", AuditEvent.user_id == user_id)
            .where(AuditEvent.target == f"contacts:{TEAM}")
            .order_by(AuditEvent.id)
        ).all()
    return [e.detail["purpose"] for e in events if e.detail]


def test_every_view_is_audited_as_a_phi_view(app: FastAPI, client: TestClient, world: World) -> None:
    """Each page view, filtered or not, leaves one PHI view of the contact log for the staff member."""
    sign_in(client, "nurse")
    _page(client)
    _page(client, "&itt=s-sw1")
    assert _purposes(app, world.staff_id) == ["today", "today"]


def test_login_required(client: TestClient) -> None:
    """Without a login the page sends the browser to sign in, and comes back after."""
    response = client.get(f"/today?day={DAY}", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=/today")


def test_staff_of_another_team_is_refused(app: FastAPI, client: TestClient, world: World) -> None:
    """A staff member of another team gets 403 for this team's sheet and no PHI is read for them."""
    sign_in(client, "other-nurse")
    response = client.get(f"/today?day={DAY}&team={TEAM}")
    assert response.status_code == 403
    assert "c-002" not in response.text
    assert _purposes(app, world.other_staff_id) == []


def test_today_is_in_the_navigation_for_staff_and_leads(client: TestClient) -> None:
    """Both roles get the Today link."""
    sign_in(client, "nurse")
    assert '<a href="/today"' in client.get("/my-week").text


def test_an_imported_team_file_shows_at_once(app: FastAPI, client: TestClient) -> None:
    """The team file is kept between views, but a new import (a renamed staff member) shows on the next."""
    sign_in(client, "lead")
    assert "by Alex Mendoza" in _rows(_page(client))["c-004"]
    doc = team_doc()
    next(s for s in doc["staff"] if s["id"] == "s-cm1")["name"] = "Alex Mendoza-Ruiz"
    with db(app) as session:
        import_team(session=session, data=doc)
        session.commit()
    assert "by Alex Mendoza-Ruiz" in _rows(_page(client))["c-004"]


def test_a_day_that_is_not_a_date_is_a_clear_error(client: TestClient) -> None:
    """``day`` that is no date is a 422 naming the field."""
    sign_in(client, "lead")
    response = client.get("/today?day=2026-13-01")
    assert response.status_code == 422
    assert "day: &#39;2026-13-01&#39; is not a date (YYYY-MM-DD)." in response.text
