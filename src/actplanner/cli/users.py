"""Logins and their personal API tokens: ``user create``, ``user deactivate``, ``token create``.

Run on the server by whoever administers it, so the audit trail records these as
done by the system (no user). Passwords and tokens show once: only their hashes are stored.
"""

from __future__ import annotations

import secrets
from typing import Annotated

import typer

from actplanner.accounts.service import (
    create_api_token,
    create_login,
    deactivate_user,
    live_tokens,
    user_named,
)
from actplanner.cli.database import database_session
from actplanner.cli.output import console, fail, out

user_app = typer.Typer(help="Logins: team leads and staff.", no_args_is_help=True)
token_app = typer.Typer(help="Personal API tokens.", no_args_is_help=True)


def new_password() -> str:
    """A random password to show once, for a login made without one.

    Never starting with "-": pasted after a command-line option it would read as another option.
    """
    while (password := secrets.token_urlsafe(12)).startswith("-"):
        pass
    return password


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
    if role not in ("lead", "staff"):
        raise fail([f"--role: {role!r} not understood; expected lead or staff"])
    if role == "staff" and (staff_id is None or team is None):
        raise fail(["a staff login needs --team and --staff-id (the staff member it belongs to)"])
    generated = password is None
    password = password if password is not None else new_password()
    try:
        with database_session(write=True) as session:
            user, token = create_login(
                session=session,
                username=username,
                password=password,
                role=role,
                staff_id=staff_id,
                team_id=team,
                by=None,
            )
    except (ValueError, LookupError) as err:
        raise fail([str(err)]) from err
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
    with database_session(write=True) as session:
        user = user_named(session=session, username=username)
        if user is None:
            raise fail([f"no user {username!r}"])
        token = create_api_token(session=session, user_id=user.id, name=name, by=None)
    out.print(f"token: {token}", highlight=False)
    console.print("Shown once: keep it now; only its hash is stored.")


@user_app.command("deactivate")
def user_deactivate(username: Annotated[str, typer.Argument(help="The login name.")]) -> None:
    """Deactivate a login: no more sign-ins, and all its tokens (API, feeds, on-call links) revoked."""
    with database_session(write=True) as session:
        user = user_named(session=session, username=username)
        if user is None:
            raise fail([f"no user {username!r}"])
        revoked = len(live_tokens(session=session, user_id=user.id))
        deactivate_user(session=session, user_id=user.id, by=None)
    out.print(f"Deactivated [bold]{username}[/bold]; {revoked} token(s) revoked.", highlight=False)
