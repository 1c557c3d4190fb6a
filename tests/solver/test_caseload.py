"""Caseload assignment (H11): primaries and ITTs on hand-built teams."""

from __future__ import annotations

from collections import Counter

from solver.caseload import assign_caseload, capacity
from solver.plan import Caseload
from solver.problem import PRIMARY_DISCIPLINES, DisciplineRequirement, Problem, SkillRequirement
from tests.support.solver_factories import (
    make_client,
    make_policy,
    make_problem,
    make_staff,
    rules_team_doc,
    solve_checked,
)

TIME_LIMIT = 0.5


def small_team(clients: int = 6) -> Problem:
    """Two case managers at opposite ends of town, a nurse, a psychiatrist; clients in between."""
    return make_problem(
        staff=[
            make_staff("cm-west", "case_manager"),
            make_staff("cm-east", "case_manager"),
            make_staff("rn1", "nurse"),
            make_staff("md1", "psychiatrist"),
        ],
        clients=[make_client(f"c{i}") for i in range(clients)],
        at={
            "cm-west": (0, 0),
            "cm-east": (100, 0),
            "rn1": (50, 0),
            "md1": (50, 10),
            **{f"c{i}": (20 * i, 5) for i in range(clients)},
        },
    )


def assert_h11(problem: Problem, caseload: dict[str, Caseload]) -> None:
    staff = problem.staff_by_id
    load = Counter(c.primary for c in caseload.values())
    assert set(caseload) == {c.id for c in problem.clients}
    for entry in caseload.values():
        assert staff[entry.primary].discipline in PRIMARY_DISCIPLINES
        assert 3 <= len(set(entry.itt)) == len(entry.itt) <= 5
        assert entry.primary in entry.itt
    for sid, n in load.items():
        assert n <= capacity(staff[sid], problem.policy)


def test_every_client_gets_a_primary_and_itt_within_capacity() -> None:
    """H11 holds: primaries of a primary discipline, ITTs of 3-5 including the primary."""
    problem = small_team()
    caseload, unmet = assign_caseload(problem, time_limit=TIME_LIMIT)

    assert unmet == []
    assert_h11(problem, caseload)


def test_primary_is_the_nearer_case_manager() -> None:
    """The primary is chosen to keep travel short: west clients go west, east clients east."""
    caseload, _ = assign_caseload(small_team(), time_limit=TIME_LIMIT)

    assert caseload["c0"].primary == "cm-west"
    assert caseload["c5"].primary == "cm-east"


def test_given_primary_and_itt_are_kept_exactly() -> None:
    """H11: a team file's primary and ITT are kept as given, even when others look better."""
    base = small_team()
    clients = list(base.clients)
    clients[0] = make_client("c0", primary="cm-east", itt=("cm-east", "md1", "cm-west"))
    clients[1] = make_client("c1", primary="cm-east")
    clients[2] = make_client("c2", itt=("md1", "rn1", "cm-east", "cm-west"))
    problem = make_problem(staff=list(base.staff), clients=clients)

    caseload, unmet = assign_caseload(problem, time_limit=TIME_LIMIT)

    assert unmet == []
    assert caseload["c0"] == Caseload("cm-east", ("cm-east", "md1", "cm-west"))
    assert caseload["c1"].primary == "cm-east"
    assert caseload["c1"].itt[0] == "cm-east"
    assert caseload["c2"].itt == ("md1", "rn1", "cm-east", "cm-west")
    assert caseload["c2"].primary in {"rn1", "cm-east", "cm-west"}
    assert_h11(problem, caseload)


def test_fte_limits_the_caseload() -> None:
    """H11 holds: a half-time case manager with a limit of 10 is primary for at most 5 clients."""
    problem = make_problem(
        staff=[
            make_staff("half", fte=0.5),
            make_staff("far", fte=1.0),
            make_staff("rn1", "nurse"),
        ],
        clients=[make_client(f"c{i}") for i in range(8)],
        at={"far": (200, 0), "rn1": (200, 0)},
        policy=make_policy(caseload_max_per_staff=10),
    )
    caseload, unmet = assign_caseload(problem, time_limit=TIME_LIMIT)

    assert capacity(problem.staff_by_id["half"], problem.policy) == 5
    assert unmet == []
    assert Counter(c.primary for c in caseload.values())["half"] == 5


def test_given_primaries_count_towards_capacity() -> None:
    """H11 holds: clients given to a full case manager push the rest to someone else."""
    problem = make_problem(
        staff=[make_staff("near", fte=0.2), make_staff("far"), make_staff("rn1", "nurse")],
        clients=[
            make_client("given1", primary="near"),
            make_client("given2", primary="near"),
            make_client("free"),
        ],
        at={"far": (300, 0)},
    )
    caseload, unmet = assign_caseload(problem, time_limit=TIME_LIMIT)

    assert unmet == []
    assert caseload["free"].primary in {"far", "rn1"}


def test_no_room_is_reported_and_caseload_still_given() -> None:
    """H11 impossible: too little capacity names the clients over it and still assigns them."""
    problem = make_problem(
        staff=[make_staff("cm1", fte=0.1), make_staff("md1", "psychiatrist")],
        clients=[make_client(f"c{i}") for i in range(3)],
        at={"md1": (5, 5)},
    )
    caseload, unmet = assign_caseload(problem, time_limit=TIME_LIMIT)

    assert {c.primary for c in caseload.values()} == {"cm1"}
    over = [u for u in unmet if "above the limit of 1" in u.detail]
    assert len(over) == 2
    assert all(u.rule == "H11" and u.detail.startswith("No primary within capacity") for u in over)


