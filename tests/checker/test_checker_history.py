"""The checker's re-plan with what happened: H1, H2 and H4 reading seen dates before F, each
widened rule once where it holds and once where it breaks (FORMATS.md, version 2 Part A)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from actplanner.checker import check
from actplanner.checker.history import seen_dates as checker_seen
from actplanner.domain.formats import load_contacts, load_plan, load_team
from actplanner.domain.history import History, seen_dates
from tests.checker.test_checker import THU, TUE, WED, _visit, make_plan
from tests.support.contact_files import contact, contact_log, history_team, missed, plan_file, visit
from tests.support.team_files import team_file

LAST_SUN = "2026-11-29"


def replan(from_date: str = THU, **changes: object) -> dict:
    """The tiny team's valid plan as a re-plan from ``from_date``; c-1's Wednesday visit is the
    nurse's injection (purpose lai_injection), the one its Tuesday–Thursday window asks for."""
    plan = make_plan()
    plan["format"] = "actplanner/plan@2"
    plan["replan_from"] = from_date
    plan["visits"][1]["purpose"] = "lai_injection"
    plan.update(changes)
    return plan


def with_visits(plan: dict, *extra: dict, drop: tuple[str, ...] = ()) -> dict:
    plan["visits"] = [v for v in plan["visits"] if v["id"] not in drop] + list(extra)
    return plan


def messages(plan: dict, rule: str, *history: dict) -> list[str]:
    report = check(team_file("tiny"), plan, history=list(history))
    return [v.message for v in report.violations if v.rule == rule]


def log(*contacts: dict) -> dict:
    return contact_log(*contacts)


# -- H1: exactly max(0, n − c) visits from F on ---------------------------------------------


def test_h1_holds_when_the_visits_from_f_make_up_what_the_seen_dates_leave() -> None:
    """Seen Monday and Wednesday (no contacts: the plan counts), one visit from Thursday: 3 − 2."""
    report = check(team_file("tiny"), replan())
    assert report.valid, [v.message for v in report.unexcused]


def test_h1_breaks_when_a_no_show_is_not_made_up() -> None:
    """Wednesday was a no-show: c is 1, so two visits are needed from Thursday and one is planned."""
    history = log(missed("k-1", visit="v-2", date=WED))
    assert messages(replan(), "H1", history) == [
        "c-1 has 1 visit(s) from 2026-12-03; they were seen on 1 date(s) before it, so 2 of their 3 "
        "are still needed."
    ]


def test_h1_holds_when_the_no_show_is_made_up() -> None:
    history = log(missed("k-1", visit="v-2", date=WED))
    plan = with_visits(replan(), _visit("v-9", "c-1", ["s-rn"], "2026-12-06", "11:00", "11:45"))
    assert messages(plan, "H1", history) == []


def test_a_later_log_corrects_an_earlier_one_for_the_same_visit() -> None:
    """The no-show was a mistake, corrected by a later file (another contact id): c is 2 again."""
    wrong = log(missed("k-1", visit="v-2", date=WED))
    right = log(contact("k-7", visit="v-2", date=WED, skills=["lai_injection"]))
    assert messages(replan(), "H1", wrong, right) == []
    assert len(messages(replan(), "H1", right, wrong)) == 1


def test_h1_counts_a_crisis_call_out_as_seen() -> None:
    """A delivered call-out on Tuesday makes c 3: nothing is needed from Thursday, and the
    Friday visit is one too many."""
    history = log(contact("k-1", date=TUE, staff=["s-cm"], place="community"))
    assert messages(replan(), "H1", history) == [
        "c-1 has 1 visit(s) from 2026-12-03; they were seen on 3 date(s) before it, so 0 of their 3 "
        "are still needed."
    ]
    assert messages(with_visits(replan(), drop=("v-3",)), "H1", history) == []


def test_h1_does_not_count_a_hospital_contact() -> None:
    history = log(contact("k-1", date=TUE, place="hospital"))
    assert messages(replan(), "H1", history) == []


# -- H2: spacing from the last planned seen date ---------------------------------------------


