"""The plan file, ``actplanner/plan@1`` and ``@2``: what the solver decided for one week (FORMATS.md).

Loading checks the file's shape, not the hard rules: whether a plan meets
H1–H18 against its team file is the checker's question.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from actplanner.domain.formats._base import (
    Date,
    EndTime,
    FileModel,
    FormatError,
    Id,
    LocalDateTime,
    RoleName,
    Time,
    duplicate_ids,
    parse_week_start,
    show,
    span_errors,
    to_date,
    to_datetime,
)
from actplanner.domain.formats.limits import INT64_MAX

PLAN_FORMAT = "actplanner/plan@1"
#: A plan that carries a version 2 key (``replan_from``, a visit's ``place``) says so.
PLAN_FORMAT_2 = "actplanner/plan@2"


class PlanVisit(FileModel):
    id: Id
    client: Id
    staff: list[Id] = Field(min_length=1, max_length=2)
    date: Date
    start: Time
    end: EndTime
    purpose: str | None = None
    pinned: bool = False
    #: plan@2: where the visit takes place; absent or "home" is a home visit, "hospital" an
    #: inpatient visit (H13).
    place: Literal["home", "hospital"] | None = None

    @property
    def in_hospital(self) -> bool:
        return self.place == "hospital"


class PlanShift(FileModel):
    """plan@2 Part B (H14): a working staff member's window on a date; ``type`` is the shift type
    of a contracted staff member, null for fixed hours."""

    staff: Id
    date: Date
    type: str | None = None
    start: Time
    end: EndTime
    pinned: bool = False


class PlanBreak(FileModel):
    """plan@2 Part B (H15): a staff member's break on a date."""

    staff: Id
    date: Date
    start: Time
    end: EndTime


class PlanOnCall(FileModel):
    role: RoleName
    staff: Id
    start: LocalDateTime
    end: LocalDateTime


class PlanCaseload(FileModel):
    primary: Id
    itt: list[Id]


class PlanUnmet(FileModel):
    client: Id | None = None
    rule: str = Field(min_length=1)
    detail: str
    #: plan@2: the staff member and date the unmet rule is about (excusing matches every field given).
    staff: Id | None = None
    date: Date | None = None


class SolverInfo(FileModel):
    status: str
    seconds: float = Field(ge=0)
    objective: float | None = None
    bound: float | None = None
    moved: int | None = Field(None, ge=0, le=INT64_MAX)


class PlanFile(FileModel):
    format: Literal["actplanner/plan@1", "actplanner/plan@2"]
    team: Id
    week_start: Date
    #: The re-plan date F: the visits before it were kept, and what happened before it counts.
    replan_from: Date | None = None
    visits: list[PlanVisit]
    on_call: list[PlanOnCall]
    caseload: dict[Id, PlanCaseload]
    unmet: list[PlanUnmet] = []
    #: plan@2 Part B: every working staff member's window per date, and the breaks.
    shifts: list[PlanShift] | None = None
    breaks: list[PlanBreak] | None = None
    metrics: dict[str, Any] = {}
    solver: SolverInfo | None = None


def check_plan(plan: PlanFile) -> list[str]:
    """Rules across the plan file: a Monday week, visits in it, spans ending after they start."""
    try:
        monday = parse_week_start(plan.week_start)
    except FormatError as err:
        return err.messages
    week = {monday + dt.timedelta(days=d) for d in range(7)}
    errors = duplicate_ids("visits", [v.id for v in plan.visits])
    if plan.replan_from is not None:
        if plan.format != PLAN_FORMAT_2:
            errors.append(f"replan_from: a version 2 key; the plan's format must be {PLAN_FORMAT_2!r}")
        if to_date(plan.replan_from) not in week:
            errors.append(f"replan_from: {plan.replan_from} is not in the week of {plan.week_start}")
    for i, visit in enumerate(plan.visits):
        path = f"visits[{i}]"
        if visit.place is not None and plan.format != PLAN_FORMAT_2:
            errors.append(f"{path}.place: a version 2 key; the plan's format must be {PLAN_FORMAT_2!r}")
        if to_date(visit.date) not in week:
            errors.append(f"{path}.date: {visit.date} is not in the week of {plan.week_start}")
        errors += span_errors(path, [visit.start, visit.end], "visit")
        for j, ident in enumerate(visit.staff):
            if ident in visit.staff[:j]:
                errors.append(f"{path}.staff[{j}]: {show(ident)} is listed twice")
    for i, entry in enumerate(plan.unmet):
        for key in ("staff", "date"):
            if getattr(entry, key) is not None and plan.format != PLAN_FORMAT_2:
                errors.append(
                    f"unmet[{i}].{key}: a version 2 key; the plan's format must be {PLAN_FORMAT_2!r}"
                )
    for i, period in enumerate(plan.on_call):
        if to_datetime(period.end) <= to_datetime(period.start):
            errors.append(
                f"on_call[{i}]: period ends ({period.end}) no later than it starts ({period.start})"
            )
    errors += _shift_errors(plan, week)
    return errors


def _shift_errors(plan: PlanFile, week: set[dt.date]) -> list[str]:
    """Part B ``shifts`` and ``breaks``: plan@2 keys, dated in the week, spans ending after they
    start, and at most one shift per staff member and date (H14's other rules need the team
    file: the checker's)."""
    errors = []
    for key in ("shifts", "breaks"):
        if getattr(plan, key) is not None and plan.format != PLAN_FORMAT_2:
            errors.append(f"{key}: a version 2 key; the plan's format must be {PLAN_FORMAT_2!r}")
    seen: dict[tuple[str, str], int] = {}
    for i, shift in enumerate(plan.shifts or ()):
        path = f"shifts[{i}]"
        if to_date(shift.date) not in week:
            errors.append(f"{path}.date: {shift.date} is not in the week of {plan.week_start}")
        errors += span_errors(path, [shift.start, shift.end], "shift")
        staff_date = (shift.staff, shift.date)
        if staff_date in seen:
            errors.append(
                f"{path}: a second shift of {show(shift.staff)} on {shift.date} "
                f"(also shifts[{seen[staff_date]}]); a staff member has at most one shift a date"
            )
        seen.setdefault(staff_date, i)
    for i, pause in enumerate(plan.breaks or ()):
        path = f"breaks[{i}]"
        if to_date(pause.date) not in week:
            errors.append(f"{path}.date: {pause.date} is not in the week of {plan.week_start}")
        errors += span_errors(path, [pause.start, pause.end], "break")
    return errors
