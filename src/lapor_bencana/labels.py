"""Indonesian names of the codes that pages show (translated where they are shown)."""

from lapor_bencana.i18n import N_
from lapor_bencana.impact import figures_in
from lapor_bencana.incidents.tables import EmergencyStatus, IncidentStatus, Priority
from lapor_bencana.reports.tables import ReportSource, ReportStatus

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
    "incident_status_labels": INCIDENT_STATUS,
    "priority_labels": PRIORITY,
    "emergency_labels": EMERGENCY_STATUS,
}
