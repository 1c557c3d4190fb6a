"""The ``actplanner`` command: one module per command group."""
