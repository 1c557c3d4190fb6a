"""The Fidelity page (issue 10, item 4): the CLI's figures from the stored log, CSV, print, access, audit."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from actplanner.cli.main import app as cli
from actplanner.contacts.service import import_contacts
from actplanner.db import AuditEvent
from actplanner.domain.demo_contacts import recorded_contacts
from actplanner.fidelity.pages import printed_at
from actplanner.planning.plans import publish_plan, save_plan
from actplanner.web.deps import team_date
from tests.support.web_factories import TEAM, World, db, plan_doc, sign_in, team_doc

FIRST, LAST = "2026-11-30", "2026-12-13"
PERIOD = {"from": FIRST, "to": LAST}


@pytest.fixture
def log(app: FastAPI, world: World) -> dict[str, Any]:
    """The contacts@1 log stored for the small team: its greedy plan of 2026-11-30, published and
    recorded with no-shows, refusals and unplanned contacts; the week after has no plan."""
    plan = plan_doc()
    doc = recorded_contacts(team_doc(), [plan], seed=7)
    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=plan, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=None, confirmed=True)
        import_contacts(session=session, team_id=TEAM, data=doc, by=None)
        session.commit()
    return doc


@pytest.fixture
def lead(client: TestClient, world: World) -> TestClient:
    sign_in(client, "lead")
    return client


def cli_figures(tmp_path: Path, doc: dict[str, Any], first: str = FIRST, last: str = LAST) -> dict[str, Any]:
    """What ``actplanner fidelity --json`` prints for the team file and the log."""
    team, contacts = tmp_path / "team.json", tmp_path / "contacts.json"
    team.write_text(json.dumps(team_doc()))
    contacts.write_text(json.dumps(doc))
    result = CliRunner().invoke(
        cli, ["fidelity", str(team), str(contacts), "--from", first, "--to", last, "--json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def page_figures(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-figure="(\w+)" data-value="([^"]*)"', html))


def as_cli(value: str, key: str) -> float | None:
    return None if value == "" else float(value)


def codes_to_ids() -> dict[str, str]:
    return {c["code"]: c["id"] for c in team_doc()["clients"]}


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_page_shows_the_figures_the_cli_prints_for_the_same_log(
    lead: TestClient, log: dict[str, Any], tmp_path: Path
) -> None:
    """Each delivered figure on the page is the CLI's for the stored log; the short clients are its list."""
    expected = cli_figures(tmp_path, log)
    response = lead.get("/fidelity", params=PERIOD)
    assert response.status_code == 200, response.text
    shown = page_figures(response.text)
    assert set(shown) == set(expected)
    for key, value in expected.items():
        if key == "clients_below_required":
            assert float(shown[key]) == len(value)
        else:
            assert as_cli(shown[key], key) == value, key
    short = {codes_to_ids()[c] for c in re.findall(r'<tr data-client="([^"]+)"', response.text)}
    assert short == set(expected["clients_below_required"])
    assert expected["clients_below_required"], "the recorded no-shows should leave someone short"
    # The log's reasons say their dates as the page does ("no show on Wed 2 Dec"); the CSV keeps ISO.
    table = re.search(r'<table id="short">.*?</table>', response.text, re.S).group(0)
    assert re.search(
        r"(no show|refused|cancelled|phone|video) on (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} \w{3}", table
    )
    assert not re.search(r"\d{4}-\d{2}-\d{2}</td>|on \d{4}-", table)


