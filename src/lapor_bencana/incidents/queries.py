"""What the coordinator desk lists: the triage queue with its filters, and the incidents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce
from operator import or_

from piccolo.columns import Column
from piccolo.columns.combination import CombinableMixin

from lapor_bencana.accounts.tables import Role, User
from lapor_bencana import labels
from lapor_bencana.hazards import HAZARDS
from lapor_bencana.i18n import gettext as _
from lapor_bencana.incidents.duplicates import OPEN_STATUSES
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.regions.tables import Region, RegionLevel
from lapor_bencana.reports.tables import Report, ReportPhoto, ReportSource, ReportStatus
from lapor_bencana.timeutil import now

QUEUE_LIMIT = 50
SEARCH_LIMIT = 20
SEARCH_WORDS = 5
# LIKE's wildcards in a search word would match anything; they are never part of a name or code.
_WILDCARDS = re.compile(r"[%_\\]")
PERIODS = {"24j": timedelta(hours=24), "7h": timedelta(days=7), "30h": timedelta(days=30)}


@dataclass(frozen=True)
class QueueFilter:
    hazard: str = ""
    district: str = ""
    status: str = ReportStatus.BARU
    source: str = ""
    period: str = ""

    @property
    def narrowed(self) -> bool:
        """Whether the queue shows less than it does by default (the desk then unfolds its filters)."""
        return self != QueueFilter()

    @classmethod
    def from_query(cls, params: dict[str, str]) -> QueueFilter:
        """Unknown values are ignored rather than refused: a stale bookmark still opens the desk."""
        status = params.get("status", ReportStatus.BARU)
        return cls(
            hazard=params.get("hazard", "")[:32],
            district=params.get("kecamatan", "")[:8],
            status=status if status in {s.value for s in ReportStatus} or status == "semua" else ReportStatus.BARU,
            source=params.get("sumber", "") if params.get("sumber", "") in {s.value for s in ReportSource} else "",
            period=params.get("waktu", "") if params.get("waktu", "") in PERIODS else "",
        )


async def queue(filters: QueueFilter, limit: int = QUEUE_LIMIT) -> list[dict]:
    query = Report.select(
        Report.id, Report.code, Report.hazard, Report.status, Report.occurred_at,
        *(getattr(Report, name) for name in labels.SOURCE_COLUMNS),
        Report.received_at, Report.village, Report.village.name.as_alias("village_name"),
        Report.address, Report.description, Report.latitude, Report.longitude,
        Report.dead, Report.missing, Report.injured, Report.displaced, Report.affected_families,
        Report.houses_heavily_damaged, Report.reporter.full_name.as_alias("reporter_user_name"),
        Report.assigned_officer.full_name.as_alias("officer_name"),
    )
    if filters.status != "semua":
        query = query.where(Report.status == filters.status)
    if filters.hazard:
        query = query.where(Report.hazard == filters.hazard)
    if filters.district:
        query = query.where(Report.village.like(filters.district + ".%"))
    if filters.source:
        query = query.where(Report.source == filters.source)
    if filters.period:
        query = query.where(Report.received_at >= now() - PERIODS[filters.period])
    rows = await query.order_by(Report.received_at, ascending=False).limit(limit).run()
    thumbnails = await _first_photos([row["id"] for row in rows])
    for row in rows:
        row["photo_id"] = thumbnails.get(row["id"])
    return rows


async def _first_photos(report_ids: list[int]) -> dict[int, int]:
    if not report_ids:
        return {}
    rows = await ReportPhoto.select(ReportPhoto.report, ReportPhoto.id).where(
        ReportPhoto.report.is_in(report_ids) & (ReportPhoto.position == 0)
    ).run()
    return {row["report"]: row["id"] for row in rows}


async def open_incidents(limit: int = 100) -> list[dict]:
    return await (
        Incident.select(
            Incident.id, Incident.code, Incident.hazard, Incident.title, Incident.status, Incident.priority,
            Incident.emergency_status, Incident.occurred_at, Incident.latitude, Incident.longitude,
            Incident.village.name.as_alias("village_name"),
        )
        .where(Incident.status != IncidentStatus.SELESAI)
        .order_by(Incident.occurred_at, ascending=False)
        .limit(limit)
        .run()
    )


async def search_open_incidents(text: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """Open incidents whose code, title, village, kecamatan or hazard matches every word of ``text``."""
    words = [word for word in _WILDCARDS.sub(" ", text.strip().lower()).split() if word][:SEARCH_WORDS]
    if not words:
        return []
    query = Incident.select(
        Incident.id, Incident.code, Incident.hazard, Incident.title, Incident.status, Incident.occurred_at,
        Incident.village.name.as_alias("village_name"),
    ).where(Incident.status.is_in(list(OPEN_STATUSES)))
    for word in words:
        query = query.where(reduce(or_, await _matches(word)))
    return await query.order_by(Incident.occurred_at, ascending=False).limit(limit).run()


async def _matches(word: str) -> list[CombinableMixin]:
    """Where one search word may be found in an incident."""
    matches = [_contains(Incident.title, word), _contains(Incident.village.name, word)]
    code = word.replace("-", "").upper()
    if code:
        matches.append(Incident.code.like(f"%{code}%"))
    hazards = [h.code for h in HAZARDS if word in h.code or word in h.label.lower() or word in _(h.label).lower()]
    if hazards:
        matches.append(Incident.hazard.is_in(hazards))
    districts = await Region.select(Region.code).where(
        (Region.level == RegionLevel.DISTRICT) & _contains(Region.name, word)
    ).limit(SEARCH_LIMIT).run()
    matches.extend(Incident.village.like(row["code"] + ".%") for row in districts)
    return matches


def _contains(column: Column, word: str) -> CombinableMixin:
    # SQLite's LIKE already ignores case (Piccolo's ilike falls back to it, warning on every query).
    pattern = f"%{word}%"
    return column.ilike(pattern) if column._meta.engine_type == "postgres" else column.like(pattern)


async def reports_of_incident(incident_id: int) -> list[dict]:
    return await (
        Report.select(
            Report.id, Report.code, Report.status, Report.received_at, Report.description,
            *(getattr(Report, name) for name in labels.SOURCE_COLUMNS),
        )
        .where(Report.incident == incident_id)
        .order_by(Report.received_at)
        .run()
    )


async def field_people() -> list[dict]:
    """Who a coordinator can send to check a report: approved, active officers and volunteers."""
    return await (
        User.select(User.id, User.full_name, User.role, User.organisation)
        .where(User.role.is_in([Role.PETUGAS, Role.RELAWAN]) & (User.active == True) & (User.approved == True))  # noqa: E712
        .order_by(User.role)
        .order_by(User.full_name)
        .run()
    )