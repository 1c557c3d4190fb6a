"""The one place that converts between team/plan files and the solver's types.

The solver measures time in week minutes: minutes from 00:00 local wall-clock
time on the Monday ``week_start`` (Tuesday 09:00 is 1440 + 540). Wall-clock
minutes, not elapsed ones: a daylight-saving change does not shift any shift,
window or visit, as the team's own clocks do not either.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from actplanner.domain import care, rostering
from actplanner.domain.formats import (
    WEEKDAYS,
    Client,
    HaversineTravel,
    Location,
    MatrixTravel,
    PlanFile,
    Policy,
    Staff,
    TeamFile,
    load_plan,
    minutes,
)
from actplanner.domain.formats import DisciplineRequirement as FileDisciplineRequirement
from actplanner.domain.formats._base import to_date, to_datetime
from actplanner.domain.formats.team import uses_part_b
from actplanner.domain.history import History, SeenDate, seen_dates
from actplanner.domain.on_call_history import on_call_history
from solver import plan as sp
from solver import problem as sv
from solver.problem import DAY, DAYS

#: Earth radius of the haversine travel model (FORMATS.md), in km.
EARTH_RADIUS_KM = 6371.0
#: Leave is kept from the day before the week (the Sunday on-call period) to the
#: day after it (the last on-call period ends on the next Monday).
LEAVE_CLIP = sv.Window(-DAY, (DAYS + 1) * DAY)
#: Goal 6: staff who saw the client in this many days before the week are preferred.
RECENT_DAYS = 14


def to_problem(
    team: TeamFile,
    week_start: date,
    baseline: PlanFile | None = None,
    from_date: date | None = None,
    history: History | None = None,
    re_roster: Sequence[str] = (),
) -> sv.Problem:
    """The solver's ``Problem`` for one week of ``team``.

    Locations: index 0 is the office, then each staff member's start (in
    ``team.staff`` order), then each client's home (in ``team.clients`` order).
    A shift that leave cuts into pieces keeps only its longest piece (the
    earliest of equal ones): one working window a day is what the solver
    models, and a day split by a dentist's appointment is rarely worth routing
    around. ``baseline`` (a plan of the same team and week) is what a re-plan
    stays close to; its visits before ``from_date`` are kept exactly.
    ``history`` (earlier plans and the contact log) makes it a re-plan with what
    happened: the seen dates before ``from_date`` (the week's Monday without
    one) decide how many visits each client still needs, the spacing of the
    next one and the requirements already met (FORMATS.md, version 2).

    Under Part B (``uses_part_b``) the problem carries a ``Roster``: contracted
    staff have no fixed shifts and a ``Contract`` instead; a baseline's shifts
    of contracted staff are kept unless they are listed in ``re_roster`` (staff
    ids; their days from the re-plan date on are chosen again), and pinned
    shifts are always kept. Fixed staff work their ``holiday`` entry on a
    holiday, and are off without one.
    """
    if week_start.weekday() != 0:
        raise ValueError(f"week_start {week_start} is not a Monday.")
    cut = from_date if baseline is not None and from_date is not None else week_start
    provided = (
        seen_dates(team, history, before=cut, plan=baseline, hospital=True, since=cut - lookback(team))
        if history is not None
        else {}
    )
    first_client = 1 + len(team.staff)
    # H13: each client in hospital this week gets the hospital as a location of its own,
    # after the homes.
    stays: dict[str, list[tuple[care.InpatientNeed, int]]] = {}
    hospitals: list[Location] = []
    for client in team.clients:
        for need in care.inpatient_visits(client, week_start):
            assert need.episode.location is not None  # inpatient_visits keeps only located stays
            stays.setdefault(client.id, []).append((need, first_client + len(team.clients) + len(hospitals)))
            hospitals.append(need.episode.location)
    clients = tuple(
        _client(
            team,
            client,
            first_client + j,
            week_start,
            # Without history a re-plan reads the baseline's visits before F as version 1 does:
            # they count, so the week's rules start on the Monday.
            cut if history is not None else week_start,
            provided.get(client.id, ()) if history is not None else None,
            stays.get(client.id, []),
        )
        for j, client in enumerate(team.clients)
    )
    if history is not None:
        clients = tuple(
            with_seen_dates(
                c,
                [s for s in provided.get(c.id, ()) if not s.at_hospital],
                week_start,
                cut,
                provided.get(c.id, ()),
            )
            for c in clients
        )
    holidays = rostering.holiday_dates(team)
    return sv.Problem(
        team=team.team.id,
        staff=tuple(_staff(member, 1 + i, week_start, holidays) for i, member in enumerate(team.staff)),
        clients=clients,
        policy=_policy(team.policy),
        travel=travel_matrix(team, hospitals),
        baseline=_baseline(baseline, team, week_start, from_date) if baseline else None,
        on_call_history=on_call_history(team, history, week_start) if history is not None else None,
        roster=_roster(team, week_start, baseline, from_date, history, re_roster)
        if uses_part_b(team)
        else None,
    )


def lookback(team: TeamFile) -> timedelta:
    """How far before the cut the week's rules read seen dates: continuity's 14 days, the
    widest spacing, a first post-discharge visit's interval, and a recurring requirement's
    every_days plus its window (an older date cannot move its due date into this week
    without ``last`` or a later one doing so)."""
    days = [RECENT_DAYS, *(level.min_gap_days for level in team.policy.acuity.values())]
    if team.policy.post_discharge is not None:
        days.append(team.policy.post_discharge.first_within_days)
    for client in team.clients:
        days += [r.every_days + r.window_days for r in client.requirements if r.every_days is not None]
    return timedelta(days=max(days) + DAYS)


def haversine_km(a: Location, b: Location) -> float:
    """Great-circle distance between two points, Earth radius 6371.0 km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def haversine_minutes(a: Location, b: Location, speed_kmh: float, detour_factor: float) -> int:
    """ceil(haversine_km × detour_factor / speed_kmh × 60); 0 for the same point (FORMATS.md)."""
    if (a.lat, a.lon) == (b.lat, b.lon):
        return 0
    return math.ceil(haversine_km(a, b) * detour_factor / speed_kmh * 60)


