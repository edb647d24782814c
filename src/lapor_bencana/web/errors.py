"""Error responses in Indonesian: a page for people, JSON for the API; never a stack trace."""

from __future__ import annotations

import sqlite3

import asyncpg
import structlog
from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.response import Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE

from lapor_bencana import database
from lapor_bencana.i18n import gettext as _
from lapor_bencana.not_found import NotFoundPage

log = structlog.get_logger(__name__)

# Long enough for a restarting database or a held lock to clear; short enough that a phone's
# outbox tries again while the reporter is still there.
DATABASE_RETRY_AFTER_S = 5


def _message_for(status_code: int) -> str:
    messages = {
        400: _("Permintaan tidak dapat diproses. Periksa kembali isian Anda."),
        401: _("Silakan masuk terlebih dahulu."),
        403: _("Anda tidak memiliki akses ke halaman ini."),
        404: _("Halaman tidak ditemukan."),
        405: _("Cara akses ini tidak didukung untuk alamat ini."),
        413: _("Kiriman terlalu besar."),
        429: _("Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi."),
        503: _("Layanan sedang sibuk atau dalam perawatan. Coba lagi sebentar lagi."),
    }
    # True of any request that ends here: nothing can tell whether it was saved before the error.
    fallback = _("Terjadi kesalahan di server, jadi permintaan ini mungkin belum diproses. Coba lagi sebentar lagi.")
    return messages.get(status_code, fallback)


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "application/json" in request.headers.get("accept", "")


def handle_http_exception(request: Request, exc: HTTPException) -> Response:
    headers = dict(exc.headers or {})
    if isinstance(exc, NotFoundPage):
        return error_response(request, exc.status_code, headers, exc.message, exc.template, exc.context)
    return error_response(request, exc.status_code, headers)


def handle_internal_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", path=request.url.path, method=request.method)
    return error_response(request, HTTP_500_INTERNAL_SERVER_ERROR, {})


def handle_database_error(request: Request, exc: Exception) -> Response:
    """A database that is down, unreachable or locked is a 503 to retry, not a 500. The failed
    transaction was rolled back, so the message can say that nothing was saved."""
    if not database.is_unavailable(exc):
        return handle_internal_error(request, exc)
    log.warning(
        "database unavailable", path=request.url.path, method=request.method, error=database.describe_error(exc)
    )
    message = _(
        "Data sedang tidak dapat dijangkau, jadi permintaan ini belum diproses dan tidak ada yang tersimpan. "
        "Coba lagi dalam beberapa detik."
    )
    return error_response(
        request, HTTP_503_SERVICE_UNAVAILABLE, {"Retry-After": str(DATABASE_RETRY_AFTER_S)}, message
    )


def error_response(
    request: Request,
    status_code: int,
    headers: dict[str, str] | None = None,
    message: str | None = None,
    template: str = "pages/error.html",
    context: dict | None = None,
) -> Response:
    message = message or _message_for(status_code)
    if wants_json(request):
        return Response(
            {"status_code": status_code, "detail": message},
            status_code=status_code,
            media_type=MediaType.JSON,
            headers=headers,
        )
    return Template(  # type: ignore[return-value]
        template_name=template,
        context={**(context or {}), "status_code": status_code, "message": message},
        status_code=status_code,
        headers=headers,
    )


EXCEPTION_HANDLERS = {
    HTTPException: handle_http_exception,
    ValidationException: handle_http_exception,
    # The classes whose errors may mean "the database is unavailable"; the handler tells them apart.
    database.DatabaseUnavailable: handle_database_error,
    sqlite3.OperationalError: handle_database_error,
    asyncpg.PostgresError: handle_database_error,
    asyncpg.InterfaceError: handle_database_error,
    OSError: handle_database_error,
    HTTP_500_INTERNAL_SERVER_ERROR: handle_internal_error,
}
