"""The ``actplanner`` command (``actplanner.cli.main:app``): one module per command group.

``plans`` (plan, check, bench), ``users`` (user, token), ``on_call`` (on-call and
its links), ``server`` (serve, demo, worker); ``database`` opens the database for
all of them, ``output`` prints for all of them.
"""
