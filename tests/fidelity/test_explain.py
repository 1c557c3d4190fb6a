"""Fidelity explained (issue 13, item 8): beside a figure below its DACTS top rating, why and what it takes.

Hand-made logs for the tiny team (c-1 moderate: 3 × 45 min; c-2 stable with its own 2 a
week × 60 min; s-rn and s-cm full time), a team of other acuity levels built here, and
the page for the small team's recorded log.
"""

from __future__ import annotations

import copy
import math
import re
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from actplanner.contacts.service import import_contacts
from actplanner.domain.demo_contacts import recorded_contacts
from actplanner.domain.fidelity import fidelity, planned_contacts
from actplanner.domain.formats import load_contacts, load_plan, load_team
from actplanner.fidelity.explain import Explanation, asked, explain, pace
from actplanner.fidelity.report import fidelity_report
from actplanner.planning.plans import publish_plan, save_plan
from tests.support.contact_files import (
    FRI,
    MON,
    THU,
    TUE,
    WED,
    WEEK,
    contact,
    contact_log,
    history_team,
    missed,
    plan_file,
    visit,
)
from tests.support.web_factories import TEAM, World, db, plan_doc, sign_in, team_doc

START = date.fromisoformat(WEEK)
ONE_WEEK = START + timedelta(days=6)
TWO_WEEKS = START + timedelta(days=13)


def explained(
    log: list[dict[str, Any]], end: date = ONE_WEEK, team_doc_: dict[str, Any] | None = None, plans: Any = ()
) -> dict[str, Explanation]:
    """The explanations of ``log`` for the tiny team (or ``team_doc_``) over [START, ``end``]."""
    team = load_team(team_doc_ or history_team())
    contacts = load_contacts(contact_log(*log, team=team.team.id), team).contacts
    planned = planned_contacts([load_plan(p) for p in plans])
    of_plans = fidelity(team, planned, START, end) if plans else None
    return explain(team, contacts, planned, START, end, fidelity(team, contacts, START, end), of_plans)


def week_of(c1: int, c2: int, **fields: Any) -> list[dict[str, Any]]:
    """``c1`` home visits to c-1 by the nurse and ``c2`` to c-2 by the case manager, one a day."""
    days = [MON, TUE, WED, THU, FRI, "2026-12-05", "2026-12-06"]
    return [contact(f"a{i}", date=days[i], **fields) for i in range(c1)] + [
        contact(f"b{i}", client="c-2", staff=["s-cm"], date=days[i], minutes=60) for i in range(c2)
    ]


# --- The figures the explanations read ---------------------------------------------------


def test_asked_is_the_levels_in_force_and_the_clients_own_counts_averaged() -> None:
    team = load_team(history_team())
    found = asked(team, team.clients, [START])
    assert found is not None
    assert found.contacts == (3 + 2) / 2
    assert found.minutes == (3 * 45 + 2 * 60) / 2
    assert [(lv.acuity, lv.visits_per_week, lv.visit_minutes, lv.clients, lv.own) for lv in found.levels] == [
        ("moderate", 3, 45, 1, False),
        ("stable", 2, 60, 1, True),
    ]
    assert asked(team, [], [START]) is None


def test_pace_is_per_fte_of_the_staff_who_made_contacts_over_the_weeks_the_log_covers() -> None:
    team = load_team(history_team())
    log = [
        *week_of(3, 0),
        contact("j", client="c-2", staff=["s-rn", "s-tl"], date=TUE, minutes=60),
        missed("m", staff=["s-ps"], date=WED),
        contact("p", staff=["s-ps"], mode="phone", place=None, date=THU),
    ]
    contacts = load_contacts(contact_log(*log), team).contacts
    found = pace(team, contacts, START, "delivered")
    assert found is not None
    # Field staff: s-rn (1.0) and s-tl (0.5); the peer specialist made no face-to-face contact.
    # The second week holds nothing, so it is not a week of the pace.
    assert found.fte == 1.5
    assert found.contacts == pytest.approx(4 / 1 / 1.5)
    assert found.minutes == pytest.approx((3 * 30 + 60) / 1 / 1.5)
    assert pace(team, contacts[-2:], START, "delivered") is None


