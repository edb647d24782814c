"""The hash-chained audit trail: every change to reports, incidents, assessments, users, calls for
help and aid appends an event here, in the same transaction as the change::

    from lapor_bencana import audit

    async with audit.transaction():
        await Report.update({Report.status: "terverifikasi"}).where(Report.id == report_id).run()
        await audit.record(
            action="report.verify",
            entity_type="report",
            entity_id=report_id,
            actor=user,  # a User row, or audit.RESIDENT / audit.SYSTEM
            before={"status": "baru"},
            after={"status": "terverifikasi"},
            client_address=request.client.host if request.client else None,
        )
"""

from lapor_bencana.audit.service import (
    RESIDENT,
    SYSTEM,
    Actor,
    AuditChainBroken,
    AuditUsageError,
    Change,
    HistoryEntry,
    changed_fields,
    histories,
    history,
    record,
    transaction,
)
from lapor_bencana.audit.verification import VerifyResult, verify

__all__ = [
    "RESIDENT",
    "SYSTEM",
    "Actor",
    "AuditChainBroken",
    "AuditUsageError",
    "Change",
    "HistoryEntry",
    "VerifyResult",
    "changed_fields",
    "histories",
    "history",
    "record",
    "transaction",
    "verify",
]