def travel_matrix(team: TeamFile, hospitals: Sequence[Location] = ()) -> tuple[tuple[int, ...], ...]:
    """Minutes between every pair of locations, indexed as in ``to_problem``; ``hospitals``
    come last. A matrix cannot name a hospital: under the matrix model it is reached by the
    haversine model with its default speed and detour (as the checker does)."""
    travel = team.policy.travel
    office = team.team.office
    points = [office, *(s.start or office for s in team.staff), *(c.home for c in team.clients)]
    if isinstance(travel, MatrixTravel):
        names = ["office", *(s.id for s in team.staff), *(c.id for c in team.clients)]
        named = [[0 if a == b else travel.minutes[a][b] for b in names] for a in names]
        if not hospitals:
            return tuple(tuple(row) for row in named)
        model = HaversineTravel.model_validate({"model": "haversine"})
        everywhere = [*points, *hospitals]
        return tuple(
            tuple(
                named[i][j]
                if i < len(names) and j < len(names)
                else haversine_minutes(a, b, model.speed_kmh, model.detour_factor)
                for j, b in enumerate(everywhere)
            )
            for i, a in enumerate(everywhere)
        )
    points += list(hospitals)
    return tuple(
        tuple(haversine_minutes(a, b, travel.speed_kmh, travel.detour_factor) for b in points) for a in points
    )


def week_minute(week_start: date, local: str) -> int:
    """Minutes from Monday 00:00 of the week to a local date-time ``YYYY-MM-DDTHH:MM``."""
    delta = to_datetime(local) - datetime.combine(week_start, time())
    return delta // timedelta(minutes=1)


