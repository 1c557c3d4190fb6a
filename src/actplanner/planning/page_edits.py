"""What the lead's editing pages (the day view, the roster, the board) share: the plan an address
names, the 409 or 422 of an edit the plan cannot take, and how an edit is answered (htmx gets a
fragment, a form a redirect or the whole page).

Each page passes in its own parts: which templates, which address, which context.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from actplanner.db import Plan, User
from actplanner.domain.errors import JobConflict
from actplanner.domain.formats import FormatError
from actplanner.planning.edits import PlanSuperseded
from actplanner.planning.plans import get_plan
from actplanner.web.deps import require_team
from actplanner.web.templating import is_fragment_request, render


def lead_plan(session: Session, user: User, plan_id: int) -> Plan:
    """The plan a page's address names: 404 when there is none, 403 when it is another team's."""
    plan = get_plan(session=session, plan_id=plan_id)
    require_team(user, plan.team_id)
    return plan


@contextmanager
def edit_errors() -> Iterator[None]:
    """An edit of a superseded plan or during a solve is a 409; a plan file it would break, a 422."""
    try:
        yield
    except (PlanSuperseded, JobConflict) as err:
        raise HTTPException(status_code=409, detail=str(err)) from None
    except FormatError as err:
        raise HTTPException(status_code=422, detail="; ".join(err.messages)) from None


def edit_answer(
    request: Request,
    *,
    fragment: str,
    page: str,
    context: Callable[[], dict[str, Any]],
    redirect: str | None = None,
    push_url: str | None = None,
    status_code: int = 200,
) -> Response:
    """What an edit answers: htmx the ``fragment`` template (with ``push_url`` as the browser's new
    address, if given); a form a redirect to ``redirect`` (after a save), else the ``page`` template.

    ``context`` is only built when a template is rendered: a redirect needs none.
    """
    if not is_fragment_request(request):
        if redirect is not None:
            return RedirectResponse(redirect, status_code=303)
        return render(request, page, context(), status_code=status_code)
    headers = None if push_url is None else {"HX-Push-Url": push_url}
    return render(request, fragment, context(), status_code=status_code, headers=headers)
