"""Schemathesis fuzzes every ``/api/v1`` operation from the OpenAPI schema: no input gets a 5xx.

Each operation gets valid (positive) and invalid (negative) requests with a
lead's token, against the ASGI app itself (no server, no network); a third
round fixes the path to a real team, draft plan and job, so valid requests
get past the lookups and reach the services. The tests
drive schemathesis's strategies with Hypothesis directly: its pytest plugin's
lazy fixtures do not run under pytest 9.
"""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from actplanner.contacts.service import record_contact
from actplanner.planning.jobs import enqueue_solve
from actplanner.planning.plans import save_plan
from actplanner.settings import Settings
from actplanner.web.app import create_app
from tests.support.web_factories import TEAM, WEEK, World, bearer, db, plan_doc

# Read from an app made only for its schema: making one connects to no database.
_SCHEMA = create_app(
    Settings(database_url="sqlite://", secret_key="schema only"), migrate_database=False
).openapi()
OPERATIONS = [
    (method.upper(), path)
    for path, item in _SCHEMA["paths"].items()
    for method in item
    if method in {"get", "post", "put", "patch", "delete"}
]


def _known_ids(app: FastAPI, world: World) -> dict[str, object]:
    """Path parameters naming a real team, draft plan, queued job and contact of the lead's team."""
    doc = plan_doc()
    with db(app) as session:
        plan = save_plan(session=session, team_id=TEAM, plan_file=doc, source="solve")
        job = enqueue_solve(session=session, team_id=TEAM, week_start=WEEK, time_limit=5)
        contact = record_contact(session=session, team_id=TEAM, entry=_phone_call(), by=world.lead_id)
        session.commit()
        return {
            "team_id": TEAM,
            "plan_id": plan.id,
            "job_id": job.id,
            "week_start": WEEK.isoformat(),
            "contact_id": contact,
        }


def _phone_call() -> dict[str, object]:
    """An unplanned contact of the nurse: it needs no published plan."""
    return {
        "client": "c-001",
        "staff": ["s-rn1"],
        "date": WEEK.isoformat(),
        "start": "09:00",
        "minutes": 10,
        "outcome": "done",
        "mode": "phone",
    }


@pytest.mark.parametrize("variant", ["positive", "negative", "known ids"])
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_api_never_answers_with_a_server_error(
    app: FastAPI, world: World, method: str, path: str, variant: str
) -> None:
    """Whatever a lead's token sends to an operation, the answer is a 2xx or a 4xx with a reason."""
    operation = schemathesis.openapi.from_asgi("/openapi.json", app)[path][method]
    if variant == "known ids":
        known = _known_ids(app, world)
        fixed = {name: value for name, value in known.items() if f"{{{name}}}" in path}
        strategy = operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed or None)
    else:
        strategy = operation.as_strategy(GenerationMode(variant))

    @given(case=strategy)
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    def fuzz(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=bearer(world.lead_token), checks=[not_a_server_error])

    fuzz()
