"""Plans are stored by version, published in turn, and keep their calendar UIDs across versions."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from actplanner.db import AuditEvent, OnCallPeriod, Plan, Team, Visit
from actplanner.db.unit_of_work import unit_of_work
from actplanner.domain.formats import FormatError, dump_plan, load_plan
from actplanner.planning import edits, plans
from actplanner.planning.plans import plan_diff, publish_plan, published_plan, save_plan, stored_plan_doc
from tests.support.db_factories import WEEK, create_plan, create_team, create_user, plan_doc


def _uids(plan: Plan) -> dict[str, str]:
    return {v.id: v.uid for v in plan.visits}


def test_plan_file_comes_back_exactly_as_saved(session: Session) -> None:
    """A saved solver plan reads back as the identical plan file."""
    team = create_team(session)
    doc = plan_doc()
    plan = create_plan(session, team, doc)
    session.expire_all()
    assert stored_plan_doc(session=session, plan_id=plan.id) == dump_plan(load_plan(doc))
    assert plan.status == "draft" and plan.version is None


def test_keys_given_with_default_values_come_back(session: Session) -> None:
    """A plan file's explicit defaults (null purpose, pinned false, no solver block) survive the trip."""
    team = create_team(session)
    doc = plan_doc()
    doc["visits"][0].update(purpose=None, pinned=False)
    doc["visits"][1]["pinned"] = True
    doc["visits"][2].pop("purpose")
    doc["solver"] = None
    del doc["metrics"]
    plan = create_plan(session, team, doc)
    session.expire_all()
    assert stored_plan_doc(session=session, plan_id=plan.id) == dump_plan(load_plan(doc))


def test_broken_plan_file_changes_nothing(session: Session) -> None:
    """A plan file with an error, or for another team, raises and stores nothing."""
    team = create_team(session)
    broken = plan_doc()
    broken["visits"][0]["start"] = "9:00"
    with pytest.raises(FormatError, match=r"visits\[0\]\.start"):
        create_plan(session, team, broken)
    with pytest.raises(ValueError, match="not 'elsewhere'"):
        save_plan(session=session, team_id="elsewhere", plan_file=plan_doc(), source="solve")
    for model in (Plan, Visit, OnCallPeriod):
        assert session.scalar(select(func.count()).select_from(model)) == 0


def test_publishing_numbers_versions_and_supersedes_the_last(session: Session) -> None:
    """Publishing drafts of one week makes versions 1 and 2; version 1 becomes superseded."""
    team = create_team(session)
    lead = create_user(session, team_id=team.id)
    first = publish_plan(session=session, plan_id=create_plan(session, team).id, user_id=lead.id)
    assert (first.status, first.version, first.published_by) == ("published", 1, lead.id)
    second = publish_plan(session=session, plan_id=create_plan(session, team).id, user_id=lead.id)
    assert (first.status, second.status, second.version) == ("superseded", "published", 2)
    assert published_plan(session=session, team_id=team.id, week_start=WEEK) is second
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.action == "publish")).all()
    assert len(actions) == 2


def test_only_a_draft_can_be_published(session: Session) -> None:
    """Publishing a plan that is already published is refused with a plain message."""
    team = create_team(session)
    plan = publish_plan(session=session, plan_id=create_plan(session, team).id, user_id=None)
    with pytest.raises(ValueError, match="only a draft"):
        publish_plan(session=session, plan_id=plan.id, user_id=None)


