from __future__ import annotations

from lapor_bencana.i18n import gettext as _
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.not_found import NotFoundPage


async def incident_or_404(code: str) -> Incident:
    """The incident a route's path names; an unknown code is the route's 404."""
    incident = await Incident.objects().where(Incident.code == code).first().run()
    if incident is None:
        raise NotFoundPage(_("Kejadian dengan kode ini tidak ditemukan."))
    return incident


async def recent_verified(limit: int) -> list[dict]:
    """Verified incidents for the public: no reporter data is ever part of an incident row."""
    return await (
        Incident.select(
            Incident.code,
            Incident.hazard,
            Incident.title,
            Incident.status,
            Incident.occurred_at,
            Incident.village.name.as_alias("village_name"),
        )
        .where(Incident.status != IncidentStatus.DILAPORKAN)
        .order_by(Incident.occurred_at, ascending=False)
        .limit(limit)
        .run()
    )
