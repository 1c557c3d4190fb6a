"""``actplanner bench spreadsheet``: importing a 400-client team from a spreadsheet, timed (target ≤ 2 s).

The large sample team (380 clients) with 20 of its clients copied under new ids and
codes (400 clients, 46 staff) is exported as the app exports it: an .xlsx with the
staff and clients sheets, and the clients sheet as CSV. Each is imported into a
SQLite database of its own holding the team, through ``spreadsheets.service``: the
file read, the cells turned into the team file, ``load_team``'s checks and the
database write of ``teams.service.import_team``, as the page does. The table gives
the median and the slowest of several imports, and how long reading and checking
alone take (no database).
"""

from __future__ import annotations

import copy
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from actplanner.bench import teams as bench_teams
from actplanner.db import make_engine, make_sessionmaker, migrate
from actplanner.domain.formats import dump_team, load_team
from actplanner.resources import fixture_file
from actplanner.spreadsheets.service import import_team_sheets
from actplanner.spreadsheets.sheets import read_tables, write_csv, write_xlsx
from actplanner.spreadsheets.team_sheets import read_team, team_tables
from actplanner.teams.service import import_team

CLIENTS = 400
REPEATS = 5
TARGET_SECONDS = 2.0


@dataclass
class FileTiming:
    """One file's imports: its kind and size, and seconds to read and check, and to import whole."""

    name: str
    rows: int
    size: int
    check_median: float
    import_median: float
    import_max: float


def team_of(clients: int = CLIENTS) -> dict[str, Any]:
    """The large sample team with clients copied under new ids until it has ``clients``."""
    doc = dump_team(load_team(json.loads(fixture_file("large").read_text())))
    originals = list(doc["clients"])
    n = 0
    while len(doc["clients"]) < clients:
        copied = copy.deepcopy(originals[n % len(originals)])
        n += 1
        copied["id"], copied["code"] = f"c-copy-{n:03d}", f"COPY{n:03d}"
        doc["clients"].append(copied)
    del doc["clients"][clients:]
    return dump_team(load_team(doc))


def _timed(action: Callable[[], object], repeats: int) -> list[float]:
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return seconds


def run_spreadsheet(clients: int = CLIENTS, repeats: int = REPEATS) -> list[FileTiming]:
    """Time the imports of the team's workbook and of its clients CSV."""
    doc = team_of(clients)
    tables = team_tables(doc)
    name, headers, rows = next(t for t in tables if t[0] == "Clients")
    files = [
        ("Staff and clients (.xlsx)", "team.xlsx", write_xlsx(tables), len(doc["staff"]) + len(rows)),
        ("Clients (.csv)", "clients.csv", write_csv(headers, rows), len(rows)),
    ]
    timings = []
    with tempfile.TemporaryDirectory(prefix="actplanner-bench-spreadsheet-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        migrate(url=url)
        engine = make_engine(url)
        sessions = make_sessionmaker(engine)
        with sessions() as session:
            import_team(session=session, data=doc)
            session.commit()
        for label, filename, content, count in files:

            def check(content: bytes = content, filename: str = filename) -> None:
                _, errors, _ = read_team(read_tables(content, filename), doc)
                assert not errors, errors[:3]

            def whole(content: bytes = content, filename: str = filename) -> None:
                with sessions() as session:
                    import_team_sheets(
                        session=session, team_id=doc["team"]["id"], data=content, filename=filename
                    )
                    session.commit()

            checks = _timed(check, repeats)
            imports = _timed(whole, repeats)
            timings.append(
                FileTiming(
                    label,
                    count,
                    len(content),
                    statistics.median(checks),
                    statistics.median(imports),
                    max(imports),
                )
            )
        # The same team as a JSON team file through the JSON import: the part of the time both share.
        data = json.dumps(doc).encode()

        def json_import() -> None:
            with sessions() as session:
                import_team(session=session, data=data)
                session.commit()

        checks = _timed(lambda: load_team(data), repeats)
        imports = _timed(json_import, repeats)
        timings.append(
            FileTiming(
                "Team file (.json), for comparison",
                len(doc["staff"]) + len(doc["clients"]),
                len(data),
                statistics.median(checks),
                statistics.median(imports),
                max(imports),
            )
        )
        engine.dispose()
    return timings


def format_spreadsheet(timings: list[FileTiming], clients: int, repeats: int, machine: str) -> str:
    lines = [
        "# Spreadsheet import benchmark",
        "",
        f"`actplanner bench spreadsheet`: the large sample team with {clients} clients (20 copied under new",
        "ids) exported as the app exports it, then imported through the spreadsheet import into a SQLite",
        "database holding the team: read, cells to the team file, `load_team`'s checks, and the write of",
        f"`teams.service.import_team`. Median and slowest of {repeats} imports each; target ≤ "
        f"{TARGET_SECONDS:g} s.",
        "The JSON team file's row is the same team through the JSON import (`teams.service.import_team`",
        "alone): the database write both imports share is most of either's time; reading the sheets and",
        "their cells is the spreadsheet's own part (the read-and-check column less `load_team`'s).",
        "",
        f"Machine: {machine}.",
        "",
        "| File | Rows | Size | Read and check (median) | Import (median) | Import (slowest) | Target |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for t in timings:
        met = "met" if t.import_max <= TARGET_SECONDS else "missed"
        lines.append(
            f"| {t.name} | {t.rows} | {t.size / 1024:.0f} kB | {t.check_median:.2f} s | "
            f"{t.import_median:.2f} s | {t.import_max:.2f} s | {met} |"
        )
    return "\n".join(lines) + "\n"


def command(
    out: Annotated[Path, typer.Option(help="Markdown results to write.")] = Path(
        "docs/spreadsheet_benchmark.md"
    ),
    clients: Annotated[int, typer.Option(min=1, max=5000, help="Clients in the team imported.")] = CLIENTS,
    repeats: Annotated[int, typer.Option(min=1, max=50, help="Imports timed per file.")] = REPEATS,
) -> None:
    """Importing a 400-client team from a spreadsheet (.xlsx and CSV), timed against 2 s."""
    text = format_spreadsheet(run_spreadsheet(clients, repeats), clients, repeats, bench_teams.machine())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    typer.echo(text)
