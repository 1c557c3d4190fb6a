"""The JSON API (``/api/v1``): import and export team files, run solves, read and publish plans.

Callers authenticate with a personal token (``Authorization: Bearer``); no
cookies, so no CSRF. Errors are ``{"detail": ...}``; a bad team file is a 422
whose ``detail`` lists every problem as ``path: message``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from actplanner.audit import service as audit_log
from actplanner.db import Plan, User
from actplanner.domain import errors
from actplanner.domain.formats import FormatError, dump_team, load_team
from actplanner.planning import jobs, plans
from actplanner.teams import service as teams
from actplanner.web.deps import SessionDep, TokenLeadDep, TokenUserDep, require_team
from actplanner.web.schemas import (
    MAX_ID,
    TEAM_ID_PATTERN,
    ErrorRead,
    JobRead,
    Monday,
    PlanPublished,
    SolveCreate,
    TeamImported,
)

#: Largest team file accepted; the large fixture (120 clients) is well under 1 MB.
MAX_TEAM_FILE_BYTES = 20 * 1024 * 1024

TeamId = Annotated[str, Path(pattern=TEAM_ID_PATTERN, max_length=100, description="A team id.")]
PlanId = Annotated[int, Path(ge=1, le=MAX_ID)]
JobId = Annotated[int, Path(ge=1, le=MAX_ID)]
WeekStart = Annotated[Monday, Path(description="The Monday of the week (YYYY-MM-DD).")]


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ErrorRead} for code in (401, *codes)}


router = APIRouter(prefix="/api/v1", tags=["api"])

TEAM_FILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A team file (FORMATS.md, format `actplanner/team@1`).",
        "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}},
    }
}


@router.post(
    "/teams",
    response_model=TeamImported,
    openapi_extra=TEAM_FILE_BODY,
    responses=_errors(403, 413, 422),
    summary="Import a team file",
)
async def import_team(request: Request, session: SessionDep, user: TokenLeadDep) -> TeamImported:
    """Create or replace a team from its team file; a file with problems changes nothing."""
    data = await request.body()
    if len(data) > MAX_TEAM_FILE_BYTES:
        raise HTTPException(
            status_code=413, detail=f"A team file may have at most {MAX_TEAM_FILE_BYTES} bytes."
        )
    # Checking and writing a large file takes a while: off the event loop, like the sync routes.
    return await run_in_threadpool(_import_team, session=session, user=user, data=data)


def _import_team(*, session: Session, user: User, data: bytes) -> TeamImported:
    try:
        team_file = load_team(data)
    except FormatError as err:
        raise HTTPException(status_code=422, detail=err.messages) from None
    require_team(user, team_file.team.id)
    team = teams.import_team(session=session, data=dump_team(team_file), user_id=user.id)
    return TeamImported(team=team.id)


@router.get(
    "/teams/{team_id}/file",
    response_model=dict[str, Any],
    responses=_errors(403, 404),
    summary="Export a team file",
)
def export_team(team_id: TeamId, session: SessionDep, user: TokenLeadDep) -> dict[str, Any]:
    """The team file of a team, as imported with any edits since; recorded in the audit trail."""
    require_team(user, team_id)
    return teams.export_team(session=session, team_id=team_id, user_id=user.id)


@router.post(
    "/teams/{team_id}/solves",
    response_model=JobRead,
    status_code=202,
    responses=_errors(403, 404, 409, 422),
    summary="Start a solve of a week",
)
def start_solve(team_id: TeamId, body: SolveCreate, session: SessionDep, user: TokenLeadDep) -> JobRead:
    """Queue a solve of the team's week for a worker; 409 while one is queued or running."""
    require_team(user, team_id)
    try:
        job = jobs.enqueue_solve(
            session=session,
            team_id=team_id,
            week_start=body.week_start,
            time_limit=body.time_limit,
            seed=body.seed,
            baseline_plan_id=body.baseline_plan_id,
            from_date=body.from_date,
            user_id=user.id,
        )
    except errors.JobConflict as err:
        raise HTTPException(status_code=409, detail=str(err)) from None
    except ValueError as err:
        raise HTTPException(status_code=422, detail=str(err)) from None
    return JobRead.model_validate(job)


@router.get("/jobs/{job_id}", response_model=JobRead, responses=_errors(403, 404), summary="Read a solve job")
def read_job(job_id: JobId, session: SessionDep, user: TokenLeadDep) -> JobRead:
    """A solve job's status and progress, and its plan once it has one."""
    job = jobs.get_job(session=session, job_id=job_id)
    require_team(user, job.team_id)
    return JobRead.model_validate(job)


@router.post(
    "/jobs/{job_id}/stop", response_model=JobRead, responses=_errors(403, 404), summary="Stop a solve job"
)
def stop_job(job_id: JobId, session: SessionDep, user: TokenLeadDep) -> JobRead:
    """Stop a job: a queued one at once, a running one soon, keeping its best plan so far."""
    job = jobs.get_job(session=session, job_id=job_id)
    require_team(user, job.team_id)
    return JobRead.model_validate(jobs.request_stop(session=session, job_id=job_id))


@router.get(
    "/plans/{plan_id}",
    response_model=dict[str, Any],
    responses=_errors(403, 404),
    summary="Read a plan file",
)
def read_plan(plan_id: PlanId, session: SessionDep, user: TokenUserDep) -> dict[str, Any]:
    """The plan file (FORMATS.md) of a plan; staff read only their team's published plans."""
    plan = plans.get_plan(session=session, plan_id=plan_id)
    require_team(user, plan.team_id)
    if user.role != "lead" and plan.status != "published":
        raise HTTPException(status_code=403, detail=f"Plan {plan_id} is not published.")
    doc = plans.plan_file(session=session, plan_id=plan_id)
    # Plans name clients only by id, but who read which client's visits is still worth a record.
    audit_log.audit(session=session, user_id=user.id, action="view_phi", target=f"plan:{plan_id}")
    return doc


@router.post(
    "/plans/{plan_id}/publish",
    response_model=PlanPublished,
    responses=_errors(403, 404, 409),
    summary="Publish a plan",
)
def publish_plan(plan_id: PlanId, session: SessionDep, user: TokenLeadDep) -> PlanPublished:
    """Publish a draft as the next version of its week; the version before it becomes superseded."""
    plan = plans.get_plan(session=session, plan_id=plan_id)
    require_team(user, plan.team_id)
    try:
        plan = plans.publish_plan(session=session, plan_id=plan_id, user_id=user.id)
    except ValueError as err:
        raise HTTPException(status_code=409, detail=str(err)) from None
    return _published(plan)


@router.get(
    "/teams/{team_id}/weeks/{week_start}/published",
    response_model=PlanPublished,
    responses=_errors(403, 404),
    summary="Find a week's published plan",
)
def published_plan(
    team_id: TeamId, week_start: WeekStart, session: SessionDep, user: TokenUserDep
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
