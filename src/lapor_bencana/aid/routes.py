"""Aid on the incident page (record a delivery, its proof photo) and the warehouse page.

Forms work without JavaScript (a redirect, or the page again with its errors and a 422) and with
htmx (the changed fragment); every change tells open coordinator screens through the live channel.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from lapor_bencana.incidents.service import incident_or_404
from lapor_bencana import live
from lapor_bencana.aid import service
from lapor_bencana.aid.items import AidError, catalogue
from lapor_bencana.aid.panel import date_text, local_today
from lapor_bencana.accounts.tables import Role
from lapor_bencana.aid.tables import Direction
from lapor_bencana.i18n import gettext as _
from lapor_bencana.incidents.routes import incident_context
from lapor_bencana.incidents.triage import Context
from lapor_bencana.needs.rules import Unit
from lapor_bencana.needs.service import current_standards
from lapor_bencana.needs.words import UNIT_LABELS, number
from lapor_bencana.regions import service as regions
from lapor_bencana.reports import photos
from lapor_bencana.web.access import ADMIN, STAFF, current_user

STAFF_ONLY = {"access": STAFF}
ADMIN_ONLY = {"access": ADMIN}
WAREHOUSE_PATH = "/koordinator/gudang"
# One proof photo and the fields.
FORM_MAX_BODY = photos.MAX_BYTES + 1024 * 1024


def _context(request: Request) -> Context:
    return Context(actor=current_user(request), client_address=request.client.host if request.client else None)


def _is_htmx(request: Request) -> bool:
    return bool(request.headers.get("HX-Request"))


async def _items() -> list:
    return catalogue(await current_standards())


@post("/koordinator/kejadian/{code:str}/bantuan", opt=STAFF_ONLY, include_in_schema=False, request_max_body_size=FORM_MAX_BODY)
async def record_delivery(request: Request, code: FromPath[str]) -> Response | Template:
    incident = await incident_or_404(code)
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    upload = form.get("photo")
    settings = request.app.state.settings
    try:
        photo = None
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read()
            if data:
                try:
                    photo = photos.process(data)
                except photos.PhotoRejected as problem:
                    raise AidError({"photo": str(problem)}) from None
        await service.record_delivery(
            incident.id, values, await _items(), _context(request),
            regency_code=settings.regency_code,
            today=local_today(incident.village or settings.regency_code),
            earliest=incident.occurred_at.astimezone(request.app.state.local_zone).date(),
            photo=photo, store=request.app.state.blob_store,
        )
    except AidError as problem:
        context = await incident_context(incident) | {"aid_form": values, "aid_errors": problem.errors}
        template = "fragments/desk/incident_live.html" if _is_htmx(request) else "pages/desk/incident.html"
        return Template(template, context=context, status_code=422)
    live.publish(request, "incident-changed", incident=incident.id)
    if not _is_htmx(request):
        return Redirect(f"/koordinator/kejadian/{incident.code}#aid-deliveries", status_code=303)
    return Template("fragments/desk/incident_live.html", context=await incident_context(incident))


@get("/koordinator/bantuan/{delivery_id:int}/foto", opt=STAFF_ONLY, include_in_schema=False)
async def delivery_photo(request: Request, delivery_id: FromPath[int], kecil: FromQuery[bool] = False) -> Response:
    key = await service.delivery_photo_key(delivery_id, thumbnail=kecil)
    data = request.app.state.blob_store.get(key) if key else None
    if data is None:
        raise NotFoundException()
    return Response(data, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=31536000, immutable"})


# --- Warehouses ---


async def _warehouse_context(request: Request, **extra: Any) -> dict[str, Any]:
    regency = request.app.state.settings.regency_code
    return {
        "warehouses": await service.warehouses(),
        "balances": await service.stock_balances(),
        "movements": await service.movements(limit=50),
        "items": await _items(),
        "units": [(unit.value, _(UNIT_LABELS[unit])) for unit in Unit if unit not in (Unit.ORANG, Unit.TIM)],
        "districts": await regions.districts(regency),
        "today": local_today(regency).isoformat(),
        "number": number,
        "date_text": date_text,
        "is_admin": current_user(request).role == Role.ADMIN,
        "stock_form": {},
        "stock_errors": {},
        "warehouse_form": {},
        "warehouse_errors": {},
        **extra,
    }


async def _warehouse_page(request: Request, status_code: int = 200, **extra: Any) -> Template:
    context = await _warehouse_context(request, **extra)
    district = context["warehouse_form"].get("kecamatan") or ""
    context["warehouse_villages"] = await regions.children(district) if district else []
    return Template("pages/desk/warehouses.html", context=context, status_code=status_code)


@get(WAREHOUSE_PATH, opt=STAFF_ONLY, include_in_schema=False)
async def warehouse_page(request: Request) -> Template:
    return await _warehouse_page(request)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


@post(f"{WAREHOUSE_PATH}/stok", opt=STAFF_ONLY, include_in_schema=False)
async def record_stock(request: Request) -> Response | Template:
    values = await _form(request)
    try:
        direction = Direction(values.get("direction") or "")
    except ValueError:
        return await _warehouse_page(request, 422, stock_form=values, stock_errors={"direction": _("Pilih masuk atau keluar.")})
    regency = request.app.state.settings.regency_code
    try:
        await service.record_stock_movement(values, await _items(), direction, _context(request), local_today(regency))
    except AidError as problem:
        return await _warehouse_page(request, 422, stock_form=values, stock_errors=problem.errors)
    return Redirect(f"{WAREHOUSE_PATH}?tersimpan=stok#saldo", status_code=303)


@post(WAREHOUSE_PATH, opt=ADMIN_ONLY, include_in_schema=False)
async def create_warehouse(request: Request) -> Response | Template:
    values = await _form(request)
    try:
        await service.create_warehouse(values, request.app.state.settings.regency_code, _context(request))
    except AidError as problem:
        return await _warehouse_page(request, 422, warehouse_form=values, warehouse_errors=problem.errors)
    return Redirect(f"{WAREHOUSE_PATH}?tersimpan=gudang", status_code=303)


@post(f"{WAREHOUSE_PATH}/{{warehouse_id:int}}/status", opt=ADMIN_ONLY, include_in_schema=False)
async def warehouse_status(request: Request, warehouse_id: FromPath[int]) -> Response | Template:
    values = await _form(request)
    try:
        await service.set_warehouse_active(warehouse_id, values.get("active") == "1", _context(request))
    except AidError as problem:
        return await _warehouse_page(request, 422, warehouse_errors=problem.errors)
    return Redirect(WAREHOUSE_PATH, status_code=303)