# --- S5 frequency and S4 intensity ----------------------------------------------------------


def test_frequency_below_four_says_what_the_levels_ask_and_what_four_would_take() -> None:
    notes = explained(week_of(3, 2))
    note = notes["contacts_per_client_week"]
    # 5 contacts for 2 clients: 2.5 a week; 4 needs (4 − 2.5) × 2 = 3 more. Pace: 5 contacts by
    # s-rn and s-cm (2 FTE) in 1 week = 2.5 per FTE, so 3 more is 1.2 FTE.
    assert "ask for 2.5 contacts a week per client on average" in note.why
    assert "moderate 3 a week for 1 client; stable 2 a week (own count) for 1 client" in note.why
    assert "below 4 even if every visit happens" in note.why
    assert "2.5 contacts per client a week were delivered (no published plan to compare)" in note.why
    assert "about 3 more face-to-face contacts a week" in note.takes
    assert "about 1.2 more FTE of field staff at this team's pace (2.5 contacts per FTE a week)" in note.takes
    assert "The acuity levels would have to ask for 4 a week on average too." in note.takes


def test_intensity_below_two_hours_counts_hours_visits_and_fte() -> None:
    note = explained(week_of(3, 2))["minutes_per_client_week"]
    # 3 × 30 + 2 × 60 = 210 minutes for 2 clients: 105; 120 needs 30 more minutes a week (0.5 h),
    # one visit of the period's 42-minute average; 105 minutes per FTE a week: 0.29 FTE.
    assert "ask for 128 face-to-face minutes a week per client on average" in note.why
    assert "moderate 3 × 45 min for 1 client" in note.why
    assert "below 120" not in note.why
    assert "about 30 more minutes of face-to-face contact a week" in note.takes
    assert "about 1 more visits of 42 minutes" in note.takes
    assert (
        "about 0.3 more FTE of field staff at this team's pace (1.8 face-to-face hours per FTE a week)"
        in (note.takes)
    )


def test_a_clients_own_visit_length_marks_the_minutes_not_the_contacts() -> None:
    doc = history_team()
    doc["clients"][0]["visit_minutes"] = 30
    notes = explained(week_of(3, 2), team_doc_=doc)
    assert "(moderate 3 a week for 1 client; stable 2 a week (own count) for 1 client)" in (
        notes["contacts_per_client_week"].why
    )
    assert "(moderate 3 × 30 min (own count) for 1 client; stable 2 × 60 min (own count) for 1 client)" in (
        notes["minutes_per_client_week"].why
    )


def test_frequency_and_intensity_at_their_top_rating_say_nothing() -> None:
    notes = explained(week_of(4, 4, minutes=120))
    assert "contacts_per_client_week" not in notes
    assert "minutes_per_client_week" not in notes


def test_the_plans_figure_is_said_beside_the_delivered_one() -> None:
    plan = plan_file(WEEK, *(visit(f"v{i}", "c-1", ["s-rn"], d) for i, d in enumerate([MON, WED, FRI])))
    note = explained(week_of(1, 1), plans=[plan])["contacts_per_client_week"]
    assert "The published plans held 1.5 contacts per client a week; 1 were delivered." in note.why


def test_plans_that_reach_the_top_rating_put_the_shortfall_in_delivery() -> None:
    days = [MON, TUE, WED, THU]
    plan = plan_file(
        WEEK,
        *(visit(f"v{i}", "c-1", ["s-rn"], d) for i, d in enumerate(days)),
        *(visit(f"w{i}", "c-2", ["s-cm"], d) for i, d in enumerate(days)),
    )
    note = explained(week_of(1, 1), plans=[plan])["contacts_per_client_week"]
    assert "The published plans held 4 contacts per client a week; 1 were delivered." in note.why
    assert (
        "The plans reach the top rating: the shortfall lies in visits not done or not recorded." in note.why
    )


