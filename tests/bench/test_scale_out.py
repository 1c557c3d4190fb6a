"""Solve workers as separate processes on one PostgreSQL: each job runs once, a killed one is not lost."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import make_url
from typer.testing import CliRunner

from actplanner.bench import scale_out
from actplanner.cli.main import app
from actplanner.db import SolveJob, make_engine

POSTGRES_URL = os.environ.get(
    "ACTPLANNER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[scale_out.Results]:
    """A small run on a fresh database: 4 solves of 1 s with 2 workers, then a worker killed mid-solve.

    The kill phase sweeps with a 12 s bound (as ``serve`` would, every second) rather than
    wait out ``STALE_SECONDS`` twice: a live worker beats every 5 s, a killed one never again.
    """
    if os.environ.get("ACTPLANNER_SKIP_POSTGRES") == "1":
        pytest.skip("ACTPLANNER_SKIP_POSTGRES=1")
    with scale_out.fresh_database(POSTGRES_URL) as url:
        yield scale_out.run_benchmark(
            url,
            solves=4,
            worker_counts=[2],
            time_limit=1.0,
            kill_time_limit=5.0,
            stale_seconds=12.0,
            folder=tmp_path_factory.mktemp("scale-out"),
            echo=lambda _m: None,
        )


def test_two_workers_run_every_job_exactly_once(results: scale_out.Results) -> None:
    """Every queued solve ends done, started by exactly one worker (its log and the job row agree)."""
    (burst,) = results.bursts
    assert len(burst.jobs) == 4
    assert {job.status for job in burst.jobs.values()} == {"done"}
    assert all(job.plan_id is not None for job in burst.jobs.values())
    for job_id, job in burst.jobs.items():
        assert burst.starts[job_id] == [job.worker_pid]
    assert sum(r or 0 for r in burst.reported) == 4
    assert burst.start_problems() == []


def test_both_workers_took_jobs_and_each_waited_for_a_claim(results: scale_out.Results) -> None:
    """The queue spreads over the two processes; a job's time-to-start is its claim after its queueing."""
    (burst,) = results.bursts
    assert len({job.worker_pid for job in burst.jobs.values()}) == 2
    assert len(burst.waits) == 4 and min(burst.waits) >= 0
    assert burst.makespan > 0 and burst.throughput > 0
    assert burst.cpu_per_solve is not None and burst.cpu_per_solve > 0
    assert burst.cores_used is not None and 0 < burst.cores_used <= (os.cpu_count() or 1) + 0.1
    assert len(burst.objectives) == 4 and burst.objective_ratio(burst) == pytest.approx(1.0)


def test_a_killed_workers_job_fails_and_its_requeue_runs_to_done(results: scale_out.Results) -> None:
    """kill -9 mid-solve: the sweep fails the job, saying why; queued again, the survivor runs it."""
    kill = results.kill
    assert kill is not None
    assert kill.phase_at_kill not in (None, *scale_out.BEFORE_SEARCH)
    assert kill.failed_status == "failed"
    assert kill.error.startswith("The worker stopped unexpectedly")
    assert str(kill.victim_pid) in kill.error
    assert kill.swept_by.startswith("this benchmark's sweep")
    # Failed only once silent past the bound, counted from its last heartbeat.
    assert 0 <= kill.silent_before_kill < 12
    assert kill.seconds_to_failed + kill.silent_before_kill >= 12
    assert kill.survivor_job_status == "done"
    assert kill.requeued_status == "done" and kill.requeued_by == kill.survivor_pid
    assert kill.victim_started == [kill.job_id]
    assert kill.job_id not in kill.survivor_started and kill.requeued_job_id in kill.survivor_started
    assert results.problems() == []


def test_the_results_table_names_the_machine_and_each_check(results: scale_out.Results) -> None:
    """The written table has the machine, the run's row with its ratio, the kill phase and the checks."""
    text = scale_out.results_table(results)
    assert "Machine:" in text and "PostgreSQL" in text
    assert "| 2 |" in text and "| 1.00 |" in text and "| 4/4 | yes |" in text
    assert "## A worker killed mid-solve" in text
    assert "Every check held" in text


def test_the_fresh_database_is_dropped_afterwards() -> None:
    """The benchmark's own database exists while it runs and is gone after."""
    if os.environ.get("ACTPLANNER_SKIP_POSTGRES") == "1":
        pytest.skip("ACTPLANNER_SKIP_POSTGRES=1")

    def databases() -> set[str]:
        admin = make_engine(POSTGRES_URL)
        try:
            with admin.connect() as connection:
                return set(connection.exec_driver_sql("SELECT datname FROM pg_database").scalars())
        finally:
            admin.dispose()

    with scale_out.fresh_database(POSTGRES_URL) as url:
        name = make_url(url).database
        assert name is not None and name.startswith("actplanner_bench_")
        assert name in databases()
    assert name not in databases()


def test_a_job_started_by_two_workers_is_reported() -> None:
    """The exactly-once check fails when two worker logs claim one job, or the counts do not add up."""
    now = datetime.now(UTC)
    job = SolveJob(team_id="t", week_start=now.date(), status="done", time_limit=1.0, worker_pid=10)
    job.created_at, job.started_at, job.finished_at = now, now, now + timedelta(seconds=1)
    twice = scale_out.Burst(workers=2, jobs={1: job}, starts={1: [10, 11]}, reported=[1, 1])
    assert twice.start_problems() == [
        "job 1 was started 2 times (workers [10, 11])",
        "the workers ran 2 jobs for 1 queued",
    ]
    lost = scale_out.Burst(workers=1, jobs={1: job}, starts={1: []}, reported=[0])
    assert "job 1 was started 0 times (workers [])" in lost.start_problems()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--db", "sqlite:///x.sqlite3"], "is not a PostgreSQL URL"),
        (["--db", POSTGRES_URL, "--workers", "1,0"], "--workers"),
        (["--db", POSTGRES_URL, "--solves", "0"], "--solves"),
        (["--db", POSTGRES_URL, "--time-limit", "nan"], "--time-limit"),
    ],
)
def test_bench_workers_refuses_bad_options_in_one_line(args: list[str], message: str, tmp_path: Path) -> None:
    """Bad options are one error line and exit 2, before any database or worker is touched."""
    result = CliRunner().invoke(app, ["bench", "workers", *args, "--out", str(tmp_path / "out.md")])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
