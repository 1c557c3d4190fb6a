"""History in the app: a plan of a week reads the earlier published weeks (their on-call with the
lead's overrides laid over) and the contact log, with no action by the lead; a plan of several
weeks reads the drafts of the weeks just planned. On SQLite and PostgreSQL."""

from __future__ import annotations

import os
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

import solver
from actplanner.contacts.service import record_contact
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import load_team
from actplanner.on_call.service import record_override
from actplanner.planning import worker
from actplanner.planning.history import MAX_HISTORY_WEEKS, history_weeks, team_history
from actplanner.planning.jobs import claim_next_job, enqueue_solve, finish_job, get_job
from actplanner.planning.plans import publish_plan, save_plan, stored_plan_doc
from actplanner.planning.worker import run_job
from tests.support.worker_factories import WEEK, import_small, team_doc

WEEK_2 = WEEK + timedelta(weeks=1)


def greedy(week: date) -> Any:
    team = load_team(team_doc())
    result = solver.solve(to_problem(team, week), solver.SolveParams(time_limit=1, greedy_only=True))
    return to_plan_file(result, team, week)


def publish(factory: sessionmaker[Session], week: date) -> int:
    """The id of a published greedy plan of the small team's ``week``."""
    team_id = import_small(factory)
    with factory.begin() as session:
        plan = save_plan(session=session, team_id=team_id, plan_file=greedy(week), source="solve")
        publish_plan(session=session, plan_id=plan.id, user_id=None, confirmed=True)
        return plan.id


def other_holder(period: dict[str, Any], periods: list[dict[str, Any]]) -> str:
    """A staff member who may hold the period's role and holds no period overlapping it."""
    doc = team_doc()
    allowed = doc["policy"]["on_call"]["roles"][period["role"]]["disciplines"]
    return next(
        s["id"]
        for s in doc["staff"]
        if period["role"] in s.get("on_call_roles", []) and s["discipline"] in allowed
        and not any(
            p["staff"] == s["id"] and p["start"] < period["end"] and period["start"] < p["end"]
            for p in periods
        )
    )  # fmt: skip


def test_week_2_reads_week_1s_published_plan_with_the_leads_override(factory: sessionmaker[Session]) -> None:
    plan_id = publish(factory, WEEK)
    team_id = team_doc()["team"]["id"]
    with factory.begin() as session:
        published = stored_plan_doc(session=session, plan_id=plan_id)
        period = next(p for p in published["on_call"] if p["role"] == "primary")
        cover = other_holder(period, published["on_call"])
        record_override(
            session=session,
            team_id=team_id,
            role="primary",
            staff_id=cover,
            start=period["start"],
            end=period["end"],
            user_id=None,
        )
        # A newer draft of week 1 is not its plan of record: the published one is.
        draft = greedy(WEEK).model_copy(update={"visits": greedy(WEEK).visits[:3]})
        save_plan(session=session, team_id=team_id, plan_file=draft, source="solve")
    with factory.begin() as session:
        history = team_history(session, team_id, WEEK_2)
    assert list(history.plans) == [WEEK]
    record = history.plans[WEEK]
    assert [v.id for v in record.visits] == [v["id"] for v in published["visits"]]
    held = [(p.role, p.staff, p.start, p.end) for p in record.on_call]
    assert ("primary", cover, period["start"], period["end"]) in held
    assert ("primary", period["staff"], period["start"], period["end"]) not in held
    # The other periods stay as published.
    assert len(held) == len(published["on_call"])


def test_history_reads_back_as_far_as_the_rules_need(factory: sessionmaker[Session]) -> None:
    """At least the fairness_weeks default of 8: a plan that many weeks back is read, one more is not."""
    team = load_team(team_doc())
    weeks = history_weeks(team)
    assert weeks >= 8
    inside, outside = WEEK_2 - timedelta(weeks=weeks), WEEK_2 - timedelta(weeks=weeks + 1)
    publish(factory, inside)
    publish(factory, outside)
    with factory.begin() as session:
        history = team_history(session, team.team.id, WEEK_2)
    assert list(history.plans) == [inside]


def team_v2(fairness_weeks: int, *requirements: dict[str, Any]) -> Any:
    """The small team as a team@2 file: its fairness weeks, the first client's requirements and
    no other client's (nor a post-discharge rule)."""
    doc = team_doc()
    doc["format"] = "actplanner/team@2"
    doc["policy"]["on_call"]["fairness_weeks"] = fairness_weeks
    doc["policy"].pop("post_discharge", None)
    for client in doc["clients"]:
        client["requirements"] = []
    doc["clients"][0]["requirements"] = list(requirements)
    return load_team(doc)


def test_a_requirement_every_28_days_reads_five_weeks_and_the_cap_holds() -> None:
    assert history_weeks(team_v2(2)) == 2
    injection = {"skill": "lai_injection", "every_days": 28, "window_days": 3}
    # 31 days span five weeks; one more so a contact on the first Monday read still counts.
    assert history_weeks(team_v2(2, injection)) == 6
    prescriber = {"discipline": "psychiatrist", "every_days": 365}
    assert history_weeks(team_v2(2, prescriber)) == MAX_HISTORY_WEEKS


