"""Fidelity from contacts: every figure of a two-week log computed by hand, and the edge cases."""

from __future__ import annotations

from datetime import date

import pytest

from actplanner.domain.fidelity import (
    FidelityFigures,
    Shortfall,
    check_period,
    fidelity,
    planned_contacts,
    shortfalls,
)
from actplanner.domain.formats import Contact, load_contacts, load_plan, load_team
from tests.support.contact_files import contact, contact_log, history_team, missed, plan_file, visit

TEAM = load_team(history_team())
D1, D2 = date(2026, 11, 30), date(2026, 12, 13)  # Two whole weeks: W = 2.


def two_weeks() -> list[dict]:
    """Two weeks for c-1 (3 visits a week) and c-2 (2 a week), with the hand count in comments.

    Delivered (done, face to face) in the period: k-1 k-2 k-4 k-5 k-6 k-7 k-8 k-9 k-10 k-11 k-14.
    """
    return [
        # Week 1. c-1: seen Mon, Wed, Fri (office) and Sat (office): 4 dates >= 3.
        contact("k-1", date="2026-11-30", minutes=30, visit="v-1"),
        contact("k-2", date="2026-12-02", staff=["s-cm"], minutes=45, place="community", visit="v-2"),
        missed("k-3", date="2026-12-04", visit="v-3"),
        contact("k-4", date="2026-12-04", staff=["s-tl"], minutes=20, place="office"),
        contact("k-14", date="2026-12-05", minutes=10, place="office"),
        # c-2: seen Tue and Thu, both times by s-tl only: 2 dates >= 2.
        contact("k-5", client="c-2", staff=["s-tl"], date="2026-12-01", minutes=60, visit="v-4"),
        contact("k-6", client="c-2", staff=["s-tl"], date="2026-12-03", minutes=15, visit="v-5"),
        # Week 2. c-1: Mon and Fri at home, Wed in hospital: 2 dates < 3, so c-1 is below.
        contact("k-7", date="2026-12-07", minutes=30, visit="v-1"),
        contact("k-8", date="2026-12-09", minutes=40, place="hospital"),
        contact("k-9", date="2026-12-11", minutes=30, visit="v-3"),
        # c-2: Tue and Thu; a refusal on Saturday; a phone call (done, not delivered).
        contact("k-10", client="c-2", staff=["s-tl"], date="2026-12-08", minutes=60, visit="v-4"),
        contact("k-11", client="c-2", staff=["s-tl"], date="2026-12-10", minutes=60, visit="v-5"),
        missed("k-12", "refused", client="c-2", staff=["s-cm"], date="2026-12-12", visit="v-6"),
        contact("k-15", client="c-2", staff=["s-cm"], date="2026-12-12", minutes=5, mode="phone", place=None),
        # After the period: counts nowhere.
        missed("k-13", date="2026-12-14", visit="v-1"),
        contact("k-16", date="2026-12-14", minutes=500),
    ]


def contacts(entries: list[dict]) -> tuple[Contact, ...]:
    return tuple(load_contacts(contact_log(*entries)).contacts)


def test_every_figure_of_a_two_week_log_matches_the_hand_count() -> None:
    """A = {c-1, c-2}, W = 2, 11 delivered contacts of 390 minutes."""
    figures = fidelity(TEAM, contacts(two_weeks()), D1, D2)
    assert figures == FidelityFigures(
        # 11 delivered ÷ 2 clients ÷ 2 weeks.
        contacts_per_client_week=2.75,
        # 30 + 45 + 20 + 10 + 60 + 15 + 30 + 40 + 30 + 60 + 60 = 400 minutes ÷ 4.
        minutes_per_client_week=100.0,
        # Not at the office: all but k-4 and k-14, 9 of 11 = 0.81818… rounded.
        community_share=0.8182,
        # One 14-day window: c-1 saw s-rn, s-cm, s-tl; c-2 only s-tl: 1 of 2.
        team_approach_share=0.5,
        # Linked entries in the period: k-1 k-2 k-3 k-5 k-6 k-7 k-9 k-10 k-11 k-12 (10);
        # done: all but the no-show k-3 and the refusal k-12 (8).
        done_share=0.8,
        # c-1's second week has 2 seen dates (the hospital contact does not count) of 3.
        clients_below_required=["c-1"],
    )
    assert list(figures.as_json()) == [
        "contacts_per_client_week",
        "minutes_per_client_week",
        "community_share",
        "team_approach_share",
        "done_share",
        "clients_below_required",
    ]


def test_a_client_admitted_mid_period_or_discharged_on_its_last_day_is_not_in_a() -> None:
    """Per-client figures count A only; the community share counts every client's contacts."""
    figures = fidelity(TEAM, contacts(two_weeks()), D1, D2, enrolment={"c-2": (date(2026, 12, 2), None)})
    # c-1 alone: 7 delivered (k-1 k-2 k-4 k-14 k-7 k-8 k-9) of 205 minutes over 2 weeks.
    assert (figures.contacts_per_client_week, figures.minutes_per_client_week) == (3.5, 102.5)
    assert figures.team_approach_share == 1.0
    assert figures.community_share == 0.8182
    assert figures.clients_below_required == ["c-1"]
    # Discharged on D2 means off the program on D2 ([admitted, discharged)).
    gone = fidelity(TEAM, contacts(two_weeks()), D1, D2, enrolment={"c-2": (None, D2)})
    assert gone.contacts_per_client_week == 3.5
    kept = fidelity(TEAM, contacts(two_weeks()), D1, D2, enrolment={"c-2": (D1, date(2026, 12, 14))})
    assert kept.contacts_per_client_week == 2.75