def test_a_sliver_of_fte_reads_as_less_than_a_tenth_not_zero() -> None:
    log = week_of(4, 2)
    log[3]["minutes"] = 29
    note = explained(log)["minutes_per_client_week"]
    # 119 + 120 minutes for 2 clients: 119.5; 1 more minute at 119.5 minutes per FTE a week.
    assert "about 1 more minute of face-to-face contact a week" in note.takes
    assert ", less than 0.1 more FTE of field staff" in note.takes


def test_with_nothing_delivered_the_plans_pace_stands_in_and_without_either_it_says_so() -> None:
    plan = plan_file(WEEK, visit("v1", "c-1", ["s-rn"], MON), visit("v2", "c-2", ["s-rn"], TUE))
    note = explained([missed("m1")], plans=[plan])["contacts_per_client_week"]
    # 2 planned visits by s-rn (1 FTE) in a week; 4 per client needs 8 more.
    assert (
        "about 8 more face-to-face contacts a week, about 4 more FTE of field staff "
        "at the published plans' pace" in note.takes
    )
    bare = explained([missed("m1")])["contacts_per_client_week"]
    assert "there is no pace to say how many staff that takes" in bare.takes
    assert "FTE" not in bare.takes


def test_an_empty_log_says_plainly_there_is_not_enough_data() -> None:
    notes = explained([])
    for key in ("contacts_per_client_week", "minutes_per_client_week", "community_share", "done_share"):
        assert notes[key].why.startswith("Not enough data:"), key
        assert not notes[key].enough_data and notes[key].takes == ""


def test_a_team_with_no_clients_has_not_enough_data() -> None:
    doc = history_team()
    doc["clients"] = []
    notes = explained([], team_doc_=doc)
    assert notes["contacts_per_client_week"].why == (
        "Not enough data: no client was on the program for the whole period."
    )


# --- S1 community-based services -------------------------------------------------------------


def test_community_below_80_percent_counts_office_contacts_by_discipline_and_how_many_to_move() -> None:
    log = week_of(3, 2)
    for entry in log[:2]:
        entry["place"] = "office"
    note = explained(log)["community_share"]
    # 3 of 5 in the community = 60%; 80% of 5 is 4, so 1 of the 2 office contacts must move.
    assert note.why == "2 of the 5 face-to-face contacts (about 2 a week) were at the office (nurse 2)."
    assert "80% would need about 1 of them a week (1 in the period)" in note.takes


def test_community_at_80_percent_says_nothing() -> None:
    log = week_of(3, 2)
    log[0]["place"] = "office"
    assert "community_share" not in explained(log)


# --- H2 team approach -------------------------------------------------------------------------


def test_team_approach_below_90_percent_counts_clients_seen_by_one_staff_member() -> None:
    log = week_of(3, 1) + [contact("x", client="c-2", staff=["s-tl"], date=THU, minutes=60)]
    note = explained(log, end=TWO_WEEKS)["team_approach_share"]
    # c-1 seen by the nurse alone, c-2 by the case manager and the team leader: 50%; 90% of 2 clients
    # is 1.8, so 1 more client a fortnight.
    assert note.why == (
        "In an average 14-day window 1 of your 2 clients were seen face to face by one staff member only."
    )
    assert note.takes.startswith("90% would need about 1 more clients each 14 days seen by a second member")


def test_team_approach_names_clients_seen_by_nobody_and_a_policy_asking_for_one() -> None:
    doc = history_team()
    doc["policy"]["team_approach_min_staff"] = 1
    note = explained(week_of(3, 0), end=TWO_WEEKS, team_doc_=doc)["team_approach_share"]
    assert "1 of your 2 clients were seen face to face by one staff member only and 1 by nobody." in note.why
    assert "asks the plan for 1 staff member per client (team_approach_min_staff)" in note.why
    assert "about 2 more clients each 14 days" in note.takes


