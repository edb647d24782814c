"""Rate limits on what anyone may post without signing in (reports, photos, field checks).

A sliding window per client address, kept in the process. Litestar's own RateLimitMiddleware
serialises every request through three locks and re-encodes the address's history as JSON in a
store each time, which cost a report submission about 0.7 ms of its ≈ 2.8 ms (docs/performance.md);
this one is a deque per address.
"""

from __future__ import annotations

import math
import time
from collections import deque

from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
WINDOW_S = 60.0


class PublicWriteRateLimit(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._recent: dict[str, deque[float]] = {}
        self._next_sweep = 0.0

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["method"] not in SAFE_METHODS and scope["route_handler"].opt.get("access") == "public":
            client = scope.get("client")
            self.admit(client[0] if client else "", time.monotonic())
        await next_app(scope, receive, send)

    def admit(self, address: str, now: float) -> None:
        """Counts one request from ``address``, or raises a 429 saying when the next one may come."""
        recent = self._recent.setdefault(address, deque())
        while recent and recent[0] <= now - WINDOW_S:
            recent.popleft()
        if len(recent) >= self.per_minute:
            raise TooManyRequestsException(headers={"Retry-After": str(math.ceil(recent[0] + WINDOW_S - now))})
        recent.append(now)
        if now >= self._next_sweep:
            # Addresses silent for a whole window are forgotten, so memory follows recent senders only.
            self._recent = {key: times for key, times in self._recent.items() if times[-1] > now - WINDOW_S}
            self._next_sweep = now + WINDOW_S
