"""Dependencies of the routes, as ``Annotated`` aliases: the request's database session and who is asking.

One database session per request, a unit of work (``actplanner.db.unit_of_work``):
committed once when the route returns, after bringing what follows the changed
teams in step, and rolled back when it raises (services never commit).
The commit happens before the response is sent, so a response never reports a
change that then failed to commit.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from fastapi import Depends, HTTPException, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from actplanner.accounts.service import (
    LAST_USED_PRECISION,
    TokenGrant,
    note_token_use,
    session_user,
    use_is_stale,
    user_for_token,
)
from actplanner.db import ApiToken, Team, User
from actplanner.db.unit_of_work import unit_of_work
from actplanner.domain.week import WeekError, monday_of, parse_day, parse_week, require_planned, team_today
from actplanner.on_call.links import PERSONAL_NAME
from actplanner.planning.queue import SolveQueue
from actplanner.settings import Settings
from actplanner.teams.service import get_team, only_team
from actplanner.web.schemas import TEAM_ID_PATTERN
from actplanner.web.security import FORM_TYPES, session_key, sign_out, signed_in_user_id

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignedInUser:
    """Who is signed in, as pages show it; a copy, so an error page can still show it after a rollback."""

    id: int
    username: str
    role: str
    team_id: str | None
    staff_id: str | None


class LoginRequired(Exception):
    """A page needs a signed-in user and there is none; answered with a redirect to the sign-in page."""


def get_settings(request: Request) -> Settings:
    """The settings the app was made with."""
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """This request's session, as a unit of work: committed at its end, rolled back on an error."""
    with unit_of_work(request.app.state.sessionmaker) as work:
        yield work.session


def get_read_session(request: Request) -> Iterator[Session]:
    """A read-only session for this request: on SQLite a snapshot that never waits on a writer.

    For lookups that must answer at once while a solve writes (on call, feeds). Its
    routes must not write; they note token use with ``note_use`` instead.
    """
    with request.app.state.read_sessionmaker() as session:
        try:
            yield session
        finally:
            session.rollback()


def solve_queue(request: Request) -> SolveQueue:
    """The queue the app's solves wait in for a worker."""
    return request.app.state.solve_queue


SettingsDep = Annotated[Settings, Depends(get_settings)]
QueueDep = Annotated[SolveQueue, Depends(solve_queue)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]


def note_use(request: Request, token: ApiToken | TokenGrant) -> None:
    """Record a token's use in a short write of its own, at most once a minute, best effort.

    A lookup must not fail because the database is busy: a missed note only makes
    "last fetched" a little older.
    """
    if not use_is_stale(token):
        return
    # Requests in flight all read the old time from their snapshots; only the first of
    # them in this process writes, or a burst would queue a write per request.
    noted: dict[int, float] = request.app.state.token_uses_noted
    now = time.monotonic()
    if now - noted.get(token.id, -math.inf) < LAST_USED_PRECISION.total_seconds():
        return
    noted[token.id] = now
    try:
        with request.app.state.sessionmaker.begin() as session:
            note_token_use(session=session, token_id=token.id)
    except SQLAlchemyError:
        # A locked database or an exhausted pool: the answer matters more than the note.
        log.warning("could not record the use of token %s; the database is busy", token.id)


def _signed_in(request: Request, session: Session) -> User:
    """The active user signed in with the session cookie; LoginRequired when there is none."""
    user_id, key = signed_in_user_id(request), session_key(request)
    if user_id is None or key is None:
        if user_id is not None:
            sign_out(request)
        raise LoginRequired
    user = session_user(session=session, user_id=user_id, key=key)
    if user is None:
        # A session ended on the server (signed out, password changed, expired) or a deleted or
        # deactivated login: the cookie is forgotten, and a copy of it opens nothing either.
        sign_out(request)
        raise LoginRequired
    request.state.user = SignedInUser(user.id, user.username, user.role, user.team_id, user.staff_id)
    return user


def current_user(request: Request, session: SessionDep) -> User:
    """The active user signed in with the session cookie; LoginRequired when there is none."""
    return _signed_in(request, session)


def current_reader(request: Request, session: ReadSessionDep) -> User:
    """The signed-in user, read in the request's read-only session (for pages that only read)."""
    return _signed_in(request, session)


def optional_user(request: Request, session: SessionDep) -> User | None:
    """The signed-in user, or None (for pages anyone may open)."""
    try:
        return current_user(request, session)
    except LoginRequired:
        return None


CurrentUserDep = Annotated[User, Depends(current_user)]
CurrentReaderDep = Annotated[User, Depends(current_reader)]
OptionalUserDep = Annotated[User | None, Depends(optional_user)]


def lead_user(user: CurrentUserDep) -> User:
    """The signed-in user if they are a team lead; 403 for staff."""
    if user.role != "lead":
        raise HTTPException(status_code=403, detail="This page is for the team lead.")
    return user


LeadDep = Annotated[User, Depends(lead_user)]

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="PersonalToken",
    description="A personal API token: `Authorization: Bearer <token>`.",
)


