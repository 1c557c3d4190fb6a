"""The team page's client table: one line per client, searched, filtered, sorted and paged.

Everything is a GET parameter (``q``, ``acuity``, ``itt``, ``language``, ``paired``,
``sort``, ``page``), so the table works without JavaScript and a lead can bookmark a
view ("everyone Maria is on the ITT of"). Each line shows values, not placeholders: a
client's visits a week given by their acuity reads "3 (from acuity)", and the primary
and ITT are staff names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from actplanner.domain.words import language_name

#: Sort orders the table offers: parameter value and the words of the choice.
SORTS = {
    "code": "code",
    "acuity": "acuity",
    "primary": "primary",
    "visits": "visits a week",
}
#: Lines a page of the table shows; a search or filter usually fits on one.
PAGE_SIZE = 50
_PAIRED = {"yes", "no"}


@dataclass(frozen=True)
class TableQuery:
    """What the lead asked the client table for (every field as the GET parameter spells it)."""

    q: str = ""
    acuity: str = ""
    itt: str = ""
    language: str = ""
    paired: str = ""
    sort: str = "code"
    page: int = 1

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> TableQuery:
        """Read the parameters; anything unknown is ignored rather than refused (a stale bookmark)."""

        def text(name: str) -> str:
            return (params.get(name) or "").strip()[:100]

        page = text("page")
        return cls(
            q=text("q"),
            acuity=text("acuity"),
            itt=text("itt"),
            language=text("language"),
            paired=text("paired") if text("paired") in _PAIRED else "",
            sort=text("sort") if text("sort") in SORTS else "code",
            page=int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1,
        )

    @property
    def filtered(self) -> bool:
        return bool(self.q or self.acuity or self.itt or self.language or self.paired)

    def params(self, **changes: Any) -> dict[str, str]:
        """The non-default parameters of this query (with ``changes``), for links."""
        query = replace(self, **changes)
        out = {k: str(getattr(query, k)) for k in ("q", "acuity", "itt", "language", "paired")}
        out = {k: v for k, v in out.items() if v}
        if query.sort != "code":
            out["sort"] = query.sort
        if query.page != 1:
            out["page"] = str(query.page)
        return out


@dataclass(frozen=True)
class ClientRow:
    """A client's line in the table (``entry``: the team-file entry; ``index``: its place in the file)."""

    index: int
    entry: dict[str, Any]
    visits: int | None = None
    visits_from_acuity: bool = False
    primary: str = ""
    itt: tuple[str, ...] = ()

    @property
    def language(self) -> str:
        """The client's language by name ("Spanish"); "" when any will do."""
        return language_name(self.entry.get("language"))

    @property
    def itt_short(self) -> str:
        """The ITT as "Dana A., Ana R., Chris W.": five names fit one line of the table."""
        return ", ".join(_short(name) for name in self.itt)


def _short(name: str) -> str:
    words = name.split()
    return name if len(words) < 2 else f"{words[0]} {words[-1][0]}."


def client_rows(doc: dict[str, Any]) -> list[ClientRow]:
    """Every client's line, in the file's order, with its values worked out."""
    names = {s["id"]: s["name"] for s in doc["staff"]}
    levels = doc["policy"]["acuity"]
    rows = []
    for i, client in enumerate(doc["clients"]):
        own = client.get("visits_per_week")
        level = levels.get(client.get("acuity"), {})
        rows.append(
            ClientRow(
                index=i,
                entry=client,
                visits=own if own is not None else level.get("visits_per_week"),
                visits_from_acuity=own is None,
                primary=names.get(client.get("primary") or "", ""),
                itt=tuple(names.get(s, s) for s in client.get("itt") or []),
            )
        )
    return rows


def language_choices(clients: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The languages clients speak, for the filter: (code, name), by name."""
    codes = {str(c["language"]) for c in clients if c.get("language")}
    return sorted(((code, language_name(code)) for code in codes), key=lambda choice: choice[1].casefold())


def _matches(row: ClientRow, query: TableQuery) -> bool:
    client = row.entry
    if query.q:
        needle = query.q.casefold()
        haystack = (client.get("code") or "", client.get("name") or "", client["id"])
        if not any(needle in str(text).casefold() for text in haystack):
            return False
    if query.acuity and client.get("acuity") != query.acuity:
        return False
    if query.itt and query.itt not in (client.get("itt") or []):
        return False
    if query.language and (client.get("language") or "") != query.language:
        return False
    if query.paired and bool(client.get("paired")) != (query.paired == "yes"):
        return False
    return True


def _sort_key(query: TableQuery, acuity_order: list[str]) -> Any:
    if query.sort == "acuity":
        return lambda r: (_place(acuity_order, r.entry.get("acuity")), str(r.entry.get("code")))
    if query.sort == "primary":
        # No primary yet (the planner chooses) sorts last.
        return lambda r: (r.primary == "", r.primary.casefold(), str(r.entry.get("code")))
    if query.sort == "visits":
        return lambda r: (-(r.visits or 0), str(r.entry.get("code")))
    return lambda r: str(r.entry.get("code")).casefold()


def _place(order: list[str], value: Any) -> int:
    return order.index(value) if value in order else len(order)


@dataclass(frozen=True)
class ClientTable:
    """The lines on this page of the table, how many matched, and the pages there are."""

    rows: list[ClientRow]
    matched: int
    total: int
    page: int
    pages: int
    first: int


def client_table(rows: list[ClientRow], query: TableQuery, acuity_order: list[str]) -> ClientTable:
    """Filter, sort and page the lines (acuity sorts in the policy's order of levels)."""
    kept = sorted((r for r in rows if _matches(r, query)), key=_sort_key(query, acuity_order))
    pages = max(1, -(-len(kept) // PAGE_SIZE))
    page = min(query.page, pages)
    start = (page - 1) * PAGE_SIZE
    return ClientTable(
        rows=kept[start : start + PAGE_SIZE],
        matched=len(kept),
        total=len(rows),
        page=page,
        pages=pages,
        first=start + 1 if kept else 0,
    )


def query_string(team_params: Mapping[str, str], query: TableQuery, **changes: Any) -> str:
    """``?team=…&q=…`` for a link that keeps the table as it is (with ``changes``); "" when plain."""
    params = {**team_params, **query.params(**changes)}
    return "?" + urlencode(params) if params else ""
