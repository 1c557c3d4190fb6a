"""Hard rules H1–H6: what each client's visits must look like."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from itertools import pairwise

from .context import Context, Visit, as_dict, as_list, hhmm, overlaps, parse_date, parse_time
from .context import weekday as weekday_of
from .history import Seen
from .report import Violation


def h1_visit_count(ctx: Context) -> list[Violation]:
    """Hard: each client has exactly n home visits, on distinct dates.

    n is visits_per_week (the client's, else their acuity level's in force), scaled to the
    week's open dates and raised for post-discharge dates (FORMATS.md, version 2); inpatient
    visits do not count. In a re-plan from F: exactly max(0, n − c) home visits from F on, c
    being the client's seen dates in [week_start, F) (the plan's own visits before F and what
    the contacts say).
    """
    found = []
    for cid in ctx.clients:
        visits = [v for v in ctx.visits_of(cid) if v.at_home]
        required = ctx.required_home_visits(cid)
        if required is None:
            found.append(
                Violation(
                    "H1",
                    f"{cid}'s visits per week cannot be told: acuity "
                    f"{ctx.client_rules(cid).acuity!r} is not in the policy.",
                    client=cid,
                )
            )
        elif ctx.replan_from is not None:
            found.extend(_replan_count(ctx, cid, visits, *required))
        elif len(visits) != required[0]:
            wanted, why = required
            found.append(
                Violation(
                    "H1",
                    f"{cid} has {len(visits)} visit(s) this week; their plan calls for {wanted}{why}.",
                    client=cid,
                )
            )
        for day, count in sorted(Counter(v.date for v in visits).items()):
            if count > 1:
                found.append(
                    Violation(
                        "H1",
                        f"{cid} has {count} visits on {day}; each visit must be on a different date.",
                        client=cid,
                        date=str(day),
                    )
                )
    return found


def _replan_count(ctx: Context, cid: str, visits: list[Visit], wanted: int, why: str) -> list[Violation]:
    start = ctx.replan_from
    assert start is not None and ctx.dates
    seen = [s for s in ctx.seen_before_cut(cid) if s.date >= ctx.dates[0]]
    later = [v for v in visits if v.date >= start]
    left = max(0, wanted - len(seen))
    if len(later) == left:
        return []
    return [
        Violation(
            "H1",
            f"{cid} has {len(later)} visit(s) from {start}; they were seen on {len(seen)} date(s) "
            f"before it, so {left} of their {wanted}{why} are still needed.",
            client=cid,
        )
    ]


def h2_spacing(ctx: Context) -> list[Violation]:
    """Hard: two visit dates of one client are at least min_gap_days apart.

    Home visits only (inpatient visits are not spaced); same-date visits are left to H1.
    In a re-plan from F the visits from F on are judged,
    with the history the first of them is also spaced from the client's last planned seen
    date before it: a visit recorded as a no-show keeps no gap.
    """
    found = []
    for cid in ctx.clients:
        gap = ctx.client_rules(cid).min_gap_days
        if not isinstance(gap, int):
            continue
        cut = ctx.replan_from
        dates = sorted({v.date for v in ctx.visits_of(cid) if v.at_home and (cut is None or v.date >= cut)})
        planned = [s.date for s in ctx.seen_before_cut(cid) if s.planned]
        if dates and planned and (dates[0] - planned[-1]).days < gap:
            apart = (dates[0] - planned[-1]).days
            found.append(
                Violation(
                    "H2",
                    f"{cid} is visited on {dates[0]}, {apart} day(s) after their last planned "
                    f"contact on {planned[-1]}; their acuity needs at least {gap} day(s) between visits.",
                    client=cid,
                    date=str(dates[0]),
                )
            )
        for before, after in pairwise(dates):
            apart = (after - before).days
            if apart < gap:
                found.append(
                    Violation(
                        "H2",
                        f"{cid} is visited on {before} and {after}, {apart} day(s) apart; their "
                        f"acuity needs at least {gap} day(s) between visits.",
                        client=cid,
                        date=str(after),
                    )
                )
    return found


def h3_staff_eligibility(ctx: Context) -> list[Violation]:
    """Hard: every visiting staff member is employed and works then, is not excluded, speaks
    the language."""
    found = []
    for visit in ctx.visits:
        client = ctx.clients[visit.client]
        excluded = as_list(client.get("excluded_staff"))
        language = client.get("language")
        for sid in visit.staff:
            if sid not in ctx.staff:
                continue  # H12 reports unknown staff.
            problem = _not_working(ctx, sid, visit)
            if problem:
                found.append(_h3(visit, sid, problem))
            if sid in excluded:
                found.append(
                    _h3(
                        visit,
                        sid,
                        f"{sid} is on {visit.client}'s excluded-staff list but visits them on {visit.date}.",
                    )
                )
            if language is not None and language not in as_list(ctx.staff[sid].get("languages")):
                found.append(
                    _h3(
                        visit,
                        sid,
                        f"{visit.client} speaks {language!r} but {sid}, "
                        f"who visits them on {visit.date}, does not.",
                    )
                )
    return found


def _not_working(ctx: Context, sid: str, visit: Visit) -> str | None:
    if not ctx.employed_on(sid, visit.date):
        return (
            f"{sid} is not employed on {visit.date} ({ctx.employment(sid)}) "
            f"but visits {visit.client} that day."
        )
    shift = ctx.shift(sid, visit.date)
    if shift is None:
        return (
            f"{sid} has no shift on {weekday_of(visit.date)} {visit.date} but visits {visit.client} that day."
        )
    if not visit.timed:
        return None  # H12 reports the malformed time.
    assert visit.start is not None and visit.end is not None
    if not (shift[0] <= visit.start and visit.end <= shift[1]):
        return (
            f"{sid}'s visit to {visit.client} on {visit.when()} is outside their shift "
            f"{hhmm(shift[0])}–{hhmm(shift[1])}."
        )
    for leave in ctx.leave(sid):
        if overlaps(visit.interval, leave):
            return f"{sid} is on leave during their visit to {visit.client} on {visit.when()}."
    return None


def _h3(visit: Visit, sid: str, message: str) -> Violation:
    return Violation("H3", message, client=visit.client, staff=sid, date=str(visit.date))


def h4_requirements(ctx: Context) -> list[Violation]:
    """Hard: every discipline and skill requirement of a client holds, recurring ones
    (``every_days``, version 2) from the last date that provided them."""
    found = []
    for cid, client in ctx.clients.items():
        visits = ctx.visits_of(cid)
        for i, req in enumerate(as_list(client.get("requirements"))):
            req = as_dict(req)
            if "every_days" in req and ("discipline" in req or "skill" in req):
                found.extend(_recurring_requirement(ctx, cid, visits, req))
            elif "discipline" in req:
                found.extend(_discipline_requirement(ctx, cid, visits, req))
            elif "skill" in req:
                found.extend(_skill_requirement(ctx, cid, visits, req))
            else:
                found.append(
                    Violation(
                        "H4",
                        f"{cid}'s requirement #{i + 1} names neither a discipline nor a skill.",
                        client=cid,
                    )
                )
    return found


def _counted(ctx: Context, cid: str, visits: list[Visit]) -> tuple[list[Visit], list]:
    """The visits a requirement counts and the seen dates that already met it: in a re-plan
    from F, the visits from F on and the seen dates of the week before F (a visit recorded as
    a no-show meets nothing); otherwise every visit of the week."""
    if ctx.replan_from is None:
        return visits, []
    start = ctx.replan_from
    return [v for v in visits if v.date >= start], [
        s for s in ctx.seen_before_cut(cid) if s.date >= ctx.dates[0]
    ]


def _discipline_requirement(ctx: Context, cid: str, visits: list[Visit], req: dict) -> list:
    discipline, wanted = req.get("discipline"), req.get("visits", 1)
    visits, seen = _counted(ctx, cid, visits)
    got = sum(any(ctx.staff.get(s, {}).get("discipline") == discipline for s in v.staff) for v in visits)
    got += sum(discipline in s.disciplines for s in seen)
    if isinstance(wanted, int) and got >= wanted:
        return []
    return [
        Violation(
            "H4",
            f"{cid} has {got} visit(s) with a {discipline} this week; their "
            f"treatment plan requires {wanted}.",
            client=cid,
        )
    ]


def _skill_requirement(ctx: Context, cid: str, visits: list[Visit], req: dict) -> list:
    skill, due, width = req.get("skill"), parse_date(req.get("due")), req.get("window_days", 0)
    if due is None or not isinstance(width, int):
        return [Violation("H4", f"{cid}'s {skill} requirement has no usable due date or window.", client=cid)]
    low, high = due - timedelta(days=width), due + timedelta(days=width)
    if not ctx.dates or high < ctx.dates[0] or low > ctx.dates[-1]:
        return []
    visits, seen = _counted(ctx, cid, visits)
    # A window that began last week and was met then asks nothing more of this one (history:
    # the seen dates before the week), as for a recurring requirement's "already provided".
    earlier = [s for s in ctx.seen_before_cut(cid) if s.date < ctx.dates[0]]
    if any(low <= s.date <= high and skill in s.skills for s in [*seen, *earlier]):
        return []
    for visit in visits:
        if low <= visit.date <= high and any(
            skill in as_list(ctx.staff.get(s, {}).get("skills")) for s in visit.staff
        ):
            return []
    return [
        Violation(
            "H4",
            f"{cid} needs a visit by someone with skill {skill!r} between {low} "
            f"and {high} (due {due}); none is planned.",
            client=cid,
            date=str(due),
        )
    ]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _recurring_requirement(ctx: Context, cid: str, visits: list[Visit], req: dict) -> list:
    """An ``every_days`` requirement (FORMATS.md, version 2): due every_days after L, the later
    of ``last`` and the last date before the plannable ones that provided it (seen dates,
    delivered contacts at hospital, inpatient visits of record); overdue or never given, due
    on the client's first open date from the first plannable date."""
    skill = req.get("skill") if "skill" in req else None
    name = skill if skill is not None else req.get("discipline")
    every, width = req.get("every_days"), req.get("window_days", 0)
    what = f"skill {name!r}" if skill is not None else f"discipline {name!r}"
    if not isinstance(every, int) or not isinstance(width, int) or not _is_int(every) or not _is_int(width):
        every = width = -1
    if every < 1 or width < 0:
        return [
            Violation(
                "H4", f"{cid}'s {what} requirement has no usable every_days or window_days.", client=cid
            )
        ]
    if ctx.cut is None:
        return []  # H12 reports the unusable week_start.
    first = ctx.cut

    def provides_date(s: Seen) -> bool:
        return name in (s.skills if skill is not None else s.disciplines)

    def provides_visit(visit: Visit) -> bool:
        if skill is not None:
            return any(skill in as_list(ctx.staff.get(s, {}).get("skills")) for s in visit.staff)
        return any(ctx.staff.get(s, {}).get("discipline") == name for s in visit.staff)

    earlier = [s for s in ctx.provided.get(cid, []) if s.date < first and provides_date(s)]
    candidates = [d for d in (parse_date(req.get("last")), earlier[-1].date if earlier else None) if d]
    last = max(candidates) if candidates else None
    due = last + timedelta(days=every) if last is not None else None
    if last is None:
        why = f"every {every} days, none on record"
    else:
        why = f"every {every} days, last on {last}"
    if due is None or due < first:
        if due is not None:
            why = f"overdue since {due}: {why}"
        due = ctx.first_open_on_or_after(cid, first)
        if due is None:
            return []  # Never open again: nothing can fall due.
    low, high = due - timedelta(days=width), due + timedelta(days=width)
    if high < first or not ctx.dates or low > ctx.dates[-1]:
        return []
    if any(low <= s.date <= high for s in earlier):
        return []  # Already provided inside the window before the plannable dates.
    for visit in visits:
        if visit.date >= first and low <= visit.date <= high and visit.place in (None, "home", "hospital"):
            if provides_visit(visit):
                return []
    who = f"someone with skill {name!r}" if skill is not None else f"a {name}"
    return [
        Violation(
            "H4",
            f"{cid} needs a visit by {who} between {low} and {high} (due {due}; {why}); none is planned.",
            client=cid,
            date=str(due),
        )
    ]


