"""The ``actplanner`` command: plan and check weeks, run the benchmarks, serve the web app and workers.

Each command group lives in a module of its own; this one only puts them together,
in the order ``actplanner --help`` lists them.
"""

from __future__ import annotations

import typer

from actplanner.cli import backup, contacts, on_call, plans, server, users
from actplanner.cli.fidelity import fidelity_command

app = typer.Typer(help="Visit rosters, routes and on-call rotas for ACT teams.", no_args_is_help=True)
app.command()(plans.plan)
app.command()(plans.check)
app.command("fidelity")(fidelity_command)
app.add_typer(plans.bench_app, name="bench")
app.add_typer(users.user_app, name="user")
app.add_typer(users.token_app, name="token")
app.add_typer(on_call.on_call_app, name="on-call")
app.add_typer(contacts.contacts_app, name="contacts")
app.command("worker")(server.worker_command)
app.command()(server.serve)
app.command()(server.demo)
app.command()(backup.backup)
app.command()(backup.restore)

if __name__ == "__main__":
    app()
