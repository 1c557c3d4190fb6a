"""check(): run every hard rule over a team file and a plan file."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from .caseload_rules import h11_caseload, h12_integrity
from .context import PLAN_FORMAT_2, Context, as_dict, as_list
from .coverage_rules import h17_coverage
from .day_rules import h15_breaks, h16_team_meeting
from .episode_rules import h9_employment, h13_episodes
from .figures import metrics
from .history import provided_dates, seen_dates
from .on_call_rules import h9_on_call_coverage, h10_on_call_limits
from .report import Report, Violation
from .route_rules import h7_routes, h8_daily_limit
from .shift_rules import h14_shifts, h18_contracts
from .visit_rules import (
    h1_visit_count,
    h2_spacing,
    h3_staff_eligibility,
    h4_requirements,
    h5_pairs,
    h6_time_windows,
)

Rule = Callable[[Context], list[Violation]]
RULES: tuple[Rule, ...] = (
    h1_visit_count,
    h2_spacing,
    h3_staff_eligibility,
    h4_requirements,
    h5_pairs,
    h6_time_windows,
    h7_routes,
    h8_daily_limit,
    h9_on_call_coverage,
    h9_employment,
    h10_on_call_limits,
    h11_caseload,
    h12_integrity,
    h13_episodes,
    h14_shifts,
    h15_breaks,
    h16_team_meeting,
    h17_coverage,
    h18_contracts,
)


def check(team: dict, plan: dict, *, week_start: str | None = None, history: list | None = None) -> Report:
    """Check a plan against its team file: every hard rule, then the metrics.

    ``team`` and ``plan`` are the raw JSON objects; ``week_start``, when given,
    is the week that was asked for; ``history`` the raw earlier plan files and
    contact logs, whose seen dates H1, H2, H4 and H13 read (FORMATS.md, version 2), and whose
    shifts and on-call periods H10, H16 and H18 read across the week boundary.
    Malformed input becomes violations, never an exception.
    """
    ctx = Context(team, plan, week_start, history)
    excuses = _excuses(ctx.plan)
    violations: list[Violation] = []
    if ctx.cut is not None:
        try:
            ctx.seen = seen_dates(ctx.staff, ctx.plan, ctx.history, ctx.dates[0], ctx.cut)
            ctx.provided = provided_dates(ctx.staff, ctx.plan, ctx.history, ctx.dates[0], ctx.cut)
        except Exception as exc:  # A broken history must yield a report too.
            violations.append(
                Violation("H12", f"The history could not be read ({type(exc).__name__}: {exc}).")
            )
    for rule in RULES:
        code = rule.__name__.split("_")[0].upper()
        try:
            found = rule(ctx)
        except Exception as exc:  # A broken file must yield a report.
            found = [
                Violation(
                    code,
                    f"{code} could not be checked: the files are malformed ({type(exc).__name__}: {exc}).",
                )
            ]
        violations.extend(replace(v, excused=_excused(v, excuses, ctx.plan)) for v in found)
    return Report(violations=violations, metrics=metrics(ctx.team, ctx.plan, history=ctx.history))


Excuse = tuple[object, str | None, str | None, str | None]


def _excused(v: Violation, excuses: list[Excuse], plan: dict) -> bool:
    """Whether the plan's unmet owns up to a violation.

    A plan@1 names violations by rule and client (an entry without a client excuses the
    rule's violations that name no client). A plan@2 entry excuses the violations of its rule
    whose client, staff and date match every one of those fields it gives; with the rule alone
    only violations that name none of them (FORMATS.md, version 2). Either way an over-cap
    primary (H11, no single client to blame) is also excused by an H11 entry for any client
    whose primary it is. A violation that is not ``excusable`` (H14, H15's break as written) is
    never excused."""
    if not v.excusable:
        return False
    version2 = plan.get("format") == PLAN_FORMAT_2
    for rule, client, staff, day in excuses:
        if rule != v.rule:
            continue
        if not version2 and client == v.client:
            return True
        given = [(a, b) for a, b in ((client, v.client), (staff, v.staff), (day, v.date)) if a is not None]
        if version2 and given and all(a == b for a, b in given):
            return True
        if version2 and not given and v.client is None and v.staff is None and v.date is None:
            return True
    if v.rule == "H11" and v.client is None and v.staff is not None:
        caseload = as_dict(plan.get("caseload"))
        return any(
            rule == "H11" and client is not None and as_dict(caseload.get(client)).get("primary") == v.staff
            for rule, client, _, _ in excuses
        )
    return False


def _excuses(plan: dict) -> list[Excuse]:
    """(rule, client, staff, date) of each unmet entry; None for a field not given."""
    found = []
    for entry in as_list(plan.get("unmet")):
        entry = as_dict(entry)
        client, staff, day = entry.get("client"), entry.get("staff"), entry.get("date")
        found.append((
            entry.get("rule"),
            client if isinstance(client, str) else None,
            staff if isinstance(staff, str) else None,
            day if isinstance(day, str) else None,
        ))  # fmt: skip
    return found