def test_uids_are_carried_forward_for_kept_visits_and_fresh_for_new_ones(session: Session) -> None:
    """A re-plan keeps the UID of the baseline visit it pairs with, moved or not; a move bumps SEQUENCE."""
    team = create_team(session)
    baseline = create_plan(session, team)
    doc = plan_doc()
    doc["visits"][0]["start"], doc["visits"][0]["end"] = "13:00", "13:45"
    # A new id on a day its client had no visit: a new visit (a new id alone pairs by client and day).
    renamed = doc["visits"][1]
    taken = {v["date"] for v in doc["visits"] if v["client"] == renamed["client"]}
    renamed["id"] = "v-new1"
    renamed["date"] = next(d for d in (f"2026-12-0{n}" for n in range(1, 7)) if d not in taken)
    dropped = doc["visits"].pop()
    replan = create_plan(session, team, doc, source="replan", baseline_plan_id=baseline.id)
    old, new = _uids(baseline), _uids(replan)
    assert all(new[i] == old[i] for i in new if i != "v-new1")
    assert new["v-new1"] not in old.values()
    assert dropped["id"] not in new
    sequences = {v.id: v.sequence for v in replan.visits}
    assert sequences[doc["visits"][0]["id"]] == 1 and sequences[doc["visits"][2]["id"]] == 0
    assert [p.uid for p in replan.on_call] == [p.uid for p in baseline.on_call]


def test_uids_are_random_not_derived_from_ids(session: Session) -> None:
    """Two saves of the same plan (nothing published) share no UID, and every UID is a random uuid4."""
    team = create_team(session)
    one, two = create_plan(session, team), create_plan(session, team)
    assert not set(_uids(one).values()) & set(_uids(two).values())
    assert all(uuid.UUID(hex=uid).version == 4 for uid in _uids(one).values())
    assert len(set(_uids(one).values())) == len(one.visits)


def test_diff_lists_added_moved_and_cancelled_visits(session: Session) -> None:
    """A diff names each added, moved and cancelled visit, matching by id, then by client and date."""
    team = create_team(session)
    old_doc = plan_doc()
    old = create_plan(session, team, old_doc)
    doc = plan_doc()
    moved = doc["visits"][0]
    moved["start"], moved["end"] = "13:00", "13:45"
    renamed = doc["visits"][1]
    renamed["id"] = "v-renamed"
    cancelled = doc["visits"].pop(2)
    added = {**doc["visits"][3], "id": "v-extra", "date": "2026-12-06"}
    doc["visits"].append(added)
    new = create_plan(session, team, doc, source="edit", baseline_plan_id=old.id)
    diff = plan_diff(session=session, old_plan_id=old.id, new_plan_id=new.id)
    assert [v["id"] for v in diff["added"]] == ["v-extra"]
    assert [v["id"] for v in diff["cancelled"]] == [cancelled["id"]]
    assert [(m["before"]["start"], m["after"]["start"]) for m in diff["moved"]] == [
        (old_doc["visits"][0]["start"], "13:00")
    ]
    assert diff["moved"][0]["before"]["uid"] == diff["moved"][0]["after"]["uid"]


def test_a_fresh_solve_keeps_the_uids_of_the_published_week(session: Session) -> None:
    """A draft saved without a baseline pairs with the published version, so calendars do not churn."""
    team = create_team(session)
    published = create_plan(session, team)
    publish_plan(session=session, plan_id=published.id, user_id=None)
    fresh = create_plan(session, team)
    assert _uids(fresh) == _uids(published)
    assert all(v.sequence == 0 for v in fresh.visits)


def test_publishing_one_draft_many_times_at_once_publishes_it_once(committed: sessionmaker[Session]) -> None:
    """Ten publishes of one draft at once give one version 1, one audit event and nine refusals.

    On PostgreSQL the team's row is held locked until every publish has read the
    plan as a draft, so each of them then waits for the lock: the status must be
    read again once it has it. SQLite's writers take turns from the start.
    """
    with committed.begin() as session:
        team = create_team(session, id="publish-race")
        plan_id = create_plan(session, team).id
        postgres = session.get_bind().dialect.name == "postgresql"
    racers = 10
    have_read = threading.Barrier(racers + 1) if postgres else None
    outcomes: list[str] = []

    def publish() -> None:
        try:
            with unit_of_work(committed) as work:
                plans.get_plan(session=work.session, plan_id=plan_id)
                if have_read is not None:
                    have_read.wait(timeout=30)
                publish_plan(session=work.session, plan_id=plan_id, user_id=None)
            outcomes.append("published")
        except ValueError as err:
            outcomes.append(str(err))
        except BaseException as err:  # noqa: BLE001 - reported by the main thread
            outcomes.append(repr(err))

    threads = [threading.Thread(target=publish) for _ in range(racers)]
    with committed.begin() as holder:
        holder.get(Team, team.id, with_for_update=True)
        for thread in threads:
            thread.start()
        if have_read is not None:
            have_read.wait(timeout=30)
            time.sleep(0.5)  # every racer now waits for the team's lock
    for thread in threads:
        thread.join(timeout=60)
    refused = f"Plan {plan_id} is published; only a draft can be published."
    assert sorted(outcomes, key=lambda o: o != "published") == ["published"] + [refused] * (racers - 1)
    with committed() as session:
        assert session.scalars(select(Plan.version).where(Plan.team_id == team.id)).all() == [1]
        events = select(func.count()).where(
            AuditEvent.action == "publish", AuditEvent.target == f"plan:{plan_id}"
        )
        assert session.scalar(events) == 1


