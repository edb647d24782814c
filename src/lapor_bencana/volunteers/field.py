"""The field incident page (/kejadian/{code}): what a volunteer or field officer called to an
incident needs, and its forms (answers to calls, rapid assessments).

Every answer to a field account is this page or one of its fragments, never the coordinator's
incident page: no reporter's name, phone or words, no other volunteer's name or position, no aid
recipient, no audit history.
"""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.response import Template

from lapor_bencana.accounts.service import STAFF_ROLES
from lapor_bencana.incidents import assessments
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.regions import service as regions
from lapor_bencana.volunteers import calls
from lapor_bencana.volunteers.skills import SKILLS
from lapor_bencana.volunteers.tables import Response as Answer
from lapor_bencana.web.access import current_user

PAGE = "pages/field/incident.html"
CALLS_FRAGMENT = "fragments/field/calls.html"
ASSESSMENT_FRAGMENT = "fragments/field/assessment.html"
# Set on the redirect after an assessment posted without htmx, so that the page says it was sent.
ASSESSMENT_SENT = "kaji_cepat"


async def field_context(request: Request, incident: Incident, **extra: Any) -> dict[str, Any]:
    user = current_user(request)
    district = incident.village.rsplit(".", 1)[0] if incident.village else ""
    names = await regions.names({incident.village, district} if incident.village else set())
    my_calls = await calls.calls_for(incident.id, user.id)
    current = calls.current_answer(my_calls)
    called = any(call["mine"] is not None for call in my_calls)
    confirm = request.query_params.get("jawab", "")
    return {
        "incident": incident,
        "village_name": names.get(incident.village or ""),
        "district_name": names.get(district),
        "figures": await assessments.latest_verified(incident.id),
        "calls": my_calls,
        "current": current,
        # What may be answered now; one not called may only say they are willing.
        "allowed_answers": [a for a in calls.ANSWERS if calls.allowed(current, a)] if called else [Answer.WILLING],
        "confirm": confirm if confirm in calls.ANSWERS else "",
        "skills": {skill.bit: skill for skill in SKILLS},
        "response_labels": calls.RESPONSE_LABELS,
        "closed": incident.status == IncidentStatus.SELESAI,
        # Coordinators record (and verify) assessments on their own incident page.
        "may_assess": user.role not in STAFF_ROLES,
        "note_labels": assessments.NOTE_FIELDS,
        "assessment_values": {},
        "assessment_errors": {},
        "assessment_saved": bool(request.query_params.get(ASSESSMENT_SENT)),
        **extra,
    }


async def field_page(
    request: Request, incident: Incident, fragment: str = PAGE, status_code: int = 200, **extra: Any
) -> Template:
    """The whole page, or only ``fragment`` (the part a form of it replaces) when htmx asked."""
    template = fragment if request.headers.get("HX-Request") else PAGE
    return Template(template, context=await field_context(request, incident, **extra), status_code=status_code)
