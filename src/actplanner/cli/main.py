"""The ``actplanner`` command: plan and check weeks, run the benchmarks, serve the web app and workers."""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from actplanner.bench import teams as bench_mod
from actplanner.checker import check as check_plan
from actplanner.checker import format_report
from actplanner.domain.adapter import to_plan_file, to_problem
from actplanner.domain.formats import FormatError, dump_plan, load_plan, load_team, parse_week_start

app = typer.Typer(help="Visit rosters, routes and on-call rotas for ACT teams.", no_args_is_help=True)
bench_app = typer.Typer(help="Measure the planner (writes a results table).")
app.add_typer(bench_app, name="bench")
console = Console(stderr=True)

EXIT_BAD_INPUT = 2


def _fail(messages: list[str]) -> typer.Exit:
    for line in messages:
        console.print(f"[red]error:[/red] {line}", highlight=False)
    return typer.Exit(EXIT_BAD_INPUT)


def _read(path: Path, loader):  # noqa: ANN001, ANN202 - loader is load_team or load_plan
    try:
        return loader(path.read_bytes())
    except FileNotFoundError as err:
        raise _fail([f"{path}: no such file"]) from err
    except FormatError as err:
        raise _fail([f"{path}: {m}" for m in err.messages]) from err


@app.command()
def plan(
    team_file: Annotated[Path, typer.Argument(help="Team file (actplanner/team@1 JSON).")],
    week: Annotated[str, typer.Option(help="Monday the week starts, YYYY-MM-DD.")],
    out: Annotated[Path, typer.Option(help="Where to write the plan file.")] = Path("plan.json"),
    time_limit: Annotated[float, typer.Option(help="Seconds to search.")] = 30.0,
    seed: Annotated[int, typer.Option(help="Random seed; same seed and limit, same plan.")] = 0,
    baseline: Annotated[
        Path | None, typer.Option(help="Re-plan from this plan file, moving few visits.")
    ] = None,
    from_date: Annotated[
        str | None,
        typer.Option("--from", help="Keep the baseline's visits before this date exactly."),
    ] = None,
    greedy: Annotated[bool, typer.Option(help="Cheapest insertion only (the baseline).")] = False,
) -> None:
    """Plan one week for a team and write the plan file."""
    from solver import SolveParams, solve

    team = _read(team_file, load_team)
    try:
        week_start = parse_week_start(week, field="--week")
        start_from = _parse_date(from_date, "--from") if from_date else None
    except ValueError as err:
        raise _fail([str(err)]) from err
    if start_from is not None:
        if baseline is None:
            raise _fail(["--from: only means something with --baseline (the plan to keep)"])
        if not week_start <= start_from <= week_start + timedelta(days=6):
            raise _fail([f"--from: {start_from} is not in the week of {week_start}"])
    old = _read(baseline, load_plan) if baseline else None
    if old is not None and (old.team != team.team.id or old.week_start != week_start.isoformat()):
        raise _fail([f"{baseline}: team/week_start ({old.team}, {old.week_start}) do not match the request"])
    problem = to_problem(team, week_start, baseline=old, from_date=start_from)
    result = _solve_with_progress(
        problem, SolveParams(time_limit=time_limit, seed=seed, greedy_only=greedy), solve
    )
    plan_file = to_plan_file(result, team, week_start)
    out.write_text(json.dumps(dump_plan(plan_file), indent=2) + "\n")
    _summary(result, out)


def _parse_date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as err:
        raise ValueError(f'{field}: "{text}" is not a date (YYYY-MM-DD)') from err


def _solve_with_progress(problem, params, solve):  # noqa: ANN001, ANN202
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


@app.command()
def check(
    team_file: Annotated[Path, typer.Argument(help="Team file.")],
    plan_file: Annotated[Path, typer.Argument(help="Plan file to check against it.")],
    week: Annotated[str | None, typer.Option(help="Week the plan must be for.")] = None,
) -> None:
    """Check a plan against the hard rules H1–H12; exit 1 on any unexcused violation."""
    docs = []
    for path in (team_file, plan_file):
        try:
            docs.append(json.loads(path.read_bytes()))
        except FileNotFoundError as err:
            raise _fail([f"{path}: no such file"]) from err
        except json.JSONDecodeError as err:
            raise _fail([f"{path}: not JSON ({err.msg} at line {err.lineno})"]) from err
    report = check_plan(docs[0], docs[1], week_start=week)
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
    text = bench_mod.run_all(limits=seconds, quick=quick, echo=lambda m: console.print(m))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    typer.echo(text)


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
    from actplanner.bench.vrptw import format_summary, read_best_known, run_instance, summarise

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


