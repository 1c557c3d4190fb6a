"""Request bodies are capped before anything parses them, and CSRF refuses what cannot pass unread.

Issue 9, item 9: an anonymous 200 MB multipart POST used to be parsed (and spooled
to a temporary file) by the CSRF check before sign-in or CSRF were looked at.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.formparsers import MultiPartParser

from actplanner.web.security import ANONYMOUS_BODY_LIMIT, BODY_LIMIT
from tests.support.web_factories import World, form_token, sign_in


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per part of a multipart body the app read (and might have spooled to disk)."""
    calls: list[int] = []
    original = MultiPartParser.on_part_begin

    def counting(self: MultiPartParser) -> None:
        calls.append(1)
        original(self)

    monkeypatch.setattr(MultiPartParser, "on_part_begin", counting)
    return calls


def test_an_anonymous_large_upload_is_refused_before_it_is_parsed(
    client: TestClient, parsed: list[int]
) -> None:
    """A visitor who is not signed in gets a 413 with a sentence; the body is never parsed or stored."""
    token = form_token(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": "lead", "password": "x", "csrf_token": token},
        files={"upload": ("big.bin", b"x" * (ANONYMOUS_BODY_LIMIT + 1))},
    )
    assert response.status_code == 413
    assert "too large" in response.text
    assert "at most 64 kB" in response.text
    assert parsed == []


def test_a_body_without_a_length_is_cut_off_at_the_limit(client: TestClient) -> None:
    """A chunked body (no Content-Length) is counted as it comes and refused once over the limit."""
    client.get("/login")

    def chunks() -> Iterator[bytes]:
        for _ in range(1000):
            yield b"x" * 16 * 1024

    response = client.post(
        "/login", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    assert "too large" in response.text


def test_csrf_refuses_a_sessionless_form_without_reading_it(client: TestClient, parsed: list[int]) -> None:
    """With no session there is no token to match: a 403 before the form is parsed."""
    response = client.post("/logout", files={"upload": ("a.bin", b"x" * 1000)}, data={"csrf_token": "guess"})
    assert response.status_code == 403
    assert "security token" in response.text
    assert parsed == []


def test_a_signed_in_lead_may_send_a_team_file_but_not_a_huge_form(client: TestClient, world: World) -> None:
    """The team import takes files far over the general limit; other pages stop at it."""
    page = sign_in(client, "lead").text
    token = form_token(page)
    big = b" " * (BODY_LIMIT + 1)
    refused = client.post("/team/staff", data={"csrf_token": token}, files={"note": ("n.txt", big)})
    assert refused.status_code == 413
    assert "at most 1 MB" in refused.text
    imported = client.post("/team/import", data={"csrf_token": token}, files={"file": ("team.json", big)})
    assert imported.status_code != 413
