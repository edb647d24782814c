"""Reporting out: staff exports (CSV, XLSX), CAP alerts, situation reports (HTML and PDF), and the
public transparency page. The handlers only read parameters and choose the response."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File, Response, Stream, Template

from lapor_bencana.config import check_emblem
from lapor_bencana.incidents.service import incident_or_404
from lapor_bencana.i18n import gettext as _
from lapor_bencana.needs.words import number
from lapor_bencana.sitrep import cap, document, exports, pdf, report, transparency
from lapor_bencana.aid.deployments import RESPONSE_LABELS
from lapor_bencana.web.access import PUBLIC, STAFF

STAFF_ONLY = {"access": STAFF}


def _zone(request: Request):
    return request.app.state.local_zone


async def _export_page(request: Request, error: str | None = None, dataset: str = "") -> Template:
    """The export forms; after refused input, with what was asked kept in the form it came from."""
    params = request.query_params
    context = {
        "datasets": exports.DATASETS,
        "cap_incidents": await cap.alertable_incidents(),
        "error": error,
        "chosen": {"dataset": dataset, "dari": params.get("dari", ""), "sampai": params.get("sampai", "")},
    }
    status_code = 422 if error else 200
    return Template("pages/sitrep/exports.html", context=context, status_code=status_code)


@get("/koordinator/ekspor", opt=STAFF_ONLY, include_in_schema=False)
async def export_page(request: Request) -> Template:
    return await _export_page(request)


@get("/koordinator/ekspor/{dataset:str}", opt=STAFF_ONLY, include_in_schema=False)
async def export_file(request: Request, dataset: FromPath[str]) -> Response | Stream | Template:
    chosen = exports.DATASETS.get(dataset)
    if chosen is None:
        raise NotFoundException()
    params = request.query_params
    kind = params.get("format", "csv")
    if kind not in exports.FORMATS:
        return await _export_page(request, _("Pilih format CSV atau XLSX."), dataset)
    try:
        period = exports.Period.parse(params.get("dari"), params.get("sampai"), _zone(request))
    except exports.ExportError as problem:
        return await _export_page(request, str(problem), dataset)
    with_contacts = params.get("kontak") == "ya"
    columns = chosen.columns_for(with_contacts)
    rows = await chosen.rows(period)
    media_type, extension = exports.FORMATS[kind]
    headers = {
        "Content-Disposition": f'attachment; filename="{exports.filename(chosen, period, extension, with_contacts)}"',
        # Personal data may be in it: no copy in any shared cache.
        "Cache-Control": "no-store",
    }
    if kind == "csv":
        return Stream(exports.csv_chunks(columns, rows, _zone(request)), media_type=media_type, headers=headers)
    content = exports.xlsx_bytes(_(chosen.title), columns, rows, _zone(request))
    return Response(content, media_type=media_type, headers=headers)


@get("/koordinator/kejadian/{code:str}/cap.xml", opt=STAFF_ONLY, include_in_schema=False)
async def cap_alert(request: Request, code: FromPath[str]) -> Response:
    incident = await incident_or_404(code)
    state = request.app.state
    body = await cap.incident_alert(
        incident, sender=state.settings.effective_cap_sender, regency_name=state.regency_name, zone=_zone(request),
        web=state.settings.link("/transparansi"),
    )
    return Response(
        body,
        media_type="application/cap+xml",
        headers={"Content-Disposition": f'inline; filename="cap-{incident.code}.xml"'},
    )


def _day_or_error(request: Request) -> tuple[date | None, str | None]:
    try:
        return report.parse_day(request.query_params.get("tanggal"), _zone(request)), None
    except ValueError:
        return None, _("Tanggal harus berbentuk TTTT-BB-HH, misalnya 2026-01-31.")


async def _situation(request: Request, code: str | None) -> tuple[report.SituationReport | None, str | None]:
    day, error = _day_or_error(request)
    if day is None:
        return None, error
    state = request.app.state
    try:
        paper = document.paper_of(state.settings, state.regency_name, request.query_params)
    except ValueError as problem:
        return None, str(problem)
    common = {"zone": _zone(request), "regency_name": state.regency_name, "paper": paper}
    if code is None:
        return await report.regency_report(day, **common), None
    incident = await incident_or_404(code)
    return await report.incident_report(incident, day, **common), None


def _situation_page(request: Request, situation: report.SituationReport | None, error: str | None, pdf_url: str) -> Template:
    asked = {key: request.query_params.get(key, "") for key in document.SIGNATORY_FIELDS}
    shown = {"tanggal": situation.day.isoformat()} if situation else {}
    shown.update({key: value for key, value in asked.items() if value})
    context = {
        "report": situation, "error": error, "pdf_url": f"{pdf_url}?{urlencode(shown)}", "day": request.query_params.get("tanggal", ""),
        "asked": asked, "response_labels": RESPONSE_LABELS, "number": number, "nip_text": document.nip_text,
    }
    return Template("pages/sitrep/report.html", context=context, status_code=422 if error else 200)


@get("/koordinator/laporan-situasi/lambang", opt=STAFF_ONLY, include_in_schema=False)
async def letterhead_emblem(request: Request) -> File:
    """The coat of arms of the letterhead, for the report page (the PDF embeds the file itself)."""
    path = request.app.state.settings.letterhead_emblem
    try:
        media_type = check_emblem(path) if path else None
    except ValueError:  # checked at start-up, but the file may have gone since
        media_type = None
    if media_type is None:
        raise NotFoundException()
    return File(path, media_type=media_type, content_disposition_type="inline")


def _pdf_response(situation: report.SituationReport, name: str) -> Response:
    return Response(
        pdf.render(situation),
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="laporan-situasi-{name}-{situation.day.isoformat()}.pdf"'},
    )


@get("/koordinator/laporan-situasi", opt=STAFF_ONLY, include_in_schema=False)
async def regency_situation(request: Request) -> Template:
    situation, error = await _situation(request, None)
    return _situation_page(request, situation, error, "/koordinator/laporan-situasi.pdf")


@get("/koordinator/laporan-situasi.pdf", opt=STAFF_ONLY, include_in_schema=False)
async def regency_situation_pdf(request: Request) -> Response | Template:
    situation, error = await _situation(request, None)
    if situation is None:
        return _situation_page(request, None, error, "/koordinator/laporan-situasi.pdf")
    return _pdf_response(situation, "kabupaten")


@get("/koordinator/kejadian/{code:str}/laporan-situasi", opt=STAFF_ONLY, include_in_schema=False)
async def incident_situation(request: Request, code: FromPath[str]) -> Template:
    situation, error = await _situation(request, code)
    return _situation_page(request, situation, error, f"/koordinator/kejadian/{code}/laporan-situasi.pdf")


@get("/koordinator/kejadian/{code:str}/laporan-situasi.pdf", opt=STAFF_ONLY, include_in_schema=False)
async def incident_situation_pdf(request: Request, code: FromPath[str]) -> Response | Template:
    situation, error = await _situation(request, code)
    if situation is None:
        return _situation_page(request, None, error, f"/koordinator/kejadian/{code}/laporan-situasi.pdf")
    return _pdf_response(situation, code)


@get("/transparansi", opt={"access": PUBLIC}, include_in_schema=False)
async def transparency_page() -> Template:
    return Template("pages/transparency.html", context={"incidents": await transparency.public_incidents()})
