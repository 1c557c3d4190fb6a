"""Plan and check weeks from files, and measure the planner: ``plan``, ``check``, ``bench``, ``bench vrptw``,
``bench workers``.

These commands work on team and plan files alone and open no database, except
``bench workers``, which measures solve workers on a PostgreSQL database of its own. A team
file's places given as an address only are geocoded first, as an import does (``_read_team``).
"""

from __future__ import annotations

import json
import math
import os
import signal
import sys
import tempfile
from contextlib import nullcontext
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import URL, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from actplanner.bench import fidelity as fidelity_bench
from actplanner.bench import makeup, multiweek, scale_out
from actplanner.bench import recurring as recurring_bench
from actplanner.bench import roster as roster_bench
from actplanner.bench import spreadsheet as spreadsheet_bench
from actplanner.bench import teams as bench_teams
from actplanner.bench.vrptw import format_summary, read_best_known, run_instance, summarise
from actplanner.checker import check as check_plan
from actplanner.checker import format_report
from actplanner.cli.output import console, fail
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import (
    FormatError,
    TeamFile,
    dump_plan,
    load_plan,
    load_team,
    parse_week_start,
)
from actplanner.domain.formats._base import read_json
from actplanner.domain.history import read_history
from actplanner.geocoding.service import with_coordinates
from solver import SolveParams, solve

bench_app = typer.Typer(help="Measure the planner (writes a results table).")


def _read(path: Path, loader):  # noqa: ANN001, ANN202 - loader is load_plan
    try:
        return loader(_read_bytes(path))
    except FormatError as err:
        raise fail([f"{path}: {m}" for m in err.messages]) from err


def _read_team(path: Path) -> TeamFile:
    """The team file at ``path``, its places given as an address only geocoded first (``_placed``)."""
    try:
        return load_team(_placed(path, read_json(_read_bytes(path))))
    except FormatError as err:
        raise fail([f"{path}: {m}" for m in err.messages]) from err


