"""Plain words everywhere (issue 13, item 5): pages name people and clients as the pages do,
dates as a lead reads them, rules by their titles; the files keep the machine form."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import jinja2

from actplanner.checker import check
from actplanner.checker.report import Violation, format_report
from actplanner.checker.words import Words, rule_heading
from actplanner.domain.formats import FormatError, load_team
from actplanner.domain.formats.words import plain_error, plain_errors
from actplanner.domain.words import day_words, label, language_name, purpose_label
from actplanner.resources import templates_dir
from actplanner.web.templating import make_templates
from actplanner.web.words import note_words, phase_words, progress_words, register
from solver.clock import Clock
from solver.plan import Plan
from solver.problem import SolveParams
from tests.checker.test_v2_h4 import injection
from tests.checker.v2_files import plan2, staff, team2

# -- purposes, skills and disciplines -----------------------------------------------------------


def test_a_purpose_reads_the_same_everywhere() -> None:
    assert label("lai_injection") == "LAI injection"
    assert label("case_manager") == "case manager"
    assert label("med_drop") == "med drop"
    assert purpose_label(None) == "visit"
    assert purpose_label("") == "visit"
    assert purpose_label("lai_injection") == "LAI injection"


def test_a_language_code_reads_as_its_name() -> None:
    """The checker quotes a client's language by code ("speaks 'es'"); a page says the language."""
    assert language_name("es") == "Spanish"
    assert language_name("ht") == "Haitian Creole"
    assert language_name("qqq") == "qqq"  # not a language CLDR knows: as written
    words = Words(names={"c-5": "K5", "s-cm": "Alex Mendoza"})
    assert words.text("c-5 speaks 'es' but s-cm, who visits them, does not.") == (
        "K5 speaks Spanish but Alex Mendoza, who visits them, does not."
    )
    assert words.text("c-5 speaks 'qqq' but s-cm does not.") == "K5 speaks qqq but Alex Mendoza does not."


def test_weekdays_in_the_solvers_lists_read_as_names() -> None:
    """The solver lists days by their file keys; a page capitalises them, and leaves the word alone."""
    words = Words()
    assert words.text("no availability on mon, wed and fri") == "no availability on Mon, Wed and Fri"
    assert words.text("available on none of wed–fri: availability on one of them would fix it") == (
        "available on none of Wed–Fri: availability on one of them would fix it"
    )
    assert words.text("the sun is out on monday") == "the sun is out on monday"


# -- checker messages ---------------------------------------------------------------------------


def test_day_words() -> None:
    assert day_words(date(2026, 12, 2)) == "Wed 2 Dec"


def test_a_leave_violation_names_the_staff_member_and_the_client_code_and_the_day() -> None:
    """The checker's message keeps ids (files, CLI); the page's line has name, code and day."""
    team = team2()
    staff(team, "s-rn")["leave"] = [{"start": "2026-12-02T00:00", "end": "2026-12-03T00:00"}]
    plan = plan2()
    plan["visits"][1]["staff"] = ["s-rn"]  # Wednesday's visit to c-1
    found = [v for v in check(team, plan).unexcused if v.rule == "H3"]
    assert [v.message for v in found] == [
        "s-rn is on leave during their visit to c-1 on 2026-12-02 11:00–11:45."
    ]
    assert Words.of(team).lines(found) == [
        "Staff eligibility: R. Nurse is on leave during their visit to K1 on Wed 2 Dec 11:00–11:45."
    ]
    assert "s-rn" in format_report(check(team, plan))  # the CLI's text keeps the ids


def test_an_injection_due_is_titled_by_its_skill() -> None:
    team = team2(c_1=injection(last="2026-11-20"))
    found = [v for v in check(team, plan2()).unexcused if v.rule == "H4"]
    words = Words.of(team)
    assert words.lines(found) == [
        "LAI injection due: K1 needs a visit by someone with training in LAI injection between "
        "Thu 3 Dec and Sat 5 Dec (due Fri 4 Dec; every 14 days, last on Fri 20 Nov); none is planned."
    ]


def test_ids_inside_other_words_and_unknown_ids_stay_as_written() -> None:
    words = Words(names={"s-rn": "R. Nurse", "c-1": "K1"})
    assert words.text("c-10 and s-rn2 and v-2026-12-02-1") == "c-10 and s-rn2 and v-2026-12-02-1"
    assert words.text("fri 2026-12-25 (Christmas Day)") == "Fri 25 Dec (Christmas Day)"
    assert words.text("2026-02-30") == "2026-02-30"


def test_a_rule_without_a_skill_carries_its_title() -> None:
    words = Words.of(team2())
    violation = Violation("H17", "Coverage 08:30–20:00 on mon 2026-11-30 needs 1 staff working.")
    assert words.line(violation) == "Coverage: Coverage 08:30–20:00 on Mon 30 Nov needs 1 staff working."
    assert words.title(Violation("H4", "c-1 has 0 visit(s) with a case_manager this week.")) == "Requirements"
    assert words.text("a case_manager") == "a case manager"
    assert rule_heading("H9") == "On-call coverage"


# -- import errors --------------------------------------------------------------------------------


def _team_errors(doc: dict) -> list[str]:
    try:
        load_team(doc)
    except FormatError as err:
        return err.messages
    raise AssertionError("the team file loaded")


