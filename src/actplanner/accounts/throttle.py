"""Sign-in throttling: too many failed sign-ins for one username, or from one address, wait a while.

Counted in the server process's memory, per app: a throttle must cost nothing per
request (no database write while someone hammers the sign-in form), and what it
forgets on a restart is at most one window of failures. The check comes before
the password hash is checked, so a throttled attempt costs no argon2 work either.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

#: How long a failure counts.
WINDOW_SECONDS = 15 * 60
#: Failed sign-ins for one username within the window before it must wait.
PER_USERNAME = 5
#: Failed sign-ins from one address within the window (several people may share one office address).
PER_ADDRESS = 20
#: How many usernames and addresses are remembered at most; the least recently failed are forgotten first.
MAX_KEYS = 10_000


@dataclass(frozen=True)
class Throttled:
    """Why a sign-in must wait, and for how long (whole seconds)."""

    reason: str
    retry_after: int

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        wait = "a minute" if minutes == 1 else f"{minutes} minutes"
        return f"Too many failed sign-ins {self.reason}. Wait {wait}, then try again; nothing was checked."


class SignInThrottle:
    """Failures per username and per address in a sliding window; thread-safe."""

    def __init__(
        self,
        *,
        per_username: int = PER_USERNAME,
        per_address: int = PER_ADDRESS,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = {"username": per_username, "address": per_address}
        self.window = window
        self.clock = clock
        self._failures: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _keys(self, username: str, address: str | None) -> list[tuple[str, str]]:
        keys = [("username", username.strip().casefold())]
        if address:
            keys.append(("address", address))
        return keys

    def check(self, *, username: str, address: str | None) -> Throttled | None:
        """None when a sign-in as ``username`` from ``address`` may be tried now, else why not."""
        now = self.clock()
        with self._lock:
            for key in self._keys(username, address):
                times = self._recent(key, now)
                if times is not None and len(times) >= self.limits[key[0]]:
                    retry = max(1, math.ceil(times[0] + self.window - now))
                    reason = "for this username" if key[0] == "username" else "from your network address"
                    return Throttled(reason, retry)
        return None

    def failed(self, *, username: str, address: str | None) -> None:
        """Count a failed sign-in (or a wrong current password) as ``username`` from ``address``."""
        now = self.clock()
        with self._lock:
            for key in self._keys(username, address):
                times = self._recent(key, now)
                if times is None:
                    times = self._failures[key] = deque()
                times.append(now)
                self._failures.move_to_end(key)
            while len(self._failures) > MAX_KEYS:
                self._failures.popitem(last=False)

    def succeeded(self, *, username: str) -> None:
        """A right password: the username's failures are forgotten (its address's still count)."""
        with self._lock:
            self._failures.pop(self._keys(username, None)[0], None)

    def _recent(self, key: tuple[str, str], now: float) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times
