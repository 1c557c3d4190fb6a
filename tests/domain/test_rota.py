"""The effective rota: overrides laid over plan periods, checked against a brute-force oracle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from actplanner.domain.rota import Assignment, effective_rota, gaps, local_to_utc, role_at, runs

CHICAGO = ZoneInfo("America/Chicago")
MONDAY = datetime(2026, 11, 30, 0, 0)


def local(minutes: int) -> str:
    """The local text of ``minutes`` after Monday 2026-11-30 00:00 (no DST change that week)."""
    return (MONDAY + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M")


def daily(staff: list[str], role: str = "primary", handoff: int = 510) -> list[Assignment]:
    """One period a day from the handoff, holders in turn."""
    return [
        Assignment(role, who, local(handoff + day * 1440), local(handoff + (day + 1) * 1440), f"p{role}{day}")
        for day, who in enumerate(staff)
    ]


def oracle(periods: list[Assignment], overrides: list[Assignment], role: str, instant: str) -> str | None:
    """Who holds ``role`` at a local instant: the newest override covering it, else the plan."""
    for override in reversed(overrides):
        if override.role == role and override.start <= instant < override.end:
            return override.staff_id
    for period in periods:
        if period.role == role and period.start <= instant < period.end:
            return period.staff_id
    return None


def test_without_overrides_the_rota_is_the_plan() -> None:
    periods = daily(["a", "b", "c"])
    holdings = effective_rota(periods, [], CHICAGO)
    assert [h.staff_id for h in holdings] == ["a", "b", "c"]
    assert [h.source for h in holdings] == ["pprimary0:0", "pprimary1:0", "pprimary2:0"]


def test_a_cover_in_the_middle_splits_the_period_in_two() -> None:
    periods = daily(["a", "b"])
    cover = Assignment("primary", "x", local(600), local(700), "o1")
    holdings = effective_rota(periods, [cover], CHICAGO)
    assert [(h.staff_id, h.source) for h in holdings] == [
        ("a", "pprimary0:0"),
        ("x", "o1:0"),
        ("a", "pprimary0:1"),
        ("b", "pprimary1:0"),
    ]
    assert holdings[0].end == holdings[1].start and holdings[1].end == holdings[2].start


def test_a_later_override_wins_over_an_earlier_one() -> None:
    periods = daily(["a"])
    first = Assignment("primary", "x", local(600), local(900), "o1")
    second = Assignment("primary", "y", local(700), local(800), "o2")
    holdings = effective_rota(periods, [first, second], CHICAGO)
    assert [h.staff_id for h in holdings] == ["a", "x", "y", "x", "a"]


def test_an_override_of_one_role_leaves_the_others() -> None:
    periods = daily(["a"]) + daily(["b"], role="backup")
    holdings = effective_rota(periods, [Assignment("primary", "x", local(510), local(1950), "o1")], CHICAGO)
    assert [(h.role, h.staff_id) for h in holdings] == [("backup", "b"), ("primary", "x")]


def test_role_at_reports_the_whole_stretch_and_who_is_next() -> None:
    # a holds two days running, then b: the lookup shows a's stretch as one.
    holdings = effective_rota(daily(["a", "a", "b"]), [], CHICAGO)
    now = role_at(holdings, "primary", local_to_utc(local(2000), CHICAGO))
    assert now.staff_id == "a"
    assert now.since == local_to_utc(local(510), CHICAGO)
    assert now.until == local_to_utc(local(510 + 2 * 1440), CHICAGO)
    assert now.next_staff_id == "b" and now.next_from == now.until


def test_role_at_a_gap_says_nobody_and_when_it_ends() -> None:
    holdings = effective_rota(daily(["a", "b"]), [], CHICAGO)
    before = role_at(holdings, "primary", local_to_utc(local(100), CHICAGO))
    assert before.staff_id is None and before.since is None
    assert before.next_staff_id == "a" and before.until == local_to_utc(local(510), CHICAGO)
    after = role_at(holdings, "primary", local_to_utc(local(510 + 3 * 1440), CHICAGO))
    assert after.staff_id is None and after.next_staff_id is None
    assert after.since == local_to_utc(local(510 + 2 * 1440), CHICAGO)


def test_gaps_finds_uncovered_stretches_only() -> None:
    periods = daily(["a", "b", "c"])
    hole = [p for p in periods if p.staff_id != "b"]
    holdings = effective_rota(hole, [], CHICAGO)
    start, end = local_to_utc(local(510), CHICAGO), local_to_utc(local(510 + 3 * 1440), CHICAGO)
    assert gaps(holdings, "primary", start, end) == [
        (local_to_utc(local(510 + 1440), CHICAGO), local_to_utc(local(510 + 2 * 1440), CHICAGO))
    ]
    assert gaps(effective_rota(periods, [], CHICAGO), "primary", start, end) == []
    assert gaps(holdings, "backup", start, end) == [(start, end)]


def test_a_period_over_the_autumn_change_lasts_25_hours_and_the_spring_one_23() -> None:
    autumn = Assignment("primary", "a", "2026-10-31T08:30", "2026-11-01T08:30", "u1")
    spring = Assignment("primary", "a", "2026-03-07T08:30", "2026-03-08T08:30", "u2")
    (long_day,) = effective_rota([autumn], [], CHICAGO)
    (short_day,) = effective_rota([spring], [], CHICAGO)
    assert long_day.end - long_day.start == timedelta(hours=25)
    assert short_day.end - short_day.start == timedelta(hours=23)
    assert long_day.start.tzinfo == UTC


STAFF = st.sampled_from(["a", "b", "c", "x", "y"])
WEEK_MINUTES = 3 * 1440


@st.composite
def overrides(draw: st.DrawFn) -> list[Assignment]:
    found = []
    for i in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, WEEK_MINUTES - 1))
        length = draw(st.integers(1, 2000))
        role = draw(st.sampled_from(["primary", "backup"]))
        found.append(
            Assignment(role, draw(STAFF), local(start), local(min(start + length, WEEK_MINUTES)), f"o{i}")
        )
    return found


@settings(max_examples=60, deadline=None)
@given(holders=st.lists(STAFF, min_size=2, max_size=2), laid=overrides())
def test_every_minute_matches_the_oracle_and_nothing_overlaps(
    holders: list[str], laid: list[Assignment]
) -> None:
    periods = daily(holders, handoff=510) + daily(list(reversed(holders)), role="backup", handoff=510)
    holdings = effective_rota(periods, laid, CHICAGO)
    for role in ("primary", "backup"):
        mine = sorted((h for h in holdings if h.role == role), key=lambda h: h.start)
        assert all(a.end <= b.start for a, b in zip(mine, mine[1:], strict=False))
        assert len({h.source for h in mine}) == len(mine)
        stretches = runs(holdings, role)
        for minute in range(0, WEEK_MINUTES, 7):
            instant = local_to_utc(local(minute), CHICAGO)
            expected = oracle(periods, laid, role, local(minute))
            assert role_at(stretches, role, instant).staff_id == expected