def test_the_page_shows_planned_beside_delivered_and_the_weeks_without_a_plan(
    lead: TestClient, log: dict[str, Any]
) -> None:
    """Planned reads the published plan; the week after it has none, and the page says so."""
    html = lead.get("/fidelity", params=PERIOD).text
    assert "No published plan for the week of 7 Dec" in html
    row = re.search(r'data-figure="contacts_per_client_week".*?</tr>', html, re.S)
    assert row is not None
    planned = re.findall(r'<td class="muted">([^<]*)</td>', row.group(0))[0]
    # The greedy plan's visits over 20 clients and the one week of the two that has a plan: a
    # week without a plan promises nothing, so it is left out of the plans' figures rather than
    # counted as a week of no visits (which halved this figure and left every client short).
    visits = len(plan_doc()["visits"])
    assert float(planned) == pytest.approx(round(visits / 20 / 1, 4))
    short = re.search(r'data-figure="clients_below_required".*?</tr>', html, re.S)
    assert short is not None
    # Short in the planned week only: the clients the plan gives fewer dates than their count.
    team = team_doc()
    dates: dict[str, set[str]] = {}
    for v in plan_doc()["visits"]:
        dates.setdefault(v["client"], set()).add(v["date"])
    acuity = team["policy"]["acuity"]
    wanted = {
        c["id"]: c.get("visits_per_week") or acuity[c["acuity"]]["visits_per_week"] for c in team["clients"]
    }
    by_hand = sum(len(dates.get(c, ())) < n for c, n in wanted.items())
    assert by_hand < 20
    assert int(re.findall(r'<td class="muted">([^<]*)</td>', short.group(0))[0].strip()) == by_hand


def test_the_weekly_trend_is_inline_svg_with_no_external_resource(
    lead: TestClient, log: dict[str, Any]
) -> None:
    html = lead.get("/fidelity", params=PERIOD).text
    assert html.count("<svg") == 2
    assert re.findall(r"https?://[^\"' ]+", html) == ["http://www.w3.org/2000/svg"] * 2
    assert "week of 2026-11-30" in html
    assert len(re.findall(r'<tr data-week="', html)) == 2


def test_csv_figures_parse_and_match_the_cli(lead: TestClient, log: dict[str, Any], tmp_path: Path) -> None:
    expected = cli_figures(tmp_path, log)
    response = lead.get("/fidelity/figures.csv", params=PERIOD)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert f"fidelity-{TEAM}-{FIRST}-{LAST}-figures.csv" in response.headers["content-disposition"]
    rows = {r["figure"]: r for r in read_csv(response.text)}
    assert set(rows) == set(expected)
    for key, value in expected.items():
        wanted = len(value) if isinstance(value, list) else value
        assert as_cli(rows[key]["delivered"], key) == wanted, key
    assert rows["contacts_per_client_week"]["dacts_top_rating"] == "S5 frequency: ≥ 4"


def test_csv_clients_are_codes_never_names_and_match_the_cli(
    lead: TestClient, log: dict[str, Any], tmp_path: Path
) -> None:
    expected = cli_figures(tmp_path, log)
    text = lead.get("/fidelity/clients.csv", params=PERIOD).text
    rows = read_csv(text)
    assert {codes_to_ids()[r["client"]] for r in rows} == set(expected["clients_below_required"])
    assert all(int(r["seen"]) < int(r["required"]) for r in rows)
    for client in team_doc()["clients"]:
        assert client["name"] not in text
    # The reasons are the log's: each short week of the recorded week names a missed contact or none.
    reasons = [r["reasons"] for r in rows if r["week_start"] == FIRST]
    assert any(re.search(r"(no show|refused|cancelled|phone|video) on 2026-1[12]-\d\d", r) for r in reasons)


def test_csv_staff_counts_each_delivered_contact_for_each_of_its_staff(
    lead: TestClient, log: dict[str, Any]
) -> None:
    rows = read_csv(lead.get("/fidelity/staff.csv", params=PERIOD).text)
    delivered = [
        c
        for c in log["contacts"]
        if c["outcome"] == "done" and c.get("mode") == "face_to_face" and c["date"] <= LAST
    ]
    assert sum(int(r["delivered"]) for r in rows) == sum(len(c["staff"]) for c in delivered)
    assert sum(int(r["minutes"]) for r in rows) == sum(c["minutes"] * len(c["staff"]) for c in delivered)
    assert {r["staff"] for r in rows} == {s["id"] for s in team_doc()["staff"]}


