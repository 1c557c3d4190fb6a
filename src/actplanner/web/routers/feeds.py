"""Calendar feeds: the Feeds page (subscribe, rotate, revoke) and the token-protected .ics feeds."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
