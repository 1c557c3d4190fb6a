"""Tests for the committed sample teams and the generator that makes them."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta
from functools import cache

import pytest

from actplanner.domain import demo_data, formats
from actplanner.domain.demo_data import SIZES, VERSION_2, generate_team, team_json
from actplanner.resources import fixture_file
from tests.support.team_files import team_file

ADVERTISED = {"small": (20, 6), "standard": (100, 13), "large": (380, 46)}


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


@pytest.mark.parametrize("size", SIZES)
def test_regenerating_gives_the_committed_file_byte_for_byte(size: str) -> None:
    """Regenerating a fixture with the default seed reproduces the committed file exactly."""
    committed = fixture_file(size).read_text(encoding="utf-8")
    assert team_json(generate_team(size)) == committed


def test_another_seed_gives_another_team() -> None:
    """The seed, not the clock or global random state, decides the team."""
    assert generate_team("small", seed=8) != generate_team("small")
    assert generate_team("small", seed=8) == generate_team("small", seed=8)


def test_unknown_size_is_rejected() -> None:
    """An unknown size raises a ValueError naming the sizes on offer."""
    with pytest.raises(ValueError, match="small, standard, large"):
        generate_team("huge")


@pytest.mark.parametrize("size", SIZES)
def test_fixture_has_the_advertised_size(size: str) -> None:
    """Each fixture has the number of clients and staff the README advertises."""
    team = team_file(size)
    assert (len(team["clients"]), len(team["staff"])) == ADVERTISED[size]
    assert team["format"] == ("actplanner/team@2" if size in VERSION_2 else "actplanner/team@1")


@pytest.mark.parametrize("size", SIZES)
def test_ids_and_codes_are_unique(size: str) -> None:
    """Staff ids, client ids and client codes are unique across the whole file."""
    team = team_file(size)
    ids = [s["id"] for s in team["staff"]] + [c["id"] for c in team["clients"]]
    codes = [c["code"] for c in team["clients"]]
    assert len(set(ids)) == len(ids)
    assert len(set(codes)) == len(codes)
    assert all(3 <= len(code) <= 4 for code in codes)


@pytest.mark.parametrize("size", SIZES)
def test_given_caseloads_respect_h11(size: str) -> None:
    """Given ITTs have 3-5 distinct known staff incl. the primary, within caseload limits."""
    team = team_file(size)
    staff = {s["id"]: s for s in team["staff"]}
    limit = team["policy"]["caseload_max_per_staff"]
    primaries = Counter(c["primary"] for c in team["clients"] if "primary" in c)
    for client in team["clients"]:
        if "primary" in client:
            itt = client["itt"]
            assert client["primary"] in itt and 3 <= len(set(itt)) == len(itt) <= 5
            assert set(itt) <= staff.keys()
    for staff_id, count in primaries.items():
        assert count <= math.floor(limit * staff[staff_id]["fte"])
    eligible = [s for s in team["staff"] if s["discipline"] not in ("psychiatrist", "nurse_practitioner")]
    assert sum(math.floor(limit * s["fte"]) for s in eligible) >= len(team["clients"])


@pytest.mark.parametrize("size", SIZES)
def test_week_is_mostly_servable(size: str) -> None:
    """Visit minutes plus 25 minutes of travel per visit stay under 75% of working minutes
    (fixed shifts and the least a contract gives, breaks taken out)."""
    team = team_file(size)
    levels = team["policy"]["acuity"]
    needed = 0
    for client in team["clients"]:
        level = levels[client["acuity"]]
        visits = client.get("visits_per_week", level["visits_per_week"])
        minutes = client.get("visit_minutes", level["visit_minutes"])
        needed += visits * (minutes + 25) * (2 if client.get("paired") else 1)
    assert needed < 0.75 * sum(_weekly_minutes(team, s) for s in team["staff"])


def _weekly_minutes(team: dict, member: dict) -> int:
    """A staff member's working minutes in a week without holidays or leave: fixed shifts minus
    breaks; for a contract, the fewest of its shortest shifts that reach its least minutes."""
    rule = team["policy"].get("breaks")

    def working(start: str, end: str) -> int:
        length = _minutes(end) - _minutes(start)
        return length - (rule["minutes"] if rule and length > rule["after_minutes"] else 0)

    if "contract" not in member:
        return sum(working(*span) for day, span in member["shifts"].items() if day != "holiday")
    types = team["policy"]["shift_types"]
    shift = min(working(types[t]["start"], types[t]["end"]) for t in member["contract"]["shift_types"])
    return shift * math.ceil(member["contract"]["minutes_per_week"][0] / shift)


def test_standard_team_has_a_realistic_act_mix() -> None:
    """The standard team has the disciplines, languages and special cases of a real ACT team."""
    team = team_file("standard")
    disciplines = Counter(s["discipline"] for s in team["staff"])
    clients = team["clients"]
    assert disciplines["psychiatrist"] == 1 and disciplines["nurse"] >= 2
    assert disciplines["team_leader"] == 1
    assert 3 <= sum("es" in s["languages"] for s in team["staff"]) <= 4
    assert 10 <= sum(c.get("language") == "es" for c in clients) <= 20
    assert 2 <= sum(bool(c.get("paired")) for c in clients) <= 3
    assert 20 <= sum("primary" not in c for c in clients) <= 40
    assert any("availability" not in c for c in clients)
    assert any(s.get("leave") for s in team["staff"])
    # Weekends are rostered: every contracted staff member may work them, nobody on fixed hours does.
    assert sum("weekend" in s.get("contract", {}).get("shift_types", ()) for s in team["staff"]) == 8
    assert not any({"sat", "sun"} & set(s.get("shifts", {})) for s in team["staff"])
    assert any(r.get("skill") == "lai_injection" for c in clients for r in c.get("requirements", []))
    assert any(c.get("excluded_staff") for c in clients)


@pytest.mark.parametrize("size", SIZES)
def test_fixture_loads_with_the_team_file_loader(size: str) -> None:
    """The committed fixtures pass the FORMATS.md loader."""
    formats.load_team(fixture_file(size).read_bytes())


# Part B (rostered shifts): the generator's contracts, coverage and evening clients. Built with
# part_b=True, so they test the generator whichever teams the committed fixtures roster.
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKS = 8


@cache
def _rostered(size: str) -> dict:
    return generate_team(size, part_b=True)


def _holidays(team: dict) -> set[str]:
    return {h["date"] for h in team["policy"].get("holidays", [])}


def _day_name(team: dict, day: date) -> str:
    return "holiday" if day.isoformat() in _holidays(team) else DAY_NAMES[day.weekday()]


def _leave_overlaps(member: dict, day: date, start: str, end: str) -> bool:
    begin, finish = f"{day}T{start}", f"{day}T{end}"
    return any(p["start"] < finish and begin < p["end"] for p in member.get("leave", ()))


def _employed(member: dict, day: date) -> bool:
    return member.get("employed_from", "") <= day.isoformat() < member.get("employed_until", "9999")


def _shift_options(team: dict, member: dict, day: date) -> list[tuple[str, str, str]]:
    """(type, start, end) a contracted staff member may work on a date (FORMATS.md H18)."""
    contract, name = member["contract"], _day_name(team, day)
    weekday = DAY_NAMES[day.weekday()]
    if (
        not _employed(member, day)
        or name in contract.get("days_off", ())
        or weekday in contract.get("days_off", ())
    ):
        return []
    options = []
    for type_name in contract["shift_types"]:
        shift = team["policy"]["shift_types"][type_name]
        if name in shift.get("days", DAY_NAMES) and not _leave_overlaps(
            member, day, shift["start"], shift["end"]
        ):
            options.append((type_name, shift["start"], shift["end"]))
    return options


def _fixed_window(team: dict, member: dict, day: date) -> tuple[str, str] | None:
    window = member.get("shifts", {}).get(_day_name(team, day))
    if window is None or not _employed(member, day) or _leave_overlaps(member, day, *window):
        return None
    return window[0], window[1]


@pytest.mark.parametrize("size", VERSION_2)
def test_part_b_leaves_the_rest_of_the_team_as_it_was(size: str) -> None:
    """Part B draws from its own stream: the team underneath is the one without it, but for the
    contracted staff's hours and a few clients who became evening-only."""
    plain, rostered = generate_team(size, part_b=False), _rostered(size)
    assert plain["format"] == rostered["format"] == "actplanner/team@2"
    added = set(rostered["policy"]) - set(plain["policy"])
    # The agency's four teams meet at their own offices, which one team file cannot say.
    meeting = {"team_meeting"} if size == "standard" else set()
    assert added == {"holidays", "shift_types", "coverage", "breaks"} | meeting
    for before, after in zip(plain["staff"], rostered["staff"], strict=True):
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        assert changed <= {"shifts", "contract"}
        assert ("contract" in after) == ("shifts" not in after)
    for before, after in zip(plain["clients"], rostered["clients"], strict=True):
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        assert changed <= {"availability"}
    assert generate_team("small", part_b=True) == generate_team("small")


