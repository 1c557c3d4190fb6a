"""The team page scales (issue 13, item 4): search, filters and sort as GET parameters, a compact
client table of values, a page of 50 lines, and the edit form where its row is."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.teams.client_table import PAGE_SIZE, TableQuery, client_rows, client_table
from actplanner.teams.service import import_team
from tests.support.web_factories import TEAM, World, db, sign_in, team_doc


def _codes(html: str) -> list[str]:
    return re.findall(r'<tr id="clients-[^"]+"[^>]*>\s*<td><strong>([^<]+)</strong>', html)


def _big_team(app: FastAPI, clients: int = 120) -> dict[str, Any]:
    """The test team with ``clients`` clients (every tenth speaks es, every seventh is paired)."""
    doc = team_doc()
    base = doc["clients"][0]
    doc["clients"] = [
        {
            "id": f"c-{i:03d}",
            "code": f"K{i:03d}",
            "name": f"Client Number{i}",
            "home": base["home"],
            "acuity": ("stable", "moderate")[i % 2],
            **({"language": "es"} if i % 10 == 0 else {}),
            **({"paired": True} if i % 7 == 0 else {}),
            **({"visits_per_week": 3} if i % 5 == 0 else {}),
        }
        for i in range(1, clients + 1)
    ]
    with db(app) as session:
        import_team(session=session, data=doc)
        session.commit()
    return doc


def test_the_table_is_paged_and_search_finds_by_code_name_or_id(
    app: FastAPI, client: TestClient, world: World
) -> None:
    _big_team(app)
    sign_in(client, "lead")
    page = client.get("/team").text
    assert len(_codes(page)) == PAGE_SIZE
    assert "Showing 1–50 of 120" in page and "Page 1 of 3" in page
    assert 'href="/team?page=2#clients" rel="next"' in page
    assert _codes(client.get("/team?page=3").text) == [f"K{i:03d}" for i in range(101, 121)]
    assert _codes(client.get("/team?q=k017").text) == ["K017"]  # code, any case
    assert _codes(client.get("/team?q=Number42").text) == ["K042"]  # name
    assert _codes(client.get("/team?q=c-099").text) == ["K099"]  # id
    assert "No client matches" in client.get("/team?q=nobody").text


def test_filters_and_sorts(app: FastAPI, client: TestClient, world: World) -> None:
    _big_team(app)
    sign_in(client, "lead")
    assert _codes(client.get("/team?language=es&paired=yes").text) == ["K070"]
    moderate = _codes(client.get("/team?acuity=moderate&q=K00").text)
    assert moderate == ["K001", "K003", "K005", "K007", "K009"]
    assert len(_codes(client.get("/team?paired=no&q=K01").text)) == 10 - 1  # K014 is paired
    by_visits = _codes(client.get("/team?sort=visits&q=K01").text)
    levels = team_doc()["policy"]["acuity"]

    def visits(i: int) -> int:  # the client's own (every fifth: 3), else their acuity's
        return 3 if i % 5 == 0 else levels[("stable", "moderate")[i % 2]]["visits_per_week"]

    expected = sorted(range(10, 20), key=lambda i: (-visits(i), i))
    assert by_visits == [f"K{i:03d}" for i in expected]  # most first, ties by code
    by_acuity = _codes(client.get("/team?sort=acuity&q=K00").text)
    order = list(levels)  # the policy's order of levels, then by code
    expected = sorted(range(1, 10), key=lambda i: (order.index(("stable", "moderate")[i % 2]), i))
    assert by_acuity == [f"K{i:03d}" for i in expected]
    # A stale or odd parameter is ignored, not an error.
    assert client.get("/team?sort=nonsense&paired=maybe&page=x").status_code == 200


def test_itt_filter_and_primary_sort_use_staff(app: FastAPI, client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    doc = team_doc()
    with_nurse = [c["code"] for c in doc["clients"] if "s-rn1" in (c.get("itt") or [])]
    assert with_nurse and _codes(client.get("/team?itt=s-rn1").text) == sorted(with_nurse)
    rows = client_rows(doc)
    table = client_table(rows, TableQuery(sort="primary"), list(doc["policy"]["acuity"]))
    primaries = [r.primary for r in table.rows]
    named = [p for p in primaries if p]
    assert named == sorted(named, key=str.casefold) and primaries[: len(named)] == named


def test_lines_show_values_with_names_not_placeholders(client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    page = client.get("/team").text
    table = page.split('<section id="clients"')[1].split("</table>")[0]
    assert "(acuity)" not in table and "(solver)" not in table
    doc = team_doc()
    first = doc["clients"][0]
    line = re.search(rf'<tr id="clients-{first["id"]}".*?</tr>', table, re.S).group(0)
    names = {s["id"]: s["name"] for s in doc["staff"]}
    assert names[first["primary"]] in line
    full = ", ".join(names[s] for s in first["itt"])
    short = ", ".join(f"{names[s].split()[0]} {names[s].split()[-1][0]}." for s in first["itt"])
    assert f'<span title="{full}">{short}</span>' in line  # ITT by name, short to fit one line
    level = doc["policy"]["acuity"][first["acuity"]]["visits_per_week"]
    assert f'{level} <span class="muted">from acuity</span>' in line
    assert "<code>s-" not in line  # staff by name, not id


def test_the_edit_link_keeps_the_table_and_jumps_to_the_form(
    app: FastAPI, client: TestClient, world: World
) -> None:
    _big_team(app)
    sign_in(client, "lead")
    page = client.get("/team?acuity=moderate&page=2").text
    assert 'href="/team/clients/c-103/edit?acuity=moderate&amp;page=2#clients-c-103"' in page
    form = client.get("/team/clients/c-103/edit?acuity=moderate&page=2").text
    # The whole page, the form in place of the row, its save and cancel keeping the table.
    assert re.search(r'<tr id="clients-c-101">.*<tr id="clients-c-103" class="editing">', form, re.S)
    assert 'action="/team/clients/c-103?acuity=moderate&amp;page=2"' in form
    assert 'href="/team?acuity=moderate&amp;page=2#clients-c-103">Cancel' in form
    # A client not on this page of the table gets the form at the top of the table.
    other = client.get("/team/clients/c-120/edit").text
    body = other.split('<section id="clients"')[1]
    assert body.index('id="clients-c-120" class="editing"') < body.index('id="clients-c-001"')


def test_a_plain_save_comes_back_to_the_same_view(app: FastAPI, client: TestClient, world: World) -> None:
    from tests.teams.test_team_v2_pages import form_fields

    _big_team(app)
    sign_in(client, "lead")
    html = client.get("/team/clients/c-103/edit?acuity=moderate&page=2").text
    fields = form_fields(html, "/team/clients/c-103")
    fields["visits_per_week"] = "2"
    response = client.post("/team/clients/c-103?acuity=moderate&page=2", data=fields, follow_redirects=False)
    assert response.status_code == 303
    assert "acuity=moderate" in response.headers["location"] and "page=2" in response.headers["location"]
    assert response.headers["location"].endswith("#clients-c-103")


def test_showing_names_is_audited_with_the_clients_shown(
    app: FastAPI, client: TestClient, world: World
) -> None:
    from sqlalchemy import select

    from actplanner.db import AuditEvent

    _big_team(app)
    sign_in(client, "lead")
    client.get("/team?q=K01")
    with db(app) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "view_phi", AuditEvent.target == f"team:{TEAM}")
        ).all()[-1]
    assert event.detail["fields"] == ["name"]
    assert event.detail["clients"] == [f"c-{i:03d}" for i in range(10, 20)]


@pytest.mark.parametrize("part", ["staff", "policy"])
def test_staff_and_policy_fold_away_unless_opened(client: TestClient, world: World, part: str) -> None:
    sign_in(client, "lead")
    assert re.search(rf'<details id="{part}" class="team-part">', client.get("/team").text)
    assert re.search(rf'<details id="{part}" class="team-part" open>', client.get(f"/team?open={part}").text)