def test_csv_weeks_has_a_row_per_week(lead: TestClient, log: dict[str, Any], tmp_path: Path) -> None:
    rows = read_csv(lead.get("/fidelity/weeks.csv", params=PERIOD).text)
    assert [r["week_start"] for r in rows] == [FIRST, "2026-12-07"]
    first_week = cli_figures(tmp_path, log, FIRST, "2026-12-06")
    assert float(rows[0]["contacts_per_client_week"]) == first_week["contacts_per_client_week"]
    assert rows[1]["planned_contacts_per_client_week"] == ""


def test_the_printable_report_shows_the_same_figures_with_print_css(
    lead: TestClient, log: dict[str, Any]
) -> None:
    page = lead.get("/fidelity", params=PERIOD).text
    report = lead.get("/fidelity/report", params=PERIOD)
    assert report.status_code == 200
    assert page_figures(report.text) == page_figures(page)
    assert "fidelity.css" in report.text
    css = lead.get("/static/fidelity.css").text
    assert "@media print" in css and ".site-header" in css
    for client in team_doc()["clients"]:
        assert client["name"] not in report.text


@pytest.mark.parametrize(
    ("params", "sentence"),
    [
        ({"from": "2026-12-01", "to": LAST}, "from: 2026-12-01 is a Tuesday; the period starts on a Monday."),
        ({"from": FIRST, "to": "2026-12-12"}, "to: 2026-12-12 is a Saturday; the period ends on a Sunday."),
        ({"from": "2026-12-07", "to": "2026-12-06"}, "to: 2026-12-06 is before from 2026-12-07."),
        ({"from": "soon", "to": LAST}, "from: 'soon' is not a date (YYYY-MM-DD)."),
        (
            {"from": "2024-01-01", "to": LAST},
            "to: the period holds 154 weeks; the page reads at most 53 at once.",
        ),
    ],
)
def test_a_bad_period_is_a_422_naming_the_field_in_a_sentence(
    lead: TestClient, log: dict[str, Any], params: dict[str, str], sentence: str
) -> None:
    for url in ("/fidelity", "/fidelity/figures.csv", "/fidelity/report"):
        response = lead.get(url, params=params)
        assert response.status_code == 422, url
        assert sentence in response.text.replace("&#39;", "'"), url


def test_the_default_period_is_the_whole_weeks_ended_since_the_log_began(
    app: FastAPI, lead: TestClient, log: dict[str, Any]
) -> None:
    """The team's today a Wednesday two weeks after the log's first week: the default is the
    whole weeks ended since the log began (of the last four), said in words, with H2's 14-day
    figure read. A period asked for from before the log says where the log begins."""
    app.dependency_overrides[team_date] = lambda: date(2026, 12, 16)
    begins = date.fromisoformat(min(c["date"] for c in log["contacts"]))
    first_whole = begins + timedelta(days=(7 - begins.weekday()) % 7)
    assert first_whole == date(2026, 11, 30), "the log's week starts the default"
    html = lead.get("/fidelity").text
    assert 'name="from" value="2026-11-30"' in html
    assert 'name="to" value="2026-12-13"' in html
    assert len(re.findall(r'<tr data-week="', html)) == 2
    assert "Mon 30 Nov – Sun 13 Dec 2026 · 2 weeks," in html
    assert page_figures(html)["team_approach_share"] != ""
    assert 'id="log-starts"' not in html
    # The exports of the default period are the same weeks, named by their ISO dates.
    assert "from=2026-11-30&amp;to=2026-12-13" in html
    # Four weeks asked for, from before the log: taken as asked, with a word where the log begins.
    asked = lead.get("/fidelity", params={"from": "2026-11-16", "to": LAST}).text
    assert "Mon 16 Nov – Sun 13 Dec 2026 · 4 weeks," in asked
    assert f"The contact log begins on {begins:%a %-d %b %Y}" in asked