def token_user(
    session: SessionDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> User:
    """The active user whose personal token is in the ``Authorization: Bearer`` header; 401 otherwise."""
    if credentials is None:
        raise HTTPException(
            status_code=401,
            detail="Send a personal API token in the header Authorization: Bearer <token>.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    user = user_for_token(session=session, token=credentials.credentials)
    if user is None:
        raise HTTPException(
            status_code=401,
            detail="The API token is unknown or revoked, or its user is deactivated.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return user


TokenUserDep = Annotated[User, Depends(token_user)]


def token_lead(user: TokenUserDep) -> User:
    """The token's user if they are a team lead; 403 for staff."""
    if user.role != "lead":
        raise HTTPException(status_code=403, detail="Only a team lead may do this.")
    return user


TokenLeadDep = Annotated[User, Depends(token_lead)]


def can_see_team(user: User, team_id: str) -> bool:
    """Whether ``user`` may see team ``team_id``: their own team, or any team for a lead without one."""
    return team_access(user.role, user.team_id, team_id)


def link_still_valid(grant: TokenGrant) -> bool:
    """A read-only on-call link works while its maker is still a lead who may see its team.

    A staff member's own link (``on_call.personal``) works while its holder may see the team.
    """
    if grant.kind != "on_call_link":
        return True
    return (
        grant.team_id is not None
        and (grant.user_role == "lead" or grant.name == PERSONAL_NAME)
        and team_access(grant.user_role, grant.user_team_id, grant.team_id)
    )


def team_access(role: str, own_team: str | None, team_id: str) -> bool:
    """The rule of ``can_see_team`` for a login known by its role and team only (a token's grant)."""
    return own_team == team_id or (role == "lead" and own_team is None)


def require_team(user: User, team_id: str) -> None:
    """403 unless ``user`` may see team ``team_id``."""
    if not can_see_team(user, team_id):
        raise HTTPException(status_code=403, detail=f"You have no access to team {team_id!r}.")


# ---------------------------------------------------------------------------------------------
# Which team, which week, which day


#: The ``team`` query value of a page, for a route that reads it itself (``TeamDep`` reads it for the rest).
TeamQuery = Annotated[
    str | None, Query(pattern=TEAM_ID_PATTERN, max_length=100, description="Team of a lead with no team.")
]
_TEAM_ID = re.compile(TEAM_ID_PATTERN)


async def asked_team(request: Request) -> str | None:
    """The ``team`` a page was asked for: in the query, else in a posted form; None when neither names one."""
    value = request.query_params.get("team")
    if value is None and request.headers.get("content-type", "").startswith(FORM_TYPES):
        field = (await request.form()).get("team")
        value = field if isinstance(field, str) else None
    if not value:
        return None
    if len(value) > 100 or not _TEAM_ID.match(value):
        raise HTTPException(status_code=422, detail=f"team: {value[:100]!r} is not a team id.")
    return value


def resolve_team(*, session: Session, user: User, asked: str | None) -> Team | None:
    """The team a page works on: the one asked for, else the user's own, else the only team there is.

    None when a lead of no team has several teams to choose from; 403 when the
    user may not see the team, 404 when there is no such team.
    """
    team_id = asked or user.team_id
    if team_id is None:
        return only_team(session=session) if user.role == "lead" else None
    require_team(user, team_id)
    return get_team(session=session, team_id=team_id)


def current_team(
    session: SessionDep, user: CurrentUserDep, asked: Annotated[str | None, Depends(asked_team)]
) -> Team | None:
    """The team of this request (see ``resolve_team``)."""
    return resolve_team(session=session, user=user, asked=asked)


TeamDep = Annotated[Team | None, Depends(current_team)]


def team_date(team: TeamDep) -> date:
    """Today in the team's time zone; the server's date when no team is chosen yet."""
    return date.today() if team is None else team_today(team.timezone)


TodayDep = Annotated[date, Depends(team_date)]


def week_asked(today: TodayDep, week: Annotated[str | None, Query(max_length=40)] = None) -> date:
    """The ``week`` query value, a Monday; by default the current week in the team's zone.

    A value that is not a Monday, or a week outside the years actplanner plans (so that
    its Sunday and the weeks either side are dates too), is a 422 whose message names ``week``.
    """
    try:
        return parse_week(week, default=monday_of(today))
    except WeekError as err:
        raise HTTPException(status_code=422, detail=str(err)) from None


WeekDep = Annotated[date, Depends(week_asked)]


def day_of_week_asked(
    week: Annotated[
        str | None, Query(max_length=40, description="Any day of the week (YYYY-MM-DD); default this week.")
    ] = None,
) -> date | None:
    """The ``week`` query value of a page that takes any day of its week; None when none is given.

    A value that is not a date, or one outside the years actplanner plans, is a 422 naming ``week``.
    """
    if week is None or not week.strip():
        return None
    try:
        return parse_day(week, field="week")
    except WeekError as err:
        raise HTTPException(status_code=422, detail=str(err)) from None


DayOfWeekDep = Annotated[date | None, Depends(day_of_week_asked)]


def day_in_path(day: date) -> date:
    """The ``{day}`` of a page's path; 422 naming ``day`` when it is outside the years actplanner plans."""
    try:
        return require_planned(day, field="day")
    except WeekError as err:
        raise HTTPException(status_code=422, detail=str(err)) from None


DayPathDep = Annotated[date, Depends(day_in_path)]
