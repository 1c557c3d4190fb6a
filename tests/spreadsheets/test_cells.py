"""Readable cells: each reads to the team file's value and writes back to text that reads the same."""

from __future__ import annotations

import pytest

from actplanner.spreadsheets import cells
from actplanner.spreadsheets.cells import CellError


def test_availability_reads_days_with_several_ranges() -> None:
    """ "Mon 09:00-12:00, 14:00-16:00; Wed 14:00-18:00" is two ranges on Monday and one on Wednesday."""
    hours = cells.read_week_hours("Mon 9:00-12:00, 14:00–16:00; wednesday 14:00 to 18:00")
    assert hours == {"mon": [["09:00", "12:00"], ["14:00", "16:00"]], "wed": [["14:00", "18:00"]]}
    assert cells.read_week_hours(cells.write_week_hours(hours)) == hours


def test_availability_with_a_bad_day_or_time_says_what_was_expected() -> None:
    """A misspelt day or an impossible time is refused naming the text and the expected shape."""
    with pytest.raises(CellError, match='"Mnday" is not a day'):
        cells.read_week_hours("Mnday 09:00-12:00")
    with pytest.raises(CellError, match=r'"25:00" is not a time \(HH:MM'):
        cells.read_week_hours("Mon 09:00-25:00")
    with pytest.raises(CellError, match="is not a day with its hours"):
        cells.read_week_hours("09:00-12:00")


def test_staff_shifts_take_one_range_a_day_and_holidays() -> None:
    """Fixed hours are one range a day; a second range the same day is refused; Holiday is a day name."""
    assert cells.read_shifts("Mon 08:30-17:00; Holiday 09:00-13:00") == {
        "mon": ["08:30", "17:00"],
        "holiday": ["09:00", "13:00"],
    }
    with pytest.raises(CellError, match="works one a day"):
        cells.read_shifts("Mon 08:30-12:00, 13:00-17:00")


def test_requirements_read_visits_a_week_recurring_and_due() -> None:
    """The issue's cells: "nurse x2; lai_injection every 14 days from 2026-11-20" and a due date."""
    assert cells.read_requirements("nurse x2; lai_injection every 14 days from 2026-11-20") == [
        {"discipline": "nurse", "visits": 2},
        {"skill": "lai_injection", "every_days": 14, "last": "2026-11-20", "window_days": 0},
    ]
    assert cells.read_requirements("Social worker x1; psychiatrist every 28 days, window 7 days") == [
        {"discipline": "social_worker", "visits": 1},
        {"discipline": "psychiatrist", "every_days": 28, "window_days": 7},
    ]
    due = cells.read_requirements("lai_injection due 2026-12-02, window 1 day")
    assert due == [{"skill": "lai_injection", "due": "2026-12-02", "window_days": 1}]
    for requirement in (
        *due,
        {"discipline": "psychiatrist", "every_days": 28, "window_days": 7, "last": "2026-11-10"},
    ):
        assert cells.read_requirements(cells.write_requirements([requirement])) == [requirement]


def test_a_requirement_that_is_not_one_says_how_to_write_it() -> None:
    """Words the cell cannot read are refused with examples; visits a week need a discipline."""
    with pytest.raises(CellError, match='"nurse twice" is not a requirement: write e.g. "nurse x2"'):
        cells.read_requirements("nurse twice")
    with pytest.raises(CellError, match='"five" is not a number'):
        cells.read_requirements("nurse xfive")
    with pytest.raises(CellError, match="is not a discipline"):
        cells.read_requirements("lai_injection x2")


def test_numbers_say_when_they_are_not() -> None:
    """ "five" is not a number; 2.5 is not a whole number."""
    assert cells.read_whole("5") == 5
    with pytest.raises(CellError, match='"five" is not a number'):
        cells.read_whole("five")
    with pytest.raises(CellError, match='"2.5" is not a whole number'):
        cells.read_whole("2.5")


def test_leave_reads_times_and_whole_end_dates() -> None:
    """A leave period with times is kept; "2026-12-10 to 2026-12-11" is both days off."""
    leave = cells.read_leave("2026-12-01 09:00 to 2026-12-03 17:00; 2026-12-10 to 2026-12-11")
    assert leave == [
        {"start": "2026-12-01T09:00", "end": "2026-12-03T17:00"},
        {"start": "2026-12-10T00:00", "end": "2026-12-12T00:00"},
    ]
    assert cells.read_leave(cells.write_leave(leave)) == leave
    with pytest.raises(CellError, match="is not a leave period"):
        cells.read_leave("next week")


def test_episodes_read_stays_with_hospital_and_absences() -> None:
    """A stay with its hospital (whose label has commas) and an absence round-trip."""
    text = (
        "inpatient 2026-11-24 to 2026-12-03, 1 visit a week, at 41.975, -87.6985 Swedish Hospital, "
        "5140 N California Ave; away 2026-12-15"
    )
    episodes = cells.read_episodes(text)
    assert episodes == [
        {
            "kind": "inpatient",
            "start": "2026-11-24",
            "end": "2026-12-03",
            "location": {"lat": 41.975, "lon": -87.6985, "label": "Swedish Hospital, 5140 N California Ave"},
            "visits_per_week": 1,
        },
        {"kind": "away", "start": "2026-12-15"},
    ]
    assert cells.read_episodes(cells.write_episodes(episodes)) == episodes


def test_contract_cells() -> None:
    """Minutes a week as least-most, days off by name, requests as date then off or a shift type."""
    assert cells.read_minutes_range("2160-2400") == [2160, 2400]
    assert cells.read_days("Sat, Sun") == ["sat", "sun"]
    assert cells.read_requests("2026-12-24 off; 2026-12-28 late") == [
        {"date": "2026-12-24", "off": True},
        {"date": "2026-12-28", "shift": "late"},
    ]


def test_excel_values_read_as_their_text() -> None:
    """An Excel date cell is its date, a whole number has no ".0", a time its HH:MM."""
    from datetime import datetime, time

    assert cells.cell_text(datetime(2026, 11, 20)) == "2026-11-20"
    assert cells.cell_text(5.0) == "5"
    assert cells.cell_text(time(9, 30)) == "09:30"
    assert cells.cell_text(True) == "yes"
