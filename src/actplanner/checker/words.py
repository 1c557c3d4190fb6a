"""The checker's findings in the words of the pages: names, client codes, dates a lead reads.

The checker writes its messages with ids and ISO dates ("s-sw1 is on leave during their visit
to c-038 on 2026-12-02 09:00–10:00"): that machine form stays in files, the CLI's JSON and
``format_report``. A page renders them through ``Words``: staff by name, clients by code only
(as the board shows them; a client's name is PHI), dates as "Wed 2 Dec", skills and
disciplines by their label, and each rule by a title ("LAI injection due", "Time windows").

    words = Words.of(team_doc)
    words.line(violation)  # "Staff eligibility: Maria Kowalski is on leave ... Wed 2 Dec 09:00–10:00."
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from actplanner.checker.report import RULE_TITLES
from actplanner.domain.formats._base import DISCIPLINES
from actplanner.domain.words import capitalised, dates_in_words, label, language_name


class Finding(Protocol):
    """What ``Words`` reads of a finding: a ``Violation``, or a publish ``Concern``."""

    @property
    def rule(self) -> str: ...

    @property
    def message(self) -> str: ...


# A skill as the checker quotes it ("skill 'lai_injection'").
_SKILL = re.compile(r"skill '([^']+)'")
# A weekday as the solver and checker write it in a list ("no availability on mon, wed",
# "none of wed–fri: ..."): lower case, then a comma, dash, colon, stop or the end. A capitalised
# "Sun" or the word "sun" inside a sentence is left alone.
_WEEKDAY = re.compile(r"(?<![\w-])(mon|tue|wed|thu|fri|sat|sun)(?=[,–;:.)]| and | or |$)")
# A language as the checker quotes it ("c-005 speaks 'es'").
_SPEAKS = re.compile(r"speaks '([A-Za-z-]+)'")


@dataclass(frozen=True)
class Words:
    """What the pages call the ids and words of one team's checker messages."""

    #: id → shown name: staff by name, clients by code.
    names: Mapping[str, str] = field(default_factory=dict)
    #: file word (skill, discipline, language code) → its label.
    terms: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, team: Any) -> Words:
        """From a team file, as a document (dict) or a loaded ``TeamFile``."""
        doc = team if isinstance(team, Mapping) else team.model_dump(mode="json")
        staff = [m for m in doc.get("staff") or [] if isinstance(m, Mapping)]
        clients = [c for c in doc.get("clients") or [] if isinstance(c, Mapping)]
        names = {str(c["id"]): str(c.get("code") or c["id"]) for c in clients if c.get("id")}
        names.update({str(m["id"]): str(m.get("name") or m["id"]) for m in staff if m.get("id")})
        skills = {str(s) for m in staff for s in m.get("skills") or []}
        for client in clients:
            skills.update(str(r["skill"]) for r in client.get("requirements") or [] if r.get("skill"))
        terms = {w: label(w) for w in (*skills, *DISCIPLINES) if label(w) != w}
        return cls(names=names, terms=terms)

    def text(self, message: str) -> str:
        """A checker message with ids, dates and file words replaced by what the page shows."""
        message = _SKILL.sub(
            lambda m: f"training in {self.terms.get(m.group(1), label(m.group(1)))}", message
        )
        message = _SPEAKS.sub(lambda m: f"speaks {language_name(m.group(1))}", message)
        message = _replace(message, self.names)
        message = _replace(message, self.terms)
        return _WEEKDAY.sub(lambda m: m.group(1).capitalize(), dates_in_words(message))

    def title(self, violation: Finding) -> str:
        """The rule's title for this finding: a skill requirement names its skill ("LAI
        injection due"), every other the rule's title ("Staff eligibility")."""
        if violation.rule == "H4":
            skill = _SKILL.search(violation.message) or re.search(r"'s (\S+) requirement", violation.message)
            if skill and skill.group(1) not in DISCIPLINES:
                return capitalised(f"{self.terms.get(skill.group(1), label(skill.group(1)))} due")
        return capitalised(RULE_TITLES.get(violation.rule) or violation.rule or "A rule")

    def line(self, violation: Finding) -> str:
        """Title and message in words, one sentence a lead reads: "Time windows: C038 ..."."""
        return f"{self.title(violation)}: {self.text(violation.message)}"

    def lines(self, violations: Iterable[Finding]) -> list[str]:
        return [self.line(v) for v in violations]

    def unmet_line(self, entry: Mapping[str, Any]) -> str:
        """A plan's ``unmet`` entry (rule, client, staff, date, detail) as one sentence: "Requirements:
        K3 — fewer than 1 visits by a psychiatrist could be placed: the only psychiatrist (Dr. Ruiz)
        does not speak Spanish (es): ..."."""
        rule = str(entry.get("rule") or "")
        about = [self.names.get(str(entry[k]), str(entry[k])) for k in ("client", "staff") if entry.get(k)]
        if entry.get("date"):
            about.append(self.text(str(entry["date"])))
        head = f"{rule_heading(rule)}: {', '.join(about)} — " if about else f"{rule_heading(rule)}: "
        return head + self.text(str(entry.get("detail") or ""))


def rule_heading(rule: str) -> str:
    """A rule code's title alone ("H17" → "Coverage"), for entries that are not violations
    (a plan's unmet list)."""
    return capitalised(RULE_TITLES.get(rule) or rule or "A rule")


def _replace(message: str, table: Mapping[str, str]) -> str:
    if not table:
        return message
    pattern = re.compile(
        r"(?<![\w-])(" + "|".join(map(re.escape, sorted(table, key=len, reverse=True))) + r")(?![\w-])"
    )
    return pattern.sub(lambda m: table[m.group(1)], message)
