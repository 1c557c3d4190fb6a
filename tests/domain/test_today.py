"""The morning meeting: each line and flag once where it is raised and once where it is not."""

from __future__ import annotations

from datetime import date

from actplanner.domain.formats import TeamFile, load_contacts, load_plan, load_team
from actplanner.domain.today import ClientDay, PlannedToday, morning_meeting
from tests.support.contact_files import (
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

WEDNESDAY = date(2026, 12, 2)


def team() -> TeamFile:
    """The tiny team with a psychiatrist, who must see c-2 once a week."""
    doc = history_team()
    doc["staff"].append({"id": "s-md", "name": "M. Doctor", "discipline": "psychiatrist", "fte": 0.5,
                         "shifts": {"thu": ["09:00", "17:00"]}})  # fmt: skip
    doc["clients"][1]["requirements"].append({"discipline": "psychiatrist", "visits": 1})
    return load_team(doc)


def week(*visits: dict) -> list:
    plan = plan_file(WEEK, *visits)
    plan["caseload"] = {"c-1": {"primary": "s-cm", "itt": ["s-cm", "s-rn", "s-tl"]}}
    return [load_plan(plan)]


def meeting(*contacts: dict, plans: list | None = None, today: date = WEDNESDAY, **kw: object) -> dict:
    log = load_contacts(contact_log(*contacts)).contacts
    lines = morning_meeting(team(), today, plans=plans or [], contacts=log, **kw)  # type: ignore[arg-type]
    return {line.client: line for line in lines}


PSYCHIATRIST_THURSDAY = visit("v-9", "c-2", ["s-md", "s-cm"], THU, "10:00", "11:00")


def test_a_line_gives_the_last_delivered_contact_and_what_is_planned_today() -> None:
    """Last delivered: Monday by the nurse (a later phone call does not count); today's two
    visits in start order; the ITT from the plan's caseload."""
    plans = week(
        visit("v-2", "c-1", ["s-cm"], WED, "14:00", "14:45"),
        visit("v-1", "c-1", ["s-rn"], WED, "09:00", "09:45", purpose="lai_injection"),
        PSYCHIATRIST_THURSDAY,
    )
    lines = meeting(contact("k-1"), contact("k-2", date=TUE, mode="phone", place=None), plans=plans)
    assert lines["c-1"] == ClientDay(
        client="c-1",
        code="K1",
        primary="s-cm",
        itt=("s-cm", "s-rn", "s-tl"),
        last_delivered=date(2026, 11, 30),
        days_since=2,
        last_by=("s-rn",),
        planned=(
            PlannedToday("v-1", ("s-rn",), "09:00", "09:45", "lai_injection"),
            PlannedToday("v-2", ("s-cm",), "14:00", "14:45", None),
        ),
        flags=(),
    )
    assert (lines["c-2"].last_delivered, lines["c-2"].days_since, lines["c-2"].planned) == (None, None, ())


def test_missed_yesterday_and_yesterdays_visit_not_recorded() -> None:
    plans = week(visit("v-1", "c-1", ["s-rn"], TUE, "11:00", "11:45"), PSYCHIATRIST_THURSDAY)
    lines = meeting(missed("k-1", client="c-2", staff=["s-cm"], date=TUE), plans=plans)
    assert "missed yesterday (no show)" in lines["c-2"].flags
    assert "yesterday's visit at 11:00 not recorded" in lines["c-1"].flags
    recorded = meeting(contact("k-1", date=TUE, visit="v-1", skills=["lai_injection"]), plans=plans)
    assert recorded["c-1"].flags == () and recorded["c-2"].flags == ()


def test_too_long_without_face_to_face_contact_when_the_acuity_gives_a_limit() -> None:
    plans = week(PSYCHIATRIST_THURSDAY, visit("v-1", "c-1", ["s-rn"], WED, purpose="lai_injection"))
    flagged = meeting(contact("k-1"), plans=plans, max_days_without_contact={"moderate": 1, "stable": 7})
    assert flagged["c-1"].flags == ("no face-to-face contact for 2 days (their acuity allows 1)",)
    assert flagged["c-2"].flags == ("no face-to-face contact on record (their acuity allows 7)",)
    assert meeting(contact("k-1"), plans=plans, max_days_without_contact={"moderate": 2})["c-1"].flags == ()
    assert meeting(contact("k-1"), plans=plans)["c-1"].flags == ()


def test_an_injection_due_overdue_or_given() -> None:
    """The injection's window is Tuesday to Thursday."""
    plans = week(PSYCHIATRIST_THURSDAY)
    assert meeting(plans=plans)["c-1"].flags == ("LAI injection due by 2026-12-03",)
    assert meeting(plans=plans, today=date(2026, 11, 30))["c-1"].flags == ()
    assert meeting(plans=plans, today=date(2026, 12, 4))["c-1"].flags == (
        "LAI injection overdue: its window ended 2026-12-03",
    )
    given = contact("k-1", date=TUE, skills=["lai_injection"], place="hospital")
    assert meeting(given, plans=plans, today=date(2026, 12, 4))["c-1"].flags == ()
    planned_today = week(PSYCHIATRIST_THURSDAY, visit("v-1", "c-1", ["s-rn"], WED, purpose="lai_injection"))
    assert meeting(plans=planned_today)["c-1"].flags == ()


def test_a_prescriber_visit_due_this_week() -> None:
    """c-2 sees the psychiatrist once a week: planned Thursday, or seen Monday, or due."""
    assert "psychiatrist visit due: 0 of 1 this week, none planned" in meeting(plans=week())["c-2"].flags
    assert not any("psychiatrist" in f for f in meeting(plans=week(PSYCHIATRIST_THURSDAY))["c-2"].flags)
    seen = contact("k-1", client="c-2", staff=["s-md", "s-cm"], date=MON)
    assert not any(
        "psychiatrist" in f for f in meeting(seen, plans=week(), today=date(2026, 12, 4))["c-2"].flags
    )


def test_most_urgent_first() -> None:
    """More flags first; among equals, longest without face-to-face contact."""
    plans = week(PSYCHIATRIST_THURSDAY, visit("v-1", "c-1", ["s-rn"], WED, purpose="lai_injection"))
    lines = morning_meeting(team(), WEDNESDAY, plans=plans, contacts=())
    assert [line.client for line in lines] == ["c-1", "c-2"]  # both unseen: by code
    log = load_contacts(contact_log(missed("k-1", client="c-2", staff=["s-cm"], date=TUE))).contacts
    assert [line.client for line in morning_meeting(team(), WEDNESDAY, plans=plans, contacts=log)] == [
        "c-2",
        "c-1",
    ]
