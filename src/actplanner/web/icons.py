"""The app's icons where browsers and phones look for them without being told: ``/favicon.ico`` and
``/apple-touch-icon.png``.

Browsers ask for ``/favicon.ico`` on every page they have no icon for, and iOS asks
for ``/apple-touch-icon.png`` (and ``-precomposed``) when a page is added to the home
screen; a 404 each time fills the log. The files are drawn by scripts/make_icons.py
and served from the static folder: nothing is fetched from elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

#: The folder app.py mounts at /static (named here too: app.py imports this module).
STATIC_DIR = Path(__file__).resolve().parent / "static"

router = APIRouter(tags=["pages"])

#: An icon changes only with a release: phones and browsers may keep it a day.
ICON_HEADERS = {"Cache-Control": "public, max-age=86400"}


@router.get("/favicon.ico", name="favicon", include_in_schema=False)
def favicon() -> FileResponse:
    """The browser tab's icon."""
    return FileResponse(
        STATIC_DIR / "favicon.ico", media_type="image/vnd.microsoft.icon", headers=ICON_HEADERS
    )


@router.get("/apple-touch-icon.png", name="apple_touch_icon", include_in_schema=False)
@router.get("/apple-touch-icon-precomposed.png", name="apple_touch_icon_precomposed", include_in_schema=False)
def apple_touch_icon() -> FileResponse:
    """The home-screen icon iOS asks for (180 × 180)."""
    return FileResponse(STATIC_DIR / "apple-touch-icon.png", media_type="image/png", headers=ICON_HEADERS)
