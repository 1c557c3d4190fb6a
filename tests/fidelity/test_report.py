"""The Fidelity page's pure parts: the period it reads, the trend chart, the staff counts."""

from __future__ import annotations

import re
from datetime import date

import pytest

from actplanner.domain.fidelity import fidelity
from actplanner.domain.formats import load_contacts, load_team
from actplanner.fidelity.report import PeriodError, fidelity_report, parse_period
from actplanner.fidelity.trend import Series, trend_svg
from tests.support.contact_files import TUE, WEEK, contact, contact_log, history_team, missed

TODAY = date(2026, 12, 2)  # A Wednesday.


def test_the_default_period_is_the_four_whole_weeks_before_this_one() -> None:
    assert parse_period(None, "", today=TODAY) == (date(2026, 11, 2), date(2026, 11, 29))


def test_a_period_given_in_full_is_taken_as_given() -> None:
    assert parse_period("2026-11-30", "2026-12-06", today=TODAY) == (date(2026, 11, 30), date(2026, 12, 6))


def test_both_wrong_ends_are_named_in_one_sentence() -> None:
    with pytest.raises(PeriodError) as err:
        parse_period("2026-12-01", "2026-12-05", today=TODAY)
    assert str(err.value) == (
        "from: 2026-12-01 is a Tuesday; the period starts on a Monday; "
        "to: 2026-12-05 is a Saturday; the period ends on a Sunday."
    )


def test_a_date_outside_the_planned_years_names_its_field() -> None:
    with pytest.raises(PeriodError, match=r"^to: 9999-12-26 is outside the dates actplanner plans"):
        parse_period("2026-11-30", "9999-12-26", today=TODAY)


def test_the_trend_escapes_labels_and_breaks_a_line_at_a_week_without_data() -> None:
    weeks = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]
    svg = trend_svg(weeks, [Series("<b>", [1.0, None, 3.0, 4.0], "delivered")], title="A & B", target=4)
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "A &amp; B" in svg
    lines = re.findall(r'<polyline class="delivered" points="([^"]+)"', svg)
    assert [len(points.split()) for points in lines] == [1, 2]
    assert svg.count("<circle") == 3
    assert 'class="target"' in svg


def test_a_trend_needs_a_week() -> None:
    with pytest.raises(ValueError, match="at least one week"):
        trend_svg([], [], title="empty")


def test_staff_rows_count_joint_contacts_for_each_staff_member_and_sort_out_what_was_not_done() -> None:
    team = load_team(history_team())
    log = load_contacts(
        contact_log(
            contact("k1", staff=["s-rn", "s-cm"], minutes=40),
            contact("k2", date=TUE, mode="phone", place=None),
            missed("k3", date=TUE),
        ),
        team,
    )
    report = fidelity_report(team, log.contacts, [], date.fromisoformat(WEEK), date(2026, 12, 6))
    rows = {s.staff_id: s for s in report.staff}
    assert (
        rows["s-rn"].delivered,
        rows["s-rn"].minutes,
        rows["s-rn"].not_done,
        rows["s-rn"].phone_or_video,
    ) == (
        1,
        40,
        1,
        1,
    )
    assert (rows["s-cm"].delivered, rows["s-cm"].minutes) == (1, 40)
    assert report.unplanned_weeks == [date.fromisoformat(WEEK)]
    assert all(f.planned is None for f in report.figures)
    # Clients by code: the report leaves the app.
    code = next(c.code for c in team.clients if c.id == "c-1")
    (short,) = [s for s in report.short if s.client == code]
    assert (short.seen, short.required) == (1, 3)
    assert short.reasons == (f"phone on {TUE}", f"no show on {TUE}")


