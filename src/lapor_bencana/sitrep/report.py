"""The situation report (laporan situasi) of one incident, or of the whole regency, for a day.

It states the situation at the end of that day in the regency's time zone: the latest
assessment verified by then, the needs those figures imply, what had been done, the aid
delivered and the volunteers deployed up to then. The HTML page and the PDF are both drawn from
:func:`incident_report` / :func:`regency_report`, so their figures cannot disagree.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from lapor_bencana import audit, history, i18n, labels
from lapor_bencana.hazards import get_hazard
from lapor_bencana.i18n import N_, ngettext
from lapor_bencana.i18n import gettext as _
from lapor_bencana.impact import FIGURES_BY_NAME, FigureField, View, figures_in
from lapor_bencana.aid.items import item_name
from lapor_bencana.aid.panel import fulfilment_rows
from lapor_bencana.incidents.assessments import NOTE_FIELDS
from lapor_bencana.incidents.routes import needs_of
from lapor_bencana.incidents.tables import Assessment, Incident, IncidentStatus
from lapor_bencana.needs import words
from lapor_bencana.needs.calculator import Fulfilment, NeedsResult
from lapor_bencana.regions import service as regions
from lapor_bencana.reports.tables import Report
from lapor_bencana.sitrep import aid as sitrep_aid
from lapor_bencana.sitrep import deployments as deployment_records
from lapor_bencana.sitrep import document
from lapor_bencana.sitrep import figures as incident_figures
from lapor_bencana.timeutil import now, zone_label
from lapor_bencana.volunteers.tables import CallForHelp, CallRecipient, Response

# Volunteers' answers, read from the audit trail of their call rows.
ANSWER_LABELS = {
    Response.WILLING: N_("%(name)s bersedia bertugas"),
    Response.ON_THE_WAY: N_("%(name)s berangkat ke lokasi"),
    Response.ARRIVED: N_("%(name)s tiba di lokasi"),
    Response.DONE: N_("%(name)s selesai bertugas"),
    Response.CANNOT: N_("%(name)s tidak bisa bertugas"),
}
TIME_FORMAT = "d MMM yyyy HH:mm"
# Assessments come into the chronology from their own timestamps (with who recorded them).
ASSESSMENT_ACTIONS = {"assessment.create", "assessment.verify"}


@dataclass(frozen=True)
class Event:
    at: datetime
    text: str
    # False for what is known only by its day (aid recorded on a later day than it was handed over).
    timed: bool = True


@dataclass(frozen=True)
class Figure:
    field: FigureField
    value: int

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def label(self) -> str:
        return _(self.field.label)

    @property
    def text(self) -> str:
        return self.field.amount(self.value)


@dataclass
class IncidentSection:
    incident: Incident
    hazard_label: str
    place: str
    figures: dict | None
    impact: list[Figure]
    notes: list[tuple[str, str]]
    needs: NeedsResult | None
    needs_problem: str | None
    chronology: list[Event]
    actions: list[str]
    personnel: list[dict]
    # Goods: need, delivered and still missing per item (personnel needs are in ``needs.personnel``).
    goods: list[Fulfilment]
    # The people the standards call for: (label, "10 orang").
    personnel_needs: list[tuple[str, str]]
    aid: list[sitrep_aid.DeliveryLine]
    aid_totals: list[sitrep_aid.AidTotal]


@dataclass
class SituationReport:
    day: date
    generated_at: datetime
    regency_name: str
    zone: ZoneInfo
    sections: list[IncidentSection]
    paper: document.Paper
    # Only for the regency report: the impact added over its incidents.
    totals: list[Figure] | None = None

    @property
    def number(self) -> str:
        code = None if self.is_regency else self.sections[0].incident.code
        return document.number(self.paper.number_prefix, code, self.day)

    @property
    def zone_label(self) -> str:
        return zone_label(self.zone)

    def time_text(self, moment: datetime | None) -> str:
        """A moment in the regency's time with its zone ("2 Des 2026 14:30 WITA"); "" for none."""
        if moment is None:
            return ""
        text = format_datetime(moment, TIME_FORMAT, tzinfo=self.zone, locale=i18n.current_locale.get())
        return f"{text} {self.zone_label}"

    def event_time(self, event: Event) -> str:
        return self.time_text(event.at) if event.timed else day_text(event.at.astimezone(self.zone).date())

    @property
    def signed_on(self) -> str:
        return day_text(self.generated_at.astimezone(self.zone).date())

    @property
    def aid_totals(self) -> list[sitrep_aid.AidTotal]:
        return sitrep_aid.totals(line for section in self.sections for line in section.aid)

    @property
    def is_regency(self) -> bool:
        return self.totals is not None

    @property
    def day_text(self) -> str:
        return day_text(self.day)

    @property
    def personnel_count(self) -> int:
        return sum(len(section.personnel) for section in self.sections)

    @property
    def headline(self) -> str:
        """"2 kejadian aktif, 1 relawan bertugas": each count with the form its number takes."""
        return _(
            "%(incidents)s aktif, %(volunteers)s bertugas.",
            incidents=ngettext("%(num)s kejadian", "%(num)s kejadian", len(self.sections)),
            volunteers=ngettext("%(num)s relawan", "%(num)s relawan", self.personnel_count),
        )


