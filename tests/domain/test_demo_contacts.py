"""Demo contact logs: valid against their team and plans, deterministic, with what a week holds."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.demo_contacts import recorded_contacts
from actplanner.domain.fidelity import fidelity
from actplanner.domain.formats import contact_visit_errors, dump_plan, load_contacts, load_plan, load_team
from solver import SolveParams, solve
from tests.support.team_files import team_file

WEEK = date(2026, 11, 30)


@pytest.fixture(scope="module")
def week() -> tuple[dict, dict]:
    """The standard team and a greedy plan of its week."""
    doc = team_file("standard")
    team = load_team(doc)
    plan = solve(to_problem(team, WEEK), SolveParams(time_limit=5, greedy_only=True))
    return doc, dump_plan(to_plan_file(plan, team, WEEK))


def test_the_log_is_valid_against_its_team_and_plan(week: tuple[dict, dict]) -> None:
    doc, plan = week
    log = load_contacts(recorded_contacts(doc, [plan]), load_team(doc))
    assert contact_visit_errors(log, {WEEK: load_plan(plan)}) == []
    planned = [c for c in log.contacts if c.visit is not None]
    assert len(planned) == len(plan["visits"])


def test_the_log_is_the_same_every_run_and_changes_with_the_seed(week: tuple[dict, dict]) -> None:
    doc, plan = week
    assert recorded_contacts(doc, [plan]) == recorded_contacts(doc, [plan])
    assert recorded_contacts(doc, [plan], seed=8) != recorded_contacts(doc, [plan])


def test_the_log_holds_misses_call_outs_and_phone_calls(week: tuple[dict, dict]) -> None:
    """Some of each kind, in roughly the shares the module states."""
    doc, plan = week
    contacts = recorded_contacts(doc, [plan])["contacts"]
    planned = [c for c in contacts if "visit" in c]
    outcomes = Counter(c["outcome"] for c in planned)
    assert 0.03 < outcomes["no_show"] / len(planned) < 0.15
    assert outcomes["refused"] > 0 and outcomes["done"] > 0.8 * len(planned)
    unplanned = [c for c in contacts if "visit" not in c]
    kinds = Counter((c.get("mode"), c.get("place")) for c in unplanned)
    # Call-outs in the community and phone calls as the module's rates give them for 100 clients;
    # make-ups at home, for most of the missed visits but never more than were missed.
    missed = len(planned) - outcomes["done"]
    assert (kinds["face_to_face", "community"], kinds["phone", None]) == (3, 10)
    assert 0.5 * missed < kinds["face_to_face", "home"] <= missed
    assert set(kinds) == {("face_to_face", "community"), ("phone", None), ("face_to_face", "home")}
    log = load_contacts(recorded_contacts(doc, [plan]))
    team = load_team(doc)
    figures = fidelity(team, log.contacts, WEEK, date(2026, 12, 6))
    assert figures.done_share is not None and 0.8 < figures.done_share < 0.95
    # Made up, most misses leave nobody short: fewer clients below their count than were missed.
    without = load_contacts({**recorded_contacts(doc, [plan]), "contacts": planned})
    short_without = fidelity(team, without.contacts, WEEK, date(2026, 12, 6)).clients_below_required
    assert len(figures.clients_below_required) < len(short_without)


def test_a_make_up_is_on_a_date_the_client_had_no_delivered_contact_on_by_someone_on_shift(
    week: tuple[dict, dict],
) -> None:
    doc, plan = week
    contacts = recorded_contacts(doc, [plan])["contacts"]
    # The standard team is rostered: who is on shift on a date is the plan's shifts (plan@2).
    on_shift = {(s["staff"], s["date"]) for s in plan["shifts"]}
    made_up = [c for c in contacts if "visit" not in c and c.get("place") == "home"]
    assert made_up
    for c in made_up:
        # A crisis call-out (unplanned, in the community) is drawn apart and may fall on any day,
        # a make-up's included: the make-up is placed against the planned visits and other make-ups.
        others = [
            o
            for o in contacts
            if o is not c
            and o["client"] == c["client"]
            and o["date"] == c["date"]
            and not ("visit" not in o and o.get("place") == "community")
        ]
        assert not any(o["outcome"] == "done" and o.get("mode") == "face_to_face" for o in others)
        assert WEEK.isoformat() <= c["date"] <= "2026-12-06"
        (staff,) = c["staff"]
        assert (staff, c["date"]) in on_shift
