"""The report as CSV files for the state review: the figures, the weeks, the short clients, the staff.

One table per file, so each opens as it is in a spreadsheet. Values are the engine's
(shares as fractions, 4 decimals), empty where there is no data; clients by code.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Literal

from actplanner.fidelity.report import FidelityReport

Part = Literal["figures", "weeks", "clients", "staff"]
PARTS: tuple[Part, ...] = ("figures", "weeks", "clients", "staff")
#: The weekly figures the weeks file carries, delivered and planned.
WEEK_FIGURES = ("contacts_per_client_week", "minutes_per_client_week", "community_share", "done_share")


def report_csv(report: FidelityReport, part: Part) -> str:
    """One part of ``report`` as CSV text with a header row."""
    if part == "figures":
        header = ["figure", "label", "delivered", "planned", "dacts_top_rating", "met"]
        rows: Iterable[Sequence[object]] = (
            (f.key, f.label, f.delivered, f.planned, f.top_rating, f.met) for f in report.figures
        )
    elif part == "weeks":
        header = [
            "week_start",
            *WEEK_FIGURES,
            "clients_below_required",
            *(f"planned_{k}" for k in WEEK_FIGURES[:3]),
        ]
        rows = (
            (
                w.week_start,
                *(getattr(w.delivered, k) for k in WEEK_FIGURES),
                len(w.delivered.clients_below_required),
                *(None if w.planned is None else getattr(w.planned, k) for k in WEEK_FIGURES[:3]),
            )
            for w in report.weeks
        )
    elif part == "clients":
        header = ["client", "week_start", "seen", "required", "reasons"]
        rows = ((s.client, s.week_start, s.seen, s.required, "; ".join(s.reasons)) for s in report.short)
    else:
        header = ["staff", "discipline", "delivered", "minutes", "not_done", "phone_or_video"]
        rows = (
            (s.staff_id, s.discipline, s.delivered, s.minutes, s.not_done, s.phone_or_video)
            for s in report.staff
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return out.getvalue()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
