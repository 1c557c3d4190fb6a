"""The team forms for rostered shifts (FORMATS.md Part B), without JSON: the policy's holidays, shift
types, coverage windows, break rule and team meeting; a staff member's holiday hours or contract.

Each form is filled in as the page renders it (every field it sends: one blank row per repeated part,
so several rows are added one save at a time), changed and posted through the app's TestClient; the
export shows exactly the change, a bad value is named with its field in words, nothing is saved, and
what was typed comes back.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.support.web_factories import World, audit_events, sign_in, team_doc
from tests.teams.test_team_pages import HTMX, _export
from tests.teams.test_team_v2_pages import form_fields

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def policy_form(client: TestClient) -> dict[str, Any]:
    return form_fields(client.get("/team").text, "/team/policy")


def staff_form(client: TestClient, staff_id: str) -> dict[str, Any]:
    return form_fields(client.get(f"/team/staff/{staff_id}/edit").text, f"/team/staff/{staff_id}")


def save_policy(client: TestClient, fields: dict[str, Any]) -> Any:
    return client.post("/team/policy", data=fields, headers=HTMX)


def add_row(client: TestClient, prefix: str, values: dict[str, Any]) -> None:
    """Fill the blank last row of a repeated part of the policy form and save it."""
    fields = policy_form(client)
    j = int(fields[f"{prefix}_rows"]) - 1
    fields.update({f"{prefix}-{j}-{key}": value for key, value in values.items()})
    answer = save_policy(client, fields)
    assert answer.status_code == 200, answer.text


#: The policy FORMATS.md gives as its example.
PART_B_POLICY = {
    "holidays": [{"date": "2026-12-25", "name": "Christmas Day"}],
    "shift_types": {
        "day": {"start": "08:30", "end": "17:00"},
        "late": {"start": "11:30", "end": "20:00", "days": WEEKDAYS},
        "weekend": {"start": "09:00", "end": "17:30", "days": ["sat", "sun", "holiday"]},
    },
    "coverage": [
        {
            "days": WEEKDAYS,
            "start": "08:30",
            "end": "20:00",
            "min_staff": 3,
            "min_by_discipline": {"nurse": 1},
        },
        {"days": ["sat", "sun", "holiday"], "start": "09:00", "end": "17:30", "min_staff": 2},
    ],
    "breaks": {"after_minutes": 360, "minutes": 30, "window": ["11:30", "14:30"]},
    "team_meeting": {"days": WEEKDAYS, "start": "08:30", "end": "09:15"},
}


def fill_shift_types(client: TestClient) -> None:
    """The example's holiday and shift types, entered through the form as a lead would: row by row."""
    add_row(client, "holiday", {"date": "2026-12-25", "name": "Christmas Day"})
    add_row(client, "shift_type", {"name": "day", "start": "08:30", "end": "17:00"})
    add_row(client, "shift_type", {"name": "late", "start": "11:30", "end": "20:00", "days": WEEKDAYS})
    add_row(
        client,
        "shift_type",
        {"name": "weekend", "start": "09:00", "end": "17:30", "days": ["sat", "sun", "holiday"]},
    )


#: Staff the example puts on contracts (the file check refuses coverage no one could work).
CONTRACTED = ("s-rn1", "s-sw1", "s-cm1", "s-cm2")


def fill_part_b_policy(client: TestClient) -> None:
    """The example policy, with four staff on contracts before the coverage they make possible."""
    fill_shift_types(client)
    for staff_id in CONTRACTED:
        fields = contracted(client, staff_id)
        if staff_id != "s-rn1":
            fields["contract_days_off"] = []
        answer = client.post(f"/team/staff/{staff_id}", data=fields, headers=HTMX)
        assert answer.status_code == 200, answer.text
    add_row(
        client,
        "coverage",
        {"days": WEEKDAYS, "start": "08:30", "end": "20:00", "min_staff": "3", "min_nurse": "1"},
    )
    add_row(
        client,
        "coverage",
        {"days": ["sat", "sun", "holiday"], "start": "09:00", "end": "17:30", "min_staff": "2"},
    )
    fields = policy_form(client)
    fields.update(
        breaks_after_minutes="360",
        breaks_minutes="30",
        breaks_window_start="11:30",
        breaks_window_end="14:30",
        team_meeting_days=WEEKDAYS,
        team_meeting_start="08:30",
        team_meeting_end="09:15",
    )
    assert save_policy(client, fields).status_code == 200


