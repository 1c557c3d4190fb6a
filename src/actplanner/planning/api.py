"""The JSON API's planning (``/api/v1``): run solves, read and publish plans.

Callers authenticate with a personal token (``Authorization: Bearer``); no
cookies, so no CSRF. Errors are ``{"detail": ...}``; a bad team file is a 422
whose ``detail`` lists every problem as ``path: message``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path
from pydantic import AfterValidator

from actplanner.db import Plan
from actplanner.domain import errors
from actplanner.domain.week import monday_of, require_planned
from actplanner.planning import edits, jobs, plans
from actplanner.web.deps import QueueDep, SessionDep, TokenLeadDep, TokenUserDep, require_team
from actplanner.web.schemas import (
    MAX_ID,
    JobRead,
    PlanPublished,
    PublishRequest,
    SolveCreate,
    TeamIdPath,
    error_responses,
)

PlanId = Annotated[int, Path(ge=1, le=MAX_ID)]
JobId = Annotated[int, Path(ge=1, le=MAX_ID)]
#: A week to look up, named by any of its dates (as the pages read ``week=``); a week to plan
#: (``SolveCreate.week_start``) is still named by its Monday, as plan files name it.
WeekOf = Annotated[
    date,
    AfterValidator(lambda day: require_planned(monday_of(day), field="week_start")),
    Path(description="Any date of the week (YYYY-MM-DD); the week is the one from the Monday before."),
]


router = APIRouter(prefix="/api/v1", tags=["api"])


@router.post(
    "/teams/{team_id}/solves",
    response_model=JobRead,
    status_code=202,
    responses=error_responses(403, 404, 409, 422),
    summary="Start a solve of a week",
)
def start_solve(
    team_id: TeamIdPath, body: SolveCreate, session: SessionDep, user: TokenLeadDep, queue: QueueDep
) -> JobRead:
    """Queue a solve of the team's week for a worker; 409 while one is queued or running.

    In a week under way, visits of the published plan that started before now are kept exactly
    unless ``change_started``.
    """
    require_team(user, team_id)
    try:
        with session.begin_nested():
            kept = edits.keep_started(
                session=session,
                team_id=team_id,
                week_start=body.week_start,
                baseline_plan_id=body.baseline_plan_id,
                from_date=body.from_date,
                change_started=body.change_started,
            )
            job = queue.enqueue(
                session=session,
                team_id=team_id,
                week_start=body.week_start,
                time_limit=body.time_limit,
                seed=body.seed,
                baseline_plan_id=kept.baseline_plan_id,
                from_date=kept.from_date,
                user_id=user.id,
            )
    except errors.JobConflict as err:
        raise HTTPException(status_code=409, detail=str(err)) from None
    except ValueError as err:
        raise HTTPException(status_code=422, detail=str(err)) from None
    return JobRead.model_validate(job)


@router.get(
    "/jobs/{job_id}", response_model=JobRead, responses=error_responses(403, 404), summary="Read a solve job"
)
def read_job(job_id: JobId, session: SessionDep, user: TokenLeadDep) -> JobRead:
    """A solve job's status and progress, and its plan once it has one."""
    job = jobs.get_job(session=session, job_id=job_id)
    require_team(user, job.team_id)
    return JobRead.model_validate(job)


@router.post(
    "/jobs/{job_id}/stop",
    response_model=JobRead,
    responses=error_responses(403, 404),
    summary="Stop a solve job",
)
def stop_job(job_id: JobId, session: SessionDep, user: TokenLeadDep, queue: QueueDep) -> JobRead:
    """Stop a job: a queued one at once, a running one soon, keeping its best plan so far."""
    job = jobs.get_job(session=session, job_id=job_id)
    require_team(user, job.team_id)
    return JobRead.model_validate(queue.stop(session=session, job_id=job_id))


@router.get(
    "/plans/{plan_id}",
    response_model=dict[str, Any],
    responses=error_responses(403, 404),
    summary="Read a plan file",
)
def read_plan(plan_id: PlanId, session: SessionDep, user: TokenUserDep) -> dict[str, Any]:
    """The plan file (docs/formats/plan.md) of a plan; staff read only their team's published plans."""
    plan = plans.get_plan(session=session, plan_id=plan_id)
    require_team(user, plan.team_id)
    if user.role != "lead" and plan.status != "published":
        raise HTTPException(status_code=403, detail=f"Plan {plan_id} is not published.")
    return plans.read_plan_doc(session=session, plan_id=plan_id, user_id=user.id)


@router.post(
    "/plans/{plan_id}/publish",
    response_model=PlanPublished,
    responses=error_responses(403, 404, 409),
    summary="Publish a plan",
)
def publish_plan(
    plan_id: PlanId, session: SessionDep, user: TokenLeadDep, body: PublishRequest | None = None
) -> PlanPublished:
    """Publish a draft as the next version of its week; the version before it becomes superseded.

    A plan that breaks hard rules, or keeps moves flagged against the checker, gets a 409
    listing them unless the body says ``{"confirm": true}``.
    """
    plan = plans.get_plan(session=session, plan_id=plan_id)
    require_team(user, plan.team_id)
    confirm = body is not None and body.confirm
    try:
        plan = plans.publish_plan(session=session, plan_id=plan_id, user_id=user.id, confirmed=confirm)
    except plans.PublishUnconfirmed as err:
        raise HTTPException(
            status_code=409, detail=f'{err} Send {{"confirm": true}} to publish it anyway.'
        ) from None
    except ValueError as err:
        raise HTTPException(status_code=409, detail=str(err)) from None
    return _published(plan)


@router.get(
    "/teams/{team_id}/weeks/{week_start}/published",
    response_model=PlanPublished,
    responses=error_responses(403, 404),
    summary="Find a week's published plan",
)
def published_plan(
    team_id: TeamIdPath, week_start: WeekOf, session: SessionDep, user: TokenUserDep
) -> PlanPublished:
    """The published version of a team's week; 404 when none is published."""
    require_team(user, team_id)
    plan = plans.published_plan(session=session, team_id=team_id, week_start=week_start)
    if plan is None:
        raise HTTPException(
            status_code=404, detail=f"No published plan of team {team_id!r} for the week of {week_start}."
        )
    return _published(plan)


def _published(plan: Plan) -> PlanPublished:
    assert plan.version is not None and plan.published_at is not None
    return PlanPublished(
        plan_id=plan.id,
        team_id=plan.team_id,
        week_start=plan.week_start,
        version=plan.version,
        published_at=plan.published_at,
    )
