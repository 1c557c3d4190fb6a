"""The client page says what is in force for the client on a day, and why: program dates, the
acuity of the week and the change that set it or the next one, a hospital stay or absence, the
post-discharge rule after a stay, and when each recurring requirement falls due next, read from
the contacts in the database. Through the app's TestClient; the view is audited."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select

from actplanner.contacts.service import record_contact
from actplanner.db import AuditEvent
from actplanner.teams.service import import_team
from tests.support.web_factories import World, db, sign_in
from tests.teams.v2_files import team_2_doc


def use(app: FastAPI, doc: dict[str, Any]) -> None:
    with db(app) as session:
        import_team(session=session, data=doc)
        session.commit()


def shown(client: TestClient, day: str, client_id: str = "c-001") -> str:
    answer = client.get(f"/team/clients/{client_id}/edit?day={day}")
    assert answer.status_code == 200, answer.text
    return answer.text


def stepping_down() -> dict[str, Any]:
    """The team@2 sample with its first client at high acuity, stepping down to moderate."""
    doc = team_2_doc()
    doc["clients"][0]["acuity"] = "high"
    return doc


def test_a_client_in_hospital_is_said_to_be_there_with_the_visits_the_itt_makes(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    use(app, stepping_down())
    page = shown(client, "2026-12-03")
    assert "In force on Thursday 3 December 2026" in page
    assert (
        "In hospital since Tue 1 Dec 2026 (County hospital), 1 hospital visit a week by the ITT; "
        "home on Tue 8 Dec 2026." in page
    )
    assert "On the program since Sun 2 Mar 2025." in page
    # The step-down on 2027-01-04 (a Monday) is coming, not in force.
    assert (
        "Acuity in force for the week of Mon 30 Nov 2026: high; "
        "steps down to moderate from the week of Mon 4 Jan 2027." in page
    )
    # Only the Monday before the stay is open: 5 a week scaled to ceil(5 × 1 / 7) = 1.
    assert (
        "Home visits the week of Mon 30 Nov 2026 needs: 1 "
        "(their acuity&#39;s is 5 a week; 1 of its 7 days open)" in page
    )
    assert "Discharged from hospital" not in page
    # The injection falls due from its last date on file, 14 days on, window 2 days.
    assert (
        "LAI injection: next due Fri 4 Dec 2026 (window Wed 2 Dec 2026 to Sun 6 Dec 2026); "
        "last given Fri 20 Nov 2026." in page
    )


def test_after_a_stay_the_post_discharge_rule_is_said_until_its_last_day(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    use(app, stepping_down())
    page = shown(client, "2026-12-10")
    assert (
        "Discharged from hospital on Tue 8 Dec 2026: post-discharge rule until Mon 21 Dec 2026 "
        "(3 visits a week, first within 2 days)." in page
    )
    assert "In hospital since" not in page
    # 14 days after the end, the rule is over.
    assert "Discharged from hospital" not in shown(client, "2026-12-22")


def test_an_acuity_change_in_force_says_what_it_changed_from_and_when(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    use(app, stepping_down())
    page = shown(client, "2027-01-06")
    assert (
        "Acuity in force for the week of Mon 4 Jan 2027: moderate, changed from high on Mon 4 Jan 2027."
        in page
    )
    # A change to more visits steps up.
    use(app, team_2_doc())
    assert "stable; steps up to moderate from the week of Mon 4 Jan 2027." in shown(client, "2026-12-28")


def test_an_open_ended_absence_and_a_discharge_from_the_program(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    doc = team_2_doc()
    doc["clients"][0]["discharged"] = "2027-03-01"
    use(app, doc)
    page = shown(client, "2027-02-10")
    assert "Away since Mon 1 Feb 2027; no end date yet: no home visits until then." in page
    assert "On the program since Sun 2 Mar 2025; discharged from the program on Mon 1 Mar 2027." in page
    assert "Not on the program: discharged on Mon 1 Mar 2027." in shown(client, "2027-03-01")
    assert "Not on the program yet: admitted from Sun 2 Mar 2025." in shown(client, "2025-03-01")


def test_a_recorded_injection_moves_the_next_due_date_and_the_view_is_audited(
    app: FastAPI, client: TestClient, world: World
) -> None:
    sign_in(client, "lead")
    use(app, team_2_doc())
    before = shown(client, "2026-11-25")
    assert (
        "LAI injection: next due Fri 4 Dec 2026 (window Wed 2 Dec 2026 to Sun 6 Dec 2026); "
        "last given Fri 20 Nov 2026." in before
    )
    with db(app) as session:
        entry = {
            "client": "c-001",
            "staff": ["s-rn1"],
            "date": "2026-11-23",
            "start": "10:00",
            "minutes": 30,
            "outcome": "done",
            "mode": "face_to_face",
            "place": "home",
            "skills": ["lai_injection"],
        }
        record_contact(session=session, team_id="west-town-small", entry=entry, by=None)
        session.commit()
    after = shown(client, "2026-11-25")
    assert (
        "LAI injection: next due Mon 7 Dec 2026 (window Sat 5 Dec 2026 to Wed 9 Dec 2026); "
        "last given Mon 23 Nov 2026." in after
    )
    # Read only before the day shown: on the day of the contact it is not yet given.
    assert "last given Fri 20 Nov 2026." in shown(client, "2026-11-23")
    with db(app) as session:
        event = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "view_phi", AuditEvent.target == "client:c-001")
            .order_by(AuditEvent.id.desc())
        ).first()
    assert event is not None
    assert event.detail["day"] == "2026-11-23" and "in force" in event.detail["fields"]


def test_a_day_that_is_not_a_date_is_named(app: FastAPI, client: TestClient, world: World) -> None:
    sign_in(client, "lead")
    answer = client.get("/team/clients/c-001/edit?day=soon")
    assert answer.status_code == 422
    assert "day: " in answer.text and "is not a date (YYYY-MM-DD)." in answer.text
