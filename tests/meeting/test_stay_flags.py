"""Today's flags for hospital stays (issue 11): in hospital today, or discharged in the last 14 days."""

from __future__ import annotations

from datetime import date
from typing import Any

from actplanner.domain.formats import load_team
from actplanner.domain.today import morning_meeting
from tests.support.contact_files import history_team

WEDNESDAY = date(2026, 12, 2)


def flags(*episodes: dict[str, Any], today: date = WEDNESDAY) -> tuple[str, ...]:
    """c-1's flags of hospital stays with ``episodes`` on file (a team@2 team); its injection
    due flag aside."""
    doc = history_team()
    doc["format"] = "actplanner/team@2"
    doc["clients"][0]["episodes"] = list(episodes)
    lines = {line.client: line for line in morning_meeting(load_team(doc), today)}
    assert lines["c-2"].flags == ()  # the other client has no stay
    return tuple(f for f in lines["c-1"].flags if not f.startswith("lai_injection"))


WARD = {"lat": 41.88, "lon": -87.63, "label": "County Hospital"}


def test_a_client_in_hospital_today_is_flagged_with_where_and_until_when() -> None:
    stay = {"kind": "inpatient", "start": "2026-11-28", "end": "2026-12-05", "location": WARD}
    assert flags(stay) == ("in hospital since 2026-11-28 at County Hospital, expected home 2026-12-05",)
    assert flags({"kind": "inpatient", "start": "2026-12-02"}) == ("in hospital since 2026-12-02",)


def test_a_discharge_is_flagged_for_14_days_from_the_first_date_home() -> None:
    stay = {"kind": "inpatient", "start": "2026-11-10", "end": "2026-11-19"}
    assert flags(stay) == ("discharged from hospital 2026-11-19 (13 days ago)",)
    assert flags(stay, today=date(2026, 11, 19)) == ("discharged from hospital 2026-11-19 (today)",)
    assert flags(stay, today=date(2026, 12, 3)) == ()
    # The day before the first date home the client is still in hospital.
    assert flags(stay, today=date(2026, 11, 18))[0].startswith("in hospital since 2026-11-10")


def test_an_absence_is_no_hospital_stay() -> None:
    assert flags({"kind": "away", "start": "2026-11-28", "end": "2026-12-05"}) == ()
