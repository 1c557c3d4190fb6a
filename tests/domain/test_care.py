"""The pure care rules of version 2 (domain/care.py), on small team@2 files."""

from __future__ import annotations

from datetime import date
from typing import Any

from actplanner.domain import care
from actplanner.domain.formats import load_team
from actplanner.domain.history import SeenDate
from tests.support.solver_factories import rules_team_doc

WEEK = date(2026, 11, 30)
HOSPITAL = {"lat": 41.88, "lon": -87.67, "label": "County hospital"}


def team(client: dict[str, Any] | None = None, policy: dict[str, Any] | None = None, **staff: Any) -> Any:
    """The rules team as team@2, with its moderate client c-6 and nurse s-rn1 changed as given."""
    doc = rules_team_doc()
    doc["format"] = "actplanner/team@2"
    doc["clients"][5].update(client or {})
    doc["staff"][0].update(staff)
    doc["policy"].update(policy or {})
    return load_team(doc)


def c1(**changes: Any) -> Any:
    """Client c-6 of the rules team, changed as given."""
    return team(changes).clients[5]


def seen(day: str, *, skills: tuple[str, ...] = (), disciplines: tuple[str, ...] = ()) -> SeenDate:
    return SeenDate(date.fromisoformat(day), frozenset(disciplines), frozenset(skills), True)


POST = {"post_discharge": {"days": 14, "visits_per_week": 5, "first_within_days": 2}}


def test_acuity_in_force_is_the_latest_change_on_or_before_the_monday() -> None:
    changes = [{"date": "2026-11-01", "acuity": "stable"}, {"date": "2026-12-01", "acuity": "moderate"}]
    client = c1(acuity="moderate", acuity_changes=changes)
    assert care.acuity_in_force(client, WEEK) == "stable"  # the 1 December change waits a week
    assert care.acuity_in_force(client, date(2026, 12, 7)) == "moderate"
    assert care.acuity_in_force(client, date(2026, 10, 26)) == "moderate"  # before any change


def test_open_dates_leave_out_episodes_and_dates_off_the_program() -> None:
    stay = {"kind": "inpatient", "start": "2026-12-01", "end": "2026-12-03"}
    client = c1(episodes=[stay], admitted="2026-11-20", discharged="2026-12-05")
    dates = care.week_dates(WEEK)
    assert sorted(d.isoformat() for d in care.open_dates(client, dates)) == [
        "2026-11-30",
        "2026-12-03",
        "2026-12-04",
    ]
    away = c1(episodes=[{"kind": "away", "start": "2026-12-04"}])  # open-ended
    assert sorted(d.isoformat() for d in care.open_dates(away, dates)) == [
        "2026-11-30",
        "2026-12-01",
        "2026-12-02",
        "2026-12-03",
    ]


def test_employed_on_is_half_open() -> None:
    member = team(employed_from="2026-12-01", employed_until="2026-12-04").staff[0]
    employed = [care.employed_on(member, d) for d in care.week_dates(WEEK)[:5]]
    assert employed == [False, True, True, True, False]
    assert care.employed_on(team().staff[0], WEEK)


def test_required_home_visits_scale_with_open_dates_and_rise_after_discharge() -> None:
    assert care.required_home_visits(team(), team().clients[5], WEEK) == 3  # moderate
    stay = {"kind": "inpatient", "start": "2026-11-20", "end": "2026-12-03"}
    held = team({"episodes": [stay]})
    assert care.required_home_visits(held, held.clients[5], WEEK) == 2  # ceil(3 × 4 / 7)
    after = team({"episodes": [stay]}, POST)
    # Four post-discharge dates (Thu-Sun): max(2, ceil(5 × 4 / 7) = 3).
    assert [d.day for d in care.post_discharge_dates(after, after.clients[5])][:4] == [3, 4, 5, 6]
    assert care.required_home_visits(after, after.clients[5], WEEK) == 3
    override = team({"visits_per_week": 1, "acuity_changes": [{"date": "2026-11-30", "acuity": "stable"}]})
    assert care.required_home_visits(override, override.clients[5], WEEK) == 1