def day_text(day: date) -> str:
    return format_date(day, "d MMMM yyyy", locale=i18n.current_locale.get())


def end_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)


def start_of_day(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


def impact_lines(figures: dict | None, view: View = View.SITREP) -> list[Figure]:
    """The counts that are known, in the fixed order of the assessment form."""
    if not figures:
        return []
    return [Figure(field, figures[field.name]) for field in figures_in(view) if figures.get(field.name) is not None]


async def incident_report(
    incident: Incident, day: date, *, zone: ZoneInfo, regency_name: str, paper: document.Paper
) -> SituationReport:
    section = await _section(incident, day, zone)
    return SituationReport(
        day=day, generated_at=now(), regency_name=regency_name, zone=zone, sections=[section], paper=paper
    )


async def regency_report(day: date, *, zone: ZoneInfo, regency_name: str, paper: document.Paper) -> SituationReport:
    """Every verified incident that had begun by the end of the day and was not closed before it."""
    incidents = await (
        Incident.objects()
        .where(
            (Incident.status != IncidentStatus.DILAPORKAN)
            & (Incident.occurred_at < end_of_day(day, zone))
            & (Incident.closed_at.is_null() | (Incident.closed_at >= start_of_day(day, zone)))
        )
        .order_by(Incident.occurred_at)
        .run()
    )
    sections = [await _section(incident, day, zone) for incident in incidents]
    totals = incident_figures.totals([section.figures for section in sections if section.figures])
    return SituationReport(
        day=day,
        generated_at=now(),
        regency_name=regency_name,
        zone=zone,
        sections=sections,
        paper=paper,
        totals=[Figure(FIGURES_BY_NAME[name], value) for name, value in totals.items() if value is not None],
    )


async def _section(incident: Incident, day: date, zone: ZoneInfo) -> IncidentSection:
    until = end_of_day(day, zone)
    figures = (await incident_figures.latest_verified([incident.id], until=until)).get(incident.id)
    needs, needs_problem = await needs_of(incident, figures)
    personnel = deployment_records.as_of(await deployment_records.deployments(incident_ids=[incident.id]), until)
    hazard = get_hazard(incident.hazard)
    deliveries = await sitrep_aid.deliveries_until(incident.id, day)
    aid_totals = sitrep_aid.totals(deliveries)
    goods = fulfilment_rows(needs, {row.item_code: row.quantity for row in aid_totals}, [asdict(row) for row in deliveries])
    return IncidentSection(
        incident=incident,
        hazard_label=_(hazard.label) if hazard else incident.hazard,
        place=await _place(incident.village),
        figures=figures,
        impact=impact_lines(figures),
        notes=[(_(label), figures[name]) for name, label in NOTE_FIELDS.items() if figures and figures.get(name)],
        needs=needs,
        needs_problem=needs_problem,
        chronology=await chronology(incident, until, zone, deliveries),
        actions=await _actions(incident.id, until, personnel) + [ngettext("%(num)s penyaluran bantuan dicatat", "%(num)s penyaluran bantuan dicatat", len(deliveries))],
        personnel=personnel,
        goods=goods,
        personnel_needs=[(line.label, words.amount(line.unit, line.quantity)) for line in needs.personnel] if needs else [],
        aid=deliveries,
        aid_totals=aid_totals,
    )


async def _place(village_code: str | None) -> str:
    if not village_code:
        return ""
    district_code = village_code.rsplit(".", 1)[0]
    names = await regions.names({village_code, district_code})
    return ", ".join(filter(None, [names.get(village_code), _("Kec.") + " " + names[district_code] if district_code in names else ""]))


async def chronology(incident: Incident, until: datetime, zone: ZoneInfo, deliveries: list[sitrep_aid.DeliveryLine]) -> list[Event]:
    """What happened, oldest first: the event itself, the reports, assessments, audited actions,
    volunteers' answers and aid deliveries."""
    events = [Event(incident.occurred_at, _("Kejadian terjadi"))]
    reports = await (
        Report.select(Report.code, Report.received_at, *(getattr(Report, name) for name in labels.SOURCE_COLUMNS))
        .where((Report.incident == incident.id) & (Report.received_at < until))
        .run()
    )
    events += [
        Event(row["received_at"], _("Laporan %(code)s diterima (%(source)s)", code=_format_code(row["code"]), source=labels.report_source(row)))
        for row in reports
    ]
    assessments = await (
        Assessment.select(
            Assessment.recorded_at, Assessment.verified_at, Assessment.recorded_by.full_name.as_alias("recorded_by_name")
        )
        .where((Assessment.incident == incident.id) & (Assessment.recorded_at < until))
        .run()
    )
    for row in assessments:
        events.append(Event(row["recorded_at"], _("Kaji cepat dicatat oleh %(name)s", name=row["recorded_by_name"] or _("petugas"))))
        if row["verified_at"] and row["verified_at"] < until:
            events.append(Event(row["verified_at"], _("Kaji cepat diverifikasi")))
    for entry in await audit.history("incident", incident.id):
        if entry.occurred_at < until and entry.action not in ASSESSMENT_ACTIONS:
            events.append(Event(entry.occurred_at, history.sentence(entry)))
    events += [event for event in await _answer_events(incident.id) if event.at < until]
    events += [_delivery_event(line, zone) for line in deliveries]
    return sorted(events, key=lambda event: event.at)


async def _answer_events(incident_id: int) -> list[Event]:
    recipients = await (
        CallRecipient.select(CallRecipient.id, CallRecipient.user.full_name.as_alias("name"))
        .where(CallRecipient.call.incident == incident_id)
        .run()
    )
    names = {row["id"]: row["name"] or _("relawan") for row in recipients}
    return [
        Event(answer.at, _(ANSWER_LABELS[answer.response], name=names[answer.recipient_id]))
        for answer in await deployment_records.answers(names)
        if answer.response in ANSWER_LABELS
    ]


def _delivery_event(line: sitrep_aid.DeliveryLine, zone: ZoneInfo) -> Event:
    """At the time it was recorded when that was on the day of handing over; otherwise at the end
    of that day, shown by its date only."""
    item = item_name(line.item_code, line.item_name)
    if line.destination:
        text = _("Bantuan disalurkan: %(item)s %(amount)s ke %(destination)s", item=item, amount=line.text, destination=line.destination)
    else:
        text = _("Bantuan disalurkan: %(item)s %(amount)s", item=item, amount=line.text)
    if line.recorded_at.astimezone(zone).date() == line.delivered_on:
        return Event(line.recorded_at, text)
    return Event(end_of_day(line.delivered_on, zone) - timedelta(microseconds=1), text, timed=False)


def _format_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


async def _actions(incident_id: int, until: datetime, personnel: list[dict]) -> list[str]:
    """The response so far, counted: what a reader of a situation report looks for first."""
    reports = await Report.count().where((Report.incident == incident_id) & (Report.received_at < until)).run()
    assessments = await Assessment.count().where(
        (Assessment.incident == incident_id) & (Assessment.recorded_at < until)
    ).run()
    calls = await CallForHelp.count().where((CallForHelp.incident == incident_id) & (CallForHelp.created_at < until)).run()
    arrived = [row for row in personnel if row["arrived_at"] is not None]
    return [
        ngettext("%(num)s laporan masuk dan ditangani", "%(num)s laporan masuk dan ditangani", reports),
        ngettext("%(num)s kaji cepat dilakukan", "%(num)s kaji cepat dilakukan", assessments),
        ngettext("%(num)s panggilan relawan dikirim", "%(num)s panggilan relawan dikirim", calls),
        ngettext(
            "%(num)s relawan bersedia atau bertugas, %(arrived)s tiba di lokasi",
            "%(num)s relawan bersedia atau bertugas, %(arrived)s tiba di lokasi",
            len(personnel),
            arrived=len(arrived),
        ),
    ]


def parse_day(text: str | None, zone: ZoneInfo) -> date:
    """The day asked for, or today in the regency; a malformed date is an error for the caller."""
    if not text:
        return now().astimezone(zone).date()
    return date.fromisoformat(text)

