"""Coordinators turn reports into incidents: verify, reject, merge, assign an officer.

Each action changes the report, writes a step of the reporter's public timeline and appends an
audit event, all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from lapor_bencana import audit
from lapor_bencana.accounts.tables import Role, User
from lapor_bencana.hazards import get_hazard
from lapor_bencana.i18n import N_
from lapor_bencana.i18n import gettext as _
from lapor_bencana.incidents.duplicates import may_join
from lapor_bencana.incidents.tables import Incident, IncidentStatus
from lapor_bencana.regions.service import names as region_names
from lapor_bencana.reports.codes import new_code
from lapor_bencana.reports.places import village_of
from lapor_bencana.reports.tables import RejectionReason, Report, ReportStatus, ReportStatusChange
from lapor_bencana.timeutil import now

REJECTION_LABELS = {
    RejectionReason.HOAX: N_("Tidak dapat dipastikan kebenarannya"),
    RejectionReason.DUPLICATE: N_("Sudah dilaporkan orang lain"),
    RejectionReason.NOT_A_DISASTER: N_("Bukan kejadian bencana"),
    RejectionReason.OUTSIDE_AREA: N_("Di luar wilayah kabupaten"),
}
# Incidents move forward; "selesai" may be reopened when help turns out to be needed after all.
ALLOWED_STATUS_CHANGES = {
    IncidentStatus.DILAPORKAN: {IncidentStatus.TERVERIFIKASI},
    IncidentStatus.TERVERIFIKASI: {IncidentStatus.DITANGANI, IncidentStatus.SELESAI},
    IncidentStatus.DITANGANI: {IncidentStatus.SELESAI},
    IncidentStatus.SELESAI: {IncidentStatus.DITANGANI},
}
# What the reporters of an incident see when the incident moves on.
REPORT_STATUS_FOR = {IncidentStatus.DITANGANI: ReportStatus.DITANGANI, IncidentStatus.SELESAI: ReportStatus.SELESAI}
OPEN_REPORT_STATUSES = (ReportStatus.BARU,)


class TriageError(ValueError):
    """The action does not fit the record's current state; the message says why, in Indonesian."""


@dataclass(frozen=True)
class Context:
    actor: User
    client_address: str | None = None


async def _open_report(report_id: int) -> Report:
    report = await Report.objects().where(Report.id == report_id).first().run()
    if report is None:
        raise TriageError(_("Laporan tidak ditemukan."))
    if report.status not in OPEN_REPORT_STATUSES:
        raise TriageError(_("Laporan ini sudah ditangani oleh koordinator lain. Muat ulang halaman."))
    return report


async def _timeline(report_id: int, status: ReportStatus, note: str = "") -> None:
    await ReportStatusChange(report=report_id, status=status, public_note=note).save().run()


async def _record(ctx: Context, action: str, entity_type: str, entity_id, before, after) -> None:
    await audit.record(
        action=action, entity_type=entity_type, entity_id=entity_id, actor=ctx.actor,
        before=before, after=after, client_address=ctx.client_address,
    )


async def incident_title(hazard_code: str, village_code: str | None) -> str:
    hazard = get_hazard(hazard_code)
    label = _(hazard.label) if hazard else hazard_code
    if not village_code:
        return label
    village = (await region_names({village_code})).get(village_code)
    return f"{label} – {village}" if village else label


async def verify(report_id: int, ctx: Context) -> Incident:
    """The report is real: it becomes a new verified incident."""
    async with audit.transaction():
        report = await _open_report(report_id)
        moment = now()
        # A report stored before the boundaries were imported may still lack the village of its position.
        village, derived = await village_of(report.village, report.village_derived, report.latitude, report.longitude)
        incident = Incident(
            code=new_code(),
            hazard=report.hazard,
            title=await incident_title(report.hazard, village),
            status=IncidentStatus.TERVERIFIKASI,
            village=village,
            village_derived=derived,
            latitude=report.latitude,
            longitude=report.longitude,
            occurred_at=report.occurred_at,
            verified_at=moment,
            updated_at=moment,
        )
        await incident.save().run()
        await _set_report(report, ReportStatus.TERVERIFIKASI, incident=incident.id, triaged_at=moment)
        await _timeline(report.id, ReportStatus.TERVERIFIKASI)
        await _record(ctx, "incident.create", "incident", incident.id, None,
                      {"code": incident.code, "hazard": incident.hazard, "from_report": report.code})
        await _record(ctx, "report.verify", "report", report.id,
                      {"status": ReportStatus.BARU}, {"status": ReportStatus.TERVERIFIKASI, "incident": incident.code})
    return incident


async def merge(report_id: int, incident_id: int, ctx: Context) -> Incident:
    """The report describes an incident already known: it joins it."""
    async with audit.transaction():
        report = await _open_report(report_id)
        incident = await Incident.objects().where(Incident.id == incident_id).first().run()
        if incident is None:
            raise TriageError(_("Kejadian tujuan tidak ditemukan. Cari lagi lalu pilih dari daftar."))
        if not may_join(incident.status, incident.closed_at, report.occurred_at):
            raise TriageError(_merge_refusal(incident))
        moment = now()
        await _set_report(report, ReportStatus.DIGABUNG, incident=incident.id, triaged_at=moment)
        await _timeline(report.id, ReportStatus.DIGABUNG)
        if incident.latitude is None and report.latitude is not None:
            # The incident had only a village (or no place at all); the report brings a precise position.
            village, derived = await village_of(
                incident.village, incident.village_derived, report.latitude, report.longitude
            )
            await Incident.update(
                {
                    Incident.latitude: report.latitude,
                    Incident.longitude: report.longitude,
                    Incident.village: village,
                    Incident.village_derived: derived,
                    Incident.updated_at: moment,
                }
            ).where(Incident.id == incident.id).run()
        await _record(ctx, "report.merge", "report", report.id,
                      {"status": ReportStatus.BARU}, {"status": ReportStatus.DIGABUNG, "incident": incident.code})
    return incident


