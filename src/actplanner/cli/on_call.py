"""Who is on call, in a terminal, and the read-only on-call links: ``on-call``, ``on-call link …``.

The lookup reads the published plans with the lead's overrides straight from the
database, so it answers when the web server or the worker is down; it never
migrates the database (a read in a crisis changes nothing).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy.orm import Session

from actplanner.accounts.service import user_named
from actplanner.cli.database import database_session
from actplanner.cli.output import console, fail, out
from actplanner.on_call.document import iso, on_call_document
from actplanner.on_call.links import create_on_call_link, on_call_links, revoke_on_call_link
from actplanner.on_call.service import OnCallAnswer, moment_words, on_call_now
from actplanner.teams.service import list_teams

on_call_app = typer.Typer(help="Who is on call, and read-only on-call links.")
link_app = typer.Typer(
    help="Read-only on-call links for an answering service or a kiosk.", no_args_is_help=True
)
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
    if ctx.invoked_subcommand is not None:
        return
    try:
        with database_session(write=False) as session:
            answer = on_call_now(session=session, team_id=_only_team(session, team), at_text=at)
    except ValueError as err:
        raise fail([f"--{err}"]) from err
    except LookupError as err:
        raise fail([str(err)]) from err
    if as_json:
        typer.echo(json.dumps(on_call_document(answer), indent=2))
        return
    _print_on_call(answer)


def _only_team(session: Session, team: str | None) -> str:
    """The team asked for, or the database's only team."""
    if team is not None:
        return team
    teams = [found.id for found in list_teams(session=session)]
    if len(teams) == 1:
        return teams[0]
    if not teams:
        raise fail(["no teams in the database: import a team file first"])
    raise fail([f"--team: the database has several teams ({', '.join(teams)}); name one"])


def _when(instant: datetime | None) -> str:
    return moment_words(instant) if instant is not None else "–"


def _print_on_call(answer: OnCallAnswer) -> None:
    out.print(f"[bold]On call · {answer.team_name}[/bold]  {answer.at:%a %d %b %Y %H:%M %Z}", highlight=False)
    # Tonight's answer comes first: only a gap that has begun goes above it; one ahead is a line below.
    # The same words as the pages: a gap to the end of the look-ahead has no (moving) end time.
    # Those lines wrap at the terminal's width (soft_wrap off) rather than run past 80 columns.
    now = [gap for gap in answer.primary_gaps if gap.start <= answer.at]
    ahead = [gap for gap in answer.primary_gaps if gap.start > answer.at]
    for gap in now:
        out.print(
            f"[bold red]No primary on call {escape(gap.words)}[/bold red]", highlight=False, soft_wrap=False
        )
    table = Table(show_header=True, header_style="bold")
    for column in ("role", "on call", "phone", "since", "until", "next", "from"):
        # Wrap, never cut with "…": a name or role shown in part is misread at 2 a.m.
        table.add_column(column, overflow="fold")
    # A phone number cut short at 80 columns is a wrong number at 2 a.m.: the phone column is as
    # wide as its longest number and never wraps; the other columns give way.
    phones = [len(r.holder.phone or "") for r in answer.roles if r.holder]
    phone = table.columns[2]
    phone.no_wrap, phone.min_width = True, max([5, *phones])
    for role in answer.roles:
        holder = role.holder
        table.add_row(
            role.role,
            holder.name if holder else "[red]nobody[/red]",
            (holder.phone or "") if holder else "",
            _when(role.since),
            _when(role.until),
            role.next.name if role.next else "–",
            _when(role.next_from),
        )
    out.print(table)
    out.print("[bold]If nobody answers, call in this order[/bold]")
    for step in answer.escalation:
        who = f"{step.person.name} {step.person.phone or ''}" if step.person else "[red]nobody[/red]"
        out.print(f"  {step.step}. {step.role}: {who}", highlight=False)
    for gap in ahead:
        out.print(
            f"[red]Ahead: no primary on call {escape(gap.words)}[/red]", highlight=False, soft_wrap=False
        )
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
    try:
        with database_session(write=True) as session:
            owner = user_named(session=session, username=by)
            if owner is None:
                raise fail([f"--by: no user {by!r}"])
            link = create_on_call_link(
                session=session, team_id=team, name=name, owner_id=owner.id, user_id=None
            )
    except (ValueError, LookupError) as err:
        raise fail([str(err)]) from err
    out.print(f"link {link.id}: /on-call/t/{link.token}", highlight=False)
    console.print("Put the server's address in front. Shown once: only the token's hash is stored.")


@link_app.command("list")
def link_list(team: Annotated[str, typer.Option(help="The team.")]) -> None:
    """The team's live read-only on-call links (never their tokens)."""
    with database_session(write=False) as session:
        links = on_call_links(session=session, team_id=team)
    table = Table("id", "for", "made by", "created (UTC)", "last used (UTC)")
    for link in links:
        used = f"{link.last_used_at:%Y-%m-%d %H:%M}" if link.last_used_at else "never"
        table.add_row(str(link.id), link.name, link.created_by, f"{link.created_at:%Y-%m-%d %H:%M}", used)
    out.print(table)


@link_app.command("revoke")
def link_revoke(
    link_id: Annotated[int, typer.Argument(help="The link's id (from `on-call link list`).")],
) -> None:
    """Revoke a read-only on-call link: it opens nothing from now on."""
    try:
        with database_session(write=True) as session:
            revoke_on_call_link(session=session, link_id=link_id, user_id=None)
    except LookupError as err:
        raise fail([str(err)]) from err
    out.print(f"Revoked on-call link {link_id}.", highlight=False)
