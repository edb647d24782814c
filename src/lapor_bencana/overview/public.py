"""The public incidents API (contract.md): verified incidents, for the province's system, a news
desk or anyone's map. Public fields only — never a reporter's name or phone number, nothing about
volunteers or officers — and positions rounded to about 100 m, so that a house fire does not point
at one family's house.
"""

from __future__ import annotations

from dataclasses import dataclass, field, make_dataclass
from datetime import datetime
from typing import Any, Literal

from litestar import Response, get
from litestar.datastructures import CacheControlHeader

from lapor_bencana.hazards import get_hazard
from lapor_bencana.impact import View, figures_in
from lapor_bencana.incidents.tables import Incident, IncidentStatus

PUBLIC_STATUSES = (IncidentStatus.TERVERIFIKASI, IncidentStatus.DITANGANI, IncidentStatus.SELESAI)
LIMIT = 1000
POSITION_DECIMALS = 3  # 0.001° ≈ 110 m
PUBLIC = {"access": "public", "skip_session": True}
CACHE = CacheControlHeader(max_age=60, public=True)

API_FIGURES = tuple(figure.name for figure in figures_in(View.API))
Figures = make_dataclass(
    "Figures",
    [("verified_at", datetime)] + [(name, int | None) for name in API_FIGURES],
    namespace={"__doc__": "The incident's latest verified rapid assessment; null counts are not known (0 is counted, none)."},
)


@dataclass
class PublicIncident:
    code: str
    hazard: str
    hazard_label: str
    title: str
    status: Literal["terverifikasi", "ditangani", "selesai"]
    emergency_status: str = field(metadata={"description": "siaga_darurat, tanggap_darurat, transisi_darurat or empty"})
    village_code: str | None
    village_name: str | None
    district_name: str | None
    occurred_at: datetime
    verified_at: datetime | None
    updated_at: datetime
    latitude: float | None
    longitude: float | None
    figures: Figures | None  # type: ignore[valid-type]


@dataclass
class IncidentList:
    incidents: list[PublicIncident]


@dataclass
class Point:
    coordinates: list[float] = field(metadata={"description": "[longitude, latitude] (RFC 7946)"})
    type: Literal["Point"] = "Point"


@dataclass
class Feature:
    id: str
    geometry: Point | None
    properties: PublicIncident
    type: Literal["Feature"] = "Feature"


@dataclass
class FeatureCollection:
    features: list[Feature]
    type: Literal["FeatureCollection"] = "FeatureCollection"


def _figure_columns() -> str:
    return ", ".join(f"a.{name} AS fig_{name}" for name in API_FIGURES)


async def verified_incidents(limit: int = LIMIT) -> list[PublicIncident]:
    """Newest first; one query, with each incident's latest verified assessment joined in."""
    statuses = [status.value for status in PUBLIC_STATUSES]
    rows = await Incident.raw(
        f"""SELECT i.code, i.hazard, i.title, i.status, i.emergency_status, i.village, v.name AS village_name,
               d.name AS district_name, i.occurred_at, i.verified_at, i.updated_at, i.latitude, i.longitude,
               a.verified_at AS figures_at, {_figure_columns()}
        FROM incident i
        LEFT JOIN region v ON v.code = i.village
        LEFT JOIN region d ON d.code = v.parent_code
        LEFT JOIN assessment a ON a.id = (SELECT b.id FROM assessment b WHERE b.incident = i.id AND b.verified
                                          ORDER BY b.verified_at DESC, b.id DESC LIMIT 1)
        WHERE i.status IN ({", ".join(["{}"] * len(statuses))})
        ORDER BY i.occurred_at DESC, i.id DESC
        LIMIT {{}}""",
        *statuses,
        limit,
    ).run()
    return [public_incident(row) for row in rows]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, POSITION_DECIMALS)


def public_incident(row: dict[str, Any]) -> PublicIncident:
    hazard = get_hazard(row["hazard"])
    figures = None
    if row["figures_at"] is not None:
        figures = Figures(verified_at=row["figures_at"], **{name: row[f"fig_{name}"] for name in API_FIGURES})
    return PublicIncident(
        code=row["code"],
        hazard=row["hazard"],
        hazard_label=hazard.label if hazard else row["hazard"],
        title=row["title"],
        status=row["status"],
        emergency_status=row["emergency_status"],
        village_code=row["village"],
        village_name=row["village_name"],
        district_name=row["district_name"],
        occurred_at=row["occurred_at"],
        verified_at=row["verified_at"],
        updated_at=row["updated_at"],
        latitude=_rounded(row["latitude"]),
        longitude=_rounded(row["longitude"]),
        figures=figures,
    )


def feature(incident: PublicIncident) -> Feature:
    located = incident.latitude is not None and incident.longitude is not None
    return Feature(
        id=incident.code,
        geometry=Point([incident.longitude, incident.latitude]) if located else None,
        properties=incident,
    )


DESCRIPTION = (
    "Verified incidents (status terverifikasi, ditangani or selesai), newest first, at most 1000. "
    "Public fields only: no reporter names or phone numbers, no volunteer data; positions rounded to 0.001°. "
    "`figures` are the latest verified rapid assessment (null until there is one)."
)


@get("/api/v1/incidents", opt=PUBLIC, tags=["incidents"], summary="Verified incidents", description=DESCRIPTION, cache_control=CACHE)
async def list_incidents() -> IncidentList:
    return IncidentList(incidents=await verified_incidents())


@get(
    "/api/v1/incidents.geojson",
    opt=PUBLIC,
    tags=["incidents"],
    summary="Verified incidents as GeoJSON",
    description=DESCRIPTION + " A GeoJSON FeatureCollection (RFC 7946): coordinates are [longitude, latitude]; "
    "an incident without a known position has a null geometry.",
    media_type="application/geo+json",
    cache_control=CACHE,
)
async def incidents_geojson() -> Response[FeatureCollection]:
    collection = FeatureCollection(features=[feature(incident) for incident in await verified_incidents()])
    return Response(collection, media_type="application/geo+json")
