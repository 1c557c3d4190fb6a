"""What the checker found: violations of the hard rules, and the plan's metrics."""

from __future__ import annotations

from dataclasses import dataclass, field

RULE_TITLES = {
    "H1": "visit count",
    "H2": "spacing",
    "H3": "staff eligibility",
    "H4": "requirements",
    "H5": "pairs",
    "H6": "time windows",
    "H7": "routes",
    "H8": "daily limit",
    "H9": "on-call coverage",
    "H10": "on-call limits",
    "H11": "caseload",
    "H12": "integrity",
    "H13": "episodes",
    "H14": "holidays and shifts",
    "H15": "breaks",
    "H16": "team meeting",
    "H17": "coverage",
    "H18": "contracts",
}


@dataclass(frozen=True)
class Violation:
    """One broken hard rule, in a sentence a team lead understands.

    ``client``, ``staff`` and ``date`` name what the violation is about, where
    that applies; ``excused`` is true when the plan's ``unmet`` owns up to it. A violation
    that is not ``excusable`` (a shift or break not as the files define it) stays a violation
    whatever ``unmet`` says: a solver can always write it right.
    """

    rule: str
    message: str
    client: str | None = None
    staff: str | None = None
    date: str | None = None
    excused: bool = False
    excusable: bool = True


@dataclass
class Report:
    """The checker's verdict on one plan."""

    violations: list[Violation] = field(default_factory=list)
    metrics: dict = field(default_factory=dict)

    @property
    def unexcused(self) -> list[Violation]:
        """The violations the plan's ``unmet`` does not name."""
        return [v for v in self.violations if not v.excused]

    @property
    def valid(self) -> bool:
        """True when every hard rule holds or is excused by ``unmet``."""
        return not self.unexcused


def format_report(report: Report) -> str:
    """Render a report as plain text: violations grouped by rule, then metrics."""
    lines: list[str] = []
    total = len(report.violations)
    excused = total - len(report.unexcused)
    if total == 0:
        lines.append("No violations: every hard rule holds.")
    else:
        lines.append(f"{total} violation(s), {excused} excused by the plan's unmet list.")
    for rule, title in RULE_TITLES.items():
        found = [v for v in report.violations if v.rule == rule]
        if not found:
            continue
        lines.append("")
        lines.append(f"{rule} {title} ({len(found)})")
        lines.extend(f"  {_violation_line(v)}" for v in found)
    if report.metrics:
        lines.append("")
        lines.append("Metrics")
        lines.extend(f"  {name}: {_number(value)}" for name, value in report.metrics.items())
    return "\n".join(lines)


def _violation_line(violation: Violation) -> str:
    head = " ".join(
        part for part in (violation.rule, violation.client or violation.staff, violation.date) if part
    )
    tail = " (excused by unmet)" if violation.excused else ""
    return f"{head}: {violation.message}{tail}"


def _number(value: object) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)
