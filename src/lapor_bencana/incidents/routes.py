"""The coordinator desk: the triage queue, a report's detail and actions, the incident page.

Actions answer with the fragment they changed (htmx), or redirect when posted without htmx;
each one tells every open coordinator screen through the live channel.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Template

from lapor_bencana.incidents.service import incident_or_404
from lapor_bencana import audit, live
from lapor_bencana.accounts import service as account_service
from lapor_bencana.accounts.management import account_card_context
from lapor_bencana.accounts.service import STAFF_ROLES
from lapor_bencana.aid.panel import aid_context
from lapor_bencana.i18n import gettext as _
from lapor_bencana.incidents import assessments, queries, triage
from lapor_bencana.incidents.duplicates import candidates_for, new_reports_near
from lapor_bencana.incidents.next_step import Progress, next_step
from lapor_bencana.incidents.tables import EmergencyStatus, Incident, IncidentStatus, Priority
from lapor_bencana.needs.calculator import NeedsError, NeedsInputs, NeedsResult, calculate
from lapor_bencana.needs.service import current_standards
from lapor_bencana.regions import service as regions
from lapor_bencana.reports import service as report_service
from lapor_bencana.reports.tables import RejectionReason, Report, ReportSource, ReportStatus
from lapor_bencana.volunteers import calls, field
from lapor_bencana.web.access import FIELD, STAFF, current_user

STAFF_ONLY = {"access": STAFF}
SEARCH_MAX_LENGTH = 80


def _context(request: Request) -> triage.Context:
    return triage.Context(actor=current_user(request), client_address=request.client.host if request.client else None)


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _chosen_id(form: dict[str, str], name: str) -> int:
    """The row id a form field names; ValueError unless it could be one (PostgreSQL refuses
    integers past 32 bits instead of finding nothing)."""
    value = int(form.get(name, ""))
    if not 0 < value < 2**31:
        raise ValueError(value)
    return value


@get("/koordinator", opt=STAFF_ONLY, include_in_schema=False)
async def desk(request: Request) -> Template:
    filters = queries.QueueFilter.from_query(dict(request.query_params))
    actor = current_user(request)
    context = {
        "pending": await account_service.pending_accounts(actor),
        **account_card_context(request, actor),
        "filters": filters,
        "reports": await queries.queue(filters),
        "incidents": await queries.open_incidents(),
        "districts": await regions.districts(request.app.state.settings.regency_code),
        "statuses": list(ReportStatus),
        "sources": list(ReportSource),
    }
    template = "fragments/desk/queue.html" if request.headers.get("HX-Target") == "queue" else "pages/desk/index.html"
    return Template(template, context=context)


async def _report_or_404(report_id: int) -> Report:
    report = await Report.objects().where(Report.id == report_id).first().run()
    if report is None:
        raise NotFoundException()
    return report


async def _report_context(report: Report, search: str = "") -> dict[str, Any]:
    row = (await Report.select().where(Report.id == report.id).run())[0]
    names = await regions.names({report.village, report.village.rsplit(".", 1)[0]} if report.village else set())
    return {
        **await _search_context(report, search),
        "report": row,
        "village_name": names.get(report.village or ""),
        "district_name": names.get((report.village or "").rsplit(".", 1)[0]),
        "photos": await report_service.photos_of(report.id),
        "candidates": await candidates_for(row) if report.status == ReportStatus.BARU else [],
        "people": await queries.field_people(),
        "reasons": [r for r in RejectionReason if r != RejectionReason.NONE],
        "reason_labels": triage.REJECTION_LABELS,
        "incident": await Incident.objects().where(Incident.id == report.incident).first().run() if report.incident else None,
    }


async def _search_context(report: Report, search: str) -> dict[str, Any]:
    """Open incidents the coordinator looked for by code, place or hazard, to merge the report into."""
    search = search.strip()[:SEARCH_MAX_LENGTH]
    found = await queries.search_open_incidents(search) if search and report.status == ReportStatus.BARU else []
    return {"search": search, "found": found}


@get("/koordinator/laporan/{report_id:int}", opt=STAFF_ONLY, include_in_schema=False)
async def report_detail(report_id: FromPath[int], cari: FromQuery[str] = "") -> Template:
    report = await _report_or_404(report_id)
    return Template("pages/desk/report.html", context=await _report_context(report, cari))


@get("/koordinator/laporan/{report_id:int}/cari-kejadian", opt=STAFF_ONLY, include_in_schema=False)
async def search_incidents(request: Request, report_id: FromPath[int], cari: FromQuery[str] = "") -> Response | Template:
    """The active search's results; without htmx the report page shows them."""
    report = await _report_or_404(report_id)
    if not request.headers.get("HX-Request"):
        return Redirect(f"/koordinator/laporan/{report_id}?{urlencode({'cari': cari})}#cari-kejadian", status_code=303)
    context = {"report": {"id": report.id}, **await _search_context(report, cari)}
    return Template("fragments/desk/incident_search.html", context=context)


