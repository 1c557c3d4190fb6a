"""Tests for the committed sample teams and the generator that makes them."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from actplanner.domain import formats
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
    """Visit minutes plus 25 minutes of travel per visit stay under 75% of working minutes."""
    team = team_file(size)
    levels = team["policy"]["acuity"]
    needed = 0
    for client in team["clients"]:
        level = levels[client["acuity"]]
        visits = client.get("visits_per_week", level["visits_per_week"])
        minutes = client.get("visit_minutes", level["visit_minutes"])
        needed += visits * (minutes + 25) * (2 if client.get("paired") else 1)
    working = sum(
        _minutes(end) - _minutes(start) for s in team["staff"] for start, end in s["shifts"].values()
    )
    assert needed < 0.75 * working


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
    assert sum("sat" in s["shifts"] and "sun" in s["shifts"] for s in team["staff"]) == 2
    assert any(r.get("skill") == "lai_injection" for c in clients for r in c.get("requirements", []))
    assert any(c.get("excluded_staff") for c in clients)


@pytest.mark.parametrize("size", SIZES)
def test_fixture_loads_with_the_team_file_loader(size: str) -> None:
    """The committed fixtures pass the FORMATS.md loader."""
    formats.load_team(fixture_file(size).read_bytes())
