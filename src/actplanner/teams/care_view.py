"""What is in force for one client on a day, and why, in sentences for the client page.

The sentences come from the care rules the plans are made with (``domain.care``), so the
page and the plan never disagree: the program dates, the acuity level of the week (and the
change that set it, or the next one), a hospital stay or absence holding the day, the
post-discharge rule after a stay, the week's required home visits and when each dated
requirement falls due next. Due dates read the client's seen dates (``domain.history``)
from the published plans and the contact log in the database, only this client's, only as
far back as their requirements look.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from actplanner.contacts.service import list_contacts
from actplanner.db import Plan
from actplanner.domain import care
from actplanner.domain.formats import Client, Episode, PlanFile, TeamFile
from actplanner.domain.formats._base import to_date
from actplanner.domain.formats.plan import PLAN_FORMAT_2
from actplanner.domain.history import History, SeenDate, seen_dates
from actplanner.domain.week import DAYS_IN_WEEK, monday_of
from actplanner.domain.words import capitalised, day_words
from actplanner.planning.plans import stored_visits


@dataclass(frozen=True)
class InForce:
    """One thing in force: what it is about (``topic``: program, acuity, visits, stay,
    after a stay, due) and the sentence saying it."""

    topic: str
    text: str


def _day(d: date) -> str:
    # As the pages say a date, with its year: these dates run from admission years ago to months ahead.
    return f"{day_words(d)} {d.year}"


def _words(level: str) -> str:
    return level.replace("_", " ")


def _program(client: Client, day: date) -> InForce:
    since = to_date(client.admitted) if client.admitted else None
    until = to_date(client.discharged) if client.discharged else None
    if until is not None and until <= day:
        return InForce("program", f"Not on the program: discharged on {_day(until)}.")
    if since is not None and day < since:
        return InForce("program", f"Not on the program yet: admitted from {_day(since)}.")
    text = "On the program" + (f" since {_day(since)}" if since else "")
    if until is not None:
        text += f"; discharged from the program on {_day(until)}"
    return InForce("program", text + ".")


def _acuity(team: TeamFile, client: Client, week: date) -> InForce:
    level = care.acuity_in_force(client, week)
    changes = sorted((to_date(c.date), c.acuity) for c in client.acuity_changes)
    text = f"Acuity in force for the week of {_day(week)}: {_words(level)}"
    applied = [c for c in changes if c[0] <= week]
    if applied:
        before = applied[-2][1] if len(applied) > 1 else client.acuity
        text += f", changed from {_words(before)} on {_day(applied[-1][0])}"
    coming = [c for c in changes if c[0] > week]
    if coming:
        when, then = coming[0]
        # It takes effect from the first week starting on or after its date.
        effective = when if when.weekday() == 0 else monday_of(when) + timedelta(DAYS_IN_WEEK)
        now_visits = team.policy.acuity[level].visits_per_week if level in team.policy.acuity else 0
        then_visits = team.policy.acuity[then].visits_per_week if then in team.policy.acuity else 0
        verb = (
            "steps down"
            if then_visits < now_visits
            else "steps up"
            if then_visits > now_visits
            else "changes"
        )
        text += f"; {verb} to {_words(then)} from the week of {_day(effective)}"
    return InForce("acuity", text + ".")


def _visits(team: TeamFile, client: Client, week: date) -> InForce:
    n = care.required_home_visits(team, client, week)
    base = care.base_visits_per_week(team, client, week)
    why = "the client's own count" if client.visits_per_week is not None else "their acuity's"
    text = f"Home visits the week of {_day(week)} needs: {n}"
    if n != base:
        opened = len(care.open_dates(client, care.week_dates(week)))
        text += f" ({why} is {base} a week; {opened} of its 7 days open"
        after = [d for d in care.post_discharge_dates(team, client) if monday_of(d) == week]
        if after:
            text += f", {len(after)} after a hospital stay"
        text += ")"
    return InForce("visits", text + ".")


def _place(episode: Episode) -> str:
    where = episode.location
    if where is None:
        return "no hospital location given"
    return where.label or f"hospital at {where.lat:.4f}, {where.lon:.4f}"


def _stay(client: Client, day: date) -> InForce | None:
    episode = care.episode_on(client, day)
    if episode is None:
        return None
    start, end = care.episode_span(episode)
    back = f"; home on {_day(end)}" if end is not None else "; no end date yet"
    if episode.kind == "away":
        return InForce("stay", f"Away since {_day(start)}{back}: no home visits until then.")
    if episode.location is not None and episode.visits_per_week > 0:
        many = episode.visits_per_week
        visits = f"{many} hospital visit{'s' if many > 1 else ''} a week by the ITT"
    else:
        visits = "no hospital visits planned"
    return InForce("stay", f"In hospital since {_day(start)} ({_place(episode)}), {visits}{back}.")


def _coming(client: Client, day: date) -> list[InForce]:
    """Stays and absences starting later in the week of ``day``."""
    week_end = monday_of(day) + timedelta(DAYS_IN_WEEK)
    found = []
    for episode in client.episodes:
        start, end = care.episode_span(episode)
        if day < start < week_end:
            what = "Hospital stay" if episode.kind == "inpatient" else "Away"
            until = f" to {_day(end)}" if end is not None else ""
            where = f" ({_place(episode)})" if episode.kind == "inpatient" else ""
            found.append(InForce("stay", f"{what} from {_day(start)}{until}{where}: no home visits then."))
    return found


def _after_stay(team: TeamFile, client: Client, day: date) -> InForce | None:
    rule = team.policy.post_discharge
    episode = care.discharged_within(client, day, rule.days if rule is not None else 14)
    if episode is None:
        return None
    end = care.episode_span(episode)[1]
    assert end is not None  # discharged_within finds only stays that ended
    if rule is None:
        return InForce(
            "after a stay",
            f"Discharged from hospital on {_day(end)} (the team policy has no post-discharge rule).",
        )
    until = end + timedelta(rule.days - 1)
    first = (
        "first within 1 day" if rule.first_within_days == 1 else f"first within {rule.first_within_days} days"
    )
    return InForce(
        "after a stay",
        f"Discharged from hospital on {_day(end)}: post-discharge rule until {_day(until)} "
        f"({rule.visits_per_week} visits a week, {first}).",
    )


def _due(team: TeamFile, client: Client, seen: tuple[SeenDate, ...], day: date) -> list[InForce]:
    lines = []
    for item in care.next_due(team, client, seen, day):
        window = f"on {_day(item.due)}" if item.low == item.high else f"{_day(item.low)} to {_day(item.high)}"
        overdue = "overdue, " if item.overdue else ""
        text = f"{capitalised(item.what)}: {overdue}next due {_day(item.due)} (window {window})"
        text += f"; last given {_day(item.last)}" if item.last is not None else "; none given on record"
        lines.append(InForce("due", text + "."))
    return lines


def in_force(team: TeamFile, client: Client, day: date, seen: tuple[SeenDate, ...] = ()) -> list[InForce]:
    """What is in force for ``client`` on ``day`` (and its week), and why; ``seen`` are the
    client's seen and hospital-provided dates before ``day``, in date order. Pure."""
    week = monday_of(day)
    lines = [_program(client, day), _acuity(team, client, week), _visits(team, client, week)]
    lines += [line for line in (_stay(client, day), _after_stay(team, client, day)) if line is not None]
    lines += _coming(client, day)
    lines += _due(team, client, seen, day)
    return lines


