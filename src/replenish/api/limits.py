"""Rate limits: failed authentication per token id and per client address, writes per user.

A caller that fails to authenticate too often in a window gets 429 with Retry-After until the
window ends, before any database work is done for it: a flood of bad tokens costs the server a
dictionary look-up per request. A user writing more than its share in a window gets 429 too.
Counts live in the server process (each worker its own).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

#: Counters kept before expired ones are swept (a flood of random ids must not fill memory).
_SWEEP_AT = 100_000


@dataclass(slots=True)
class _Window:
    """Events (failures, writes) counted since `start`."""

    start: float
    failures: int


class FailureLimiter:
    """Counts failures per key in fixed windows; a key at its limit is refused until the end."""

    def __init__(self, per_token: int, per_address: int, window_seconds: float) -> None:
        self.limits = {"token": per_token, "address": per_address}
        self.window = window_seconds
        self._counts: dict[tuple[str, str], _Window] = {}

    def retry_after(self, token_id: str, address: str) -> int | None:
        """Seconds until `token_id` or `address` may try again, or None if they may now."""
        now = time.monotonic()
        waits = [self._wait(key, now) for key in _keys(token_id, address)]
        blocked = [wait for wait in waits if wait is not None]
        return max(blocked) if blocked else None

    def fail(self, token_id: str, address: str) -> None:
        """Count one failed authentication against both keys."""
        now = time.monotonic()
        if len(self._counts) >= _SWEEP_AT:
            self._counts = {k: w for k, w in self._counts.items() if now < w.start + self.window}
        for key in _keys(token_id, address):
            window = self._counts.get(key)
            if window is None or now >= window.start + self.window:
                self._counts[key] = _Window(now, 1)
            else:
                window.failures += 1

    def _wait(self, key: tuple[str, str], now: float) -> int | None:
        """Whole seconds `key` must wait, if it is at its limit."""
        window = self._counts.get(key)
        if window is None or now >= window.start + self.window:
            return None
        if window.failures < self.limits[key[0]]:
            return None
        return max(1, math.ceil(window.start + self.window - now))


def _keys(token_id: str, address: str) -> list[tuple[str, str]]:
    """The counters a request counts against (an empty token id is no token's)."""
    return [("token", token_id)] * bool(token_id) + [("address", address)]


class RateLimiter:
    """At most `limit` events per key in each fixed window (e.g. a user's writes a minute)."""

    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._counts: dict[object, _Window] = {}

    def take(self, key: object) -> int | None:
        """Count one event of `key`; None if allowed, else the whole seconds to wait."""
        now = time.monotonic()
        if len(self._counts) >= _SWEEP_AT:
            self._counts = {k: w for k, w in self._counts.items() if now < w.start + self.window}
        window = self._counts.get(key)
        if window is None or now >= window.start + self.window:
            self._counts[key] = _Window(now, 1)
            return None
        if window.failures >= self.limit:
            return max(1, math.ceil(window.start + self.window - now))
        window.failures += 1
        return None
