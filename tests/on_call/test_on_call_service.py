"""On-call lookup and the lead's overrides on SQLite and PostgreSQL: published plans only, audited."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from actplanner.db import AuditEvent, OnCallOverride, Team
from actplanner.on_call.service import (
    Gap,
    cancel_override,
    coverage_gaps,
    list_overrides,
    on_call_now,
    record_override,
)
from actplanner.planning.plans import publish_plan
from actplanner.teams.service import import_team
from tests.support.db_factories import create_plan, create_team, create_user, plan_doc, team_doc

CHICAGO = ZoneInfo("America/Chicago")
WEDNESDAY_NOON = datetime(2026, 12, 2, 12, 0, tzinfo=CHICAGO)


def shifted(doc: dict[str, Any], weeks: int) -> dict[str, Any]:
    """A plan file moved ``weeks`` weeks later: the same rota and visits, another week."""
    days = timedelta(weeks=weeks)

    def move(text: str) -> str:
        return (date.fromisoformat(text[:10]) + days).isoformat() + text[10:]

    doc["week_start"] = move(doc["week_start"])
    for visit in doc["visits"]:
        visit["date"] = move(visit["date"])
    for period in doc["on_call"]:
        period["start"], period["end"] = move(period["start"]), move(period["end"])
    return doc


def spans(gaps: list[Gap]) -> list[tuple[datetime, datetime]]:
    """Each gap's start and end: where it ends, or where the look-ahead stops."""
    return [(gap.start, gap.end) for gap in gaps]


def publish(
    session: Session, team: Team, doc: dict[str, Any] | None = None, *, confirmed: bool = False
) -> None:
    plan = create_plan(session, team, doc)
    publish_plan(session=session, plan_id=plan.id, user_id=None, confirmed=confirmed)


def holder(session: Session, team: Team, at: datetime, role: str = "primary") -> str | None:
    answer = on_call_now(session=session, team_id=team.id, at=at)
    found = next(r for r in answer.roles if r.role == role).holder
    return found.id if found else None


def planned(role: str, start: str) -> str:
    return next(p["staff"] for p in plan_doc()["on_call"] if p["role"] == role and p["start"] == start)


def other_primary(session: Session, team: Team, than: str) -> str:
    """A staff member, other than ``than``, who may be primary, is not on leave that week nor backup then."""
    backup = planned("backup", "2026-12-02T08:30")
    for member in team.staff:
        if member.id not in (than, backup) and "primary" in member.on_call_roles and not member.leave:
            return member.id
    raise AssertionError("the fixture has nobody else for primary")


def test_the_answer_comes_from_the_published_plan_only(session: Session) -> None:
    team = create_team(session)
    assert holder(session, team, WEDNESDAY_NOON) is None
    create_plan(session, team)
    assert holder(session, team, WEDNESDAY_NOON) is None, "a draft is not on call"
    publish(session, team)
    assert holder(session, team, WEDNESDAY_NOON) == planned("primary", "2026-12-02T08:30")
    answer = on_call_now(session=session, team_id=team.id, at=WEDNESDAY_NOON)
    assert [r.role for r in answer.roles] == ["primary", "backup", "prescriber"]
    assert [s.role for s in answer.escalation] == ["primary", "backup", "prescriber", "team_leader"]
    assert (
        answer.escalation[-1].person is not None and answer.escalation[-1].person.discipline == "team_leader"
    )
    assert answer.at.utcoffset() == timedelta(hours=-6)


def test_a_cover_takes_effect_at_once_and_is_audited(session: Session) -> None:
    team = create_team(session)
    publish(session, team)
    lead = create_user(session, team_id=team.id)
    before = planned("primary", "2026-12-02T08:30")
    cover = other_primary(session, team, before)
    record_override(
        session=session,
        team_id=team.id,
        role="primary",
        staff_id=cover,
        start="2026-12-02T11:00",
        end="2026-12-02T13:00",
        note="dentist",
        user_id=lead.id,
    )
    assert holder(session, team, WEDNESDAY_NOON) == cover
    assert holder(session, team, WEDNESDAY_NOON - timedelta(hours=1, minutes=1)) == before
    assert holder(session, team, WEDNESDAY_NOON + timedelta(hours=1)) == before
    answer = on_call_now(session=session, team_id=team.id, at=WEDNESDAY_NOON)
    primary = answer.roles[0]
    assert primary.until == datetime(2026, 12, 2, 13, 0, tzinfo=CHICAGO)
    assert primary.next is not None and primary.next.id == before
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "on_call_override")).one()
    assert event.user_id == lead.id and event.detail["replaces"] == [before]