def test_too_small_team_for_an_itt_is_reported() -> None:
    """H11 impossible: with two staff an ITT of three cannot be built, and the plan says so."""
    problem = make_problem(
        staff=[make_staff("cm1"), make_staff("rn1", "nurse")],
        clients=[make_client("c0")],
    )
    caseload, unmet = assign_caseload(problem, time_limit=TIME_LIMIT)

    assert caseload["c0"].itt == ("cm1", "rn1")
    assert [(u.rule, u.client) for u in unmet] == [("H11", "c0")]
    assert "only 2 staff" in unmet[0].detail


def test_given_itt_without_a_possible_primary_is_reported() -> None:
    """H11 impossible: an ITT of prescribers and specialists only has no one who can be primary."""
    problem = make_problem(
        staff=[
            make_staff("md1", "psychiatrist"),
            make_staff("np1", "nurse_practitioner"),
            make_staff("md2", "psychiatrist"),
            make_staff("cm1"),
        ],
        clients=[make_client("c0", itt=("md1", "np1", "md2"))],
    )
    caseload, unmet = assign_caseload(problem, time_limit=TIME_LIMIT)

    assert caseload["c0"].itt == ("md1", "np1", "md2")
    assert caseload["c0"].primary in {"md1", "np1", "md2"}
    assert [u.rule for u in unmet] == ["H11"]


def test_language_and_exclusions_are_respected() -> None:
    """The primary speaks the client's language; excluded staff are never on the ITT."""
    problem = make_problem(
        staff=[
            make_staff("cm-en"),
            make_staff("cm-es", languages=frozenset({"en", "es"})),
            make_staff("rn1", "nurse", languages=frozenset({"es"})),
            make_staff("rn2", "nurse", languages=frozenset({"es"})),
            make_staff("sw1", "social_worker", languages=frozenset({"es"})),
        ],
        clients=[make_client("c0", language="es", excluded_staff=frozenset({"rn1"}))],
        at={"cm-es": (50, 0), "rn2": (60, 0), "sw1": (70, 0)},
    )
    caseload, unmet = assign_caseload(problem, time_limit=TIME_LIMIT)

    assert unmet == []
    assert caseload["c0"].primary == "cm-es"
    assert "rn1" not in caseload["c0"].itt
    assert set(caseload["c0"].itt) == {"cm-es", "rn2", "sw1"}


def test_itt_includes_staff_the_requirements_need() -> None:
    """The ITT holds the psychiatrist and an injection-trained nurse when the client needs them."""
    problem = make_problem(
        staff=[
            make_staff("cm1"),
            make_staff("cm2"),
            make_staff("rn-near", "nurse"),
            make_staff("rn-lai", "nurse", skills=frozenset({"lai_injection"})),
            make_staff("md1", "psychiatrist"),
        ],
        clients=[
            make_client(
                "c0",
                discipline_requirements=(DisciplineRequirement("psychiatrist", 1),),
                skill_requirements=(SkillRequirement("lai_injection", (2,)),),
            )
        ],
        at={"rn-lai": (80, 0), "md1": (90, 0)},
    )
    caseload, unmet = assign_caseload(problem, time_limit=TIME_LIMIT)

    assert unmet == []
    assert {"md1", "rn-lai"} <= set(caseload["c0"].itt)
    assert len(caseload["c0"].itt) == 3


def test_intensive_clients_get_a_larger_itt() -> None:
    """A client seen daily gets an ITT of four; a weekly client gets three."""
    problem = make_problem(
        staff=[make_staff(f"cm{i}") for i in range(4)] + [make_staff("rn1", "nurse")],
        clients=[make_client("daily", visits_per_week=5), make_client("weekly")],
    )
    caseload, _ = assign_caseload(problem, time_limit=TIME_LIMIT)

    assert len(caseload["daily"].itt) == 4
    assert len(caseload["weekly"].itt) == 3


def test_same_seed_same_caseload() -> None:
    """Determinism: the same problem and seed give the same caseload."""
    problem = small_team(clients=12)
    first = assign_caseload(problem, seed=5, time_limit=TIME_LIMIT)
    assert assign_caseload(problem, seed=5, time_limit=TIME_LIMIT) == first


def test_h11_holds_given_itt_kept_and_missing_ones_assigned(good):
    """Hard H11: the given ITT is kept; every other client gets a primary and 3–5 ITT members."""
    doc, _ = good
    assert doc["caseload"]["c-6"] == {"primary": "s-cm1", "itt": ["s-cm1", "s-rn1", "s-tl1"]}
    for load in doc["caseload"].values():
        assert 3 <= len(set(load["itt"])) <= 5 and load["primary"] in load["itt"]


def test_h11_broken_caseload_cap_too_small():
    """With a cap of one client per staff member, six clients overflow it: reported as H11."""
    doc = rules_team_doc()
    doc["policy"]["caseload_max_per_staff"] = 1
    out, _ = solve_checked(doc, greedy=True)
    assert any(u["rule"] == "H11" for u in out["unmet"])
