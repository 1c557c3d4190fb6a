"""team@2 (FORMATS.md, version 2 Part A): the new keys load and round-trip, and bad input is named.

Each check has a pair: a file that holds (loads) and one that breaks it, whose
error names the field and says what was expected.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from actplanner.domain.formats import TEAM_FORMAT_2, dump_team, load_team
from actplanner.domain.formats.team import uses_version_2
from tests.domain.test_formats import EXAMPLE_TEAM, team_errors

#: The team file of FORMATS.md as version 2: every key of "Team file additions" given.
TEAM_2: dict[str, Any] = copy.deepcopy(EXAMPLE_TEAM)
TEAM_2["format"] = TEAM_FORMAT_2
TEAM_2["policy"]["post_discharge"] = {"days": 14, "visits_per_week": 3, "first_within_days": 2}
TEAM_2["policy"]["acuity"]["high"]["max_days_without_contact"] = 2
TEAM_2["policy"]["on_call"]["fairness_weeks"] = 8
TEAM_2["staff"][0].update(employed_from="2024-05-01", employed_until=None)
TEAM_2["clients"][0].update(
    admitted="2025-03-02",
    discharged=None,
    acuity_changes=[{"date": "2027-01-04", "acuity": "moderate"}],
    episodes=[
        {
            "kind": "inpatient",
            "start": "2026-12-01",
            "end": "2026-12-08",
            "location": {"lat": 41.88, "lon": -87.67, "label": "County hospital"},
            "visits_per_week": 1,
        }
    ],
    # Three visits a week, so the step-down to moderate (min_gap_days 2) still fits a week.
    visits_per_week=3,
    requirements=[
        {"discipline": "nurse", "visits": 2},
        {"skill": "lai_injection", "every_days": 14, "window_days": 2, "last": "2026-11-20"},
        {"discipline": "psychiatrist", "every_days": 28, "window_days": 7},
    ],
)


def v2(edit: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    doc = copy.deepcopy(TEAM_2)
    edit(doc)
    return doc


def client(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["clients"][0]


POST_DISCHARGE = TEAM_2["policy"]["post_discharge"]


def high(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["policy"]["acuity"]["high"]


def recurring(doc: dict[str, Any]) -> None:
    client(doc)["requirements"][1] = {"skill": "lai_injection", "every_days": 14, "window_days": 1}


def test_team_2_loads_and_round_trips() -> None:
    team = load_team(json.dumps(TEAM_2))
    assert team.format == TEAM_FORMAT_2
    c = team.clients[0]
    assert c.episodes[0].kind == "inpatient" and c.episodes[0].end == "2026-12-08"
    assert c.acuity_changes[0].acuity == "moderate"
    assert team.policy.post_discharge is not None and team.policy.post_discharge.first_within_days == 2
    assert team.staff[0].employed_from == "2024-05-01"
    assert dump_team(team) == TEAM_2
    assert uses_version_2(team)


def test_defaults_of_version_2() -> None:
    """Keys left out have the contract's defaults and stay out of the dump."""
    team = load_team(EXAMPLE_TEAM)
    assert team.policy.on_call.fairness_weeks == 8
    assert team.clients[0].episodes == [] and team.clients[0].acuity_changes == []
    assert team.policy.post_discharge is None and team.staff[0].employed_until is None
    assert dump_team(team) == EXAMPLE_TEAM
    assert not uses_version_2(team)
    # A team@2 file need not use any version 2 key.
    assert dump_team(load_team({**EXAMPLE_TEAM, "format": TEAM_FORMAT_2}))["format"] == TEAM_FORMAT_2


@pytest.mark.parametrize(
    ("path", "edit"),
    [
        ("policy.post_discharge", lambda d: d["policy"].update(post_discharge=POST_DISCHARGE)),
        ("policy.acuity.high.max_days_without_contact", lambda d: high(d).update(max_days_without_contact=2)),
        ("policy.on_call.fairness_weeks", lambda d: d["policy"]["on_call"].update(fairness_weeks=8)),
        ("staff[0].employed_from", lambda d: d["staff"][0].update(employed_from="2024-05-01")),
        ("staff[1].employed_until", lambda d: d["staff"][1].update(employed_until="2027-05-01")),
        ("clients[0].admitted", lambda d: client(d).update(admitted="2025-03-02")),
        ("clients[0].discharged", lambda d: client(d).update(discharged=None)),
        ("clients[0].episodes", lambda d: client(d).update(episodes=[])),
        ("clients[0].acuity_changes", lambda d: client(d).update(acuity_changes=[])),
        ("clients[0].requirements[1].every_days", recurring),
    ],
)  # fmt: skip
def test_a_team_1_file_cannot_carry_version_2_keys(
    path: str, edit: Callable[[dict[str, Any]], object]
) -> None:
    doc = copy.deepcopy(EXAMPLE_TEAM)
    edit(doc)
    key = path.rsplit(".", 1)[-1]
    assert f'{path}: "{key}" is a team@2 key: the file must say "format": "actplanner/team@2"' in team_errors(
        doc
    )
    load_team({**doc, "format": TEAM_FORMAT_2})  # the same keys hold in a team@2 file


