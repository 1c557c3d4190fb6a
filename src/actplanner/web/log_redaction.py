"""Keeps feed and on-call link tokens out of the server's logs.

A token in a URL path is a password: anyone who reads an access log line
``GET /feeds/<token>.ics`` could subscribe to that calendar. Uvicorn logs each
request's path, so a filter on its access logger replaces tokens before any
handler sees the record.
"""

from __future__ import annotations

import logging
import re

#: Paths that carry a token, with the token as the group to hide.
TOKEN_PATHS = re.compile(r"(/feeds/|/on-call/t/)([^/?#\s\"]+?)(\.ics)?(?=[/?#\s\"]|$)")
REDACTED = "[redacted]"
ACCESS_LOGGERS = ("uvicorn.access",)


def redact(text: str) -> str:
    """``text`` with every token of a feed or on-call link path replaced by ``[redacted]``."""
    return TOKEN_PATHS.sub(lambda m: f"{m.group(1)}{REDACTED}{m.group(3) or ''}", text)


class TokenRedactor(logging.Filter):
    """Rewrites a log record's message and arguments so no token reaches a handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        return True


def install() -> None:
    """Add the filter to the access loggers once (an app factory may run more than once per process)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenRedactor) for f in logger.filters):
            logger.addFilter(TokenRedactor())
