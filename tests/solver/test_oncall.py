"""The on-call rota (H9, H10 consecutive limit, soft goal 5) on hand-built teams."""

from __future__ import annotations

from collections import Counter

from solver.oncall import build_on_call, period, primary_by_day
from solver.plan import OnCallPeriod
from solver.problem import DAY, DAYS, OnCallRole, Problem, Window
from tests.support.solver_factories import (
    make_policy,
    make_problem,
    make_staff,
    rules_team_doc,
    solve_checked,
    unmet_rules,
)

TIME_LIMIT = 0.5
PRIMARY_ONLY = (OnCallRole("primary", frozenset({"nurse", "social_worker", "case_manager", "team_leader"})),)


def full_team() -> Problem:
    """Four primaries, a team leader and a nurse who can back up, one psychiatrist prescriber."""
    return make_problem(
        staff=[
            make_staff("cm1", "case_manager", on_call_roles=frozenset({"primary"})),
            make_staff("cm2", "case_manager", on_call_roles=frozenset({"primary"})),
            make_staff("sw1", "social_worker", on_call_roles=frozenset({"primary"})),
            make_staff("rn1", "nurse", on_call_roles=frozenset({"primary", "backup"})),
            make_staff("tl1", "team_leader", on_call_roles=frozenset({"backup"})),
            make_staff("md1", "psychiatrist", on_call_roles=frozenset({"prescriber"})),
        ]
    )


def primaries_only(*ids: str, max_consecutive: int = 2) -> Problem:
    """A team whose policy has only the primary role, held by the given case managers."""
    return make_problem(
        staff=[make_staff(sid, on_call_roles=frozenset({"primary"})) for sid in ids],
        policy=make_policy(on_call_roles=PRIMARY_ONLY, max_consecutive=max_consecutive),
    )