def test_a_team_1_recurring_requirement_is_named() -> None:
    doc = copy.deepcopy(EXAMPLE_TEAM)
    client(doc)["requirements"][0] = {
        "discipline": "psychiatrist",
        "every_days": 28,
        "window_days": 7,
        "last": "2026-11-01",
    }
    must = 'is a team@2 key: the file must say "format": "actplanner/team@2"'
    assert team_errors(doc) == [
        f'clients[0].requirements[0].every_days: "every_days" {must}',
        f'clients[0].requirements[0].window_days: "window_days" {must}',
        f'clients[0].requirements[0].last: "last" {must}',
    ]


def test_every_days_is_at_least_a_week() -> None:
    load_team(v2(lambda d: client(d)["requirements"][1].update(every_days=7)))
    errors = team_errors(v2(lambda d: client(d)["requirements"][1].update(every_days=6)))
    assert errors == [
        "clients[0].requirements[1].every_days: every 6 days is too often for a recurring requirement: "
        "it repeats every 7 days or more (for visits each week, use a count a week instead)"
    ]
    errors = team_errors(v2(lambda d: client(d)["requirements"][2].update(every_days=0)))
    assert errors[0].startswith("clients[0].requirements[2].every_days: every 0 days is too often")
    errors = team_errors(v2(lambda d: client(d)["requirements"][2].update(every_days=400)))
    assert errors == ["clients[0].requirements[2].every_days: 400 should be less than or equal to 366"]


def test_a_skill_requirement_has_exactly_one_of_due_and_every_days() -> None:
    both = v2(lambda d: client(d)["requirements"][1].update(due="2026-12-02"))
    assert team_errors(both) == [
        'clients[0].requirements[1]: give either "due" (the one date it is due) or "every_days" '
        "(how often it recurs), not both"
    ]
    neither = v2(lambda d: client(d)["requirements"][1].pop("every_days"))
    assert team_errors(neither) == [
        'clients[0].requirements[1].due: required key is missing (or, in a team@2 file, give "every_days")'
    ]


def test_a_discipline_requirement_has_exactly_one_of_visits_and_every_days() -> None:
    both = v2(lambda d: client(d)["requirements"][2].update(visits=1))
    assert team_errors(both) == [
        'clients[0].requirements[2]: give either "visits" (visits each week) or "every_days" '
        "(how often it recurs), not both"
    ]
    neither = v2(lambda d: client(d)["requirements"][2].pop("every_days"))
    assert team_errors(neither) == [
        'clients[0].requirements[2].visits: required key is missing (or, in a team@2 file, give "every_days")'
    ]


def test_last_and_a_discipline_window_go_with_every_days_only() -> None:
    doc = v2(lambda d: client(d)["requirements"][0].update(window_days=2, last="2026-11-20"))
    only = 'only a recurring requirement (with "every_days") has'
    assert team_errors(doc) == [
        f"clients[0].requirements[0].last: {only} a last date",
        f"clients[0].requirements[0].window_days: {only} a window",
    ]


def test_employment_ends_after_it_starts() -> None:
    load_team(v2(lambda d: d["staff"][0].update(employed_until="2024-05-02")))
    assert team_errors(v2(lambda d: d["staff"][0].update(employed_until="2024-05-01"))) == [
        "staff[0].employed_until: employment ends (2024-05-01) on the day it starts (2024-05-01); "
        "employed_until is the first day not employed"
    ]
    assert team_errors(v2(lambda d: d["staff"][0].update(employed_until="2024-01-01")))[0].startswith(
        "staff[0].employed_until: employment ends (2024-01-01) before it starts (2024-05-01)"
    )


def test_discharge_comes_after_admission() -> None:
    load_team(v2(lambda d: client(d).update(discharged="2025-03-03")))
    assert team_errors(v2(lambda d: client(d).update(discharged="2025-03-01"))) == [
        "clients[0].discharged: discharged (2025-03-01) before admitted (2025-03-02); "
        "discharged is the first day off the program"
    ]


def test_an_acuity_change_names_a_known_level() -> None:
    doc = v2(lambda d: client(d)["acuity_changes"].append({"date": "2027-02-01", "acuity": "low"}))
    assert team_errors(doc) == [
        'clients[0].acuity_changes[1].acuity: unknown acuity "low" (policy.acuity has high, moderate, stable)'
    ]
    doc = v2(lambda d: client(d)["acuity_changes"].append({"date": "2027-01-04", "acuity": "stable"}))
    assert team_errors(doc) == [
        "clients[0].acuity_changes[1].date: a second acuity change on 2027-01-04 "
        "(also acuity_changes[0]); give one level a date"
    ]


