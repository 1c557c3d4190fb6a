"""Team and plan files: loading, exact round trips and errors that name the path."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actplanner.domain.formats import (
    FormatError,
    dump_plan,
    dump_team,
    load_plan,
    load_team,
    parse_week_start,
)

#: The team file of FORMATS.md, plus the staff its client refers to.
EXAMPLE_TEAM: dict = {
    "format": "actplanner/team@1",
    "team": {
        "id": "eastside",
        "name": "Eastside ACT",
        "timezone": "America/Chicago",
        "office": {"lat": 41.8781, "lon": -87.6298, "label": "Eastside office"},
    },
    "policy": {
        "caseload_max_per_staff": 10,
        "acuity": {
            "high": {"visits_per_week": 5, "visit_minutes": 45, "min_gap_days": 1},
            "moderate": {"visits_per_week": 3, "visit_minutes": 45, "min_gap_days": 2},
            "stable": {"visits_per_week": 1, "visit_minutes": 60, "min_gap_days": 1},
        },
        "team_approach_min_staff": 2,
        "travel": {"model": "haversine", "speed_kmh": 30, "detour_factor": 1.3},
        "on_call": {
            "handoff": "08:30",
            "roles": {
                "primary": {"disciplines": ["nurse", "social_worker", "case_manager", "team_leader"]},
                "backup": {"disciplines": ["team_leader", "nurse"]},
                "prescriber": {"disciplines": ["psychiatrist", "nurse_practitioner"]},
            },
            "max_consecutive": 2,
            "rest_next_day_start": "10:00",
        },
    },
    "staff": [
        {
            "id": "s-rn1",
            "name": "Maria Lopez",
            "discipline": "nurse",
            "fte": 1.0,
            "phone": "+1-312-555-0101",
            "languages": ["en", "es"],
            "skills": ["lai_injection", "med_delivery"],
            "start": {"lat": 41.8781, "lon": -87.6298},
            "shifts": {
                "mon": ["08:30", "17:00"],
                "tue": ["08:30", "17:00"],
                "wed": ["08:30", "17:00"],
                "thu": ["08:30", "17:00"],
                "fri": ["08:30", "17:00"],
            },
            "max_visits_per_day": 7,
            "on_call_roles": ["primary", "backup"],
            "leave": [{"start": "2026-12-03T00:00", "end": "2026-12-04T00:00"}],
        },
        {
            "id": "s-cm2",
            "name": "Ann Case",
            "discipline": "case_manager",
            "fte": 1,
            "shifts": {"mon": ["09:00", "17:00"]},
        },
        {"id": "s-md1", "name": "Dr Who", "discipline": "psychiatrist", "fte": 0.5},
        {"id": "s-sw3", "name": "Sam Work", "discipline": "social_worker", "fte": 1.0},
    ],
    "clients": [
        {
            "id": "c-014",
            "code": "K7Q",
            "name": "J. Doe",
            "home": {"lat": 41.91, "lon": -87.65},
            "acuity": "high",
            "visits_per_week": 6,
            "visit_minutes": 30,
            "availability": {"mon": [["09:00", "12:00"], ["14:00", "18:00"]]},
            "language": "es",
            "primary": "s-cm2",
            "itt": ["s-cm2", "s-rn1", "s-md1"],
            "excluded_staff": ["s-sw3"],
            "paired": False,
            "requirements": [
                {"discipline": "nurse", "visits": 2},
                {"skill": "lai_injection", "due": "2026-12-02", "window_days": 1},
            ],
        }
    ],
}

#: The plan file of FORMATS.md.
EXAMPLE_PLAN: dict = {
    "format": "actplanner/plan@1",
    "team": "eastside",
    "week_start": "2026-11-30",
    "visits": [
        {
            "id": "v-0001",
            "client": "c-014",
            "staff": ["s-rn1"],
            "date": "2026-12-02",
            "start": "09:15",
            "end": "09:45",
            "purpose": "lai_injection",
        }
    ],
    "on_call": [
        {
            "role": "primary",
            "staff": "s-rn1",
            "start": "2026-11-30T08:30",
            "end": "2026-12-01T08:30",
        }
    ],
    "caseload": {"c-014": {"primary": "s-cm2", "itt": ["s-cm2", "s-rn1", "s-md1"]}},
    "unmet": [{"client": "c-020", "rule": "H1", "detail": "5 of 6 visits: no availability on sat"}],
    "metrics": {},
    "solver": {"status": "feasible", "seconds": 12.4, "objective": 1234, "bound": 1100},
}


def team_errors(doc: dict | str) -> list[str]:
    with pytest.raises(FormatError) as caught:
        load_team(doc)
    return caught.value.messages


def changed(edit) -> dict:  # noqa: ANN001
    doc = copy.deepcopy(EXAMPLE_TEAM)
    edit(doc)
    return doc


def test_example_team_loads_and_round_trips() -> None:
    """The FORMATS.md team file loads and dumps back to exactly the same document."""
    team = load_team(json.dumps(EXAMPLE_TEAM))
    assert team.staff[0].leave[0].end == "2026-12-04T00:00"
    assert dump_team(team) == EXAMPLE_TEAM


def test_defaults_are_not_emitted() -> None:
    """Keys left out (travel, start, paired, …) stay out when the file is dumped."""
    doc = changed(lambda d: d["policy"].pop("travel"))
    team = load_team(doc)
    assert team.policy.travel.speed_kmh == 30
    assert "travel" not in dump_team(team)["policy"]
    assert "start" not in dump_team(team)["staff"][1]


def test_example_plan_loads_and_round_trips() -> None:
    """The FORMATS.md plan file loads and dumps back to exactly the same document."""
    assert dump_plan(load_plan(json.dumps(EXAMPLE_PLAN).encode())) == EXAMPLE_PLAN


def test_unknown_key_is_named() -> None:
    """A misspelt key is an error at its own path, not silently dropped."""
    doc = changed(lambda d: d["staff"][0].update(shfts={}))
    assert team_errors(doc) == ["staff[0].shfts: unknown key"]


def test_bad_time_is_named() -> None:
    """A time that is not HH:MM names the availability window it sits in."""
    doc = changed(lambda d: d["clients"][0]["availability"].update(tue=[["25:00", "26:00"]]))
    assert team_errors(doc) == [
        'clients[0].availability.tue[0][0]: "25:00" is not a time (HH:MM)',
        'clients[0].availability.tue[0][1]: "26:00" is not a time (HH:MM)',
    ]


def test_24_00_is_only_an_end_time() -> None:
    """24:00 ends a window but cannot start a shift or be the on-call handoff."""
    ok = changed(lambda d: d["clients"][0]["availability"].update(tue=[["20:00", "24:00"]]))
    load_team(ok)
    doc = changed(lambda d: d["staff"][0]["shifts"].update(sat=["24:00", "24:00"]))
    assert team_errors(doc) == ['staff[0].shifts.sat[0]: "24:00" is allowed only as an end time']
    doc = changed(lambda d: d["policy"]["on_call"].update(handoff="24:00"))
    assert team_errors(doc) == ['policy.on_call.handoff: "24:00" is allowed only as an end time']


def test_shift_ending_before_start_is_named() -> None:
    """A shift that ends before it starts names the weekday."""
    doc = changed(lambda d: d["staff"][0]["shifts"].update(mon=["17:00", "08:00"]))
    assert team_errors(doc) == ["staff[0].shifts.mon: shift ends (08:00) before it starts (17:00)"]


def test_leave_ending_before_start_is_named() -> None:
    """Leave that does not end after it starts is an error at that leave entry."""
    doc = changed(
        lambda d: d["staff"][0]["leave"].append({"start": "2026-12-05T00:00", "end": "2026-12-04T00:00"})
    )
    assert team_errors(doc) == [
        "staff[0].leave[1]: leave ends (2026-12-04T00:00) before it starts (2026-12-05T00:00)"
    ]


def test_unknown_timezone_is_named() -> None:
    """A time zone that zoneinfo does not know is rejected."""
    doc = changed(lambda d: d["team"].update(timezone="America/Gotham"))
    assert team_errors(doc) == ['team.timezone: "America/Gotham" is not an IANA time zone']


def test_unknown_staff_in_itt_is_named() -> None:
    """An ITT member who is not on the staff list is named by position."""
    doc = changed(lambda d: d["clients"][0]["itt"].__setitem__(1, "s-zz"))
    assert team_errors(doc) == ['clients[0].itt[1]: unknown staff "s-zz"']


def test_unknown_acuity_is_named() -> None:
    """A client's acuity must be one of the policy's levels."""
    doc = changed(lambda d: d["clients"][0].update(acuity="extreme"))
    assert team_errors(doc) == [
        'clients[0].acuity: unknown acuity "extreme" (policy.acuity has high, moderate, stable)'
    ]


def test_unknown_on_call_role_is_named() -> None:
    """A staff on-call role the policy does not define is an error."""

    def edit(d: dict) -> None:
        del d["policy"]["on_call"]["roles"]["backup"]

    assert team_errors(changed(edit)) == [
        'staff[0].on_call_roles[1]: role "backup" is not defined in policy.on_call.roles'
    ]


def test_primary_role_is_required() -> None:
    """The on-call policy must define the primary role."""
    doc = changed(lambda d: d["policy"]["on_call"]["roles"].pop("primary"))
    assert team_errors(doc) == ["policy.on_call.roles.primary: required key is missing"]


def test_bad_discipline_and_types_are_named() -> None:
    """A discipline outside the fixed list and a value of the wrong JSON type are both named."""

    def edit(d: dict) -> None:
        d["staff"][0]["discipline"] = "doctor"
        d["staff"][0]["fte"] = "1"

    errors = team_errors(changed(edit))
    assert errors[0].startswith('staff[0].discipline: "doctor" is not one of ')
    assert errors[1] == 'staff[0].fte: expected a number, got "1"'


def test_visit_counts_are_bounded() -> None:
    """visits_per_week must be 1 to 7."""
    doc = changed(lambda d: d["clients"][0].update(visits_per_week=8))
    assert team_errors(doc) == ["clients[0].visits_per_week: 8 should be less than or equal to 7"]


def test_bad_requirement_shape_is_named() -> None:
    """A requirement of neither shape says which shapes are allowed."""
    doc = changed(lambda d: d["clients"][0]["requirements"].append({"kind": "x"}))
    assert team_errors(doc) == [
        'clients[0].requirements[2]: expected {"discipline": D, "visits": n} or '
        '{"skill": K, "due": DATE, "window_days": w}'
    ]
    doc = changed(lambda d: d["clients"][0]["requirements"][1].update(due="2026-13-01"))
    assert team_errors(doc) == ['clients[0].requirements[1].due: "2026-13-01" is not a date (YYYY-MM-DD)']


def test_missing_matrix_pair_is_named() -> None:
    """A travel matrix without a time for some pair of places is an error."""
    places = ["office", "s-rn1", "s-cm2", "s-md1", "s-sw3", "c-014"]
    full = {a: {b: 10 for b in places if b != a} for a in places}

    def edit(d: dict) -> None:
        d["policy"]["travel"] = {"model": "matrix", "minutes": copy.deepcopy(full)}

    team = load_team(changed(edit))
    assert team.policy.travel.minutes["office"]["c-014"] == 10

    def broken(d: dict) -> None:
        edit(d)
        del d["policy"]["travel"]["minutes"]["c-014"]["s-rn1"]
        d["policy"]["travel"]["minutes"]["c-999"] = {}

    assert team_errors(changed(broken)) == [
        'policy.travel.minutes.c-999: unknown place (expected a staff id, client id or "office")',
        'policy.travel.minutes.c-014: no travel time to "s-rn1"',
    ]


def test_unknown_travel_model_is_named() -> None:
    """Travel must say which model it uses."""
    doc = changed(lambda d: d["policy"].update(travel={"model": "osrm"}))
    assert team_errors(doc) == ['policy.travel: expected an object with "model": "haversine" or "matrix"']


def test_duplicate_ids_are_named() -> None:
    """An id used twice in one list names the second entry and the first."""
    doc = changed(lambda d: d["staff"][3].update(id="s-cm2"))
    assert team_errors(doc) == [
        'staff[3].id: duplicate id "s-cm2" (also staff[1])',
        'clients[0].excluded_staff[0]: unknown staff "s-sw3"',
    ]


def test_bad_id_is_named() -> None:
    """Ids are letters, digits, - and _ only."""
    doc = changed(lambda d: d["clients"][0].update(id="c 14"))
    assert team_errors(doc) == ['clients[0].id: "c 14" is not an id (letters, digits, - and _)']


def test_invalid_json_gives_line_and_column() -> None:
    """Text that is not JSON says where it stopped making sense."""
    text = '{\n  "format": "actplanner/team@1",\n  "team": }'
    assert team_errors(text) == ["(file): invalid JSON at line 3, column 11: Expecting value"]


def test_duplicate_json_key_is_an_error() -> None:
    """A key repeated in one object is an error rather than a silently lost value."""
    assert team_errors('{"format": 1, "format": 2}') == [
        '(file): invalid JSON: duplicate key "format" in one object'
    ]


def test_week_start_must_be_a_monday() -> None:
    """A week starting on another day is rejected, naming week_start."""
    assert parse_week_start("2026-11-30") == date(2026, 11, 30)
    with pytest.raises(FormatError) as caught:
        parse_week_start("2026-12-01")
    assert caught.value.messages == ["week_start: 2026-12-01 is a Tuesday; a week starts on a Monday"]
    with pytest.raises(ValueError, match="--week"):
        parse_week_start("next week", field="--week")


def test_plan_week_start_must_be_a_monday() -> None:
    """A plan file whose week_start is not a Monday is rejected at week_start."""
    doc = {**EXAMPLE_PLAN, "week_start": "2026-12-01"}
    with pytest.raises(FormatError) as caught:
        load_plan(doc)
    assert caught.value.messages == ["week_start: 2026-12-01 is a Tuesday; a week starts on a Monday"]


def test_plan_visit_outside_week_is_named() -> None:
    """A plan visit dated outside its week is an error at that visit's date."""
    doc = copy.deepcopy(EXAMPLE_PLAN)
    doc["visits"][0]["date"] = "2026-12-07"
    with pytest.raises(FormatError) as caught:
        load_plan(doc)
    assert caught.value.messages == ["visits[0].date: 2026-12-07 is not in the week of 2026-11-30"]


