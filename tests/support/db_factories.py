"""Factories for database tests: plain functions that make one thing with sensible defaults."""

from __future__ import annotations

import copy
import json
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy.orm import Session

from actplanner.accounts import service as accounts
from actplanner.db import Plan, Team, User
from actplanner.planning.plans import save_plan
from actplanner.teams.service import import_team
from tests.support.team_files import team_file

WEEK = date(2026, 11, 30)
# The one team-file builder, under the name these tests have always used.
team_doc = team_file


@cache
def _small_plan() -> str:
    from actplanner.bench.teams import plan_team

    doc, _first, _plan = plan_team(team_doc("small"), 2.0, greedy=True)
    return json.dumps(doc)


def plan_doc() -> dict[str, Any]:
    """A fresh copy of a greedy plan of the small fixture for the week of 2026-11-30."""
    return json.loads(_small_plan())


def create_team(session: Session, name: str = "small", **team_overrides: Any) -> Team:
    """A team imported from a fixture, its ``team`` block overridden (e.g. another ``id``)."""
    doc = team_doc(name)
    doc["team"].update(team_overrides)
    return import_team(session=session, data=doc)


def create_plan(session: Session, team: Team, doc: dict[str, Any] | None = None, **kw: Any) -> Plan:
    """A draft plan of ``team`` (by default the small fixture's greedy plan)."""
    doc = copy.deepcopy(doc) if doc is not None else plan_doc()
    doc["team"] = team.id
    kw.setdefault("source", "solve")
    return save_plan(session=session, team_id=team.id, plan_file=doc, **kw)


def create_user(session: Session, **overrides: Any) -> User:
    """An active team lead with the password ``correct horse``."""
    fields: dict[str, Any] = {"username": "lead", "password": "correct horse", "role": "lead"}
    fields.update(overrides)
    return accounts.create_user(session=session, **fields)
