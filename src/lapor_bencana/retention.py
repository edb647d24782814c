"""Personal data is kept only as long as the work needs it (UU 27/2022 on personal data protection,
which asks that data be erased once its purpose is fulfilled).

Once an incident has been closed for the retention period, or a report was rejected that long ago,
the reporters' names and telephone numbers and the volunteers' arrival positions are erased. What
happened stays: hazards, places, times, counts, assessments, aid, and the audit trail (whose events
never held those fields).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog

from lapor_bencana import audit, database
from lapor_bencana.config import Settings
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.reports.tables import Report, ReportStatus
from lapor_bencana.timeutil import now
from lapor_bencana.volunteers.tables import CallForHelp, CallRecipient

log = structlog.get_logger(__name__)

# Checked twice a day: erasure may lag the deadline by half a day, which the period allows for.
EVERY_S = 12 * 3600
# The first check waits until start-up is well over.
FIRST_AFTER_S = 60


@dataclass(frozen=True)
class Erased:
    reports: int
    arrivals: int

    def __bool__(self) -> bool:
        return bool(self.reports or self.arrivals)


async def erase_expired_personal_data(retention_days: int, at: datetime | None = None) -> Erased:
    """Erases what the retention period no longer covers; running it again erases nothing more."""
    cutoff = (at or now()) - timedelta(days=retention_days)
    async with audit.transaction():
        closed = [
            row["id"]
            for row in await Incident.select(Incident.id).where(
                (Incident.status == IncidentStatus.SELESAI) & (Incident.closed_at < cutoff)
            ).run()
        ]
        has_contact = (Report.reporter_name != "") | (Report.reporter_phone != "")
        no_contact = {Report.reporter_name: "", Report.reporter_phone: ""}
        reports = await Report.update(no_contact).where(
            has_contact & (Report.status == ReportStatus.DITOLAK) & (Report.triaged_at < cutoff)
        ).returning(Report.id).run()
        arrivals = []
        for chunk in _chunks(closed):
            reports += await Report.update(no_contact).where(has_contact & Report.incident.is_in(chunk)).returning(Report.id).run()
            calls = [row["id"] for row in await CallForHelp.select(CallForHelp.id).where(CallForHelp.incident.is_in(chunk)).run()]
            for calls_chunk in _chunks(calls):
                arrivals += await CallRecipient.update(
                    {CallRecipient.arrival_latitude: None, CallRecipient.arrival_longitude: None}
                ).where(
                    CallRecipient.call.is_in(calls_chunk) & CallRecipient.arrival_latitude.is_not_null()
                ).returning(CallRecipient.id).run()
        erased = Erased(reports=len(reports), arrivals=len(arrivals))
        if erased:
            await audit.record(
                action="retention.erase",
                entity_type="personal_data",
                entity_id=cutoff.date().isoformat(),
                actor=audit.SYSTEM,
                after={"retention_days": retention_days, "reports": erased.reports, "arrivals": erased.arrivals},
            )
    return erased


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


@contextlib.asynccontextmanager
async def periodic(settings: Settings) -> AsyncIterator[None]:
    """Erasure on a timer for the app's lifespan; several processes doing it at once is harmless."""
    if not settings.personal_data_retention_days:
        yield
        return

    async def keep_erasing() -> None:
        await asyncio.sleep(FIRST_AFTER_S)
        while True:
            try:
                erased = await erase_expired_personal_data(settings.personal_data_retention_days)
                if erased:
                    log.info("personal data erased", reports=erased.reports, arrivals=erased.arrivals)
            except Exception as error:  # noqa: BLE001 - a database outage must not end the timer
                if not database.is_unavailable(error):
                    log.exception("erasing personal data failed")
            await asyncio.sleep(EVERY_S)

    task = asyncio.create_task(keep_erasing(), name="personal data retention")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
