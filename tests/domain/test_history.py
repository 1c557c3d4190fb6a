"""History and seen dates: one hand-made case per clause of FORMATS.md's definition, a property
over random weeks, and the reading of history files (plan of record, replacement, errors)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actplanner.domain.formats import FormatError, load_contacts, load_plan, load_team
from actplanner.domain.history import History, SeenDate, planned_seen_dates, read_history, seen_dates
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

TEAM = load_team(history_team())
NEXT_WEEK = date(2026, 12, 7)


def history(*, plans: tuple[dict, ...] = (), contacts: tuple[dict, ...] = ()) -> History:
    records = {date.fromisoformat(p["week_start"]): load_plan(p) for p in plans}
    return History(plans=records, contacts=tuple(load_contacts(contact_log(*contacts)).contacts))


def seen(h: History, client: str = "c-1", before: date = NEXT_WEEK) -> tuple[SeenDate, ...]:
    return seen_dates(TEAM, h, before=before).get(client, ())


def day(text: str) -> date:
    return date.fromisoformat(text)


def test_a_delivered_home_contact_is_a_seen_date_providing_its_staff_and_skills() -> None:
    """A done face-to-face contact at home is seen, with the nurse's discipline and the injection."""
    dates = seen(history(contacts=(contact("k-1", skills=["lai_injection"]),)))
    assert dates == (SeenDate(day(MON), frozenset({"nurse"}), frozenset({"lai_injection"}), False),)


def test_a_hospital_contact_is_not_a_seen_date() -> None:
    """A delivered contact in hospital is not seen (H1 and H2 count visits in the community)."""
    assert seen(history(contacts=(contact("k-1", place="hospital"),))) == ()


@pytest.mark.parametrize("place", ["community", "office", "other"])
def test_a_delivered_contact_anywhere_but_hospital_is_seen(place: str) -> None:
    assert [d.date for d in seen(history(contacts=(contact("k-1", place=place),)))] == [day(MON)]


def test_phone_calls_and_video_calls_are_not_seen() -> None:
    """Only face-to-face contacts are delivered."""
    calls = (contact("k-1", mode="phone", place=None), contact("k-2", mode="video", place=None, date=TUE))
    assert seen(history(contacts=calls)) == ()


def test_a_plan_visit_without_a_contact_is_seen_and_planned() -> None:
    """What was planned counts as done when nothing was recorded, with its staff's disciplines."""
    week = plan_file(WEEK, visit("v-1", "c-1", ["s-cm"], TUE))
    assert seen(history(plans=(week,))) == (
        SeenDate(day(TUE), frozenset({"case_manager"}), frozenset(), True),
    )


def test_a_plan_visit_whose_contact_was_a_no_show_is_not_seen() -> None:
    """A no-show (or refusal, or cancellation) recorded for a planned visit takes its date away."""
    week = plan_file(WEEK, visit("v-1", "c-1", ["s-rn"], MON), visit("v-2", "c-1", ["s-rn"], WED),
                     visit("v-3", "c-1", ["s-rn"], FRI))  # fmt: skip
    contacts = (missed("k-1", visit="v-1"), missed("k-2", "refused", visit="v-2", date=WED),
                missed("k-3", "cancelled", visit="v-3", date=FRI))  # fmt: skip
    assert seen(history(plans=(week,), contacts=contacts)) == ()
    assert [d.date for d in seen(history(plans=(week,)))] == [day(MON), day(WED), day(FRI)]


def test_a_plan_visit_with_a_delivered_contact_provides_what_the_contact_records() -> None:
    """The record beats the plan: the case manager went instead of the nurse and gave nothing."""
    week = plan_file(WEEK, visit("v-1", "c-1", ["s-rn"], MON, purpose="lai_injection"))
    dates = seen(history(plans=(week,), contacts=(contact("k-1", staff=["s-cm"], visit="v-1"),)))
    assert dates == (SeenDate(day(MON), frozenset({"case_manager"}), frozenset(), True),)


def test_a_crisis_call_out_is_seen_but_not_planned() -> None:
    """An unplanned delivered contact is a seen date that H2 does not space from."""
    dates = seen(history(contacts=(contact("k-1", date=THU, staff=["s-cm"], place="community"),)))
    assert [(d.date, d.planned) for d in dates] == [(day(THU), False)]
    assert planned_seen_dates(dates) == ()


