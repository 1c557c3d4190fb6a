"""Words the templates share: a purpose's label, and a solve's progress as a lead reads it.

The solver reports phases by their engine names ("week", "routes") with notes such as "ruin and
recreate", and a weighted score ("best objective 606048"). The page says what is happening and
what the plan holds: visits placed, what is not met, travel; the score stays in small print.
``register(env)`` makes them available to every template (``| purpose``, ``| label``,
``progress_words(job.progress)``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from actplanner.domain.words import dates_in_words, label, purpose_label

#: The worker's and the engine's phases (solver/engine.py ``clock.report``) in words.
PHASES = {
    "waiting": "Waiting for the week before to be planned",
    "starting": "Starting",
    "caseload": "Choosing each client's primary and ITT",
    "on-call": "Building the on-call rota",
    "roster": "Building the roster: who works which shift",
    "visits": "Placing the week's visits",
    "first plan": "A first plan is ready; improving it",
    "repair": "Placing the visits a change left out",
    "week": "Improving the week: trying visits on other days and with other staff",
    "routes": "Shortening each day's route",
    "done": "Done",
}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Engine notes that repeat the phase in its own jargon: not shown.
_JARGON = frozenset({"ruin and recreate", "placing visits", "assigning primaries and ITTs"})
#: Where a figure shown during a later phase comes from.
_FIGURES_FROM = {"first plan": "first plan", "routes": "after the last route change"}
_DAY_NOTE = re.compile(r"^(re-routed|kept) day (\d)$|^day (\d) kept$")


@dataclass(frozen=True)
class ProgressWords:
    """What the progress panel says: the phase, a note, the plan's figures, the score."""

    phase: str
    note: str
    figures: tuple[tuple[str, str], ...]
    #: The search's weighted score (lower is better), digits only; "" before the first plan.
    score: str
    #: "12% better than the first plan", or "".
    improvement: str


def phase_words(phase: str | None) -> str:
    if not phase:
        return "—"
    return PHASES.get(phase, phase)


def note_words(message: str | None) -> str:
    """The engine's note in words; jargon dropped, "re-routed day 3" → "Wednesday re-routed"."""
    text = (message or "").strip()
    if not text or text.lower() in _JARGON:
        return ""
    day = _DAY_NOTE.match(text)
    if day:
        number = int(day.group(2) or day.group(3))
        name = _WEEKDAYS[number - 1] if 1 <= number <= 7 else f"day {number}"
        return f"{name}: a shorter route found" if day.group(1) == "re-routed" else f"{name}: route kept"
    return text


def progress_words(progress: Mapping[str, Any] | None) -> ProgressWords:
    """A job's stored progress (``SolveJob.progress``) in words."""
    report = progress or {}
    figures: list[tuple[str, str]] = []
    visits, travel, unmet = report.get("visits"), report.get("travel_minutes"), report.get("unmet")
    source = report.get("figures_phase")
    when = f" ({_FIGURES_FROM.get(source, 'earlier')})" if source and source != report.get("phase") else ""
    if isinstance(visits, int):
        figures.append(("Visits placed", f"{visits:,}{when}"))
    if isinstance(unmet, int):
        figures.append(("Not met", f"{unmet}"))
    if isinstance(travel, (int, float)):
        figures.append(("Travel", f"{_hours(int(travel))}{when}"))
    return ProgressWords(
        phase=phase_words(report.get("phase")),
        note=note_words(report.get("message")),
        figures=tuple(figures),
        score=_score(report.get("best_objective")),
        improvement=_improvement(report.get("best_objective"), report.get("first_objective")),
    )


def _hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d} min" if hours else f"{rest} min"


def _score(best: object) -> str:
    return f"{best:.0f}" if isinstance(best, (int, float)) else ""


def _improvement(best: object, first: object) -> str:
    if not isinstance(best, (int, float)) or not isinstance(first, (int, float)) or not 0 <= best < first:
        return ""
    return f"{100 * (first - best) / first:.0f}% better than the first plan"


def register(env: Any) -> None:
    """Make the shared words available to every template of ``env`` (a Jinja2 Environment)."""
    env.filters["purpose"] = purpose_label
    env.filters["label"] = label
    # A message's ISO dates as the pages write them ("no show on Wed 2 Dec").
    env.filters["dates"] = dates_in_words
    env.globals["progress_words"] = progress_words
