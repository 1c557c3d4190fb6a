"""Any valid team@2 file loads and dumps back exactly, and goes into the database and comes back out
exactly (SQLite and PostgreSQL); as a team@1 file, exactly its version 2 keys are named."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from actplanner.domain.formats import FormatError, dump_team, load_team
from actplanner.domain.formats.team import doc_uses_version_2
from actplanner.teams.service import export_team, import_team
from tests.domain.test_formats import _location, team_docs

_FIRST = date(2020, 1, 1)
_day = st.integers(0, 3000).map(lambda n: _FIRST + timedelta(days=n))


def _iso(day: date) -> str:
    return day.isoformat()


@st.composite
def _span(draw: Any, start_key: str, end_key: str) -> dict[str, Any]:
    """Optional start and end dates, the end after the start; either may be absent or null."""
    out: dict[str, Any] = {}
    start = draw(st.one_of(st.none(), _day))
    if draw(st.booleans()):
        out[start_key] = _iso(start) if start is not None else None
    if draw(st.booleans()):
        lower = (start or _FIRST) + timedelta(days=1)
        end = draw(st.one_of(st.none(), st.integers(0, 900).map(lambda n: lower + timedelta(days=n))))
        out[end_key] = _iso(end) if end is not None else None
    return out


@st.composite
def _episodes(draw: Any) -> list[dict[str, Any]]:
    starts = sorted(draw(st.sets(st.integers(0, 3000), max_size=4)))
    episodes = []
    for k, start in enumerate(starts):
        limit = starts[k + 1] if k + 1 < len(starts) else start + 400
        episode: dict[str, Any] = {
            "kind": draw(st.sampled_from(["inpatient", "away"])),
            "start": _iso(_FIRST + timedelta(days=start)),
        }
        last = k + 1 == len(starts)
        if not last or draw(st.booleans()):
            episode["end"] = _iso(_FIRST + timedelta(days=draw(st.integers(start + 1, limit))))
        elif draw(st.booleans()):
            episode["end"] = None
        if draw(st.booleans()):
            episode["location"] = draw(_location)
        if draw(st.booleans()):
            episode["visits_per_week"] = draw(st.integers(0, 7))
        episodes.append(episode)
    return episodes


_recurring = st.one_of(
    st.fixed_dictionaries(
        {"skill": st.just("lai"), "every_days": st.integers(7, 366), "window_days": st.integers(0, 9)},
        optional={"last": _day.map(_iso)},
    ),
    st.fixed_dictionaries(
        {"discipline": st.just("nurse"), "every_days": st.integers(7, 366)},
        optional={"window_days": st.integers(0, 9), "last": _day.map(_iso)},
    ),
)


@st.composite
def team_2_docs(draw: Any) -> dict[str, Any]:
    doc = draw(team_docs())
    doc["format"] = "actplanner/team@2"
    policy = doc["policy"]
    if draw(st.booleans()):
        policy["post_discharge"] = {
            "days": draw(st.integers(1, 60)),
            "visits_per_week": draw(st.integers(1, 7)),
            "first_within_days": draw(st.integers(1, 14)),
        }
    if draw(st.booleans()):
        policy["on_call"]["fairness_weeks"] = draw(st.integers(1, 52))
    for level in ("high", "stable"):
        if draw(st.booleans()):
            policy["acuity"][level]["max_days_without_contact"] = draw(st.integers(1, 30))
    for member in doc["staff"]:
        member.update(draw(_span("employed_from", "employed_until")))
    for client in doc["clients"]:
        client.update(draw(_span("admitted", "discharged")))
        if draw(st.booleans()):
            dates = draw(st.sets(_day, max_size=3))
            client["acuity_changes"] = [
                {"date": _iso(d), "acuity": draw(st.sampled_from(["high", "stable"]))} for d in sorted(dates)
            ]
        if draw(st.booleans()):
            client["episodes"] = draw(_episodes())
        if draw(st.booleans()):
            client["requirements"] = client.get("requirements", []) + draw(st.lists(_recurring, max_size=2))
    return doc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(team_2_docs())
def test_a_team_2_file_round_trips_exactly(doc: dict[str, Any]) -> None:
    assert dump_team(load_team(json.dumps(doc))) == doc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(team_2_docs())
def test_as_team_1_exactly_the_version_2_keys_are_named(doc: dict[str, Any]) -> None:
    old = {**doc, "format": "actplanner/team@1"}
    if not doc_uses_version_2(doc):
        assert dump_team(load_team(old)) == old
        return
    try:
        load_team(old)
    except FormatError as err:
        named = [m for m in err.messages if "is a team@2 key" in m]
        assert named and named == err.messages
    else:
        raise AssertionError("a team@1 file with version 2 keys loaded")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(team_2_docs())
def test_the_database_gives_back_the_team_2_file(session: Session, doc: dict[str, Any]) -> None:
    import_team(session=session, data=doc)
    session.flush()
    session.expire_all()
    exported = export_team(session=session, team_id="t")
    expected = doc if doc_uses_version_2(doc) else {**doc, "format": "actplanner/team@1"}
    assert exported == expected
