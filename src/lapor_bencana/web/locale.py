"""Picks the request's language from the ``lang`` cookie (Indonesian unless English was chosen)."""

from __future__ import annotations

from http.cookies import SimpleCookie

from litestar.datastructures import Headers
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from lapor_bencana.i18n import LOCALE_COOKIE, current_locale, negotiate


def locale_from_scope(scope: Scope) -> str:
    cookie_header = Headers.from_scope(scope).get("cookie")
    if not cookie_header:
        return negotiate(None)
    morsel = SimpleCookie(cookie_header).get(LOCALE_COOKIE)
    return negotiate(morsel.value if morsel else None)


class LocaleMiddleware(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        token = current_locale.set(locale_from_scope(scope))
        try:
            await next_app(scope, receive, send)
        finally:
            current_locale.reset(token)
