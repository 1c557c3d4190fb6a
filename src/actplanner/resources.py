"""Where the files that ship beside the code are: the page templates and the sample teams.

The design card keeps ``templates/`` and ``fixtures/`` at the repository root.
``src/actplanner/templates`` and ``src/actplanner/fixtures`` are symbolic links to
them, so one path serves every install: an editable install reads the checkout
through the links, and ``pip install .`` copies the files behind them into the
wheel as package data (pyproject's ``package-data``).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def templates_dir() -> Path:
    """The folder of Jinja2 templates (``base.html`` at its top, one folder per feature)."""
    return PACKAGE_DIR / "templates"


def fixture_file(name: str) -> Path:
    """The sample team file called ``name`` ("small", "standard" or "large")."""
    path = PACKAGE_DIR / "fixtures" / f"{name}.json"
    if not path.is_file():
        raise FileNotFoundError(f"No sample team called {name!r} (looked for {path}).")
    return path