def test_h2_breaks_when_the_first_visit_from_f_is_too_close_to_the_last_planned_one() -> None:
    """Moved from Friday to Thursday: one day after Wednesday's visit, and c-1 needs two."""
    plan = replan()
    plan["visits"][2]["date"] = THU
    assert messages(plan, "H2") == [
        "c-1 is visited on 2026-12-03, 1 day(s) after their last planned contact on 2026-12-02; "
        "their acuity needs at least 2 day(s) between visits."
    ]


def test_h2_holds_when_that_visit_was_a_no_show() -> None:
    """A no-show keeps no gap: Thursday is three days after Monday, the last one seen."""
    plan = replan()
    plan["visits"][2]["date"] = THU
    assert messages(plan, "H2", log(missed("k-1", visit="v-2", date=WED))) == []


def test_h2_does_not_space_from_a_crisis_call_out() -> None:
    """Wednesday's plan visit was a no-show and an unplanned contact saw c-1 that day: seen but
    not planned, so Thursday is spaced from Monday."""
    plan = replan()
    plan["visits"][2]["date"] = THU
    history = log(missed("k-1", visit="v-2", date=WED), contact("k-2", date=WED, staff=["s-cm"]))
    assert messages(plan, "H2", history) == []


def test_h2_across_weeks_reads_the_plan_of_record() -> None:
    """Last week's Sunday visit is one day before this Monday's; recorded as refused, it is not."""
    last_week = plan_file("2026-11-23", visit("v-7", "c-1", ["s-rn"], LAST_SUN))
    expected = [
        "c-1 is visited on 2026-11-30, 1 day(s) after their last planned contact on 2026-11-29; "
        "their acuity needs at least 2 day(s) between visits."
    ]
    assert messages(make_plan(), "H2", last_week) == expected
    refused = log(missed("k-1", "refused", visit="v-7", date=LAST_SUN))
    assert messages(make_plan(), "H2", last_week, refused) == []


# -- H4: requirements met before F, or still to meet ------------------------------------------


def test_h4_holds_when_the_injection_was_given_before_f() -> None:
    assert messages(replan(), "H4") == []


def test_h4_breaks_when_the_injection_visit_was_a_no_show() -> None:
    """The missed injection must be placed again from F on, inside its window."""
    history = log(missed("k-1", visit="v-2", date=WED))
    assert messages(replan(), "H4", history) == [
        "c-1 needs a visit by someone with skill 'lai_injection' between 2026-12-01 and "
        "2026-12-03 (due 2026-12-02); none is planned."
    ]
    again = with_visits(replan(), _visit("v-9", "c-1", ["s-rn"], THU, "11:00", "11:45"))
    assert messages(again, "H4", history) == []


def test_h4_reads_the_skills_a_contact_records() -> None:
    """A plan visit without purpose gives no injection, but a contact that records one does."""
    plan = replan()
    plan["visits"][1]["purpose"] = None
    assert len(messages(plan, "H4")) == 1
    assert messages(plan, "H4", log(contact("k-1", date=WED, visit="v-2", skills=["lai_injection"]))) == []


def test_h4_discipline_count_reads_who_was_seen() -> None:
    """The nurse's Monday and Wednesday visits were no-shows: no nurse visit this week."""
    history = log(missed("k-1", visit="v-1"), missed("k-2", visit="v-2", date=WED))
    assert "c-1 has 0 visit(s) with a nurse this week; their treatment plan requires 1." in messages(
        replan(), "H4", history
    )
    only_wednesday = messages(replan(), "H4", log(missed("k-2", visit="v-2", date=WED)))
    assert not any("with a nurse" in m for m in only_wednesday)


def test_h4_a_due_window_met_last_week_asks_nothing_more_of_this_one() -> None:
    """Due Sunday 2026-11-29 ± 2 days: the window runs into Monday and Tuesday. Given last
    Saturday (last week's plan of record, the nurse's injection visit), nothing is due this
    week; without that history, or with it recorded as a no-show, one is."""
    team = team_file("tiny")
    team["clients"][0]["requirements"][1] = {"skill": "lai_injection", "due": LAST_SUN, "window_days": 2}
    plan = make_plan()
    plan["visits"][0]["staff"] = ["s-cm"]  # Monday's visit is not the nurse's.
    last_week = plan_file("2026-11-23", visit("v-7", "c-1", ["s-rn"], "2026-11-28", purpose="lai_injection"))

    def h4(*history: dict) -> list[str]:
        return [v.message for v in check(team, plan, history=list(history)).violations if v.rule == "H4"]

    assert h4() == [
        "c-1 needs a visit by someone with skill 'lai_injection' between 2026-11-27 and "
        "2026-12-01 (due 2026-11-29); none is planned."
    ]
    assert h4(last_week) == []
    assert len(h4(last_week, log(missed("k-1", visit="v-7", date="2026-11-28")))) == 1