def test_inpatient_visits_need_a_location_and_a_count() -> None:
    stay = {"kind": "inpatient", "start": "2026-12-01", "end": "2026-12-05", "location": HOSPITAL}
    needs = care.inpatient_visits(c1(episodes=[{**stay, "visits_per_week": 2}]), WEEK)
    assert [(len(n.dates), n.visits) for n in needs] == [(4, 2)]  # ceil(2 × 4 / 7)
    assert care.inpatient_visits(c1(episodes=[stay]), WEEK) == []  # no visits asked
    no_place = {k: v for k, v in stay.items() if k != "location"}
    assert care.inpatient_visits(c1(episodes=[{**no_place, "visits_per_week": 2}]), WEEK) == []


def test_in_hospital_and_discharged_within() -> None:
    stay = {"kind": "inpatient", "start": "2026-11-20", "end": "2026-12-01"}
    client = c1(episodes=[stay, {"kind": "away", "start": "2026-12-10", "end": "2026-12-12"}])
    assert care.in_hospital(client, WEEK) is not None
    assert care.in_hospital(client, date(2026, 12, 1)) is None
    assert care.in_hospital(client, date(2026, 12, 10)) is None  # away is not hospital
    assert care.discharged_within(client, WEEK) is None
    assert care.discharged_within(client, date(2026, 12, 14)) is not None
    assert care.discharged_within(client, date(2026, 12, 15)) is None


def recurring(**req: Any) -> Any:
    return c1(requirements=[{"skill": "lai_injection", "every_days": 14, "window_days": 2, **req}])


def test_due_window_from_last_or_the_last_provided_date() -> None:
    client = recurring(last="2026-11-20")
    req = client.requirements[0]
    assert care.due_window(req, client, [], WEEK, WEEK) == (date(2026, 12, 2), date(2026, 12, 6))
    # An injection given later than ``last`` resets the clock: due 9 December.
    given = [seen("2026-11-25", skills=("lai_injection",))]
    assert care.due_window(req, client, given, WEEK, WEEK) == (date(2026, 12, 7), date(2026, 12, 11))
    # A visit without the skill does not.
    other = [seen("2026-11-25", disciplines=("nurse",))]
    assert care.due_window(req, client, other, WEEK, WEEK) == (date(2026, 12, 2), date(2026, 12, 6))


def test_due_window_overdue_or_never_given_is_the_first_open_date() -> None:
    overdue = recurring(last="2026-11-01")
    found = care.due_of(overdue.requirements[0], overdue, [], WEEK, WEEK)
    assert found is not None and found.overdue and found.due == WEEK
    stay = {"kind": "inpatient", "start": "2026-11-20", "end": "2026-12-02"}
    never = c1(episodes=[stay], requirements=overdue.requirements)
    assert care.due_of(never.requirements[0], never, [], WEEK, WEEK).due == date(2026, 12, 2)  # type: ignore[union-attr]


def test_due_window_in_a_replan_reads_what_was_provided_before_the_cut() -> None:
    """Re-planned from Thursday: given on Tuesday resets the clock; not given, the overdue
    injection is due on Thursday, the first plannable date."""
    client = recurring(last="2026-11-17")  # due 1 December
    req = client.requirements[0]
    thursday = date(2026, 12, 3)
    given = [seen("2026-12-01", skills=("lai_injection",))]
    assert care.due_window(req, client, given, thursday, thursday) == (date(2026, 12, 13), date(2026, 12, 17))
    assert care.due_window(req, client, [], thursday, thursday) == (date(2026, 12, 1), date(2026, 12, 5))


def test_due_window_of_a_dated_injection_already_given_asks_nothing() -> None:
    client = c1(requirements=[{"skill": "lai_injection", "due": "2026-12-02", "window_days": 1}])
    req = client.requirements[0]
    thursday = date(2026, 12, 3)
    assert care.due_window(req, client, [], thursday, thursday) == (date(2026, 12, 1), date(2026, 12, 3))
    given = [seen("2026-12-01", skills=("lai_injection",))]
    assert care.due_window(req, client, given, thursday, thursday) is None


def test_next_due_lists_dated_requirements_soonest_first() -> None:
    client = c1(
        requirements=[
            {"discipline": "nurse", "visits": 1},
            {"discipline": "psychiatrist", "every_days": 28, "window_days": 7, "last": "2026-11-10"},
            {"skill": "lai_injection", "every_days": 14, "window_days": 2, "last": "2026-11-20"},
        ]
    )
    items = care.next_due(team(), client, [], WEEK)
    assert [(i.what, i.due.isoformat(), i.overdue) for i in items] == [
        ("LAI injection", "2026-12-04", False),
        ("psychiatrist visit", "2026-12-08", False),
    ]
