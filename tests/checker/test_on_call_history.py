"""H10 across the week boundary in the checker, with the history's plans of record
(FORMATS.md, version 2): the run ending last Sunday counts, and last Sunday's primary
rests on Monday. Hand-built raw plan dicts: only the H10 findings are read."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from typer.testing import CliRunner

from actplanner.checker import check
from actplanner.cli.main import app
from tests.support.solver_factories import rules_team_doc

WEEK = date(2026, 11, 30)
LAST_WEEK = WEEK - timedelta(days=7)


def rota(week: date, primaries: list[str]) -> list[dict]:
    """Primary periods from 08:30 to 08:30, Monday first."""
    return [
        {
            "role": "primary",
            "staff": sid,
            "start": f"{week + timedelta(days=d)}T08:30",
            "end": f"{week + timedelta(days=d + 1)}T08:30",
        }
        for d, sid in enumerate(primaries)
    ]


def plan(week: date, primaries: list[str], visits: list[dict] | None = None, **extra: object) -> dict:
    doc = {
        "format": "actplanner/plan@1",
        "team": "t",
        "week_start": str(week),
        "visits": visits or [],
        "on_call": rota(week, primaries),
        "caseload": {},
        "unmet": [],
    }
    doc.update(extra)
    return doc


def monday_visit(staff: str, start: str) -> dict:
    end = f"{int(start[:2]) + 1:02d}{start[2:]}"
    return {"id": "v-1", "client": "c-6", "staff": [staff], "date": str(WEEK), "start": start, "end": end}


def h10(checked: dict, *history: dict) -> list:
    report = check(rules_team_doc(), checked, history=list(history))
    return [v for v in report.violations if v.rule == "H10"]


THIS_WEEK = ["s-cm1", "s-rn1", "s-cm2", "s-rn1", "s-cm2", "s-cm1", "s-rn1"]
ENDS_WITH_CM1 = ["s-cm2", "s-rn1", "s-cm2", "s-rn1", "s-cm2", "s-cm1", "s-cm1"]


def test_run_carried_over_from_last_week_is_caught() -> None:
    """Caught: s-cm1 was primary last Saturday and Sunday, and again on Monday (limit 2)."""
    found = h10(plan(WEEK, THIS_WEEK), plan(LAST_WEEK, ENDS_WITH_CM1))

    assert [(v.staff, v.date, v.excused) for v in found] == [("s-cm1", "2026-11-30", False)]
    assert found[0].message == (
        "s-cm1 is primary on call for more than 2 periods in a row "
        "(up to the one starting 2026-11-30, 2 of them before this week)."
    )


def test_without_history_the_week_alone_is_read() -> None:
    """Version 1: with no history the same plan breaks no H10 limit."""
    assert h10(plan(WEEK, THIS_WEEK)) == []


def test_run_over_the_limit_is_excused_by_an_unmet_entry() -> None:
    """Excused: the plan's unmet owns up to H10 (a rota rule, no client named)."""
    unmet = [{"rule": "H10", "detail": "s-cm1 is primary on call for 3 periods in a row."}]
    found = h10(plan(WEEK, THIS_WEEK, unmet=unmet), plan(LAST_WEEK, ENDS_WITH_CM1))

    assert [(v.staff, v.excused) for v in found] == [("s-cm1", True)]


def test_the_plan_of_record_is_the_last_given_for_its_week() -> None:
    """A later plan file for last week (s-cm2 took Sunday instead) is the one read."""
    corrected = ENDS_WITH_CM1[:-1] + ["s-cm2"]
    found = h10(plan(WEEK, THIS_WEEK), plan(LAST_WEEK, ENDS_WITH_CM1), plan(LAST_WEEK, corrected))

    assert found == []


def test_a_run_already_over_the_limit_last_week_is_reported_once_on_monday() -> None:
    """Caught once: s-cm1 held Friday to Sunday (3, over the limit) and goes on Monday."""
    last = ["s-cm2", "s-rn1", "s-cm2", "s-rn1", "s-cm1", "s-cm1", "s-cm1"]
    found = h10(plan(WEEK, THIS_WEEK), plan(LAST_WEEK, last))

    assert [(v.staff, v.date) for v in found] == [("s-cm1", "2026-11-30")]
    assert "3 of them before this week" in found[0].message


def test_a_run_ending_on_saturday_does_not_carry() -> None:
    """Only the run ending with the period starting last Sunday counts."""
    last = ["s-cm2", "s-rn1", "s-cm2", "s-rn1", "s-cm1", "s-cm1", "s-rn1"]
    assert h10(plan(WEEK, THIS_WEEK), plan(LAST_WEEK, last)) == []


def test_last_sundays_primary_visiting_early_on_monday_is_caught() -> None:
    """Caught: s-cm1 was primary from last Sunday 08:30 and visits at 09:00 on Monday (rest 10:00)."""
    checked = plan(WEEK, ["s-rn1", *THIS_WEEK[1:]], [monday_visit("s-cm1", "09:00")])
    found = h10(checked, plan(LAST_WEEK, ENDS_WITH_CM1[:-2] + ["s-rn1", "s-cm1"]))

    assert [(v.staff, v.date) for v in found] == [("s-cm1", "2026-11-30")]
    assert found[0].message == (
        "s-cm1 was primary on call on Sunday night (last week's plan) and visits c-6 at 09:00 "
        "on 2026-11-30, before 10:00."
    )


def test_last_sundays_primary_visiting_from_the_rest_time_is_fine() -> None:
    """Holds: the same visit at 10:00, or by someone else at 09:00."""
    history = plan(LAST_WEEK, ENDS_WITH_CM1[:-2] + ["s-rn1", "s-cm1"])
    for visit in (monday_visit("s-cm1", "10:00"), monday_visit("s-cm2", "09:00")):
        assert h10(plan(WEEK, ["s-rn1", *THIS_WEEK[1:]], [visit]), history) == []


def test_early_monday_visit_is_excused_by_an_unmet_entry() -> None:
    """Excused: the plan's unmet owns up to H10."""
    checked = plan(
        WEEK,
        ["s-rn1", *THIS_WEEK[1:]],
        [monday_visit("s-cm1", "09:00")],
        unmet=[{"rule": "H10", "detail": "s-cm1 visits c-6 before the rest time."}],
    )
    found = h10(checked, plan(LAST_WEEK, ENDS_WITH_CM1[:-2] + ["s-rn1", "s-cm1"]))

    assert [v.excused for v in found] == [True]


def test_check_from_the_terminal_reads_the_history_files(tmp_path: Path) -> None:
    """`actplanner check TEAM PLAN --history FILE`: the carried run is reported, naming who."""
    files = {"team.json": rules_team_doc(), "plan.json": plan(WEEK, THIS_WEEK)}
    files["last.json"] = plan(LAST_WEEK, ENDS_WITH_CM1)
    for name, doc in files.items():
        (tmp_path / name).write_text(json.dumps(doc))
    args = ["check", str(tmp_path / "team.json"), str(tmp_path / "plan.json")]
    with_history = CliRunner().invoke(app, [*args, "--history", str(tmp_path / "last.json")])
    alone = CliRunner().invoke(app, args)

    carried = "s-cm1 is primary on call for more than 2 periods in a row"
    assert carried in " ".join(with_history.output.split())
    assert carried not in " ".join(alone.output.split())
