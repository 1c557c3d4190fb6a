"""Team files go into the database and come back out unchanged."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actplanner.db import AuditEvent, Client, Staff, Team, User
from actplanner.domain.adapter import to_problem
from actplanner.domain.errors import NotFound
from actplanner.domain.formats import FormatError, dump_team, load_team
from actplanner.teams.service import export_team, import_team, team_file
from tests.support.db_factories import WEEK, create_team, create_user, team_doc


def _counts(session: Session) -> dict[str, int]:
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Team, Staff, Client, User, AuditEvent)
    }


@pytest.mark.parametrize("name", ["small", "standard", "large"])
def test_export_gives_back_the_imported_team_file(session: Session, name: str) -> None:
    """Importing a fixture and exporting it gives the same team file, order of staff and clients kept."""
    doc = team_doc(name)
    team = import_team(session=session, data=doc)
    session.expire_all()
    exported = export_team(session=session, team_id=team.id)
    assert exported == dump_team(load_team(doc))
    assert [s["id"] for s in exported["staff"]] == [s["id"] for s in doc["staff"]]
    assert [c["id"] for c in exported["clients"]] == [c["id"] for c in doc["clients"]]


def test_keys_given_with_default_values_come_back(session: Session) -> None:
    """Optional keys a file gives with their default (null, false, []) are exported, absent ones are not."""
    doc = team_doc("small")
    doc["team"]["office"]["label"] = None
    doc["staff"][0].update(phone=None, languages=[], start=None, max_visits_per_day=None)
    doc["staff"][1]["start"] = {"lat": 41.9, "lon": -87.7, "label": None}
    doc["clients"][0].update(paired=False, availability=None, itt=None, excluded_staff=[], requirements=[])
    doc["clients"][1].pop("name", None)
    import_team(session=session, data=doc)
    session.expire_all()
    assert export_team(session=session, team_id=doc["team"]["id"]) == dump_team(load_team(doc))


def test_import_accepts_the_file_as_bytes(session: Session) -> None:
    """A team file uploaded as bytes imports like its parsed dict."""
    text = json.dumps(team_doc("small")).encode()
    team = import_team(session=session, data=text)
    assert len(team.staff) == len(team_doc("small")["staff"])


def test_broken_team_file_changes_nothing(session: Session) -> None:
    """A team file with an error raises FormatError and leaves every table as it was."""
    create_team(session)
    exported = export_team(session=session, team_id="west-town-small")
    before = _counts(session)
    broken = team_doc("small")
    broken["staff"].pop()
    broken["clients"][3]["availability"] = {"tue": [["25:00", "26:00"]]}
    with pytest.raises(FormatError, match=r"clients\[3\]\.availability\.tue\[0\]"):
        import_team(session=session, data=broken)
    assert _counts(session) == before
    session.expire_all()
    assert team_file(session=session, team_id="west-town-small") == load_team(exported)


def test_reimport_replaces_staff_and_clients_and_keeps_logins(session: Session) -> None:
    """Importing a changed file replaces the team's staff and clients; logins stay, linked where they can."""
    team = create_team(session)
    kept, dropped = team.staff[0].id, team.staff[-1].id
    create_user(session, username="kept", role="staff", team_id=team.id, staff_id=kept)
    create_user(session, username="dropped", role="staff", team_id=team.id, staff_id=dropped)
    doc = team_doc("small")
    doc["staff"] = [s for s in doc["staff"] if s["id"] != dropped][::-1]
    for client in doc["clients"]:
        if dropped in client.get("itt", []):
            client.pop("itt")
            client.pop("primary", None)
        client["excluded_staff"] = [s for s in client.get("excluded_staff", []) if s != dropped]
    doc["clients"] = doc["clients"][1:]
    import_team(session=session, data=doc)
    session.expire_all()
    assert export_team(session=session, team_id=team.id) == dump_team(load_team(doc))
    logins = {u.username: u.staff_id for u in session.scalars(select(User))}
    assert logins == {"kept": kept, "dropped": None}


def test_import_and_export_are_audited(session: Session) -> None:
    """Importing and exporting a team each leave an audit event naming the team and the user."""
    user = create_user(session)
    import_team(session=session, data=team_doc("small"), user_id=user.id)
    export_team(session=session, team_id="west-town-small", user_id=user.id)
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.target, e.user_id) for e in events] == [
        ("import", "team:west-town-small", user.id),
        ("export", "team:west-town-small", user.id),
    ]


def test_team_file_is_ready_for_the_solver(session: Session) -> None:
    """The stored team converts to a solver problem with every staff member and client."""
    team = create_team(session)
    problem = to_problem(team_file(session=session, team_id=team.id), WEEK)
    assert len(problem.staff) == len(team.staff) and len(problem.clients) == len(team.clients)


def test_unknown_team_is_not_found(session: Session) -> None:
    """Exporting a team that does not exist raises NotFound."""
    with pytest.raises(NotFound):
        export_team(session=session, team_id="nowhere")
