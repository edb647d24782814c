"""CSRF protection bound to the session.

A browser keeps a random secret in the ``csrftoken`` cookie (signed, so nobody can make one up).
Forms carry the token in ``_csrf_token``, htmx and scripts in the ``x-csrftoken`` header: an HMAC of
that secret *and of the session's own CSRF nonce* (none without a session, see
``sessions.csrf_nonce``). Signing in gives the session a new nonce, so a token obtained before it —
anonymously, or by someone who planted the cookie in a victim's browser — is worthless after it,
and the page answering the sign-in already carries the new token.

Safe methods are never checked and never read the body: a GET with a form content type is a GET.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from litestar import Request, Response
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import RequestEncodingType, ScopeType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from lapor_bencana.accounts import sessions
from lapor_bencana.i18n import gettext as _
from lapor_bencana.web.errors import error_response

COOKIE_NAME = "csrftoken"
HEADER_NAME = "x-csrftoken"
FORM_FIELD = "_csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_SECRET_LENGTH = 64
_FORM_TYPES = (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART)


class CSRFRefused(PermissionDeniedException):
    pass


def handle_csrf_refused(request: Request, exc: CSRFRefused) -> Response:
    # Most often an honest page older than the session: signed in or out in another tab since.
    message = _("Halaman ini sudah kedaluwarsa, jadi kiriman belum diproses. Muat ulang halaman lalu kirim lagi.")
    return error_response(request, exc.status_code, message=message)


def _sign(key: str, *parts: str) -> str:
    return hmac.new(key.encode(), "\x00".join(parts).encode(), hashlib.sha256).hexdigest()


def new_cookie_value(key: str) -> str:
    secret = secrets.token_hex(_SECRET_LENGTH // 2)
    return secret + _sign(key, "cookie", secret)


def cookie_secret(value: str, key: str) -> str | None:
    """The secret of a cookie this server signed, or None."""
    secret, signature = value[:_SECRET_LENGTH], value[_SECRET_LENGTH:]
    if len(secret) < _SECRET_LENGTH or not hmac.compare_digest(signature, _sign(key, "cookie", secret)):
        return None
    return secret


def token_for(secret: str, nonce: str, key: str) -> str:
    return _sign(key, "token", secret, nonce)


def token_is_valid(request: Request, token: str, key: str) -> bool:
    """Whether ``token`` is the one this browser's cookie and session call for."""
    secret = cookie_secret(request.cookies.get(COOKIE_NAME, ""), key)
    if secret is None or not token:
        return False
    return hmac.compare_digest(token, token_for(secret, sessions.csrf_nonce(request.scope), key))


class CSRFMiddleware(ASGIMiddleware):
    """Runs after the session middleware (it needs the session's nonce). Routes that need no
    session (static files, the service worker, feeds shared caches keep) need no token either."""

    scopes = (ScopeType.HTTP,)
    exclude_opt_key = "skip_session"

    def __init__(self, key: str, *, secure: bool, exempt_paths: tuple[str, ...]) -> None:
        self.key = key
        self.secure = secure
        self.exclude_path_pattern = exempt_paths

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        request: Request = scope["app"].request_class(scope=scope, receive=receive)
        secret = cookie_secret(request.cookies.get(COOKIE_NAME, ""), self.key)
        new_cookie = None
        if secret is None:
            new_cookie = new_cookie_value(self.key)
            secret = new_cookie[:_SECRET_LENGTH]

        if request.method not in SAFE_METHODS:
            sent = request.headers.get(HEADER_NAME)
            if not sent and request.content_type[0] in _FORM_TYPES:
                value = (await request.form()).get(FORM_FIELD)
                sent = value if isinstance(value, str) else None
            if new_cookie or not token_is_valid(request, sent or "", self.key):
                raise CSRFRefused()

        def issue_token() -> None:
            ScopeState.from_scope(scope).csrf_token = token_for(secret, sessions.csrf_nonce(scope), self.key)

        issue_token()
        # Signing in or out in this request changes the nonce: the page it answers with must carry
        # the token that goes with the new session.
        sessions.on_change(scope, issue_token)

        async def send_with_cookie(message: Message) -> None:
            if new_cookie and message["type"] == "http.response.start":
                cookie = Cookie(
                    key=COOKIE_NAME, value=new_cookie, path="/", secure=self.secure, httponly=True, samesite="lax"
                )
                MutableScopeHeaders.from_message(message).add("set-cookie", cookie.to_header(header=""))
            await send(message)

        await next_app(scope, receive, send_with_cookie)
