"""Part B plans in the database (migration 0009): a plan's shifts and breaks are stored and read back
as the file gave them, keep their calendar UID across versions, are changed and pinned in a new draft
(``plans.set_shift``), published with the plan, and read as history by the next week's solve."""

from __future__ import annotations

import os
import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actplanner.db import AuditEvent, SolveJob
from actplanner.domain.adapter import to_problem
from actplanner.domain.formats import load_team
from actplanner.planning import plans, worker
from actplanner.planning.history import history_weeks, team_history
from actplanner.planning.jobs import claim_next_job, enqueue_solve
from actplanner.planning.shift_edit import ShiftEditError
from actplanner.teams.service import import_team
from tests.support.part_b_files import part_b_doc, roster_doc
from tests.support.team_files import team_file as team_doc

TEAM = "west-town-small"
MONDAY = date(2026, 12, 21)
TUESDAY = date(2026, 12, 22)


@pytest.fixture
def team(session: Session) -> None:
    import_team(session=session, data=part_b_doc())


def _save(session: Session, doc: dict[str, Any], baseline: int | None = None) -> int:
    saved = plans.save_plan(
        session=session, team_id=TEAM, plan_file=doc, source="solve", baseline_plan_id=baseline
    )
    session.expire_all()
    return saved.id


def _shift(doc: dict[str, Any], staff: str, day: date) -> dict[str, Any] | None:
    return next(
        (s for s in doc.get("shifts", []) if s["staff"] == staff and s["date"] == day.isoformat()), None
    )


def test_a_stored_roster_comes_back_as_the_file_gave_it(session: Session, team: None) -> None:
    doc = roster_doc()
    plan_id = _save(session, doc)
    assert plans.stored_plan_doc(session=session, plan_id=plan_id) == doc
    rows = plans.get_plan(session=session, plan_id=plan_id).shifts
    assert [(r.staff_id, r.type, r.pinned) for r in rows] == [
        ("s-cm1", "day", True),
        ("s-rn1", None, False),
        ("s-cm2", "late", False),
    ]
    # Random calendar UIDs, one per shift, that say nothing of the staff member.
    assert all(re.fullmatch(r"[0-9a-f]{32}", r.uid) for r in rows) and len({r.uid for r in rows}) == 3


def test_a_roster_without_breaks_or_type_keys_comes_back_so(session: Session, team: None) -> None:
    doc = roster_doc()
    doc["breaks"] = []
    del doc["shifts"][2]["type"]  # a fixed shift may leave its type out
    plan_id = _save(session, doc)
    stored = plans.stored_plan_doc(session=session, plan_id=plan_id)
    assert stored == doc and stored["breaks"] == [] and "type" not in stored["shifts"][2]


def test_a_plan_without_a_roster_has_neither_key(session: Session, team: None) -> None:
    doc = roster_doc()
    del doc["shifts"], doc["breaks"]
    doc["format"] = "actplanner/plan@1"
    plan_id = _save(session, doc)
    stored = plans.stored_plan_doc(session=session, plan_id=plan_id)
    assert stored == doc and "shifts" not in stored and "breaks" not in stored


def test_a_shift_keeps_its_uid_across_versions_and_its_sequence_rises_when_it_changes(
    session: Session, team: None
) -> None:
    first = _save(session, roster_doc())
    plans.publish_plan(session=session, plan_id=first, user_id=None, confirmed=True)
    before = {(s.staff_id, s.date): s for s in plans.get_plan(session=session, plan_id=first).shifts}
    doc = roster_doc()
    doc["shifts"][2].update(type="day", start="08:30", end="17:00")
    second = _save(session, doc)
    after = {(s.staff_id, s.date): s for s in plans.get_plan(session=session, plan_id=second).shifts}
    same, changed = ("s-cm1", MONDAY), ("s-cm2", MONDAY)
    assert after[same].uid == before[same].uid and after[same].sequence == before[same].sequence
    assert (
        after[changed].uid == before[changed].uid and after[changed].sequence == before[changed].sequence + 1
    )