def test_a_contact_recording_a_visit_makes_a_planned_seen_date_without_the_plan() -> None:
    """A contact with ``visit`` comes from a planned visit even when its plan is not given."""
    dates = seen(history(contacts=(contact("k-1", visit="v-9"),)))
    assert [(d.date, d.planned) for d in dates] == [(day(MON), True)]


def test_skills_from_purpose_only_when_someone_on_the_visit_has_the_skill() -> None:
    """The nurse's injection visit provides the injection; the case manager's does not."""
    week = plan_file(
        WEEK,
        visit("v-1", "c-1", ["s-rn"], MON, purpose="lai_injection"),
        visit("v-2", "c-1", ["s-cm"], WED, purpose="lai_injection"),
        visit("v-3", "c-1", ["s-cm"], FRI, purpose="check-in"),
    )
    assert [(d.date, d.skills) for d in seen(history(plans=(week,)))] == [
        (day(MON), frozenset({"lai_injection"})),
        (day(WED), frozenset()),
        (day(FRI), frozenset()),
    ]


def test_a_date_with_several_sources_provides_all_of_them_and_is_planned_if_any_is() -> None:
    """A plan visit and a crisis call-out on one date: both disciplines, planned."""
    week = plan_file(WEEK, visit("v-1", "c-1", ["s-rn"], MON))
    dates = seen(history(plans=(week,), contacts=(contact("k-1", staff=["s-tl"], place="community"),)))
    assert dates == (SeenDate(day(MON), frozenset({"nurse", "team_leader"}), frozenset(), True),)


def test_only_dates_before_the_cut_count_and_clients_are_apart() -> None:
    """``before`` excludes its own date; another client's contacts are theirs."""
    h = history(contacts=(contact("k-1"), contact("k-2", date=WED), contact("k-3", client="c-2", date=TUE)))
    assert [d.date for d in seen(h, before=day(WED))] == [day(MON)]
    assert [d.date for d in seen(h, client="c-2")] == [day(TUE)]


def test_the_week_own_plan_counts_before_the_cut() -> None:
    """In a re-plan from Thursday the plan's own visits before Thursday are plans of record."""
    own = load_plan(plan_file(WEEK, visit("v-1", "c-1", ["s-rn"], MON), visit("v-2", "c-1", ["s-rn"], THU)))
    dates = seen_dates(TEAM, History(), before=day(THU), plan=own)
    assert [d.date for d in dates["c-1"]] == [day(MON)]


OUTCOMES = st.sampled_from(["none", "home", "hospital", "phone", "no_show", "refused", "cancelled"])


@given(
    planned=st.dictionaries(st.integers(0, 6), OUTCOMES, max_size=7),
    unplanned=st.dictionaries(st.integers(0, 6), OUTCOMES.filter(lambda o: o != "none"), max_size=7),
)
def test_seen_dates_follow_the_definition_over_any_week(planned: dict, unplanned: dict) -> None:
    """Over any week of plan visits (each with or without a contact) and unplanned contacts, the
    seen dates are: plan visits with no contact or a delivered one, and delivered contacts
    not in hospital; planned exactly when a plan visit or a contact with a visit is there."""
    monday = day(WEEK)
    visits, contacts = [], []
    for d, outcome in planned.items():
        on = (monday + timedelta(days=d)).isoformat()
        visits.append(visit(f"v-{d}", "c-1", ["s-rn"], on))
        if outcome != "none":
            contacts.append(_recorded(f"k-p{d}", outcome, on, visit=f"v-{d}"))
    for d, outcome in unplanned.items():
        contacts.append(_recorded(f"k-u{d}", outcome, (monday + timedelta(days=d)).isoformat()))
    dates = seen(history(plans=(plan_file(WEEK, *visits),), contacts=tuple(contacts)))

    delivered = {"home", "hospital"}
    from_plan = {d for d, o in planned.items() if o == "none" or o in delivered}
    from_planned_contacts = {d for d, o in planned.items() if o == "home"}
    from_call_outs = {d for d, o in unplanned.items() if o == "home"}
    expected = from_plan | from_planned_contacts | from_call_outs
    assert [d.date for d in dates] == [monday + timedelta(days=d) for d in sorted(expected)]
    planned_days = from_plan | from_planned_contacts
    assert [d.planned for d in dates] == [d in planned_days for d in sorted(expected)]


