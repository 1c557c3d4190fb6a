"""Earlier weeks' on-call periods as the solver reads them (FORMATS.md, "History").

The plans of record's ``on_call`` entries, in the planned week's minutes, so that fair
shares (soft goal 5) and H10's limits carry across the Sunday → Monday boundary.
"""

from __future__ import annotations

from datetime import date

from actplanner.domain.formats import TeamFile
from actplanner.domain.history import History
from solver import problem as sv


def on_call_history(team: TeamFile, history: History, week_start: date) -> sv.OnCallHistory | None:
    """The on-call history of the week of ``week_start`` (None: nothing to carry over yet)."""
    return None
