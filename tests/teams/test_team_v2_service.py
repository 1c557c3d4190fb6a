"""team@2 files in and out of the database, and through the teams API: stored, exported as they came."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.db import Client, Staff
from actplanner.domain.formats import FormatError, dump_team, load_team
from actplanner.teams.service import export_team, import_team, team_file
from tests.support.team_files import team_file as team_doc
from tests.teams.test_import_limits import Backend, backend  # noqa: F401  (the fixture)
from tests.teams.v2_files import team_2_doc

TEAM = "west-town-small"


def test_a_team_2_file_comes_back_as_it_was_imported(session: Session) -> None:
    doc = team_2_doc()
    import_team(session=session, data=doc)
    session.expire_all()
    assert export_team(session=session, team_id=TEAM) == dump_team(load_team(doc))
    # The dates are stored as dates, the lists as JSON.
    member = session.get(Staff, (TEAM, doc["staff"][0]["id"]))
    assert member is not None and member.employed_from == dt.date(2024, 5, 1)
    client = session.get(Client, (TEAM, doc["clients"][0]["id"]))
    assert client is not None and client.admitted == dt.date(2025, 3, 2) and client.discharged is None
    assert client.episodes[0]["kind"] == "inpatient" and client.acuity_changes[0]["acuity"] == "moderate"
    loaded = team_file(session=session, team_id=TEAM)
    assert loaded.policy.on_call.fairness_weeks == 6
    assert loaded.clients[0].requirements[0].every_days == 14  # type: ignore[union-attr]


def test_a_team_without_version_2_keys_stays_team_1(session: Session) -> None:
    """A team@2 file that gives no version 2 key exports as team@1, like every team before."""
    doc = team_doc()
    import_team(session=session, data={**doc, "format": "actplanner/team@2"})
    session.expire_all()
    assert export_team(session=session, team_id=TEAM) == doc


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["clients"][0]["episodes"][1].update(start="2026-12-05"),
        lambda d: d["staff"][0].update(employed_until="2024-04-01"),
        lambda d: d["clients"][0].update(discharged="2025-03-02"),
        lambda d: d["clients"][0]["acuity_changes"].append({"date": "2027-03-01", "acuity": "crisis"}),
    ],
)
def test_a_bad_team_2_file_saves_nothing(session: Session, edit: Any) -> None:
    import_team(session=session, data=team_doc())
    session.flush()
    before = export_team(session=session, team_id=TEAM)
    doc = team_2_doc()
    edit(doc)
    with pytest.raises(FormatError):
        import_team(session=session, data=doc)
    session.expire_all()
    assert export_team(session=session, team_id=TEAM) == before
    assert all(c.episodes == [] for c in session.scalars(select(Client).where(Client.team_id == TEAM)))


def test_a_team_1_file_with_a_version_2_key_is_named(session: Session) -> None:
    doc = team_2_doc()
    doc["format"] = "actplanner/team@1"
    with pytest.raises(FormatError) as caught:
        import_team(session=session, data=doc)
    assert caught.value.messages[0] == (
        'policy.post_discharge: "post_discharge" is a team@2 key: the file must say '
        '"format": "actplanner/team@2"'
    )


def test_the_api_takes_a_team_2_file_and_refuses_a_bad_one_naming_the_field(backend: Backend) -> None:  # noqa: F811
    doc = team_2_doc()
    answer = backend.api(json.dumps(doc).encode())
    assert answer.status_code in (200, 201), answer.text
    stored, _ = backend.state()
    assert stored == dump_team(load_team(doc))
    exported = backend.client.get(
        f"/api/v1/teams/{TEAM}/file", headers={"Authorization": f"Bearer {backend.token}"}
    )
    assert exported.status_code == 200 and exported.json()["format"] == "actplanner/team@2"

    bad = copy.deepcopy(doc)
    bad["clients"][0]["requirements"][0]["every_days"] = 3
    answer = backend.api(json.dumps(bad).encode())
    assert answer.status_code == 422
    assert any(
        line.startswith("clients[0].requirements[0].every_days: every 3 days is too often")
        for line in answer.json()["detail"]
    ), answer.text
    assert backend.state()[0] == stored
