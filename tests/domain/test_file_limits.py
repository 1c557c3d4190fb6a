"""The limits on team and plan files: what no file may hold, and each bound at its edge (issue 9, item 13)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from actplanner.domain.formats import FormatError, load_plan, load_team, parse_json, parse_week_start
from actplanner.domain.formats.limits import (
    MAX_CLIENTS,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_ID,
    MAX_LIST,
    MAX_MESSAGES,
    MAX_NAME,
    MAX_STAFF,
    MAX_STRING,
    MAX_TIMEZONE,
    MAX_WORD,
    document_problems,
)
from actplanner.domain.week import WeekError, parse_week, require_monday
from tests.support.team_files import team_file
from tests.support.web_factories import plan_doc

Edit = Callable[[dict[str, Any]], None]


def problems(data: Any) -> list[str]:
    """The messages of loading ``data`` as a team file, which must fail."""
    with pytest.raises(FormatError) as caught:
        load_team(data)
    return caught.value.messages


def edited(edit: Edit) -> dict[str, Any]:
    doc = team_file()
    edit(doc)
    return doc


def nested(levels: int) -> dict[str, Any]:
    """A document of ``levels`` objects, each inside the one before."""
    doc: dict[str, Any] = {}
    for _ in range(levels - 1):
        doc = {"a": doc}
    return doc


# ---------------------------------------------------------------------------------------------
# What the audit broke


def test_json_nested_past_the_recursion_limit_is_an_error_not_a_recursion_error() -> None:
    """A file nested 100,000 deep (Python's own parser gives up) is one sentence about the file."""
    text = '{"format": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert problems(text) == [f"(file): nested too deeply (more than {MAX_DEPTH} levels)"]


def test_json_nested_past_the_depth_limit_names_where() -> None:
    """A file that parses but nests deeper than any format does is refused at the place it goes too deep."""
    doc = team_file()
    doc["team"]["office"]["label"] = nested(MAX_DEPTH)
    (message,) = problems(doc)
    assert message.startswith("team.office.label.a.a.a")
    assert message.endswith(f": nested too deeply (more than {MAX_DEPTH} levels)")


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["team"].update(name="West\ud800"), "team.name: contains \\ud800, half of a UTF-16 pair"),
        (
            lambda d: d["staff"][0].update(fte="\udfff"),
            "staff[0].fte: contains \\udfff, half of a UTF-16 pair",
        ),
        (lambda d: d["clients"][1].update({"\ud800": 1}), "clients[1]: a key contains \\ud800, half of a"),
    ],
    ids=["name", "echoed-value", "key"],
)
def test_a_lone_surrogate_is_named_and_never_echoed_raw(edit: Edit, expected: str) -> None:
    """ "\\ud800" in a string or a key is refused, written as an escape, so the message can be sent."""
    for data in (edited(edit), json.dumps(edited(edit)), json.dumps(edited(edit)).encode()):
        (message,) = problems(data)
        assert message.startswith(expected)
        message.encode("utf-8")  # raises on a raw surrogate


@pytest.mark.parametrize(
    ("timezone", "expected"),
    [
        ("A" * 300, "is not an IANA time zone: 300 characters, and a zone name has at most 64"),
        ("../../etc/passwd", "is not an IANA time zone (a name like America/Chicago)"),
        ("/usr/share/zoneinfo/UTC", "is not an IANA time zone (a name like America/Chicago)"),
        ("America", 'team.timezone: "America" is not an IANA time zone'),
        ("Mars/Olympus_Mons", 'team.timezone: "Mars/Olympus_Mons" is not an IANA time zone'),
    ],
)
def test_time_zone_is_checked_for_length_and_shape_before_it_is_looked_up(
    timezone: str, expected: str
) -> None:
    """A long name (an OSError in zoneinfo), a path, a folder or an unknown zone is one clean message."""
    (message,) = problems(team_file(timezone=timezone))
    assert message.startswith("team.timezone: ")
    assert expected in message


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda d: d["staff"][0].update(name="Ana\x00"), "staff[0].name: contains a NUL character"),
        (lambda d: d["clients"][0].update(code="K\x00"), "clients[0].code: contains a NUL character"),
        (lambda d: d["policy"]["acuity"].update({"x\x00": {}}), "policy.acuity: a key contains a NUL"),
    ],
)
def test_a_nul_character_is_refused_in_every_string(edit: Edit, expected: str) -> None:
    """PostgreSQL stores no NUL character, in text or JSON; the file is refused naming the field."""
    assert problems(edited(edit))[0].startswith(expected)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda d: d["staff"][0].update(max_visits_per_day=2**64),
            "staff[0].max_visits_per_day: 18446744073709551616 is beyond the 64-bit whole numbers",
        ),
        (
            lambda d: d["staff"][0].update(max_visits_per_day=2**40),
            "staff[0].max_visits_per_day: 1099511627776 should be less than or equal to 1440",
        ),
        (
            lambda d: d["policy"].update(caseload_max_per_staff=-(2**63) - 1),
            "policy.caseload_max_per_staff: -9223372036854775809 is beyond the 64-bit",
        ),
        (
            lambda d: (
                d["clients"][0]
                .setdefault("requirements", [])
                .append({"skill": "x", "due": "2026-12-02", "window_days": 10**9})
            ),
            "should be less than or equal to 366",
        ),
    ],
    ids=["beyond-64-bits", "beyond-the-column", "below-64-bits", "window-days"],
)
def test_whole_numbers_are_bounded(edit: Edit, expected: str) -> None:
    """Numbers beyond 64 bits, or beyond what the field can mean, are refused before any column sees them."""
    assert expected in "\n".join(problems(edited(edit)))