# The web app, its solve workers and its accounts. Commands on the database read
# its URL from ACTPLANNER_DATABASE_URL (actplanner.settings) and migrate it first.

user_app = typer.Typer(help="Logins: team leads and staff.", no_args_is_help=True)
token_app = typer.Typer(help="Personal API tokens.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")
out = Console(soft_wrap=True)

DEMO_DB = Path("actplanner-demo.sqlite3")
DEMO_TEAM = "standard"
#: Seconds a worker gets to save its best plan after SIGTERM before it is interrupted, then killed.
WORKER_GRACE_SECONDS = 15.0
INTERRUPT_SECONDS = 5.0
WEB_APP = "actplanner.web.app:create_app"


def _database(url: str | None = None):  # noqa: ANN202 - a sessionmaker and the engine to dispose
    from actplanner.db import make_engine, make_sessionmaker, migrate
    from actplanner.settings import get_settings

    url = url or get_settings().database_url
    migrate(url)
    engine = make_engine(url)
    return make_sessionmaker(engine), engine


def _user_named(session, username: str):  # noqa: ANN001, ANN202 - a Session; a User or None
    """The login called ``username`` (spaces around it ignored), or None."""
    from sqlalchemy import select

    from actplanner.db import User

    return session.scalars(select(User).where(User.username == username.strip())).one_or_none()


def _new_password() -> str:
    return secrets.token_urlsafe(12)


@user_app.command("create")
def user_create(
    username: Annotated[str, typer.Argument(help="The login name.")],
    role: Annotated[str, typer.Option(help="lead or staff.")],
    staff_id: Annotated[
        str | None, typer.Option(help="The staff member this login belongs to (staff: required).")
    ] = None,
    team: Annotated[str | None, typer.Option(help="The team of the login.")] = None,
    password: Annotated[
        str | None, typer.Option(help="The password; a random one is made and shown once when left out.")
    ] = None,
) -> None:
    """Create a login and a personal API token; the password (when generated) and the token show once."""
    from actplanner.accounts import service as accounts
    from actplanner.audit import service as audit_log

    if role not in ("lead", "staff"):
        raise _fail([f"--role: {role!r} not understood; expected lead or staff"])
    if role == "staff" and (staff_id is None or team is None):
        raise _fail(["a staff login needs --team and --staff-id (the staff member it belongs to)"])
    generated = password is None
    password = password if password is not None else _new_password()
    factory, engine = _database()
    try:
        with factory.begin() as session:
            user = accounts.create_user(
                session=session,
                username=username,
                password=password,
                role=role,
                staff_id=staff_id,
                team_id=team,
            )
            token = accounts.create_token(session=session, user_id=user.id, name="personal")
            audit_log.audit(session=session, user_id=None, action="create_user", target=f"user:{user.id}")
    except (ValueError, LookupError) as err:
        raise _fail([str(err)]) from err
    finally:
        engine.dispose()
    out.print(f"[green]Created[/green] {role} [bold]{user.username}[/bold]", highlight=False)
    if generated:
        out.print(f"password: {password}", highlight=False)
    out.print(f"token: {token}", highlight=False)
    console.print("Shown once: keep them now; only their hashes are stored.")


@token_app.command("create")
def token_create(
    username: Annotated[str, typer.Argument(help="Whose token.")],
    name: Annotated[str, typer.Option(help="What the token is for (shown when revoking).")] = "personal",
) -> None:
    """Create a personal API token for a login; the token shows once."""

    from actplanner.accounts import service as accounts
    from actplanner.audit import service as audit_log

    factory, engine = _database()
    try:
        with factory.begin() as session:
            user = _user_named(session, username)
            if user is None:
                raise _fail([f"no user {username!r}"])
            token = accounts.create_token(session=session, user_id=user.id, name=name)
            audit_log.audit(session=session, user_id=None, action="create_token", target=f"user:{user.id}")
    finally:
        engine.dispose()
    out.print(f"token: {token}", highlight=False)
    console.print("Shown once: keep it now; only its hash is stored.")


