"""A pinned visit a re-plan keeps against a rule is in its unmet, and publishing asks about it (item 9.5)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import load_plan
from actplanner.planning import edits, plans
from actplanner.teams import service as teams
from solver import SolveParams, solve
from tests.support.db_factories import WEEK, create_plan, create_team

THURSDAY = date(2026, 12, 3)


def test_a_pinned_visit_of_a_staff_member_now_on_leave_is_reported_and_asked_about(session: Session) -> None:
    """Pin a nurse's Thursday visit, put her on leave: the re-plan keeps it, says so, and publish asks."""
    team = create_team(session)
    published = plans.publish_plan(session=session, plan_id=create_plan(session, team).id, user_id=None)
    visit = next(v for v in published.visits if v.date == THURSDAY and "s-rn1" in v.staff)
    pinned, _entry = edits.toggle_pin(
        session=session, plan_id=published.id, staff_id="s-rn1", visit_id=visit.id, user_id=None
    )
    teams.add_leave(
        session=session,
        team_id=team.id,
        staff_id="s-rn1",
        start="2026-12-03T00:00",
        end="2026-12-04T00:00",
        user_id=None,
    )
    team_file = teams.team_file(session=session, team_id=team.id)
    baseline = load_plan(plans.stored_plan_doc(session=session, plan_id=pinned.id))
    problem = to_problem(team_file, WEEK, baseline=baseline, from_date=THURSDAY)
    result = solve(problem, SolveParams(time_limit=2, greedy_only=True), None)
    replanned = plans.save_plan(
        session=session,
        team_id=team.id,
        plan_file=to_plan_file(result, team_file, WEEK),
        source="replan",
        baseline_plan_id=pinned.id,
    )
    kept = next(v for v in replanned.visits if v.id == visit.id)
    assert (kept.staff, kept.date, kept.start) == (visit.staff, visit.date, visit.start)
    reported = [u for u in replanned.unmet if u.get("client") == visit.client_id]
    assert any(str(u["detail"]).startswith(plans.PINNED_PREFIX) for u in reported)
    concerns = plans.publish_concerns(session=session, plan_id=replanned.id)
    assert any(
        "pinned visit on day 4 kept as it was, but s-rn1 is not available for it" in c for c in concerns
    )
    with pytest.raises(plans.PublishUnconfirmed):
        plans.publish_plan(session=session, plan_id=replanned.id, user_id=None)
    plans.publish_plan(session=session, plan_id=replanned.id, user_id=None, confirmed=True)
    assert replanned.status == "published"
