"""An OASIS CAP 1.2 alert (Common Alerting Protocol) for one incident.

The mappings from our hazards, statuses and priorities to CAP's fixed vocabularies are tables
here, so that a reviewer can check them against the standard (CAP-v1.2-os, §3.2.2). The text is
Indonesian (``language`` id-ID) whatever the reader's UI language, because the alert is one
document for every receiver. No personal data: reporters, volunteers and officers' free-text
notes never appear.

Messages: the alert of an incident is re-issued whenever its content changes. Each issued
message is a row of ``cap_message`` (its per-incident ``sequence`` and a digest of its content),
created the first time that content is asked for, so the identifier
``<sender>.<incident code>.<sequence>`` is the same for the same content and new for a change,
however close together the changes are. The first message is an Alert, later ones are Updates
whose ``references`` list every earlier message of the incident.

Expiry: an incident has no end date of its own. The coordinator's planning horizon
(``planning_days``, for which the relief needs are planned, counted from verification) is the
end the desk expects, so it is ``expires``; extending the horizon issues an Update with the new
end. An unverified incident (no horizon started) and a closed one (nothing more to expect) have
no ``expires``.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from lapor_bencana.hazards import get_hazard
from lapor_bencana.i18n import DEFAULT_LOCALE, in_locale
from lapor_bencana.impact import View, figures_in
from lapor_bencana.incidents import assessments
from lapor_bencana.incidents.tables import Incident, IncidentStatus, Priority
from lapor_bencana.regions import service as regions
from lapor_bencana.sitrep.tables import CapMessage
from lapor_bencana.timeutil import now

NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
# Once, before any element is serialised: the digest of an alert's content must not depend on
# whether an alert was written before it.
ET.register_namespace("", NAMESPACE)

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
    planning_days: int
    latitude: float | None
    longitude: float | None
    radius_km: float
    village_code: str | None
    area_names: tuple[str, ...]
    figures: dict | None


@dataclass(frozen=True)
class Message:
    """One issued message of an incident's alert."""

    sequence: int
    sent: datetime


def identifier(sender: str, code: str, sequence: int) -> str:
    """Unique per message (§3.2.1): the incident code and the message's number for that incident."""
    return f"{sender}.{code}.{sequence}"


def expires(source: AlertSource) -> datetime | None:
    """The end the desk plans for (see the module's docstring)."""
    if source.verified_at is None or source.status in (IncidentStatus.DILAPORKAN, IncidentStatus.SELESAI):
        return None
    return source.verified_at + timedelta(days=source.planning_days)


def info_element(source: AlertSource, *, sender_name: str, zone: ZoneInfo, web: str | None = None) -> ET.Element:
    """What the alert says: everything of a message but its envelope (identifier, sent, type, references)."""
    info = ET.Element(_q("info"))
    _add(info, "language", "id-ID")
    for category in categories(source.hazard):
        _add(info, "category", category)
    hazard = get_hazard(source.hazard)
    _add(info, "event", hazard.label if hazard else source.hazard)
    _add(info, "urgency", urgency(source.status, source.priority))
    _add(info, "severity", severity(source.priority))
    _add(info, "certainty", certainty(source.status))
    _add(info, "onset", cap_time(source.occurred_at, zone))
    end = expires(source)
    if end is not None:
        _add(info, "expires", cap_time(end, zone))
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
    return info


def digest(info: ET.Element) -> str:
    return hashlib.sha256(ET.tostring(info, encoding="utf-8")).hexdigest()


def alert_xml(info: ET.Element, messages: Sequence[Message], *, code: str, sender: str, zone: ZoneInfo) -> bytes:
    """The last of ``messages`` (oldest first): an Alert if it is the incident's first, else an
    Update that references every earlier one (§3.2.1 "references")."""
    *earlier, current = messages
    alert = ET.Element(_q("alert"))
    _add(alert, "identifier", identifier(sender, code, current.sequence))
    _add(alert, "sender", sender)
    _add(alert, "sent", cap_time(current.sent, zone))
    _add(alert, "status", "Actual")
    _add(alert, "msgType", "Update" if earlier else "Alert")
    _add(alert, "scope", "Public")
    if earlier:
        references = (f"{sender},{identifier(sender, code, m.sequence)},{cap_time(m.sent, zone)}" for m in earlier)
        _add(alert, "references", " ".join(references))
    alert.append(info)
    return ET.tostring(alert, encoding="utf-8", xml_declaration=True)


# A competing request may take the next number first; each round either finds the message or adds one.
ISSUE_ATTEMPTS = 5


async def issue(incident_id: int, content_digest: str) -> list[Message]:
    """The incident's messages up to the one with this content, issuing it if the latest differs."""
    for _attempt in range(ISSUE_ATTEMPTS):
        rows = await (
            CapMessage.select(CapMessage.sequence, CapMessage.digest, CapMessage.sent)
            .where(CapMessage.incident == incident_id)
            .order_by(CapMessage.sequence)
            .run()
        )
        if rows and rows[-1]["digest"] == content_digest:
            return [Message(row["sequence"], row["sent"]) for row in rows]
        sequence = rows[-1]["sequence"] + 1 if rows else 1
        await CapMessage.raw(
            "INSERT INTO cap_message (incident, sequence, digest, sent) VALUES ({}, {}, {}, {})"
            " ON CONFLICT (incident, sequence) DO NOTHING",
            incident_id, sequence, content_digest, now(),
        ).run()
    raise RuntimeError(f"CAP message of incident {incident_id} not issued after {ISSUE_ATTEMPTS} attempts")


async def alertable_incidents(limit: int = 100) -> list[dict]:
    """Verified incidents still open, newest first: those a CAP alert is worth sending for."""
    return await (
        Incident.select(Incident.code, Incident.title, Incident.occurred_at)
        .where((Incident.status != IncidentStatus.DILAPORKAN) & Incident.closed_at.is_null())
        .order_by(Incident.occurred_at, ascending=False)
        .limit(limit)
        .run()
    )


async def incident_alert(incident: Incident, *, sender: str, regency_name: str, zone: ZoneInfo, web: str) -> bytes:
    """The alert for an incident as it stands, with its latest verified figures; ``web`` is the
    public page with more (the transparency page: incident pages are for staff)."""
    village = incident.village or ""
    district = village.rsplit(".", 1)[0]
    names = await regions.names({village, district} if village else set())
    source = AlertSource(
        code=incident.code, hazard=incident.hazard, title=incident.title, status=incident.status,
        priority=incident.priority, occurred_at=incident.occurred_at, verified_at=incident.verified_at,
        planning_days=incident.planning_days, latitude=incident.latitude, longitude=incident.longitude,
        radius_km=incident.radius_km, village_code=incident.village,
        area_names=tuple(filter(None, [names.get(village), names.get(district), regency_name])),
        figures=await assessments.latest_verified(incident.id),
    )
    info = info_element(source, sender_name=f"Dinas Sosial {regency_name}", zone=zone, web=web)
    messages = await issue(incident.id, digest(info))
    return alert_xml(info, messages, code=incident.code, sender=sender, zone=zone)


def description(source: AlertSource) -> str:
    """The verified figures in words (Indonesian). Officers' notes stay out: they may name people."""
    figures = source.figures or {}
    with in_locale(DEFAULT_LOCALE):
        counted = [
            f"{figure.label}: {figure.amount(figures[figure.name])}"
            for figure in figures_in(View.CAP)
            if figures.get(figure.name) is not None
        ]
    return "; ".join(counted) + "." if counted else "Angka dampak belum terverifikasi."


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _add(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, _q(name))
    element.text = text
    return element
