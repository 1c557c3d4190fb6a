"""CP-SAT set up the way every model in the solver needs it."""

from __future__ import annotations

from ortools.sat.python import cp_model


def deterministic_solver(seed: int, time_limit: float) -> cp_model.CpSolver:
    """A single-worker solver bounded by deterministic time, so one seed gives one answer."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.max_deterministic_time = time_limit
    # Wall-clock guard only; the deterministic limit normally stops the search first.
    solver.parameters.max_time_in_seconds = 2 * time_limit
    return solver