def test_team_approach_met_says_nothing_and_one_week_is_not_enough() -> None:
    log = week_of(3, 2) + [
        contact("y", staff=["s-cm"], date=THU),
        contact("z", client="c-2", staff=["s-tl"], date=THU, minutes=60),
    ]
    assert "team_approach_share" not in explained(log, end=TWO_WEEKS)
    short = explained(log)["team_approach_share"]
    assert short.why.startswith("Not enough data: H2 reads 14-day windows") and not short.enough_data


# --- The done share ---------------------------------------------------------------------------


def test_done_share_below_all_names_what_the_log_says_and_what_s5_would_read() -> None:
    log = [
        contact("d1", visit="v1"),
        contact("d2", date=WED, visit="v2"),
        contact("d3", client="c-2", staff=["s-cm"], date=TUE, visit="v3"),
        missed("d4", date=FRI, visit="v4"),
    ]
    note = explained(log)["done_share"]
    assert note.why == "1 of the 4 planned visits in the log were not done (1 no show)."
    # 3 delivered + 1 not done over 2 client-weeks.
    assert (
        note.takes
        == "Had they been done face to face, contacts per client a week would read 2 (S5's top rating: 4)."
    )
    assert "done_share" not in explained(log[:3])


# --- A team with other acuity levels: nothing tuned to one fixture ---------------------------


def other_levels_team() -> dict[str, Any]:
    """Ten clients on three levels the other teams do not have; one steps down in week 2."""
    doc = history_team()
    doc["format"] = "actplanner/team@2"
    doc["policy"]["caseload_max_per_staff"] = 10
    doc["policy"]["acuity"] = {
        "intensive": {"visits_per_week": 6, "visit_minutes": 30},
        "step_down": {"visits_per_week": 2, "visit_minutes": 90},
        "maintenance": {"visits_per_week": 1, "visit_minutes": 60},
    }
    template = doc["clients"][1]
    clients = []
    for i, level in enumerate(["intensive"] * 3 + ["step_down"] * 2 + ["maintenance"] * 5):
        client = copy.deepcopy(template)
        client.update(id=f"c-{i + 1}", code=f"Z{i + 1}", acuity=level, paired=False, requirements=[])
        client.pop("visits_per_week")
        client.pop("availability")
        clients.append(client)
    clients[0]["acuity_changes"] = [
        {"date": (START + timedelta(days=7)).isoformat(), "acuity": "maintenance"}
    ]
    doc["clients"] = clients
    return doc


def test_other_levels_are_read_from_the_file_week_by_week() -> None:
    doc = other_levels_team()
    team = load_team(doc)
    found = asked(team, team.clients, [START, START + timedelta(days=7)])
    assert found is not None
    # Week 1: 3 × 6 + 2 × 2 + 5 × 1 = 27; week 2 (c-1 on maintenance): 2 × 6 + 2 × 2 + 6 × 1 = 22.
    assert found.contacts == pytest.approx((27 + 22) / 20)
    assert found.minutes == pytest.approx((3 * 180 + 2 * 180 + 5 * 60 + 2 * 180 + 2 * 180 + 6 * 60) / 20)
    assert [(lv.acuity, lv.clients) for lv in found.levels] == [
        ("intensive", 2.5),
        ("step_down", 2),
        ("maintenance", 5.5),
    ]
    # Two weeks of one visit each to every client, by the nurse and the case manager by turns.
    log = [
        contact(
            f"k{w}-{i}",
            client=f"c-{i + 1}",
            staff=["s-rn" if i % 2 else "s-cm"],
            date=(START + timedelta(days=7 * w + i % 5)).isoformat(),
            minutes=50,
        )
        for w in range(2)
        for i in range(10)
    ]
    notes = explained(log, end=TWO_WEEKS, team_doc_=doc)
    s5, s4 = notes["contacts_per_client_week"], notes["minutes_per_client_week"]
    per_client, pace_contacts = 1, 10 / 2  # 10 contacts a week by 2 FTE.
    more = math.ceil((4 - per_client) * 10)
    assert f"ask for {round(found.contacts, 2):g} contacts a week" in s5.why
    assert (
        "intensive 6 a week for 2.5 clients; step down 2 a week for 2 clients; maintenance 1 a week for 5.5"
        in (s5.why)
    )
    assert (
        f"about {more} more face-to-face contacts a week, about {more / pace_contacts:g} more FTE" in s5.takes
    )
    minutes_more = (120 - 50) * 10
    assert f"about {minutes_more / 60:.1f} more hours of face-to-face contact a week" in s4.takes
    assert f"about {math.ceil(minutes_more / 50)} more visits of 50 minutes" in s4.takes
    assert f"about {minutes_more / (500 / 2):.1f} more FTE" in s4.takes
    # Each client saw one staff member in the fortnight.
    assert (
        "10 of your 10 clients were seen face to face by one staff member only"
        in notes["team_approach_share"].why
    )


