"""Volunteers deployed to incidents: the called volunteers who said yes, with their arrival and
finish times (volunteers.tables.CallRecipient is the deployment record)."""

from __future__ import annotations

from datetime import datetime

from lapor_bencana.volunteers.tables import CallRecipient, Response

# "Cannot" and no answer yet are not deployments.
DEPLOYED = (Response.WILLING, Response.ON_THE_WAY, Response.ARRIVED, Response.DONE)


async def deployments(
    *, incident_ids: list[int] | None = None, since: datetime | None = None, until: datetime | None = None
) -> list[dict]:
    """One row per volunteer and call, oldest answer first; ``since``/``until`` bound the answer time."""
    query = CallRecipient.select(
        CallRecipient.id,
        CallRecipient.call.incident.as_alias("incident_id"),
        CallRecipient.call.incident.code.as_alias("incident_code"),
        CallRecipient.call.incident.title.as_alias("incident_title"),
        CallRecipient.call.created_at.as_alias("called_at"),
        CallRecipient.user.full_name.as_alias("name"),
        CallRecipient.user.role.as_alias("role"),
        CallRecipient.user.organisation.as_alias("organisation"),
        CallRecipient.user.phone.as_alias("phone"),
        CallRecipient.response,
        CallRecipient.responded_at,
        CallRecipient.arrived_at,
        CallRecipient.done_at,
        CallRecipient.distance_km,
    ).where(CallRecipient.response.is_in(list(DEPLOYED)))
    if incident_ids is not None:
        query = query.where(CallRecipient.call.incident.is_in(incident_ids or [0]))
    if since is not None:
        query = query.where(CallRecipient.responded_at >= since)
    if until is not None:
        query = query.where(CallRecipient.responded_at < until)
    return await query.order_by(CallRecipient.responded_at).order_by(CallRecipient.id).run()