def _staff_leave(member: Staff, week_start: date) -> tuple[tuple[sv.Window, ...], list[int]]:
    """The staff member's leave in week minutes (clipped), unemployed days read as leave, and
    those unemployed days (from the Sunday before the week to the Monday after)."""
    leave = tuple(
        window
        for period in member.leave
        if (window := _clip(week_minute(week_start, period.start), week_minute(week_start, period.end)))
    )
    # H3, H9: outside employment a staff member has no shift and no on-call period, read by
    # the rota as leave over those days.
    unemployed = [d for d in range(-1, DAYS + 1) if not care.employed_on(member, week_start + timedelta(d))]
    return leave + tuple(sv.Window(d * DAY, (d + 1) * DAY) for d in unemployed), unemployed


def fixed_shifts(
    member: Staff, week_start: date, holidays: frozenset[date] = frozenset()
) -> dict[int, sv.Window]:
    """A fixed-hours staff member's working window per day (H14): the team file's window of
    the date (the ``holiday`` entry on a holiday, none: off) cut by leave, keeping the longest
    piece; no window outside employment. Empty for a contracted staff member."""
    if member.contract is not None:
        return {}
    leave, unemployed = _staff_leave(member, week_start)
    shifts = {}
    for day in range(DAYS):
        span = rostering.fixed_window(member, week_start + timedelta(days=day), holidays)
        if span is not None and day not in unemployed:
            shift = sv.Window(day * DAY + span[0], day * DAY + span[1])
            if (rest := longest_piece(shift, leave)) is not None:
                shifts[day] = rest
    return shifts


def _staff(
    member: Staff, location: int, week_start: date, holidays: frozenset[date] = frozenset()
) -> sv.Staff:
    leave, _ = _staff_leave(member, week_start)
    shifts = fixed_shifts(member, week_start, holidays)
    return sv.Staff(
        id=member.id,
        discipline=member.discipline,
        fte=member.fte,
        location=location,
        shifts=shifts,
        languages=frozenset(member.languages),
        skills=frozenset(member.skills),
        max_visits_per_day=member.max_visits_per_day,
        on_call_roles=frozenset(member.on_call_roles),
        leave=leave,
        phone=member.phone or "",
    )


def _clip(start: int, end: int) -> sv.Window | None:
    start, end = max(start, LEAVE_CLIP.start), min(end, LEAVE_CLIP.end)
    return sv.Window(start, end) if start < end else None


def longest_piece(shift: sv.Window, leave: tuple[sv.Window, ...]) -> sv.Window | None:
    """The longest part of ``shift`` outside every leave window (earliest of equals), or None."""
    pieces = [(shift.start, shift.end)]
    for gone in leave:
        pieces = [
            (lo, hi)
            for start, end in pieces
            for lo, hi in ((start, min(end, gone.start)), (max(start, gone.end), end))
            if lo < hi
        ]
    best = max(pieces, key=lambda p: (p[1] - p[0], -p[0]), default=None)
    return sv.Window(*best) if best else None