def test_an_import_error_names_the_client_and_the_field_in_words_and_keeps_the_path() -> None:
    team = team2()
    team["clients"][1]["visits_per_week"] = "five"
    team["staff"][2]["fte"] = "x"
    team["clients"][0]["home"]["lat"] = 100
    messages = _team_errors(team)
    by_path = {e.path: e for e in plain_errors(messages, team)}
    visits = by_path["clients[1].visits_per_week"]
    assert visits.words == 'Client 2 (c-2, code K2), visits per week: "five" is not a whole number'
    assert visits.line == 'clients[1].visits_per_week: expected a whole number, got "five"'
    assert by_path["staff[2].fte"].words == 'Staff member 3 (T. Leader, s-tl), FTE: "x" is not a number'
    assert by_path["clients[0].home.lat"].words == (
        "Client 1 (c-1, code K1), home latitude: 100 is out of range: it must be at most 90"
    )


def test_an_import_error_without_the_document_names_the_position_alone() -> None:
    assert plain_error("clients[37].requirements[1].window_days: required key is missing").words == (
        "Client 38, requirement 2, window (days either side): missing; it is required"
    )
    assert plain_error("clients[0].availability.tue[1]: ends before it starts").words == (
        "Client 1, availability on Tuesday, time range 2: ends before it starts"
    )
    assert plain_error("policy.on_call.handoff: bad").words == "Team settings, on-call handoff: bad"
    assert plain_error("(file): choose a team file (JSON) to import").words == (
        "Choose a team file (JSON) to import"
    )
    assert plain_errors(["staff[0].extra: unknown key"], b"not json")[0].words.startswith(
        "Staff member 1, extra: not a field"
    )


# -- solve progress -------------------------------------------------------------------------------


def test_progress_says_the_phase_and_the_plan_in_words() -> None:
    words = progress_words(
        {
            "phase": "week",
            "message": "ruin and recreate",
            "best_objective": 606048.0,
            "first_objective": 700000.0,
            "unmet": 2,
            "visits": 412,
            "travel_minutes": 1834,
            "figures_phase": "first plan",
        }
    )
    assert words.phase == "Improving the week: trying visits on other days and with other staff"
    assert words.note == ""  # "ruin and recreate" is the engine's name for it
    assert words.figures == (
        ("Visits placed", "412 (first plan)"),
        ("Not met", "2"),
        ("Travel", "30 h 34 min (first plan)"),
    )
    assert (words.score, words.improvement) == ("606048", "13% better than the first plan")
    assert note_words("re-routed day 3") == "Wednesday: a shorter route found"
    assert phase_words(None) == "—"


def test_the_progress_panel_shows_words_with_the_score_in_small_print() -> None:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()), undefined=jinja2.StrictUndefined, autoescape=True
    )
    env.globals["url_path"] = lambda name, **params: f"/{name}"
    register(env)
    job = SimpleNamespace(
        id=7,
        status="running",
        week_start=date(2026, 11, 30),
        time_limit=20.0,
        stop_requested=False,
        error=None,
        plan_id=None,
        progress={
            "phase": "routes",
            "message": "day 2 kept",
            "best_objective": 1234.0,
            "unmet": 0,
            "visits": 40,
            "travel_minutes": 95,
            "figures_phase": "routes",
        },
    )
    html = env.get_template("planning/_progress.html").render(
        job=job,
        active=True,
        phase="routes",
        elapsed=5.0,
        bar_value=5.0,
        best_objective=1234.0,
        unmet_count=0,
        note="day 2 kept",
        board_url="/board",
        result_url=None,
        shown_plan_id=None,
        csrf_token="t",
    )
    assert "Shortening each day&#39;s route" in html and "Tuesday: route kept" in html
    assert "Best objective" not in html and "ruin" not in html
    assert '<span class="objective">1234</span> (lower is better)' in html
    assert "<dt>Visits placed</dt><dd>40</dd>" in html and "<dt>Travel</dt><dd>1 h 35 min</dd>" in html
    assert '<dd class="unmet-count">0</dd>' in html


def test_a_phase_with_a_whole_plan_reports_its_visits_and_travel() -> None:
    """Clock.report(plan=...) carries what the page shows in words, not only the score."""
    seen = []
    clock = Clock(SolveParams(time_limit=5), seen.append)
    plan = Plan(visits=(), on_call=(), caseload={}, metrics={"travel_minutes_total": 12.6}, objective=50.0)
    clock.report("first plan", plan=plan)
    (progress,) = seen
    assert (progress.best_objective, progress.unmet, progress.visits, progress.travel_minutes) == (
        50.0,
        0,
        0,
        13,
    )


def test_an_unmet_entry_reads_with_the_client_code_and_the_staff_name() -> None:
    words = Words.of(team2())
    entry = {
        "rule": "H4",
        "client": "c-1",
        "detail": "fewer than 1 visits by a psychiatrist could be placed: the only psychiatrist (s-rn) "
        "does not speak Spanish (es)",
    }
    assert words.unmet_line(entry) == (
        "Requirements: K1 — fewer than 1 visits by a psychiatrist could be placed: the only psychiatrist "
        "(R. Nurse) does not speak Spanish (es)"
    )
    assert (
        words.unmet_line({"rule": "H17", "date": "2026-12-25", "detail": "short"})
        == "Coverage: Fri 25 Dec — short"
    )


def test_every_page_has_the_shared_words() -> None:
    env = make_templates().env
    assert env.filters["purpose"]("lai_injection") == "LAI injection"
    assert env.filters["purpose"](None) == "visit"
    assert env.globals["progress_words"] is progress_words
    assert env.filters["purpose"](None, "—") == "—"
