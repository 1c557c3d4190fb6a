"""Request and response bodies of the JSON API (``/api/v1``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from actplanner.domain.formats.limits import printable
from actplanner.domain.week import require_monday

#: Ids are database integers; bounding them keeps absurd numbers a 422, not a database error.
MAX_ID = 2**31 - 1
#: A team id as team files spell it.
TEAM_ID_PATTERN = r"^[A-Za-z0-9_-]+$"
#: Longest solve the API starts; a week's plan needs minutes, not days.
MAX_TIME_LIMIT = 6 * 60 * 60


def _monday(day: date, info: ValidationInfo) -> date:
    return require_monday(day, field=info.field_name or "week_start")


Monday = Annotated[date, AfterValidator(_monday)]
TeamIdPath = Annotated[str, Path(pattern=TEAM_ID_PATTERN, max_length=100, description="A team id.")]


def without_surrogates(value: Any) -> Any:
    """``value`` (an error's detail, echoed input and all) with lone surrogates written as escapes.

    A JSON body may carry ``"\\ud800"``, half of a UTF-16 pair: echoed as it is, it makes
    encoding the error response itself fail.
    """
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {without_surrogates(k): without_surrogates(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [without_surrogates(item) for item in value]
    return value


class ErrorRead(BaseModel):
    """An error: what went wrong, as a sentence or (for a bad team file) a list of ``path: message`` lines."""

    detail: str | list[Any]


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` of a route that answers 401 and ``codes`` with an ``ErrorRead``."""
    return {code: {"model": ErrorRead} for code in (401, *codes)}


class TeamImported(BaseModel):
    """The id of the team a team file created or replaced."""

    team: str


class SolveCreate(BaseModel):
    """Start a solve of a team's week."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    week_start: Monday = Field(description="The Monday of the week to plan (YYYY-MM-DD).")
    time_limit: float = Field(30, gt=0, le=MAX_TIME_LIMIT, description="Seconds the solver may use.")
    seed: int = Field(0, ge=0, le=MAX_ID, description="Random seed; same seed and limit, same plan.")
    baseline_plan_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="Re-plan against this plan of the same week, keeping its pins."
    )
    from_date: date | None = Field(None, description="Re-plan only from this day of the week on.")
    change_started: bool = Field(
        False,
        description="In a week under way, also change visits of the published plan that started before now "
        "(in the team's zone); without it they are kept exactly.",
    )

    @model_validator(mode="after")
    def from_date_in_week(self) -> SolveCreate:
        if self.from_date is not None and not (
            self.week_start <= self.from_date <= self.week_start + timedelta(days=6)
        ):
            raise ValueError(f"from_date {self.from_date} is not in the week of {self.week_start}")
        return self


class JobRead(BaseModel):
    """A solve job and its live progress."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    team_id: str
    week_start: date
    status: Literal["queued", "running", "done", "failed", "stopped"]
    stop_requested: bool
    time_limit: float
    seed: int
    baseline_plan_id: int | None
    from_date: date | None
    progress: dict[str, Any] | None = Field(
        description="elapsed, best_objective, bound, unmet, phase: as the worker last reported them."
    )
    error: str | None
    plan_id: int | None = Field(description="The draft plan the solve produced, once done or stopped.")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class PublishRequest(BaseModel):
    """Publish a draft; ``confirm`` accepts the problems a 409 listed (broken rules, flagged moves)."""

    model_config = ConfigDict(extra="forbid")

    confirm: bool = Field(
        False,
        description="Publish even though the plan breaks hard rules or keeps moves flagged against the "
        "checker; without it such a plan gets a 409 that lists them.",
    )


class PlanPublished(BaseModel):
    """A published version of a team's week."""

    plan_id: int
    team_id: str
    week_start: date
    version: int
    published_at: datetime