def _client(
    team: TeamFile,
    client: Client,
    location: int,
    week_start: date,
    cut: date,
    provided: Sequence[SeenDate] | None,
    stays: Sequence[tuple[care.InpatientNeed, int]],
) -> sv.Client:
    """One client's week. ``cut`` is the first plannable date (F in a re-plan, else the
    Monday); ``provided`` its dates before the cut that provided care (None without history);
    ``stays`` the week's inpatient needs, each with its hospital's location index."""
    policy = team.policy
    level = policy.acuity[care.acuity_in_force(client, week_start)]
    dates = care.week_dates(week_start)
    opened = care.open_dates(client, dates)
    availability: dict[int, tuple[sv.Window, ...]]
    if client.availability is None:
        availability = {day: (sv.Window(day * DAY, (day + 1) * DAY),) for day in range(DAYS)}
    else:
        availability = {
            day: tuple(
                sorted(
                    (
                        sv.Window(day * DAY + minutes(start), day * DAY + minutes(end))
                        for start, end in client.availability[name]
                    ),
                    key=lambda w: (w.start, w.end),
                )
            )
            for day, name in enumerate(WEEKDAYS)
            if client.availability.get(name)
        }
    # H13: no home visit on a date that is not open.
    availability = {day: w for day, w in availability.items() if dates[day] in opened}
    seen = list(provided or ())
    plannable = [d for d in range(DAYS) if dates[d] >= cut]
    disciplines = []
    skills = []
    for r in client.requirements:
        if isinstance(r, FileDisciplineRequirement) and r.visits is not None:
            disciplines.append(sv.DisciplineRequirement(r.discipline, r.visits))
            continue
        window = care.due_window(r, client, seen, cut, cut)
        if window is None:
            continue
        due = care.due_of(r, client, seen, cut, cut)
        lo, hi = window
        days = tuple(d for d in plannable if lo <= dates[d] <= hi)
        if not days:
            # A window that misses the week asks nothing of it. One that closed before F, not
            # given (a missed injection), keeps its days: the solver cannot place a visit
            # there and reports it in unmet, as the checker will find it.
            days = tuple(d for d in range(DAYS) if lo <= dates[d] <= hi)
        if not days:
            continue
        due_text = due.due.isoformat() if due is not None else ""
        if isinstance(r, FileDisciplineRequirement):
            disciplines.append(sv.DisciplineRequirement(r.discipline, 1, days=days, due=due_text))
        else:
            skills.append(sv.SkillRequirement(skill=r.skill, days=days, due=due_text))
    hospital = tuple(
        sv.HospitalStay(
            days=tuple(dates.index(d) for d in need.dates),
            visits=need.visits,
            location=where,
            label=(need.episode.location.label if need.episode.location else None) or "the hospital",
        )
        for need, where in stays
    )
    since = cut - timedelta(days=RECENT_DAYS)
    return sv.Client(
        id=client.id,
        code=client.code,
        location=location,
        acuity=care.acuity_in_force(client, week_start),
        visits_per_week=care.required_home_visits(team, client, week_start),
        visit_minutes=client.visit_minutes or level.visit_minutes,
        min_gap_days=level.min_gap_days,
        availability=availability,
        language=client.language,
        primary=client.primary,
        itt=tuple(client.itt) if client.itt is not None else None,
        excluded_staff=frozenset(client.excluded_staff),
        paired=client.paired,
        discipline_requirements=tuple(disciplines),
        skill_requirements=tuple(skills),
        day_quotas=_day_quotas(team, client, dates, cut, [s for s in seen if not s.at_hospital]),
        hospital=hospital,
        recent_staff=frozenset(sid for s in seen if since <= s.date < cut for sid in s.staff),
    )


def _day_quotas(
    team: TeamFile, client: Client, dates: list[date], cut: date, seen: Sequence[SeenDate]
) -> tuple[sv.DayQuota, ...]:
    """H13 post-discharge: at least ceil(visits_per_week × p / 7) home visits on the week's p
    post-discharge dates (less those already seen before the cut), and a first home visit in
    [end, end + first_within_days − 1] when no seen date before the cut is in it."""
    rule = team.policy.post_discharge
    if rule is None:
        return ()
    index = {d: i for i, d in enumerate(dates)}
    quotas = []
    after = [d for d in care.post_discharge_dates(team, client) if d in index]
    if after:
        wanted = math.ceil(rule.visits_per_week * len(after) / DAYS)
        got = len({s.date for s in seen if s.date in after})
        if wanted > got:
            days = tuple(index[d] for d in after if d >= cut)
            quotas.append(sv.DayQuota(days, wanted - got, "post-discharge"))
    for end in care.discharges(client):
        interval = care.first_visit_interval(team, end)
        if interval is None or interval[1] < dates[0] or interval[0] > dates[-1]:
            continue
        lo, hi = interval
        if any(lo <= s.date <= hi for s in seen):
            continue
        days = tuple(index[d] for d in dates if lo <= d <= hi and d >= cut and care.is_open(client, d))
        quotas.append(sv.DayQuota(days, 1, "first post-discharge visit"))
    return tuple(quotas)