@pytest.mark.parametrize("size", VERSION_2)
def test_about_three_in_five_staff_are_on_contracts(size: str) -> None:
    """~60% of staff are rostered; prescribers, team leaders and one weekday nurse per area keep
    fixed hours, so every weekday morning has a prescriber and a nurse."""
    team = _rostered(size)
    contracted = [s for s in team["staff"] if "contract" in s]
    assert 0.55 <= len(contracted) / len(team["staff"]) <= 0.7
    fixed = {s["discipline"] for s in team["staff"] if "contract" not in s}
    assert {"psychiatrist", "team_leader", "nurse"} <= fixed
    for s in contracted:
        assert s["discipline"] not in ("psychiatrist", "nurse_practitioner", "team_leader")
        assert s["contract"]["shift_types"] in (["day", "late", "weekend"], ["day", "weekend"])
    assert sum(bool(s["contract"].get("days_off")) for s in contracted) >= 2
    assert sum(bool(s["contract"].get("requests")) for s in contracted) >= 3
    formats.load_team(team_json(team))


def _reachable(shifts: int, least: int, most: int, days: int, credit: int) -> bool:
    """Whether some number of 480-minute shifts, at most ``days`` of the ``shifts`` open, plus the
    credit lies inside [least, most]."""
    return any(least <= 480 * k + credit <= most for k in range(min(days, shifts) + 1))