def _placed(path: Path, doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with coordinates for its places given as an address only, from the agency's geocoder
    the way an import gets them (``geocoding.service.with_coordinates``, one way for every door);
    ``doc`` itself, no geocoder asked, when every place has lat and lon. Without a geocoder the
    error names the field and says what to do."""
    try:
        return with_coordinates(doc)
    except FormatError as err:
        raise fail([f"{path}: {m}" for m in err.messages]) from err
    except ValidationError as err:
        # The settings are read only now, when an address needs the geocoder: a bad
        # ACTPLANNER_GEOCODER* value is the setting's error, not a traceback.
        raise fail(
            [f"ACTPLANNER_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in err.errors()]
        ) from err


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; a missing file, a directory or an unreadable one is one error line."""
    try:
        return path.read_bytes()
    except FileNotFoundError as err:
        raise fail([f"{path}: no such file"]) from err
    except IsADirectoryError as err:
        raise fail([f"{path}: is a directory, not a file"]) from err
    except OSError as err:
        raise fail([f"{path}: cannot be read ({err.strerror or err})"]) from err


def _check_time_limit(seconds: float) -> None:
    if not math.isfinite(seconds) or seconds <= 0:
        raise fail([f"--time-limit: {seconds} is not a number of seconds above 0"])


def _check_out(out: Path) -> None:
    """Fail before the search, not after it, when the plan could not be written."""
    folder = out.parent if str(out.parent) else Path()
    if out.is_dir():
        raise fail([f"--out: {out} is a directory, not a file"])
    if not folder.is_dir():
        raise fail([f"--out: folder {folder} does not exist"])
    if not os.access(out if out.exists() else folder, os.W_OK):
        raise fail([f"--out: {out} cannot be written (permission denied)"])


def plan(
    team_file: Annotated[Path, typer.Argument(help="Team file (actplanner/team@1 or @2 JSON).")],
    week: Annotated[str, typer.Option(help="Monday the week starts, YYYY-MM-DD.")],
    out: Annotated[
        Path | None, typer.Option(help="Where to write the plan file (default plan.json).")
    ] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds to search (each week).")] = 30.0,
    seed: Annotated[int, typer.Option(help="Random seed; same seed and limit, same plan.")] = 0,
    baseline: Annotated[
        Path | None, typer.Option(help="Re-plan from this plan file, moving few visits.")
    ] = None,
    from_date: Annotated[
        str | None,
        typer.Option("--from", help="Keep the baseline's visits before this date exactly."),
    ] = None,
    greedy: Annotated[bool, typer.Option(help="Cheapest insertion only (the baseline).")] = False,
    history: Annotated[
        list[Path] | None,
        typer.Option(
            "--history",
            help="An earlier plan file or a contact log (repeat for each): count what happened.",
        ),
    ] = None,
    weeks: Annotated[
        int | None,
        typer.Option(
            help=f"Plan this many weeks from --week (1 to {MAX_WEEKS}), each after the ones before."
        ),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option(help="With --weeks: the folder each week's plan file goes into.")
    ] = None,
) -> None:
    """Plan one week for a team and write the plan file; with --weeks, several weeks into --out-dir."""
    _check_time_limit(time_limit)
    if weeks is not None or out_dir is not None:
        given = (baseline, from_date, history)
        _plan_weeks(team_file, week, weeks, out_dir, out, given, time_limit, seed, greedy)
        return
    out = out or Path("plan.json")
    _check_out(out)
    team = _read_team(team_file)
    try:
        week_start = parse_week_start(week, field="--week")
        start_from = _parse_date(from_date, "--from") if from_date else None
    except ValueError as err:
        raise fail([str(err)]) from err
    if start_from is not None:
        if baseline is None:
            raise fail(["--from: only means something with --baseline (the plan to keep)"])
        if not week_start <= start_from <= week_start + timedelta(days=6):
            raise fail([f"--from: {start_from} is not in the week of {week_start}"])
    old = _read(baseline, load_plan) if baseline else None
    if old is not None and (old.team != team.team.id or old.week_start != week_start.isoformat()):
        raise fail([f"{baseline}: team/week_start ({old.team}, {old.week_start}) do not match the request"])
    # A re-plan from a date counts what happened before it (FORMATS.md, version 2): from the
    # baseline's own visits, and from the contact log and earlier plans when given.
    records = None
    if history or start_from is not None:
        try:
            files = [(str(path), _read_bytes(path)) for path in history or []]
            records = read_history(files, team, week=week_start, plan=old)
        except FormatError as err:
            raise fail(err.messages) from err
    problem = to_problem(team, week_start, baseline=old, from_date=start_from, history=records)
    result = _solve_with_progress(problem, SolveParams(time_limit=time_limit, seed=seed, greedy_only=greedy))
    plan_file = to_plan_file(result, team, week_start, replan_from=start_from)
    try:
        out.write_text(json.dumps(dump_plan(plan_file), indent=2) + "\n")
    except OSError as err:
        raise fail([f"--out: {out} cannot be written ({err.strerror or err})"]) from err
    _summary(result, out)


#: The most weeks one ``plan --weeks`` (and the board) plans ahead.
MAX_WEEKS = 4


def weeks_plan_name(team_id: str, week_start: date) -> str:
    """The file a week's plan of ``plan --weeks`` is written to: the team and the week's Monday."""
    return f"plan-{team_id}-{week_start.isoformat()}.json"


def _plan_weeks(  # noqa: PLR0913 - the options of ``plan`` that matter here
    team_file: Path,
    week: str,
    weeks: int | None,
    out_dir: Path | None,
    out: Path | None,
    given: tuple[Path | None, str | None, list[Path] | None],
    time_limit: float,
    seed: int,
    greedy: bool,
) -> None:
    """``plan --weeks N --out-dir DIR``: each week planned with the history files and the weeks
    planned before it as history, one plan file per week in DIR."""
    baseline, from_date, history = given
    count = 1 if weeks is None else weeks
    if not 1 <= count <= MAX_WEEKS:
        raise fail([f"--weeks: {count} is not a number of weeks from 1 to {MAX_WEEKS}"])
    if out_dir is None:
        raise fail(["--out-dir: say which folder the plan files of the weeks go into"])
    if out is not None:
        raise fail(["--out: names one plan file; with --out-dir each week's plan goes into that folder"])
    if baseline is not None or from_date is not None:
        option = "--baseline" if baseline is not None else "--from"
        raise fail([f"{option}: re-plans one week; leave out --weeks and --out-dir to use it"])
    if not out_dir.is_dir():
        raise fail(
            [f"--out-dir: {out_dir} is not a folder" + ("" if out_dir.exists() else " (it does not exist)")]
        )
    if not os.access(out_dir, os.W_OK):
        raise fail([f"--out-dir: {out_dir} cannot be written (permission denied)"])
    team = _read_team(team_file)
    try:
        first = parse_week_start(week, field="--week")
    except ValueError as err:
        raise fail([str(err)]) from err
    files: list[tuple[str, bytes | str | dict[str, Any]]] = [
        (str(path), _read_bytes(path)) for path in history or []
    ]
    for k in range(count):
        week_start = first + timedelta(weeks=k)
        try:
            records = read_history(files, team, week=week_start)
        except FormatError as err:
            raise fail(err.messages) from err
        problem = to_problem(team, week_start, history=records)
        result = _solve_with_progress(
            problem, SolveParams(time_limit=time_limit, seed=seed, greedy_only=greedy)
        )
        doc = dump_plan(to_plan_file(result, team, week_start))
        path = out_dir / weeks_plan_name(team.team.id, week_start)
        try:
            path.write_text(json.dumps(doc, indent=2) + "\n")
        except OSError as err:
            raise fail([f"--out-dir: {path} cannot be written ({err.strerror or err})"]) from err
        _summary(result, path)
        # The week just planned is history for the weeks after it.
        files.append((str(path), doc))


def _parse_date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise ValueError(f'{field}: "{text}" is not a date (YYYY-MM-DD)') from err


def _solve_with_progress(problem, params):  # noqa: ANN001, ANN202
    """Run the solver with a progress bar; Ctrl-C stops it and keeps the best plan."""
    stop = {"asked": False}

    def interrupt(signum, frame):  # noqa: ANN001, ANN202, ARG001
        stop["asked"] = True

    previous = signal.signal(signal.SIGINT, interrupt)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[status]}"),
    )
    try:
        with Progress(*columns, console=console, transient=False) as bar:
            task = bar.add_task("planning", total=params.time_limit, status="")

            def on_progress(p) -> bool:  # noqa: ANN001
                status = f"best {p.best_objective:,.0f}" if p.best_objective is not None else ""
                if p.unmet is not None:
                    status += f"  unmet {p.unmet}"
                done = params.time_limit if p.phase == "done" else min(p.elapsed, params.time_limit)
                bar.update(task, completed=done, description=p.phase, status=status)
                return stop["asked"]

            return solve(problem, params, on_progress)
    finally:
        signal.signal(signal.SIGINT, previous)