def with_seen_dates(
    client: sv.Client,
    seen: Sequence[SeenDate],
    week_start: date,
    cut: date,
    provided: Sequence[SeenDate] | None = None,
) -> sv.Client:
    """``client`` re-planned from ``cut`` with what happened: the visits still needed
    (max(0, n − c), c its seen dates this week before the cut), the last planned seen date
    to space from, and the requirements those dates have not met already. ``provided``
    (default ``seen``) are the dates that may have met a requirement, hospital ones too."""
    this_week = [s for s in seen if week_start <= s.date < cut]
    given = [s for s in (seen if provided is None else provided) if week_start <= s.date < cut]
    planned = [s.date for s in seen if s.planned]
    still = []
    for req in client.discipline_requirements:
        if req.days is not None:
            still.append(req)  # recurring: its window already reads what was provided
            continue
        left = req.visits - sum(req.discipline in s.disciplines for s in given)
        if left > 0:
            still.append(sv.DisciplineRequirement(req.discipline, left))
    skills = tuple(
        req
        for req in client.skill_requirements
        if not any(req.skill in s.skills and (s.date - week_start).days in req.days for s in given)
    )
    return replace(
        client,
        discipline_requirements=tuple(still),
        skill_requirements=skills,
        seen_before=sv.SeenBefore(
            from_day=(cut - week_start).days,
            visits=max(0, client.visits_per_week - len(this_week)),
            last_planned_day=(planned[-1] - week_start).days if planned else None,
        ),
    )


def _policy(policy: Policy) -> sv.Policy:
    on_call = policy.on_call
    roles = tuple(
        sv.OnCallRole(name, frozenset(getattr(on_call.roles, name).disciplines))
        for name in policy.defined_roles()
    )
    rest = on_call.rest_next_day_start
    return sv.Policy(
        caseload_max_per_staff=policy.caseload_max_per_staff,
        team_approach_min_staff=policy.team_approach_min_staff,
        on_call_roles=roles,
        handoff=minutes(on_call.handoff),
        max_consecutive=on_call.max_consecutive,
        rest_next_day_start=minutes(rest) if rest is not None else None,
    )


def _roster(
    team: TeamFile,
    week_start: date,
    baseline: PlanFile | None,
    from_date: date | None,
    history: History | None,
    re_roster: Sequence[str],
) -> sv.Roster:
    """Part B's roster of the week: each contracted staff member's contract, the coverage
    needs, break rule and meetings of each date (by its day name), the week's holidays, and
    the shifts a re-plan keeps."""
    policy = team.policy
    holidays = rostering.holiday_dates(team)
    dates = care.week_dates(week_start)
    names = [rostering.day_name(d, holidays) for d in dates]

    def window(day: int, start: str, end: str) -> sv.Window:
        return sv.Window(day * DAY + minutes(start), day * DAY + minutes(end))

    coverage = tuple(
        sv.CoverageNeed(window(day, c.start, c.end), c.min_staff, tuple(sorted(c.min_by_discipline.items())))
        for day, name in enumerate(names)
        for c in policy.coverage
        if name in c.days
    )
    meeting = policy.team_meeting
    meetings = tuple(
        sv.Meeting(window(day, meeting.start, meeting.end))
        for day, name in enumerate(names)
        if meeting is not None and name in meeting.days
    )
    rule = policy.breaks
    breaks = (
        sv.BreakRule(rule.after_minutes, rule.minutes, (minutes(rule.window[0]), minutes(rule.window[1])))
        if rule is not None
        else None
    )
    contracts = {
        member.id: _contract(team, member, week_start, holidays, history)
        for member in team.staff
        if member.contract is not None
    }
    kept, pinned = _kept(baseline, week_start, from_date, contracts, frozenset(re_roster))
    return sv.Roster(
        contracts=contracts,
        coverage=coverage,
        breaks=breaks,
        meetings=meetings,
        holidays=frozenset(day for day, d in enumerate(dates) if d in holidays),
        kept=kept,
        pinned=pinned,
        fairness_weeks=policy.on_call.fairness_weeks,
    )