def test_huge_floats_are_refused() -> None:
    """1e999 reads as infinity in Python; it is not a number any field may hold."""
    text = json.dumps(team_file()).replace('"fte": 1.0', '"fte": 1e999', 1)
    assert problems(text)[0].endswith("a number too large to store (not finite)")


# ---------------------------------------------------------------------------------------------
# Each limit at its edge: at the limit accepted, one over refused naming the field


def _staff(doc: dict[str, Any], count: int) -> None:
    template = doc["staff"][-1]
    doc["staff"] += [{**template, "id": f"extra-{i}"} for i in range(count - len(doc["staff"]))]


def _clients(doc: dict[str, Any], count: int) -> None:
    template = {k: v for k, v in doc["clients"][-1].items() if k not in ("primary", "itt")}
    doc["clients"] += [{**template, "id": f"extra-{i}"} for i in range(count - len(doc["clients"]))]


def _languages(doc: dict[str, Any], count: int) -> None:
    doc["staff"][0]["languages"] = [f"l{i}" for i in range(count)]


EDGES: list[tuple[str, Callable[[dict[str, Any], int], None], int, str]] = [
    (
        "team-name",
        lambda d, n: d["team"].update(name="n" * n),
        MAX_NAME,
        "team.name: too long: {n} characters",
    ),
    ("team-id", lambda d, n: d["team"].update(id="t" * n), MAX_ID, "team.id: too long: {n} characters"),
    ("staff-name", lambda d, n: d["staff"][1].update(name="s" * n), MAX_NAME, "staff[1].name: too long"),
    ("client-code", lambda d, n: d["clients"][2].update(code="c" * n), MAX_WORD, "clients[2].code: too long"),
    ("phone", lambda d, n: d["staff"][0].update(phone="5" * n), MAX_WORD, "staff[0].phone: too long"),
    (
        "label",
        lambda d, n: d["team"]["office"].update(label="o" * n),
        MAX_NAME,
        "team.office.label: too long",
    ),
    ("staff", _staff, MAX_STAFF, "staff: too many: {n} entries, at most 500"),
    ("clients", _clients, MAX_CLIENTS, "clients: too many: {n} entries, at most 2000"),
    ("languages", _languages, MAX_LIST, "staff[0].languages: too many: {n} entries, at most 50"),
]


@pytest.mark.parametrize(("name", "grow", "limit", "expected"), EDGES, ids=[e[0] for e in EDGES])
def test_each_limit_at_its_edge(
    name: str, grow: Callable[[dict[str, Any], int], None], limit: int, expected: str
) -> None:
    """A file at the limit loads; one more is refused with a message naming the field and the limit."""
    at_limit = team_file()
    grow(at_limit, limit)
    load_team(at_limit)
    over = team_file()
    grow(over, limit + 1)
    assert problems(over)[0].startswith(expected.format(n=limit + 1))
    assert f"at most {limit}" in problems(over)[0]


def test_time_zone_name_length_edge() -> None:
    """A 64-character name is looked up (and unknown); a 65-character one is refused for its length."""
    at_limit = "A/" + "b" * (MAX_TIMEZONE - 2)
    assert problems(team_file(timezone=at_limit)) == [
        f'team.timezone: "{at_limit[:36]}... is not an IANA time zone'
    ]
    assert "65 characters" in problems(team_file(timezone=at_limit + "c"))[0]


def test_file_size_edge() -> None:
    """A file of exactly the limit (padded with spaces) loads; one byte more is refused as the file."""
    text = json.dumps(team_file()).encode()
    at_limit = text + b" " * (MAX_FILE_BYTES - len(text))
    load_team(at_limit)
    assert problems(at_limit + b" ") == [
        f"(file): {MAX_FILE_BYTES + 1} bytes is too large; a file may have at most 10 MB"
    ]