#: The example contract as the file has it (s-rn1's; the others have no days off).
CONTRACT_FILE = {
    "shift_types": ["day", "late", "weekend"],
    "minutes_per_week": [2160, 2400],
    "max_consecutive_days": 6,
    "min_rest_minutes": 660,
    "max_weekends_per_4_weeks": 2,
    "days_off": ["sun"],
}


def test_the_policy_form_enters_the_example_part_b_policy_without_json(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    page = client.get("/team").text
    assert 'type="date" name="holiday-0-date"' in page
    assert 'name="shift_type-0-days" value="holiday"' in page and 'name="coverage-0-min_nurse"' in page
    assert "<textarea" not in page.split('id="policy-form"')[1]  # no JSON in the policy form
    fill_part_b_policy(client)
    expected = team_doc()
    expected["format"] = "actplanner/team@2"
    expected["policy"].update(PART_B_POLICY)
    for member in expected["staff"]:
        if member["id"] in CONTRACTED:
            del member["shifts"]
            member["contract"] = dict(CONTRACT_FILE)
            if member["id"] != "s-rn1":
                del member["contract"]["days_off"]
    assert _export(app) == expected
    # Each save was an import of the team file, recorded as other team edits are.
    assert [e for e in audit_events(app) if e[1] == "import"][-1] == (
        world.lead_id,
        "import",
        "team:west-town-small",
    )
    # The form shows what was saved: a shift type without days as every weekday ticked.
    fields = policy_form(client)
    assert fields["holiday-0-date"] == "2026-12-25" and fields["holiday-0-name"] == "Christmas Day"
    assert fields["shift_type-0-name"] == "day" and fields["shift_type-0-days"] == [*WEEKDAYS, "sat", "sun"]
    assert fields["coverage-0-min_nurse"] == "1" and fields["coverage-1-days"] == ["sat", "sun", "holiday"]
    assert fields["team_meeting_days"] == WEEKDAYS and fields["breaks_window_end"] == "14:30"
    # Saved again unchanged: the same file.
    before = _export(app)
    assert save_policy(client, fields).status_code == 200
    assert _export(app) == before


def test_part_b_policy_parts_are_changed_and_removed_in_their_rows(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    fill_part_b_policy(client)
    fields = policy_form(client)
    fields["shift_type-1-end"] = "20:30"
    fields["shift_type-0-days"] = WEEKDAYS  # the day shift no longer at weekends
    fields["coverage-1-remove"] = "on"
    fields["coverage-0-min_nurse"] = ""  # no nurse minimum
    fields["holiday-0-remove"] = "on"
    assert save_policy(client, fields).status_code == 200
    policy = _export(app)["policy"]
    assert policy["shift_types"]["late"] == {"start": "11:30", "end": "20:30", "days": WEEKDAYS}
    assert policy["shift_types"]["day"] == {"start": "08:30", "end": "17:00", "days": WEEKDAYS}
    assert policy["coverage"] == [{"days": WEEKDAYS, "start": "08:30", "end": "20:00", "min_staff": 3}]
    assert "holidays" not in policy
    # The break rule and the meeting emptied: none.
    fields = policy_form(client)
    fields.update(breaks_after_minutes="", breaks_minutes="", breaks_window_start="", breaks_window_end="")
    fields.update(team_meeting_days=[], team_meeting_start="", team_meeting_end="")
    assert save_policy(client, fields).status_code == 200
    policy = _export(app)["policy"]
    assert "breaks" not in policy and "team_meeting" not in policy


def refused(app: FastAPI, client: TestClient, fields: dict[str, Any], message: str) -> str:
    """Post the policy form; it must be refused naming ``message``, with nothing saved."""
    before = _export(app)
    answer = save_policy(client, fields)
    assert answer.status_code == 422, answer.text
    assert message in answer.text, answer.text
    assert "Not saved; nothing was changed." in answer.text
    assert _export(app) == before
    return answer.text


def test_policy_form_errors_name_the_field_in_words_and_keep_what_was_typed(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    fields = policy_form(client)
    page = refused(
        app,
        client,
        {**fields, "holiday-0-date": "2026-12-25"},
        "policy.holidays[0].name: give the name of the holiday on 2026-12-25",
    )
    assert 'name="holiday-0-date" value="2026-12-25"' in page  # shown again as typed
    refused(
        app,
        client,
        {**fields, "shift_type-0-name": "late", "shift_type-0-start": "11:30", "shift_type-0-end": "20:00",
         "shift_type-0-days": []},
        "policy.shift_types.late.days: tick the days the late shift may be worked",
    )  # fmt: skip
    refused(
        app,
        client,
        {**fields, "shift_type-0-start": "11:30", "shift_type-0-end": "20:00"},
        "policy.shift_types: shift type 1 (11:30–20:00) needs a name",
    )
    refused(
        app,
        client,
        {**fields, "coverage-0-start": "08:30", "coverage-0-end": "20:00", "coverage-0-min_staff": "3"},
        "policy.coverage[0].days: tick the days coverage window 1 applies on",
    )
    page = refused(
        app,
        client,
        {**fields, "coverage-0-days": ["sat"], "coverage-0-start": "09:00", "coverage-0-end": "17:30"},
        "policy.coverage[0].min_staff: give the fewest staff working in coverage window 1",
    )
    assert 'name="coverage-0-days" value="sat" checked' in page
    refused(
        app,
        client,
        {**fields, "breaks_after_minutes": "360", "breaks_minutes": "30"},
        "policy.breaks: give the earliest start of the break, the latest end of the break, or empty all four",
    )
    refused(
        app,
        client,
        {**fields, "team_meeting_start": "08:30", "team_meeting_end": "09:15"},
        "policy.team_meeting.days: tick the days of the team meeting",
    )
    # The file's own checks name the field too.
    refused(
        app,
        client,
        {**fields, "team_meeting_days": ["mon"], "team_meeting_start": "8.30", "team_meeting_end": "09:15"},
        "policy.team_meeting.start:",
    )
    refused(
        app,
        client,
        {**fields, "coverage-0-days": ["mon"], "coverage-0-start": "08:30", "coverage-0-end": "20:00",
         "coverage-0-min_staff": "-1"},
        "policy.coverage[0].min_staff:",
    )  # fmt: skip
    assert _export(app) == team_doc()


def test_a_staff_member_works_holidays_on_fixed_hours(app: FastAPI, client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    page = client.get("/team/staff/s-rn1/edit").text
    assert 'aria-label="Holidays shift"' in page
    fields = staff_form(client, "s-rn1")
    fields.update(shift_holiday_start="09:00", shift_holiday_end="13:00")
    assert client.post("/team/staff/s-rn1", data=fields, follow_redirects=False).status_code == 303
    exported = _export(app)
    assert exported["format"] == "actplanner/team@2"
    assert exported["staff"][1]["shifts"]["holiday"] == ["09:00", "13:00"]
    assert "Mon–Fri 08:30–17:00, Holidays 09:00–13:00" in client.get("/team").text
    fields = staff_form(client, "s-rn1")
    fields.update(shift_holiday_start="09:00", shift_holiday_end="")
    answer = client.post("/team/staff/s-rn1", data=fields, headers=HTMX)
    assert answer.status_code == 422
    assert "staff[1].shifts.holiday: give both a start and an end (HH:MM), or neither" in answer.text
    fields.update(shift_holiday_start="", shift_holiday_end="")
    assert client.post("/team/staff/s-rn1", data=fields, follow_redirects=False).status_code == 303
    assert _export(app) == team_doc()


CONTRACT = {
    "contract_shift_types": ["day", "late", "weekend"],
    "contract_minutes_min": "2160",
    "contract_minutes_max": "2400",
    "contract_max_days_per_week": "5",
    "contract_max_consecutive_days": "6",
    "contract_min_rest_minutes": "660",
    "contract_max_weekends_per_4_weeks": "2",
    "contract_days_off": ["sun"],
}


def contracted(client: TestClient, staff_id: str = "s-rn1") -> dict[str, Any]:
    """The staff form with fixed hours emptied and the example contract filled in."""
    fields = staff_form(client, staff_id)
    for key in list(fields):
        if key.startswith("shift_"):
            fields[key] = ""
    fields.update(CONTRACT)
    return fields


def test_a_staff_member_on_a_contract_is_rostered_within_it(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    fill_shift_types(client)
    page = client.get("/team/staff/s-rn1/edit").text
    for name in ("day", "late", "weekend"):
        assert f'name="contract_shift_types" value="{name}"' in page
    assert 'name="contract_days_off" value="holiday"' in page
    assert (
        client.post("/team/staff/s-rn1", data=contracted(client), follow_redirects=False).status_code == 303
    )
    member = _export(app)["staff"][1]
    assert "shifts" not in member
    assert member["contract"] == CONTRACT_FILE
    assert "Contract: day, late, weekend · 36–40 h a week · at most 5 days · never Sun" in (
        client.get("/team").text
    )
    # Unchanged, the same file; the limits emptied go; all of it emptied is no contract.
    before = _export(app)
    fields = staff_form(client, "s-rn1")
    assert fields["contract_shift_types"] == ["day", "late", "weekend"]
    assert client.post("/team/staff/s-rn1", data=fields, follow_redirects=False).status_code == 303
    assert _export(app) == before
    fields.update(contract_max_consecutive_days="", contract_min_rest_minutes="", contract_days_off=[])
    assert client.post("/team/staff/s-rn1", data=fields, follow_redirects=False).status_code == 303
    assert _export(app)["staff"][1]["contract"] == {
        "shift_types": ["day", "late", "weekend"],
        "minutes_per_week": [2160, 2400],
        "max_weekends_per_4_weeks": 2,
    }
    fields = staff_form(client, "s-rn1")
    fields.update(
        contract_shift_types=[],
        contract_minutes_min="",
        contract_minutes_max="",
        contract_max_weekends_per_4_weeks="",
        shift_mon_start="08:30",
        shift_mon_end="17:00",
    )
    assert client.post("/team/staff/s-rn1", data=fields, follow_redirects=False).status_code == 303
    member = _export(app)["staff"][1]
    assert "contract" not in member and member["shifts"] == {"mon": ["08:30", "17:00"]}


def test_contract_errors_name_the_field_and_nothing_is_saved(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    fill_shift_types(client)
    before = _export(app)
    cases = [
        (
            {"contract_shift_types": []},
            "staff[1].contract.shift_types: tick the shift types Sofia Delgado may",
        ),
        (
            {"contract_minutes_max": ""},
            "staff[1].contract.minutes_per_week: give the fewest and the most minutes Sofia Delgado works",
        ),
        ({"contract_max_days_per_week": "8"}, "staff[1].contract.max_days_per_week:"),
        ({"contract_max_weekends_per_4_weeks": "5"}, "staff[1].contract.max_weekends_per_4_weeks:"),
    ]
    for change, message in cases:
        fields = {**contracted(client), **change}
        answer = client.post("/team/staff/s-rn1", data=fields, headers=HTMX)
        assert answer.status_code == 422, change
        assert message in answer.text, answer.text
        assert _export(app) == before
    # What was typed and ticked comes back.
    answer = client.post(
        "/team/staff/s-rn1", data={**contracted(client), "contract_minutes_max": ""}, headers=HTMX
    )
    assert 'name="contract_minutes_min" value="2160"' in answer.text
    assert 'name="contract_shift_types" value="late" checked' in answer.text
    assert 'name="contract_days_off" value="sun" checked' in answer.text


def test_a_contract_for_a_shift_type_the_policy_lacks_is_refused(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    add_row(client, "shift_type", {"name": "day", "start": "08:30", "end": "17:00"})
    before = _export(app)
    fields = {**contracted(client), "contract_shift_types": ["day", "night"]}
    answer = client.post("/team/staff/s-rn1", data=fields, headers=HTMX)
    assert answer.status_code == 422
    assert "staff[1].contract.shift_types" in answer.text and "night" in answer.text
    assert _export(app) == before


def test_fixed_hours_and_a_contract_together_are_refused(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    fill_shift_types(client)
    before = _export(app)
    fields = {**staff_form(client, "s-rn1"), **CONTRACT}  # Mon–Fri hours kept
    answer = client.post("/team/staff/s-rn1", data=fields, headers=HTMX)
    assert answer.status_code == 422
    assert (
        "staff[1].contract: a staff member has either fixed &#34;shifts&#34; or a &#34;contract&#34;"
        in answer.text
    )
    assert _export(app) == before
