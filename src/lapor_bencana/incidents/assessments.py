"""Rapid assessments (kaji cepat): dated snapshots by field officers, verified by a coordinator.

The incident's figures are those of its latest verified snapshot; older ones stay as history.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lapor_bencana import audit
from lapor_bencana.i18n import N_
from lapor_bencana.i18n import gettext as _
from lapor_bencana.impact import COUNT_FIELDS, Unit, View, figures_in
from lapor_bencana.incidents.tables import Assessment, Incident
from lapor_bencana.reports.tables import Report, ReportStatus
from lapor_bencana.incidents.triage import Context, TriageError
from lapor_bencana.reports.validation import MAX_HOUSES, MAX_PEOPLE, Invalid, clean_count, clean_text
from lapor_bencana.timeutil import now

NOTE_FIELDS = {"situation_note": N_("Keadaan di lokasi"), "needs_note": N_("Kebutuhan mendesak")}
NOTE_LIMIT = 2000


def validate(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    limits = {
        figure.name: MAX_HOUSES if figure.unit == Unit.BUILDINGS else MAX_PEOPLE for figure in figures_in(View.ASSESSMENT)
    }
    for name, limit in limits.items():
        try:
            cleaned[name] = clean_count(data.get(name), limit)
        except Invalid as problem:
            errors[name] = str(problem)
    for name in NOTE_FIELDS:
        try:
            cleaned[name] = clean_text(data.get(name), NOTE_LIMIT)
        except Invalid as problem:
            errors[name] = str(problem)
    if not errors and all(cleaned[name] is None for name in limits) and not any(cleaned[n] for n in NOTE_FIELDS):
        errors["form"] = _("Isi setidaknya satu angka atau catatan.")
    return cleaned, errors


async def record(incident_id: int, values: dict[str, Any], ctx: Context, *, verified: bool) -> Assessment:
    """Stores a snapshot; a coordinator's own snapshot counts as verified at once."""
    async with audit.transaction():
        if not await Incident.exists().where(Incident.id == incident_id).run():
            raise TriageError(_("Kejadian tidak ditemukan."))
        moment = now()
        assessment = Assessment(
            incident=incident_id,
            recorded_by=ctx.actor.id,
            recorded_at=moment,
            verified=verified,
            verified_by=ctx.actor.id if verified else None,
            verified_at=moment if verified else None,
            **values,
        )
        await assessment.save().run()
        await Incident.update({Incident.updated_at: moment}).where(Incident.id == incident_id).run()
        stored = {name: value for name, value in values.items() if value not in (None, "")}
        await audit.record(
            action="assessment.create", entity_type="incident", entity_id=incident_id, actor=ctx.actor,
            before=None, after={"assessment": assessment.id, "verified": verified, **stored},
            client_address=ctx.client_address,
        )
    return assessment


async def verify(assessment_id: int, ctx: Context) -> None:
    async with audit.transaction():
        assessment = await Assessment.objects().where(Assessment.id == assessment_id).first().run()
        if assessment is None:
            raise TriageError(_("Kaji cepat tidak ditemukan."))
        if assessment.verified:
            return
        moment = now()
        await Assessment.update(
            {Assessment.verified: True, Assessment.verified_by: ctx.actor.id, Assessment.verified_at: moment}
        ).where(Assessment.id == assessment_id).run()
        # The incident's figures change with it (public API's updated_at).
        await Incident.update({Incident.updated_at: moment}).where(Incident.id == assessment.incident).run()
        await audit.record(
            action="assessment.verify", entity_type="incident", entity_id=assessment.incident, actor=ctx.actor,
            before={"assessment": assessment_id, "verified": False}, after={"assessment": assessment_id, "verified": True},
            client_address=ctx.client_address,
        )


async def history(incident_id: int) -> list[dict]:
    return await (
        Assessment.select(
            *Assessment._meta.columns,
            Assessment.recorded_by.full_name.as_alias("recorded_by_name"),
        )
        .where(Assessment.incident == incident_id)
        .order_by(Assessment.recorded_at, ascending=False)
        .order_by(Assessment.id, ascending=False)
        .run()
    )


async def latest_verified(incident_id: int) -> dict | None:
    """The incident's current figures."""
    return await (
        Assessment.select()
        .where((Assessment.incident == incident_id) & (Assessment.verified == True))  # noqa: E712
        .order_by(Assessment.verified_at, ascending=False)
        .order_by(Assessment.id, ascending=False)
        .first()
        .run()
    )


# Reports a coordinator accepted as describing the incident (verified into it or merged with it).
ACCEPTED_REPORTS = (ReportStatus.TERVERIFIKASI, ReportStatus.DIGABUNG, ReportStatus.DITANGANI, ReportStatus.SELESAI)


def largest_counts(reports: list[Mapping[str, Any]]) -> dict[str, int]:
    """Each count at its largest over the reports: residents report the same people, so adding
    their counts would count them twice. Counts nobody gave are left out (not known, not zero)."""
    largest: dict[str, int] = {}
    for report in reports:
        for name in COUNT_FIELDS:
            if report.get(name) is not None:
                largest[name] = max(largest.get(name, 0), report[name])
    return largest


async def first_assessment_prefill(incident_id: int) -> tuple[dict[str, int], int]:
    """What the coordinator's first rapid assessment starts from, and from how many reports: the
    accepted reports' counts, so nobody types again what residents already gave. Nothing once any
    assessment exists, since later ones start from what was counted on site."""
    if await Assessment.exists().where(Assessment.incident == incident_id).run():
        return {}, 0
    reports = await (
        Report.select(*(getattr(Report, name) for name in COUNT_FIELDS))
        .where((Report.incident == incident_id) & Report.status.is_in(list(ACCEPTED_REPORTS)))
        .run()
    )
    counted = [report for report in reports if any(report[name] is not None for name in COUNT_FIELDS)]
    return largest_counts(counted), len(counted)
