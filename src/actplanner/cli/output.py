"""How commands talk: tables and results on stdout, progress and errors on stderr, exit 2 for bad input."""

from __future__ import annotations

import typer
from rich.console import Console

#: Progress, notes and errors: a pipe of the results stays clean.
console = Console(stderr=True)
#: What a command answers (tables, tokens), for the terminal or a pipe.
out = Console(soft_wrap=True)

EXIT_BAD_INPUT = 2


def fail(messages: list[str]) -> typer.Exit:
    """Print each message as an error; the exit (code 2) for the caller to raise."""
    for line in messages:
        console.print(f"[red]error:[/red] {line}", highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_BAD_INPUT)
