"""Part B team files in and out of the database (contracts, the policy's rostering keys), and a
contracted staff member's requests written into their contract."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.db import AuditEvent, Staff
from actplanner.domain.errors import NotFound
from actplanner.domain.formats import FormatError, dump_team, load_team
from actplanner.teams.service import clear_request, export_team, import_team, set_request, team_file
from tests.support.part_b_files import part_b_doc

TEAM = "west-town-small"


def _requests(session: Session, staff_id: str) -> list[dict[str, object]]:
    session.expire_all()
    member = next(m for m in export_team(session=session, team_id=TEAM)["staff"] if m["id"] == staff_id)
    return list(member["contract"].get("requests", []))


def test_a_part_b_team_file_comes_back_as_it_was_imported(session: Session) -> None:
    doc = part_b_doc()
    import_team(session=session, data=doc)
    session.expire_all()
    exported = export_team(session=session, team_id=TEAM)
    assert exported == dump_team(load_team(doc)) == doc
    member = session.get(Staff, (TEAM, "s-cm1"))
    assert member is not None and member.contract is not None and member.shifts == {}
    assert member.contract["requests"][0] == {"date": "2026-12-04", "off": True}
    fixed = session.get(Staff, (TEAM, "s-rn1"))
    assert fixed is not None and fixed.contract is None and fixed.shifts["holiday"] == ["09:00", "17:00"]
    loaded = team_file(session=session, team_id=TEAM)
    assert loaded.policy.team_meeting is not None and loaded.policy.holidays[1].name == "Christmas Day"


def test_a_contract_given_as_null_comes_back_null(session: Session) -> None:
    doc = part_b_doc()
    doc["staff"][0]["contract"] = None
    import_team(session=session, data=doc)
    session.expire_all()
    assert export_team(session=session, team_id=TEAM)["staff"][0]["contract"] is None


def test_a_request_replaces_the_dates_earlier_one_and_is_audited(session: Session) -> None:
    import_team(session=session, data=part_b_doc())
    set_request(session, TEAM, "s-cm1", "2026-12-04", shift="day", user_id=None)
    set_request(session, TEAM, "s-cm1", "2026-12-03", off=True)
    assert _requests(session, "s-cm1") == [
        {"date": "2026-12-02", "shift": "late"},
        {"date": "2026-12-03", "off": True},
        {"date": "2026-12-04", "shift": "day"},
    ]
    imports = session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).all()
    assert len(imports) == 3  # the team's import and one per request


def test_clearing_a_request_leaves_the_others(session: Session) -> None:
    import_team(session=session, data=part_b_doc())
    clear_request(session, TEAM, "s-cm1", "2026-12-04")
    assert _requests(session, "s-cm1") == [{"date": "2026-12-02", "shift": "late"}]
    clear_request(session, TEAM, "s-cm1", "2026-12-02")
    assert _requests(session, "s-cm1") == []
    clear_request(session, TEAM, "s-cm1", "2026-12-02")  # nothing there: nothing changes


def test_a_first_request_of_a_contract_without_any(session: Session) -> None:
    import_team(session=session, data=part_b_doc())
    set_request(session, TEAM, "s-cm2", "2026-12-25", off=True)
    assert _requests(session, "s-cm2") == [{"date": "2026-12-25", "off": True}]
    assert team_file(session=session, team_id=TEAM).staff[4].contract.requests[0].off  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("staff_id", "date", "kwargs", "says"),
    [
        ("s-rn1", "2026-12-04", {"off": True}, "Sofia Delgado works fixed hours, not a contract"),
        ("s-cm1", "4 Dec", {"off": True}, "expected YYYY-MM-DD"),
        ("s-cm1", "2026-02-30", {"off": True}, "expected YYYY-MM-DD"),
        ("s-cm1", "2026-12-04", {"shift": "night"}, "'night' is not one of the team's shift types"),
        ("s-cm2", "2026-12-05", {"shift": "weekend"}, "contract does not allow the 'weekend' shift"),
        ("s-cm1", "2026-12-04", {"off": True, "shift": "day"}, "not both"),
        ("s-cm1", "2026-12-04", {}, "the day off, or a shift type"),
    ],
)
def test_a_request_that_cannot_be_made_says_why_and_changes_nothing(
    session: Session, staff_id: str, date: str, kwargs: dict[str, object], says: str
) -> None:
    import_team(session=session, data=part_b_doc())
    before = export_team(session=session, team_id=TEAM)
    with pytest.raises(FormatError, match=says):
        set_request(session, TEAM, staff_id, date, **kwargs)  # type: ignore[arg-type]
    session.expire_all()
    assert export_team(session=session, team_id=TEAM) == before


def test_a_request_of_an_unknown_staff_member_is_not_found(session: Session) -> None:
    import_team(session=session, data=part_b_doc())
    with pytest.raises(NotFound, match="s-xx"):
        set_request(session, TEAM, "s-xx", "2026-12-04", off=True)
    with pytest.raises(NotFound, match="s-xx"):
        clear_request(session, TEAM, "s-xx", "2026-12-04")
