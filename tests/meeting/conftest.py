"""The Today page's world: the small team with a hand-made published plan for the week of 2026-11-30
and a few recorded contacts, looked at on Tuesday 2026-12-01 (see ``meeting_week``)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from actplanner.contacts.service import import_contacts
from actplanner.planning.plans import publish_plan, save_plan
from tests.support.contact_files import MON, THU, TUE, WEEK, contact, contact_log, missed, plan_file, visit
from tests.support.web_factories import TEAM, World, db

#: The day the tests look at: a Tuesday, so "yesterday" is the plan's Monday.
DAY = TUE


def week_plan() -> dict[str, Any]:
    """Monday: c-002 (missed), c-004 (done), c-010 (nothing recorded); today c-004 with the nurse and a case
    manager; Thursday the psychiatrist sees c-009. The nurse s-rn1 is primary on call Monday night."""
    doc = plan_file(
        WEEK,
        visit("v-1", "c-002", ["s-rn1"], MON, "09:00", "09:45"),
        visit("v-2", "c-004", ["s-cm1"], MON, "10:00", "10:45"),
        visit("v-3", "c-010", ["s-cm2"], MON, "11:00", "11:45"),
        visit("v-4", "c-004", ["s-rn1", "s-cm1"], TUE, "13:00", "13:45", purpose="med_delivery"),
        visit("v-5", "c-009", ["s-md1"], THU, "14:00", "14:45"),
        team=TEAM,
    )
    doc["on_call"] = [
        {"role": "primary", "staff": "s-rn1", "start": f"{MON}T08:30", "end": f"{TUE}T08:30"},
        {"role": "backup", "staff": "s-tl1", "start": f"{MON}T08:30", "end": f"{TUE}T08:30"},
    ]
    return doc


def recorded() -> list[dict[str, Any]]:
    """c-002 no-show Monday; c-004 seen Monday by the case manager; c-016 (moderate, limit 4) last seen 6 days
    before; c-001 (stable, limit 8) too; c-013's injection given inside its window on Saturday."""
    return [
        missed("k-1", client="c-002", staff=["s-rn1"], date=MON, visit="v-1"),
        contact("k-2", client="c-004", staff=["s-cm1"], date=MON, start="10:05", visit="v-2"),
        contact("k-3", client="c-016", staff=["s-sw1"], date="2026-11-25", start="11:00"),
        contact("k-4", client="c-001", staff=["s-tl1"], date="2026-11-25", start="12:00"),
        contact("k-5", client="c-013", staff=["s-rn1"], date="2026-11-28", skills=["lai_injection"]),
    ]


@pytest.fixture
def meeting_week(app: FastAPI, world: World) -> None:
    """The week's plan published and the contacts recorded, as the lead."""
    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=week_plan(), source="edit")
        publish_plan(session=session, plan_id=saved.id, user_id=world.lead_id, confirmed=True)
        import_contacts(
            session=session, team_id=TEAM, data=contact_log(*recorded(), team=TEAM), by=world.lead_id
        )
        session.commit()