def test_cancelling_an_override_restores_the_plan(session: Session) -> None:
    team = create_team(session)
    publish(session, team)
    before = planned("primary", "2026-12-02T08:30")
    override = record_override(
        session=session,
        team_id=team.id,
        role="primary",
        staff_id=other_primary(session, team, before),
        start="2026-12-02T08:30",
        end="2026-12-03T08:30",
        user_id=None,
    )
    cancel_override(session=session, override_id=override.id, user_id=None)
    cancel_override(session=session, override_id=override.id, user_id=None)
    assert holder(session, team, WEDNESDAY_NOON) == before
    assert list_overrides(session=session, team_id=team.id) == []
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("%override%"))).all()
    assert actions == ["on_call_override", "cancel_on_call_override"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "janitor"}, "role"),
        ({"staff_id": "s-nobody"}, "staff"),
        ({"start": "tomorrow"}, "start"),
        ({"end": "2026-12-02T10:00"}, "end"),
        ({"end": "2027-01-20T10:00"}, "end"),
        ({"start": "2026-12-02T11:00+00:00"}, "start"),
    ],
)
def test_a_bad_override_names_its_field_and_saves_nothing(
    session: Session, change: dict[str, str], field: str
) -> None:
    team = create_team(session)
    publish(session, team)
    fields = {"role": "primary", "staff_id": "s-rn1", "start": "2026-12-02T11:00", "end": "2026-12-02T13:00"}
    fields.update(change)
    with pytest.raises((ValueError, LookupError), match=f"^{field}:"):
        record_override(session=session, team_id=team.id, user_id=None, **fields)
    assert session.scalar(select(func.count()).select_from(OnCallOverride)) == 0
    assert session.scalar(select(func.count()).where(AuditEvent.action == "on_call_override")) == 0


def test_an_override_respects_the_holders_roles_and_leave(session: Session) -> None:
    team = create_team(session)
    prescriber = next(m for m in team.staff if m.discipline == "psychiatrist")
    with pytest.raises(ValueError, match="^staff: .* does not take the primary role"):
        record_override(
            session=session,
            team_id=team.id,
            role="primary",
            staff_id=prescriber.id,
            start="2026-12-02T11:00",
            end="2026-12-02T13:00",
            user_id=None,
        )
    nurse = next(m for m in team.staff if "primary" in m.on_call_roles)
    doc = team_doc()
    member = next(m for m in doc["staff"] if m["id"] == nurse.id)
    member["leave"] = [{"start": "2026-12-02T00:00", "end": "2026-12-03T00:00"}]
    import_team(session=session, data=doc)
    with pytest.raises(ValueError, match="^staff: .* is on leave"):
        record_override(
            session=session,
            team_id=team.id,
            role="primary",
            staff_id=nurse.id,
            start="2026-12-02T20:00",
            end="2026-12-03T08:30",
            user_id=None,
        )


def test_a_cover_never_makes_one_person_primary_and_backup_at_once(session: Session) -> None:
    team = create_team(session)
    publish(session, team)
    backup = planned("backup", "2026-12-02T08:30")
    primary = planned("primary", "2026-12-02T08:30")
    clash = "^staff: .* is already backup from 2026-12-02 08:30 .* cannot be primary and backup"
    with pytest.raises(ValueError, match=clash):
        record_override(
            session=session,
            team_id=team.id,
            role="primary",
            staff_id=backup,
            start="2026-12-02T11:00",
            end="2026-12-02T13:00",
            user_id=None,
        )
    # A cover of the backup role by the primary is the same clash the other way round.
    doc = team_doc()
    next(m for m in doc["staff"] if m["id"] == primary)["on_call_roles"] = ["primary", "backup"]
    next(m for m in doc["staff"] if m["id"] == primary)["discipline"] = "nurse"
    import_team(session=session, data=doc)
    with pytest.raises(ValueError, match="^staff: .* is already primary from"):
        record_override(
            session=session,
            team_id=team.id,
            role="backup",
            staff_id=primary,
            start="2026-12-02T11:00",
            end="2026-12-02T13:00",
            user_id=None,
        )
    assert session.scalar(select(func.count()).select_from(OnCallOverride)) == 0
    # Once someone else covers the backup role, the former backup may cover primary.
    record_override(
        session=session,
        team_id=team.id,
        role="backup",
        staff_id="s-tl1",
        start="2026-12-02T11:00",
        end="2026-12-02T13:00",
        user_id=None,
    )
    record_override(
        session=session,
        team_id=team.id,
        role="primary",
        staff_id=backup,
        start="2026-12-02T11:00",
        end="2026-12-02T13:00",
        user_id=None,
    )
    assert holder(session, team, WEDNESDAY_NOON) == backup
    assert holder(session, team, WEDNESDAY_NOON, "backup") == "s-tl1"