def _merge_refusal(incident: Incident) -> str:
    if incident.status == IncidentStatus.SELESAI:
        return _(
            "Kejadian %(code)s sudah selesai. Buka kembali kejadian itu dulu, atau jadikan laporan ini kejadian baru.",
            code=incident.code,
        )
    return _("Kejadian %(code)s belum diverifikasi.", code=incident.code)


async def reject(report_id: int, reason: str, note: str, ctx: Context) -> None:
    try:
        reason = RejectionReason(reason)
    except ValueError:
        raise TriageError(_("Pilih alasan penolakan.")) from None
    if reason == RejectionReason.NONE:
        raise TriageError(_("Pilih alasan penolakan."))
    note = note.strip()[:300]
    async with audit.transaction():
        report = await _open_report(report_id)
        await _set_report(
            report, ReportStatus.DITOLAK, rejection_reason=reason, rejection_note=note, triaged_at=now()
        )
        # The reporter sees the reason in plain words, never the coordinator's private note.
        await _timeline(report.id, ReportStatus.DITOLAK, _(REJECTION_LABELS[reason]))
        await _record(ctx, "report.reject", "report", report.id,
                      {"status": ReportStatus.BARU}, {"status": ReportStatus.DITOLAK, "reason": reason, "note": note})


async def assign_officer(report_id: int, officer_id: int, ctx: Context) -> User:
    """A field officer goes to check on site; the report stays in the queue until verified."""
    officer = await User.objects().where(User.id == officer_id).first().run()
    if officer is None or officer.role not in (Role.PETUGAS, Role.RELAWAN) or not officer.active or not officer.approved:
        raise TriageError(_("Pilih petugas atau relawan yang aktif."))
    async with audit.transaction():
        report = await _open_report(report_id)
        before = report.assigned_officer
        await Report.update({Report.assigned_officer: officer.id}).where(Report.id == report.id).run()
        await _record(ctx, "report.assign", "report", report.id,
                      {"assigned_officer": before}, {"assigned_officer": officer.id})
    return officer


async def change_status(incident_id: int, status: str, ctx: Context) -> Incident:
    async with audit.transaction():
        incident = await Incident.objects().where(Incident.id == incident_id).first().run()
        if incident is None:
            raise TriageError(_("Kejadian tidak ditemukan."))
        try:
            target = IncidentStatus(status)
        except ValueError:
            raise TriageError(_("Status tidak dikenal.")) from None
        if target not in ALLOWED_STATUS_CHANGES[IncidentStatus(incident.status)]:
            raise TriageError(_("Status ini tidak bisa dipilih dari status sekarang."))
        moment = now()
        changes = {Incident.status: target, Incident.updated_at: moment}
        changes[Incident.closed_at] = moment if target == IncidentStatus.SELESAI else None
        await Incident.update(changes).where(Incident.id == incident.id).run()
        await _follow_incident(incident.id, target)
        await _record(ctx, "incident.status", "incident", incident.id, {"status": incident.status}, {"status": target})
        incident.status = target
    return incident


async def _follow_incident(incident_id: int, status: IncidentStatus) -> None:
    """Reporters follow their incident: its reports move on with it, each with a timeline step."""
    report_status = REPORT_STATUS_FOR.get(status)
    if report_status is None:
        return
    rows = await Report.select(Report.id).where(
        (Report.incident == incident_id) & (Report.status != ReportStatus.DITOLAK)
    ).run()
    ids = [row["id"] for row in rows]
    if not ids:
        return
    await Report.update({Report.status: report_status}).where(Report.id.is_in(ids)).run()
    await ReportStatusChange.insert(*(ReportStatusChange(report=i, status=report_status) for i in ids)).run()


async def update_settings(incident_id: int, changes: dict, ctx: Context) -> Incident:
    """Priority, emergency status, call radius and needs planning inputs: validated by the caller."""
    async with audit.transaction():
        incident = await Incident.objects().where(Incident.id == incident_id).first().run()
        if incident is None:
            raise TriageError(_("Kejadian tidak ditemukan."))
        current = {name: getattr(incident, name) for name in changes}
        before, after = audit.changed_fields(current, changes)
        if not after:
            return incident
        columns = {Incident._meta.get_column_by_name(name): value for name, value in after.items()}
        await Incident.update({**columns, Incident.updated_at: now()}).where(Incident.id == incident.id).run()
        await _record(ctx, "incident.update", "incident", incident.id, before, after)
        for name, value in after.items():
            setattr(incident, name, value)
    return incident


async def _set_report(report: Report, status: ReportStatus, **values) -> None:
    columns = {Report._meta.get_column_by_name(name): value for name, value in values.items()}
    await Report.update({Report.status: status, **columns}).where(Report.id == report.id).run()
    report.status = status
