"""Signing in and out with a username and password; both are recorded in the audit trail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from actplanner.accounts.service import MAX_USERNAME, log_in, log_out, start_session
from actplanner.web.deps import OptionalUserDep, SessionDep
from actplanner.web.security import session_key, sign_in, sign_out
from actplanner.web.templating import render

router = APIRouter(tags=["pages"])


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, never another site."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


@router.get("/login", name="login")
def login_page(
    request: Request, user: OptionalUserDep, next_page: Annotated[str | None, Query(alias="next")] = None
) -> Response:
    """The sign-in form; a signed-in user goes straight on."""
    if user is not None:
        return RedirectResponse(safe_next(next_page), status_code=303)
    context = {"next": safe_next(next_page), "error": None, "username": ""}
    return render(request, "accounts/login.html", context)


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next_page: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    """Sign in; a wrong username or password gets the form back with one message for both."""
    username = username.strip()
    user = log_in(session=session, username=username, password=password)
    if user is None:
        error = (
            "Enter your username and password."
            if not username or not password
            else "That username and password do not match an active account."
        )
        context = {"next": safe_next(next_page), "error": error, "username": username[:MAX_USERNAME]}
        return render(request, "accounts/login.html", context, status_code=400)
    sign_in(request, user, start_session(session=session, user_id=user.id))
    return RedirectResponse(safe_next(next_page), status_code=303)


@router.post("/logout", name="logout")
def logout(request: Request, session: SessionDep, user: OptionalUserDep) -> Response:
    """Sign out, ending the session on the server too, and go back to the sign-in form."""
    if user is not None:
        log_out(session=session, user_id=user.id, key=session_key(request))
    sign_out(request)
    return RedirectResponse(request.app.url_path_for("login"), status_code=303)
