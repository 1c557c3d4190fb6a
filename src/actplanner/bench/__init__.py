"""Benchmarks: the planner against its greedy baseline on the sample teams, the router on Solomon VRPTW."""
