"""An independent checker of plan files against team files (FORMATS.md, H1–H18).

It reads the raw JSON objects and shares no code with the solver or the
pydantic format models, so that it is a genuine second opinion on a plan.
Standard library only.
"""

from .core import RULES, check
from .figures import metrics
from .report import Report, Violation, format_report

__all__ = ["RULES", "Report", "Violation", "check", "format_report", "metrics"]
