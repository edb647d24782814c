"""Rate limits on what anyone may post without signing in (reports, photos, field checks).

One process (SQLite): a sliding window per client address, kept in the process. Litestar's own
RateLimitMiddleware serialises every request through three locks and re-encodes the address's
history as JSON in a store each time, which cost a report submission about 0.7 ms of its ≈ 2.8 ms
(docs/performance.md); this one is a deque per address.

Several processes (PostgreSQL): the counts live in the database, so that an address gets the same
allowance whichever process answers it — one upsert per public write.
"""

from __future__ import annotations

import math
import time
from collections import deque

import structlog
from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from lapor_bencana import database
from lapor_bencana.web.tables import RateWindow

log = structlog.get_logger(__name__)

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
WINDOW_S = 60.0


def _too_many(retry_after_s: float) -> TooManyRequestsException:
    return TooManyRequestsException(headers={"Retry-After": str(max(1, math.ceil(retry_after_s)))})


class SlidingWindows:
    """Exact sliding windows in this process's memory."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._recent: dict[str, deque[float]] = {}
        self._next_sweep = 0.0

    def admit(self, address: str, now: float) -> None:
        """Counts one request from ``address``, or raises a 429 saying when the next one may come."""
        recent = self._recent.setdefault(address, deque())
        while recent and recent[0] <= now - WINDOW_S:
            recent.popleft()
        if len(recent) >= self.per_minute:
            raise _too_many(recent[0] + WINDOW_S - now)
        recent.append(now)
        if now >= self._next_sweep:
            # Addresses silent for a whole window are forgotten, so memory follows recent senders only.
            self._recent = {key: times for key, times in self._recent.items() if times[-1] > now - WINDOW_S}
            self._next_sweep = now + WINDOW_S


# The current minute's count after this request, and the previous minute's.
_BUMP = """
WITH bumped AS (
    INSERT INTO rate_window (address, minute, requests) VALUES ({}, {}, 1)
    ON CONFLICT (address, minute) DO UPDATE SET requests = rate_window.requests + 1
    RETURNING requests
)
SELECT (SELECT requests FROM bumped) AS current,
       COALESCE((SELECT requests FROM rate_window WHERE address = {} AND minute = {}), 0) AS previous
"""


class SharedWindows:
    """Counts per clock minute in the database, shared by every process. The sliding window is
    approximated as the current minute plus the previous one weighted by the part of it still in
    the window (the "sliding window counter" of rate limiters that cannot keep every timestamp)."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._next_sweep = 0.0

    async def admit(self, address: str, now: float) -> None:
        minute, into = divmod(now, WINDOW_S)
        rows = await RateWindow.raw(_BUMP, address[:64], int(minute), address[:64], int(minute) - 1)
        current, previous = rows[0]["current"], rows[0]["previous"]
        if previous * (1 - into / WINDOW_S) + current > self.per_minute:
            raise _too_many(WINDOW_S - into)
        if now >= self._next_sweep:
            self._next_sweep = now + WINDOW_S
            await RateWindow.delete().where(RateWindow.minute < int(minute) - 1)


class PublicWriteRateLimit(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, per_minute: int, shared: bool = False) -> None:
        self.local = SlidingWindows(per_minute)
        self.shared = SharedWindows(per_minute) if shared else None

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["method"] not in SAFE_METHODS and scope["route_handler"].opt.get("access") == "public":
            client = scope.get("client")
            address = client[0] if client else ""
            if self.shared is None:
                self.local.admit(address, time.monotonic())
            else:
                await self._admit_shared(address)
        await next_app(scope, receive, send)

    async def _admit_shared(self, address: str) -> None:
        try:
            await self.shared.admit(address, time.time())
        except TooManyRequestsException:
            raise
        except Exception as error:
            # The request itself will meet the same outage and answer 503; a limiter that cannot
            # count must not turn that into a 500.
            if not database.is_unavailable(error):
                raise
            log.warning("rate limit not counted: database unavailable", error=str(error))