def test_a_level_changed_to_must_fit_the_client_too() -> None:
    """Six visits fit a week at high (gap 1) but not at moderate (gap 2): the step-down is named."""
    doc = v2(lambda d: client(d).update(visits_per_week=6))
    assert team_errors(doc) == [
        "clients[0].visits_per_week: 6 visits 2 days apart do not fit in a week "
        '(acuity "moderate" has min_gap_days 2)'
    ]


def _episode(start: str, end: str | None, kind: str = "away") -> dict[str, Any]:
    return {"kind": kind, "start": start, "end": end}


def test_an_episode_ends_after_it_starts() -> None:
    load_team(v2(lambda d: client(d)["episodes"].append(_episode("2026-12-08", "2026-12-09"))))
    doc = v2(lambda d: client(d)["episodes"].append(_episode("2026-12-10", "2026-12-10")))
    assert team_errors(doc) == [
        "clients[0].episodes[1].end: the episode ends (2026-12-10) on the day it starts (2026-12-10); "
        "end is the first date back home"
    ]
    doc = v2(lambda d: client(d)["episodes"].append(_episode("2026-12-10", "2026-12-09")))
    assert team_errors(doc)[0].startswith("clients[0].episodes[1].end: the episode ends (2026-12-09) before")


def test_episodes_of_a_client_do_not_overlap() -> None:
    # Back to back holds: the first ends (its first date home) the day the next starts.
    load_team(v2(lambda d: client(d)["episodes"].insert(0, _episode("2026-11-20", "2026-12-01"))))
    doc = v2(lambda d: client(d)["episodes"].append(_episode("2026-12-07", None)))
    assert team_errors(doc) == [
        "clients[0].episodes[1].start: this episode (2026-12-07) overlaps episodes[0] "
        "(from 2026-12-01 until 2026-12-08); a client is in one episode at a time"
    ]
    doc = v2(lambda d: client(d)["episodes"].insert(0, _episode("2026-11-01", None)))
    assert team_errors(doc) == [
        "clients[0].episodes[1].start: this episode (2026-12-01) overlaps episodes[0] "
        "(from 2026-11-01 with no end); a client is in one episode at a time"
    ]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d["policy"]["acuity"]["high"].update(max_days_without_contact=0),
         "policy.acuity.high.max_days_without_contact: 0 should be greater than or equal to 1"),
        (lambda d: d["policy"]["post_discharge"].update(days=0),
         "policy.post_discharge.days: 0 should be greater than or equal to 1"),
        (lambda d: d["policy"]["post_discharge"].update(visits_per_week=8),
         "policy.post_discharge.visits_per_week: 8 should be less than or equal to 7"),
        (lambda d: d["policy"]["post_discharge"].update(first_within_days=0),
         "policy.post_discharge.first_within_days: 0 should be greater than or equal to 1"),
        (lambda d: d["policy"]["post_discharge"].pop("days"),
         "policy.post_discharge.days: required key is missing"),
        (lambda d: d["policy"]["on_call"].update(fairness_weeks=0),
         "policy.on_call.fairness_weeks: 0 should be greater than or equal to 1"),
        (lambda d: d["policy"]["on_call"].update(fairness_weeks=53),
         "policy.on_call.fairness_weeks: 53 should be less than or equal to 52"),
        (lambda d: client(d)["episodes"][0].update(visits_per_week=8),
         "clients[0].episodes[0].visits_per_week: 8 should be less than or equal to 7"),
        (lambda d: client(d)["episodes"][0].update(visits_per_week=-1),
         "clients[0].episodes[0].visits_per_week: -1 should be greater than or equal to 0"),
        (lambda d: client(d)["episodes"][0].update(kind="hospital"),
         "clients[0].episodes[0].kind: \"hospital\" is not one of 'inpatient' or 'away'"),
        (lambda d: client(d)["episodes"][0].update(start="2026-12-32"),
         'clients[0].episodes[0].start: "2026-12-32" is not a date (YYYY-MM-DD)'),
        (lambda d: client(d)["acuity_changes"][0].pop("date"),
         "clients[0].acuity_changes[0].date: required key is missing"),
    ],
)  # fmt: skip
def test_ranges_are_named(edit: Callable[[dict[str, Any]], object], message: str) -> None:
    assert team_errors(v2(edit)) == [message]


def test_the_edges_of_the_ranges_hold() -> None:
    def edges(d: dict[str, Any]) -> None:
        d["policy"]["acuity"]["high"]["max_days_without_contact"] = 1
        d["policy"]["post_discharge"] = {"days": 1, "visits_per_week": 7, "first_within_days": 1}
        d["policy"]["on_call"]["fairness_weeks"] = 52
        client(d)["episodes"][0]["visits_per_week"] = 7

    team = load_team(v2(edges))
    assert team.policy.on_call.fairness_weeks == 52
