"""The FastAPI application: pages, the JSON API, static files, sessions and error responses.

``create_app`` is a factory (``uvicorn --factory actplanner.web.app:create_app``);
each app has its own engine, made from its settings, and migrates the database
when it starts unless told not to.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import make_url
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from actplanner.accounts import pages as auth
from actplanner.audit import pages as audit
from actplanner.contacts import api as contacts_api
from actplanner.contacts import pages as contacts
from actplanner.db import make_engine, make_sessionmaker, migrate
from actplanner.domain.errors import NotFound
from actplanner.feeds import pages as feeds
from actplanner.fidelity import pages as fidelity
from actplanner.meeting import pages as meeting
from actplanner.on_call import api as on_call_api
from actplanner.on_call import pages as on_call
from actplanner.on_call import phone as on_call_phone
from actplanner.planning import api, board, my_week, print_views, roster
from actplanner.planning import day as visits
from actplanner.planning.queue import DatabaseQueue
from actplanner.settings import Settings, get_settings
from actplanner.spreadsheets import pages as spreadsheets
from actplanner.teams import api as teams_api
from actplanner.teams import pages as team
from actplanner.web import home, icons, log_redaction
from actplanner.web.deps import LoginRequired
from actplanner.web.schemas import without_surrogates
from actplanner.web.security import (
    SecurityHeaders,
    body_limit_middleware,
    csrf_protect,
    is_api_request,
    session_middleware,
)
from actplanner.web.templating import make_templates, render

STATIC_DIR = Path(__file__).resolve().parent / "static"
# htmx as its PyPI package ships it; served from here so no page loads anything from elsewhere.
HTMX_JS = Path(str(files("js_lib_htmx") / "static" / "htmx" / "htmx.min.js"))
#: The paths that take a team file or a contact log, with its limit and room for the form around it.
TEAM_FILE_PATHS = {
    "/team/import": teams_api.MAX_TEAM_FILE_BYTES + 64 * 1024,
    "/contacts/import": teams_api.MAX_TEAM_FILE_BYTES + 64 * 1024,
    # The same files as spreadsheets: the importer reads up to the file limit, so the body may carry it.
    "/team/spreadsheets/import": teams_api.MAX_TEAM_FILE_BYTES + 64 * 1024,
    "/team/spreadsheets/contacts": teams_api.MAX_TEAM_FILE_BYTES + 64 * 1024,
    "/api/v1/teams": teams_api.MAX_TEAM_FILE_BYTES,
    # A 12-week log of a large team is several MB: a log file's limit is a team file's.
    "/api/v1/teams/{team_id}/contacts/import": teams_api.MAX_TEAM_FILE_BYTES,
}


def create_app(settings: Settings | None = None, *, migrate_database: bool = True) -> FastAPI:
    """The web app on the database of ``settings`` (default: the process's settings)."""
    settings = settings or get_settings()
    log_redaction.install()
    # A server may drop idle connections; a SQLite file cannot, and pinging it costs each request a query.
    engine = make_engine(settings.database_url, pool_pre_ping=not settings.database_url.startswith("sqlite"))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if migrate_database:
            await run_in_threadpool(migrate, engine=engine)
        # Everything made at start-up lives as long as the server: keeping it out of the
        # collector's full passes spares each one a walk over the whole heap, a pause
        # every request in flight would wait out (docs/on_call_load.md).
        gc.collect()
        gc.freeze()
        yield
        engine.dispose()
        lookup_engine.dispose()

    app = FastAPI(
        title="actplanner",
        summary="Visit rosters, daily routes and on-call rotas for ACT teams.",
        version="1",
        lifespan=lifespan,
        # Swagger UI and ReDoc load scripts from a CDN; the schema itself stays at /openapi.json.
        docs_url=None,
        redoc_url=None,
        # Every form of every page is checked; the API is exempt (Bearer tokens, no cookies).
        dependencies=[Depends(csrf_protect)],
        # The body limit sits inside the session (it knows who is signed in), before anything reads a body.
        middleware=[session_middleware(settings), body_limit_middleware(TEAM_FILE_PATHS)],
    )
    app.add_middleware(SecurityHeaders, https=settings.https)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.read_sessionmaker = make_sessionmaker(engine, read_only=True)
    # The on-call API answers on the event loop, one request at a time: a pool of its own
    # means it never waits for a connection that threads running page requests hold.
    lookup_engine = make_engine(settings.database_url, **_small_pool(settings.database_url))
    app.state.lookup_sessionmaker = make_sessionmaker(lookup_engine, read_only=True)
    app.state.token_uses_noted = {}
    app.state.solve_queue = DatabaseQueue()
    app.state.templates = make_templates()

    @app.get("/static/htmx.min.js", name="htmx", include_in_schema=False)
    def htmx_js() -> FileResponse:
        return FileResponse(
            HTMX_JS, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"}
        )

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    # The crisis lookups first: FastAPI tries routes in order, and matching each included
    # router costs time; at the head of the list an on-call answer skips all of it.
    app.include_router(on_call_api.router)
    app.include_router(contacts_api.router)
    app.include_router(on_call.router, include_in_schema=False)
    app.include_router(on_call_phone.router, include_in_schema=False)
    app.include_router(icons.router, include_in_schema=False)
    # The OpenAPI schema documents the JSON API only; pages are for browsers.
    for router in (auth.router, home.router, audit.router):
        app.include_router(router, include_in_schema=False)
    app.include_router(board.router, include_in_schema=False)
    app.include_router(print_views.router, include_in_schema=False)
    app.include_router(roster.router, include_in_schema=False)
    app.include_router(visits.router, include_in_schema=False)
    app.include_router(team.router, include_in_schema=False)
    app.include_router(spreadsheets.router, include_in_schema=False)
    app.include_router(my_week.router, include_in_schema=False)
    app.include_router(contacts.router, include_in_schema=False)
    app.include_router(meeting.router, include_in_schema=False)
    app.include_router(feeds.router, include_in_schema=False)
    app.include_router(fidelity.router, include_in_schema=False)
    app.include_router(teams_api.router)
    app.include_router(api.router)
    _add_error_handlers(app)
    return app


def _small_pool(url: str) -> dict[str, int | bool]:
    """Pool settings for a pool of one or two connections; none for in-memory SQLite (a single connection).

    On a database server the pool pings a connection before lending it, as the main pool
    does: after a restart or failover the first crisis lookup reconnects instead of failing.
    """
    parsed = make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    if sqlite and parsed.database in (None, "", ":memory:"):
        return {}
    pool: dict[str, int | bool] = {"pool_size": 1, "max_overflow": 1, "pool_timeout": 5}
    if not sqlite:  # A SQLite file never drops a connection; the ping would cost each lookup a query.
        pool["pool_pre_ping"] = True
    return pool


def _add_error_handlers(app: FastAPI) -> None:
    """Errors as JSON ``{"detail": ...}`` for the API and as a page for everything else."""

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        login = f"{request.app.url_path_for('login')}?next={quote(target)}"
        if request.headers.get("HX-Request") == "true":
            # A redirect followed inside an htmx request would put the sign-in form into a fragment.
            return Response(status_code=401, headers={"HX-Redirect": login})
        return RedirectResponse(login, status_code=303)

    # Details and echoed input may hold a lone surrogate (from a JSON body), which no response encodes.
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        exc.detail = without_surrogates(exc.detail)
        if is_api_request(request):
            return await http_exception_handler(request, exc)
        if exc.status_code == 405 and request.method == "GET":
            # A form's address opened as a page (reloaded after the form, bookmarked, shared):
            # the page the form belongs to, not "Method Not Allowed".
            return RedirectResponse(_page_above(request), status_code=303)
        return _error_page(request, exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = without_surrogates(jsonable_encoder(exc.errors()))
        if is_api_request(request):
            return await request_validation_exception_handler(request, RequestValidationError(errors))
        problems = [f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}" for e in errors]
        return _error_page(request, 422, "Some of what was sent is not valid: " + "; ".join(problems) + ".")

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return await http_error(request, StarletteHTTPException(status_code=404, detail=str(exc)))


def _page_above(request: Request) -> str:
    """The nearest address above the request's path that is a page (answers GET), with its query:
    ``/on-call/manage/links`` → ``/on-call/manage``; the home page when none is."""
    path = request.url.path.rstrip("/")
    while path.count("/") > 1:
        path = path.rsplit("/", 1)[0]
        scope = {**request.scope, "path": path, "method": "GET"}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.routes):
            return path + (f"?{request.url.query}" if request.url.query else "")
    return "/"


def _error_page(
    request: Request, status_code: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    titles = {400: "Bad request", 403: "Not allowed", 404: "Not found", 409: "Conflict", 422: "Not valid"}
    context = {"title": titles.get(status_code, "Error"), "message": message, "status_code": status_code}
    return render(request, "error.html", context, status_code=status_code, headers=headers)