def holders(periods: tuple[OnCallPeriod, ...], role: str) -> dict[int, str]:
    return {p.start // DAY: p.staff for p in periods if p.role == role}


def longest_run(by_day: dict[int, str]) -> int:
    best = run = 0
    for day in range(DAYS):
        run = run + 1 if day > 0 and by_day.get(day) == by_day.get(day - 1) else 1
        best = max(best, run)
    return best


def test_every_period_has_one_eligible_holder_per_role() -> None:
    """H9 holds: each day has exactly one primary, backup and prescriber, on the exact bounds."""
    problem = full_team()
    periods, unmet, _ = build_on_call(problem, time_limit=TIME_LIMIT)

    assert unmet == []
    staff = problem.staff_by_id
    roles = {r.name: r for r in problem.policy.on_call_roles}
    for day in range(DAYS):
        window = period(problem.policy, day)
        today = [p for p in periods if p.start == window.start]
        assert sorted(p.role for p in today) == ["backup", "prescriber", "primary"]
        for p in today:
            assert p.end == window.end
            assert p.role in staff[p.staff].on_call_roles
            assert staff[p.staff].discipline in roles[p.role].disciplines
        by_role = {p.role: p.staff for p in today}
        assert by_role["primary"] != by_role["backup"]


def test_staff_on_leave_hold_no_overlapping_period() -> None:
    """H9 holds: with the psychiatrist on leave Wednesday, the nurse practitioner prescribes."""
    problem = make_problem(
        staff=[
            make_staff("cm1", on_call_roles=frozenset({"primary"})),
            make_staff("cm2", on_call_roles=frozenset({"primary"})),
            make_staff(
                "md1",
                "psychiatrist",
                on_call_roles=frozenset({"prescriber"}),
                leave=(Window(2 * DAY, 3 * DAY),),
            ),
            make_staff("np1", "nurse_practitioner", on_call_roles=frozenset({"prescriber"})),
        ],
        policy=make_policy(on_call_roles=(PRIMARY_ONLY[0], make_policy().on_call_roles[2])),
    )
    periods, unmet, _ = build_on_call(problem, time_limit=TIME_LIMIT)

    assert unmet == []
    prescriber = holders(periods, "prescriber")
    # The leave day overlaps both the period starting Tuesday and the one starting Wednesday.
    assert prescriber[1] == "np1"
    assert prescriber[2] == "np1"


def test_role_nobody_can_hold_is_reported() -> None:
    """H9 impossible: with the only prescriber on leave, Wednesday's prescriber period is unmet."""
    problem = make_problem(
        staff=[
            make_staff("cm1", on_call_roles=frozenset({"primary"})),
            make_staff("rn1", "nurse", on_call_roles=frozenset({"primary", "backup"})),
            make_staff("tl1", "team_leader", on_call_roles=frozenset({"backup"})),
            make_staff(
                "md1",
                "psychiatrist",
                on_call_roles=frozenset({"prescriber"}),
                leave=(Window(2 * DAY + 600, 2 * DAY + 900),),
            ),
        ]
    )
    periods, unmet, _ = build_on_call(problem, time_limit=TIME_LIMIT)

    assert [(u.rule, u.client) for u in unmet] == [("H9", None)]
    assert unmet[0].detail.startswith("No one can be prescriber on call on Wednesday")
    assert 2 not in holders(periods, "prescriber")
    assert len(holders(periods, "prescriber")) == DAYS - 1
    assert len(holders(periods, "primary")) == DAYS


def test_backup_who_would_also_be_primary_is_reported() -> None:
    """H9 impossible: when the only backup is the only primary, backup is left out and reported."""
    problem = make_problem(
        staff=[make_staff("rn1", "nurse", on_call_roles=frozenset({"primary", "backup"}))],
        policy=make_policy(on_call_roles=make_policy().on_call_roles[:2], max_consecutive=DAYS),
    )
    periods, unmet, _ = build_on_call(problem, time_limit=TIME_LIMIT)

    assert holders(periods, "primary") == dict.fromkeys(range(DAYS), "rn1")
    assert holders(periods, "backup") == {}
    assert len(unmet) == DAYS
    assert all(u.rule == "H9" and "already primary" in u.detail for u in unmet)


def test_no_one_is_primary_beyond_the_consecutive_limit() -> None:
    """H10 holds: two primaries with a limit of one period alternate all week."""
    periods, unmet, _ = build_on_call(primaries_only("a", "b", max_consecutive=1))

    assert unmet == []
    assert longest_run(holders(periods, "primary")) == 1


def test_consecutive_limit_that_cannot_hold_is_reported() -> None:
    """H10 impossible: a lone primary covers every period and the run is reported, not hidden."""
    periods, unmet, _ = build_on_call(primaries_only("a", max_consecutive=2))

    assert holders(periods, "primary") == dict.fromkeys(range(DAYS), "a")
    assert [u.rule for u in unmet] == ["H10"]
    assert "7 periods in a row, Monday to Sunday" in unmet[0].detail


def test_primary_periods_and_weekends_are_spread_evenly() -> None:
    """Soft goal 5: seven periods over four people differ by at most one; weekends go to two."""
    periods, unmet, penalties = build_on_call(primaries_only("a", "b", "c", "d"))

    primary = holders(periods, "primary")
    counts = Counter(primary.values())
    assert unmet == []
    assert set(counts) == {"a", "b", "c", "d"}
    assert max(counts.values()) - min(counts.values()) <= 1
    assert primary[5] != primary[6]
    assert penalties == []


def test_unavoidable_imbalance_is_a_labelled_penalty() -> None:
    """Soft goal 5: someone on leave all but one day costs a labelled fairness penalty."""
    problem = make_problem(
        staff=[
            make_staff("a", on_call_roles=frozenset({"primary"})),
            make_staff("b", on_call_roles=frozenset({"primary"})),
            make_staff("c", on_call_roles=frozenset({"primary"}), leave=(Window(DAY + 510, 8 * DAY),)),
        ],
        policy=make_policy(on_call_roles=PRIMARY_ONLY, max_consecutive=3),
    )
    periods, unmet, penalties = build_on_call(problem)

    assert unmet == []
    assert holders(periods, "primary")[0] == "c"
    assert penalties
    assert all(p.goal == "5 fair on-call" and "on-call primary" in p.label for p in penalties)


def test_replan_keeps_the_baseline_rota() -> None:
    """Re-plan: an unchanged team keeps its previous rota, even where fairness would differ."""
    problem = primaries_only("a", "b", "c", max_consecutive=3)
    baseline = tuple(
        OnCallPeriod("primary", sid, w.start, w.end)
        for day, sid in enumerate("aabbaab")
        for w in (period(problem.policy, day),)
    )
    periods, unmet, penalties = build_on_call(problem, baseline=baseline)

    assert unmet == []
    assert periods == baseline
    assert not any(p.label.startswith("changed") for p in penalties)


def test_replan_changes_only_what_leave_forces() -> None:
    """Re-plan: a new leave changes that one period, labelled "changed on-call period"."""
    plain = primaries_only("a", "b", "c")
    baseline, _, _ = build_on_call(plain)
    day = 3
    leaver = holders(baseline, "primary")[day]
    leave = (Window(day * DAY + 720, day * DAY + 780),)
    problem = make_problem(
        staff=[
            make_staff(s.id, on_call_roles=s.on_call_roles, leave=leave if s.id == leaver else ())
            for s in plain.staff
        ],
        policy=plain.policy,
    )
    periods, unmet, penalties = build_on_call(problem, baseline=baseline)

    before, after = holders(baseline, "primary"), holders(periods, "primary")
    assert unmet == []
    assert after[day] != leaver
    assert [d for d in range(DAYS) if before[d] != after[d]] == [day]
    assert [p.label for p in penalties if p.label.startswith("changed")] == [
        f"changed on-call period (primary, Thursday, was {leaver})"
    ]


def test_same_seed_same_rota() -> None:
    """Determinism: the same problem and seed give the same rota."""
    problem = full_team()
    assert build_on_call(problem, seed=3) == build_on_call(problem, seed=3)


def test_primary_by_day_maps_period_start_to_holder() -> None:
    """H10 support: the primary period starting on day d is found under key d."""
    periods, _, _ = build_on_call(full_team(), time_limit=TIME_LIMIT)

    by_day = primary_by_day(periods)
    assert by_day == holders(periods, "primary")
    assert set(by_day) == set(range(DAYS))


def test_h9_holds_every_period_has_each_role(good):
    """Hard H9: seven periods, each with one primary, backup and prescriber; primary ≠ backup."""
    doc, _ = good
    for role in ("primary", "backup", "prescriber"):
        assert len([p for p in doc["on_call"] if p["role"] == role]) == 7
    by_start: dict[str, dict[str, str]] = {}
    for p in doc["on_call"]:
        by_start.setdefault(p["start"], {})[p["role"]] = p["staff"]
    assert all(roles["primary"] != roles["backup"] for roles in by_start.values())


def test_h9_broken_prescriber_on_leave():
    """With the only prescriber on leave on Wednesday, the uncovered period is named in unmet."""
    doc = rules_team_doc()
    doc["staff"][4]["leave"] = [{"start": "2026-12-02T00:00", "end": "2026-12-03T00:00"}]
    out, _ = solve_checked(doc)
    assert "H9" in unmet_rules(out)


def test_h10_holds_rest_after_a_night_on_call(good):
    """Hard H10: whoever was primary overnight starts no visit before 10:00 the next day."""
    doc, _ = good
    for p in doc["on_call"]:
        if p["role"] != "primary":
            continue
        next_day = p["end"][:10]
        early = [
            v
            for v in doc["visits"]
            if p["staff"] in v["staff"] and v["date"] == next_day and v["start"] < "10:00"
        ]
        assert early == []


def test_h10_broken_a_single_primary():
    """With one primary-eligible staff member, the consecutive limit is reported, not hidden."""
    doc = rules_team_doc()
    for member in doc["staff"][1:3]:
        member["on_call_roles"] = []
    out, _ = solve_checked(doc)
    assert "H10" in unmet_rules(out)