def test_without_contacts_linked_to_a_visit_the_done_share_is_null() -> None:
    unplanned = [c for c in two_weeks() if "visit" not in c]
    assert fidelity(TEAM, contacts(unplanned), D1, D2).done_share is None


def test_a_period_shorter_than_14_days_has_no_team_approach_share() -> None:
    """One week holds no 14-day window; the other figures are still given."""
    figures = fidelity(TEAM, contacts(two_weeks()), D1, date(2026, 12, 6))
    assert figures.team_approach_share is None
    # Week 1 alone: k-1 k-2 k-4 k-14 k-5 k-6, 6 delivered ÷ 2 clients ÷ 1 week.
    assert figures.contacts_per_client_week == 3.0
    assert figures.clients_below_required == []


def test_only_windows_inside_the_period_count() -> None:
    """Three weeks hold one 14-day window (days 0–13); the third week starts none."""
    late = contact("k-20", client="c-2", staff=["s-cm"], date="2026-12-15")
    figures = fidelity(TEAM, contacts([*two_weeks(), late]), D1, date(2026, 12, 20))
    assert figures.team_approach_share == 0.5
    # The third week has one contact of c-2 and none of c-1: both are below.
    assert figures.clients_below_required == ["c-1", "c-2"]


def test_an_empty_program_has_no_per_client_figures() -> None:
    """With nobody in A the per-client figures are null, not a division by zero."""
    figures = fidelity(TEAM, contacts(two_weeks()), D1, D2, enrolment={"c-1": (D2, None), "c-2": (D2, None)})
    assert figures.contacts_per_client_week is None
    assert figures.minutes_per_client_week is None
    assert figures.team_approach_share is None
    assert figures.community_share == 0.8182


@pytest.mark.parametrize(
    ("start", "end", "errors"),
    [
        (date(2026, 12, 1), D2, ["--from: 2026-12-01 is a Tuesday; the period starts on a Monday"]),
        (D1, date(2026, 12, 12), ["--to: 2026-12-12 is a Saturday; the period ends on a Sunday"]),
        (D1, date(2026, 11, 29), ["--to: 2026-11-29 is before --from 2026-11-30"]),
        (D1, D2, []),
    ],
)
def test_a_period_runs_from_a_monday_to_a_sunday(start: date, end: date, errors: list[str]) -> None:
    assert check_period(start, end) == errors


def test_shortfalls_give_each_short_week_with_what_the_log_says() -> None:
    """c-1's second week: seen Monday and Friday of 3, and the contact that did not count."""
    assert shortfalls(TEAM, contacts(two_weeks()), D1, D2) == [
        Shortfall("c-1", date(2026, 12, 7), 2, 3, ("in hospital on 2026-12-09",)),
    ]
    week_one = shortfalls(
        TEAM, contacts([c for c in two_weeks() if c["id"] not in ("k-1", "k-4", "k-6")]), D1, D2
    )
    assert week_one == [
        Shortfall("c-1", D1, 2, 3, ("no show on 2026-12-04",)),
        Shortfall("c-1", date(2026, 12, 7), 2, 3, ("in hospital on 2026-12-09",)),
        Shortfall("c-2", D1, 1, 2, ()),
    ]
    phoned = shortfalls(TEAM, contacts(two_weeks()), date(2026, 12, 7), D2)
    assert [s.reasons for s in phoned] == [("in hospital on 2026-12-09",)]
    refused = [c for c in two_weeks() if c["id"] != "k-11"]
    assert shortfalls(TEAM, contacts(refused), date(2026, 12, 7), D2)[1].reasons == (
        "refused on 2026-12-12",
        "phone on 2026-12-12",
    )


def test_the_planned_figures_read_the_plans_as_delivered() -> None:
    """Planned beside delivered: each plan visit counts as a done home visit of its minutes."""
    week = load_plan(
        plan_file(
            "2026-11-30",
            visit("v-1", "c-1", ["s-rn"], "2026-11-30"),
            visit("v-2", "c-1", ["s-cm"], "2026-12-02"),
            visit("v-3", "c-1", ["s-rn"], "2026-12-04"),
            visit("v-4", "c-2", ["s-rn", "s-cm"], "2026-12-01", "09:00", "10:00"),
        )
    )
    figures = fidelity(TEAM, planned_contacts([week]), D1, date(2026, 12, 6))
    # 4 visits ÷ 2 clients; 45 + 45 + 45 + 60 minutes ÷ 2; c-2 has 1 of its 2.
    assert (figures.contacts_per_client_week, figures.minutes_per_client_week) == (2.0, 97.5)
    assert (figures.community_share, figures.done_share) == (1.0, 1.0)
    assert figures.clients_below_required == ["c-2"]


def test_a_planned_hospital_visit_is_planned_at_the_hospital_not_as_a_home_visit() -> None:
    """c-1 needs 3 home visits; with one of its three planned visits in hospital (plan@2), the
    planned figures still count the contact but find c-1 below its count."""
    doc = plan_file(
        "2026-11-30",
        visit("v-1", "c-1", ["s-rn"], "2026-11-30"),
        visit("v-2", "c-1", ["s-cm"], "2026-12-02", place="hospital"),
        visit("v-3", "c-1", ["s-rn"], "2026-12-04"),
        visit("v-4", "c-2", ["s-rn", "s-cm"], "2026-12-01", "09:00", "10:00"),
        visit("v-5", "c-2", ["s-rn", "s-cm"], "2026-12-03", "09:00", "10:00"),
    )
    doc["format"] = "actplanner/plan@2"
    planned = planned_contacts([load_plan(doc)])
    assert [c.place for c in planned] == ["home", "hospital", "home", "home", "home"]
    figures = fidelity(TEAM, planned, D1, date(2026, 12, 6))
    assert figures.contacts_per_client_week == 2.5
    assert figures.clients_below_required == ["c-1"]