def _contract(
    team: TeamFile, member: Staff, week_start: date, holidays: frozenset[date], history: History | None
) -> sv.Contract:
    """H18 of one contracted staff member, dates resolved. Options: each allowed shift type
    whose ``days`` admit the date, not on a day off, employed, no leave overlapping it.
    Credits (FORMATS.md H18): a date wholly on leave, or a holiday not worked, and not a day
    off, credits floor(minutes_per_week[0] / max_days_per_week); a holiday wholly on leave
    is counted once, among the leave days; dates outside employment credit nothing."""
    contract = member.contract
    assert contract is not None
    leave, unemployed = _staff_leave(member, week_start)
    periods = [(to_datetime(p.start), to_datetime(p.end)) for p in member.leave]
    options = []
    credited = 0
    free_holidays = []
    for day, today in enumerate(care.week_dates(week_start)):
        off = rostering.is_day_off(contract, today, holidays)
        if day in unemployed:
            continue  # no shift and no credit outside employment (docs/decisions.md)
        if not off and rostering.wholly_on_leave(today, periods):
            credited += 1
        elif not off and today in holidays:
            free_holidays.append(day)
        if off:
            continue
        name = rostering.day_name(today, holidays)
        for type_name in contract.shift_types:
            kind = team.policy.shift_types.get(type_name)
            if kind is None or not rostering.type_admits(kind, name):
                continue
            span = sv.Window(day * DAY + minutes(kind.start), day * DAY + minutes(kind.end))
            if not any(span.overlaps(gone) for gone in leave):
                options.append(sv.ShiftOption(type_name, day, span))
    lo, hi = contract.minutes_per_week
    week = {d: i for i, d in enumerate(care.week_dates(week_start))}
    requests = tuple(
        sv.ShiftRequest(week[to_date(r.date)], None if r.off else r.shift)
        for r in contract.requests
        if to_date(r.date) in week
    )
    return sv.Contract(
        options=tuple(options),
        minutes=(lo, hi),
        max_days=contract.max_days_per_week,
        max_consecutive=contract.max_consecutive_days,
        min_rest=contract.min_rest_minutes,
        max_weekends_per_4=contract.max_weekends_per_4_weeks,
        credit=lo // contract.max_days_per_week,
        credited_days=credited,
        holidays=tuple(free_holidays),
        requests=requests,
        worked_before=rostering.worked_before(member.id, history, week_start),
        weekends_before=rostering.weekends_before(member.id, history, week_start),
        fair_before=rostering.fair_before(
            member.id, history, week_start, team.policy.on_call.fairness_weeks, holidays
        ),
    )


def _kept(
    baseline: PlanFile | None,
    week_start: date,
    from_date: date | None,
    contracts: dict[str, sv.Contract],
    re_roster: frozenset[str],
) -> tuple[dict[tuple[str, int], sv.ShiftOption | None], frozenset[tuple[str, int]]]:
    """The baseline's roster a re-plan keeps: every date of a contracted staff member (a
    shift, or None: off) unless they are re-rostered, plus every pinned shift. Dates before
    the re-plan date happened and are kept exactly; from it on, a kept shift that is no longer
    allowed (leave recorded since, the contract changed) is chosen again, pinned or not."""
    if baseline is None or baseline.shifts is None:
        return {}, frozenset()
    first = 0 if from_date is None else min(DAYS, max(0, (from_date - week_start).days))
    given = {}
    untyped = set()  # fixed hours then, a contract now: nothing of the contract to keep
    for s in baseline.shifts:
        day = (to_date(s.date) - week_start).days
        if s.staff not in contracts or not 0 <= day < DAYS:
            continue
        if s.type is None:
            untyped.add((s.staff, day))
            continue
        span = sv.Window(day * DAY + minutes(s.start), day * DAY + minutes(s.end))
        given[(s.staff, day)] = (sv.ShiftOption(s.type, day, span), s.pinned)
    kept: dict[tuple[str, int], sv.ShiftOption | None] = {}
    pinned = set()
    for staff, contract in contracts.items():
        for day in range(DAYS):
            option, pin = given.get((staff, day), (None, False))
            if (staff, day) in untyped:
                continue
            if day >= first and option is not None and option not in contract.options:
                continue
            if pin or day < first or staff not in re_roster:
                kept[(staff, day)] = option
                if pin:
                    pinned.add((staff, day))
    return kept, frozenset(pinned)