def h5_pairs(ctx: Context) -> list[Violation]:
    """Hard: a paired client's visits have exactly two distinct staff, others exactly one."""
    found = []
    for visit in ctx.visits:
        paired = ctx.clients[visit.client].get("paired") is True
        listed, distinct = len(visit.listed), len(set(map(repr, visit.listed)))
        if paired and (listed != 2 or distinct != 2):
            message = (
                f"{visit.client} must be visited by two different staff members (a safety "
                f"rule), but visit {visit.id} on {visit.date} lists {listed} "
                f"({distinct} different)."
            )
        elif not paired and listed != 1:
            message = (
                f"Visit {visit.id} to {visit.client} on {visit.date} lists {listed} staff "
                "members; an unpaired client is visited by exactly one."
            )
        else:
            continue
        found.append(
            Violation("H5", message, client=visit.client, staff=visit.sole_staff, date=str(visit.date))
        )
    return found


def h6_time_windows(ctx: Context) -> list[Violation]:
    """Hard: a visit lasts visit_minutes and lies inside one availability window that day."""
    found = []
    for visit in ctx.visits:
        if not visit.timed or not visit.at_home:
            continue  # H12 reports the malformed time; H13 judges inpatient visits.
        assert visit.start is not None and visit.end is not None
        client = ctx.clients[visit.client]
        minutes = ctx.client_rules(visit.client).visit_minutes
        if visit.end - visit.start != minutes:
            found.append(
                _h6(
                    visit,
                    f"Visit {visit.id} to {visit.client} on {visit.when()} lasts "
                    f"{visit.end - visit.start} minutes; their visits last {minutes}.",
                )
            )
        availability = client.get("availability")
        if availability is None:
            continue  # No availability key: the client can be visited any time.
        windows = [
            w
            for w in as_list(as_dict(availability).get(weekday_of(visit.date)))
            if isinstance(w, list) and len(w) == 2
        ]
        spans = [(parse_time(a), parse_time(b, end=True)) for a, b in windows]
        if any(a is not None and b is not None and a <= visit.start and visit.end <= b for a, b in spans):
            continue
        shown = ", ".join(f"{a}–{b}" for a, b in windows) or "no time at all"
        found.append(
            _h6(
                visit,
                f"Visit {visit.id} to {visit.client} on {visit.when()} is outside "
                f"their availability on {weekday_of(visit.date)} ({shown}).",
            )
        )
    return found


def _h6(visit: Visit, message: str) -> Violation:
    return Violation("H6", message, client=visit.client, staff=visit.sole_staff, date=str(visit.date))