def test_depth_edge() -> None:
    """Objects nested ``MAX_DEPTH`` levels are fine; one level more is too deep."""
    assert document_problems(nested(MAX_DEPTH)) == []
    assert document_problems(nested(MAX_DEPTH + 1)) == [
        f"{'.'.join(['a'] * MAX_DEPTH)}: nested too deeply (more than {MAX_DEPTH} levels)"
    ]


def test_string_length_edge_anywhere() -> None:
    """A string of ``MAX_STRING`` characters may stand anywhere free-form; one more is too long."""
    assert document_problems({"x": "s" * MAX_STRING}) == []
    assert document_problems({"x": ["s" * (MAX_STRING + 1)]}) == [
        f"x[0]: too long: {MAX_STRING + 1} characters, at most {MAX_STRING}"
    ]


def test_64_bit_edge_in_a_plan_files_metrics() -> None:
    """The largest 64-bit number may stand in a plan's free-form metrics; one more may not."""
    plan = plan_doc()
    plan["metrics"]["big"] = 2**63 - 1
    load_plan(plan)
    plan["metrics"]["big"] = 2**63
    with pytest.raises(FormatError) as caught:
        load_plan(plan)
    assert caught.value.messages == [
        "metrics.big: 9223372036854775808 is beyond the 64-bit whole numbers that can be stored"
    ]


def test_many_problems_are_listed_up_to_the_cap() -> None:
    """A file with hundreds of problems lists the first hundred and says there are more."""
    doc = team_file()
    _staff(doc, 300)
    for member in doc["staff"]:
        member["fte"] = 7
    messages = problems(doc)
    assert len(messages) == MAX_MESSAGES + 1
    assert messages[-1] == "(file): and more problems than these; fix these first"


def test_json_in_a_form_field_names_the_field() -> None:
    """JSON typed into a form (an availability box) is read the same way, its problems named at the field."""
    with pytest.raises(FormatError) as caught:
        parse_json('{"mon": [["09:00", "\\u0000"]]}', where="clients[0].availability")
    assert caught.value.messages[0].startswith("clients[0].availability.mon[0][1]: contains a NUL")


# ---------------------------------------------------------------------------------------------
# Dates and weeks


@pytest.mark.parametrize("week", ["2000-01-03", "2100-12-27"])
def test_first_and_last_planned_weeks_are_accepted(week: str) -> None:
    """The first Monday of 2000 and the last of 2100 are weeks actplanner plans."""
    assert parse_week(week, default=date.min) == date.fromisoformat(week)
    assert parse_week_start(week) == date.fromisoformat(week)


@pytest.mark.parametrize("week", ["0001-01-01", "1999-12-27", "2101-01-03", "9999-12-27"])
def test_weeks_outside_the_planned_years_are_refused(week: str) -> None:
    """A week whose Sunday or neighbour could overflow date, or merely far off, is a WeekError naming it."""
    with pytest.raises(WeekError, match=f"^week: {week} is outside the dates actplanner plans; give a date"):
        parse_week(week, default=date.min)
    with pytest.raises(WeekError, match="^week_start: "):
        require_monday(date.fromisoformat(week), field="week_start")
    with pytest.raises(FormatError, match=f"--week: {week} is outside the dates actplanner plans"):
        parse_week_start(week, field="--week")


def test_a_plan_file_of_an_unplanned_week_is_refused() -> None:
    """A plan file's week_start lies in the planned years too."""
    plan = plan_doc()
    plan["week_start"] = "9999-12-27"
    with pytest.raises(FormatError) as caught:
        load_plan(plan)
    assert caught.value.messages[0].startswith("week_start: ")


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (
            lambda d: (
                d["clients"][0]
                .setdefault("requirements", [])
                .append({"skill": "x", "due": "9999-12-31", "window_days": 1})
            ),
            "clients[0].requirements[",
        ),
        (
            lambda d: d["staff"][0].update(leave=[{"start": "1999-12-31T08:00", "end": "2000-01-02T08:00"}]),
            "staff[0].leave[0].start",
        ),
    ],
    ids=["due", "leave"],
)
def test_dates_in_a_team_file_lie_in_the_planned_years(edit: Edit, path: str) -> None:
    """A requirement due in 9999 (its window would overflow) or leave in 1999 is refused, naming the field."""
    (message,) = problems(edited(edit))
    assert message.startswith(path)
    assert message.endswith("is outside the years actplanner plans (2000 to 2100)")
