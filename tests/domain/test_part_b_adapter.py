"""Part B in the adapter: the roster a Problem carries, and the plan@2 shifts and breaks written back.

Each rule has a case where it holds and one where it does not (the option left out, the
shift not kept, the credit not given).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from actplanner.domain import rostering
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import dump_plan, load_plan
from actplanner.domain.history import History
from solver import plan as sp
from solver import problem as sv
from solver.problem import DAY
from tests.domain.test_adapter import team_with
from tests.support.part_b_files import CHRISTMAS, CHRISTMAS_WEEK, contract, doc_b, team_b

WEEK = CHRISTMAS_WEEK


def empty_plan() -> sp.Plan:
    return sp.Plan(visits=(), on_call=(), caseload={})


def loose(edit: Callable[[dict], object]) -> Callable[[dict], None]:
    """``edit`` on a team without coverage, whose minimums one staff member's terms alone
    would otherwise make impossible (an input error, tested in test_part_b_format)."""

    def apply(doc: dict) -> None:
        doc["policy"]["coverage"] = []
        edit(doc)

    return apply


def options(problem: sv.Problem, staff: str = "s-rn1") -> list[tuple[str, int]]:
    assert problem.roster is not None
    return [(o.name, o.day) for o in problem.roster.contracts[staff].options]


def test_without_part_b_there_is_no_roster_and_the_plan_file_no_shifts() -> None:
    team = team_with()
    assert to_problem(team, date(2026, 11, 30)).roster is None
    doc = dump_plan(to_plan_file(empty_plan(), team, date(2026, 11, 30)))
    assert "shifts" not in doc and "breaks" not in doc and doc["format"] == "actplanner/plan@1"


def test_roster_resolves_coverage_meetings_breaks_and_holidays_per_day() -> None:
    roster = to_problem(team_b(), WEEK).roster
    assert roster is not None
    assert roster.holidays == frozenset({CHRISTMAS})
    # Mon–Thu weekday coverage; Christmas Friday and the weekend have the holiday/weekend window.
    weekday = [n for n in roster.coverage if n.min_staff == 2]
    assert [n.window.start // DAY for n in weekday] == [0, 1, 2, 3]
    assert weekday[0].window == sv.Window(510, 1200) and weekday[0].by_discipline == (("nurse", 1),)
    weekend = [n for n in roster.coverage if n.min_staff == 1]
    assert [n.window.start // DAY for n in weekend] == [4, 5, 6]
    # The meeting is mon–fri, and Christmas Friday matches only "holiday".
    assert [m.window.start // DAY for m in roster.meetings] == [0, 1, 2, 3]
    assert roster.breaks == sv.BreakRule(360, 30, (690, 870))
    assert roster.fairness_weeks == 8


def test_contracted_staff_have_no_fixed_shifts_and_options_by_type_days_and_days_off() -> None:
    problem = to_problem(team_b(), WEEK)
    nurse = next(s for s in problem.staff if s.id == "s-rn1")
    assert nurse.shifts == {}
    got = options(problem)
    # day admits mon–sat (not the holiday), late mon–thu (not Christmas), weekend sat and the
    # holiday; sunday is a day off.
    assert got == [
        ("day", 0), ("late", 0), ("day", 1), ("late", 1), ("day", 2), ("late", 2),
        ("day", 3), ("late", 3), ("weekend", 4), ("day", 5), ("weekend", 5),
    ]  # fmt: skip
    assert not any(day == 6 for _, day in got)


def test_options_follow_the_contract_shift_types() -> None:
    got = options(to_problem(team_b(loose(lambda d: contract(d).update(shift_types=["late"]))), WEEK))
    assert got == [("late", 0), ("late", 1), ("late", 2), ("late", 3)]


def test_holiday_in_days_off_means_no_holidays_and_weekday_covers_its_holiday() -> None:
    no_holidays = options(to_problem(team_b(loose(lambda d: contract(d).update(days_off=["holiday"]))), WEEK))
    assert ("weekend", CHRISTMAS) not in no_holidays and ("weekend", 6) in no_holidays
    fridays = options(to_problem(team_b(loose(lambda d: contract(d).update(days_off=["fri"]))), WEEK))
    assert not any(day == CHRISTMAS for _, day in fridays)


def test_leave_overlapping_a_shift_removes_that_option_only() -> None:
    def leave(doc: dict) -> None:
        doc["staff"][0]["leave"] = [{"start": "2026-12-22T16:00", "end": "2026-12-22T18:00"}]

    got = options(to_problem(team_b(leave), WEEK))
    assert ("day", 1) not in got and ("late", 1) not in got
    assert ("day", 0) in got


def test_no_options_outside_employment() -> None:
    got = options(to_problem(team_b(lambda d: d["staff"][0].update(employed_from="2026-12-24")), WEEK))
    assert min(day for _, day in got) == 3


def test_contract_terms_requests_and_credits() -> None:
    def leave(doc: dict) -> None:
        doc["staff"][0]["leave"] = [{"start": "2026-12-21T00:00", "end": "2026-12-22T00:00"}]

    held = to_problem(team_b(leave), WEEK).roster
    assert held is not None
    c = held.contracts["s-rn1"]
    assert c.minutes == (2160, 2400) and c.max_days == 5 and c.max_consecutive == 6
    assert c.min_rest == 660 and c.max_weekends_per_4 == 2
    assert c.credit == 2160 // 5
    # Monday wholly on leave credits; Christmas (not a day off) is credited when not worked.
    assert c.credited_days == 1 and c.holidays == (CHRISTMAS,)
    assert c.requests == (sv.ShiftRequest(2, None),)

    # Part of a day on leave is no credit; a holiday that is a day off is no credit.
    def part(doc: dict) -> None:
        doc["staff"][0]["leave"] = [{"start": "2026-12-21T00:00", "end": "2026-12-21T23:00"}]
        contract(doc)["days_off"] = ["fri"]

    broken = to_problem(team_b(loose(part)), WEEK).roster
    assert broken is not None
    assert broken.contracts["s-rn1"].credited_days == 0 and broken.contracts["s-rn1"].holidays == ()


def test_a_shift_request_outside_the_week_is_left_out() -> None:
    def ask(doc: dict) -> None:
        contract(doc)["requests"] = [
            {"date": "2026-12-22", "shift": "late"},
            {"date": "2026-12-29", "off": True},
        ]

    roster = to_problem(team_b(ask), WEEK).roster
    assert roster is not None
    assert roster.contracts["s-rn1"].requests == (sv.ShiftRequest(1, "late"),)


def test_fixed_staff_work_their_holiday_entry_on_a_holiday_else_are_off() -> None:
    with_entry = next(s for s in to_problem(team_b(), WEEK).staff if s.id == "s-cm2")
    assert with_entry.shifts[CHRISTMAS] == sv.Window(CHRISTMAS * DAY + 510, CHRISTMAS * DAY + 1020)

    def drop(doc: dict) -> None:
        doc["staff"][1]["shifts"].pop("holiday")

    without = next(s for s in to_problem(team_b(drop), WEEK).staff if s.id == "s-cm2")
    assert CHRISTMAS not in without.shifts and 3 in without.shifts


def shift_doc(staff: str, day: str, kind: str | None, start: str, end: str, pinned: bool = False) -> dict:
    entry: dict = {"staff": staff, "date": day, "type": kind, "start": start, "end": end}
    if pinned:
        entry["pinned"] = True
    return entry


def baseline_with(shifts: list[dict]):  # noqa: ANN201
    return load_plan(
        {
            "format": "actplanner/plan@2",
            "team": "eastside",
            "week_start": WEEK.isoformat(),
            "visits": [],
            "on_call": [],
            "caseload": {},
            "shifts": shifts,
            "breaks": [],
        }
    )


BASE_SHIFTS = [
    shift_doc("s-rn1", "2026-12-21", "day", "08:30", "17:00"),
    shift_doc("s-rn1", "2026-12-22", "late", "11:30", "20:00", pinned=True),
    shift_doc("s-rn1", "2026-12-24", "day", "08:30", "17:00"),
    shift_doc("s-cm2", "2026-12-21", None, "08:30", "17:00"),
]


def test_a_re_plan_keeps_the_baseline_roster_of_contracted_staff() -> None:
    roster = to_problem(team_b(), WEEK, baseline=baseline_with(BASE_SHIFTS)).roster
    assert roster is not None
    assert roster.kept[("s-rn1", 0)] == sv.ShiftOption("day", 0, sv.Window(510, 1020))
    assert roster.kept[("s-rn1", 2)] is None  # off in the baseline, kept off
    assert roster.pinned == frozenset({("s-rn1", 1)})
    assert {staff for staff, _ in roster.kept} == {"s-rn1", "s-sw3"}  # fixed staff are not rostered


def test_re_roster_frees_the_days_from_the_re_plan_date_but_keeps_pins_and_the_past() -> None:
    roster = to_problem(
        team_b(), WEEK, baseline=baseline_with(BASE_SHIFTS), from_date=date(2026, 12, 22), re_roster=["s-rn1"]
    ).roster
    assert roster is not None
    assert {key for key in roster.kept if key[0] == "s-rn1"} == {("s-rn1", 0), ("s-rn1", 1)}
    assert ("s-sw3", 3) in roster.kept  # not re-rostered
    assert roster.pinned == frozenset({("s-rn1", 1)})


def test_a_kept_shift_no_longer_allowed_is_chosen_again() -> None:
    def leave(doc: dict) -> None:
        doc["staff"][0]["leave"] = [{"start": "2026-12-24T00:00", "end": "2026-12-25T00:00"}]

    roster = to_problem(team_b(leave), WEEK, baseline=baseline_with(BASE_SHIFTS)).roster
    assert roster is not None
    assert ("s-rn1", 3) not in roster.kept and ("s-rn1", 0) in roster.kept


def test_no_roster_kept_from_a_baseline_without_shifts() -> None:
    base = baseline_with([])
    base = base.model_copy(update={"shifts": None})
    roster = to_problem(team_b(), WEEK, baseline=base).roster
    assert roster is not None and roster.kept == {} and roster.pinned == frozenset()


def history_of(shifts: list[dict], week: date) -> History:
    record = load_plan(
        {
            "format": "actplanner/plan@2",
            "team": "eastside",
            "week_start": week.isoformat(),
            "visits": [],
            "on_call": [],
            "caseload": {},
            "shifts": shifts,
            "breaks": [],
        }
    )
    return History(plans={week: record})


def test_contract_history_across_the_week_boundary() -> None:
    last_week = date(2026, 12, 14)
    history = history_of(
        [
            shift_doc("s-rn1", "2026-12-19", "weekend", "09:00", "17:30"),
            shift_doc("s-rn1", "2026-12-20", "weekend", "09:00", "17:30"),
            shift_doc("s-rn1", "2026-12-18", "late", "11:30", "20:00"),
            shift_doc("s-cm2", "2026-12-19", None, "09:00", "17:00"),
        ],
        last_week,
    )
    roster = to_problem(team_b(), WEEK, history=history).roster
    assert roster is not None
    c = roster.contracts["s-rn1"]
    assert c.worked_before == (
        sv.Window(-3 * DAY + 690, -3 * DAY + 1200),
        sv.Window(-2 * DAY + 540, -2 * DAY + 1050),
        sv.Window(-DAY + 540, -DAY + 1050),
    )
    assert c.weekends_before == 1 and c.fair_before == 2
    alone = to_problem(team_b(), WEEK).roster
    assert alone is not None
    assert alone.contracts["s-rn1"].worked_before == () and alone.contracts["s-rn1"].weekends_before == 0


def test_plan_file_writes_shifts_and_breaks_as_plan_2() -> None:
    team = team_b()
    plan = sp.Plan(
        visits=(),
        on_call=(),
        caseload={},
        shifts=(
            sp.Shift("s-rn1", 1, DAY + 690, DAY + 1200, "late"),
            sp.Shift("s-rn1", 0, 510, 1020, "day", pinned=True),
        ),
        breaks=(sp.Break("s-rn1", 0, 720, 750), sp.Break("s-cm2", 0, 700, 730)),
    )
    doc = dump_plan(to_plan_file(plan, team, WEEK))
    assert doc["format"] == "actplanner/plan@2"
    shifts = [
        (s["staff"], s["date"], s["type"], s["start"], s["end"], s.get("pinned")) for s in doc["shifts"]
    ]
    assert shifts[:3] == [
        ("s-cm2", "2026-12-21", None, "08:30", "17:00", None),
        ("s-rn1", "2026-12-21", "day", "08:30", "17:00", True),
        ("s-cm2", "2026-12-22", None, "08:30", "17:00", None),
    ]
    assert ("s-rn1", "2026-12-22", "late", "11:30", "20:00", None) in shifts
    assert ("s-cm2", "2026-12-25", None, "08:30", "17:00", None) in shifts  # the holiday entry
    assert doc["breaks"] == [
        {"staff": "s-cm2", "date": "2026-12-21", "start": "11:40", "end": "12:10"},
        {"staff": "s-rn1", "date": "2026-12-21", "start": "12:00", "end": "12:30"},
    ]
    assert dump_plan(load_plan(doc)) == doc


def test_plan_file_of_a_part_b_plan_without_shifts_still_lists_fixed_staff() -> None:
    doc = dump_plan(to_plan_file(empty_plan(), team_b(), WEEK))
    assert doc["format"] == "actplanner/plan@2" and doc["breaks"] == []
    assert {s["staff"] for s in doc["shifts"]} == {"s-cm2"}
    assert [s["date"] for s in doc["shifts"]] == [f"2026-12-{d}" for d in range(21, 26)]


def test_fixed_staff_without_a_holiday_entry_have_no_shift_on_the_holiday() -> None:
    team = team_b(lambda d: d["staff"][1]["shifts"].pop("holiday"))
    doc = dump_plan(to_plan_file(empty_plan(), team, WEEK))
    assert "2026-12-25" not in [s["date"] for s in doc["shifts"]]


def test_leave_cuts_a_fixed_shift_in_the_plan_file() -> None:
    def leave(doc: dict) -> None:
        doc["staff"][1]["leave"] = [{"start": "2026-12-21T08:00", "end": "2026-12-21T10:00"}]

    doc = dump_plan(to_plan_file(empty_plan(), team_b(leave), WEEK))
    assert doc["shifts"][0] == {
        "staff": "s-cm2",
        "date": "2026-12-21",
        "type": None,
        "start": "10:00",
        "end": "17:00",
    }
    assert doc_b()["staff"][1]["shifts"]["mon"] == ["08:30", "17:00"]


def test_no_credit_outside_employment() -> None:
    def leaves(doc: dict) -> None:
        doc["staff"][0]["employed_until"] = "2026-12-24"  # gone by Christmas

    roster = to_problem(team_b(leaves), WEEK).roster
    assert roster is not None
    assert roster.contracts["s-rn1"].holidays == () and roster.contracts["s-rn1"].credited_days == 0


def test_day_names_days_off_and_whole_days_of_leave() -> None:
    christmas = date(2026, 12, 25)
    assert rostering.day_name(christmas, {christmas}) == "holiday"
    assert rostering.day_name(christmas) == "fri"
    team = team_b()
    assert rostering.holiday_dates(team) == frozenset({christmas})
    terms = team.staff[0].contract
    assert terms is not None
    assert rostering.is_day_off(terms, date(2026, 12, 27)) and not rostering.is_day_off(terms, christmas)
    assert rostering.fixed_window(team.staff[1], christmas, {christmas}) == (510, 1020)
    assert rostering.fixed_window(team.staff[1], date(2026, 12, 26), {christmas}) is None
    # Two leave periods meeting at noon cover the day; a gap of a minute does not.
    noon = datetime(2026, 12, 22, 12, 0)
    start, end = datetime(2026, 12, 22), datetime(2026, 12, 23)
    assert rostering.wholly_on_leave(date(2026, 12, 22), [(noon, end), (start, noon)])
    assert not rostering.wholly_on_leave(
        date(2026, 12, 22), [(start, noon), (noon + timedelta(minutes=1), end)]
    )