async def _after_report_action(
    request: Request, report_id: int, error: str | None = None, search: str = ""
) -> Response | Template:
    if error is None:
        live.publish(request, "report-changed", report=report_id)
        if not request.headers.get("HX-Request"):
            return Redirect(f"/koordinator/laporan/{report_id}", status_code=303)
    report = await _report_or_404(report_id)
    htmx = bool(request.headers.get("HX-Request"))
    context = await _report_context(report, search) | {"error": error, "status_oob": htmx}
    # Without htmx a refused action shows the whole page with the reason, the form as it was.
    template = "fragments/desk/report_actions.html" if htmx else "pages/desk/report.html"
    return Template(template, context=context, status_code=422 if error else 200)


@post("/koordinator/laporan/{report_id:int}/verifikasi", opt=STAFF_ONLY, include_in_schema=False)
async def verify_report(request: Request, report_id: FromPath[int]) -> Response | Template:
    try:
        incident = await triage.verify(report_id, _context(request))
        live.publish(request, "incident-changed", incident=incident.id)
    except triage.TriageError as problem:
        return await _after_report_action(request, report_id, str(problem))
    return await _after_report_action(request, report_id)


@post("/koordinator/laporan/{report_id:int}/gabung", opt=STAFF_ONLY, include_in_schema=False)
async def merge_report(request: Request, report_id: FromPath[int]) -> Response | Template:
    form = await _form(request)
    search = form.get("cari", "")
    try:
        incident_id = _chosen_id(form, "incident")
    except ValueError:
        return await _after_report_action(request, report_id, _("Pilih kejadian."), search)
    try:
        incident = await triage.merge(report_id, incident_id, _context(request))
    except triage.TriageError as problem:
        return await _after_report_action(request, report_id, str(problem), search)
    live.publish(request, "incident-changed", incident=incident.id)
    return await _after_report_action(request, report_id)


@post("/koordinator/laporan/{report_id:int}/tolak", opt=STAFF_ONLY, include_in_schema=False)
async def reject_report(request: Request, report_id: FromPath[int]) -> Response | Template:
    form = await _form(request)
    try:
        await triage.reject(report_id, form.get("reason", ""), form.get("note", ""), _context(request))
    except triage.TriageError as problem:
        return await _after_report_action(request, report_id, str(problem))
    return await _after_report_action(request, report_id)


@post("/koordinator/laporan/{report_id:int}/tugaskan", opt=STAFF_ONLY, include_in_schema=False)
async def assign_report(request: Request, report_id: FromPath[int]) -> Response | Template:
    form = await _form(request)
    try:
        await triage.assign_officer(report_id, _chosen_id(form, "officer"), _context(request))
    except (triage.TriageError, ValueError):
        return await _after_report_action(request, report_id, _("Pilih petugas atau relawan yang aktif."))
    return await _after_report_action(request, report_id)


async def needs_of(incident: Incident, figures: dict | None) -> tuple[NeedsResult | None, str | None]:
    """The relief needed by the incident's current figures, or why it cannot be worked out."""
    if figures is None:
        return None, None
    try:
        inputs = NeedsInputs.from_counts(figures, days=incident.planning_days, public_kitchen=incident.public_kitchen)
    except NeedsError as problem:
        return None, str(problem)
    return calculate(inputs, await current_standards()), None


async def incident_context(incident: Incident) -> dict[str, Any]:
    names = await regions.names({incident.village, incident.village.rsplit(".", 1)[0]} if incident.village else set())
    figures = await assessments.latest_verified(incident.id)
    needs, needs_problem = await needs_of(incident, figures)
    history = await assessments.history(incident.id)
    aid = await aid_context(incident, needs)
    personnel = aid["aid_personnel"]
    call_desk = await calls.desk_view(incident, needs, personnel.willing + personnel.arrived)
    new_reports = await new_reports_near(incident)
    progress = Progress(
        status=IncidentStatus(incident.status),
        new_reports=len(new_reports),
        verified_assessment=figures is not None,
        unverified_assessments=sum(not a["verified"] for a in history),
        personnel_needed=personnel.needed,
        calls_sent=len(call_desk["calls"]),
        items_missing=sum(row.missing > 0 for row in aid["aid_rows"]),
    )
    prefill, prefill_reports = await assessments.first_assessment_prefill(incident.id)
    return {
        "next_step": next_step(progress),
        "first_new_report": new_reports[0] if new_reports else None,
        "assessment_prefill": prefill,
        "assessment_prefill_reports": prefill_reports,
        "needs": needs,
        "needs_problem": needs_problem,
        "incident": incident,
        "village_name": names.get(incident.village or ""),
        "district_name": names.get((incident.village or "").rsplit(".", 1)[0]),
        "reports": await queries.reports_of_incident(incident.id),
        "figures": figures,
        "assessments": history,
        "events": await audit.history("incident", incident.id),
        "next_statuses": sorted(triage.ALLOWED_STATUS_CHANGES[IncidentStatus(incident.status)]),
        "priorities": list(Priority),
        "emergency_statuses": list(EmergencyStatus),
        "note_labels": assessments.NOTE_FIELDS,
        **aid,
        "call_desk": call_desk,
    }


