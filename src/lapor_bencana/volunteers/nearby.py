"""The open, verified incidents a volunteer could help at: within their radius of their position,
or in their home kecamatan when they gave no position (the same rule calls for help follow)."""

from __future__ import annotations

from lapor_bencana.geo import bounding_box, distance_km
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.volunteers.tables import VolunteerProfile

# Reports that are not yet verified may be false alarms; finished incidents need nobody.
OPEN_VERIFIED = (IncidentStatus.TERVERIFIKASI, IncidentStatus.DITANGANI)
LIMIT = 20


def _columns():
    return (
        Incident.code, Incident.hazard, Incident.title, Incident.status, Incident.priority, Incident.occurred_at,
        Incident.latitude, Incident.longitude, Incident.village.name.as_alias("village_name"),
    )


async def incidents_near(profile: VolunteerProfile) -> list[dict]:
    """Nearest first (each with ``distance_km``), or newest first when matched by kecamatan
    (``distance_km`` None)."""
    is_open = Incident.status.is_in(list(OPEN_VERIFIED))
    if profile.latitude is not None and profile.longitude is not None:
        box = bounding_box(profile.latitude, profile.longitude, profile.radius_km)
        rows = await Incident.select(*_columns()).where(
            is_open
            & (Incident.latitude >= box.min_lat) & (Incident.latitude <= box.max_lat)
            & (Incident.longitude >= box.min_lon) & (Incident.longitude <= box.max_lon)
        ).run()
        for row in rows:
            row["distance_km"] = distance_km(profile.latitude, profile.longitude, row["latitude"], row["longitude"])
        near = [row for row in rows if row["distance_km"] <= profile.radius_km]
        return sorted(near, key=lambda row: row["distance_km"])[:LIMIT]
    if not profile.home_district:
        return []
    rows = await (
        Incident.select(*_columns())
        .where(is_open & (Incident.village.parent_code == profile.home_district))
        .order_by(Incident.occurred_at, ascending=False)
        .limit(LIMIT)
        .run()
    )
    for row in rows:
        row["distance_km"] = None
    return rows
