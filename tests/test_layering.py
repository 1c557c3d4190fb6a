"""The committed layering check (pyproject's import-linter contracts) fails when a forbidden import is added.

Each case copies the packages to a temporary folder, adds one import that breaks a
contract and runs ``lint-imports`` there with the repository's configuration: it
must exit non-zero, name the contract and show the added import.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path, contract: str) -> subprocess.CompletedProcess[str]:
    # The copy comes first on the path, ahead of the editable install's import hook.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root)]), "COLUMNS": "300"}
    command = [LINT_IMPORTS, "--no-cache", "--config", root / "pyproject.toml", "--contract", contract]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)


@pytest.mark.parametrize(
    ("module", "added", "contract", "name", "shown"),
    [
        (
            "src/actplanner/domain/adapter.py",
            "import actplanner.web",
            "domain-and-checker-below",
            "Domain and checker import no feature, web, CLI or database",
            "actplanner.domain.adapter -> actplanner.web",
        ),
        (
            "solver/plan.py",
            "import actplanner.db",
            "solver-is-pure",
            "The solver imports nothing of the app",
            "solver.plan -> actplanner.db",
        ),
        (
            "src/actplanner/audit/service.py",
            "import fastapi",
            "services-below-web",
            "Services import no web, CLI, FastAPI or Starlette",
            "actplanner.audit.service -> fastapi",
        ),
        (
            "src/actplanner/audit/service.py",
            "import actplanner.feeds.pages",
            "features-meet-at-services",
            "Features import each other only through their services",
            "actplanner.audit.service -> actplanner.feeds.pages",
        ),
        (
            "src/actplanner/planning/board.py",
            "import actplanner.cli.main",
            "cli-and-app-on-top",
            "The CLI and the app factory are the top",
            "actplanner.planning.board -> actplanner.cli.main",
        ),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    tmp_path: Path, module: str, added: str, contract: str, name: str, shown: str
) -> None:
    """Adding ``added`` to ``module`` makes lint-imports fail on ``contract`` and point at that import."""
    shutil.copy2(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    for package in ("src/actplanner", "solver"):
        shutil.copytree(
            REPO / package, tmp_path / package, symlinks=True, ignore=shutil.ignore_patterns("__pycache__")
        )
    before = _lint(tmp_path, contract)
    assert shown not in before.stdout, before.stdout
    path = tmp_path / module
    path.write_text(path.read_text() + f"\n{added}\n")
    after = _lint(tmp_path, contract)
    assert after.returncode != 0, after.stdout
    assert name in after.stdout and "BROKEN" in after.stdout, after.stdout
    assert shown in after.stdout, after.stdout
