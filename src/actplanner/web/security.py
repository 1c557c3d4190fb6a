"""Sign-in sessions in a signed cookie, CSRF tokens for every form, and protective response headers.

The session is Starlette's ``SessionMiddleware``: the data (user id, the key of
the sign-in session kept on the server, and the CSRF token) lives in a cookie
signed with ``settings.secret_key`` (itsdangerous), ``HttpOnly``, ``SameSite=Lax``
and ``Secure`` when ``settings.https``. Pages authenticate with it, and only while
the server's session is live: signing out, a password change or deactivation end
it, so a copied cookie stops working. The JSON API never reads it (Bearer tokens
only), so only the pages need CSRF protection.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Mapping
from typing import Any

from fastapi import HTTPException, Request
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from actplanner.accounts.service import SESSION_LIFETIME
from actplanner.db import User
from actplanner.settings import Settings

SESSION_COOKIE = "actplanner_session"
# The sign-in's own lifetime: long enough for a shift, not days.
SESSION_MAX_AGE = int(SESSION_LIFETIME.total_seconds())
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
API_PREFIX = "/api/"


def session_middleware(settings: Settings) -> Middleware:
    """The signed session cookie, with the flags the settings call for."""
    return Middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=settings.https,
    )


def csrf_token(request: Request) -> str:
    """The CSRF token of this browser session, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def sign_in(request: Request, user: User, key: str) -> None:
    """Start a fresh cookie for ``user``'s sign-in session ``key`` (kept on the server, see accounts).

    A new CSRF token, so one planted before sign-in is useless.
    """
    request.session.clear()
    request.session["user_id"] = user.id
    request.session["key"] = key
    request.session["csrf"] = secrets.token_urlsafe(32)


def sign_out(request: Request) -> None:
    """Forget the signed-in user and the CSRF token."""
    request.session.clear()


def signed_in_user_id(request: Request) -> int | None:
    """The user id the session cookie names, if any."""
    user_id = request.session.get("user_id")
    return user_id if isinstance(user_id, int) else None


def session_key(request: Request) -> str | None:
    """The key of the server's sign-in session the cookie names, if any."""
    key = request.session.get("key")
    return key if isinstance(key, str) and key else None


def is_api_request(request: Request) -> bool:
    """Whether the request is for the JSON API (Bearer tokens, JSON errors)."""
    route = request.scope.get("route")
    path = getattr(route, "path", None) or request.url.path.removeprefix(request.scope.get("root_path", ""))
    return path.startswith(API_PREFIX)


def _token_matches(sent: Any, expected: str) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(sent.encode(), expected.encode())


async def csrf_protect(request: Request) -> None:
    """Refuse a state-changing page request whose CSRF token is missing or not this session's.

    The token comes in the ``X-CSRF-Token`` header (htmx) or the ``csrf_token``
    form field (plain forms); either matching is enough. The form is parsed only
    when the session has a token and the header did not match: a request that
    cannot pass is refused before its body is read.
    """
    if request.method not in UNSAFE_METHODS or is_api_request(request):
        return
    expected = request.session.get("csrf")
    if isinstance(expected, str) and expected:
        if _token_matches(request.headers.get(CSRF_HEADER), expected):
            return
        if request.headers.get("content-type", "").startswith(FORM_TYPES) and _token_matches(
            (await request.form()).get(CSRF_FIELD), expected
        ):
            return
    raise HTTPException(
        status_code=403,
        detail="This form has expired or did not come from actplanner (its security token does not match). "
        "Nothing was changed; reload the page and try again.",
    )


#: The largest request body of a visitor who is not signed in: the sign-in form and little more.
ANONYMOUS_BODY_LIMIT = 64 * 1024
#: The largest request body of a signed-in page or an API call, but for the paths given their own limit.
BODY_LIMIT = 1024 * 1024


class BodyLimit:
    """Refuse a request body over its limit with a 413, before anything parses or stores it.

    A declared ``Content-Length`` over the limit is refused at the first read, without
    reading a byte; a body sent without one is counted and refused once it passes the
    limit. Sits inside the session middleware: a visitor who is not signed in (no user
    in the session cookie, no ``Authorization`` header) gets ``anonymous`` bytes at
    most, a signed-in one ``default``, or the path's own limit in ``paths`` (a team
    file upload). A path of ``paths`` may name a segment in braces, as routes do
    (``/api/v1/teams/{team_id}/contacts/import``): it stands for any one segment.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        default: int = BODY_LIMIT,
        anonymous: int = ANONYMOUS_BODY_LIMIT,
        paths: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.default = default
        self.anonymous = anonymous
        self.paths = {path: size for path, size in (paths or {}).items() if "{" not in path}
        self.templates = [(_path_pattern(path), size) for path, size in (paths or {}).items() if "{" in path]

    def limit(self, scope: Scope) -> int:
        """The body limit of this request."""
        session = scope.get("session") or {}
        credentials = any(name == b"authorization" for name, _value in scope.get("headers", []))
        if not credentials and not isinstance(session.get("user_id"), int):
            return self.anonymous
        path = scope["path"].removeprefix(scope.get("root_path", ""))
        if path in self.paths:
            return self.paths[path]
        return next((size for pattern, size in self.templates if pattern.fullmatch(path)), self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        declared = _content_length(scope)
        received = 0

        async def receive_capped() -> Message:
            nonlocal received
            if declared is not None and declared > limit:
                raise _too_large(limit)
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _too_large(limit)
            return message

        await self.app(scope, receive_capped, send)


def _path_pattern(template: str) -> re.Pattern[str]:
    """``/a/{x}/b`` as a pattern matching ``/a/<any one segment>/b``."""
    parts = re.split(r"(\{[^/{}]+\})", template)
    return re.compile("".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts))


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _too_large(limit: int) -> HTTPException:
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit // 1024} kB"
    return HTTPException(
        status_code=413,
        detail=f"The request is too large: at most {size} may be sent here. Nothing was read or changed.",
    )


def body_limit_middleware(paths: Mapping[str, int]) -> Middleware:
    """The body limit (``BodyLimit``), with larger limits for the paths that take a file."""
    return Middleware(BodyLimit, paths=paths)


#: Paths whose next segment is a token.
TOKEN_PATHS = ("/feeds/", "/on-call/t/")


class SecurityHeaders:
    """Headers that keep pages from being framed, sniffed or loading anything from elsewhere."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.headers = [
            # No external resources anywhere; htmx and the stylesheet are served from here.
            (
                b"content-security-policy",
                b"default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                b"img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
            ),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"same-origin"),
        ]
        if https:
            self.headers.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        # A path holding a token (a feed, a read-only on-call link) never leaves in a Referer,
        # whatever answers it: the page, or an error page about it.
        tokened = scope["path"].startswith(TOKEN_PATHS)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # A route may set its own (an on-call link's stricter Referrer-Policy); it wins.
                own = {name.lower() for name, _value in message.get("headers", [])}
                if tokened and b"referrer-policy" not in own:
                    own.add(b"referrer-policy")
                    message["headers"] = [*message.get("headers", []), (b"referrer-policy", b"no-referrer")]
                headers = [*message.get("headers", []), *(h for h in self.headers if h[0] not in own)]
                # Pages show client data: no copies in a shared computer's browser cache.
                if not any(name.lower() == b"cache-control" for name, _value in headers):
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