@user_app.command("deactivate")
def user_deactivate(username: Annotated[str, typer.Argument(help="The login name.")]) -> None:
    """Deactivate a login: no more sign-ins, and all its tokens (API, feeds, on-call links) revoked."""

    from actplanner.accounts import service as accounts

    factory, engine = _database()
    try:
        with factory.begin() as session:
            user = _user_named(session, username)
            if user is None:
                raise _fail([f"no user {username!r}"])
            revoked = len(accounts.live_tokens(session=session, user_id=user.id))
            accounts.deactivate_user(session=session, user_id=user.id, by=None)
    finally:
        engine.dispose()
    out.print(f"Deactivated [bold]{username}[/bold]; {revoked} token(s) revoked.", highlight=False)


# Who is on call: the published plans with the lead's overrides, read straight from the database,
# so it answers in a terminal when the web server or the worker is down.

on_call_app = typer.Typer(help="Who is on call, and read-only on-call links.")
link_app = typer.Typer(
    help="Read-only on-call links for an answering service or a kiosk.", no_args_is_help=True
)
app.add_typer(on_call_app, name="on-call")
on_call_app.add_typer(link_app, name="link")


@on_call_app.callback(invoke_without_command=True)
def on_call(
    ctx: typer.Context,
    at: Annotated[
        str | None,
        typer.Option(help="The moment, ISO 8601 (with an offset or Z; without, the team's local time)."),
    ] = None,
    team: Annotated[str | None, typer.Option(help="The team; needed when the database has several.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON document.")] = False,
) -> None:
    """Who is on call now (or --at) for each role, with phones, the escalation order and any gap ahead."""
    from zoneinfo import ZoneInfo

    from actplanner.on_call import service as on_call
    from actplanner.on_call.document import on_call_document, parse_at
    from actplanner.teams import service as teams

    if ctx.invoked_subcommand is not None:
        return
    factory, engine = _database()
    try:
        with factory() as session:
            team_id = _only_team(session, team)
            found = teams.get_team(session=session, team_id=team_id)
            moment = parse_at(at, ZoneInfo(found.timezone)) if at is not None else None
            answer = on_call.on_call_now(session=session, team_id=team_id, at=moment)
    except ValueError as err:
        raise _fail([f"--{err}"]) from err
    except LookupError as err:
        raise _fail([str(err)]) from err
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps(on_call_document(answer), indent=2))
        return
    _print_on_call(answer)


def _only_team(session, team: str | None) -> str:  # noqa: ANN001 - a Session
    """The team asked for, or the database's only team."""
    from sqlalchemy import select

    from actplanner.db import Team

    if team is not None:
        return team
    teams = list(session.scalars(select(Team.id).order_by(Team.id)))
    if len(teams) == 1:
        return teams[0]
    if not teams:
        raise _fail(["no teams in the database: import a team file first"])
    raise _fail([f"--team: the database has several teams ({', '.join(teams)}); name one"])


def _print_on_call(answer) -> None:  # noqa: ANN001 - an OnCallAnswer
    from actplanner.on_call.document import iso

    def when(instant) -> str:  # noqa: ANN001
        return f"{instant:%a %d %b %H:%M}" if instant is not None else "–"

    out.print(f"[bold]On call · {answer.team_name}[/bold]  {answer.at:%a %d %b %Y %H:%M %Z}", highlight=False)
    for start, end in answer.primary_gaps:
        out.print(
            f"[bold red]No primary on call from {when(start)} to {when(end)}[/bold red]", highlight=False
        )
    table = Table(show_header=True, header_style="bold")
    for column in ("role", "on call", "phone", "since", "until", "next", "from"):
        table.add_column(column)
    for role in answer.roles:
        holder = role.holder
        table.add_row(
            role.role,
            holder.name if holder else "[red]nobody[/red]",
            (holder.phone or "") if holder else "",
            when(role.since),
            when(role.until),
            role.next.name if role.next else "–",
            when(role.next_from),
        )
    out.print(table)
    out.print("[bold]If nobody answers, call in this order[/bold]")
    for step in answer.escalation:
        who = f"{step.person.name} {step.person.phone or ''}" if step.person else "[red]nobody[/red]"
        out.print(f"  {step.step}. {step.role}: {who}", highlight=False)
    console.print(f"Answer for {iso(answer.at)} ({answer.timezone}).", highlight=False)