# --- The page ---------------------------------------------------------------------------------


@pytest.fixture
def recorded(app: FastAPI, world: World) -> dict[str, Any]:
    """The small team's greedy plan of 2026-11-30, published and recorded (no-shows, refusals)."""
    plan = plan_doc()
    doc = recorded_contacts(team_doc(), [plan], seed=7)
    with db(app) as session:
        saved = save_plan(session=session, team_id=TEAM, plan_file=plan, source="solve")
        publish_plan(session=session, plan_id=saved.id, user_id=None, confirmed=True)
        import_contacts(session=session, team_id=TEAM, data=doc, by=None)
        session.commit()
    return doc


def test_the_page_explains_each_missed_figure_beside_it_and_no_met_one(
    client: TestClient, world: World, recorded: dict[str, Any]
) -> None:
    sign_in(client, "lead")
    html = client.get("/fidelity", params={"from": "2026-11-30", "to": "2026-12-13"}).text
    rows = re.findall(r'<tr data-figure="(\w+)"[^>]*class="(\w*)"', html)
    explained_keys = re.findall(r'<tr class="explain" data-explains="(\w+)">', html)
    missed_keys = [key for key, state in rows if state == "missed"]
    assert missed_keys, "the recorded log misses some top ratings"
    assert set(missed_keys) <= set(explained_keys)
    assert not {key for key, state in rows if state == "met"} & set(explained_keys)
    # What the small team's levels ask, by hand from its file, is what the page says.
    team = team_doc()
    levels = team["policy"]["acuity"]
    wanted = [c.get("visits_per_week") or levels[c["acuity"]]["visits_per_week"] for c in team["clients"]]
    s5 = re.search(r'data-explains="contacts_per_client_week"><td colspan="4">(.*?)</td>', html, re.S)
    assert s5 is not None
    assert f"ask for {round(sum(wanted) / len(wanted), 2):g} contacts a week per client" in s5.group(1)
    assert "What it would take:" in s5.group(1) and "FTE of field staff at this team" in s5.group(1)
    # The printable report carries the same explanations.
    printed = client.get("/fidelity/report", params={"from": "2026-11-30", "to": "2026-12-13"}).text
    assert re.findall(r'<tr class="explain" data-explains="(\w+)">', printed) == explained_keys


def test_the_report_for_the_small_team_carries_the_explanations_on_its_rows() -> None:
    team = load_team(team_doc())
    plan = load_plan(plan_doc())
    log = load_contacts(recorded_contacts(team_doc(), [plan_doc()], seed=7), team)
    report = fidelity_report(team, log.contacts, [plan], START, TWO_WEEKS)
    for row in report.figures:
        if row.met is True:
            assert row.explanation is None, row.key
        elif row.met is False:
            assert row.explanation is not None and row.explanation.enough_data, row.key