def test_set_shift_changes_one_shift_in_the_working_draft_with_a_break_clear_of_the_visits(
    session: Session, team: None
) -> None:
    plan_id = _save(session, roster_doc())
    draft = plans.set_shift(session, plan_id, "s-cm1", TUESDAY, "day")
    # A draft is the lead's working copy: changed in place, no new draft.
    assert draft.id == plan_id and draft.status == "draft" and draft.source == "edit"
    doc = plans.stored_plan_doc(session=session, plan_id=draft.id)
    assert _shift(doc, "s-cm1", TUESDAY) == {
        "staff": "s-cm1",
        "date": TUESDAY.isoformat(),
        "type": "day",
        "start": "08:30",
        "end": "17:00",
        "pinned": True,
    }
    # 8.5 hours is over the rule's 6: a 30-minute break in 11:30-14:30 (no visit on Tuesday).
    assert {"staff": "s-cm1", "date": TUESDAY.isoformat(), "start": "11:30", "end": "12:00"} in doc["breaks"]
    # Its state before the change is kept as the undo step.
    plans.undo_edit(session=session, plan_id=plan_id, user_id=None)
    assert plans.stored_plan_doc(session=session, plan_id=plan_id) == roster_doc()


def test_a_new_window_moves_the_break_off_a_visit(session: Session, team: None) -> None:
    plan_id = _save(session, roster_doc())
    draft = plans.set_shift(session, plan_id, "s-cm1", MONDAY, "late", pinned=False)
    doc = plans.stored_plan_doc(session=session, plan_id=draft.id)
    assert _shift(doc, "s-cm1", MONDAY) == {
        "staff": "s-cm1",
        "date": MONDAY.isoformat(),
        "type": "late",
        "start": "11:30",
        "end": "20:00",
    }
    # The visit runs 11:30-12:30: the break is the first half hour after it.
    assert [b for b in doc["breaks"] if b["staff"] == "s-cm1"] == [
        {"staff": "s-cm1", "date": MONDAY.isoformat(), "start": "12:30", "end": "13:00"}
    ]


def test_a_day_off_removes_the_shift_and_its_break(session: Session, team: None) -> None:
    plan_id = _save(session, roster_doc())
    draft = plans.set_shift(session, plan_id, "s-cm1", MONDAY, None)
    doc = plans.stored_plan_doc(session=session, plan_id=draft.id)
    assert _shift(doc, "s-cm1", MONDAY) is None
    assert doc["breaks"] == [] and len(doc["shifts"]) == 2


def test_pinning_keeps_the_window_and_the_break(session: Session, team: None) -> None:
    plan_id = _save(session, roster_doc())
    draft = plans.pin_shift(session, plan_id, "s-cm2", MONDAY)
    doc = plans.stored_plan_doc(session=session, plan_id=draft.id)
    assert _shift(doc, "s-cm2", MONDAY) == {**roster_doc()["shifts"][2], "pinned": True}
    unpinned = plans.pin_shift(session, plan_id, "s-cm1", MONDAY, pinned=False)
    doc = plans.stored_plan_doc(session=session, plan_id=unpinned.id)
    assert "pinned" not in (_shift(doc, "s-cm1", MONDAY) or {})
    assert doc["breaks"] == roster_doc()["breaks"]
    with pytest.raises(ShiftEditError, match="no shift on 2026-12-22"):
        plans.pin_shift(session, plan_id, "s-cm1", TUESDAY)


@pytest.mark.parametrize(
    ("staff", "day", "kind", "says"),
    [
        ("s-cm1", TUESDAY, "night", "no shift type 'night'"),
        ("s-rn1", TUESDAY, "day", "Sofia Delgado works fixed hours"),
        ("s-xx", TUESDAY, "day", "no staff member 's-xx'"),
        ("s-cm1", date(2026, 12, 28), "day", "not in the week of 2026-12-21"),
    ],
)
def test_a_shift_change_that_cannot_be_made_says_why_and_saves_nothing(
    session: Session, team: None, staff: str, day: date, kind: str, says: str
) -> None:
    plan_id = _save(session, roster_doc())
    count = len(plans.week_plans(session=session, team_id=TEAM, week_start=MONDAY))
    with pytest.raises(ShiftEditError, match=says):
        plans.set_shift(session, plan_id, staff, day, kind)
    assert len(plans.week_plans(session=session, team_id=TEAM, week_start=MONDAY)) == count


def test_a_published_roster_is_the_next_weeks_history(session: Session, team: None) -> None:
    plan_id = _save(session, roster_doc())
    draft = plans.set_shift(session, plan_id, "s-cm1", TUESDAY, "day")
    plans.publish_plan(session=session, plan_id=draft.id, user_id=None, confirmed=True)
    session.expire_all()
    published = plans.stored_plan_doc(session=session, plan_id=draft.id)
    assert _shift(published, "s-cm1", TUESDAY) is not None
    history = team_history(session, TEAM, date(2026, 12, 28))
    record = history.plans[MONDAY]
    assert record.shifts is not None and record.breaks is not None
    assert [(s.staff, s.date, s.type) for s in record.shifts if s.staff == "s-cm1"] == [
        ("s-cm1", "2026-12-21", "day"),
        ("s-cm1", "2026-12-22", "day"),
    ]
    assert record.format == "actplanner/plan@2"


