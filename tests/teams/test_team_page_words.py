"""The team page says the file's values as a lead says them: leave as days and times ("Fri 4 Dec
12:00–17:00"), a contract's week in hours, languages by name, skills by label, and the team file's
format name in small print beside a download worded for a lead."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from actplanner.teams.client_table import client_rows, language_choices
from actplanner.teams.roster_forms import contract_values
from actplanner.teams.staff_table import (
    contract_summary,
    duration_words,
    leave_words,
    staff_row,
    week_words,
)
from tests.support.web_factories import World, form_token, sign_in, team_doc
from tests.teams.test_team_pages import _upload


def test_leave_on_one_day_says_the_day_once() -> None:
    assert leave_words({"start": "2026-12-04T12:00", "end": "2026-12-04T17:00"}) == "Fri 4 Dec 12:00–17:00"


def test_leave_over_several_days_says_both_days() -> None:
    assert (
        leave_words({"start": "2026-12-04T12:00", "end": "2026-12-07T17:00"})
        == "Fri 4 Dec 12:00 – Mon 7 Dec 17:00"
    )


def test_whole_days_of_leave_say_the_days_taken_the_end_not_included() -> None:
    """The file's end is not included: midnight to midnight is the day itself."""
    assert leave_words({"start": "2026-12-03T00:00", "end": "2026-12-04T00:00"}) == "Thu 3 Dec, all day"
    assert leave_words({"start": "2026-12-24T00:00", "end": "2026-12-28T00:00"}) == "Thu 24 Dec – Sun 27 Dec"


def test_leave_the_check_would_refuse_is_shown_as_written() -> None:
    assert leave_words({"start": "soon", "end": "2026-12-04T17:00"}) == "soon – 2026-12-04 17:00"


def test_a_contracts_week_is_in_hours_keeping_minutes_that_are_not_whole_hours() -> None:
    assert week_words([2160, 2400]) == "36–40 h a week"
    assert week_words([2190, 2400]) == "36 h 30 min – 40 h a week"
    assert week_words([2400, 2400]) == "40 h a week"
    assert duration_words(45) == "45 min"
    assert duration_words(2190) == "36 h 30 min"
    summary = contract_summary(
        {"shift_types": ["day"], "minutes_per_week": [1200, 1230], "days_off": ["sat"]}
    )
    assert summary == "Contract: day · 20 h – 20 h 30 min a week · at most 5 days · never Sat"
    assert "min a week" not in contract_summary({"shift_types": ["day"], "minutes_per_week": [2160, 2400]})


def test_a_staff_row_says_languages_by_name_and_leave_in_words() -> None:
    member = team_doc()["staff"][1]
    member["leave"] = [{"start": "2026-12-04T12:00", "end": "2026-12-07T17:00"}]
    row = staff_row(1, member)
    assert row.languages == "English, Spanish"
    assert row.leave == ("Fri 4 Dec 12:00 – Mon 7 Dec 17:00",)


def test_a_client_row_says_the_language_by_name_and_the_filter_offers_names() -> None:
    doc = team_doc()
    rows = {r.entry["id"]: r for r in client_rows(doc)}
    assert rows["c-005"].entry["language"] == "es" and rows["c-005"].language == "Spanish"
    assert language_choices(doc["clients"]) == [("es", "Spanish")]
    # A code CLDR does not know stays as written rather than vanishing.
    assert language_choices([{"language": "zz-unknown"}]) == [("zz-unknown", "zz-unknown")]


def _staff_line(page: str, staff_id: str) -> str:
    return re.search(rf'<tr id="staff-{staff_id}".*?</tr>', page, re.S).group(0)


def test_the_team_page_says_leave_languages_and_skills_in_words(client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    doc = team_doc()
    doc["staff"][1]["leave"] = [
        {"start": "2026-12-04T12:00", "end": "2026-12-04T17:00"},
        {"start": "2026-12-04T12:00", "end": "2026-12-07T17:00"},
    ]
    response = _upload(client, form_token(client.get("/team").text), json.dumps(doc))
    assert response.status_code == 200
    page = client.get("/team?open=staff").text
    line = _staff_line(page, "s-rn1")
    assert "Fri 4 Dec 12:00–17:00<br>Fri 4 Dec 12:00 – Mon 7 Dec 17:00" in line
    assert "2026-12-04" not in line
    assert "<td>English, Spanish</td>" in line
    assert "<td>LAI injection, med delivery</td>" in line
    assert "lai_injection" not in line
    client_line = re.search(r'<tr id="clients-c-005".*?</tr>', page, re.S).group(0)
    assert "<td>Spanish</td>" in client_line
    assert '<option value="es">Spanish</option>' in page


def test_the_team_file_download_is_worded_for_a_lead_with_the_format_in_small_print(
    client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    page = client.get("/team").text
    assert 'href="/team/export" download hx-boost="false">Download the team file (JSON)</a>' in page
    assert "Export team.json" not in page
    small = re.search(r"<small>For the IT person:.*?</small>", page, re.S)
    assert small is not None
    assert "<code>actplanner/team@1</code>" in small.group(0)
    assert "<code>docs/formats/team.md</code>" in small.group(0)
    # The format name is only in the small print, not in the sentence the lead reads.
    assert page.count("actplanner/team@1") == 1


def test_a_contracts_requests_in_the_form_say_their_day_in_words() -> None:
    """The form's read-only list of requests (ticked to remove) says the day as the pages do."""
    member = {
        "contract": {
            "shift_types": ["day"],
            "minutes_per_week": [2160, 2400],
            "requests": [{"date": "2026-12-04", "off": True}, {"date": "2026-12-07", "shift": "day"}],
        }
    }
    assert contract_values(member)["contract_requests"] == [
        "Fri 4 Dec: the day off",
        "Mon 7 Dec: the day shift",
    ]
