"""The JSON API for reports (contract.md): gateways, other systems and the offline queue use it."""

from __future__ import annotations

import json
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from lapor_bencana import live
from lapor_bencana.i18n import gettext as _
from lapor_bencana.not_found import NotFoundPage
from lapor_bencana.reports import codes, intake, service
from lapor_bencana.reports.attribution import CLIENT_NAME_HEADER, api_sender
from lapor_bencana.reports.photos import MAX_BYTES, MAX_PHOTOS, PhotoRejected
from lapor_bencana.reports.schema import (
    CREATE_RESPONSES,
    PHOTO_RESPONSES,
    STATUS_RESPONSES,
    AddPhotoOperation,
    CreateReportOperation,
)

MAX_JSON_BODY = 64 * 1024


def _invalid(errors: dict[str, str]) -> Response:
    return Response(
        {"detail": _("Periksa kembali isian laporan."), "errors": errors}, status_code=422
    )


def public_json(view: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": view["code"],
        "display_code": codes.display(view["code"]),
        "status": view["status"],
        "hazard": view["hazard"],
        "occurred_at": view["occurred_at"].isoformat(),
        "received_at": view["received_at"].isoformat(),
        "village_code": view["village_code"],
        "village_name": view["village_name"],
        "village_derived": view["village_derived"],
        "district_name": view["district_name"],
        "timeline": [
            {"status": step["status"], "at": step["changed_at"].isoformat(), "note": step["public_note"]}
            for step in view["timeline"]
        ],
    }


@post(
    "/api/v1/reports",
    opt={"access": "public"},
    tags=["reports"],
    summary="Create a report",
    description=(
        "Creates a report. Send `Idempotency-Key` (1–128 visible ASCII characters) to make retries safe: "
        "the same key with the same content answers the same report (201 the first time, 200 after); the "
        "same key with other content (compared as canonical JSON) answers 422. Name your system in "
        "`X-Client-Name`. Bad input answers 422 with Indonesian messages per field. `Location` names the "
        "report's public status."
    ),
    request_max_body_size=MAX_JSON_BODY,
    status_code=HTTP_201_CREATED,
    operation_class=CreateReportOperation,
    responses=CREATE_RESPONSES,
)
async def create_report(request: Request) -> Response:
    key = request.headers.get("idempotency-key")
    sender = api_sender(request)
    if isinstance(sender, str):
        return _invalid({CLIENT_NAME_HEADER: sender})
    try:
        payload = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        return Response({"detail": _("Isi permintaan bukan JSON yang valid.")}, status_code=400)
    if not isinstance(payload, dict):
        return Response({"detail": _("Isi permintaan harus berupa objek JSON.")}, status_code=400)
    state = request.app.state
    outcome = await intake.submit(
        payload,
        [],
        regency_code=state.settings.regency_code,
        local_zone=state.local_zone,
        store=state.blob_store,
        sender=sender,
        idempotency_key=key,
        on_new_report=state.on_new_report,
        json_types=True,
    )
    if outcome.errors:
        return _invalid(outcome.errors)
    created = outcome.created
    if created.is_new:
        live.publish(request, "report-changed", report=created.row["id"])
    body = public_json(await service.public_view(created.row, created.timeline))
    return Response(
        body,
        status_code=HTTP_201_CREATED if created.is_new else HTTP_200_OK,
        headers={"Location": f"/api/v1/reports/{created.row['code']}"},
    )


@get(
    "/api/v1/reports/{code:str}",
    opt={"access": "public"},
    tags=["reports"],
    summary="Public status of a report",
    responses=STATUS_RESPONSES,
)
async def get_report(code: FromPath[str]) -> Response:
    normalised = codes.normalise(code)
    report = await service.find_by_code(normalised) if normalised else None
    if report is None:
        raise NotFoundPage(_("Kode laporan tidak ditemukan."))
    return Response(public_json(await service.public_view(report)))


@post(
    "/api/v1/reports/{code:str}/photos",
    opt={"access": "public"},
    tags=["reports"],
    summary="Add a photo to a report",
    description=(
        "Multipart field `photo`. Only the sender of the report may add photos: send the report's "
        "`Idempotency-Key`. The photo must be a JPEG, PNG, WebP or HEIC image that can be decoded (422 otherwise). "
        "The same photo twice is kept once; at most five photos per report."
    ),
    request_max_body_size=MAX_BYTES + 64 * 1024,
    status_code=HTTP_201_CREATED,
    operation_class=AddPhotoOperation,
    responses=PHOTO_RESPONSES,
)
async def add_photo(request: Request, code: FromPath[str]) -> Response:
    normalised = codes.normalise(code)
    report = await service.find_by_code(normalised) if normalised else None
    key = request.headers.get("idempotency-key")
    if report is None or not report.idempotency_key or key != report.idempotency_key:
        raise NotFoundPage(_("Kode laporan tidak ditemukan."))
    form = await request.form()
    upload = form.get("photo")
    if not isinstance(upload, UploadFile):
        return _invalid({"photo": _("Pilih foto untuk dikirim.")})
    try:
        photo = await intake.process_photo(await upload.read())
    except PhotoRejected as problem:
        return _invalid({"photo": str(problem)})
    if not await service.add_photo(report, photo, request.app.state.blob_store, limit=MAX_PHOTOS):
        return _invalid({"photo": _("Paling banyak %(n)s foto.", n=MAX_PHOTOS)})
    return Response({"photos": len(await service.photos_of(report.id))}, status_code=HTTP_201_CREATED)
