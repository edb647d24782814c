"""Reporting out: staff exports (CSV, XLSX), CAP alerts, situation reports (HTML and PDF), and the
public transparency page. The handlers only read parameters and choose the response."""

from __future__ import annotations

from datetime import date

from litestar import Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Response, Stream, Template

from lapor_bencana.incidents.service import incident_or_404
from lapor_bencana.i18n import gettext as _
from lapor_bencana.sitrep import cap, exports, pdf, report, transparency
from lapor_bencana.aid.deployments import RESPONSE_LABELS
from lapor_bencana.web.access import PUBLIC, STAFF

STAFF_ONLY = {"access": STAFF}


def _zone(request: Request):
    return request.app.state.local_zone


def _export_page(request: Request, error: str | None = None, dataset: str = "") -> Template:
    """The export forms; after refused input, with what was asked kept in the form it came from."""
    params = request.query_params
    context = {
        "datasets": exports.DATASETS,
        "error": error,
        "chosen": {"dataset": dataset, "dari": params.get("dari", ""), "sampai": params.get("sampai", "")},
    }
    status_code = 422 if error else 200
    return Template("pages/sitrep/exports.html", context=context, status_code=status_code)


@get("/koordinator/ekspor", opt=STAFF_ONLY, include_in_schema=False)
async def export_page(request: Request) -> Template:
    return _export_page(request)


@get("/koordinator/ekspor/{dataset:str}", opt=STAFF_ONLY, include_in_schema=False)
async def export_file(request: Request, dataset: FromPath[str]) -> Response | Stream | Template:
    chosen = exports.DATASETS.get(dataset)
    if chosen is None:
        raise NotFoundException()
    params = request.query_params
    kind = params.get("format", "csv")
    if kind not in exports.FORMATS:
        return _export_page(request, _("Pilih format CSV atau XLSX."), dataset)
    try:
        period = exports.Period.parse(params.get("dari"), params.get("sampai"), _zone(request))
    except exports.ExportError as problem:
        return _export_page(request, str(problem), dataset)
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
    if code is None:
        return await report.regency_report(day, zone=_zone(request), regency_name=state.regency_name), None
    incident = await incident_or_404(code)
    return await report.incident_report(incident, day, zone=_zone(request), regency_name=state.regency_name), None


def _situation_page(request: Request, situation: report.SituationReport | None, error: str | None, pdf_url: str) -> Template:
    context = {
        "report": situation, "error": error, "pdf_url": pdf_url, "day": request.query_params.get("tanggal", ""),
        "response_labels": RESPONSE_LABELS,
    }
    return Template("pages/sitrep/report.html", context=context, status_code=422 if error else 200)


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
