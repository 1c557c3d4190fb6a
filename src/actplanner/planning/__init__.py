"""Planning a week: solve jobs and the worker, plans and their edits (pin, move, sick call),
the board and day pages."""
