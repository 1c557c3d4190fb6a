"""The team page's forms for team@2, with date pickers and no JSON: program dates, hospital stays and
absences, acuity changes, recurring care, employment dates, the post-discharge rule and fairness weeks.

Each form is filled in as the page renders it (every field it sends), changed, and posted through the
app's TestClient; the export shows exactly the change, and a bad value is named with its field while
nothing is saved.
"""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from actplanner.db import AuditEvent
from actplanner.teams.service import import_team
from tests.support.web_factories import World, db, sign_in, team_doc
from tests.teams.test_team_pages import HTMX, _export
from tests.teams.v2_files import team_2_doc


class _Form(HTMLParser):
    """The fields a browser would send for the first form whose action starts with ``action``."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}
        self.select: str | None = None
        self.textarea: str | None = None
        self.first_option: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and not self.fields and a.get("action", "").startswith(self.action):
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and "name" in a:
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.fields.setdefault(a["name"], []).append(a.get("value") or "on")
            elif a.get("type") == "radio":
                if "checked" in a:
                    self.fields[a["name"]] = a.get("value", "")
            else:
                self.fields[a["name"]] = a.get("value", "")
        elif tag == "select":
            self.select, self.first_option = a["name"], None
        elif tag == "option" and self.select is not None:
            if self.first_option is None:
                self.first_option = a.get("value", "")
            if "selected" in a:
                self.fields[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[self.textarea] = ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self.select is not None:
            self.fields.setdefault(self.select, self.first_option or "")
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.inside:
            self.inside = False


def form_fields(html: str, action: str) -> dict[str, Any]:
    parser = _Form(action)
    parser.feed(html)
    assert parser.fields, f"no form posting to {action}"
    return {k: (unescape(v) if isinstance(v, str) else v) for k, v in parser.fields.items()}


def client_form(client: TestClient, client_id: str) -> dict[str, Any]:
    return form_fields(client.get(f"/team/clients/{client_id}/edit").text, f"/team/clients/{client_id}")


def use_team_2(app: FastAPI) -> None:
    with db(app) as session:
        import_team(session=session, data=team_2_doc())
        session.commit()


def test_the_client_form_has_date_pickers_and_says_when_an_acuity_change_takes_effect(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    page = client.get("/team/clients/c-001/edit").text
    for name in ("admitted", "discharged", "episode-0-start", "episode-0-end", "acuity_change-0-date"):
        assert f'type="date" name="{name}"' in page
    assert "takes effect from the first week starting on or after its date" in page
    assert 'name="recurring-0-last"' in page and 'type="date" name="recurring-0-last"' in page
    # Hospital stays and program dates are health information: the view's audit says it showed them.
    with db(app) as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "view_phi", AuditEvent.target == "client:c-001")
        ).all()
    assert events and "episodes" in events[-1].detail["fields"]


def test_recording_a_hospital_stay_saves_it_and_makes_the_file_team_2(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    fields = client_form(client, "c-001")
    fields.update(
        {
            "episode-0-kind": "inpatient",
            "episode-0-start": "2026-12-01",
            "episode-0-end": "2026-12-08",
            "episode-0-location_lat": "41.88",
            "episode-0-location_lon": "-87.67",
            "episode-0-location_label": "County hospital",
            "episode-0-visits_per_week": "1",
            "admitted": "2025-03-02",
        }
    )
    assert client.post("/team/clients/c-001", data=fields, follow_redirects=False).status_code == 303
    expected = team_doc()
    expected["format"] = "actplanner/team@2"
    expected["clients"][0].update(
        admitted="2025-03-02",
        episodes=[
            {
                "kind": "inpatient",
                "start": "2026-12-01",
                "end": "2026-12-08",
                "location": {"lat": 41.88, "lon": -87.67, "label": "County hospital"},
                "visits_per_week": 1,
            }
        ],
    )
    assert _export(app) == expected
    # Open-ended absence added below it, the stay kept; then the stay removed.
    fields = client_form(client, "c-001")
    fields.update({"episode-1-kind": "away", "episode-1-start": "2027-01-10"})
    assert client.post("/team/clients/c-001", data=fields, follow_redirects=False).status_code == 303
    assert _export(app)["clients"][0]["episodes"][1] == {"kind": "away", "start": "2027-01-10"}
    fields = client_form(client, "c-001")
    fields["episode-0-remove"] = "on"
    assert client.post("/team/clients/c-001", data=fields, follow_redirects=False).status_code == 303
    assert _export(app)["clients"][0]["episodes"] == [{"kind": "away", "start": "2027-01-10"}]


def test_a_stay_ending_before_it_starts_is_named_and_nothing_is_saved(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    fields = client_form(client, "c-001")
    fields.update({"episode-0-start": "2026-12-08", "episode-0-end": "2026-12-01"})
    answer = client.post("/team/clients/c-001", data=fields, headers=HTMX)
    assert answer.status_code == 422
    assert (
        "clients[0].episodes[0].end: the episode ends (2026-12-01) before it starts (2026-12-08)"
        in answer.text
    )
    # The form comes back with what was typed.
    assert 'name="episode-0-start" value="2026-12-08"' in answer.text
    assert _export(app) == team_doc()
    fields = client_form(client, "c-001")
    fields.update({"episode-0-end": "2026-12-01"})
    answer = client.post("/team/clients/c-001", data=fields, headers=HTMX)
    assert answer.status_code == 422
    assert "clients[0].episodes[0].start: give the date the stay or absence starts" in answer.text


def test_overlapping_stays_are_refused(app: FastAPI, client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    use_team_2(app)
    before = _export(app)
    fields = client_form(client, "c-001")
    fields.update({"episode-2-kind": "away", "episode-2-start": "2026-12-05", "episode-2-end": "2026-12-20"})
    answer = client.post("/team/clients/c-001", data=fields, headers=HTMX)
    assert answer.status_code == 422
    assert "clients[0].episodes[2].start: this episode (2026-12-05) overlaps episodes[0]" in answer.text
    assert _export(app) == before


def test_an_acuity_change_is_saved_and_one_to_an_unknown_level_is_named(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    fields = client_form(client, "c-001")
    fields.update({"acuity_change-0-date": "2027-01-04", "acuity_change-0-acuity": "moderate"})
    assert client.post("/team/clients/c-001", data=fields, follow_redirects=False).status_code == 303
    assert _export(app)["clients"][0]["acuity_changes"] == [{"date": "2027-01-04", "acuity": "moderate"}]
    saved = _export(app)
    fields = client_form(client, "c-001")
    fields.update({"acuity_change-1-date": "2027-02-01", "acuity_change-1-acuity": "crisis"})
    answer = client.post("/team/clients/c-001", data=fields, headers=HTMX)
    assert answer.status_code == 422
    assert "clients[0].acuity_changes[1].acuity: unknown acuity &#34;crisis&#34;" in answer.text
    assert _export(app) == saved


def test_recurring_care_is_added_in_rows_and_every_days_below_7_is_named(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    fields = client_form(client, "c-001")
    assert fields["recurring-0-what"] == ""  # the blank row for a new one
    fields.update(
        {
            "recurring-0-what": "skill:lai_injection",
            "recurring-0-every_days": "14",
            "recurring-0-window_days": "2",
            "recurring-0-last": "2026-11-20",
        }
    )
    assert client.post("/team/clients/c-001", data=fields, follow_redirects=False).status_code == 303
    exported = _export(app)
    assert exported["format"] == "actplanner/team@2"
    assert exported["clients"][0]["requirements"][-1] == {
        "skill": "lai_injection",
        "every_days": 14,
        "window_days": 2,
        "last": "2026-11-20",
    }
    fields = client_form(client, "c-001")
    fields.update({"recurring-1-what": "discipline:psychiatrist", "recurring-1-every_days": "3"})
    answer = client.post("/team/clients/c-001", data=fields, headers=HTMX)
    assert answer.status_code == 422
    assert "every_days: every 3 days is too often for a recurring requirement" in answer.text
    assert _export(app) == exported


def test_unchanged_forms_of_a_team_2_file_save_the_same_file(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    use_team_2(app)
    before = _export(app)
    fields = client_form(client, "c-001")
    assert fields["episode-0-start"] == "2026-12-01" and fields["episode-1-kind"] == "away"
    assert fields["recurring-0-what"] == "skill:lai_injection" and fields["recurring-1-every_days"] == "28"
    assert fields["acuity_change-0-date"] == "2027-01-04"
    assert client.post("/team/clients/c-001", data=fields, follow_redirects=False).status_code == 303
    for member in ("s-md1", "s-rn1"):  # employed_from given; employed_until given as null
        staff = form_fields(client.get(f"/team/staff/{member}/edit").text, f"/team/staff/{member}")
        assert client.post(f"/team/staff/{member}", data=staff, follow_redirects=False).status_code == 303
    page = client.get("/team").text
    policy = form_fields(page, "/team/policy")
    assert client.post("/team/policy", data=policy, headers=HTMX).status_code == 200
    assert _export(app) == before


def test_employment_dates_are_saved_and_an_end_before_the_start_is_named(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    page = client.get("/team/staff/s-rn1/edit").text
    assert 'type="date" name="employed_from"' in page and 'type="date" name="employed_until"' in page
    fields = form_fields(page, "/team/staff/s-rn1")
    fields.update(employed_from="2024-05-01", employed_until="2027-06-01")
    assert client.post("/team/staff/s-rn1", data=fields, follow_redirects=False).status_code == 303
    exported = _export(app)
    assert exported["format"] == "actplanner/team@2"
    assert exported["staff"][1]["employed_from"] == "2024-05-01"
    assert exported["staff"][1]["employed_until"] == "2027-06-01"
    fields.update(employed_until="2024-04-30")
    answer = client.post("/team/staff/s-rn1", data=fields, headers=HTMX)
    assert answer.status_code == 422
    assert (
        "staff[1].employed_until: employment ends (2024-04-30) before it starts (2024-05-01)" in answer.text
    )
    assert _export(app) == exported
    # Emptied, both go and the team is team@1 again, exactly as it was.
    fields.update(employed_from="", employed_until="")
    assert client.post("/team/staff/s-rn1", data=fields, follow_redirects=False).status_code == 303
    assert _export(app) == team_doc()


def test_the_policy_form_sets_the_post_discharge_rule_and_fairness_weeks(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    fields = form_fields(client.get("/team").text, "/team/policy")
    assert fields["fairness_weeks"] == "8" and fields["post_discharge_days"] == ""
    fields.update(
        post_discharge_days="14",
        post_discharge_visits_per_week="3",
        post_discharge_first_within_days="2",
        fairness_weeks="6",
    )
    fields["acuity-0-max_days_without_contact"] = "2"
    assert client.post("/team/policy", data=fields, headers=HTMX).status_code == 200
    expected = team_doc()
    expected["format"] = "actplanner/team@2"
    expected["policy"]["post_discharge"] = {"days": 14, "visits_per_week": 3, "first_within_days": 2}
    expected["policy"]["on_call"]["fairness_weeks"] = 6
    expected["policy"]["acuity"]["high"]["max_days_without_contact"] = 2
    assert _export(app) == expected

    half = {**fields, "post_discharge_first_within_days": ""}
    answer = client.post("/team/policy", data=half, headers=HTMX)
    assert answer.status_code == 422
    assert "policy.post_discharge: give the days after a stay" in answer.text
    for key, value, message in [
        ("fairness_weeks", "60", "policy.on_call.fairness_weeks: 60 should be less than or equal to 52"),
        ("post_discharge_visits_per_week", "9", "policy.post_discharge.visits_per_week: 9 should be less"),
    ]:
        answer = client.post("/team/policy", data={**fields, key: value}, headers=HTMX)
        assert answer.status_code == 422 and message in answer.text
        assert f'name="{key}" value="{value}"' in answer.text  # shown again as typed
    assert _export(app) == expected
    # All three emptied: no post-discharge rule.
    none = {**fields, "post_discharge_days": "", "post_discharge_visits_per_week": ""}
    none["post_discharge_first_within_days"] = ""
    assert client.post("/team/policy", data=none, headers=HTMX).status_code == 200
    assert "post_discharge" not in _export(app)["policy"]
