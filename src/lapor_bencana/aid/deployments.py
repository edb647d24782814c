"""Volunteers deployed to an incident, read from their answers to calls for help.

A volunteer called more than once for the same incident counts once, by their latest answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lapor_bencana.i18n import N_
from lapor_bencana.volunteers.tables import CallRecipient, Response

RESPONSE_LABELS = {
    Response.NONE: N_("belum menjawab"),
    Response.WILLING: N_("bersedia"),
    Response.ON_THE_WAY: N_("berangkat"),
    Response.ARRIVED: N_("tiba di lokasi"),
    Response.DONE: N_("selesai"),
    Response.CANNOT: N_("tidak bisa"),
}
# Answers that mean someone is coming or there; "selesai" and "tidak bisa" free the place again.
WILLING = frozenset({Response.WILLING, Response.ON_THE_WAY})
ARRIVED = frozenset({Response.ARRIVED})


async def deployments_of(incident_id: int) -> list[dict[str, Any]]:
    """One row per volunteer who answered a call for this incident: their latest answer and
    when they answered, arrived and finished; those on site first, then by name."""
    rows = await (
        CallRecipient.select(
            CallRecipient.id, CallRecipient.user, CallRecipient.response, CallRecipient.responded_at,
            CallRecipient.arrived_at, CallRecipient.done_at,
            CallRecipient.user.full_name.as_alias("full_name"),
            CallRecipient.user.organisation.as_alias("organisation"),
        )
        .where((CallRecipient.call.incident == incident_id) & (CallRecipient.response != Response.NONE))
        .run()
    )
    latest: dict[int, dict[str, Any]] = {}
    for row in rows:
        seen = latest.get(row["user"])
        if seen is None or _answered(row) > _answered(seen):
            latest[row["user"]] = row
    order = {Response.ARRIVED: 0, Response.ON_THE_WAY: 1, Response.WILLING: 2, Response.DONE: 3, Response.CANNOT: 4}
    return sorted(latest.values(), key=lambda row: (order.get(row["response"], 5), (row["full_name"] or "").lower()))


def _answered(row: dict[str, Any]) -> tuple[float, int]:
    moments = [row[key] for key in ("responded_at", "arrived_at", "done_at") if row[key] is not None]
    return (max(moments).timestamp() if moments else 0.0), row["id"]


@dataclass(frozen=True, slots=True)
class Personnel:
    needed: int
    willing: int
    arrived: int

    @property
    def missing(self) -> int:
        return max(self.needed - self.willing - self.arrived, 0)


def personnel_summary(needed: int, deployments: list[dict[str, Any]]) -> Personnel:
    responses = [row["response"] for row in deployments]
    return Personnel(
        needed=needed,
        willing=sum(response in WILLING for response in responses),
        arrived=sum(response in ARRIVED for response in responses),
    )