def _baseline(plan: PlanFile, team: TeamFile, week_start: date, from_date: date | None) -> sv.Baseline:
    if plan.team != team.team.id or plan.week_start != week_start.isoformat():
        raise ValueError(
            f"Baseline plan is for team {plan.team}, week {plan.week_start}; "
            f"expected team {team.team.id}, week {week_start}."
        )
    visits = []
    for v in plan.visits:
        day = (to_date(v.date) - week_start).days
        visits.append(
            sv.Visit(
                client=v.client,
                staff=tuple(v.staff),
                day=day,
                start=day * DAY + minutes(v.start),
                end=day * DAY + minutes(v.end),
                purpose=v.purpose,
                pinned=v.pinned,
                id=v.id,
                place="hospital" if v.in_hospital else None,
            )
        )
    on_call = tuple(
        sp.OnCallPeriod(p.role, p.staff, week_minute(week_start, p.start), week_minute(week_start, p.end))
        for p in plan.on_call
    )
    from_day = 0 if from_date is None else min(DAYS, max(0, (from_date - week_start).days))
    return sv.Baseline(visits=tuple(visits), from_day=from_day, on_call=on_call)


def to_plan_file(
    plan: sp.Plan, team: TeamFile, week_start: date, *, replan_from: date | None = None
) -> PlanFile:
    """The plan file of a solver ``Plan``.

    Visits come in (date, start, staff) order; one without an id gets the next
    free ``v-NNNN``. ``pinned`` appears only on pinned visits, ``moved`` in the
    solver block only when the solver counted it. A re-plan made with what happened
    names its date F (``replan_from``), and an inpatient visit says ``"place": "hospital"``;
    either makes it a version 2 plan file.

    Under Part B the file is plan@2 with ``shifts`` (date, start, staff order) and
    ``breaks``. Contracted staff's shifts are the plan's; fixed staff's are the team file's
    windows of each date (H14 defines them from the team file alone), so the file is
    complete whichever step made the plan.
    """
    visits = sorted(plan.visits, key=lambda v: (v.day, v.start, v.staff, v.client))
    used = {v.id for v in visits if v.id}
    numbers = (f"v-{n:04d}" for n in itertools.count(1))
    entries = []
    for v in visits:
        ident = v.id or next(n for n in numbers if n not in used)
        entry: dict[str, object] = {
            "id": ident,
            "client": v.client,
            "staff": list(v.staff),
            "date": (week_start + timedelta(days=v.day)).isoformat(),
            "start": clock(v.start - v.day * DAY),
            "end": clock(v.end - v.day * DAY),
            "purpose": v.purpose,
        }
        if v.pinned:
            entry["pinned"] = True
        if v.place is not None:
            entry["place"] = v.place
        entries.append(entry)
    solver: dict[str, object] = {
        "status": plan.status,
        "seconds": plan.seconds,
        "objective": plan.objective,
        "bound": plan.bound,
    }
    if plan.moved is not None:
        solver["moved"] = plan.moved
    part_b = uses_part_b(team)
    doc: dict[str, object] = {
        "format": "actplanner/plan@2"
        if part_b
        or replan_from is not None
        or any(v.place for v in visits)
        or any(u.staff is not None or u.day is not None for u in plan.unmet)
        else "actplanner/plan@1",
        "team": team.team.id,
        "week_start": week_start.isoformat(),
        **({"replan_from": replan_from.isoformat()} if replan_from is not None else {}),
        "visits": entries,
        "on_call": [
            {
                "role": p.role,
                "staff": p.staff,
                "start": local_datetime(week_start, p.start),
                "end": local_datetime(week_start, p.end),
            }
            for p in plan.on_call
        ],
        "caseload": {
            client: {"primary": c.primary, "itt": list(c.itt)} for client, c in plan.caseload.items()
        },
        "unmet": [_unmet_entry(u, week_start) for u in plan.unmet],
        **(_shift_entries(plan, team, week_start) if part_b else {}),
        "metrics": dict(plan.metrics),
        "solver": solver,
    }
    return load_plan(doc)