@pytest.mark.parametrize("field", ["start", "end"])
def test_a_cover_at_a_local_time_that_does_not_exist_is_refused(session: Session, field: str) -> None:
    team = create_team(session)
    times = {"start": "2027-03-14T01:00", "end": "2027-03-14T04:00", field: "2027-03-14T02:30"}
    refused = f"^{field}: 2027-03-14 02:30 does not exist in America/Chicago.*03:30 CDT"
    with pytest.raises(ValueError, match=refused):
        record_override(
            session=session, team_id=team.id, role="primary", staff_id="s-rn1", user_id=None, **times
        )
    assert session.scalar(select(func.count()).select_from(OnCallOverride)) == 0
    # Either side of the gap, and the repeated hour of the autumn change, are real times.
    record_override(
        session=session,
        team_id=team.id,
        role="primary",
        staff_id="s-rn1",
        start="2027-03-14T01:59",
        end="2027-03-14T03:00",
        user_id=None,
    )
    record_override(
        session=session,
        team_id=team.id,
        role="primary",
        staff_id="s-rn1",
        start="2026-11-01T01:30",
        end="2026-11-01T03:00",
        user_id=None,
    )


def test_a_gap_to_the_end_of_the_look_ahead_names_the_week_to_publish_not_an_end(session: Session) -> None:
    """The look-ahead's edge moves with the clock: a gap reaching it says the rota is unpublished."""
    team = create_team(session)
    publish(session, team)  # The week of 30 Nov only.
    gaps = coverage_gaps(session=session, team_id=team.id, now=WEDNESDAY_NOON)
    assert [(g.start, g.to_horizon, g.publish_week) for g in gaps] == [
        (datetime(2026, 12, 7, 8, 30, tzinfo=CHICAGO), True, date(2026, 12, 7))
    ]
    words = "from Mon 7 Dec 08:30 (CST): no rota is published after that (publish the week of Mon 7 Dec)"
    assert gaps[0].words == words
    assert "16 Dec" not in gaps[0].words, "the look-ahead's edge is not the gap's end"
    # A minute later the words are the same; the lookup (page, API, CLI) says the same.
    later = coverage_gaps(session=session, team_id=team.id, now=WEDNESDAY_NOON + timedelta(minutes=1))
    assert [g.words for g in later] == [words]
    answer = on_call_now(session=session, team_id=team.id, at=WEDNESDAY_NOON)
    assert [g.words for g in answer.primary_gaps] == [words]


def test_a_gap_between_two_published_weeks_keeps_both_ends(session: Session) -> None:
    """An unpublished week between published ones is a real gap: its start and its end."""
    team = create_team(session)
    publish(session, team)
    publish(session, team, shifted(plan_doc(), 2), confirmed=True)  # The week of 14 Dec; 7 Dec is not.
    gaps = coverage_gaps(session=session, team_id=team.id, now=WEDNESDAY_NOON)
    assert [(g.start, g.end, g.to_horizon, g.publish_week) for g in gaps] == [
        (
            datetime(2026, 12, 7, 8, 30, tzinfo=CHICAGO),
            datetime(2026, 12, 14, 8, 30, tzinfo=CHICAGO),
            False,
            None,
        )
    ]
    assert gaps[0].words == "from Mon 7 Dec 08:30 to Mon 14 Dec 08:30 (CST)"
    answer = on_call_now(session=session, team_id=team.id, at=WEDNESDAY_NOON)
    assert [g.words for g in answer.primary_gaps] == [gaps[0].words]


def test_a_gap_to_the_horizon_before_a_later_published_week_has_no_end_and_no_false_claim(
    session: Session,
) -> None:
    """With a week published beyond the look-ahead, "no rota is published after" would be untrue."""
    team = create_team(session)
    publish(session, team)
    publish(session, team, shifted(plan_doc(), 3), confirmed=True)  # The week of 21 Dec.
    (gap,) = coverage_gaps(session=session, team_id=team.id, now=WEDNESDAY_NOON)
    assert (gap.to_horizon, gap.publish_week) == (True, None)
    assert gap.words == "from Mon 7 Dec 08:30 (CST) to the end of the coming two weeks"


def test_coverage_gaps_show_unpublished_weeks_and_holes_left_by_overrides(session: Session) -> None:
    team = create_team(session)
    monday_nine = datetime(2026, 11, 30, 9, 0, tzinfo=CHICAGO)
    assert spans(coverage_gaps(session=session, team_id=team.id, now=monday_nine)) == [
        (monday_nine, monday_nine + timedelta(days=14))
    ]
    for weeks in range(3):
        # Week 1's plan moved to later weeks breaks Monday's rest after its own Sunday primary
        # (H10 across the boundary), which the lead confirms: the rota's coverage is the question.
        publish(session, team, shifted(plan_doc(), weeks), confirmed=weeks > 0)
    assert coverage_gaps(session=session, team_id=team.id, now=monday_nine) == []
    # Republishing the second week without Wednesday's primary leaves exactly that day uncovered.
    holed = shifted(plan_doc(), 1)
    holed["on_call"] = [
        p for p in holed["on_call"] if not (p["role"] == "primary" and p["start"] == "2026-12-09T08:30")
    ]
    publish(session, team, holed, confirmed=True)  # The lead confirms publishing the H9 hole.
    assert spans(coverage_gaps(session=session, team_id=team.id, now=monday_nine)) == [
        (datetime(2026, 12, 9, 8, 30, tzinfo=CHICAGO), datetime(2026, 12, 10, 8, 30, tzinfo=CHICAGO))
    ]
