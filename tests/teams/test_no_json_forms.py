"""The client form has no JSON: availability rows, requirement lists and staff ticked by name.

Each control is filled in as the page renders it (``form_fields`` reads what a browser
would send), changed, and posted; the export shows exactly the change. A bad row is
named in words with its field, nothing is saved, and what was typed comes back.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support.web_factories import World, sign_in, team_doc
from tests.teams.test_team_pages import HTMX, _export
from tests.teams.test_team_v2_pages import client_form


def _post(client: TestClient, fields: dict[str, Any], **kw: Any) -> Any:
    return client.post("/team/clients/c-001", data=fields, **kw)


def test_the_client_form_has_no_textarea_and_no_json(client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    page = client.get("/team/clients/c-001/edit").text
    assert "<textarea" not in page
    assert "JSON" not in page.split('<tr id="clients-c-001" class="editing">')[1]
    # Staff are picked by name: a checkbox per staff member for the ITT.
    assert 'name="itt" value="s-tl1" checked> Victor Miller' in page
    assert 'name="excluded_staff" value="s-cm2"> Ben Young' in page


def test_availability_rows_round_trip(app: FastAPI, client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    fields = client_form(client, "c-001")
    assert fields["availability_mode"] == "any"
    fields.update(
        {
            "availability_mode": "times",
            "availability-0-day": "wed",
            "availability-0-start": "14:00",
            "availability-0-end": "18:00",
            "availability-1-day": "mon",
            "availability-1-start": "09:00",
            "availability-1-end": "12:00",
        }
    )
    assert _post(client, fields, follow_redirects=False).status_code == 303
    expected = team_doc()
    expected["clients"][0]["availability"] = {"mon": [["09:00", "12:00"]], "wed": [["14:00", "18:00"]]}
    assert _export(app) == expected
    # The form shows the saved rows; unchanged, it saves the same file; one removed, it is gone.
    again = client_form(client, "c-001")
    assert again["availability_mode"] == "times"
    assert (again["availability-0-day"], again["availability-0-start"]) == ("mon", "09:00")
    assert _post(client, again, follow_redirects=False).status_code == 303
    assert _export(app) == expected
    again["availability-1-remove"] = "on"
    assert _post(client, again, follow_redirects=False).status_code == 303
    expected["clients"][0]["availability"] = {"mon": [["09:00", "12:00"]]}
    assert _export(app) == expected
    # "Any time" drops the key (absent = any time); "only at these times" with no rows = never.
    again = client_form(client, "c-001")
    again["availability_mode"] = "any"
    assert _post(client, again, follow_redirects=False).status_code == 303
    assert "availability" not in _export(app)["clients"][0]
    again = client_form(client, "c-001")
    again["availability_mode"] = "times"
    assert _post(client, again, follow_redirects=False).status_code == 303
    assert _export(app)["clients"][0]["availability"] == {}


def test_a_bad_time_is_named_nothing_saved_and_what_was_typed_comes_back(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    fields = client_form(client, "c-001")
    fields.update(
        {
            "availability_mode": "times",
            "availability-0-day": "tue",
            "availability-0-start": "25:00",
            "availability-0-end": "26:00",
            "availability-1-day": "fri",
            "availability-1-start": "10:00",
        }
    )
    response = _post(client, fields, headers=HTMX)
    assert response.status_code == 422
    assert "clients[0].availability: Fri (row 2) needs both a start and an end time (HH:MM)" in response.text
    assert "clients[0].availability.tue[0][0]" in response.text  # the file check names the time too
    assert 'name="availability-0-start" value="25:00"' in response.text
    assert 'name="availability-1-start" value="10:00"' in response.text
    assert _export(app) == team_doc()


def test_add_another_posts_back_with_one_more_row_and_saves_nothing(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    fields = client_form(client, "c-001")
    blank_rows = int(fields["availability_rows"])
    fields.update({"availability-0-day": "thu", "availability-0-start": "08:00", "add_row": "availability"})
    response = _post(client, fields)  # no JavaScript: the whole page comes back, at the form
    assert response.status_code == 200
    assert f'name="availability_rows" value="{blank_rows + 1}"' in response.text
    assert 'name="availability-0-start" value="08:00"' in response.text
    assert 'name="availability_mode" value="times" checked' in response.text
    assert "Not saved" not in response.text
    assert _export(app) == team_doc()
    fields = client_form(client, "c-001")
    fields["add_row"] = "weekly"
    response = _post(client, fields, headers=HTMX)
    assert 'name="weekly-1-discipline"' in response.text


def test_requirement_lists_round_trip(app: FastAPI, client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    fields = client_form(client, "c-001")
    fields.update(
        {
            "weekly-0-discipline": "nurse",
            "weekly-0-visits": "1",
            "dated-0-skill": "lai_injection",
            "dated-0-due": "2026-12-02",
            "dated-0-window_days": "1",
            "recurring-0-what": "discipline:psychiatrist",
            "recurring-0-every_days": "28",
            "recurring-0-window_days": "7",
        }
    )
    assert _post(client, fields, follow_redirects=False).status_code == 303
    expected = team_doc()
    expected["clients"][0]["requirements"] = [
        {"discipline": "nurse", "visits": 1},
        {"skill": "lai_injection", "due": "2026-12-02", "window_days": 1},
        {"discipline": "psychiatrist", "every_days": 28, "window_days": 7},
    ]
    expected["format"] = "actplanner/team@2"  # every_days is a team@2 key
    assert _export(app) == expected
    again = client_form(client, "c-001")
    assert (again["weekly-0-discipline"], again["weekly-0-visits"]) == ("nurse", "1")
    assert again["dated-0-due"] == "2026-12-02"
    again["weekly-0-remove"] = "on"
    assert _post(client, again, follow_redirects=False).status_code == 303
    expected["clients"][0]["requirements"].pop(0)
    assert _export(app) == expected


def test_requirement_errors_name_the_field_in_words(app: FastAPI, client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    fields = client_form(client, "c-001")
    fields.update({"weekly-0-discipline": "nurse", "dated-0-skill": "lai_injection"})
    response = _post(client, fields, headers=HTMX)
    assert response.status_code == 422
    assert "clients[0].requirements: visits a week by a nurse: give how many (1 to 7)" in response.text
    assert "clients[0].requirements: lai injection: give the date it is due" in response.text
    fields.update({"weekly-0-visits": "9", "dated-0-due": "2026-12-02"})
    response = _post(client, fields, headers=HTMX)
    assert response.status_code == 422
    assert "clients[0].requirements[0].visits: 9 should be less than or equal to 7" in response.text
    assert 'name="weekly-0-visits" value="9"' in response.text
    assert _export(app) == team_doc()


def test_staff_pickers_round_trip(app: FastAPI, client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    fields = client_form(client, "c-001")
    assert fields["itt"] == ["s-md1", "s-rn1", "s-sw1", "s-tl1"] or set(fields["itt"]) == {
        "s-tl1",
        "s-md1",
        "s-rn1",
        "s-sw1",
    }
    fields["itt"] = ["s-md1", "s-rn1", "s-sw1", "s-tl1", "s-cm1"]
    fields["excluded_staff"] = ["s-cm2"]
    assert _post(client, fields, follow_redirects=False).status_code == 303
    saved = _export(app)["clients"][0]
    assert set(saved["itt"]) == {"s-tl1", "s-md1", "s-rn1", "s-sw1", "s-cm1"}
    assert saved["excluded_staff"] == ["s-cm2"]
    # Unchanged picks keep the file's own order; none ticked lets the planner choose.
    again = client_form(client, "c-001")
    assert _post(client, again, follow_redirects=False).status_code == 303
    assert _export(app)["clients"][0]["itt"] == saved["itt"]
    again.pop("itt")
    assert _post(client, again, follow_redirects=False).status_code == 303
    assert "itt" not in _export(app)["clients"][0]


def test_an_excluded_primary_is_refused_naming_the_field(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    fields = client_form(client, "c-001")
    fields["excluded_staff"] = ["s-tl1"]
    response = _post(client, fields, headers=HTMX)
    assert response.status_code == 422
    assert "clients[0]." in response.text and "s-tl1" in response.text
    assert 'name="excluded_staff" value="s-tl1" checked' in response.text
    assert _export(app) == team_doc()
