"""Who sent a report, and how: a resident or a signed-in field officer or volunteer through the app's
own form (at once, or later from the phone's outbox), or another system through the API."""

from __future__ import annotations

import re

from litestar import Request

from lapor_bencana.accounts.tables import Role
from lapor_bencana.i18n import gettext as _
from lapor_bencana.reports.service import Sender
from lapor_bencana.reports.tables import ReportChannel, ReportSource
from lapor_bencana.web import access

FIELD_SOURCES = {Role.PETUGAS: ReportSource.PETUGAS, Role.RELAWAN: ReportSource.RELAWAN}
CLIENT_NAME_HEADER = "X-Client-Name"
# The names the app's own report page gives itself (static/js/report-delivery.js).
OWN_CLIENTS = {"lapor-bencana-form": ReportChannel.FORM, "lapor-bencana-outbox": ReportChannel.OUTBOX}
CLIENT_NAME_PATTERN = re.compile(r"^[\x21-\x7e][\x20-\x7e]{0,63}$")


def reporter_of(request: Request) -> tuple[ReportSource, int | None]:
    """The source and reporter to store for a report sent through the app's own form. Call it only
    for requests whose session may be trusted: CSRF-checked forms, or API calls with the CSRF
    header (``access.has_csrf_header``)."""
    user = access.current_user(request)
    if user is None or not user.approved or user.role not in FIELD_SOURCES:
        return ReportSource.WARGA, None
    return FIELD_SOURCES[Role(user.role)], user.id


def form_sender(request: Request) -> Sender:
    """The sender of the HTML form, which Litestar's CSRF middleware has checked."""
    source, reporter_id = reporter_of(request)
    return Sender(source, ReportChannel.FORM, reporter_id)


def api_sender(request: Request) -> Sender | str:
    """The sender of a JSON report, or the message when its ``X-Client-Name`` is not usable."""
    name = request.headers.get(CLIENT_NAME_HEADER)
    if name is not None and not CLIENT_NAME_PATTERN.match(name):
        return _("X-Client-Name harus 1–64 karakter ASCII yang terlihat (spasi boleh di tengah).")
    if name in OWN_CLIENTS:
        # This route is exempt from CSRF checks: a session cookie alone could come with a forged
        # cross-site request, so only the CSRF header of the app's own page lets it name the sender.
        source, reporter_id = reporter_of(request) if access.has_csrf_header(request) else (ReportSource.WARGA, None)
        return Sender(source, OWN_CLIENTS[name], reporter_id)
    return Sender(ReportSource.API, ReportChannel.API, client_name=(name or "").strip())
