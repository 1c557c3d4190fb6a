"""The solver package stands alone: it never imports the application or the web stack."""

import ast
from pathlib import Path

SOLVER = Path(__file__).resolve().parents[2] / "solver"
FORBIDDEN = ("actplanner", "fastapi", "sqlalchemy", "starlette", "jinja2")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_solver_imports_nothing_from_the_application():
    """No module under solver/ imports actplanner, FastAPI, SQLAlchemy or Jinja2."""
    offenders = {
        f"{path.name}: {name}"
        for path in SOLVER.rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in FORBIDDEN
    }
    assert list(SOLVER.rglob("*.py")), "solver/ has no modules"
    assert offenders == set()


def test_forbidden_import_would_be_caught(tmp_path):
    """The scan really sees a forbidden import (guards against a scan that finds nothing)."""
    bad = tmp_path / "bad.py"
    bad.write_text("from actplanner.domain.formats import load_team\nimport sqlalchemy.orm\n")
    assert {"actplanner.domain.formats", "sqlalchemy.orm"} <= imported_modules(bad)


def test_solver_neither_prints_nor_reads_files():
    """Output and benchmark files belong to the application: no print(), open() or read_text() in solver/."""
    offenders = set()
    for path in SOLVER.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in {"print", "open", "read_text", "read_bytes"}:
                    offenders.add(f"{path.name}:{node.lineno} {name}")
    assert offenders == set()
