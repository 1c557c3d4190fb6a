"""Load-test the on-call lookup: latency at a fixed request rate, alone and while a solve runs.

    python scripts/on_call_load.py [--rate 200] [--seconds 20] [--out docs/on_call_load.md]

Bounded in time and loopback only. Starts ``actplanner serve`` (one web process,
one solve worker, as in production) on a temporary SQLite database with the
standard sample team and a published plan, then drives it from this process with
an open-loop load: requests leave on a fixed schedule whatever the answers do, and
each latency is counted from the moment its request was due, so a stalled server
shows as latency rather than as fewer requests (no coordinated omission).

Phases, each ``--seconds`` long at ``--rate`` requests/s:

1. ``GET /static/app.css`` alone: the baseline, the same server doing the least it can;
2. ``GET /api/v1/on-call?at=…`` alone (``at`` walks the published week minute by minute);
3. the same while a solve of the standard team's next week runs in the worker.

Prints and writes p50/p95/p99/max per phase, their ratio to the baseline, errors, and
the machine. The issue's target: on-call p99 ≤ 20 ms in phases 2 and 3.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from actplanner.bench.teams import WEEK, plan_team
from actplanner.cli.server import demo_setup, demo_team
from actplanner.db import make_engine, make_sessionmaker
from actplanner.planning.plans import publish_plan, save_plan

BASELINE = "baseline: GET /static/app.css"
NEXT_WEEK = (WEEK + timedelta(days=7)).isoformat()
TARGET_P99_MS = 20.0


@dataclass
class Phase:
    name: str
    latencies: list[float]
    errors: int
    #: CPU time the web server process used per request (user + system), in ms.
    server_cpu_ms: float = float("nan")

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def web_processes(root: int) -> list[int]:
    """``actplanner serve`` and its web server processes: its process tree without the solve worker."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"actplanner.planning.worker" not in cmdline:
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, grew = {root}, True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in tree}
        grew = not found <= tree
        tree |= found
    return sorted(tree)


def tree_cpu_seconds(root: int) -> float:
    total = 0.0
    for pid in web_processes(root):
        try:
            total += cpu_seconds(pid)
        except OSError:
            pass
    return total


def measured(pid: int, base: str, token: str, paths: list[str], rate: float, name: str) -> Phase:
    """One phase of load, with the web server's CPU time per request (all its web processes)."""
    before = tree_cpu_seconds(pid)
    phase = asyncio.run(drive(base, token, paths, rate))
    phase.server_cpu_ms = (tree_cpu_seconds(pid) - before) * 1000 / max(1, len(phase.latencies))
    phase.name = name
    print(f"{name}: done")
    return phase


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def publish_week(url: str, team: str) -> None:
    """A greedy plan of the standard team for the benchmark week, published."""
    doc, _first, _plan = plan_team(demo_team(), 5.0, greedy=True)
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine).begin() as session:
            plan = save_plan(session=session, team_id=team, plan_file=doc, source="solve")
            publish_plan(session=session, plan_id=plan.id, user_id=None)
    finally:
        engine.dispose()


def on_call_paths(count: int) -> list[str]:
    """Lookups at successive minutes of the published week (team-local, with the offset)."""
    start = datetime(WEEK.year, WEEK.month, WEEK.day, 0, 0, tzinfo=UTC) + timedelta(hours=6)
    return [
        "/api/v1/on-call?at=" + (start + timedelta(minutes=i % (7 * 1440))).strftime("%Y-%m-%dT%H:%M:%SZ")
        for i in range(count)
    ]


CONNECTIONS = 16


async def drive(base: str, token: str, paths: list[str], rate: float) -> Phase:
    """Send ``paths`` at ``rate`` per second on a fixed schedule; latency from each request's due time.

    Plain HTTP/1.1 on ``CONNECTIONS`` keep-alive connections, written by hand: a
    full client library costs milliseconds of CPU per request on this side of the
    loopback, on the same two cores as the server, and would be measured too.
    """
    host, port = base.removeprefix("http://").split(":")
    queue: asyncio.Queue[tuple[str, float] | None] = asyncio.Queue()
    latencies: list[float] = []
    errors = 0

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while (item := await queue.get()) is not None:
                path, due = item
                writer.write(
                    f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\r\n".encode()
                )
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
                if not head.startswith(b"HTTP/1.1 200"):
                    errors += 1
                latencies.append((time.perf_counter() - due) * 1000)
        finally:
            writer.close()

    workers = [asyncio.create_task(connection()) for _ in range(CONNECTIONS)]
    # Warm up each connection and the server's caches; not counted.
    now = time.perf_counter()
    for _ in range(2 * CONNECTIONS):
        queue.put_nowait((paths[0], now))
    while len(latencies) < 2 * CONNECTIONS:
        await asyncio.sleep(0.01)
    latencies.clear()
    errors = 0
    begin = time.perf_counter() + 0.05
    for i, path in enumerate(paths):
        due = begin + i / rate
        wait = due - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        queue.put_nowait((path, due))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return Phase("", latencies, errors)


