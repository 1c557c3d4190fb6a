"""Calendar feeds: the Feeds page (subscribe, rotate, revoke) and the token-protected .ics feeds.

A feed URL carries its own secret (the token) because calendar apps cannot sign
in. So the token is shown once, right after it is made, and stored only as its
SHA-256; an unknown, revoked or deactivated token gets the same 404, so the URL
says nothing about why it stopped working. Calendar apps poll, hence the ETag and
Last-Modified handling: an unchanged feed costs a 304.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from email.utils import format_datetime, parsedate_to_datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from actplanner.accounts.service import live_tokens, token_row
from actplanner.db import ApiToken, User
from actplanner.feeds.calendar import feed_state
from actplanner.feeds.ical import FeedLinks
from actplanner.feeds.service import (
    FEED_KINDS,
    feed_kinds,
    issue_feed_token,
    owner_names,
    revoke_feed_token,
    team_feed_tokens,
)
from actplanner.teams.service import get_team
from actplanner.web.deps import CurrentUserDep, ReadSessionDep, SessionDep, can_see_team, note_use
from actplanner.web.templating import render, url_path

router = APIRouter(tags=["pages"])

FeedKind = Literal["feed", "rota_feed"]
TITLES = {"feed": "My calendar", "rota_feed": "Team on-call rota"}
#: The same feeds as a lead's table of other people's links names them.
KIND_NAMES = {"feed": "Own calendar", "rota_feed": "Team on-call rota"}
#: Calendar apps revalidate every time (max-age=0) and no shared cache keeps a copy (private).
CACHE_CONTROL = "private, max-age=0"
MEDIA_TYPE = "text/calendar; charset=utf-8"
#: Appended to the ETag of a gzipped feed.
GZIP_TAG = "-gzip"
_ENTITY_TAG = re.compile(r'\s*(?:W/)?"([^"]*)"\s*(?:,|$)')


# The feeds themselves


@router.api_route("/feeds/{token}.ics", methods=["GET", "HEAD"], name="feed_ics")
def feed_ics(request: Request, session: ReadSessionDep, token: str) -> Response:
    """A staff member's calendar or a team's on-call rota as iCalendar; 304 when the caller has it already."""
    row = token_row(session=session, token=token, kinds=FEED_KINDS, note_use=False)
    found = _feed_target(session, row) if row is not None else None
    if row is None or found is None:
        return Response("No such calendar feed.", status_code=404, media_type="text/plain")
    # "Last fetched" on the Feeds page, written apart: the feed itself is read from a snapshot.
    note_use(request, row)
    links = _feed_links(request)
    state = feed_state(session=session, team_id=found.team_id, staff_id=found.staff_id)
    # The ETag comes from the stored state, so a 304 never renders the feed. A gzipped body is
    # another representation (RFC 9110 section 8.8.3), hence its own tag; either one revalidates.
    etag = state.etag(links)
    gzipped = _accepts_gzip(request)
    headers = {
        "ETag": f'"{etag}{GZIP_TAG if gzipped else ""}"',
        "Cache-Control": CACHE_CONTROL,
        "Vary": "Accept-Encoding",
        "Last-Modified": format_datetime(state.last_modified.astimezone(UTC), usegmt=True),
    }
    if _not_modified(request, etag, state.last_modified):
        return Response(status_code=304, headers=headers)
    body = state.render(links)
    if gzipped:
        # mtime 0: the same feed compresses to the same bytes on every fetch.
        body = gzip.compress(body, compresslevel=6, mtime=0)
        headers["Content-Encoding"] = "gzip"
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(status_code=200, headers=headers, media_type=MEDIA_TYPE)
    return Response(body, headers=headers, media_type=MEDIA_TYPE)


@dataclass(frozen=True)
class _FeedTarget:
    """What one feed token shows: a staff member's events, or a team's on-call rota with names."""

    team_id: str
    staff_id: str | None


def _feed_target(session: Session, row: ApiToken) -> _FeedTarget | None:
    """The feed a live token opens, or None when its user no longer belongs where it points."""
    user = row.user
    if row.kind == "feed":
        # A login moved to another team keeps no window on the old one.
        if user.staff_id is None or user.team_id is None or row.team_id != user.team_id:
            return None
        return _FeedTarget(team_id=user.team_id, staff_id=user.staff_id)
    if row.team_id is None or not can_see_team(user, row.team_id):
        return None
    return _FeedTarget(team_id=row.team_id, staff_id=None)


def _feed_links(request: Request) -> FeedLinks:
    # Calendar apps open links outside the browser: they must be absolute.
    base = str(request.base_url).rstrip("/")
    return FeedLinks(
        my_week=base + (url_path(request, "my_week") or "/my-week"),
        on_call=base + (url_path(request, "on_call") or "/on-call"),
    )


def _accepts_gzip(request: Request) -> bool:
    """Whether Accept-Encoding lists gzip (or ``*``) with a weight above zero."""
    weights: dict[str, float] = {}
    for item in request.headers.get("accept-encoding", "").split(","):
        coding, _, params = item.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if coding.strip():
            weights[coding.strip().lower()] = weight
    return weights.get("gzip", weights.get("x-gzip", weights.get("*", 0.0))) > 0


def _not_modified(request: Request, etag: str, last_modified: datetime | None) -> bool:
    """RFC 9110 §13.2.2: If-None-Match decides when sent; otherwise If-Modified-Since.

    ``etag`` is the feed's tag without quotes; its gzipped representation's tag matches too.
    """
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        # Weak comparison (fine for GET): W/"x" matches "x"; the opaque tags must be equal.
        sent = _ENTITY_TAG.findall(if_none_match)
        return etag in sent or etag + GZIP_TAG in sent
    if_modified_since = request.headers.get("if-modified-since")
    if if_modified_since is None or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False  # An unparsable date is ignored, as RFC 9110 says.
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    # HTTP dates have whole seconds; the stored instant has microseconds.
    return last_modified.replace(microsecond=0) <= since


# The Feeds page


@dataclass(frozen=True)
class TokenLine:
    """A live feed token as the page shows it (never the token itself)."""

    id: int
    kind: str
    owner: str
    created: str
    last_fetched: str


@dataclass(frozen=True)
class SubscribeLinks:
    """The ways to subscribe to a new feed URL; shown once."""

    https: str
    webcal: str
    google: str


@dataclass(frozen=True)
class FeedCard:
    """One feed the user may subscribe to: its live token, if any, and the links right after making one."""

    kind: str
    title: str
    live: TokenLine | None
    links: SubscribeLinks | None


@router.get("/feeds", name="feeds")
def feeds_page(request: Request, session: SessionDep, user: CurrentUserDep) -> Response:
    """The user's calendar feeds (and, for a lead, the team's), with when each was last fetched."""
    return _page(request, session, user)


@router.post("/feeds", name="feeds_create")
def create_feed(
    request: Request, session: SessionDep, user: CurrentUserDep, kind: Annotated[FeedKind, Form()]
) -> Response:
    """Make a new feed link (rotating any live one of that kind) and show it, this once."""
    try:
        token = issue_feed_token(session=session, user=user, kind=kind, name=TITLES[kind])
    except PermissionError as err:
        raise HTTPException(status_code=403, detail=str(err)) from None
    return _page(request, session, user, new=(kind, _subscribe_links(request, token)))


@router.post("/feeds/{token_id}/revoke", name="feeds_revoke")
def revoke_feed(request: Request, session: SessionDep, user: CurrentUserDep, token_id: int) -> Response:
    """Revoke a feed link: one's own, or as a lead any of the team's."""
    try:
        revoke_feed_token(session=session, token_id=token_id, user=user)
    except PermissionError as err:
        # Rendered rather than raised, so the session commits and the refused attempt stays on record.
        context = {"title": "Not allowed", "message": str(err), "status_code": 403}
        return render(request, "error.html", context, status_code=403)
    return RedirectResponse(request.app.url_path_for("feeds"), status_code=303)


def _subscribe_links(request: Request, token: str) -> SubscribeLinks:
    # The request's own scheme: https behind TLS, plain http on a developer's machine.
    https = str(request.url_for("feed_ics", token=token))
    webcal = "webcal://" + https.split("://", 1)[1]
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    return SubscribeLinks(https=https, webcal=webcal, google=google)


def _page(
    request: Request, session: Session, user: User, new: tuple[str, SubscribeLinks] | None = None
) -> Response:
    tz = ZoneInfo(get_team(session=session, team_id=user.team_id).timezone) if user.team_id else UTC
    names = owner_names(session=session, team_id=user.team_id) if user.team_id else {}
    cards = []
    for kind in feed_kinds(user):
        # A link made while in another team opens nothing now (see _feed_target): not shown.
        live = [
            t for t in live_tokens(session=session, user_id=user.id, kind=kind) if t.team_id == user.team_id
        ]
        cards.append(
            FeedCard(
                kind=kind,
                title=TITLES[kind],
                live=_line(live[-1], names, tz) if live else None,
                links=new[1] if new is not None and new[0] == kind else None,
            )
        )
    context: dict[str, Any] = {
        "cards": cards,
        "is_lead": user.role == "lead",
        "has_team": user.team_id is not None,
        "team_tokens": _team_tokens(session, user, names, tz),
        "kind_names": KIND_NAMES,
    }
    return render(request, "feeds/feeds.html", context)


def _team_tokens(session: Session, user: User, names: dict[int, str], tz: tzinfo) -> list[TokenLine]:
    """For a lead: the live feed links of everyone else in the team, so a lost phone's feed can be cut off."""
    if user.role != "lead" or user.team_id is None:
        return []
    rows = team_feed_tokens(session=session, team_id=user.team_id, except_user_id=user.id)
    return [_line(row, names, tz) for row in rows]


def _line(row: ApiToken, names: dict[int, str], tz: tzinfo) -> TokenLine:
    return TokenLine(
        id=row.id,
        kind=row.kind,
        owner=names.get(row.user_id, row.user.username),
        created=_when(row.created_at, tz),
        last_fetched=_when(row.last_used_at, tz) if row.last_used_at else "never",
    )


def _when(instant: datetime, tz: tzinfo) -> str:
    return instant.astimezone(tz).strftime("%a %-d %b %Y %H:%M")
