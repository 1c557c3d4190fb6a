"""Version 2 rules about dates in a person's life: H13 (client episodes) and H9's employment part.

FORMATS.md, version 2 Part A: a client is visited at home only on open dates (on the program,
inside no episode); a visited inpatient episode gets its hospital visits; the weeks after a
discharge get more home visits and a first one soon. A staff member holds no on-call period
outside their employment.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta

from .context import Context, Visit, at, parse_date, stamp
from .report import Violation

PLACES = (None, "home", "hospital")


def h9_employment(ctx: Context) -> list[Violation]:
    """Hard (H9, version 2): every on-call period lies inside its holder's employment
    [employed_from, employed_until); a period that reaches outside it is not theirs to hold."""
    found = []
    for entry in ctx.on_call:
        sid = entry.staff
        if sid is None or sid not in ctx.staff or entry.start is None or entry.end is None:
            continue  # H9's entry checks and H12 report these.
        member = ctx.staff[sid]
        since, until = parse_date(member.get("employed_from")), parse_date(member.get("employed_until"))
        if (since is None or at(since, 0) <= entry.start) and (until is None or entry.end <= at(until, 0)):
            continue
        found.append(
            Violation(
                "H9",
                f"{sid} holds the {entry.role} on-call period from {stamp(entry.start)} to "
                f"{stamp(entry.end)}, outside their employment ({ctx.employment(sid)}).",
                staff=sid,
                date=str(entry.start.date()),
            )
        )
    return found


def h13_episodes(ctx: Context) -> list[Violation]:
    """Hard: home visits on open dates only; the inpatient visits of a visited episode; the
    post-discharge count and first visit; a visit's place (FORMATS.md, H13).

    In a re-plan from F, the plan's visits from F on are judged against the home-visit rules
    (those before F are kept as they were) and the seen dates before F count as visits.
    """
    found: list[Violation] = []
    for cid in ctx.clients:
        visits = ctx.visits_of(cid)
        if ctx.plan_v2:
            found.extend(_place_problems(ctx, cid, visits))
        found.extend(_closed_home_visits(ctx, cid, visits))
        found.extend(_inpatient_visits(ctx, cid, visits))
        found.extend(_post_discharge(ctx, cid, visits))
    return found


def _judged(ctx: Context, visits: list[Visit]) -> list[Visit]:
    """The home visits the plan answers for: from F on in a re-plan, else all of them."""
    cut = ctx.replan_from
    return [v for v in visits if v.at_home and (cut is None or v.date >= cut)]


def _why_closed(ctx: Context, cid: str, day: date) -> str:
    if not ctx.on_program(cid, day):
        client = ctx.clients[cid]
        return (
            f"not on the program then (admitted {client.get('admitted') or '—'}, "
            f"discharged {client.get('discharged') or '—'})"
        )
    episode = ctx.episode_on(cid, day)
    assert episode is not None
    kind = "in hospital" if episode.kind == "inpatient" else "away"
    until = f"until {episode.end}" if episode.end else "with no end date"
    return f"{kind} from {episode.start} {until}"


def _closed_home_visits(ctx: Context, cid: str, visits: list[Visit]) -> list[Violation]:
    return [
        Violation(
            "H13",
            f"Visit {v.id} sees {cid} at home on {v.date}, but they are {_why_closed(ctx, cid, v.date)}.",
            client=cid,
            staff=v.sole_staff,
            date=str(v.date),
        )
        for v in _judged(ctx, visits)
        if not ctx.is_open(cid, v.date)
    ]


def _place_problems(ctx: Context, cid: str, visits: list[Visit]) -> list[Violation]:
    found = []
    for v in visits:
        if v.place not in PLACES:
            message = (
                f"Visit {v.id} to {cid} on {v.date} has place {v.place!r}; a visit's place is "
                "home or hospital."
            )
        elif v.in_hospital and ctx.hospital(cid, v.date) is None:
            message = (
                f"Visit {v.id} sees {cid} in hospital on {v.date}, but no hospital stay with a "
                "location holds that date."
            )
        else:
            continue
        found.append(Violation("H13", message, client=cid, staff=v.sole_staff, date=str(v.date)))
    return found


def _inpatient_visits(ctx: Context, cid: str, visits: list[Visit]) -> list[Violation]:
    found = []
    hospital = [v for v in visits if v.in_hospital and ctx.hospital(cid, v.date) is not None]
    for episode, days, wanted in ctx.inpatient_needs(cid):
        mine = [v for v in hospital if episode.holds(v.date)]
        if len(mine) != wanted:
            found.append(
                Violation(
                    "H13",
                    f"{cid} is in hospital ({episode.label}) on {len(days)} date(s) this week and has "
                    f"{len(mine)} hospital visit(s); {episode.visits_per_week} a week asks for {wanted}.",
                    client=cid,
                )
            )
        for day, count in sorted(Counter(v.date for v in mine).items()):
            if count > 1:
                found.append(
                    Violation(
                        "H13",
                        f"{cid} has {count} hospital visits on {day}; each must be on a different date.",
                        client=cid,
                        date=str(day),
                    )
                )
    minutes = ctx.client_rules(cid).visit_minutes
    for v in hospital:
        if v.timed and v.end is not None and v.start is not None and v.end - v.start != minutes:
            found.append(
                Violation(
                    "H13",
                    f"Hospital visit {v.id} to {cid} on {v.when()} lasts {v.end - v.start} minutes; "
                    f"their visits last {minutes}.",
                    client=cid,
                    staff=v.sole_staff,
                    date=str(v.date),
                )
            )
        itt = ctx.itt(cid)
        if not any(s in itt for s in v.staff):
            found.append(
                Violation(
                    "H13",
                    f"Hospital visit {v.id} to {cid} on {v.date} has nobody from their ITT "
                    f"({', '.join(map(str, itt)) or 'none given'}).",
                    client=cid,
                    staff=v.sole_staff,
                    date=str(v.date),
                )
            )
    return found


def _post_discharge(ctx: Context, cid: str, visits: list[Visit]) -> list[Violation]:
    rule = ctx.post_discharge()
    if rule is None or not ctx.dates:
        return []
    _, per_week, first_within = rule
    found = []
    home = _judged(ctx, visits)
    seen = ctx.seen_before_cut(cid)
    after = set(ctx.post_discharge_dates(cid))
    if after:
        wanted = math.ceil(per_week * len(after) / 7)
        got = len({v.date for v in home if v.date in after} | {s.date for s in seen if s.date in after})
        if got < wanted:
            shown = f"{min(after)} to {max(after)}"
            found.append(
                Violation(
                    "H13",
                    f"{cid} was discharged from hospital recently: {len(after)} of this week's dates "
                    f"({shown}) follow the stay, so they need at least {wanted} home visit(s) on them "
                    f"({per_week} a week), and have {got}.",
                    client=cid,
                )
            )
    if first_within < 1:
        return found
    for end in ctx.discharges(cid):
        last = end + timedelta(days=first_within - 1)
        if last < ctx.dates[0] or end > ctx.dates[-1]:
            continue
        if any(end <= s.date <= last for s in seen):
            continue  # Seen already inside the interval.
        if any(end <= v.date <= last for v in home):
            continue
        found.append(
            Violation(
                "H13",
                f"{cid} came home from hospital on {end} and needs a first home visit by {last} "
                f"(within {first_within} day(s)); none is planned.",
                client=cid,
                date=str(end),
            )
        )
    return found