def wait_for_server(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(base + "/login", timeout=2)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise SystemExit("the server did not start within 60 s") from None
            time.sleep(0.2)


def start_solve(base: str, token: str, team: str, time_limit: float) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    response = httpx.post(
        f"{base}/api/v1/teams/{team}/solves",
        json={"week_start": NEXT_WEEK, "time_limit": time_limit},
        headers=headers,
    )
    response.raise_for_status()
    job = response.json()["id"]
    deadline = time.monotonic() + 30
    while httpx.get(f"{base}/api/v1/jobs/{job}", headers=headers).json()["status"] != "running":
        if time.monotonic() > deadline:
            raise SystemExit("the solve did not start within 30 s")
        time.sleep(0.1)
    # Past the first plan, into the search that keeps a core busy.
    time.sleep(2)
    return job


def stop_solve(base: str, token: str, job: int) -> None:
    """Stop the solve and wait until its worker has let go, so nothing outlives the run."""
    headers = {"Authorization": f"Bearer {token}"}
    httpx.post(f"{base}/api/v1/jobs/{job}/stop", headers=headers).raise_for_status()
    deadline = time.monotonic() + 60
    while job_status(base, token, job) in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.2)


def job_status(base: str, token: str, job: int) -> str:
    return httpx.get(f"{base}/api/v1/jobs/{job}", headers={"Authorization": f"Bearer {token}"}).json()[
        "status"
    ]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def report(phases: list[Phase], args: argparse.Namespace, solve_status: str) -> str:
    baseline = phases[0]
    lines = [
        "# On-call lookup under load",
        "",
        f"Written by `python scripts/on_call_load.py --rate {args.rate:g} --seconds {args.seconds:g} "
        f"--workers {args.workers}` "
        f"on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.",
        "",
        f"Machine: {machine()}. Server: `actplanner serve --workers {args.workers}` ({args.workers} web "
        "process(es) and one solve worker at lower CPU priority), SQLite, the standard team with one "
        "published week. The load comes from another process on loopback, open loop: each latency "
        "counts from when its request was due. Server CPU counts every web process, not the solver.",
        "",
        "| phase | requests | errors | p50 ms | p95 ms | p99 ms | max ms | p99 / baseline p99 "
        "| server CPU ms / request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for phase in phases:
        lines.append(
            f"| {phase.name} | {len(phase.latencies)} | {phase.errors} "
            f"| {statistics.median(phase.latencies):.1f} "
            f"| {phase.percentile(0.95):.1f} | {phase.percentile(0.99):.1f} | {max(phase.latencies):.1f} "
            f"| {phase.percentile(0.99) / baseline.percentile(0.99):.2f} | {phase.server_cpu_ms:.2f} |"
        )
    verdicts = [
        f"{p.name}: p99 {p.percentile(0.99):.1f} ms "
        f"{'meets' if p.percentile(0.99) <= TARGET_P99_MS else 'MISSES'} the {TARGET_P99_MS:g} ms target"
        for p in phases[1:]
    ]
    lines += [
        "",
        *(f"- {v}" for v in verdicts),
        f"- the solve was {solve_status} when the last phase ended",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    parser.add_argument("--out", type=Path, default=Path("docs/on_call_load.md"))
    parser.add_argument(
        "--workers", type=int, default=2, help="web server processes (README's production setup: 2)"
    )
    args = parser.parse_args()
    if not (0 < args.rate <= 2000 and 0 < args.seconds <= 300):
        raise SystemExit("--rate must be in (0, 2000] and --seconds in (0, 300]")
    count = int(args.rate * args.seconds)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'load.sqlite3'}"
        created = demo_setup(url)
        token = next(u for u in created["users"] if u["role"] == "lead")["token"]
        publish_week(url, created["team"])
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, ACTPLANNER_DATABASE_URL=url, ACTPLANNER_SECRET_KEY=secrets.token_hex(32))
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "actplanner.cli.main",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(args.workers),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for_server(base)
            phases = [
                measured(server.pid, base, token, ["/static/app.css"] * count, args.rate, BASELINE),
                measured(server.pid, base, token, on_call_paths(count), args.rate, "on-call API, alone"),
            ]
            job = start_solve(base, token, created["team"], time_limit=args.seconds + 60)
            phases.append(
                measured(
                    server.pid,
                    base,
                    token,
                    on_call_paths(count),
                    args.rate,
                    "on-call API, while a solve runs",
                )
            )
            solve_status = job_status(base, token, job)
            stop_solve(base, token, job)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    text = report(phases, args, solve_status)
    print(text)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
