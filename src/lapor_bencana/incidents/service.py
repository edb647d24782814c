from __future__ import annotations

from lapor_bencana.incidents.tables import Incident, IncidentStatus


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
