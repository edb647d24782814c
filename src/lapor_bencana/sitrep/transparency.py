"""The public transparency page: per verified incident, its verified impact figures and the aid
delivered. Built from an explicit list of public fields only: no names, phone numbers,
recipients, free-text notes (they may name people) or volunteer positions."""

from __future__ import annotations

from dataclasses import dataclass

from lapor_bencana.hazards import get_hazard
from lapor_bencana.impact import View
from lapor_bencana.i18n import gettext as _
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.regions import service as regions
from lapor_bencana.sitrep import aid as sitrep_aid
from lapor_bencana.sitrep import figures as incident_figures
from lapor_bencana.sitrep.report import Figure, impact_lines

LIMIT = 100


@dataclass(frozen=True)
class PublicIncident:
    code: str
    title: str
    hazard_label: str
    status: str
    place: str
    occurred_at: object
    figures_verified_at: object
    impact: list[Figure]
    aid_totals: list[sitrep_aid.AidTotal]


async def public_incidents(limit: int = LIMIT) -> list[PublicIncident]:
    rows = await (
        Incident.select(
            Incident.id, Incident.code, Incident.title, Incident.hazard, Incident.status, Incident.village,
            Incident.occurred_at,
        )
        .where(Incident.status != IncidentStatus.DILAPORKAN)
        .order_by(Incident.occurred_at, ascending=False)
        .limit(limit)
        .run()
    )
    ids = [row["id"] for row in rows]
    latest = await incident_figures.latest_verified(ids)
    aid_totals = await sitrep_aid.totals_by_incident(ids)
    codes = {row["village"] for row in rows if row["village"]}
    names = await regions.names(codes | {code.rsplit(".", 1)[0] for code in codes})
    result = []
    for row in rows:
        figures = latest.get(row["id"])
        hazard = get_hazard(row["hazard"])
        village = row["village"] or ""
        place = ", ".join(filter(None, [names.get(village), names.get(village.rsplit(".", 1)[0])]))
        result.append(
            PublicIncident(
                code=row["code"],
                title=row["title"],
                hazard_label=_(hazard.label) if hazard else row["hazard"],
                status=row["status"],
                place=place,
                occurred_at=row["occurred_at"],
                figures_verified_at=figures["verified_at"] if figures else None,
                impact=impact_lines(figures, View.TRANSPARENCY),
                aid_totals=aid_totals.get(row["id"], []),
            )
        )
    return result
