"""Resident-facing pages: the report form, its inline checks, and the tracking page."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from lapor_bencana.regions import boundaries
from lapor_bencana.regions import service as regions
from lapor_bencana import live
from lapor_bencana.hazards import get_hazard
from lapor_bencana.i18n import gettext as _
from lapor_bencana.not_found import NotFoundPage
from lapor_bencana.reports import codes, intake, service, status
from lapor_bencana.reports.attribution import form_sender
from lapor_bencana.reports.photos import MAX_BYTES, MAX_PHOTOS
from lapor_bencana.reports.validation import validate
from lapor_bencana.timeutil import now

# Five photos of at most 10 MB each, plus the fields.
FORM_MAX_BODY = MAX_PHOTOS * MAX_BYTES + 1024 * 1024


async def _form_page(
    request: Request, values: dict[str, Any], errors: dict[str, str], status_code: int = 200, notice: str = ""
) -> Template:
    regency = request.app.state.settings.regency_code
    village_code = values.get("village_code") or ""
    kecamatan = values.get("kecamatan") or (village_code.rsplit(".", 1)[0] if village_code else "")
    villages = await regions.children(kecamatan) if kecamatan.startswith(regency + ".") else []
    return Template(
        "pages/report_form.html",
        context={
            "notice": notice,
            "districts": await regions.districts(regency),
            "villages": villages,
            "values": {**values, "kecamatan": kecamatan},
            "errors": errors,
            "idempotency_key": values.get("idempotency_key") or str(uuid.uuid4()),
            "max_photos": MAX_PHOTOS,
        },
        status_code=status_code,
    )


@get("/lapor", opt={"access": "public"}, include_in_schema=False)
async def report_form(request: Request, desa: FromQuery[str] = "", kecamatan: FromQuery[str] = "") -> Template:
    """The form; a village poster's QR code opens it with ``?desa=<village code>`` chosen (a
    kecamatan poster's with ``?kecamatan=<district code>``)."""
    values, notice = await _preselection(request.app.state.settings.regency_code, desa.strip(), kecamatan.strip())
    return await _form_page(request, values, {}, notice=notice)


async def _preselection(regency: str, village_code: str, district_code: str) -> tuple[dict[str, str], str]:
    """The place to choose in the form, or none and why; an unknown code never stops the form."""
    if village_code:
        village = await regions.village_in_regency(village_code, regency)
        if village is not None:
            return {"village_code": village["code"], "kecamatan": village["parent_code"]}, ""
        return {}, _("Desa dengan kode “%(code)s” tidak dikenal. Pilih kecamatan dan desa di bawah.", code=village_code[:20])
    if district_code:
        if district_code in {district["code"] for district in await regions.districts(regency)}:
            return {"kecamatan": district_code}, ""
        return {}, _("Kecamatan dengan kode “%(code)s” tidak dikenal. Pilih kecamatan dan desa di bawah.", code=district_code[:20])
    return {}, ""


@post("/lapor", opt={"access": "public"}, include_in_schema=False, request_max_body_size=FORM_MAX_BODY)
async def submit_report_form(request: Request) -> Response | Template:
    """The form without JavaScript: a plain multipart post, answered with a redirect or the form again."""
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    uploads = [item for item in form.getall("photos", []) if isinstance(item, UploadFile) and item.filename]
    blobs = [await upload.read() for upload in uploads]
    state = request.app.state
    outcome = await intake.submit(
        values,
        blobs,
        regency_code=state.settings.regency_code,
        local_zone=state.local_zone,
        store=state.blob_store,
        sender=form_sender(request),
        idempotency_key=values.get("idempotency_key") or None,
        on_new_report=state.on_new_report,
    )
    if key_problem := outcome.errors.get(intake.IDEMPOTENCY_KEY_FIELD):
        # This page's key went with another report already: a new key lets this one be sent.
        fresh = {name: value for name, value in values.items() if name != "idempotency_key"}
        return await _form_page(request, fresh, {"form": key_problem}, status_code=422)
    if outcome.errors:
        return await _form_page(request, values, outcome.errors, status_code=422)
    if outcome.created.is_new:
        live.publish(request, "report-changed", report=outcome.created.row["id"])
    return Redirect(f"/laporan/{outcome.created.row['code']}?baru=1", status_code=303)


@post("/lapor/periksa", opt={"access": "public"}, include_in_schema=False)
async def check_field(request: Request) -> Template:
    """Inline check of the field that just changed (htmx): its message, or nothing."""
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    area = await boundaries.regency_area(request.app.state.settings.regency_code)
    _report, errors = validate(values, now=now(), local_zone=request.app.state.local_zone, area=area)
    field = request.headers.get("HX-Trigger-Name", "")
    return Template("fragments/field_error.html", context={"message": errors.get(field, "")})


@get("/laporan", opt={"access": "public"}, include_in_schema=False)
async def find_report(kode: FromQuery[str] = "") -> Response | Template:
    code = codes.normalise(kode)
    if code:
        return Redirect(f"/laporan/{code}", status_code=303)
    return Template("pages/report_lookup.html", context={"typed": kode, "invalid": bool(kode)})


async def _report_or_404(code: str):
    normalised = codes.normalise(code)
    report = await service.find_by_code(normalised) if normalised else None
    if report is None:
        # The same form as /laporan, with the code as typed: a mistyped character is easy to fix there.
        raise NotFoundPage(_("Kode laporan tidak ditemukan."), "pages/report_lookup.html", typed=code, invalid=False)
    return report


@get("/laporan/{code:str}", opt={"access": "public"}, include_in_schema=False)
async def report_status(
    request: Request, code: FromPath[str], baru: FromQuery[bool] = False, foto_ditolak: FromQuery[int] = 0
) -> Template:
    report = await _report_or_404(code)
    view = await service.public_view(report)
    status_url = request.app.state.settings.link(f"/laporan/{report.code}")
    return Template(
        "pages/report_status.html",
        context={
            "report": view,
            "steps": status.timeline(view["status"], view["timeline"]),
            "display_code": codes.display(report.code),
            "photos": await service.photos_of(report.id),
            "just_sent": baru,
            "photos_refused": max(0, min(foto_ditolak, MAX_PHOTOS)),
            "status_url": status_url,
            "share_text": share_text(view, status_url),
        },
    )


def share_text(view: dict, status_url: str) -> str:
    hazard = get_hazard(view["hazard"])
    place = view["village_name"] or ""
    return _(
        "Laporan bencana %(hazard)s %(place)s, kode %(code)s. Pantau: %(url)s",
        hazard=_(hazard.label) if hazard else view["hazard"],
        place=(_("di %(village)s", village=place) if place else ""),
        code=codes.display(view["code"]),
        url=status_url,
    )


@get("/laporan/{code:str}/foto/{photo_id:int}", opt={"access": "public"}, include_in_schema=False)
async def report_photo(request: Request, code: FromPath[str], photo_id: FromPath[int], kecil: FromQuery[bool] = False) -> Response:
    report = await _report_or_404(code)
    key = await service.photo_key(report.id, photo_id, thumbnail=kecil)
    data = request.app.state.blob_store.get(key) if key else None
    if data is None:
        raise NotFoundException()
    # Content-addressed: the bytes behind this URL never change, but only code holders may see them.
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=31536000, immutable"})