def _summary(result, out: Path) -> None:  # noqa: ANN001
    table = Table(title=f"Plan written to {out}", show_header=False)
    table.add_row("status", result.status)
    table.add_row("visits", str(len(result.visits)))
    table.add_row("unmet", str(len(result.unmet)))
    if result.moved is not None:
        table.add_row("moved visits", str(result.moved))
    for key in (
        "itt_share",
        "team_approach_share",
        "travel_minutes_total",
        "travel_minutes_per_visit",
    ):
        table.add_row(key, str(result.metrics.get(key)))
    for goal, cost in result.metrics.get("objective_by_goal", {}).items():
        table.add_row(f"objective: {goal}", f"{cost:,.0f}")
    table.add_row("seconds", f"{result.seconds:.1f}")
    console.print(table)
    for item in result.unmet:
        who = f"{item.client} " if item.client else ""
        console.print(f"  unmet {item.rule} {who}{item.detail}", highlight=False)


def check(
    team_file: Annotated[Path, typer.Argument(help="Team file.")],
    plan_file: Annotated[Path, typer.Argument(help="Plan file to check against it.")],
    week: Annotated[str | None, typer.Option(help="Week the plan must be for.")] = None,
    history: Annotated[
        list[Path] | None,
        typer.Option("--history", help="An earlier plan file or a contact log (repeat for each)."),
    ] = None,
) -> None:
    """Check a plan against the hard rules H1–H18; exit 1 on any unexcused violation."""
    docs = []
    for path in (team_file, plan_file, *(history or [])):
        try:
            docs.append(json.loads(_read_bytes(path)))
        except json.JSONDecodeError as err:
            raise fail([f"{path}: not JSON ({err.msg} at line {err.lineno})"]) from err
        except RecursionError as err:
            raise fail([f"{path}: not JSON (nested too deeply)"]) from err
    kinds = ("actplanner/plan@1", "actplanner/plan@2", "actplanner/contacts@1")
    for path, doc in zip(history or [], docs[2:], strict=True):
        if not isinstance(doc, dict) or doc.get("format") not in kinds:
            raise fail([f"{path}: format: not a plan file or a contact log"])
    if isinstance(docs[0], dict):
        # The plan was made from the places as geocoded; the checker reads the same ones.
        docs[0] = _placed(team_file, docs[0])
    report = check_plan(docs[0], docs[1], week_start=week, history=docs[2:])
    typer.echo(format_report(report))
    raise typer.Exit(1 if report.unexcused else 0)