def test_the_targets_of_shares_read_as_percentages_beside_them_and_the_csv_keeps_fractions(
    lead: TestClient, log: dict[str, Any]
) -> None:
    html = lead.get("/fidelity", params=PERIOD).text

    def cells(key: str) -> list[str]:
        row = re.search(rf'data-figure="{key}".*?</tr>', html, re.S)
        assert row is not None, key
        return re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)

    community = cells("community_share")
    assert re.match(r"\d+(\.\d)?%", community[0]), community
    assert community[2] == "S1 community-based: ≥ 80%"
    assert cells("team_approach_share")[2] == "H2 team approach: ≥ 90%"
    assert cells("contacts_per_client_week")[2] == "S5 frequency: ≥ 4"
    assert "≥ 0.8" not in html and "≥ 0.9" not in html
    rows = {r["figure"]: r for r in read_csv(lead.get("/fidelity/figures.csv", params=PERIOD).text)}
    assert rows["community_share"]["dacts_top_rating"] == "S1 community-based: ≥ 0.8"
    assert re.fullmatch(r"0\.\d+|1(\.0)?", rows["community_share"]["delivered"])


def test_the_printed_report_says_when_in_words_in_the_team_zone(
    app: FastAPI, lead: TestClient, log: dict[str, Any]
) -> None:
    # 20:05 UTC is 14:05 in Chicago (CST, UTC-6, in December).
    app.dependency_overrides[printed_at] = lambda: datetime(2026, 12, 1, 20, 5, tzinfo=UTC)
    html = lead.get("/fidelity/report", params=PERIOD).text
    assert "Printed Tue 1 Dec 2026, 14:05 CST from" in html
    assert "Mon 30 Nov – Sun 13 Dec 2026 · 2 weeks," in html
    # The file a browser saves it as keeps the ISO dates.
    assert f"<title>Fidelity report {FIRST} to {LAST}" in html


def test_the_page_and_exports_need_the_lead(client: TestClient, world: World, log: dict[str, Any]) -> None:
    for url in ("/fidelity", "/fidelity/figures.csv", "/fidelity/report"):
        response = client.get(url, params=PERIOD, follow_redirects=False)
        assert response.status_code in (302, 303), url
        assert "/login" in response.headers["location"]
    sign_in(client, "nurse")
    for url in ("/fidelity", "/fidelity/clients.csv", "/fidelity/report"):
        assert client.get(url, params=PERIOD).status_code == 403, url


def test_every_view_and_export_is_audited_with_its_purpose(
    app: FastAPI, lead: TestClient, log: dict[str, Any], world: World
) -> None:
    # The fixture's publish check reads the log too (purpose "publish check"): count from here.
    with db(app) as session:
        before = session.scalar(select(func.max(AuditEvent.id))) or 0
    for url in ("/fidelity", "/fidelity/figures.csv", "/fidelity/clients.csv", "/fidelity/report"):
        assert lead.get(url, params=PERIOD).status_code == 200
    with db(app) as session:
        events = session.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "view_phi",
                AuditEvent.target == f"contacts:{TEAM}",
                AuditEvent.id > before,
            )
        ).all()
        seen = [(e.user_id, e.detail["purpose"], e.detail["from"], e.detail["to"]) for e in events]
    assert seen == [
        (world.lead_id, purpose, FIRST, LAST)
        for purpose in ("fidelity", "fidelity csv figures", "fidelity csv clients", "fidelity report")
    ]


def test_the_nav_links_the_fidelity_page_for_the_lead(lead: TestClient, world: World) -> None:
    assert '<a href="/fidelity"' in lead.get("/").text


def test_an_unknown_csv_part_is_a_422(lead: TestClient, world: World) -> None:
    assert lead.get("/fidelity/names.csv", params=PERIOD).status_code == 422


def test_a_period_with_no_contacts_shows_no_data_not_zero(lead: TestClient, world: World) -> None:
    html = lead.get("/fidelity", params={"from": "2026-11-02", "to": "2026-11-08"}).text
    assert page_figures(html)["community_share"] == ""
    assert date(2026, 11, 2).strftime("%-d %b") in html
