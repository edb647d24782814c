"""Which incidents a new report probably belongs to: same hazard, close by, close in time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from lapor_bencana.geo import bounding_box, distance_km
from lapor_bencana.incidents.tables import Incident, IncidentStatus

# "About 2 km and 24 hours" (the coordinator desk issue): one fire or flood rarely spans more.
RADIUS_KM = 2.0
WINDOW = timedelta(hours=24)
MAX_CANDIDATES = 5


@dataclass(frozen=True)
class Candidate:
    incident_id: int
    code: str
    title: str
    occurred_at: datetime
    distance_km: float | None  # None when only the village matched (no coordinates on one side)


def rank(report: dict, incidents: list[dict]) -> list[Candidate]:
    """Nearest first; a same-village match without coordinates comes after every measured one."""
    candidates = []
    for incident in incidents:
        if incident["hazard"] != report["hazard"]:
            continue
        if abs(incident["occurred_at"] - report["occurred_at"]) > WINDOW:
            continue
        distance = _distance(report, incident)
        same_village = report.get("village") and report["village"] == incident.get("village")
        if distance is not None and distance > RADIUS_KM:
            continue
        if distance is None and not same_village:
            continue
        candidates.append(
            Candidate(incident["id"], incident["code"], incident["title"], incident["occurred_at"], distance)
        )
    candidates.sort(key=lambda c: (c.distance_km is None, c.distance_km or 0.0, -c.occurred_at.timestamp()))
    return candidates[:MAX_CANDIDATES]


def _distance(report: dict, incident: dict) -> float | None:
    if None in (report.get("latitude"), report.get("longitude"), incident.get("latitude"), incident.get("longitude")):
        return None
    return distance_km(report["latitude"], report["longitude"], incident["latitude"], incident["longitude"])


async def candidates_for(report: dict) -> list[Candidate]:
    """Open incidents near the report, found with an indexed time window and a bounding box."""
    query = Incident.select(
        Incident.id, Incident.code, Incident.title, Incident.hazard, Incident.occurred_at,
        Incident.latitude, Incident.longitude, Incident.village,
    ).where(
        (Incident.hazard == report["hazard"])
        & (Incident.status != IncidentStatus.SELESAI)
        & (Incident.occurred_at >= report["occurred_at"] - WINDOW)
        & (Incident.occurred_at <= report["occurred_at"] + WINDOW)
    )
    if report.get("latitude") is not None and report.get("longitude") is not None:
        box = bounding_box(report["latitude"], report["longitude"], RADIUS_KM)
        nearby = (
            (Incident.latitude >= box.min_lat) & (Incident.latitude <= box.max_lat)
            & (Incident.longitude >= box.min_lon) & (Incident.longitude <= box.max_lon)
        )
        query = query.where(nearby | (Incident.village == report.get("village")) if report.get("village") else nearby)
    elif report.get("village"):
        query = query.where(Incident.village == report["village"])
    else:
        return []
    return rank(report, await query.run())
