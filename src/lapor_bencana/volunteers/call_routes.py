"""Calls for help: sent from the coordinator's incident page, answered on the field incident page.

Changes tell every open coordinator screen ("incident-changed"); htmx posts get back the fragment
they changed, plain posts a redirect.
"""

from __future__ import annotations

from litestar import Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from lapor_bencana.incidents.service import incident_or_404
from lapor_bencana import live
from lapor_bencana.i18n import gettext as _
from lapor_bencana.i18n import ngettext
from lapor_bencana.incidents.routes import incident_context
from lapor_bencana.incidents.triage import Context
from lapor_bencana.volunteers import calls
from lapor_bencana.volunteers.field import CALLS_FRAGMENT, field_page
from lapor_bencana.web.access import FIELD, STAFF, current_user


def _context(request: Request) -> Context:
    return Context(actor=current_user(request), client_address=request.client.host if request.client else None)


def _is_htmx(request: Request) -> bool:
    return bool(request.headers.get("HX-Request"))


@post("/koordinator/kejadian/{code:str}/panggilan", opt={"access": STAFF}, include_in_schema=False)
async def send_call(request: Request, code: FromPath[str]) -> Response | Template:
    incident = await incident_or_404(code)
    form = await request.form()
    data = {key: value for key, value in form.items() if isinstance(value, str)}
    data["skills"] = [value for value in form.getall("skills", []) if isinstance(value, str)]
    wanted, errors = calls.validate(data, incident.radius_km)
    notice = None
    if wanted is not None:
        try:
            sent = await calls.create_call(incident, wanted, _context(request))
        except calls.CallError as problem:
            errors = {"form": str(problem)}
        else:
            live.publish(request, "incident-changed", incident=incident.id)
            notice = _sent_notice(sent)
    if not _is_htmx(request) and not errors:
        return Redirect(f"/koordinator/kejadian/{incident.code}", status_code=303)
    context = await incident_context(incident)
    # The reach shown beside the form is that of the choice sent back in it, not of the defaults.
    context["call_desk"] = context["call_desk"] | {"reach": await calls.reach(incident, data)}
    context |= {"call_errors": errors, "call_values": data, "call_notice": notice}
    template = "fragments/desk/incident_live.html" if _is_htmx(request) else "pages/desk/incident.html"
    return Template(template, context=context, status_code=422 if errors else 200)


def _sent_notice(sent: calls.Sent) -> str:
    if sent.targets == 0:
        return _(
            "Panggilan disimpan, tetapi tidak ada relawan siaga dengan keahlian itu dalam jangkauan. "
            "Perluas jangkauan atau pilih keahlian lain."
        )
    if sent.messages == 0:
        return ngettext(
            "Panggilan disimpan untuk %(num)s relawan, tetapi tidak satu pun menyalakan notifikasi: tidak ada yang "
            "dikirim. Hubungi mereka lewat telepon.",
            "Panggilan disimpan untuk %(num)s relawan, tetapi tidak satu pun menyalakan notifikasi: tidak ada yang "
            "dikirim. Hubungi mereka lewat telepon.",
            sent.targets,
        )
    return _(
        "Panggilan dikirim ke %(people)s (%(devices)s).",
        people=ngettext("%(num)s orang", "%(num)s orang", sent.targets),
        devices=ngettext("%(num)s perangkat", "%(num)s perangkat", sent.messages),
    )


@get("/koordinator/kejadian/{code:str}/panggilan/jangkauan", opt={"access": STAFF}, include_in_schema=False)
async def call_reach(request: Request, code: FromPath[str]) -> Response | Template:
    """Who the call form's current skills and radius would reach (asked by htmx as they change);
    without htmx the incident page shows it."""
    incident = await incident_or_404(code)
    if not _is_htmx(request):
        return Redirect(f"/koordinator/kejadian/{incident.code}#panggilan", status_code=303)
    chosen = {"skills": request.query_params.getall("skills", []), "radius_km": request.query_params.get("radius_km")}
    return Template("fragments/desk/call_reach.html", context={"incident": incident, "reach": await calls.reach(incident, chosen)})


@get("/kejadian/{code:str}", opt={"access": FIELD}, include_in_schema=False)
async def field_incident(request: Request, code: FromPath[str]) -> Template:
    """What volunteers called to the incident need: never the reporters' names, phones or words."""
    return await field_page(request, await incident_or_404(code))


@post("/kejadian/{code:str}/jawab", opt={"access": FIELD}, include_in_schema=False)
async def answer_call(request: Request, code: FromPath[str]) -> Response | Template:
    incident = await incident_or_404(code)
    form = await request.form()
    error = None
    try:
        given = calls.parse_answer({key: value for key, value in form.items() if isinstance(value, str)})
        await calls.answer(incident, current_user(request), given, _context(request))
    except calls.CallError as problem:
        error = str(problem)
    else:
        live.publish(request, "incident-changed", incident=incident.id)
    if not _is_htmx(request) and error is None:
        return Redirect(f"/kejadian/{incident.code}", status_code=303)
    return await field_page(
        request, incident, CALLS_FRAGMENT, status_code=422 if error else 200, error=error, saved=error is None
    )
