"""Indonesian names of the codes that pages show (translated where they are shown)."""

from collections.abc import Mapping
from typing import Any

from lapor_bencana.i18n import N_, gettext as _
from lapor_bencana.impact import figures_in
from lapor_bencana.incidents.tables import EmergencyStatus, IncidentStatus, Priority
from lapor_bencana.reports.tables import ReportChannel, ReportSource, ReportStatus

REPORT_STATUS = {
    ReportStatus.BARU: N_("Baru"),
    ReportStatus.TERVERIFIKASI: N_("Terverifikasi"),
    ReportStatus.DIGABUNG: N_("Digabung"),
    ReportStatus.DITANGANI: N_("Ditangani"),
    ReportStatus.SELESAI: N_("Selesai"),
    ReportStatus.DITOLAK: N_("Ditolak"),
}
REPORT_SOURCE = {
    ReportSource.WARGA: N_("Warga"),
    ReportSource.PETUGAS: N_("Petugas"),
    ReportSource.RELAWAN: N_("Relawan"),
    ReportSource.API: N_("Sistem lain (API)"),
}
# The columns a query selects so that ``report_source`` can name the sender.
SOURCE_COLUMNS = ("source", "channel", "client_name")


def report_source(report: Mapping[str, Any]) -> str:
    """Who sent a report, translated, as every page and export shows it: another system by the name
    it gave, and a report the phone kept offline and sent later says so."""
    if report["source"] == ReportSource.API:
        if report["client_name"]:
            return _("Sistem lain (API): %(name)s", name=report["client_name"])
        return _(REPORT_SOURCE[ReportSource.API])
    if report["channel"] == ReportChannel.OUTBOX:
        return _("%(source)s (dikirim dari antrean luring)", source=_(REPORT_SOURCE[report["source"]]))
    return _(REPORT_SOURCE[report["source"]])

INCIDENT_STATUS = {
    IncidentStatus.DILAPORKAN: N_("Dilaporkan"),
    IncidentStatus.TERVERIFIKASI: N_("Terverifikasi"),
    IncidentStatus.DITANGANI: N_("Sedang ditangani"),
    IncidentStatus.SELESAI: N_("Selesai"),
}
PRIORITY = {
    Priority.RENDAH: N_("Rendah"),
    Priority.SEDANG: N_("Sedang"),
    Priority.TINGGI: N_("Tinggi"),
    Priority.KRITIS: N_("Kritis"),
}
EMERGENCY_STATUS = {
    EmergencyStatus.NONE: N_("Tidak ada"),
    EmergencyStatus.SIAGA: N_("Siaga darurat"),
    EmergencyStatus.TANGGAP: N_("Tanggap darurat"),
    EmergencyStatus.TRANSISI: N_("Transisi darurat ke pemulihan"),
}

TEMPLATE_GLOBALS = {
    "figures_in": figures_in,
    "report_status_labels": REPORT_STATUS,
    "source_labels": REPORT_SOURCE,
    "report_source": report_source,
    "incident_status_labels": INCIDENT_STATUS,
    "priority_labels": PRIORITY,
    "emergency_labels": EMERGENCY_STATUS,
}
