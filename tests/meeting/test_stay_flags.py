"""Today's flags for hospital stays (issue 11): in hospital today, or discharged in the last 14 days."""

from __future__ import annotations

from datetime import date
from typing import Any

from actplanner.domain.formats import load_contacts, load_team
from actplanner.domain.today import morning_meeting
from tests.support.contact_files import contact, contact_log, history_team

WEDNESDAY = date(2026, 12, 2)


def flags(*episodes: dict[str, Any], today: date = WEDNESDAY) -> tuple[str, ...]:
    """c-1's flags of hospital stays with ``episodes`` on file (a team@2 team); its injection
    due flag aside."""
    doc = history_team()
    doc["format"] = "actplanner/team@2"
    doc["clients"][0]["episodes"] = list(episodes)
    lines = {line.client: line for line in morning_meeting(load_team(doc), today)}
    assert lines["c-2"].flags == ()  # the other client has no stay
    return tuple(f for f in lines["c-1"].flags if not f.startswith("LAI injection"))


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


def test_each_line_says_what_falls_due_next_and_when() -> None:
    """c-1's dated injection (2 Dec ± 1, not given) is next; a recurring psychiatrist visit every 28
    days, last on file 20 Nov, is next on 18 Dec; once given on 1 Dec the injection is not."""
    doc = history_team()
    doc["format"] = "actplanner/team@2"
    doc["clients"][0]["requirements"].append(
        {"discipline": "case_manager", "every_days": 28, "window_days": 7, "last": "2026-11-20"}
    )
    team = load_team(doc)
    (line,) = [d for d in morning_meeting(team, WEDNESDAY) if d.client == "c-1"]
    assert line.next_due == ("LAI injection 2026-12-02", "case manager visit 2026-12-18")
    given = load_contacts(contact_log(contact("k-1", date="2026-12-01", skills=["lai_injection"]))).contacts
    (line,) = [d for d in morning_meeting(team, WEDNESDAY, contacts=given) if d.client == "c-1"]
    assert line.next_due == ("case manager visit 2026-12-18",)


def test_a_recurring_requirement_is_flagged_in_its_window_and_overdue_after_it() -> None:
    """A psychiatrist visit every 28 days, last 6 Nov: due 4 Dec ± 7, so flagged from 27 Nov
    (none planned), overdue from 12 Dec; a recurring injection given inside its window moves on."""
    doc = history_team()
    doc["format"] = "actplanner/team@2"
    doc["staff"].append({"id": "s-md", "name": "M. Doctor", "discipline": "psychiatrist", "fte": 0.5,
                         "shifts": {"thu": ["09:00", "17:00"]}})  # fmt: skip
    doc["clients"][1]["requirements"] = [
        {"discipline": "psychiatrist", "every_days": 28, "window_days": 7, "last": "2026-11-06"}
    ]
    team = load_team(doc)

    def c2(day: date) -> tuple[str, ...]:
        (line,) = [d for d in morning_meeting(team, day) if d.client == "c-2"]
        return tuple(f for f in line.flags if "psychiatrist" in f)

    assert c2(date(2026, 11, 26)) == ()
    assert c2(WEDNESDAY) == ("psychiatrist visit due by 2026-12-11, none planned",)
    assert c2(date(2026, 12, 12)) == ("psychiatrist visit overdue: its window ended 2026-12-11",)