def test_a_draft_of_an_earlier_week_stands_for_it_with_its_shifts(session: Session, team: None) -> None:
    """A plan of several weeks reads the drafts just made for the weeks before."""
    plan_id = _save(session, roster_doc())
    history = team_history(session, TEAM, date(2026, 12, 28), drafts={MONDAY: plan_id})
    assert len(history.plans[MONDAY].shifts or []) == 3


def test_a_week_without_a_roster_is_history_without_shifts(session: Session, team: None) -> None:
    doc = roster_doc()
    del doc["shifts"], doc["breaks"]
    doc["format"] = "actplanner/plan@1"
    plan_id = _save(session, doc)
    plans.publish_plan(session=session, plan_id=plan_id, user_id=None, confirmed=True)
    record = team_history(session, TEAM, date(2026, 12, 28)).plans[MONDAY]
    assert record.shifts is None and record.format == "actplanner/plan@1"


def test_rostered_teams_read_back_the_three_weekends_before() -> None:
    """Weekends per 4 weeks read the 3 weekends before the week, even when nothing else reads as far."""
    doc = team_doc()
    doc["format"] = "actplanner/team@2"
    doc["policy"]["on_call"]["fairness_weeks"] = 1
    assert history_weeks(load_team(doc)) == 2
    doc["policy"]["team_meeting"] = {"days": ["mon"], "start": "08:30", "end": "09:15"}
    assert history_weeks(load_team(doc)) == 3


class _Spied(Exception):
    """Ends a job once the spy has seen what the worker gives the adapter (no solve needed)."""


def _job_sees(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, **enqueue: Any
) -> dict[str, Any]:
    """What a worker running a solve of the Christmas week passes to ``to_problem``, and the problem."""
    seen: dict[str, Any] = {}

    def spy(team: Any, week_start: date, **kw: Any) -> Any:
        seen.update(kw, problem=to_problem(team, week_start, **kw))
        raise _Spied("seen")

    monkeypatch.setattr(worker, "to_problem", spy)
    with factory.begin() as session:
        job_id = enqueue_solve(session=session, team_id=TEAM, week_start=MONDAY, time_limit=1, **enqueue).id
    with factory.begin() as session:
        claimed = claim_next_job(session=session, worker_pid=os.getpid())
        assert claimed is not None and claimed.id == job_id
    job = worker.run_job(sessionmaker=factory, job_id=job_id)
    assert job.status == "failed" and "seen" in (job.error or "")
    return seen


@pytest.fixture
def published(factory: sessionmaker[Session]) -> int:
    """The id of the Christmas week's published roster."""
    with factory.begin() as session:
        import_team(session=session, data=part_b_doc())
        plan_id = _save(session, roster_doc())
        plans.publish_plan(session=session, plan_id=plan_id, user_id=None, confirmed=True)
    return plan_id


def test_a_re_plan_keeps_the_published_roster_but_for_the_staff_re_rostered(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, published: int
) -> None:
    seen = _job_sees(factory, monkeypatch, baseline_plan_id=published, re_roster=["s-cm2", "s-cm2"])
    assert seen["re_roster"] == ("s-cm2",)
    assert len(seen["baseline"].shifts) == 3  # the worker's baseline carries the roster
    kept = seen["problem"].roster.kept
    assert kept[("s-cm1", 0)] is not None and kept[("s-cm1", 0)].name == "day"
    assert ("s-cm2", 0) not in kept
    with factory() as session:
        job = session.scalars(select(SolveJob)).one()
        assert job.re_roster == ["s-cm2"]
        detail = session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "solve")).one()
        assert detail is not None and detail["re_roster"] == ["s-cm2"]


def test_without_re_roster_a_re_plan_keeps_everyones_roster(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, published: int
) -> None:
    seen = _job_sees(factory, monkeypatch, baseline_plan_id=published)
    assert seen["re_roster"] == ()
    kept = seen["problem"].roster.kept
    assert kept[("s-cm2", 0)] is not None and kept[("s-cm2", 0)].name == "late"


def test_re_rostering_someone_the_team_lacks_is_refused(
    factory: sessionmaker[Session], published: int
) -> None:
    with (
        factory.begin() as session,
        pytest.raises(ValueError, match="re_roster: the team has no staff member 's-xx'"),
    ):
        enqueue_solve(
            session=session,
            team_id=TEAM,
            week_start=MONDAY,
            time_limit=1,
            baseline_plan_id=published,
            re_roster=["s-xx"],
        )
