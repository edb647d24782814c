"""The dashboard's figures, each counted by the database (GROUP BY and SUM), never by loading
rows: the indexes of migration "indexes for the map and dashboard" serve these queries.

Days are the regency's local days (WIB, WITA or WIT; Indonesia keeps no daylight saving time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from lapor_bencana.impact import View, figures_in
from lapor_bencana.incidents.tables import Incident
from lapor_bencana.overview.mapdata import OPEN_INCIDENT_STATUSES
from lapor_bencana.reports.tables import Report, ReportStatus
from lapor_bencana.timeutil import now

PERIODS = (14, 30)
NO_DISTRICT = ""
FIGURES = tuple(figure.name for figure in figures_in(View.DASHBOARD))


@dataclass(frozen=True)
class Totals:
    open_incidents: int
    assessed_incidents: int  # open incidents that have a verified assessment
    figures: dict[str, int]  # summed over those assessments


def _sqlite() -> bool:
    return Report._meta.db.engine_type == "sqlite"


def _placeholders(count: int) -> str:
    return ", ".join(["{}"] * count)


async def totals() -> Totals:
    """Open incidents, and the sums of their latest verified assessments (their current figures)."""
    statuses = [status.value for status in OPEN_INCIDENT_STATUSES]
    sums = ", ".join(f"COALESCE(SUM(a.{name}), 0) AS {name}" for name in FIGURES)
    rows = await Incident.raw(
        f"""SELECT COUNT(a.id) AS assessed, {sums}
        FROM incident i JOIN assessment a ON a.incident = i.id
        WHERE i.status IN ({_placeholders(len(statuses))})
          AND a.id = (SELECT b.id FROM assessment b WHERE b.incident = i.id AND b.verified
                      ORDER BY b.verified_at DESC, b.id DESC LIMIT 1)""",
        *statuses,
    ).run()
    row = rows[0]
    open_count = await Incident.count().where(Incident.status.is_in(statuses)).run()
    return Totals(open_incidents=open_count, assessed_incidents=row["assessed"], figures={n: int(row[n]) for n in FIGURES})


def window(days: int, zone: ZoneInfo, moment: datetime | None = None) -> tuple[date, datetime]:
    """The first local day of the last ``days`` days (today included), and the instant it began."""
    today = (moment or now()).astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    return first, datetime.combine(first, time(), tzinfo=zone)


async def _grouped(expression: str, since: datetime) -> dict[str, int]:
    rows = await Report.raw(
        f"SELECT {expression} AS bucket, COUNT(*) AS reports FROM report "
        "WHERE received_at >= {} AND status <> {} GROUP BY bucket",
        since if not _sqlite() else since.astimezone(ZoneInfo("UTC")).isoformat(" "),
        ReportStatus.DITOLAK.value,
    ).run()
    return {str(row["bucket"] if row["bucket"] is not None else NO_DISTRICT): row["reports"] for row in rows}


async def reports_per_day(days: int, zone: ZoneInfo, moment: datetime | None = None) -> list[tuple[date, int]]:
    """Reports received (rejected ones left out) on each local day, oldest first, empty days as 0."""
    first, since = window(days, zone, moment)
    offset = int((since.utcoffset() or timedelta()).total_seconds() // 60)
    if _sqlite():
        expression = f"date(received_at, '{offset:+d} minutes')"
    else:
        expression = f"to_char(received_at AT TIME ZONE 'UTC' + interval '{offset} minutes', 'YYYY-MM-DD')"
    counts = await _grouped(expression, since)
    return [(day, counts.get(day.isoformat(), 0)) for day in (first + timedelta(n) for n in range(days))]


async def reports_per_hazard(days: int, zone: ZoneInfo, moment: datetime | None = None) -> dict[str, int]:
    return await _grouped("hazard", window(days, zone, moment)[1])


async def reports_per_district(days: int, zone: ZoneInfo, moment: datetime | None = None) -> dict[str, int]:
    """By kecamatan code (the village code's first three parts); NO_DISTRICT for reports without a village."""
    return await _grouped("substr(village, 1, 8)", window(days, zone, moment)[1])