@link_app.command("create")
def link_create(
    team: Annotated[str, typer.Option(help="The team the link shows.")],
    by: Annotated[
        str, typer.Option(help="The team lead the link belongs to (deactivating them revokes it).")
    ],
    name: Annotated[str, typer.Option(help="Who the link is for.")] = "answering service",
) -> None:
    """Make a read-only on-call link; its token shows once."""
    from sqlalchemy import select

    from actplanner.accounts import service as accounts
    from actplanner.audit import service as audit_log
    from actplanner.db import ApiToken

    factory, engine = _database()
    try:
        with factory.begin() as session:
            user = _user_named(session, by)
            if user is None or user.role != "lead" or user.team_id not in (None, team):
                raise _fail([f"--by: {by!r} is not a team lead of {team!r}"])
            token = accounts.create_token(
                session=session, user_id=user.id, name=name, kind="on_call_link", team_id=team
            )
            token_id = session.scalar(
                select(ApiToken.id).where(ApiToken.token_hash == accounts.token_hash(token))
            )
            audit_log.audit(
                session=session,
                user_id=None,
                action="create_on_call_link",
                target=f"token:{token_id}",
                detail={"team": team, "name": name, "user": user.id},
            )
    except (ValueError, LookupError) as err:
        raise _fail([str(err)]) from err
    finally:
        engine.dispose()
    out.print(f"link {token_id}: /on-call/t/{token}", highlight=False)
    console.print("Put the server's address in front. Shown once: only the token's hash is stored.")


@link_app.command("list")
def link_list(team: Annotated[str, typer.Option(help="The team.")]) -> None:
    """The team's live read-only on-call links (never their tokens)."""
    from sqlalchemy import select

    from actplanner.db import ApiToken, User

    factory, engine = _database()
    try:
        with factory() as session:
            rows = session.execute(
                select(ApiToken.id, ApiToken.name, User.username, ApiToken.created_at, ApiToken.last_used_at)
                .join(User, User.id == ApiToken.user_id)
                .where(
                    ApiToken.team_id == team, ApiToken.kind == "on_call_link", ApiToken.revoked_at.is_(None)
                )
                .order_by(ApiToken.id)
            ).all()
    finally:
        engine.dispose()
    table = Table("id", "for", "made by", "created (UTC)", "last used (UTC)")
    for row in rows:
        used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never"
        table.add_row(str(row.id), row.name, row.username, f"{row.created_at:%Y-%m-%d %H:%M}", used)
    out.print(table)


@link_app.command("revoke")
def link_revoke(
    link_id: Annotated[int, typer.Argument(help="The link's id (from `on-call link list`).")],
) -> None:
    """Revoke a read-only on-call link: it opens nothing from now on."""
    from actplanner.accounts import service as accounts
    from actplanner.audit import service as audit_log
    from actplanner.db import ApiToken

    factory, engine = _database()
    try:
        with factory.begin() as session:
            row = session.get(ApiToken, link_id)
            if row is None or row.kind != "on_call_link":
                raise _fail([f"no on-call link {link_id}"])
            if row.revoked_at is None:
                accounts.revoke_token(session=session, token_id=row.id)
                audit_log.audit(
                    session=session,
                    user_id=None,
                    action="revoke_on_call_link",
                    target=f"token:{row.id}",
                    detail={"team": row.team_id, "name": row.name},
                )
    finally:
        engine.dispose()
    out.print(f"Revoked on-call link {link_id}.", highlight=False)