# -- H12: replan_from itself -------------------------------------------------------------------


def test_replan_from_needs_a_version_2_plan_and_a_date_of_the_week() -> None:
    assert messages(replan(format="actplanner/plan@1"), "H12") == [
        "The plan says replan_from but its format is not 'actplanner/plan@2'."
    ]
    assert messages(replan(from_date="2026-12-09"), "H12") == [
        "The plan's replan_from '2026-12-09' is not a date of its week."
    ]
    assert messages(replan(), "H12") == []


def test_without_replan_from_the_plan_own_visits_all_count() -> None:
    """A version 1 check is unchanged by a contact log: H1 counts the week's visits."""
    assert messages(make_plan(), "H1", log(missed("k-1", visit="v-2", date=WED))) == []


# -- two readings, one definition ----------------------------------------------------------------

OUTCOMES = st.sampled_from(["none", "home", "hospital", "phone", "no_show"])


@settings(max_examples=60, deadline=None)
@given(
    planned=st.dictionaries(
        st.tuples(st.sampled_from(["c-1", "c-2"]), st.integers(0, 13)), OUTCOMES, max_size=12
    ),
    unplanned=st.dictionaries(
        st.tuples(st.sampled_from(["c-1", "c-2"]), st.integers(0, 13)), OUTCOMES, max_size=6
    ),
    purpose=st.sampled_from([None, "lai_injection", "check-in"]),
)
def test_the_checker_and_the_app_read_the_same_seen_dates(
    planned: dict, unplanned: dict, purpose: str | None
) -> None:
    """Over two weeks of plan visits, contacts for them and unplanned contacts, the checker's own
    reading and the app's (domain.history) give the same seen dates, provisions and planned flags."""
    first = date(2026, 11, 23)
    weeks: dict[date, list[dict]] = {first: [], first + timedelta(days=7): []}
    contacts = []
    for n, ((client, d), outcome) in enumerate(sorted(planned.items())):
        day = first + timedelta(days=d)
        ident = f"v-{n}"
        weeks[first + timedelta(days=7 * (d // 7))].append(
            visit(ident, client, ["s-rn"] if n % 2 else ["s-cm"], day.isoformat(), purpose=purpose)
        )
        if outcome != "none":
            contacts.append(_entry(f"k-p{n}", client, day, outcome, visit=ident))
    for n, ((client, d), outcome) in enumerate(sorted(unplanned.items())):
        if outcome != "none":
            contacts.append(_entry(f"k-u{n}", client, first + timedelta(days=d), outcome))
    plans = [plan_file(w.isoformat(), *vs) for w, vs in weeks.items()]
    log = contact_log(*contacts)
    cut = first + timedelta(days=10)
    team = team_file("tiny")
    own = plans[1]
    raw = checker_seen(
        {s["id"]: s for s in team["staff"]}, own, [plans[0], log], first + timedelta(days=7), cut
    )
    loaded = load_team(history_team())
    app = seen_dates(
        loaded,
        History(plans={first: load_plan(plans[0])}, contacts=load_contacts(log).contacts),
        before=cut,
        plan=load_plan(own),
    )
    as_tuples = {c: [(s.date, s.disciplines, s.skills, s.planned) for s in v] for c, v in raw.items()}
    assert as_tuples == {c: [(s.date, s.disciplines, s.skills, s.planned) for s in v] for c, v in app.items()}


def _entry(ident: str, client: str, day: date, outcome: str, **fields: object) -> dict:
    if outcome == "no_show":
        return missed(ident, client=client, date=day.isoformat(), **fields)
    if outcome == "phone":
        return contact(ident, client=client, date=day.isoformat(), mode="phone", place=None, **fields)
    skills = ["lai_injection"] if outcome == "home" else None
    return contact(ident, client=client, date=day.isoformat(), place=outcome, skills=skills, **fields)