def _day_off(member: dict, team: dict, day: date) -> bool:
    off = member["contract"].get("days_off", ())
    return _day_name(team, day) in off or DAY_NAMES[day.weekday()] in off


def _on_leave_all_day(member: dict, day: date) -> bool:
    begin, end = f"{day}T00:00", f"{day + timedelta(days=1)}T00:00"
    return any(p["start"] <= begin and end <= p["end"] for p in member.get("leave", ()))


@pytest.mark.parametrize("size", VERSION_2)
def test_every_contract_can_reach_its_hours_every_week(size: str) -> None:
    """In each of the 8 weeks, every contracted staff member can work within minutes_per_week
    and max_days_per_week (holidays not worked and days wholly on leave credit their share), and
    in no 4 weeks do more than max_weekends_per_4_weeks of them need a weekend shift for it."""
    team = _rostered(size)
    for member in (s for s in team["staff"] if "contract" in s):
        contract = member["contract"]
        least, most = contract["minutes_per_week"]
        days = contract["max_days_per_week"]
        needs_weekend = []
        for week in range(WEEKS):
            dates = [demo_data.WEEK_START + timedelta(days=7 * week + d) for d in range(7)]
            if not all(_employed(member, d) for d in dates):
                needs_weekend.append(False)  # Joins or leaves this week: owed less.
                continue
            # Holidays are taken as not worked (the most credit); days off earn none.
            credit = sum(
                least // days
                for d in dates
                if not _day_off(member, team, d)
                and (d.isoformat() in _holidays(team) or _on_leave_all_day(member, d))
            )
            weekdays = [d for d in dates if d.weekday() < 5 and _shift_options(team, member, d)]
            weekend = [d for d in dates if d.weekday() >= 5 and _shift_options(team, member, d)]
            reach = (least, most, days, credit)
            assert _reachable(len(weekdays) + len(weekend), *reach), (member["id"], week)
            needs_weekend.append(not _reachable(len(weekdays), *reach))
        limit = contract["max_weekends_per_4_weeks"]
        for first in range(WEEKS - 3):
            assert sum(needs_weekend[first : first + 4]) <= limit, (member["id"], first)


@pytest.mark.parametrize("size", VERSION_2)
def test_coverage_is_within_reach_every_day(size: str) -> None:
    """At every half hour of every coverage window of the 8 weeks, enough staff could be working
    (fixed hours, or a contract's shift that day), with the nurses asked for; and 4 weekends'
    cover fits in the weekends the contracts allow, even with nobody working both days of one."""
    team = _rostered(size)
    policy = team["policy"]
    for offset in range(7 * WEEKS):
        day = demo_data.WEEK_START + timedelta(days=offset)
        name = _day_name(team, day)
        for need in (c for c in policy["coverage"] if name in c["days"]):
            for t in range(_minutes(need["start"]), _minutes(need["end"]), 30):
                able = [
                    s
                    for s in team["staff"]
                    if any(
                        _minutes(a) <= t < _minutes(b)
                        for a, b in (
                            [w for _, *w in _shift_options(team, s, day)]
                            if "contract" in s
                            else [w for w in [_fixed_window(team, s, day)] if w]
                        )
                    )
                ]
                assert len(able) >= need["min_staff"], (day, t // 60)
                for discipline, least in need.get("min_by_discipline", {}).items():
                    assert sum(s["discipline"] == discipline for s in able) >= least, (day, t // 60)
    # Even with nobody working both days of a weekend (a roster chosen week by week need not
    # pair them), 4 weekends' cover fits in the weekends the contracts allow.
    weekend_need = next(c["min_staff"] for c in policy["coverage"] if "sat" in c["days"])
    weekenders = [s for s in team["staff"] if "weekend" in s.get("contract", {}).get("shift_types", ())]
    assert 4 * 2 * weekend_need <= sum(s["contract"]["max_weekends_per_4_weeks"] for s in weekenders)


@pytest.mark.parametrize("size", VERSION_2)
def test_some_clients_are_seen_only_in_the_evening(size: str) -> None:
    """A few clients are available on weekday evenings only, after every fixed shift ends, so
    only a late shift reaches them; they have nothing due that would need a fixed staff member."""
    team = _rostered(size)
    evening = [
        c
        for c in team["clients"]
        if c.get("availability") and all(w[0] >= "17:00" for ws in c["availability"].values() for w in ws)
    ]
    assert 3 <= len(evening) <= 16
    assert all(not c.get("requirements") and not c.get("paired") for c in evening)
    assert all(e <= "17:00" for s in team["staff"] for _, e in s.get("shifts", {}).values())
    late = team["policy"]["shift_types"]["late"]
    assert all(
        late["start"] <= w[0] and w[1] <= late["end"]
        for c in evening
        for ws in c["availability"].values()
        for w in ws
    )