@bench_app.callback(invoke_without_command=True)
def bench(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option(help="Markdown results table to write.")] = Path("docs/benchmarks.md"),
    limits: Annotated[str, typer.Option(help="Comma-separated time limits (s).")] = "5,30,120",
    quick: Annotated[bool, typer.Option(help="Small team and 5 s only: a smoke run.")] = False,
) -> None:
    """Fixture teams against the greedy baseline, a scaling curve and a re-plan."""
    if ctx.invoked_subcommand is not None:
        return
    seconds = [float(x) for x in limits.split(",") if x.strip()]
    text = bench_teams.run_all(limits=seconds, quick=quick, echo=lambda m: console.print(m))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    typer.echo(text)


@bench_app.command("makeup")
def bench_makeup(
    out: Annotated[Path, typer.Option(help="Markdown results to write.")] = Path("docs/makeup_benchmark.md"),
    team: Annotated[str, typer.Option(help="Sample team: small, standard or large.")] = "standard",
    no_shows: Annotated[int, typer.Option(help="Visits Monday to Wednesday recorded as no-shows.")] = 10,
    replan_limit: Annotated[float, typer.Option(help="Seconds for the re-plan from Thursday.")] = 4.0,
    baseline_limit: Annotated[float, typer.Option(help="Seconds for the week's first plan.")] = 10.0,
) -> None:
    """Missed visits made up: no-shows Monday to Wednesday, the rest of the week re-planned from Thursday."""
    for limit in (replan_limit, baseline_limit):
        _check_time_limit(limit)
    run = makeup.run_makeup(team, baseline_limit=baseline_limit, replan_limit=replan_limit, no_shows=no_shows)
    text = makeup.format_makeup(run, bench_teams.machine())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    typer.echo(text)


@bench_app.command("weeks")
def bench_weeks(
    out: Annotated[Path, typer.Option(help="Markdown results to write.")] = Path(
        "docs/multiweek_benchmark.md"
    ),
    team: Annotated[str, typer.Option(help="Sample team: small, standard or large.")] = "standard",
    weeks: Annotated[int, typer.Option(min=1, max=MAX_WEEKS, help="Weeks planned ahead.")] = MAX_WEEKS,
    time_limit: Annotated[float, typer.Option(help="Seconds of search a week.")] = 10.0,
) -> None:
    """A plan of several weeks ahead against one week's time, checked with history."""
    _check_time_limit(time_limit)
    _check_out(out)
    echo = lambda m: console.print(m, highlight=False)  # noqa: E731
    run = multiweek.run_weeks(team, weeks=weeks, time_limit=time_limit, echo=echo)
    text = multiweek.format_weeks(run, bench_teams.machine())
    out.write_text(text)
    typer.echo(text)


