"""A re-plan from F after the injection visit was a no-show, when the injection's window closed
before F: the solver cannot give it any more, so the plan owns up to it in ``unmet`` (H4), and
the checker, reading the same log, finds it excused rather than silently missing."""

from __future__ import annotations

from datetime import date

import solver
from actplanner.checker import check
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_plan, load_team
from actplanner.domain.history import read_history
from tests.support.team_files import team_file

MONDAY, THURSDAY = date(2026, 11, 30), date(2026, 12, 3)
GREEDY = solver.SolveParams(time_limit=5, greedy_only=True)


def test_an_injection_missed_in_a_window_closed_before_f_is_reported_not_dropped() -> None:
    doc = team_file("small")
    # c-013's injection is due last Sunday ± 2 days: of this week, Monday and Tuesday.
    assert {"skill": "lai_injection", "due": "2026-11-29", "window_days": 2} in next(
        c for c in doc["clients"] if c["id"] == "c-013"
    )["requirements"]
    team = load_team(doc)
    base = dump_plan(to_plan_file(solver.solve(to_problem(team, MONDAY), GREEDY, None), team, MONDAY))
    given = [v for v in base["visits"] if v["client"] == "c-013" and v["date"] <= "2026-12-01"]
    assert given, "the baseline gives the injection on Monday or Tuesday"
    log = {
        "format": "actplanner/contacts@1",
        "team": base["team"],
        "contacts": [
            {"id": f"k-{i}", "client": "c-013", "staff": v["staff"], "date": v["date"], "start": v["start"],
             "minutes": 0, "outcome": "no_show", "visit": v["id"]}
            for i, v in enumerate(given)
        ],
    }  # fmt: skip
    baseline = load_plan(base)
    history = read_history([("log", log)], team, week=MONDAY, plan=baseline)
    problem = to_problem(team, MONDAY, baseline=baseline, from_date=THURSDAY, history=history)
    plan = dump_plan(to_plan_file(solver.solve(problem, GREEDY, None), team, MONDAY, replan_from=THURSDAY))
    assert any(u["rule"] == "H4" and u["client"] == "c-013" for u in plan["unmet"])
    report = check(doc, plan, history=[log])
    h4 = [v for v in report.violations if v.rule == "H4" and v.client == "c-013"]
    assert h4 and all(v.excused for v in h4)
