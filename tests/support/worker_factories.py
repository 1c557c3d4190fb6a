"""Factories for the worker tests: plain functions that make one thing with sensible defaults."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from actplanner.db import Team
from actplanner.planning.jobs import claim_next_job, enqueue_solve
from actplanner.teams.service import import_team
from tests.support.team_files import team_file

WEEK = date(2026, 11, 30)
# The one team-file builder, under the name these tests have always used.
team_doc = team_file


def import_small(factory: sessionmaker[Session]) -> str:
    """The small fixture team's id, imported when missing."""
    team_id = team_doc()["team"]["id"]
    with factory.begin() as session:
        if session.get(Team, team_id) is None:
            import_team(session=session, data=team_doc())
    return team_id


def queue_job(
    factory: sessionmaker[Session], *, time_limit: float = 2.0, claim: bool = True, **kw: Any
) -> int:
    """The id of a solve of the small fixture's week (imported when missing), claimed unless told not."""
    import_small(factory)
    with factory.begin() as session:
        job = enqueue_solve(
            session=session, team_id=team_doc()["team"]["id"], week_start=WEEK, time_limit=time_limit, **kw
        )
        job_id = job.id
    if claim:
        with factory.begin() as session:
            claimed = claim_next_job(session=session, worker_pid=os.getpid())
            assert claimed is not None and claimed.id == job_id
    return job_id
