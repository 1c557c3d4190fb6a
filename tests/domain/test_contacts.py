"""The contact log file: loading, exact round trips, and errors that name the entry and field."""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest

from actplanner.domain.formats import (
    FormatError,
    contact_visit_errors,
    dump_contacts,
    load_contacts,
    load_plan,
    load_team,
)
from tests.support.contact_files import contact, history_team
from tests.support.contact_files import contact_log as log


def errors(doc: dict, team: dict | None = None) -> list[str]:
    with pytest.raises(FormatError) as caught:
        load_contacts(doc, load_team(team) if team is not None else None)
    return caught.value.messages


#: The example of FORMATS.md, for the tiny team's ids.
EXAMPLE = log(
    contact("k-000001", skills=["lai_injection"], visit="v-0001"),
    {"id": "k-000002", "client": "c-2", "staff": ["s-cm", "s-tl"], "date": "2026-12-01",
     "start": "10:00", "minutes": 0, "outcome": "no_show", "visit": "v-0007"},
)  # fmt: skip


def test_the_example_loads_and_dumps_back_unchanged() -> None:
    """A valid log loads against its team and dumps to exactly the document read."""
    loaded = load_contacts(json.dumps(EXAMPLE), load_team(history_team()))
    assert dump_contacts(loaded) == EXAMPLE
    assert [c.delivered for c in loaded.contacts] == [True, False]


def test_an_unknown_key_is_an_error_naming_the_entry() -> None:
    """A misspelt key is not dropped: its path is named."""
    assert errors(log(contact("k-1", palce="home"))) == ["contacts[0].palce: unknown key"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"mode": None}, "contacts[0].mode: required when outcome is done"),
        ({"place": None}, "contacts[0].place: required when mode is face_to_face"),
        (
            {"outcome": "no_show", "mode": None, "place": None},
            "contacts[0].minutes: 30 minutes but outcome is no_show; only a done contact has minutes",
        ),
        ({"outcome": "gone"}, "contacts[0].outcome: \"gone\" is not one of 'done', 'no_show', 'refused' "
                              "or 'cancelled'"),
        ({"minutes": -5}, "contacts[0].minutes: -5 should be greater than or equal to 0"),
        ({"start": "23:50"}, "contacts[0].minutes: 30 minutes from 23:50 run past midnight"),
        ({"staff": []}, "contacts[0].staff: a contact names at least one staff member"),
        ({"staff": ["s-rn", "s-rn"]}, 'contacts[0].staff[1]: "s-rn" is listed twice'),
        (
            {"outcome": "refused", "minutes": 0, "skills": ["lai_injection"]},
            "contacts[0].skills: only a done contact provides skills (outcome is refused)",
        ),
        ({"date": "2026-02-30"}, 'contacts[0].date: "2026-02-30" is not a date (YYYY-MM-DD)'),
    ],
)  # fmt: skip
def test_a_bad_entry_is_named_with_its_field(fields: dict, message: str) -> None:
    """Each rule between an entry's fields is an error naming the entry and the field."""
    assert errors(log(contact("k-ok"), contact("k-bad", **fields)))[0] == message.replace(
        "contacts[0]", "contacts[1]"
    )


def test_not_done_contacts_need_no_mode_and_phone_calls_no_place() -> None:
    """A no-show needs neither mode nor place; a done phone call needs no place."""
    loaded = load_contacts(
        log(
            contact("k-1", outcome="no_show", minutes=0, mode=None, place=None),
            contact("k-2", mode="phone", place=None, minutes=10),
        )
    )
    assert [c.delivered for c in loaded.contacts] == [False, False]


def test_two_entries_for_one_visit_of_one_week_are_an_error() -> None:
    """One file records a visit once; the same visit id in another week is another visit."""
    doc = log(
        contact("k-1", visit="v-0001"),
        contact("k-2", visit="v-0001", date="2026-12-02"),
        contact("k-3", visit="v-0001", date="2026-12-07"),
    )
    assert errors(doc) == [
        'contacts[1].visit: visit "v-0001" of the week of 2026-11-30 already has a contact '
        "(contacts[0]); a visit has at most one"
    ]


def test_duplicate_contact_ids_are_an_error() -> None:
    assert errors(log(contact("k-1"), contact("k-1"))) == [
        'contacts[1].id: duplicate id "k-1" (also contacts[0])'
    ]


def test_against_the_team_unknown_clients_staff_skills_and_team_are_errors() -> None:
    """Checked against its team file, every id must exist and a skill must be someone's on it."""
    doc = log(
        contact("k-1", client="c-9"),
        contact("k-2", staff=["s-rn", "s-xx"]),
        contact("k-3", staff=["s-cm"], skills=["lai_injection"]),
        team="other",
    )
    assert errors(doc, history_team()) == [
        'team: the log is for team "other", the team file is "tiny"',
        'contacts[0].client: unknown client "c-9"',
        'contacts[1].staff[1]: unknown staff "s-xx"',
        'contacts[2].skills[0]: no staff member on the contact has skill "lai_injection"',
    ]


def test_a_visit_is_checked_against_the_plan_of_its_week() -> None:
    """The visit must be in that week's plan, the contact's client's and on the contact's date."""
    plan = load_plan(
        {
            "format": "actplanner/plan@1",
            "team": "tiny",
            "week_start": "2026-11-30",
            "visits": [
                {"id": "v-1", "client": "c-1", "staff": ["s-rn"], "date": "2026-11-30",
                 "start": "09:00", "end": "09:45"},
                {"id": "v-2", "client": "c-2", "staff": ["s-rn", "s-cm"], "date": "2026-12-01",
                 "start": "09:00", "end": "10:00"},
            ],
            "on_call": [],
            "caseload": {},
        }
    )  # fmt: skip
    doc = load_contacts(
        log(
            contact("k-1", visit="v-1"),
            contact("k-2", visit="v-9"),
            contact("k-3", visit="v-2", date="2026-12-01"),
            contact("k-4", visit="v-1", date="2026-12-08"),
        )
    )
    base = copy.deepcopy(doc)
    base.contacts = [doc.contacts[0]]
    assert contact_visit_errors(base, {date(2026, 11, 30): plan}) == []
    assert contact_visit_errors(doc, {date(2026, 11, 30): plan}) == [
        'contacts[1].visit: the plan of the week of 2026-11-30 has no visit "v-9"',
        "contacts[2].visit: visit \"v-2\" is c-2's, not c-1's",
    ]
    moved = load_contacts(log(contact("k-1", visit="v-1", date="2026-12-01")))
    assert contact_visit_errors(moved, {date(2026, 11, 30): plan}) == [
        'contacts[0].visit: visit "v-1" is on 2026-11-30, the contact on 2026-12-01; '
        "a visit made on another day is recorded as a contact of its own"
    ]
