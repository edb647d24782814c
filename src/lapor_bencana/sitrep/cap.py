"""An OASIS CAP 1.2 alert (Common Alerting Protocol) for one incident.

The mappings from our hazards, statuses and priorities to CAP's fixed vocabularies are tables
here, so that a reviewer can check them against the standard (CAP-v1.2-os, §3.2.2). The text is
Indonesian (``language`` id-ID) whatever the reader's UI language, because the alert is one
document for every receiver. No personal data: reporters, volunteers and officers' free-text
notes never appear.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from lapor_bencana.hazards import get_hazard
from lapor_bencana.impact import COUNT_FIELDS, COUNT_LABELS
from lapor_bencana.incidents import assessments
from lapor_bencana.incidents.tables import Incident, IncidentStatus, Priority
from lapor_bencana.regions import service as regions

NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"

# CAP categories (§3.2.2 "category"): floods, whirlwinds, drought and tidal waves are
# hydro-meteorological (Met), as national weather services classify them; earth movements are Geo.
CATEGORIES: dict[str, tuple[str, ...]] = {
    "kebakaran": ("Fire",),
    "kebakaran_hutan_lahan": ("Fire", "Env"),
    "banjir": ("Met",),
    "banjir_bandang": ("Met",),
    "angin_puting_beliung": ("Met",),
    "kekeringan": ("Met", "Env"),
    "gelombang_pasang": ("Met",),
    "tanah_longsor": ("Geo",),
    "gempa_bumi": ("Geo",),
    "tsunami": ("Geo",),
    "letusan_gunung_api": ("Geo",),
    "wabah_penyakit": ("Health",),
    "kegagalan_teknologi": ("Infra",),
    "konflik_sosial": ("Security",),
}
OTHER_CATEGORY = ("Other",)

# Severity follows the coordinator's priority (the harm they judge the incident does).
SEVERITY = {
    Priority.KRITIS: "Extreme",
    Priority.TINGGI: "Severe",
    Priority.SEDANG: "Moderate",
    Priority.RENDAH: "Minor",
}
# Certainty: a report nobody has checked yet is only likely; a verified incident was observed.
CERTAINTY = {
    IncidentStatus.DILAPORKAN: "Likely",
    IncidentStatus.TERVERIFIKASI: "Observed",
    IncidentStatus.DITANGANI: "Observed",
    IncidentStatus.SELESAI: "Observed",
}


def categories(hazard: str) -> tuple[str, ...]:
    return CATEGORIES.get(hazard, OTHER_CATEGORY)


def urgency(status: str, priority: str) -> str:
    """A finished incident is Past; otherwise high priorities need action now, others soon."""
    if status == IncidentStatus.SELESAI:
        return "Past"
    return "Immediate" if priority in (Priority.KRITIS, Priority.TINGGI) else "Expected"


def severity(priority: str) -> str:
    return SEVERITY.get(priority, "Unknown")


def certainty(status: str) -> str:
    return CERTAINTY.get(status, "Unknown")


def cap_time(moment: datetime, zone: ZoneInfo) -> str:
    """CAP's dateTime: whole seconds and an explicit offset (never "Z"), e.g. 2026-01-05T08:30:00+08:00."""
    return moment.astimezone(zone).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class AlertSource:
    """What the alert says about one incident, gathered by the caller from the database."""

    code: str
    hazard: str
    title: str
    status: str
    priority: str
    occurred_at: datetime
    verified_at: datetime | None
    updated_at: datetime
    latitude: float | None
    longitude: float | None
    radius_km: float
    village_code: str | None
    area_names: tuple[str, ...]
    figures: dict | None


def identifier(sender: str, code: str, moment: datetime) -> str:
    """Unique per message (§3.2.1): the incident code and the moment the message describes."""
    return f"{sender}.{code}.{int(moment.timestamp())}"


def alert_xml(source: AlertSource, *, sender: str, sender_name: str, zone: ZoneInfo, web: str | None = None) -> bytes:
    """The alert: an Alert for an incident unchanged since it was verified, else an Update that
    references that first Alert (§3.2.1 "references")."""
    first_sent = source.verified_at or source.occurred_at
    is_update = source.updated_at > first_sent
    sent = source.updated_at if is_update else first_sent

    ET.register_namespace("", NAMESPACE)
    alert = ET.Element(_q("alert"))
    _add(alert, "identifier", identifier(sender, source.code, sent))
    _add(alert, "sender", sender)
    _add(alert, "sent", cap_time(sent, zone))
    _add(alert, "status", "Actual")
    _add(alert, "msgType", "Update" if is_update else "Alert")
    _add(alert, "scope", "Public")
    if is_update:
        first = identifier(sender, source.code, first_sent)
        _add(alert, "references", f"{sender},{first},{cap_time(first_sent, zone)}")

    info = ET.SubElement(alert, _q("info"))
    _add(info, "language", "id-ID")
    for category in categories(source.hazard):
        _add(info, "category", category)
    hazard = get_hazard(source.hazard)
    _add(info, "event", hazard.label if hazard else source.hazard)
    _add(info, "urgency", urgency(source.status, source.priority))
    _add(info, "severity", severity(source.priority))
    _add(info, "certainty", certainty(source.status))
    _add(info, "onset", cap_time(source.occurred_at, zone))
    _add(info, "senderName", sender_name)
    _add(info, "headline", source.title)
    _add(info, "description", description(source))
    if web:
        _add(info, "web", web)

    area = ET.SubElement(info, _q("area"))
    _add(area, "areaDesc", ", ".join(source.area_names) or sender_name)
    if source.latitude is not None and source.longitude is not None:
        _add(area, "circle", f"{source.latitude:.5f},{source.longitude:.5f} {source.radius_km:g}")
    if source.village_code:
        geocode = ET.SubElement(area, _q("geocode"))
        _add(geocode, "valueName", "KEMENDAGRI")
        _add(geocode, "value", source.village_code)
    return ET.tostring(alert, encoding="utf-8", xml_declaration=True)


async def incident_alert(incident: Incident, *, sender: str, regency_name: str, zone: ZoneInfo, web: str) -> bytes:
    """The alert for an incident as it stands, with its latest verified figures; ``web`` is the
    public page with more (the transparency page: incident pages are for staff)."""
    village = incident.village or ""
    district = village.rsplit(".", 1)[0]
    names = await regions.names({village, district} if village else set())
    source = AlertSource(
        code=incident.code, hazard=incident.hazard, title=incident.title, status=incident.status,
        priority=incident.priority, occurred_at=incident.occurred_at, verified_at=incident.verified_at,
        updated_at=incident.updated_at, latitude=incident.latitude, longitude=incident.longitude,
        radius_km=incident.radius_km, village_code=incident.village,
        area_names=tuple(filter(None, [names.get(village), names.get(district), regency_name])),
        figures=await assessments.latest_verified(incident.id),
    )
    return alert_xml(source, sender=sender, sender_name=f"Dinas Sosial {regency_name}", zone=zone, web=web)


def description(source: AlertSource) -> str:
    """The verified figures in words (Indonesian). Officers' notes stay out: they may name people."""
    figures = source.figures or {}
    counted = [f"{COUNT_LABELS[name]}: {figures[name]}" for name in COUNT_FIELDS if figures.get(name) is not None]
    return "; ".join(counted) + "." if counted else "Angka dampak belum terverifikasi."


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _add(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, _q(name))
    element.text = text
    return element
