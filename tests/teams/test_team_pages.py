"""Team setup page: import and export team files; edit staff, clients and policy, errors naming the field."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.db import Team
from actplanner.teams.service import export_team
from tests.support.web_factories import TEAM, World, audit_events, db, form_token, sign_in, team_doc

HTMX = {"HX-Request": "true"}


def _export(app: FastAPI) -> dict[str, Any]:
    with db(app) as session:
        return export_team(session=session, team_id=TEAM)


def _upload(client: TestClient, token: str, content: bytes | str) -> Any:
    if isinstance(content, str):
        content = content.encode()
    return client.post(
        "/team/import",
        data={"csrf_token": token},
        files={"file": ("team.json", content, "application/json")},
    )


def _staff_form(client: TestClient, staff_id: str) -> tuple[str, dict[str, Any]]:
    """The CSRF token and the fields of a staff member's form as the page fills them in."""
    page = client.get(f"/team/staff/{staff_id}/edit").text
    form = re.search(r'<form method="post" action="/team/staff/[^"]+".*?</form>', page, re.S).group(0)
    fields: dict[str, Any] = {}
    for name, value in re.findall(
        r'<input type="(?:text|tel|datetime-local)" name="([^"]+)" value="([^"]*)"', form
    ):
        fields[name] = value
    fields["discipline"] = re.search(r'<option value="([^"]+)" selected>', form).group(1)
    fields["on_call_roles"] = re.findall(r'name="on_call_roles" value="([^"]+)" checked', form)
    return form_token(page), fields