@bench_app.command("fidelity")
def bench_fidelity(
    out: Annotated[Path, typer.Option(help="Markdown results to write.")] = Path(
        "docs/fidelity_benchmark.md"
    ),
    team: Annotated[str, typer.Option(help="Sample team: small, standard or large.")] = "large",
    weeks: Annotated[int, typer.Option(min=1, max=52, help="Weeks of recorded contacts.")] = 12,
) -> None:
    """Fidelity from contacts over many weeks of recorded contacts, timed: the engine and the page."""
    from actplanner.web.app import create_app

    run = fidelity_bench.run_fidelity(team, weeks, make_app=create_app)
    text = fidelity_bench.format_fidelity(run, bench_teams.machine())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    typer.echo(text)


@bench_app.command("fairness")
def bench_fairness(
    out: Annotated[Path, typer.Option(help="Markdown results to write.")] = Path(
        "docs/fairness_benchmark.md"
    ),
    team: Annotated[str, typer.Option(help="Sample team: small, standard or large.")] = "standard",
    weeks: Annotated[int, typer.Option(min=1, max=26, help="Consecutive weeks planned.")] = 8,
    repeats: Annotated[int, typer.Option(min=1, max=50, help="Timed first plans each way.")] = 9,
) -> None:
    """On-call fairness over weeks planned with history against the same weeks without, timed."""
    from actplanner.bench import fairness as fairness_bench

    run = fairness_bench.run_fairness(team, weeks, repeats)
    text = fairness_bench.format_fairness(run, bench_teams.machine())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    typer.echo(text)


bench_app.command("recurring")(recurring_bench.command)
bench_app.command("roster")(roster_bench.command)
bench_app.command("spreadsheet")(spreadsheet_bench.command)


@bench_app.command("team-page")
def bench_team_page(
    out: Annotated[Path, typer.Option(help="Markdown results to write.")] = Path(
        "docs/team_page_benchmark.md"
    ),
    team: Annotated[str, typer.Option(help="Sample team: small, standard or large.")] = "large",
) -> None:
    """The team page of a sample team (default the large one), timed."""
    # The web app and its test client load for this benchmark only, not for every command.
    from actplanner.bench import team_page
    from actplanner.web.app import create_app

    text = team_page.format_team_page(team_page.run_team_page(create_app, team), bench_teams.machine())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    typer.echo(text)


@bench_app.command("today")
def bench_today(
    out: Annotated[Path, typer.Option(help="Markdown results to write.")] = Path("docs/today_benchmark.md"),
    team: Annotated[str, typer.Option(help="Sample team: small, standard or large.")] = "large",
    weeks: Annotated[int, typer.Option(min=1, max=52, help="Weeks of recorded contacts.")] = 12,
) -> None:
    """Today (the morning meeting page) with weeks of recorded contacts in the database, timed."""
    # The web app and its test client load for this benchmark only, not for every command.
    from actplanner.bench import today as today_bench
    from actplanner.web.app import create_app

    text = today_bench.format_today(today_bench.run_today(create_app, team, weeks), bench_teams.machine())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    typer.echo(text)


@bench_app.command("record")
def bench_record(
    out: Annotated[Path, typer.Option(help="Markdown results to write.")] = Path("docs/record_benchmark.md"),
    team: Annotated[str, typer.Option(help="Sample team: small, standard or large.")] = "large",
    weeks: Annotated[int, typer.Option(min=1, max=52, help="Weeks of recorded contacts.")] = 12,
    postgres: Annotated[
        str, typer.Option(help="PostgreSQL server URL to make a fresh database on; '' for SQLite only.")
    ] = "postgresql+psycopg://postgres@127.0.0.1:5432/test",
) -> None:
    """Recording contacts through the API and My day's form, timed on SQLite and PostgreSQL."""
    from actplanner.bench import record as record_bench
    from actplanner.web.app import create_app

    runs = record_bench.run_record(create_app, postgres=postgres or None, team_name=team, weeks=weeks)
    text = record_bench.format_record(runs, bench_teams.machine())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    typer.echo(text)


