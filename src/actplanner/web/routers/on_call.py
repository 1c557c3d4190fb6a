"""On call: who is on call now (page, read-only team link), and the lead's swaps and covers."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
