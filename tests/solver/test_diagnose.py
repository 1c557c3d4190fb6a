"""An unmet entry says its cause and what would fix it (issue 13, item 5): the language, the
excluded-staff list or the working days, when one of them leaves nobody to make the visit."""

from __future__ import annotations

from solver.diagnose import cause
from solver.greedy import fill
from solver.problem import DisciplineRequirement, SkillRequirement
from tests.solver.test_greedy import schedule_for
from tests.support.solver_factories import (
    make_client,
    make_problem,
    make_staff,
    rules_team_doc,
    shift,
    solve_checked,
)

PSYCHIATRIST = DisciplineRequirement("psychiatrist", 1)


def _unmet_h4(problem) -> list[str]:  # noqa: ANN001
    return [u.detail for u in fill(schedule_for(problem), problem.clients) if u.rule == "H4"]


def test_the_only_psychiatrist_does_not_speak_the_clients_language() -> None:
    problem = make_problem(
        staff=[make_staff("s-cm1", languages=frozenset({"en", "es"})), make_staff("s-md1", "psychiatrist")],
        clients=[make_client("c-1", language="es", discipline_requirements=(PSYCHIATRIST,))],
    )
    assert _unmet_h4(problem) == [
        "fewer than 1 visits by a psychiatrist could be placed: the only psychiatrist (s-md1) does not "
        "speak Spanish (es): a Spanish-speaking prescriber, or an interpreter noted on the client, "
        "would fix it"
    ]


def test_a_psychiatrist_who_speaks_the_language_makes_the_visit() -> None:
    problem = make_problem(
        staff=[make_staff("s-md1", "psychiatrist", languages=frozenset({"en", "es"}))],
        clients=[make_client("c-1", language="es", discipline_requirements=(PSYCHIATRIST,))],
    )
    assert _unmet_h4(problem) == []
    assert cause(problem, problem.clients[0], discipline="psychiatrist") is None


def test_nobody_with_the_skill_works_the_clients_days() -> None:
    """The nurse works Monday and Tuesday; the client is available Wednesday to Friday."""
    nurse = make_staff(
        "s-rn1", "nurse", skills=frozenset({"lai_injection"}), shifts={0: shift(0), 1: shift(1)}
    )
    weekdays = make_client("c-1").availability
    client = make_client(
        "c-1",
        availability={d: w for d, w in weekdays.items() if d >= 2},
        skill_requirements=(SkillRequirement("lai_injection", (2, 3, 4)),),
    )
    problem = make_problem(staff=[make_staff("s-cm1"), nurse], clients=[client])
    assert _unmet_h4(problem) == [
        "no visit by a staff member with skill lai_injection could be placed in the due window: the only "
        "staff member with skill lai injection who may see them (s-rn1) works only mon, tue, and the "
        "client is available on wed–fri: a shift on one of the client's days, or availability when "
        "they work, would fix it"
    ]


def test_the_only_psychiatrist_is_excluded() -> None:
    problem = make_problem(
        staff=[make_staff("s-cm1"), make_staff("s-md1", "psychiatrist")],
        clients=[
            make_client("c-1", excluded_staff=frozenset({"s-md1"}), discipline_requirements=(PSYCHIATRIST,))
        ],
    )
    assert _unmet_h4(problem) == [
        "fewer than 1 visits by a psychiatrist could be placed: the only psychiatrist (s-md1) is on the "
        "client's excluded-staff list: another psychiatrist, or taking s-md1 off that list, would fix it"
    ]


def test_a_team_without_the_discipline_and_a_busy_one() -> None:
    problem = make_problem(
        staff=[make_staff("s-cm1")], clients=[make_client("c-1", discipline_requirements=(PSYCHIATRIST,))]
    )
    assert cause(problem, problem.clients[0], discipline="psychiatrist") == (
        "the team has no psychiatrist: adding one to the team file would fix it"
    )
    # Someone may see them on their days: the cause is the week, not the team file.
    assert cause(problem, problem.clients[0], days=[0, 1]) is None


def test_a_client_nobody_may_visit_says_so_in_the_visit_count() -> None:
    problem = make_problem(staff=[make_staff("s-cm1")], clients=[make_client("c-1", language="pl")])
    (unmet,) = fill(schedule_for(problem), problem.clients)
    assert unmet.rule == "H1"
    assert unmet.detail == (
        "0 of 1 visits: the only staff member (s-cm1) does not speak Polish (pl): a Polish-speaking "
        "staff member, or an interpreter noted on the client, would fix it"
    )


def test_the_whole_solve_says_why_a_spanish_speaking_client_has_no_psychiatrist_visit() -> None:
    """Team file → adapter → engine → plan file: the unmet entry names the cause and the fix."""
    doc = rules_team_doc()
    next(c for c in doc["clients"] if c["id"] == "c-3")["language"] = "es"
    plan, _ = solve_checked(doc)
    assert [u for u in plan["unmet"] if u["rule"] == "H4"] == [
        {
            "client": "c-3",
            "rule": "H4",
            "detail": "fewer than 1 visits by a psychiatrist could be placed: the only psychiatrist (s-md1) "
            "does not speak Spanish (es): a Spanish-speaking prescriber, or an interpreter noted on the "
            "client, would fix it",
        }
    ]