@bench_app.command("workers")
def bench_workers(
    db: Annotated[
        str,
        typer.Option(
            help="PostgreSQL URL. The benchmark makes a fresh database on that server and drops it "
            "afterwards; with --use-db it works in the database the URL names."
        ),
    ],
    solves: Annotated[int, typer.Option(help="Solves queued at once in each run.")] = 20,
    workers: Annotated[
        str, typer.Option(help="Comma-separated worker process counts, one run each.")
    ] = "1,2,4",
    time_limit: Annotated[float, typer.Option(help="Seconds per solve.")] = 3.0,
    kill: Annotated[bool, typer.Option(help="Also kill a worker mid-solve and follow its job.")] = True,
    use_db: Annotated[
        bool, typer.Option(help="Use the database the URL names (empty of sample teams).")
    ] = False,
    out: Annotated[Path, typer.Option(help="Markdown results table to write.")] = Path(
        "docs/scale_out_benchmark.md"
    ),
) -> None:
    """Solve workers as separate processes on one PostgreSQL: throughput, time-to-start, a killed worker."""
    counts = _worker_counts(workers)
    if solves < 1:
        raise fail(["--solves: at least one solve is needed"])
    _check_time_limit(time_limit)
    if make_url_or_none(db) is None or not db.startswith("postgresql"):
        raise fail([f"--db: {db!r} is not a PostgreSQL URL (postgresql://user@host/database)"])
    _check_out(out)
    echo = lambda m: console.print(m, highlight=False)  # noqa: E731
    command = f"actplanner bench workers --solves {solves} --workers {workers} --time-limit {time_limit:g}"
    try:
        with tempfile.TemporaryDirectory(prefix="actplanner-bench-workers-") as folder:
            database = nullcontext(db) if use_db else scale_out.fresh_database(db)
            with database as url:
                results = scale_out.run_benchmark(
                    url,
                    solves=solves,
                    worker_counts=counts,
                    time_limit=time_limit,
                    kill=kill,
                    folder=Path(folder),
                    echo=echo,
                    command=command,
                )
    except OperationalError as err:
        reason = (str(err.orig or err).strip().splitlines() or [type(err).__name__])[0]
        raise fail(
            [f"--db: cannot use {make_url(db).render_as_string(hide_password=True)}: {reason}"]
        ) from err
    except scale_out.BenchError as err:
        raise fail([str(err)]) from err
    text = scale_out.results_table(results)
    out.write_text(text)
    typer.echo(text)
    problems = results.problems()
    for problem in problems:
        console.print(f"[red]check failed:[/red] {problem}", highlight=False)
    raise typer.Exit(1 if problems else 0)


def _worker_counts(text: str) -> list[int]:
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise fail([f"--workers: {text!r} is not a comma-separated list of counts of 1 or more"])
    return counts


def make_url_or_none(text: str) -> URL | None:
    """The URL ``text`` names, None when it names none."""
    try:
        return make_url(text)
    except ArgumentError:
        return None


@bench_app.command("vrptw")
def bench_vrptw(
    files: Annotated[list[Path], typer.Argument(help="VRPTW instances (LKH-3 text format).")],
    time_limit: Annotated[float, typer.Option(help="Seconds per instance.")] = 30.0,
    seed: Annotated[int, typer.Option()] = 0,
    fmt: Annotated[str, typer.Option("--format", help="json (one object per line) or table.")] = "json",
    best_known: Annotated[
        Path | None, typer.Option(help="best_known.csv (default: beside the files).")
    ] = None,
) -> None:
    """The routing layer alone on VRPTW instances: distance, vehicles, gap to best known."""
    rows = []
    for path in files:
        known = best_known or path.parent / "best_known.csv"
        table = read_best_known(known) if known.exists() else {}
        row = run_instance(path, time_limit, seed, best_known=table)
        rows.append(row)
        if fmt == "json":
            typer.echo(json.dumps(row))
            sys.stdout.flush()
    if fmt != "json":
        typer.echo(format_summary(summarise(rows)))
