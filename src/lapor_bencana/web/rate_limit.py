"""Rate limits on what anyone may post without signing in (reports, photos, field checks)."""

from litestar import Request
from litestar.middleware.rate_limit import RateLimitConfig

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


# Async on purpose: Litestar runs a plain function given here in a thread, for every request.
async def _is_public_write(request: Request) -> bool:
    return request.method not in SAFE_METHODS and request.route_handler.opt.get("access") == "public"


def public_write_rate_limit(per_minute: int) -> RateLimitConfig:
    return RateLimitConfig(rate_limit=("minute", per_minute), check_throttle_handler=_is_public_write)
