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

from actplanner.domain import care
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
    return sv.Problem(
        team=team.team.id,
        staff=tuple(_staff(member, 1 + i, week_start) for i, member in enumerate(team.staff)),
        clients=clients,
        policy=_policy(team.policy),
        travel=travel_matrix(team, hospitals),
        baseline=_baseline(baseline, team, week_start, from_date) if baseline else None,
        on_call_history=on_call_history(team, history, week_start) if history is not None else None,
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


def _staff(member: Staff, location: int, week_start: date) -> sv.Staff:
    leave = tuple(
        window
        for period in member.leave
        if (window := _clip(week_minute(week_start, period.start), week_minute(week_start, period.end)))
    )
    # H3, H9: outside employment a staff member has no shift and no on-call period, read by
    # the rota as leave over those days (from the Sunday before the week to the Monday after).
    unemployed = [d for d in range(-1, DAYS + 1) if not care.employed_on(member, week_start + timedelta(d))]
    leave += tuple(sv.Window(d * DAY, (d + 1) * DAY) for d in unemployed)
    shifts = {}
    for day, name in enumerate(WEEKDAYS):
        if name in member.shifts and day not in unemployed:
            start, end = member.shifts[name]
            shift = sv.Window(day * DAY + minutes(start), day * DAY + minutes(end))
            if (rest := longest_piece(shift, leave)) is not None:
                shifts[day] = rest
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
    doc: dict[str, object] = {
        "format": "actplanner/plan@2"
        if replan_from is not None
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
        "metrics": dict(plan.metrics),
        "solver": solver,
    }
    return load_plan(doc)


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
