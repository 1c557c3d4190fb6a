"""Feed and on-call link tokens never reach the server's access log, nor a Referer header."""

from __future__ import annotations

import logging
import secrets
import socket
import threading
import time

import httpx
import uvicorn
from fastapi.testclient import TestClient

from actplanner.settings import Settings
from actplanner.web.app import create_app
from actplanner.web.log_redaction import redact


def test_redact_hides_tokens_in_feed_and_link_paths() -> None:
    token = secrets.token_urlsafe(32)
    assert redact(f'"GET /feeds/{token}.ics HTTP/1.1" 200') == '"GET /feeds/[redacted].ics HTTP/1.1" 200'
    assert redact(f"/on-call/t/{token}?x=1") == "/on-call/t/[redacted]?x=1"
    assert redact("/on-call/manage") == "/on-call/manage"
    assert redact("/feeds") == "/feeds"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_real_server_logs_no_token(settings: Settings) -> None:
    """Uvicorn, as ``actplanner serve`` runs it, writes access lines without the tokens of the paths."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="info")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    collect = _Collect()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        # Uvicorn configures its loggers on start; listen after that, as a handler of the real logger.
        logging.getLogger("uvicorn.access").addHandler(collect)
        token = secrets.token_urlsafe(32)
        for path in (f"/feeds/{token}.ics", f"/on-call/t/{token}", "/login"):
            httpx.get(f"http://127.0.0.1:{port}{path}")
        deadline = time.monotonic() + 5
        while len(collect.lines) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        logging.getLogger("uvicorn.access").removeHandler(collect)
        server.should_exit = True
        thread.join(timeout=10)
    assert len(collect.lines) >= 3, collect.lines
    assert not any(token in line for line in collect.lines)
    assert any("/feeds/[redacted].ics" in line for line in collect.lines)
    assert any("/on-call/t/[redacted]" in line for line in collect.lines)


def test_pages_under_a_token_path_never_send_a_referer(client: TestClient) -> None:
    """Even the 404 for an unknown link or feed tells the browser to send no Referer."""
    token = secrets.token_urlsafe(32)
    for path in (f"/on-call/t/{token}", f"/feeds/{token}.ics"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers.get_list("referrer-policy") == ["no-referrer"]
    assert client.get("/login").headers["referrer-policy"] == "same-origin"
