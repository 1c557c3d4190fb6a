"""The README and docs send a reader only to files in the repository, and pages name the project's docs.

The one way out of the repository is a formats page's link to the contract it is written from
(../shared/FORMATS.md, kept beside the repository), at most once per page; web links (http, https)
are not checked. A link's #anchor must name a heading of the page it points to. Pages must not
send a team lead to FORMATS.md or DOMAIN.md, which they do not have: the templates' text (Jinja
comments aside) and the strings of the Python code that a user reads (not docstrings or comments)
name the docs instead.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = sorted([REPO / "README.md", *(REPO / "docs").rglob("*.md")])
#: The pages that describe the formats; each may link its source once.
FORMATS_DOCS = {REPO / "docs" / "formats.md", *(REPO / "docs" / "formats").glob("*.md")}
SOURCE = "shared/FORMATS.md"
OUTSIDE_NAMES = re.compile(r"FORMATS\.md|DOMAIN\.md")

FENCE = re.compile(r"^(```|~~~).*?^\1", re.S | re.M)
CODE_SPAN = re.compile(r"`[^`\n]*`")
#: [text](target "title") and ![alt](target); the target has no spaces or is in <...>.
INLINE = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^)\s]*)(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*(\S+)", re.M)
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.S)


def prose(text: str) -> str:
    """The text with fenced code and code spans removed: links are not written inside them."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def links(path: Path) -> list[str]:
    text = prose(path.read_text(encoding="utf-8"))
    found = [m.group(1).strip("<>") for m in INLINE.finditer(text)]
    return found + REFERENCE.findall(text)


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*_]|<[^>]+>", "", heading).strip().lower()
    text = "".join(c for c in text if c in " -" or unicodedata.category(c)[0] in "LN")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    out = set()
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M):
        base = slug(heading)
        n = seen.get(base, 0)
        seen[base] = n + 1
        out.add(base if n == 0 else f"{base}-{n}")
    return out


def is_web(target: str) -> bool:
    return re.match(r"(?i)(https?|mailto):", target) is not None


def test_docs_exist_and_have_links() -> None:
    # Guards the tests below against a glob that finds nothing.
    assert REPO / "docs" / "formats.md" in DOCS
    assert {p.name for p in FORMATS_DOCS} >= {"formats.md", "team.md", "plan.md", "contacts.md"}
    assert links(REPO / "README.md")


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_resolves_inside_the_repository(path: Path) -> None:
    problems = []
    sources = 0
    for target in links(path):
        if is_web(target) or not target:
            continue
        assert re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) is None, f"{target}: not a file link"
        file_part, _, anchor = target.partition("#")
        dest = (path.parent / file_part).resolve() if file_part else path
        if not dest.is_relative_to(REPO):
            if path in FORMATS_DOCS and dest.as_posix().endswith(SOURCE) and not anchor:
                sources += 1
                continue
            problems.append(f"{target}: leaves the repository")
            continue
        if not dest.exists():
            problems.append(f"{target}: no such file in the repository")
            continue
        if anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            problems.append(f"{target}: {dest.relative_to(REPO)} has no heading #{anchor}")
    assert not problems, f"{path.relative_to(REPO)}:\n" + "\n".join(problems)
    assert sources <= 1, f"{path.relative_to(REPO)} links its source {sources} times; once is enough"


def test_the_formats_index_names_its_source() -> None:
    index = REPO / "docs" / "formats.md"
    assert any(t.endswith(SOURCE) for t in links(index))


def test_the_readme_sends_nobody_outside_the_repository() -> None:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in text
    assert not OUTSIDE_NAMES.search(text), "the README names FORMATS.md or DOMAIN.md; link docs/ instead"


def test_the_slug_is_githubs() -> None:
    assert slug("Version 2, Part A: remembering across weeks") == "version-2-part-a-remembering-across-weeks"
    assert slug("Addresses: your own geocoder") == "addresses-your-own-geocoder"
    assert slug("`staff[]`") == "staff"


# src/actplanner/templates links to this folder.
TEMPLATES = sorted((REPO / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(REPO)))
def test_template_text_names_the_projects_docs(path: Path) -> None:
    shown = JINJA_COMMENT.sub("", path.read_text(encoding="utf-8"))
    found = [line.strip() for line in shown.splitlines() if OUTSIDE_NAMES.search(line)]
    assert not found, f"{path.relative_to(REPO)} shows a user a file they do not have: {found}"


def user_strings(source: str) -> list[tuple[int, str]]:
    """String literals of a module other than docstrings: messages, descriptions, report text."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_python_messages_name_the_projects_docs() -> None:
    found = [
        f"{path.relative_to(REPO)}:{line}"
        for path in sorted((REPO / "src" / "actplanner").rglob("*.py"))
        for line, text in user_strings(path.read_text(encoding="utf-8"))
        if OUTSIDE_NAMES.search(text)
    ]
    assert not found, f"strings a user reads name FORMATS.md or DOMAIN.md: {found}"
