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
        CallRecipient.user.as_alias("user_id"),
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


def as_of(rows: list[dict], until: datetime) -> list[dict]:
    """The volunteers deployed as things stood at ``until``: one row per volunteer (their latest
    answer before then, as the incident page counts them), with no arrival or finish after it."""
    latest: dict[int, dict] = {}
    for row in rows:
        if row["responded_at"] is not None and row["responded_at"] < until:
            latest[row["user_id"]] = dict(row)
    for row in latest.values():
        for name in ("arrived_at", "done_at"):
            if row[name] is not None and row[name] >= until:
                row[name] = None
        if row["done_at"] is None and row["response"] == Response.DONE:
            row["response"] = Response.ARRIVED if row["arrived_at"] else Response.WILLING
        elif row["arrived_at"] is None and row["response"] == Response.ARRIVED:
            row["response"] = Response.WILLING
    return sorted(latest.values(), key=lambda row: (row["responded_at"], row["id"]))
