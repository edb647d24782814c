"""Security headers on every response, including a strict Content-Security-Policy.

No page has inline scripts or styles, so the policy needs neither nonces nor 'unsafe-inline'.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope


HOST = re.compile(r"^(\{s\}\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?$")


def tile_sources(tile_url: str) -> tuple[str, ...]:
    """The CSP ``img-src`` entry that lets maps load tiles from ``tile_url`` and nothing else.

    A path on this site needs none ('self' has it); a ``{s}`` subdomain becomes ``*.`` (Leaflet
    picks a, b or c). Anything that could widen or break the policy is refused.
    """
    if not tile_url:
        return ()
    if tile_url.startswith("/") and not tile_url.startswith("//"):
        return ()
    parts = urlsplit(tile_url)
    host = parts.netloc.lower()
    if parts.scheme not in ("https", "http") or not HOST.match(host) or re.search(r"[\s;,'\"]", tile_url):
        raise ValueError("must be an http(s) URL template such as https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    return (f"{parts.scheme}://{host.replace('{s}', '*')}",)


def content_security_policy(extra_img_sources: tuple[str, ...] = ()) -> str:
    img = " ".join(("'self'", "data:", "blob:", *extra_img_sources))
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {img}",
            "connect-src 'self'",
            "font-src 'self'",
            "manifest-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


class SecurityHeaders:
    """A ``before_send`` hook of the app, not a middleware: middleware runs only once a route has
    matched, and the answers made before that (404, 405) need these headers as much as any page."""

    def __init__(self, csp: str, hsts: bool) -> None:
        self.headers = {
            "Content-Security-Policy": csp,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "X-Frame-Options": "DENY",
            "Permissions-Policy": "geolocation=(self), camera=(self), microphone=()",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
        if hsts:
            self.headers["Strict-Transport-Security"] = "max-age=31536000"

    async def __call__(self, message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            headers = MutableScopeHeaders.from_message(message)
            for name, value in self.headers.items():
                headers.setdefault(name, value)