# A small generator of valid team files for the round-trip property.
_ids = st.lists(st.from_regex(r"[a-z][a-z0-9_-]{0,5}", fullmatch=True), min_size=1, max_size=4, unique=True)
_minute = st.integers(0, 1439)
# Any text a file may hold: every character but NUL and the lone surrogates (refused, see limits).
_text = st.characters(exclude_categories=["Cs"], exclude_characters="\0")
_location = st.fixed_dictionaries(
    {"lat": st.floats(-90, 90), "lon": st.floats(-180, 180)},
    optional={"label": st.text(_text, max_size=5)},
)


def _hhmm(m: int) -> str:
    return f"{m // 60:02d}:{m % 60:02d}"


@st.composite
def _span(draw) -> list[str]:  # noqa: ANN001
    start = draw(st.integers(0, 1439))
    end = draw(st.integers(start + 1, 1440))
    return [_hhmm(start), _hhmm(end)]


_days = st.dictionaries(st.sampled_from(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]), _span())


@st.composite
def team_docs(draw) -> dict:  # noqa: ANN001
    staff_ids = draw(_ids)
    client_ids = draw(_ids)
    staff = [
        draw(
            st.fixed_dictionaries(
                {
                    "id": st.just(ident),
                    "name": st.text(_text, max_size=5),
                    "discipline": st.sampled_from(["nurse", "case_manager", "psychiatrist"]),
                    "fte": st.floats(0.1, 1.0),
                },
                optional={
                    "languages": st.lists(st.sampled_from(["en", "es"]), max_size=2),
                    "start": _location,
                    "shifts": _days,
                    "max_visits_per_day": st.integers(1, 9),
                    "on_call_roles": st.lists(st.sampled_from(["primary", "backup"]), max_size=2),
                },
            )
        )
        for ident in staff_ids
    ]
    # One nurse with the skill, so generated requirements are never contradictions
    # (a requirement nobody on the team can meet is rejected as a contradiction).
    staff[0]["discipline"] = "nurse"
    staff[0]["skills"] = ["lai"]
    clients = [
        draw(
            st.fixed_dictionaries(
                {
                    "id": st.just(ident),
                    "code": st.text(_text, min_size=1, max_size=4),
                    "home": _location,
                    "acuity": st.sampled_from(["high", "stable"]),
                },
                optional={
                    "visits_per_week": st.integers(1, 7),
                    "availability": st.dictionaries(
                        st.sampled_from(["mon", "wed", "sat"]), st.lists(_span(), max_size=2)
                    ),
                    "excluded_staff": st.lists(st.sampled_from(staff_ids), max_size=1),
                    "paired": st.booleans() if len(staff_ids) > 1 else st.just(False),
                    "requirements": st.lists(
                        st.one_of(
                            st.fixed_dictionaries({"discipline": st.just("nurse"), "visits": st.just(1)}),
                            st.fixed_dictionaries(
                                {
                                    "skill": st.just("lai"),
                                    "due": st.dates(date(2000, 1, 1), date(2100, 12, 31)).map(date.isoformat),
                                    "window_days": st.integers(0, 9),
                                }
                            ),
                        ),
                        max_size=2,
                    ),
                },
            )
        )
        for ident in client_ids
    ]
    policy = copy.deepcopy(EXAMPLE_TEAM["policy"])
    policy["on_call"]["handoff"] = _hhmm(draw(_minute))
    if draw(st.booleans()):
        del policy["travel"]
    return {
        "format": "actplanner/team@1",
        "team": {"id": "t", "name": "T", "timezone": "Europe/London", "office": draw(_location)},
        "policy": policy,
        "staff": staff,
        "clients": clients,
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(team_docs())
def test_round_trip_is_exact(doc: dict) -> None:
    """Any valid team file dumps back to exactly the document that was loaded."""
    assert dump_team(load_team(doc)) == doc
    assert dump_team(load_team(json.dumps(doc))) == doc