@get("/koordinator/kejadian/{code:str}", opt=STAFF_ONLY, include_in_schema=False)
async def incident_page(request: Request, code: FromPath[str]) -> Template:
    incident = await incident_or_404(code)
    context = await incident_context(incident)
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "incident-live":
        return Template("fragments/desk/incident_live.html", context=context)
    return Template("pages/desk/incident.html", context=context)


async def _after_incident_action(request: Request, incident: Incident, error: str | None = None) -> Response | Template:
    if error is None:
        live.publish(request, "incident-changed", incident=incident.id)
    if not request.headers.get("HX-Request"):
        return Redirect(f"/koordinator/kejadian/{incident.code}", status_code=303)
    context = await incident_context(await incident_or_404(incident.code)) | {"error": error}
    return Template("fragments/desk/incident_live.html", context=context, status_code=422 if error else 200)


@post("/koordinator/kejadian/{code:str}/status", opt=STAFF_ONLY, include_in_schema=False)
async def incident_status(request: Request, code: FromPath[str]) -> Response | Template:
    incident = await incident_or_404(code)
    try:
        await triage.change_status(incident.id, (await _form(request)).get("status", ""), _context(request))
    except triage.TriageError as problem:
        return await _after_incident_action(request, incident, str(problem))
    return await _after_incident_action(request, incident)


@post("/koordinator/kejadian/{code:str}/pengaturan", opt=STAFF_ONLY, include_in_schema=False)
async def incident_settings(request: Request, code: FromPath[str]) -> Response | Template:
    incident = await incident_or_404(code)
    form = await _form(request)
    try:
        changes = {
            "priority": Priority(form.get("priority", incident.priority)),
            "emergency_status": EmergencyStatus(form.get("emergency_status", incident.emergency_status)),
            "radius_km": _bounded(form.get("radius_km"), incident.radius_km, 1, 200),
            "planning_days": int(_bounded(form.get("planning_days"), incident.planning_days, 1, 365)),
            "public_kitchen": form.get("public_kitchen") == "on",
        }
    except ValueError:
        return await _after_incident_action(request, incident, _("Periksa kembali isian pengaturan kejadian."))
    await triage.update_settings(incident.id, changes, _context(request))
    return await _after_incident_action(request, incident)


def _bounded(text: str | None, default: float, low: float, high: float) -> float:
    value = float(text) if text not in (None, "") else float(default)
    if not low <= value <= high:
        raise ValueError(text)
    return value


@post("/kejadian/{code:str}/kaji-cepat", opt={"access": FIELD}, include_in_schema=False)
async def record_assessment(request: Request, code: FromPath[str]) -> Response | Template:
    """Sent from the coordinator's incident page (verified at once) or from the field page: each
    gets its own page back, so that a field account never sees the staff's."""
    incident = await incident_or_404(code)
    typed = await _form(request)
    values, errors = assessments.validate(typed)
    by_staff = current_user(request).role in STAFF_ROLES
    if not errors:
        await assessments.record(incident.id, values, _context(request), verified=by_staff)
    if by_staff:
        return await _after_incident_action(request, incident, next(iter(errors.values()), None))
    if not errors:
        live.publish(request, "incident-changed", incident=incident.id)
        if not request.headers.get("HX-Request"):
            return Redirect(f"/kejadian/{incident.code}?{field.ASSESSMENT_SENT}=1", status_code=303)
    return await field.field_page(
        request, incident, field.ASSESSMENT_FRAGMENT, status_code=422 if errors else 200,
        assessment_values=typed if errors else {}, assessment_errors=errors, assessment_saved=not errors,
    )


@post("/koordinator/kejadian/{code:str}/kaji-cepat/{assessment_id:int}/verifikasi", opt=STAFF_ONLY, include_in_schema=False)
async def verify_assessment(request: Request, code: FromPath[str], assessment_id: FromPath[int]) -> Response | Template:
    incident = await incident_or_404(code)
    try:
        await assessments.verify(assessment_id, _context(request))
    except triage.TriageError as problem:
        return await _after_incident_action(request, incident, str(problem))
    return await _after_incident_action(request, incident)