def _broken_draft(session: Session, team: Team) -> Plan:
    """A draft with a language break nobody excused (H3), then a move saved against the checker (H6)."""
    doc = plan_doc()
    next(v for v in doc["visits"] if v["client"] == "c-005")["staff"] = ["s-cm1"]
    draft = create_plan(session, team, doc)
    return edits.move_visit(
        session=session,
        plan_id=draft.id,
        visit_id="v-0002",
        from_staff="s-cm1",
        to_staff="",
        to_date=None,
        to_start="14:00",
        flag=True,
        user_id=None,
    ).plan


def test_publishing_a_plan_with_broken_rules_asks_for_confirmation(session: Session) -> None:
    """Unexcused violations and flagged moves are listed in words; publishing needs ``confirmed``."""
    team = create_team(session)
    plan = _broken_draft(session, team)
    concerns = plans.publish_concerns(session=session, plan_id=plan.id)
    assert (
        "H3 staff eligibility: c-005 speaks 'es' but s-cm1, who visits them on 2026-12-03, does not."
        in concerns
    )
    assert any(c.startswith("H6 time windows: " + edits.FLAG_PREFIX) for c in concerns)
    with pytest.raises(plans.PublishUnconfirmed) as refused:
        publish_plan(session=session, plan_id=plan.id, user_id=None)
    assert refused.value.concerns == concerns
    assert "c-005 speaks 'es'" in str(refused.value)
    assert plan.status == "draft"
    assert session.scalar(select(func.count()).where(AuditEvent.action == "publish")) == 0
    publish_plan(session=session, plan_id=plan.id, user_id=None, confirmed=True)
    assert (plan.status, plan.version) == ("published", 1)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "publish")).one()
    assert event.detail["confirmed_problems"] == len(concerns)


def test_a_plan_that_meets_every_rule_publishes_without_a_question(session: Session) -> None:
    """The solver's own unmet (visits it could not place) needs no confirmation."""
    team = create_team(session)
    plan = create_plan(session, team)
    assert plan.unmet and plans.publish_concerns(session=session, plan_id=plan.id) == []
    assert publish_plan(session=session, plan_id=plan.id, user_id=None).status == "published"


def test_a_pinned_visit_a_replan_kept_against_a_rule_is_asked_about(session: Session) -> None:
    """A re-plan's unmet entry for a pinned visit it kept (excused for the checker) still needs a yes."""
    team = create_team(session)
    doc = plan_doc()
    doc["unmet"].append(
        {
            "client": "c-013",
            "rule": "H3",
            "detail": "pinned visit on day 1 kept as it was, but s-rn1 is not available for it",
        }
    )
    plan = create_plan(session, team, doc, source="replan")
    assert plans.publish_concerns(session=session, plan_id=plan.id) == [
        "H3 staff eligibility: pinned visit on day 1 kept as it was, but s-rn1 is not available for it"
    ]
    with pytest.raises(plans.PublishUnconfirmed):
        publish_plan(session=session, plan_id=plan.id, user_id=None)
