"""What the coordinators' map shows: incidents still open and reports nobody has verified yet.

Each becomes a ``MapItem``; its ``marker()`` is what static/js/map.js draws (text already
translated, so the browser only places it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lapor_bencana import labels
from lapor_bencana.hazards import get_hazard
from lapor_bencana.i18n import gettext as _
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.regions import service as regions
from lapor_bencana.reports.tables import Report, ReportStatus

LIMIT = 500
OPEN_INCIDENT_STATUSES = (IncidentStatus.DILAPORKAN, IncidentStatus.TERVERIFIKASI, IncidentStatus.DITANGANI)


@dataclass(frozen=True)
class MapItem:
    kind: str  # "incident" or "report"
    entity_id: int
    code: str
    hazard: str
    status: str
    title: str
    village_name: str | None
    district_name: str | None
    occurred_at: datetime
    latitude: float | None
    longitude: float | None

    @property
    def id(self) -> str:
        return f"{self.kind}-{self.entity_id}"

    @property
    def url(self) -> str:
        if self.kind == "incident":
            return f"/koordinator/kejadian/{self.code}"
        return f"/koordinator/laporan/{self.entity_id}"

    @property
    def status_label(self) -> str:
        names = labels.INCIDENT_STATUS if self.kind == "incident" else labels.REPORT_STATUS
        label = _(names[self.status]) if self.status in names else self.status
        return label if self.kind == "incident" else _("Laporan %(status)s", status=label.lower())

    @property
    def place(self) -> str:
        if not self.village_name:
            return ""
        return f"{self.village_name}, {_('Kec.')} {self.district_name}" if self.district_name else self.village_name

    @property
    def located(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def marker(self) -> dict:
        return {
            "id": self.id,
            "kind": self.kind,
            "hazard": self.hazard,
            "status": self.status,
            "title": self.title,
            "detail": " · ".join(part for part in (self.status_label, self.place) if part),
            "url": self.url,
            "lat": self.latitude,
            "lon": self.longitude,
        }


def hazard_title(hazard: str) -> str:
    found = get_hazard(hazard)
    return _(found.label) if found else hazard


def _district(village: str | None) -> str | None:
    return village.rsplit(".", 1)[0] if village else None


async def open_incidents() -> list[dict]:
    return await (
        Incident.select(
            Incident.id, Incident.code, Incident.hazard, Incident.title, Incident.status, Incident.village,
            Incident.village.name.as_alias("village_name"), Incident.occurred_at, Incident.latitude, Incident.longitude,
        )
        .where(Incident.status.is_in(list(OPEN_INCIDENT_STATUSES)))
        .order_by(Incident.occurred_at, ascending=False)
        .limit(LIMIT)
        .run()
    )


async def unverified_reports() -> list[dict]:
    return await (
        Report.select(
            Report.id, Report.code, Report.hazard, Report.status, Report.village,
            Report.village.name.as_alias("village_name"), Report.occurred_at, Report.latitude, Report.longitude,
        )
        .where(Report.status == ReportStatus.BARU)
        .order_by(Report.received_at, ascending=False)
        .limit(LIMIT)
        .run()
    )


def item_of(kind: str, row: dict, district_name: str | None = None, village_name: str | None = None) -> MapItem:
    """``row`` is an incident or report (a row or a table object: id, code, hazard, status, position)."""
    if not isinstance(row, dict):
        row = row.to_dict()
    return MapItem(
        kind=kind, entity_id=row["id"], code=row["code"], hazard=row["hazard"], status=row["status"],
        title=row["title"] if kind == "incident" else hazard_title(row["hazard"]),
        village_name=village_name or row.get("village_name"), district_name=district_name,
        occurred_at=row["occurred_at"], latitude=row.get("latitude"), longitude=row.get("longitude"),
    )


def marker_of(kind: str, row: dict, district_name: str | None = None, village_name: str | None = None) -> dict:
    """A page's own incident or report as a marker (the template global ``map_marker``)."""
    return item_of(kind, row, district_name, village_name).marker()


def items_from(incidents: list[dict], reports: list[dict], district_names: dict[str, str]) -> list[MapItem]:
    """Incidents first (newest first), then the reports waiting for a coordinator."""
    return [
        item_of(kind, row, district_names.get(_district(row.get("village")) or ""))
        for kind, rows in (("incident", incidents), ("report", reports))
        for row in rows
    ]


async def map_items() -> list[MapItem]:
    incidents, reports = await open_incidents(), await unverified_reports()
    districts = {_district(row["village"]) for row in incidents + reports if row["village"]}
    return items_from(incidents, reports, await regions.names(districts))
