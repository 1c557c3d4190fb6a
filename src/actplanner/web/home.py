"""The page a user lands on after signing in."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from actplanner.web.deps import CurrentUserDep
from actplanner.web.templating import render

router = APIRouter(tags=["pages"])


@router.get("/", name="home")
def home(request: Request, user: CurrentUserDep) -> Response:
    """Links to the pages of the user's role."""
    return render(request, "home.html", {"user": user})