def test_the_figures_of_counted_weeks_leave_the_other_weeks_out() -> None:
    """Two weeks; only the first counts (the plans' figures read only weeks with a plan): c-1 seen
    three times in it and c-2 twice, so nobody is short, and W is 1, not 2. Every week counting,
    the second week (no contact at all) leaves both short and halves the rates."""
    team = load_team(history_team())
    week_2 = date(2026, 12, 7)
    log = load_contacts(
        contact_log(
            contact("k1"),
            contact("k2", date=TUE, staff=["s-cm"]),
            contact("k3", date="2026-12-03"),
            contact("k4", client="c-2", date=TUE),
            contact("k5", client="c-2", date="2026-12-04", staff=["s-cm"]),
            contact("k6", client="c-2", date="2026-12-08"),
        ),
        team,
    ).contacts
    start, end = date.fromisoformat(WEEK), date(2026, 12, 13)
    counted = fidelity(team, log, start, end, weeks={start})
    assert counted.contacts_per_client_week == 2.5
    assert counted.clients_below_required == []
    # Both 14-day windows' weeks are not counted, so no window is.
    assert counted.team_approach_share is None
    every = fidelity(team, log, start, end)
    assert every.contacts_per_client_week == 1.5
    assert every.clients_below_required == ["c-1", "c-2"]
    assert every.team_approach_share == 1.0
    assert fidelity(team, log, start, end, weeks={start, week_2}) == every


def test_the_default_period_starts_at_the_first_whole_week_the_log_covers() -> None:
    """A log begun on Tuesday 2026-11-10: the default leaves out the weeks before and the partial
    one, and starts Monday 2026-11-16; a log begun on a Monday starts that week."""
    assert parse_period(None, None, today=TODAY, log_starts=date(2026, 11, 10)) == (
        date(2026, 11, 16),
        date(2026, 11, 29),
    )
    assert parse_period(None, None, today=TODAY, log_starts=date(2026, 11, 23))[0] == date(2026, 11, 23)
    # A log older than four weeks, or one with no whole week yet: the last four whole weeks.
    assert parse_period(None, None, today=TODAY, log_starts=date(2026, 1, 5))[0] == date(2026, 11, 2)
    assert parse_period(None, None, today=TODAY, log_starts=date(2026, 11, 24))[0] == date(2026, 11, 2)
    # A period asked for is taken as asked.
    assert parse_period("2026-10-05", None, today=TODAY, log_starts=date(2026, 11, 23))[0] == date(
        2026, 10, 5
    )


def test_the_default_period_is_the_four_weeks_ended_before_this_week_whatever_the_weekday() -> None:
    """On the Monday and on the Sunday of a week the default is the same four Monday-to-Sunday
    weeks: the week under way has not ended, even on its Sunday."""
    for today in (date(2026, 11, 30), date(2026, 12, 6)):
        assert parse_period(None, None, today=today) == (date(2026, 11, 2), date(2026, 11, 29)), today
    # The Monday after, that week has ended and joins the four.
    assert parse_period(None, None, today=date(2026, 12, 7)) == (date(2026, 11, 9), date(2026, 12, 6))
    # A period asked for is taken as asked; an end left empty takes the default's.
    assert parse_period("2026-10-05", None, today=TODAY) == (date(2026, 10, 5), date(2026, 11, 29))


def test_the_report_says_its_period_in_words_and_its_share_targets_as_percentages() -> None:
    team = load_team(history_team())
    log = load_contacts(contact_log(contact("k1", date=TUE)), team)
    start = date.fromisoformat(WEEK)
    report = fidelity_report(team, log.contacts, [], start, date(2026, 12, 13))
    assert report.period_words == "Mon 30 Nov – Sun 13 Dec 2026"
    # Across a new year each end names its year.
    turn = fidelity_report(team, log.contacts, [], date(2026, 12, 28), date(2027, 1, 10))
    assert turn.period_words == "Mon 28 Dec 2026 – Sun 10 Jan 2027"
    rows = {f.key: f for f in report.figures}
    # A share shown as a percentage gets its target as one; counts a week stay numbers.
    assert rows["community_share"].shown.endswith("%")
    assert rows["community_share"].target_shown == "S1 community-based: ≥ 80%"
    assert rows["team_approach_share"].target_shown == "H2 team approach: ≥ 90%"
    assert rows["contacts_per_client_week"].target_shown == "S5 frequency: ≥ 4"
    assert rows["minutes_per_client_week"].target_shown == "S4 intensity: ≥ 120 (2 hours)"
    assert rows["done_share"].target_shown == ""
    # The machine form (CSV, CLI) keeps the engine's fraction.
    assert rows["community_share"].top_rating == "S1 community-based: ≥ 0.8"