@app.command("worker")
def worker_command(
    once: Annotated[bool, typer.Option(help="Run the queued solve jobs, then exit.")] = False,
    poll: Annotated[float, typer.Option(help="Seconds between looks at an empty queue.")] = 0.5,
) -> None:
    """Run solve jobs queued by the web app; Ctrl-C stops the current one, keeping its best plan."""
    from actplanner.planning.worker import stop_on_signals, work_loop

    if poll <= 0:
        raise _fail(["--poll: must be positive"])
    _factory, engine = _database()
    engine.dispose()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    shutdown = threading.Event()
    with stop_on_signals(shutdown):
        ran = work_loop(poll_seconds=poll, once=once, shutdown=shutdown)
    console.print(f"{ran} solve job(s) run.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Web server processes.")] = 1,
    solve_workers: Annotated[int, typer.Option(help="Solve worker processes.")] = 1,
) -> None:
    """Run the web app and its solve workers on ACTPLANNER_DATABASE_URL (production)."""
    from actplanner.settings import get_settings

    _check_serve_options(port, workers, solve_workers)
    url = get_settings().database_url
    _factory, engine = _database(url)
    engine.dispose()
    _serve(url, host=host, port=port, workers=workers, solve_workers=solve_workers)


@app.command()
def demo(
    port: Annotated[int, typer.Option(help="Port to listen on (127.0.0.1 only).")] = 8000,
    db: Annotated[Path, typer.Option(help="SQLite database file (made when missing).")] = DEMO_DB,
    no_browser_hint: Annotated[bool, typer.Option(help="Print only the URL, no sign-in hint.")] = False,
) -> None:
    """Try it out: a SQLite database with the standard sample team, a lead and a staff login, the server."""
    _check_serve_options(port, 1, 1)
    if db.exists() and not db.is_file():
        raise _fail([f"--db: {db} is not a file"])
    url = f"sqlite:///{db.resolve()}"
    created = demo_setup(url)
    if created["team_created"]:
        console.print(f"Imported the sample team [bold]{created['team']}[/bold] into {db}.")
        console.print(
            f"Published a quick first plan for the week of {created['published_week']}: "
            "see On call, Feeds and My week; Generate on the board plans properly."
        )
    for user in created["users"]:
        out.print(
            f"[bold]{user['role']}[/bold] login: username {user['username']}  password {user['password']}"
            f"  API token {user['token']}",
            highlight=False,
        )
    if created["users"]:
        console.print("Passwords and tokens show once: only their hashes are stored.")
    site = f"http://127.0.0.1:{port}/"
    out.print(f"actplanner demo: {site}", highlight=False)
    if not no_browser_hint:
        console.print(f"Open {site} in a browser and sign in; Ctrl-C stops the demo.")
    _serve(url, host="127.0.0.1", port=port, workers=1, solve_workers=1)


def demo_setup(url: str) -> dict:
    """Migrate ``url``, import the standard sample team when absent, create the missing demo logins.

    Returns what it created: ``team``, ``team_created`` and ``users`` (each with
    ``username``, ``role``, ``staff_id``, ``password`` and ``token``, plain, shown
    once). A second call on the same database creates nothing.
    """
    from sqlalchemy import select

    from actplanner.accounts import service as accounts
    from actplanner.db import Team, User
    from actplanner.teams import service as teams

    factory, engine = _database(url)
    try:
        with factory.begin() as session:
            doc = _demo_team()
            team_id = doc["team"]["id"]
            team_created = session.get(Team, team_id) is None
            published_week = None
            if team_created:
                teams.import_team(session=session, data=doc)
                published_week = _publish_demo_week(session, team_id)
            team = teams.get_team(session=session, team_id=team_id)
            # A nurse sees visits every day of the week: the fullest "my week" page.
            member = next((s for s in team.staff if s.discipline == "nurse"), team.staff[0])
            users = []
            for username, role, staff_id in (("lead", "lead", None), ("staff", "staff", member.id)):
                if session.scalar(select(User.id).where(User.username == username)) is not None:
                    continue
                password = _new_password()
                user = accounts.create_user(
                    session=session,
                    username=username,
                    password=password,
                    role=role,
                    staff_id=staff_id,
                    team_id=team_id,
                )
                token = accounts.create_token(session=session, user_id=user.id, name="demo")
                users.append(
                    {
                        "username": username,
                        "role": role,
                        "staff_id": staff_id,
                        "password": password,
                        "token": token,
                    }
                )
    finally:
        engine.dispose()
    return {"team": team_id, "team_created": team_created, "users": users, "published_week": published_week}


