"""Signing in and out with a username and password, and changing one's password; all audited.

Failed sign-ins are throttled per username and per address (``throttle``): past the
limit the form answers 429 with how long to wait, before any password is checked.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from actplanner.accounts.service import MAX_USERNAME, change_password, log_in, log_out, start_session
from actplanner.accounts.throttle import SignInThrottle
from actplanner.web.deps import CurrentUserDep, OptionalUserDep, SessionDep
from actplanner.web.security import session_key, sign_in, sign_out
from actplanner.web.templating import render

router = APIRouter(tags=["pages"])


def throttle(request: Request) -> SignInThrottle:
    """The app's sign-in throttle, made on first use."""
    state = request.app.state
    if not hasattr(state, "sign_in_throttle"):
        state.sign_in_throttle = SignInThrottle()
    found: SignInThrottle = state.sign_in_throttle
    return found


def client_address(request: Request) -> str | None:
    """The address a request came from (behind a proxy, run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else None


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
    """Sign in; a wrong username or password gets the form back with one message for both.

    Too many failures for the username or from the address get a 429 saying how long to
    wait, and the password is not checked.
    """
    username = username.strip()
    context = {"next": safe_next(next_page), "username": username[:MAX_USERNAME]}
    address = client_address(request)
    if username and (wait := throttle(request).check(username=username, address=address)):
        context["error"] = wait.message
        headers = {"Retry-After": str(wait.retry_after)}
        return render(request, "accounts/login.html", context, status_code=429, headers=headers)
    user = log_in(session=session, username=username, password=password)
    if user is None:
        if username and password:
            throttle(request).failed(username=username, address=address)
        context["error"] = (
            "Enter your username and password."
            if not username or not password
            else "That username and password do not match an active account."
        )
        return render(request, "accounts/login.html", context, status_code=400)
    throttle(request).succeeded(username=username)
    sign_in(request, user, start_session(session=session, user_id=user.id))
    return RedirectResponse(safe_next(next_page), status_code=303)


@router.post("/logout", name="logout")
def logout(request: Request, session: SessionDep, user: OptionalUserDep) -> Response:
    """Sign out, ending the session on the server too, and go back to the sign-in form."""
    if user is not None:
        log_out(session=session, user_id=user.id, key=session_key(request))
    sign_out(request)
    return RedirectResponse(request.app.url_path_for("login"), status_code=303)


@router.get("/account/password", name="password")
def password_page(request: Request, user: CurrentUserDep) -> Response:
    """The form to change one's own password."""
    return render(request, "accounts/password.html", {"error": None, "done": False})


@router.post("/account/password")
def password_change(
    request: Request,
    session: SessionDep,
    user: CurrentUserDep,
    current_password: Annotated[str, Form()] = "",
    new_password: Annotated[str, Form()] = "",
    repeat_password: Annotated[str, Form()] = "",
) -> Response:
    """Change one's password; every other browser signed in as this login is signed out.

    A wrong current password counts as a failed sign-in (the throttle applies here too).
    """
    address = client_address(request)
    if wait := throttle(request).check(username=user.username, address=address):
        context = {"error": wait.message, "done": False}
        headers = {"Retry-After": str(wait.retry_after)}
        return render(request, "accounts/password.html", context, status_code=429, headers=headers)
    error: str | None = None
    if new_password != repeat_password:
        error = "repeat_password: the two new passwords differ; type the same one twice."
    else:
        try:
            change_password(
                session=session,
                user_id=user.id,
                current=current_password,
                new=new_password,
                keep_session=session_key(request),
            )
        except PermissionError as err:
            throttle(request).failed(username=user.username, address=address)
            error = str(err)
        except ValueError as err:
            error = str(err)
    if error is not None:
        return render(request, "accounts/password.html", {"error": error, "done": False}, status_code=400)
    return render(request, "accounts/password.html", {"error": None, "done": True})
