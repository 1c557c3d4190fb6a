"""Structural figures of the code, for before/after notes on a reorganisation.

``python scripts/code_metrics.py [ROOT]`` prints: the largest modules and
functions (lines), the database queries outside service modules, and the import
cycles between the application's and the solver's modules. Duplicated code is
measured by the ``duplicates`` tool, not here.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import grimp

# A query: a SELECT built, a row fetched by key, or a statement executed.
QUERY_CALLS = {"select", "get", "execute", "scalar", "scalars", "query"}


def modules(root: Path) -> list[Path]:
    return sorted(p for top in ("src/actplanner", "solver") for p in (root / top).rglob("*.py"))


def is_service(path: Path) -> bool:
    """Service modules are where queries belong: the feature services, db/, migrations."""
    parts = path.parts
    return (
        path.name in {"service.py", "jobs.py", "plans.py", "queue.py", "edits.py", "links.py", "calendar.py"}
        or "services" in parts
        or "db" in parts
    )


def query_calls(tree: ast.AST) -> int:
    count = 0
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id == "select":
            count += 1
        elif isinstance(func, ast.Attribute) and func.attr in QUERY_CALLS - {"select"}:
            target = func.value
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            # ``request.session`` is the signed cookie, not the database.
            cookie = isinstance(target, ast.Attribute) and getattr(target.value, "id", "") == "request"
            if ("session" in name or name in {"conn", "connection", "db"}) and not cookie:
                count += 1
    return count


def functions(tree: ast.AST) -> list[tuple[int, str]]:
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            out.append((node.end_lineno - node.lineno + 1, node.name))
    return out


def cycles(root: Path) -> list[tuple[str, ...]]:
    sys.path[:0] = [str(root / "src"), str(root)]
    graph = grimp.build_graph("actplanner", "solver", cache_dir=None)
    found: set[tuple[str, ...]] = set()
    for a in sorted(graph.modules):
        for b in sorted(graph.find_modules_directly_imported_by(a)):
            if a < b and graph.find_shortest_chain(importer=b, imported=a):
                found.add((a, b))
    return sorted(found)


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    sizes, funcs, queries = [], [], []
    for path in modules(root):
        text = path.read_text()
        tree = ast.parse(text)
        rel = path.relative_to(root)
        sizes.append((len(text.splitlines()), str(rel)))
        funcs += [(n, f"{rel}:{name}") for n, name in functions(tree)]
        if not is_service(rel):
            q = query_calls(tree)
            if q:
                queries.append((q, str(rel)))
    print("largest modules:", ", ".join(f"{p} {n}" for n, p in sorted(sizes, reverse=True)[:6]))
    print("largest functions:", ", ".join(f"{p} {n}" for n, p in sorted(funcs, reverse=True)[:6]))
    print(f"queries outside services: {sum(q for q, _ in queries)} in {len(queries)} modules")
    for q, p in sorted(queries, reverse=True):
        print(f"  {q:3d} {p}")
    found = cycles(root)
    print(f"import cycles (module pairs that import each other, directly or not): {len(found)}")
    for a, b in found:
        print(f"  {a} <-> {b}")


if __name__ == "__main__":
    main()
