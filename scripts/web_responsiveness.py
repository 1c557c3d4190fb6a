"""Measure the web app while a solve runs: how soon progress shows after Generate, and
how the server's response time holds. Bounded in time; talks to 127.0.0.1 only.

    python scripts/web_responsiveness.py [--time-limit 30] [--samples 150]

Starts ``actplanner serve`` (one web process, one solve worker) on a temporary SQLite
database with the standard sample team, signs in as the lead, then:

1. samples GET /board (a full page: database reads and template rendering) while idle;
2. presses Generate the way the page does (POST /board/generate with the CSRF token)
   and polls the progress fragment every 20 ms until it shows a running solve with a
   reported elapsed time: the time the page needs, before its own 1 s poll, to have
   progress to show;
3. samples GET /board again while the solve runs, and prints p50/p95/max of both.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from actplanner.cli.server import demo_setup

WEEK = "2026-11-30"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if not match:
        raise SystemExit("no CSRF token on the page")
    return match.group(1)


def sample(client: httpx.Client, path: str, count: int, gap: float = 0.05) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
        time.sleep(gap)
    return times


def summary(name: str, ms: list[float]) -> str:
    ordered = sorted(ms)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    return f"{name}: n={len(ms)} p50={statistics.median(ms):.1f} ms p95={p95:.1f} ms max={ordered[-1]:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--samples", type=int, default=150)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'measure.sqlite3'}"
        created = demo_setup(url)
        lead = next(u for u in created["users"] if u["role"] == "lead")
        port = free_port()
        env = dict(os.environ, ACTPLANNER_DATABASE_URL=url, ACTPLANNER_SECRET_KEY=secrets.token_hex(32))
        server = subprocess.Popen(
            [sys.executable, "-m", "actplanner.cli.main", "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=10, follow_redirects=True) as client:
                deadline = time.monotonic() + 30
                while True:
                    try:
                        login = client.get("/login")
                        break
                    except httpx.TransportError:
                        if time.monotonic() > deadline:
                            raise
                        time.sleep(0.2)
                client.post(
                    "/login",
                    data={"username": "lead", "password": lead["password"], "csrf_token": csrf(login.text)},
                ).raise_for_status()
                board = f"/board?week={WEEK}"
                idle = sample(client, board, args.samples)
                page = client.get(board)
                pressed = time.perf_counter()
                client.post(
                    "/board/generate",
                    data={
                        "week": WEEK,
                        "time_limit": str(int(args.time_limit)),
                        "csrf_token": csrf(page.text),
                    },
                ).raise_for_status()
                job = re.search(r"/board/jobs/(\d+)/progress", client.get(board).text)
                if not job:
                    raise SystemExit("no job on the board after Generate")
                progress = f"/board/jobs/{job.group(1)}/progress"
                while True:
                    fragment = client.get(progress, headers={"HX-Request": "true"}).text
                    if re.search(r'class="elapsed">\d+\.\d s of', fragment):
                        break
                    if time.perf_counter() - pressed > 60:
                        raise SystemExit("no progress within 60 s")
                    time.sleep(0.02)
                first_progress = time.perf_counter() - pressed
                busy = sample(client, board, args.samples)
                still_running = "Stop" in client.get(progress, headers={"HX-Request": "true"}).text
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    print(f"progress visible {first_progress * 1000:.0f} ms after Generate (the page polls every 1 s)")
    print(summary("GET /board idle", idle))
    print(summary("GET /board while solving", busy))
    print(f"solve still running at the end of the busy sample: {still_running}")


if __name__ == "__main__":
    main()
