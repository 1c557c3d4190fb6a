"""Jinja2 templates (``actplanner.resources.templates_dir()``), with what every page needs in its context.

Pages extend ``base.html``; a fragment (``_name.html``) sits beside its page and
is returned alone when htmx asks for it (``is_fragment_request``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates
from starlette.responses import Response
from starlette.routing import NoMatchFound

from actplanner.domain.week import team_time
from actplanner.resources import templates_dir
from actplanner.web.security import csrf_token
from actplanner.web.words import register as register_words

# The main navigation by role, as (label, route name). A link shows once a router
# registers a route of that name, so pages written later appear without editing this.
NAV = {
    "lead": (
        ("Board", "board"),
        ("My day", "my_day"),
        ("Today", "today"),
        ("On call", "on_call"),
        ("Team", "team"),
        ("Feeds", "feeds"),
        ("Fidelity", "fidelity"),
        ("Audit", "audit"),
    ),
    "staff": (
        ("My week", "my_week"),
        ("My day", "my_day"),
        ("Today", "today"),
        ("On call", "on_call"),
        ("Feeds", "feeds"),
    ),
}


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    current: bool


def url_path(request: Request, name: str, **params: Any) -> str | None:
    """The path of the route called ``name``; None when no such route exists (yet)."""
    try:
        return str(request.app.url_path_for(name, **params))
    except NoMatchFound:
        return None


def nav_links(request: Request) -> list[NavLink]:
    """The navigation of the signed-in user's role, limited to pages that exist."""
    user = getattr(request.state, "user", None)
    if user is None:
        return []
    links = []
    for label, name in NAV.get(user.role, ()):
        href = url_path(request, name)
        if href is not None:
            links.append(NavLink(label, href, request.url.path == href))
    return links


def _page_context(request: Request) -> dict[str, Any]:
    return {
        "current_user": getattr(request.state, "user", None),
        "csrf_token": csrf_token(request),
        "nav": nav_links(request),
    }


@jinja2.pass_context
def _url_path(context: Any, name: str, /, **params: Any) -> str:
    # Relative paths only: absolute URLs would name the host, wrong behind a proxy.
    path = url_path(context["request"], name, **params)
    if path is None:
        raise NoMatchFound(name, params)
    return path


def make_templates() -> Jinja2Templates:
    """The template set for one app."""
    directory = templates_dir()
    if not (directory / "base.html").is_file():
        raise RuntimeError(f"No templates at {directory}.")
    templates = Jinja2Templates(directory=directory, context_processors=[_page_context])
    templates.env.globals["url_path"] = _url_path
    # ``{{ moment | team_time(team.timezone) }}``: stored moments in the team's zone, never UTC.
    templates.env.filters["team_time"] = team_time
    # ``| purpose``, ``| label`` and ``progress_words(job.progress)``: one set of words for every page.
    register_words(templates.env)
    templates.env.undefined = jinja2.StrictUndefined
    return templates


def is_fragment_request(request: Request) -> bool:
    """Whether htmx asked for a part of a page (not a boosted whole-page navigation)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """Render template ``name`` as the response."""
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code, headers=headers)
