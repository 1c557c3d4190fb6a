"""Cheapest insertion (H1 counts, H2 spacing, H4 requirements, H5 pairs) on hand-built
problems, and each rule's pair through the whole plan path."""

from __future__ import annotations

from datetime import date

from solver.greedy import best_placement, difficulty, fill, place_client, purpose_of, requirement_tags
from solver.plan import Caseload
from solver.problem import DisciplineRequirement, SkillRequirement
from solver.schedule import Schedule
from tests.support.solver_factories import (
    make_client,
    make_problem,
    make_staff,
    rules_team_doc,
    solve_checked,
    unmet_rules,
    visits_of,
)


def schedule_for(problem) -> Schedule:  # noqa: ANN001
    """A schedule where every client's ITT is every staff member."""
    everyone = tuple(s.id for s in problem.staff)
    return Schedule(problem, {c.id: Caseload(everyone[0], everyone) for c in problem.clients}, {})


def test_requirement_tags_and_purpose() -> None:
    """Requirements become tags; a visit's purpose names the skill, else the discipline."""
    client = make_client(
        "c",
        skill_requirements=(SkillRequirement("lai_injection", (1, 2)),),
        discipline_requirements=(DisciplineRequirement("psychiatrist", 1),),
    )
    assert requirement_tags(client) == ([("k:lai_injection", (1, 2))], [("d:psychiatrist", 1)])
    assert purpose_of(frozenset({"k:lai_injection", "d:psychiatrist"})) == "lai_injection"
    assert purpose_of(frozenset({"d:psychiatrist"})) == "psychiatrist visit"
    assert purpose_of(frozenset()) == "home visit"


def test_hardest_clients_come_first() -> None:
    """Pairs before singles; few open days for many visits before plenty of slack."""
    pair = make_client("p", paired=True)
    tight = make_client("t", visits_per_week=5)
    easy = make_client("e")
    assert sorted([easy, tight, pair], key=difficulty) == [pair, tight, easy]


def test_the_nearer_staff_member_gets_the_visit() -> None:
    """Travel decides between two equally eligible staff members."""
    problem = make_problem(
        staff=[make_staff("far"), make_staff("near")],
        clients=[make_client("c")],
        at={"far": (100, 0), "near": (10, 0), "c": (0, 0)},
    )
    schedule = schedule_for(problem)
    found = best_placement(schedule, problem.clients[0], 0, frozenset())
    assert found is not None
    _, [(route, _)] = found
    assert route.staff.id == "near"


def test_a_pair_gets_two_staff_at_one_time() -> None:
    """H5: both slots of a paired visit start together."""
    problem = make_problem(staff=[make_staff("a"), make_staff("b")], clients=[make_client("c", paired=True)])
    schedule = schedule_for(problem)
    assert place_client(schedule, problem.clients[0], range(5)) == []
    ((day, (staff, start, _, _)),) = schedule.visits["c"].items()
    assert staff == ("a", "b")
    assert [s.start for s in schedule.routes[("a", day)].slots] == [start]
    assert [s.start for s in schedule.routes[("b", day)].slots] == [start]


def test_visits_keep_the_spacing_and_shortfall_is_explained() -> None:
    """H1, H2: three visits two days apart fit Mon/Wed/Fri; on four open days they cannot."""
    problem = make_problem(
        staff=[make_staff("a")], clients=[make_client("c", visits_per_week=3, min_gap_days=2)]
    )
    schedule = schedule_for(problem)
    assert fill(schedule, problem.clients) == []
    assert sorted(schedule.visits["c"]) == [0, 2, 4]

    four = {d: w for d, w in problem.clients[0].availability.items() if d < 4}
    short = make_problem(
        staff=[make_staff("a")],
        clients=[make_client("c", visits_per_week=3, min_gap_days=2, availability=four)],
    )
    (unmet,) = fill(schedule_for(short), short.clients)
    assert unmet.rule == "H1" and unmet.client == "c"
    assert unmet.detail.startswith("2 of 3 visits")