def _recorded(ident: str, outcome: str, on: str, **fields: object) -> dict:
    if outcome in ("no_show", "refused", "cancelled"):
        return missed(ident, outcome, date=on, **fields)
    if outcome == "phone":
        return contact(ident, mode="phone", place=None, date=on, **fields)
    return contact(ident, place=outcome, date=on, **fields)


# -- reading history files ------------------------------------------------------------------


def files(*docs: dict) -> list[tuple[str, bytes]]:
    return [(f"h{i}.json", json.dumps(doc).encode()) for i, doc in enumerate(docs)]


def test_the_last_plan_given_for_a_week_is_its_plan_of_record() -> None:
    first = plan_file("2026-11-23", visit("v-1", "c-1", ["s-rn"], "2026-11-23"))
    second = plan_file("2026-11-23", visit("v-1", "c-1", ["s-cm"], "2026-11-25"))
    h = read_history(files(first, second), TEAM, week=day(WEEK))
    assert [v.date for v in h.plans[day("2026-11-23")].visits] == ["2026-11-25"]


def test_a_re_plan_of_an_earlier_week_is_its_plan_of_record() -> None:
    """A version 2 plan (a re-plan that counted what happened) is history like any plan."""
    replanned = plan_file("2026-11-23", visit("v-1", "c-1", ["s-rn"], "2026-11-26"))
    replanned.update(format="actplanner/plan@2", replan_from="2026-11-26")
    h = read_history(files(replanned), TEAM, week=day(WEEK))
    assert h.plans[day("2026-11-23")].replan_from == "2026-11-26"
    assert [d.date for d in seen(h)] == [day("2026-11-26")]


def test_a_later_contact_for_the_same_visit_or_id_replaces_the_earlier() -> None:
    """A correction in a later file replaces; the same log given twice reads once."""
    early = contact_log(missed("k-1", visit="v-1"), contact("k-2", date=TUE))
    late = contact_log(contact("k-9", visit="v-1"), contact("k-2", date=TUE, minutes=50))
    h = read_history(files(early, late, late), TEAM)
    assert [(c.id, c.outcome, c.minutes) for c in h.contacts] == [("k-9", "done", 30), ("k-2", "done", 50)]


def test_bad_history_files_are_named_with_every_problem() -> None:
    """A file of another format, a plan of another team or of the week itself, and a contact for a
    visit its week's plan lacks are each one error line naming the file."""
    with pytest.raises(FormatError) as caught:
        read_history(
            files(
                {"format": "actplanner/team@1"},
                plan_file("2026-11-23", team="other"),
                plan_file(WEEK),
                contact_log(contact("k-1", visit="v-7", date="2026-11-23"), contact("k-2", mode=None)),
                contact_log(contact("k-3", visit="v-8", date="2026-11-23")),
                plan_file("2026-11-23", visit("v-7", "c-1", ["s-rn"], "2026-11-23"), team="tiny"),
            ),
            TEAM,
            week=day(WEEK),
        )
    assert caught.value.messages == [
        "h0.json: format: \"actplanner/team@1\" is not a history file (expected 'actplanner/plan@1', "
        "'actplanner/plan@2' or 'actplanner/contacts@1')",
        'h1.json: team: the plan is for team "other", the team file is "tiny"',
        "h2.json: week_start: 2026-11-30 is not before the week of 2026-11-30; history holds earlier "
        "weeks (the plan being re-planned or checked is given on its own)",
        "h3.json: contacts[1].mode: required when outcome is done",
        'h4.json: contacts[0].visit: the plan of the week of 2026-11-23 has no visit "v-8"',
    ]


def test_contacts_of_the_week_itself_are_checked_against_its_own_plan() -> None:
    own = load_plan(plan_file(WEEK, visit("v-1", "c-1", ["s-rn"], MON)))
    with pytest.raises(FormatError) as caught:
        read_history(files(contact_log(contact("k-1", visit="v-2"))), TEAM, week=day(WEEK), plan=own)
    assert caught.value.messages == [
        'h0.json: contacts[0].visit: the plan of the week of 2026-11-30 has no visit "v-2"'
    ]
