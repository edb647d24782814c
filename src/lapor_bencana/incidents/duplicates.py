"""Which incidents a new report probably belongs to, and which incidents may take a report at all.

A flood can stay open for days and its reports keep coming: an open incident of the same hazard
close by is suggested whatever its age. A closed one is suggested (and may take the report) only
when it was closed shortly before the event the report describes: a late report of the same event,
not a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from operator import or_

from piccolo.columns.combination import CombinableMixin

from lapor_bencana.geo import bounding_box, distance_km
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.reports.tables import Report, ReportStatus

# "About 2 km" (the coordinator desk issue): one fire or flood rarely spans more.
RADIUS_KM = 2.0
# How long after closing an incident a report of its hazard nearby may still be the same event.
CLOSED_WINDOW = timedelta(hours=24)
MAX_CANDIDATES = 5
# Incidents a report may join without reopening anything ("dilaporkan" ones are not verified yet).
OPEN_STATUSES = (IncidentStatus.TERVERIFIKASI, IncidentStatus.DITANGANI)


@dataclass(frozen=True)
class Candidate:
    incident_id: int
    code: str
    title: str
    status: str
    occurred_at: datetime
    distance_km: float | None  # None when only the village matched (no coordinates on one side)


def may_join(status: str, closed_at: datetime | None, occurred_at: datetime) -> bool:
    """Whether a report of an event at ``occurred_at`` may join an incident in this state."""
    if status in OPEN_STATUSES:
        return True
    return status == IncidentStatus.SELESAI and closed_at is not None and closed_at >= occurred_at - CLOSED_WINDOW


def _may_join_where(occurred_at: datetime) -> CombinableMixin:
    """``may_join`` as a query condition."""
    return Incident.status.is_in(list(OPEN_STATUSES)) | (
        (Incident.status == IncidentStatus.SELESAI) & (Incident.closed_at >= occurred_at - CLOSED_WINDOW)
    )


def rank(report: dict, incidents: list[dict]) -> list[Candidate]:
    """Open before closed, nearest first; a same-village match without coordinates comes after
    every measured one."""
    candidates = []
    for incident in incidents:
        if incident["hazard"] != report["hazard"]:
            continue
        if not may_join(incident["status"], incident.get("closed_at"), report["occurred_at"]):
            continue
        distance = _distance(report, incident)
        same_village = report.get("village") and report["village"] == incident.get("village")
        if distance is not None and distance > RADIUS_KM:
            continue
        if distance is None and not same_village:
            continue
        candidates.append(Candidate(
            incident["id"], incident["code"], incident["title"], incident["status"], incident["occurred_at"], distance
        ))
    candidates.sort(key=lambda c: (
        c.status == IncidentStatus.SELESAI, c.distance_km is None, c.distance_km or 0.0, -c.occurred_at.timestamp()
    ))
    return candidates[:MAX_CANDIDATES]


def _distance(report: dict, incident: dict) -> float | None:
    if None in (report.get("latitude"), report.get("longitude"), incident.get("latitude"), incident.get("longitude")):
        return None
    return distance_km(report["latitude"], report["longitude"], incident["latitude"], incident["longitude"])


async def candidates_for(report: dict) -> list[Candidate]:
    """Incidents near the report that it may join: by a bounding box around its position, by its
    village, or by both; a report with neither has no neighbours."""
    query = Incident.select(
        Incident.id, Incident.code, Incident.title, Incident.hazard, Incident.status, Incident.occurred_at,
        Incident.closed_at, Incident.latitude, Incident.longitude, Incident.village,
    ).where((Incident.hazard == report["hazard"]) & _may_join_where(report["occurred_at"]))
    near = []
    if report.get("latitude") is not None and report.get("longitude") is not None:
        box = bounding_box(report["latitude"], report["longitude"], RADIUS_KM)
        near.append(
            (Incident.latitude >= box.min_lat) & (Incident.latitude <= box.max_lat)
            & (Incident.longitude >= box.min_lon) & (Incident.longitude <= box.max_lon)
        )
    if report.get("village"):
        near.append(Incident.village == report["village"])
    if not near:
        return []
    return rank(report, await query.where(reduce(or_, near)).run())


async def new_reports_near(incident: Incident, limit: int = 100) -> list[int]:
    """The new reports this incident would be suggested for (the same rule as :func:`candidates_for`,
    from the incident's side): what is left to verify or merge before its figures are complete.
    Oldest first."""
    near = []
    if incident.latitude is not None and incident.longitude is not None:
        box = bounding_box(incident.latitude, incident.longitude, RADIUS_KM)
        near.append(
            (Report.latitude >= box.min_lat) & (Report.latitude <= box.max_lat)
            & (Report.longitude >= box.min_lon) & (Report.longitude <= box.max_lon)
        )
    if incident.village:
        near.append(Report.village == incident.village)
    if not near:
        return []
    rows = await (
        Report.select(Report.id, Report.hazard, Report.occurred_at, Report.latitude, Report.longitude, Report.village)
        .where((Report.status == ReportStatus.BARU) & (Report.hazard == incident.hazard) & reduce(or_, near))
        .order_by(Report.received_at)
        .limit(limit)
        .run()
    )
    own = {
        "id": incident.id, "code": incident.code, "title": incident.title, "hazard": incident.hazard,
        "status": incident.status, "occurred_at": incident.occurred_at, "closed_at": incident.closed_at,
        "latitude": incident.latitude, "longitude": incident.longitude, "village": incident.village,
    }
    return [row["id"] for row in rows if rank(row, [own])]