def _publish_demo_week(session, team_id: str) -> date:  # noqa: ANN001 - a Session
    """Publish a quick (greedy) plan of this week, so On call, Feeds and My week show something at once."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import solver
    from actplanner.domain.adapter import to_plan_file, to_problem
    from actplanner.planning import plans
    from actplanner.teams import service as teams

    team = teams.team_file(session=session, team_id=team_id)
    today = datetime.now(ZoneInfo(team.team.timezone)).date()
    week = today - timedelta(days=today.weekday())
    plan = solver.solve(to_problem(team, week), solver.SolveParams(time_limit=10, greedy_only=True), None)
    saved = plans.save_plan(
        session=session, team_id=team_id, plan_file=to_plan_file(plan, team, week), source="solve"
    )
    plans.publish_plan(session=session, plan_id=saved.id, user_id=None)
    return week


def _demo_team() -> dict:
    import actplanner
    from actplanner.domain.demo_data import generate_team

    path = Path(actplanner.__file__).resolve().parents[2] / "fixtures" / f"{DEMO_TEAM}.json"
    if path.is_file():
        return json.loads(path.read_text())
    # Installed without the repository: the generator makes the same team.
    return generate_team(DEMO_TEAM)


def _check_serve_options(port: int, workers: int, solve_workers: int) -> None:
    if not 0 < port < 65536:
        raise _fail([f"--port: {port} is not a TCP port (1–65535)"])
    if workers < 1:
        raise _fail(["--workers: at least one web server process is needed"])
    if solve_workers < 0:
        raise _fail(["--solve-workers: must not be negative"])


def _serve(url: str, *, host: str, port: int, workers: int, solve_workers: int) -> None:
    """Start the solve workers, run the web app until Ctrl-C, then stop the workers."""
    import importlib.util

    import uvicorn

    from actplanner.db import get_engine
    from actplanner.settings import get_settings

    if importlib.util.find_spec("actplanner.web.app") is None:
        raise _fail(["the web app (actplanner.web.app) is not installed"])
    os.environ["ACTPLANNER_DATABASE_URL"] = url
    if "ACTPLANNER_SECRET_KEY" not in os.environ:
        # All web processes must sign with one key; a fresh one means sign-ins end with the server.
        os.environ["ACTPLANNER_SECRET_KEY"] = secrets.token_urlsafe(32)
        console.print(
            "[yellow]note:[/yellow] ACTPLANNER_SECRET_KEY is not set; sign-ins end when the server stops."
        )
    get_settings.cache_clear()
    get_engine.cache_clear()
    procs = start_workers(solve_workers)
    try:
        uvicorn.run(WEB_APP, factory=True, host=host, port=port, workers=workers)
    finally:
        stop_workers(procs)


def start_workers(count: int) -> list[subprocess.Popen]:
    """``count`` solve worker processes on this process's environment; they exit when it is gone."""
    command = [sys.executable, "-m", "actplanner.planning.worker", "--parent-pid", str(os.getpid())]
    # A session of their own: Ctrl-C in the terminal reaches the server only, and
    # stop_workers then asks each worker once to save its best plan and stop.
    return [subprocess.Popen(command, start_new_session=True) for _ in range(count)]


def stop_workers(procs: list[subprocess.Popen], grace: float = WORKER_GRACE_SECONDS) -> None:
    """SIGTERM each worker (its solve keeps its best plan); interrupt the slow, then kill the stuck."""
    for proc in procs:
        if proc.poll() is None:
            proc.terminate()
    for last, seconds in ((False, grace), (True, INTERRUPT_SECONDS)):
        deadline = time.monotonic() + seconds
        for proc in procs:
            try:
                proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                if not last:
                    # A second SIGTERM interrupts the solve; the worker marks its job failed.
                    proc.terminate()
                else:
                    # Its job's heartbeat stops; the next worker to start marks it failed.
                    proc.kill()
                    proc.wait()


if __name__ == "__main__":
    app()