def test_lead_sees_staff_clients_and_policy_and_the_names_shown_are_audited(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """The team page lists staff and clients (code and name, issue 13 item 4), with the policy form;
    the client names it shows are PHI, so the view is recorded in the audit trail."""
    sign_in(client, "lead")
    page = client.get("/team")
    assert page.status_code == 200
    doc = team_doc()
    for member in doc["staff"]:
        assert member["name"] in page.text
    for entry in doc["clients"]:
        assert f"<strong>{entry['code']}</strong>" in page.text
        if entry.get("name"):
            assert f"<td>{entry['name']}</td>" in page.text
    assert (world.lead_id, "view_phi", f"team:{TEAM}") in audit_events(app)
    assert 'name="caseload_max_per_staff" value="10"' in page.text
    assert "Mon–Fri 08:30–17:00" in page.text


def test_staff_user_gets_403(client: TestClient, world: World) -> None:
    """Team setup is for the team lead: a staff login is refused."""
    sign_in(client, "nurse")
    assert client.get("/team").status_code == 403
    assert client.get("/team/export").status_code == 403
    assert client.get("/team/clients/c-001/edit").status_code == 403


def test_import_good_file_shows_counts_and_replaces_the_team(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A valid team file is imported and the page says how many staff and clients it has."""
    sign_in(client, "lead")
    doc = team_doc()
    doc["staff"][0]["name"] = "Tomás Reyes"
    doc["clients"].pop()
    response = _upload(client, form_token(client.get("/team").text), json.dumps(doc))
    assert response.status_code == 200
    assert "Imported team west-town-small: 6 staff, 19 clients." in response.text
    assert _export(app) == doc
    assert (world.lead_id, "import", f"team:{TEAM}") in audit_events(app)


def test_import_broken_file_shows_every_error_and_changes_nothing(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A broken file shows each problem as ``path: message`` and leaves the team as it was."""
    sign_in(client, "lead")
    before = _export(app)
    doc = team_doc()
    doc["staff"][1]["fte"] = 3
    doc["clients"][0]["availability"] = {"tue": [["25:00", "26:00"]]}
    doc["staff"][2]["shifts"]["mon"] = ["17:00", "08:00"]
    response = _upload(client, form_token(client.get("/team").text), json.dumps(doc))
    assert response.status_code == 422
    assert "nothing was changed" in response.text
    assert "staff[1].fte: 3 should be less than or equal to 1" in response.text
    assert "clients[0].availability.tue[0][0]: &#34;25:00&#34; is not a time (HH:MM)" in response.text
    assert _export(app) == before


def test_import_unreadable_json_names_line_and_column(client: TestClient, world: World) -> None:
    """Text that is not JSON at all is refused with where it broke."""
    sign_in(client, "lead")
    response = _upload(client, form_token(client.get("/team").text), '{"format": ')
    assert response.status_code == 422
    assert "(file): invalid JSON at line 1" in response.text


def test_import_of_another_team_is_refused(app: FastAPI, client: TestClient, world: World) -> None:
    """A lead of one team cannot import a file that names another."""
    sign_in(client, "lead")
    response = _upload(client, form_token(client.get("/team").text), json.dumps(team_doc(id="elsewhere")))
    assert response.status_code == 403
    with db(app) as session:
        assert session.get(Team, "elsewhere") is None


def test_export_is_an_attachment_identical_in_content_to_the_import(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """The exported team.json is the imported file, key for key; the export is audited."""
    sign_in(client, "lead")
    response = client.get("/team/export")
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="team.json"'
    assert response.headers["content-type"].startswith("application/json")
    assert json.loads(response.text) == team_doc()
    assert (world.lead_id, "export", f"team:{TEAM}") in audit_events(app)


def test_editing_staff_with_a_valid_change_persists_and_exports_it(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Changing a staff member's phone and adding leave saves them; the export has exactly that change."""
    sign_in(client, "lead")
    token, fields = _staff_form(client, "s-rn1")
    fields.update(
        csrf_token=token,
        phone="+1-312-555-0199",
        leave_start="2026-12-03T00:00",
        leave_end="2026-12-04T00:00",
    )
    response = client.post("/team/staff/s-rn1", data=fields, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/team?saved=")
    expected = team_doc()
    expected["staff"][1]["phone"] = "+1-312-555-0199"
    expected["staff"][1]["leave"] = [{"start": "2026-12-03T00:00", "end": "2026-12-04T00:00"}]
    assert _export(app) == expected
    assert "Saved staff Sofia Delgado." in client.get(response.headers["location"]).text


def test_unchanged_staff_form_saves_the_same_file(app: FastAPI, client: TestClient, world: World) -> None:
    """Saving a staff form as it came changes nothing in the team file (numbers keep their spelling)."""
    sign_in(client, "lead")
    token, fields = _staff_form(client, "s-md1")
    fields["csrf_token"] = token
    assert client.post("/team/staff/s-md1", data=fields, follow_redirects=False).status_code == 303
    assert _export(app) == team_doc()


def test_staff_edit_with_htmx_returns_the_saved_row(client: TestClient, world: World) -> None:
    """With htmx the edit form comes alone and a save returns the staff member's row, not a page."""
    sign_in(client, "lead")
    form = client.get("/team/staff/s-cm1/edit", headers=HTMX)
    assert form.status_code == 200
    assert "<html" not in form.text
    assert 'hx-post="/team/staff/s-cm1"' in form.text
    token, fields = _staff_form(client, "s-cm1")
    fields.update(csrf_token=token, fte="0.8")
    row = client.post("/team/staff/s-cm1", data=fields, headers=HTMX)
    assert row.status_code == 200
    assert "<html" not in row.text
    assert '<tr id="staff-s-cm1" class="just-saved">' in row.text
    assert "<td>0.8</td>" in row.text


def test_impossible_fte_names_the_field_and_saves_nothing(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """An FTE of 3 is refused inline, naming staff[i].fte, and the team is unchanged."""
    sign_in(client, "lead")
    token, fields = _staff_form(client, "s-sw1")
    fields.update(csrf_token=token, fte="3")
    response = client.post("/team/staff/s-sw1", data=fields, headers=HTMX)
    assert response.status_code == 422
    assert (
        '<span class="field-error">staff[2].fte: 3 should be less than or equal to 1</span>' in response.text
    )
    assert 'name="fte" value="3"' in response.text
    assert _export(app) == team_doc()


def test_backwards_shift_names_the_weekday_and_saves_nothing(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A shift ending before it starts is refused without JavaScript too, naming staff[i].shifts.mon."""
    sign_in(client, "lead")
    token, fields = _staff_form(client, "s-sw1")
    fields.update(csrf_token=token, shift_mon_start="17:00", shift_mon_end="08:00")
    response = client.post("/team/staff/s-sw1", data=fields)
    assert response.status_code == 422
    assert "<html" in response.text
    assert "staff[2].shifts.mon: shift ends (08:00) before it starts (17:00)" in response.text
    assert _export(app) == team_doc()


def test_impossible_time_and_half_a_shift_are_named(app: FastAPI, client: TestClient, world: World) -> None:
    """An hour of 25 is not a time, and a shift with only a start is not a shift: both named by path."""
    sign_in(client, "lead")
    token, fields = _staff_form(client, "s-sw1")
    fields.update(csrf_token=token, shift_tue_end="25:00", shift_wed_end="")
    response = client.post("/team/staff/s-sw1", data=fields, headers=HTMX)
    assert response.status_code == 422
    assert "staff[2].shifts.tue[1]: &#34;25:00&#34; is not a time (HH:MM)" in response.text
    assert "staff[2].shifts.wed: give both a start and an end (HH:MM), or neither" in response.text
    assert _export(app) == team_doc()


def test_cross_field_errors_are_caught_by_checking_the_whole_team(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """Making a primary a psychiatrist breaks the clients they are primary of; nothing is saved."""
    sign_in(client, "lead")
    doc = team_doc()
    token, fields = _staff_form(client, "s-tl1")
    fields.update(csrf_token=token, discipline="psychiatrist")
    response = client.post("/team/staff/s-tl1", data=fields, headers=HTMX)
    assert response.status_code == 422
    assert re.search(r"clients\[\d+\]\.primary: &#34;s-tl1&#34; is a psychiatrist", response.text)
    assert _export(app) == doc


def test_adding_a_staff_member(app: FastAPI, client: TestClient, world: World) -> None:
    """The empty form adds a staff member at the end of the list."""
    sign_in(client, "lead")
    page = client.get("/team/staff/new").text
    assert 'action="/team/staff"' in page
    fields = {
        "csrf_token": form_token(page),
        "id": "s-ps1",
        "name": "Dana Kim",
        "discipline": "peer_specialist",
        "fte": "0.5",
        "shift_tue_start": "09:00",
        "shift_tue_end": "15:00",
    }
    assert client.post("/team/staff", data=fields, follow_redirects=False).status_code == 303
    added = _export(app)["staff"][-1]
    assert added == {
        "id": "s-ps1",
        "name": "Dana Kim",
        "discipline": "peer_specialist",
        "fte": 0.5,
        "shifts": {"tue": ["09:00", "15:00"]},
    }


def test_client_edit_form_is_audited_as_a_phi_view(app: FastAPI, client: TestClient, world: World) -> None:
    """Opening a client's form shows their name and home, and records view_phi with the client id."""
    sign_in(client, "lead")
    form = client.get("/team/clients/c-001/edit", headers=HTMX)
    assert form.status_code == 200
    assert 'value="F. Williams"' in form.text
    assert (world.lead_id, "view_phi", "client:c-001") in audit_events(app)


def test_client_edit_with_bad_values_names_the_fields(app: FastAPI, client: TestClient, world: World) -> None:
    """Nine visits a week and a time without its end are both named by path; nothing is saved."""
    sign_in(client, "lead")
    page = client.get("/team/clients/c-001/edit").text
    fields = {
        "csrf_token": form_token(page),
        "code": "P9R",
        "name": "F. Williams",
        "home_lat": "41.8813",
        "home_lon": "-87.7144",
        "acuity": "stable",
        "visits_per_week": "9",
        "primary": "s-tl1",
        "itt": "s-tl1, s-md1, s-rn1, s-sw1",
        "availability_mode": "times",
        "availability_rows": "1",
        "availability-0-day": "mon",
        "availability-0-start": "09:00",
    }
    response = client.post("/team/clients/c-001", data=fields, headers=HTMX)
    assert response.status_code == 422
    assert "clients[0].visits_per_week: 9 should be less than or equal to 7" in response.text
    assert "clients[0].availability: Mon (row 1) needs both a start and an end time (HH:MM)" in response.text
    assert _export(app) == team_doc()


def test_client_edit_saves_and_keeps_the_rest_of_the_file(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A valid client edit changes exactly the fields edited."""
    sign_in(client, "lead")
    page = client.get("/team/clients/c-001/edit").text
    fields = {
        "csrf_token": form_token(page),
        "code": "P9R",
        "name": "F. Williams",
        "home_lat": "41.8813",
        "home_lon": "-87.7144",
        "home_label": "1200 N Pulaski Rd",
        "acuity": "stable",
        "primary": "s-tl1",
        "itt": "s-tl1, s-md1, s-rn1, s-sw1",
        "availability_mode": "times",
        "availability_rows": "2",
        "availability-0-day": "mon",
        "availability-0-start": "09:00",
        "availability-0-end": "12:00",
        "availability-1-day": "tue",
        "weekly_rows": "1",
        "weekly-0-discipline": "nurse",
        "weekly-0-visits": "1",
    }
    assert client.post("/team/clients/c-001", data=fields, follow_redirects=False).status_code == 303
    expected = team_doc()
    expected["clients"][0].update(
        home={"lat": 41.8813, "lon": -87.7144, "label": "1200 N Pulaski Rd"},
        availability={"mon": [["09:00", "12:00"]]},
        requirements=[{"discipline": "nurse", "visits": 1}],
    )
    assert _export(app) == expected


def test_policy_form_saves_and_refuses_an_impossible_handoff(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """The policy form saves a change and refuses "25:00" as a handoff, naming policy.on_call.handoff."""
    sign_in(client, "lead")
    page = client.get("/team").text
    form = re.search(r'<form id="policy-form".*?</form>', page, re.S).group(0)
    fields = dict(re.findall(r'<input type="(?:text|hidden)" name="([^"]+)" value="([^"]*)"', form))
    fields.update(csrf_token=form_token(page), handoff="25:00")
    bad = client.post("/team/policy", data=fields, headers=HTMX)
    assert bad.status_code == 422
    assert "policy.on_call.handoff: &#34;25:00&#34; is not a time (HH:MM)" in bad.text
    assert _export(app) == team_doc()
    fields.update(handoff="09:00", caseload_max_per_staff="12")
    fields["acuity-1-visits_per_week"] = "2"
    good = client.post("/team/policy", data=fields, headers=HTMX)
    assert good.status_code == 200
    assert "Saved the policy." in good.text
    expected = team_doc()
    expected["policy"]["caseload_max_per_staff"] = 12
    expected["policy"]["on_call"]["handoff"] = "09:00"
    expected["policy"]["acuity"]["moderate"]["visits_per_week"] = 2
    assert _export(app) == expected


def test_forged_csrf_token_is_refused_and_changes_nothing(
    app: FastAPI, client: TestClient, world: World
) -> None:
    """A form post with a wrong token is a 403, for the import, a staff edit and the policy alike."""
    sign_in(client, "lead")
    token, fields = _staff_form(client, "s-rn1")
    fields.update(csrf_token="forged", fte="0.5")
    assert client.post("/team/staff/s-rn1", data=fields).status_code == 403
    assert _upload(client, "forged", json.dumps(team_doc(name="Forged"))).status_code == 403
    assert client.post("/team/policy", data={"csrf_token": "forged", "handoff": "09:00"}).status_code == 403
    assert _export(app) == team_doc()