def look_back(client: Client) -> int:
    """Days before the day that the client's due dates read: the longest every_days plus its
    window of their requirements, and a week."""
    days = [r.every_days + r.window_days for r in client.requirements if r.every_days is not None]
    return max(days, default=0) + DAYS_IN_WEEK


def client_seen(*, session: Session, team: TeamFile, client: Client, day: date) -> tuple[SeenDate, ...]:
    """The client's seen dates before ``day`` and the dates that provided care in hospital
    (recurring requirements read both), from the published plans and the contact log.

    Not audited here: the client page that shows what follows from them records the view.
    """
    if not any(r.every_days is not None for r in client.requirements):
        return ()
    team_id = team.team.id
    first = day - timedelta(days=look_back(client))
    weeks = dict(
        session.execute(
            select(Plan.id, Plan.week_start).where(
                Plan.team_id == team_id,
                Plan.status == "published",
                Plan.week_start >= monday_of(first),
                Plan.week_start <= day,
            )
        ).all()
    )
    visits = stored_visits(session, weeks, client_id=client.id)
    plans = {
        week: PlanFile.model_construct(
            format=PLAN_FORMAT_2,
            team=team_id,
            week_start=week.isoformat(),
            visits=visits[plan_id],
            on_call=[],
        )
        for plan_id, week in weeks.items()
    }
    stored = list_contacts(session=session, team_id=team_id, client=client.id, start=first, end=day)
    history = History(plans=plans, contacts=tuple(s.contact for s in stored))
    return seen_dates(team, history, before=day, hospital=True, since=first).get(client.id, ())


__all__ = ["InForce", "client_seen", "in_force", "look_back"]
