"""Who may use which route.

Every route handler declares ``opt={"access": RULE}`` with one of the names in :data:`RULES`; the
app-wide :func:`guard` enforces it and refuses any route that declares nothing or an unknown name
(``tests/test_access_matrix.py`` fails for such a route too). Routes that need no session at all
(static files, the service worker) also set ``"skip_session": True``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import structlog
from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers import BaseRouteHandler
from litestar.middleware import ASGIMiddleware
from litestar.response import Redirect
from litestar.types import ASGIApp, Empty, Message, Receive, Scope, Send

from lapor_bencana.accounts import sessions
from lapor_bencana.accounts.service import STAFF_ROLES, get_user
from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.i18n import gettext as _
from lapor_bencana.web import csrf, options
from lapor_bencana.web.errors import error_response, wants_json

log = structlog.get_logger(__name__)

PUBLIC = "public"
# Any signed-in account, approved or not (its own page, signing out).
SIGNED_IN = "signed_in"
# Like SIGNED_IN, and also while the password is a temporary one: only the page that changes it.
OWN_PASSWORD = "own_password"
# Approved accounts that go out to incidents: petugas, relawan, and the staff who send them.
FIELD = "field"
# Approved coordinators and administrators.
STAFF = "staff"
# Approved administrators only (warehouses, the needs standards).
ADMIN = "admin"

SIGN_IN_PATH = "/masuk"
PASSWORD_PATH = "/akun/kata-sandi"
STAFF_HOME = "/koordinator"
# Every staff and admin page lives under one of these (tests/test_role_content.py checks), and
# nothing else does.
STAFF_AREAS = (STAFF_HOME, "/admin")


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    approved_only: bool = True
    temporary_password_ok: bool = False


RULES: dict[str, Rule | None] = {
    PUBLIC: None,
    SIGNED_IN: Rule(frozenset(Role), approved_only=False),
    OWN_PASSWORD: Rule(frozenset(Role), approved_only=False, temporary_password_ok=True),
    FIELD: Rule(frozenset(Role)),
    STAFF: Rule(STAFF_ROLES),
    ADMIN: Rule(frozenset({Role.ADMIN})),
}


class SignInRequired(NotAuthorizedException):
    pass


class PasswordChangeRequired(PermissionDeniedException):
    pass


class AccessRefused(PermissionDeniedException):
    pass


def rule_of(handler: BaseRouteHandler) -> str | None:
    """The declared rule; Litestar's own OPTIONS answers (they list the allowed methods) are public."""
    if "access" in handler.opt:
        return handler.opt["access"]
    if options.is_automatic_options(handler):
        return PUBLIC
    return None


def current_user(connection: ASGIConnection) -> User | None:
    return connection.scope.get("user")


def home_of(user: User) -> str:
    return STAFF_HOME if user.role in STAFF_ROLES else "/relawan"


def in_staff_area(path: str) -> bool:
    return any(path == area or path.startswith((f"{area}/", f"{area}?")) for area in STAFF_AREAS)


def may_open(user: User, path: str) -> bool:
    """Whether sending the account to this page of the site would show more than a refusal."""
    return user.role in STAFF_ROLES or not in_staff_area(path)


def guard(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    name = rule_of(handler)
    if name not in RULES:
        log.error("route without a known access rule refused", path=connection.url.path, rule=name)
        raise AccessRefused(detail=_("Anda tidak memiliki akses ke halaman ini."))
    rule = RULES[name]
    if rule is None:
        return
    user = current_user(connection)
    if user is None:
        raise SignInRequired()
    if user.password_temporary and not rule.temporary_password_ok:
        raise PasswordChangeRequired()
    if rule.approved_only and not user.approved:
        raise AccessRefused(detail=_("Akun Anda masih menunggu persetujuan koordinator Dinas Sosial."))
    if user.role not in rule.roles:
        raise AccessRefused(detail=_("Anda tidak memiliki akses ke halaman ini."))


class CurrentUserMiddleware(ASGIMiddleware):
    """Puts the signed-in account (or None) in ``scope["user"]``, ending the session of an account
    that is gone or deactivated; answers to a signed-in person are never cached."""

    scopes = (ScopeType.HTTP,)
    exclude_opt_key = "skip_session"

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        scope["user"] = await _signed_in_user(scope)
        if scope["user"] is None:
            await next_app(scope, receive, send)
            return

        async def send_private(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableScopeHeaders.from_message(message).setdefault("Cache-Control", "no-store")
            await send(message)

        await next_app(scope, receive, send_private)


async def _signed_in_user(scope: Scope) -> User | None:
    user_id = sessions.user_id_of(scope)
    if user_id is None:
        return None
    user = await get_user(user_id)
    if user is None or not user.active:
        scope["session"] = Empty
        return None
    return user


def has_csrf_header(request: Request) -> bool:
    """Whether the request carries the CSRF header that this browser's cookie and session call
    for: proof that it comes from one of this site's own pages, shown to this session."""
    token = request.headers.get(csrf.HEADER_NAME, "")
    return csrf.token_is_valid(request, token, request.app.state.settings.effective_secret_key)


def _sign_in_redirect(request: Request) -> Response:
    target = urlsplit(request.headers.get("HX-Current-URL", "")) if _is_htmx_fragment(request) else request.url
    wanted = target.path + (f"?{target.query}" if target.query else "")
    location = f"{SIGN_IN_PATH}?next={quote(wanted, safe='/')}"
    if _is_htmx_fragment(request):
        # A fragment request would put the sign-in page inside the page: htmx loads it whole instead.
        return Response(None, status_code=401, headers={"HX-Redirect": location})
    return Redirect(location, status_code=303)


def _is_htmx_fragment(request: Request) -> bool:
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-Boosted")


def handle_sign_in_required(request: Request, exc: SignInRequired) -> Response:
    if wants_json(request):
        return error_response(request, exc.status_code)
    return _sign_in_redirect(request)


def handle_password_change_required(request: Request, exc: PasswordChangeRequired) -> Response:
    if wants_json(request):
        return error_response(request, exc.status_code, message=_("Ganti dahulu kata sandi sementara Anda."))
    return Redirect(PASSWORD_PATH, status_code=303)


def handle_access_refused(request: Request, exc: AccessRefused) -> Response:
    return error_response(request, exc.status_code, message=exc.detail)


EXCEPTION_HANDLERS = {
    SignInRequired: handle_sign_in_required,
    PasswordChangeRequired: handle_password_change_required,
    AccessRefused: handle_access_refused,
}