def test_history_holds_the_contacts_before_the_week(factory: sessionmaker[Session]) -> None:
    plan_id = publish(factory, WEEK)
    team_id = team_doc()["team"]["id"]
    with factory.begin() as session:
        first = stored_plan_doc(session=session, plan_id=plan_id)["visits"][0]
        entry = {
            "client": first["client"],
            "staff": first["staff"],
            "date": first["date"],
            "start": first["start"],
            "minutes": 0,
            "outcome": "no_show",
            "visit": first["id"],
        }
        record_contact(session=session, team_id=team_id, entry=entry, by=None)
    with factory.begin() as session:
        later = team_history(session, team_id, WEEK_2)
        same = team_history(session, team_id, WEEK)
    assert [(c.client, c.visit, c.outcome) for c in later.contacts] == [
        (first["client"], first["id"], "no_show")
    ]
    # The week's own contacts are not its history (a re-plan from F asks for them).
    assert same.contacts == ()


def spy_problems(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The problems the worker builds (the real adapter, noted)."""
    problems: list[Any] = []
    real = worker.to_problem

    def noting(*args: Any, **kwargs: Any) -> Any:
        problems.append((kwargs.get("history"), real(*args, **kwargs)))
        return problems[-1][1]

    monkeypatch.setattr(worker, "to_problem", noting)
    return problems


def last_days(plan: dict[str, Any], week: date) -> dict[str, int]:
    """Each client's last planned date of ``plan``, in days from ``week``'s Monday."""
    out: dict[str, int] = {}
    for v in plan["visits"]:
        out[v["client"]] = max(out.get(v["client"], -99), (date.fromisoformat(v["date"]) - week).days)
    return out


def test_the_worker_plans_week_2_with_week_1s_published_plan(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The solver spaces from week 1's visits: each client's last planned day is before Monday."""
    plan_id = publish(factory, WEEK)
    team_id = team_doc()["team"]["id"]
    problems = spy_problems(monkeypatch)
    with factory.begin() as session:
        job_id = enqueue_solve(session=session, team_id=team_id, week_start=WEEK_2, time_limit=1).id
    with factory.begin() as session:
        assert claim_next_job(session=session, worker_pid=os.getpid()) is not None
    assert run_job(sessionmaker=factory, job_id=job_id).status == "done"
    with factory.begin() as session:
        published = stored_plan_doc(session=session, plan_id=plan_id)
    [(history, problem)] = problems
    assert list(history.plans) == [WEEK]
    expected = last_days(published, WEEK_2)
    assert expected and all(day < 0 for day in expected.values())
    seen = {c.id: c.seen_before.last_planned_day for c in problem.clients if c.seen_before is not None}
    assert {c: seen.get(c) for c in expected} == expected


def test_a_later_week_waits_for_the_week_before_and_reads_its_draft(
    factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    team_id = import_small(factory)
    problems = spy_problems(monkeypatch)
    with factory.begin() as session:
        first = enqueue_solve(session=session, team_id=team_id, week_start=WEEK, time_limit=1).id
        second = enqueue_solve(
            session=session, team_id=team_id, week_start=WEEK_2, time_limit=1, after=[first]
        ).id
    with factory.begin() as session:
        claimed = claim_next_job(session=session, worker_pid=os.getpid())
        assert claimed is not None and claimed.id == first
    with factory.begin() as session:
        # Week 2 waits while week 1 runs, whoever asks.
        assert claim_next_job(session=session, worker_pid=os.getpid()) is None
        assert get_job(session=session, job_id=second).progress["phase"] == "waiting"
    done = run_job(sessionmaker=factory, job_id=first)
    assert done.status == "done" and done.plan_id is not None
    with factory.begin() as session:
        claimed = claim_next_job(session=session, worker_pid=os.getpid())
        assert claimed is not None and claimed.id == second
    finished = run_job(sessionmaker=factory, job_id=second)
    assert finished.status == "done"
    history = problems[-1][0]
    with factory.begin() as session:
        draft = stored_plan_doc(session=session, plan_id=done.plan_id)
        # The record of what week 2 was planned after outlives its progress reports.
        assert get_job(session=session, job_id=second).progress["after"] == [first]
    assert [v.id for v in history.plans[WEEK].visits] == [v["id"] for v in draft["visits"]]


def test_a_later_week_whose_week_before_failed_fails_saying_why(factory: sessionmaker[Session]) -> None:
    team_id = import_small(factory)
    with factory.begin() as session:
        first = enqueue_solve(session=session, team_id=team_id, week_start=WEEK, time_limit=1).id
        second = enqueue_solve(
            session=session, team_id=team_id, week_start=WEEK_2, time_limit=1, after=[first]
        ).id
    with factory.begin() as session:
        claim_next_job(session=session, worker_pid=os.getpid())
        finish_job(session=session, job_id=first, status="failed", error="boom")
    with factory.begin() as session:
        assert claim_next_job(session=session, worker_pid=os.getpid()).id == second  # type: ignore[union-attr]
    failed = run_job(sessionmaker=factory, job_id=second)
    assert failed.status == "failed" and failed.plan_id is None
    assert f"the week of {WEEK} before it ended failed without a plan" in (failed.error or "")


def test_an_earlier_job_of_another_team_or_a_later_week_is_refused(factory: sessionmaker[Session]) -> None:
    team_id = import_small(factory)
    with factory.begin() as session:
        later = enqueue_solve(session=session, team_id=team_id, week_start=WEEK_2, time_limit=1).id
        with pytest.raises(ValueError, match="not a solve of an earlier week"):
            enqueue_solve(session=session, team_id=team_id, week_start=WEEK, time_limit=1, after=[later])
