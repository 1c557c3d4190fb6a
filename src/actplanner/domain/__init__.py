"""What every feature reads: the team and plan files, the adapter to the solver, weeks and time zones,
the on-call rota. It imports no feature."""
