"""Two readings, one definition: over random version 2 clients (admission, discharge, episodes,
acuity changes, an override, the post-discharge rule), the checker's own raw-JSON reading of H1's
n, the post-discharge dates and the inpatient needs agrees with the app's (domain.care), which the
adapter gives the solver."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from actplanner.checker.context import Context
from actplanner.domain import care
from actplanner.domain.formats import FormatError, load_team
from tests.checker.test_checker import make_plan
from tests.checker.v2_files import HOSPITAL
from tests.support.contact_files import history_team

MONDAY = date(2026, 11, 30)
OFFSETS = st.integers(-20, 20)


def _day(offset: int) -> str:
    return (MONDAY + timedelta(days=offset)).isoformat()


@st.composite
def clients(draw: st.DrawFn) -> dict:
    changes: dict = {}
    if draw(st.booleans()):
        changes["admitted"] = _day(draw(OFFSETS))
    if draw(st.booleans()):
        changes["discharged"] = _day(draw(st.integers(-5, 30)))
    starts = sorted(set(draw(st.lists(OFFSETS, max_size=3))))
    episodes = []
    for i, start in enumerate(starts):
        following = starts[i + 1] if i + 1 < len(starts) else None
        if following is None and draw(st.booleans()):
            end = None
        else:
            end = start + draw(st.integers(1, (following - start) if following is not None else 25))
        kind = draw(st.sampled_from(["inpatient", "away"]))
        episode: dict = {"kind": kind, "start": _day(start), "end": _day(end) if end is not None else None}
        if kind == "inpatient" and draw(st.booleans()):
            episode.update(location=HOSPITAL, visits_per_week=draw(st.integers(0, 7)))
        episodes.append(episode)
    changes["episodes"] = episodes
    levels = st.sampled_from(["moderate", "stable"])
    dates = sorted(set(draw(st.lists(OFFSETS, max_size=3))))
    changes["acuity_changes"] = [{"date": _day(d), "acuity": draw(levels)} for d in dates]
    if draw(st.booleans()):
        changes["visits_per_week"] = draw(st.integers(1, 7))
    return changes


POLICIES = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "days": st.integers(1, 21),
            "visits_per_week": st.integers(1, 7),
            "first_within_days": st.integers(1, 5),
        }
    ),
)


@settings(max_examples=150, deadline=None)
@given(changes=clients(), post_discharge=POLICIES)
def test_the_checker_and_the_care_rules_read_a_client_alike(
    changes: dict, post_discharge: dict | None
) -> None:
    doc = history_team()
    doc["format"] = "actplanner/team@2"
    doc["clients"][0].update(changes)
    if post_discharge is not None:
        doc["policy"]["post_discharge"] = post_discharge
    try:
        team = load_team(doc)
    except FormatError:
        assume(False)
        return
    ctx = Context(doc, make_plan())
    client = team.clients[0]
    required = ctx.required_home_visits("c-1")
    assert required is not None and required[0] == care.required_home_visits(team, client, MONDAY)
    dates = set(ctx.dates)
    assert ctx.post_discharge_dates("c-1") == [
        d for d in care.post_discharge_dates(team, client) if d in dates
    ]
    assert ctx.client_rules("c-1").acuity == care.acuity_in_force(client, MONDAY)
    mine = [(tuple(days), n) for _, days, n in ctx.inpatient_needs("c-1")]
    assert mine == [(need.dates, need.visits) for need in care.inpatient_visits(client, MONDAY)]
    later = MONDAY + timedelta(days=3)
    assert ctx.first_open_on_or_after("c-1", later) == care.first_open_on_or_after(client, later)
