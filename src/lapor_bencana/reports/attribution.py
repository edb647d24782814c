"""Whose report it is: a signed-in field officer's or volunteer's (more trusted), or anyone's."""

from __future__ import annotations

from litestar import Request

from lapor_bencana.accounts.tables import Role
from lapor_bencana.reports.tables import ReportSource
from lapor_bencana.web import access

FIELD_SOURCES = {Role.PETUGAS: ReportSource.PETUGAS, Role.RELAWAN: ReportSource.RELAWAN}


def reporter_of(request: Request, anonymous: ReportSource) -> tuple[ReportSource, int | None]:
    """The source and reporter to store. Call it only for requests whose session may be trusted:
    CSRF-checked forms, or API calls with the CSRF header (``access.has_csrf_header``)."""
    user = access.current_user(request)
    if user is None or not user.approved or user.role not in FIELD_SOURCES:
        return anonymous, None
    return FIELD_SOURCES[Role(user.role)], user.id
