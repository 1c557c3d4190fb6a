"""The on-call history the adapter hands the solver: the plans of record's periods in the
planned week's minutes, who could hold each, and fairness_weeks (FORMATS.md, "History")."""

from __future__ import annotations

from datetime import date, timedelta

from actplanner.checker import check
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_plan, load_team
from actplanner.domain.history import History
from actplanner.domain.on_call_history import on_call_history
from solver import SolveParams, solve
from solver.problem import DAY
from tests.support.solver_factories import rules_team_doc, staff_doc

WEEK = date(2026, 11, 30)
HANDOFF = 8 * 60 + 30


def record(week: date, primaries: list[str], backups: list[str] | None = None) -> dict:
    def periods(role: str, holders: list[str]) -> list[dict]:
        return [
            {
                "role": role,
                "staff": sid,
                "start": f"{week + timedelta(days=d)}T08:30",
                "end": f"{week + timedelta(days=d + 1)}T08:30",
            }
            for d, sid in enumerate(holders)
        ]

    return {
        "format": "actplanner/plan@1",
        "team": "t",
        "week_start": str(week),
        "visits": [],
        "on_call": periods("primary", primaries) + periods("backup", backups or []),
        "caseload": {},
    }


def history(*docs: dict) -> History:
    return History(plans={date.fromisoformat(d["week_start"]): load_plan(d) for d in docs})


CM = ["s-cm1", "s-cm2"] * 3 + ["s-rn1"]


def test_periods_are_in_the_planned_weeks_minutes() -> None:
    team = load_team(rules_team_doc())
    found = on_call_history(team, history(record(WEEK - timedelta(days=7), CM)), WEEK)

    assert found is not None and found.fairness_weeks == 8
    sunday = [p for p in found.periods if p.start == -DAY + HANDOFF]
    assert [(p.role, p.staff, p.end) for p in sunday] == [("primary", "s-rn1", HANDOFF)]
    assert len(found.periods) == 7


def test_staff_on_leave_could_not_hold_the_periods_their_leave_overlaps() -> None:
    doc = rules_team_doc()
    doc["staff"][1] = staff_doc(
        "s-cm1", on_call_roles=["primary"], leave=[{"start": "2026-11-25T00:00", "end": "2026-11-26T00:00"}]
    )
    found = on_call_history(load_team(doc), history(record(WEEK - timedelta(days=7), CM)), WEEK)

    assert found is not None
    could = {(role, start): ids for role, start, ids in found.could_hold}
    tuesday, wednesday, thursday = (-DAY * (7 - d) + HANDOFF for d in (1, 2, 3))
    # Leave all Wednesday overlaps Tuesday's period (to Wednesday 08:30) and Wednesday's.
    assert "s-cm1" not in could["primary", tuesday] and "s-cm1" not in could["primary", wednesday]
    assert could["primary", thursday] == frozenset({"s-rn1", "s-cm1", "s-cm2"})
    # Only the backup role's staff could be backup (no backup periods were planned here).
    assert all(role == "primary" for role, _, _ in found.could_hold)


def test_weeks_before_the_fairness_window_are_left_out() -> None:
    team = load_team(rules_team_doc())
    old = record(WEEK - timedelta(weeks=9), CM)
    recent = record(WEEK - timedelta(weeks=8), CM)
    found = on_call_history(team, history(old, recent), WEEK)

    assert found is not None
    assert min(p.start for p in found.periods) == -8 * 7 * DAY + HANDOFF
    assert on_call_history(team, history(old), WEEK) is None
    assert on_call_history(team, History(), WEEK) is None


def test_a_solved_week_with_history_rotates_and_the_checker_agrees() -> None:
    """Through the adapter: last week ended with s-rn1 on Saturday and Sunday, so s-rn1 is
    not Monday's primary and rests on Monday morning; the checker, given the same history,
    finds no unexcused violation."""
    doc = rules_team_doc()
    team = load_team(doc)
    last = record(WEEK - timedelta(days=7), ["s-cm1", "s-cm2", "s-cm1", "s-cm2", "s-cm1", "s-rn1", "s-rn1"])
    problem = to_problem(team, WEEK, history=history(last))
    assert problem.on_call_history is not None
    result = solve(problem, SolveParams(time_limit=2.0))
    out = dump_plan(to_plan_file(result, team, WEEK))

    monday = next(p for p in out["on_call"] if p["role"] == "primary" and p["start"] == "2026-11-30T08:30")
    assert monday["staff"] != "s-rn1"
    early = [v for v in out["visits"] if v["date"] == "2026-11-30" and v["start"] < "10:00"]
    assert early and not any("s-rn1" in v["staff"] for v in early)
    report = check(doc, out, history=[last])
    assert report.unexcused == [], [v.message for v in report.unexcused]


def test_staff_not_yet_employed_could_not_hold_earlier_periods_and_fairness_weeks_is_read() -> None:
    doc = rules_team_doc(format="actplanner/team@2")
    doc["staff"][2] = staff_doc("s-cm2", on_call_roles=["primary"], employed_from="2026-11-26")
    doc["policy"]["on_call"]["fairness_weeks"] = 2
    last = record(WEEK - timedelta(days=7), CM)
    found = on_call_history(load_team(doc), history(record(WEEK - timedelta(weeks=3), CM), last), WEEK)

    assert found is not None and found.fairness_weeks == 2
    assert min(p.start for p in found.periods) == -7 * DAY + HANDOFF  # 3 weeks ago: outside the 2
    could = {start: ids for _, start, ids in found.could_hold}
    wednesday, thursday = (-DAY * (7 - d) + HANDOFF for d in (2, 3))
    assert "s-cm2" not in could[wednesday] and "s-cm2" in could[thursday]
