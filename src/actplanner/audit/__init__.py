"""The audit log: who viewed, exported or changed what, and the page that lists it."""