def plan_shifts(plan: sp.Plan, team: TeamFile, week_start: date) -> list[sp.Shift]:
    """Every working staff member's window per day (H14): contracted staff's from the plan,
    fixed staff's from the team file, in (day, start, staff) order."""
    contracted = {m.id for m in team.staff if m.contract is not None}
    holidays = rostering.holiday_dates(team)
    shifts = [s for s in plan.shifts if s.staff in contracted]
    shifts += [
        sp.Shift(member.id, day, w.start, w.end)
        for member in team.staff
        if member.contract is None
        for day, w in fixed_shifts(member, week_start, holidays).items()
    ]
    return sorted(shifts, key=lambda s: (s.day, s.start, s.staff))


def _shift_entries(plan: sp.Plan, team: TeamFile, week_start: date) -> dict[str, object]:
    """The plan file's ``shifts`` and ``breaks`` (plan@2 Part B); ``pinned`` only when pinned."""

    def when(day: int, start: int, end: int) -> dict[str, str]:
        return {
            "date": (week_start + timedelta(days=day)).isoformat(),
            "start": clock(start - day * DAY),
            "end": clock(end - day * DAY),
        }

    shifts = []
    for s in plan_shifts(plan, team, week_start):
        entry: dict[str, object] = {"staff": s.staff, **when(s.day, s.start, s.end), "type": s.type}
        if s.pinned:
            entry["pinned"] = True
        shifts.append(entry)
    breaks = [
        {"staff": b.staff, **when(b.day, b.start, b.end)}
        for b in sorted(plan.breaks, key=lambda b: (b.day, b.start, b.staff))
    ]
    return {"shifts": shifts, "breaks": breaks}


def _unmet_entry(u: sp.Unmet, week_start: date) -> dict[str, object]:
    """An ``unmet`` entry naming what the solver named: the client, and (version 2) the staff
    member and date, so that the checker's excusing matches it field for field."""
    entry: dict[str, object] = {"rule": u.rule, "detail": u.detail}
    if u.client is not None:
        entry["client"] = u.client
    if u.staff is not None:
        entry["staff"] = u.staff
    if u.day is not None:
        entry["date"] = (week_start + timedelta(days=u.day)).isoformat()
    return entry


def clock(minute_of_day: int) -> str:
    """``"HH:MM"`` of a minute of the day; 1440 is ``"24:00"``, the end of the day."""
    if not 0 <= minute_of_day <= DAY:
        raise ValueError(f"{minute_of_day} is not a minute of one day.")
    return f"{minute_of_day // 60:02d}:{minute_of_day % 60:02d}"


def local_datetime(week_start: date, week_minute: int) -> str:
    """``"YYYY-MM-DDTHH:MM"`` of a week minute (7 × 1440 + 510 is the next Monday 08:30)."""
    moment = datetime.combine(week_start, time()) + timedelta(minutes=week_minute)
    return moment.strftime("%Y-%m-%dT%H:%M")
