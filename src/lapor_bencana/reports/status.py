"""How a report's progress reads to the person who sent it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lapor_bencana.i18n import N_
from lapor_bencana.reports.tables import ReportStatus

LABELS = {
    ReportStatus.BARU: N_("Laporan diterima"),
    ReportStatus.TERVERIFIKASI: N_("Diverifikasi petugas"),
    ReportStatus.DIGABUNG: N_("Digabung dengan laporan lain tentang kejadian yang sama"),
    ReportStatus.DITANGANI: N_("Sedang ditangani"),
    ReportStatus.SELESAI: N_("Selesai"),
    ReportStatus.DITOLAK: N_("Tidak ditindaklanjuti"),
}
# The usual path; a merged report has been verified too, as part of another report's incident.
PATH = (ReportStatus.BARU, ReportStatus.TERVERIFIKASI, ReportStatus.DITANGANI, ReportStatus.SELESAI)
_PATH_POSITION = {status: index for index, status in enumerate(PATH)} | {ReportStatus.DIGABUNG: 1}


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    at: datetime | None
    note: str
    reached: bool
    current: bool


def timeline(current_status: str, changes: list[dict]) -> list[Step]:
    """The steps already taken, with their times, then the steps still ahead (without times)."""
    taken = [
        Step(c["status"], LABELS[c["status"]], c["changed_at"], c["public_note"], True, False) for c in changes
    ]
    if taken:
        last = taken[-1]
        taken[-1] = Step(last.status, last.label, last.at, last.note, True, True)
    if current_status == ReportStatus.DITOLAK:
        return taken
    position = _PATH_POSITION.get(current_status, 0)
    ahead = [Step(s, LABELS[s], None, "", False, False) for s in PATH[position + 1 :]]
    return taken + ahead