def test_a_skill_requirement_goes_to_a_staff_member_with_the_skill() -> None:
    """H4: the injection is given by the nurse with the skill, on a day of its window."""
    problem = make_problem(
        staff=[make_staff("cm"), make_staff("rn", "nurse", skills=frozenset({"lai_injection"}))],
        clients=[make_client("c", skill_requirements=(SkillRequirement("lai_injection", (3,)),))],
        at={"cm": (0, 0), "rn": (50, 0)},
    )
    schedule = schedule_for(problem)
    assert fill(schedule, problem.clients) == []
    ((day, (staff, _, _, purpose)),) = schedule.visits["c"].items()
    assert (day, staff, purpose) == (3, ("rn",), "lai_injection")


def test_h1_holds_every_client_gets_its_visits(good):
    """Hard H1: each client has exactly visits_per_week visits on distinct dates."""
    doc, _ = good
    for cid, want in {"c-1": 5, "c-2": 3, "c-3": 3, "c-4": 1, "c-5": 2, "c-6": 3}.items():
        dates = [v["date"] for v in visits_of(doc, cid)]
        assert len(dates) == want and len(set(dates)) == want


def test_h1_broken_reports_the_shortfall():
    """A client open on two weekdays but needing three visits is reported, not overbooked."""
    doc = rules_team_doc()
    doc["clients"][1]["availability"] = {"mon": [["09:00", "17:00"]], "wed": [["09:00", "17:00"]]}
    out, violations = solve_checked(doc)
    assert len(visits_of(out, "c-2")) == 2
    assert "H1" in unmet_rules(out, "c-2")
    assert {v.rule for v in violations} == {"H1"}


def test_h2_holds_moderate_visits_two_days_apart(good):
    """Hard H2: a moderate client's visit dates are at least two days apart."""
    doc, _ = good
    days = sorted(date.fromisoformat(v["date"]) for v in visits_of(doc, "c-3"))
    assert all((b - a).days >= 2 for a, b in zip(days, days[1:], strict=False))


def test_h2_never_broken_to_reach_the_count():
    """Open only Mon–Thu, three visits two days apart cannot fit: one is dropped and reported."""
    doc = rules_team_doc()
    doc["clients"][2]["availability"] = {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu")}
    out, violations = solve_checked(doc)
    assert len(visits_of(out, "c-3")) == 2
    assert "H1" in unmet_rules(out, "c-3")
    assert "H2" not in {v.rule for v in violations}


def test_h4_holds_injection_and_psychiatrist(good):
    """Hard H4: the injection is given by a skilled nurse in its window; the psychiatrist visits."""
    doc, _ = good
    injection = visits_of(doc, "c-4")
    assert any("s-rn1" in v["staff"] and "2026-12-01" <= v["date"] <= "2026-12-03" for v in injection)
    assert any("s-md1" in v["staff"] for v in visits_of(doc, "c-3"))


def test_h4_broken_nurse_on_leave_in_the_window():
    """With the only skilled nurse away over the due window, the plan names the unmet injection."""
    doc = rules_team_doc()
    doc["staff"][0]["leave"] = [{"start": "2026-12-01T00:00", "end": "2026-12-04T00:00"}]
    out, _ = solve_checked(doc)
    assert "H4" in unmet_rules(out, "c-4")


def test_h5_holds_paired_visits_have_two_staff(good):
    """Hard H5: every paired visit has two distinct staff, every other visit one."""
    doc, _ = good
    for v in doc["visits"]:
        assert len(set(v["staff"])) == (2 if v["client"] == "c-5" else 1)


def test_h5_broken_only_one_staff_member_can_go():
    """When only one staff member may see the paired client, the visits are unmet, not single-handed."""
    doc = rules_team_doc()
    doc["clients"][4]["excluded_staff"] = ["s-cm1", "s-cm2", "s-tl1", "s-md1"]
    out, _ = solve_checked(doc)
    assert visits_of(out, "c-5") == []
    assert "H1" in unmet_rules(out, "c-5")
