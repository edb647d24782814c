"""The situation report as an A4 PDF, drawn with fpdf2 from the same :class:`SituationReport`
the HTML page shows. DejaVu Sans is embedded (subset) because the PDF core fonts know only
Latin-1, and the report has "–", "×" and "⌈⌉" in it (fonts/LICENSE-DejaVu.txt)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from babel.dates import format_datetime
from fpdf import FPDF
from fpdf.fonts import FontFace

from lapor_bencana import i18n, labels
from lapor_bencana.i18n import gettext as _
from lapor_bencana.i18n import ngettext
from lapor_bencana.aid.deployments import RESPONSE_LABELS
from lapor_bencana.aid.items import item_name
from lapor_bencana.sitrep.aid import AidTotal
from lapor_bencana.sitrep.report import Figure, IncidentSection, SituationReport

FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVu"
TIME_FORMAT = "d MMM yyyy HH:mm"
HEADINGS = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))


class _Document(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text
        self.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=16)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def render(report: SituationReport) -> bytes:
    when = lambda moment: _time(moment, report)  # noqa: E731
    title = _("Laporan Situasi")
    pdf = _Document(f"{title} · {report.regency_name} · {report.day_text}")
    pdf.set_title(f"{title} {report.day_text}")
    pdf.set_creator("Lapor Bencana")
    pdf.add_page()
    pdf.set_font(FONT, "B", 16)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 5, _("%(regency)s · keadaan sampai akhir %(day)s", regency=report.regency_name, day=report.day_text), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, _("Dibuat %(when)s", when=when(report.generated_at)), new_x="LMARGIN", new_y="NEXT")
    if report.is_regency:
        _heading(pdf, _("Ringkasan kabupaten"), 13)
        _text(pdf, report.headline)
        _figures(pdf, report.totals or [])
        if report.aid_totals:
            _heading(pdf, _("Bantuan tersalur"))
            _aid_totals(pdf, report.aid_totals)
    if not report.sections:
        _text(pdf, _("Tidak ada kejadian terverifikasi pada hari ini."))
    for section in report.sections:
        _section(pdf, section, report, when)
    return bytes(pdf.output())


def _section(pdf: FPDF, section: IncidentSection, report: SituationReport, when) -> None:
    incident = section.incident
    _heading(pdf, f"{incident.title} ({incident.code[:4]}-{incident.code[4:]})", 13)
    facts = [
        (_("Jenis bencana"), section.hazard_label),
        (_("Tempat"), section.place or "—"),
        (_("Waktu kejadian"), when(incident.occurred_at)),
        (_("Status"), _(labels.INCIDENT_STATUS[incident.status])),
        (_("Prioritas"), _(labels.PRIORITY[incident.priority])),
        (_("Status darurat"), _(labels.EMERGENCY_STATUS[incident.emergency_status])),
    ]
    _table(pdf, [(label, value) for label, value in facts], (45, 129), headings=False)

    _heading(pdf, _("Dampak"))
    if section.figures:
        _text(pdf, _("Dari kaji cepat terverifikasi %(when)s", when=when(section.figures["verified_at"])))
        _figures(pdf, section.impact)
        for label, note in section.notes:
            _text(pdf, f"{label}: {note}")
    else:
        _text(pdf, _("Belum ada kaji cepat terverifikasi."))

    _heading(pdf, _("Kebutuhan"))
    if section.needs:
        needs = section.needs
        _text(pdf, ngettext("Untuk %(num)s hari, standar versi %(version)s.", "Untuk %(num)s hari, standar versi %(version)s.", needs.inputs.days, version=needs.standards_version))
        rows = [
            (row.label, row.amount(row.needed), row.amount(row.delivered),
             row.amount(row.missing) if row.missing > 0 else _("cukup"))
            for row in section.goods
        ]
        _table(pdf, [(_("Barang"), _("Kebutuhan"), _("Tersalur"), _("Masih kurang")), *rows], (56, 40, 40, 38))
        if section.personnel_needs:
            _table(pdf, [(_("Personel"), _("Kebutuhan")), *section.personnel_needs], (110, 64))
    else:
        _text(pdf, section.needs_problem or _("Kebutuhan dihitung setelah ada kaji cepat terverifikasi."))

    _heading(pdf, _("Tindakan yang dilakukan"))
    for action in section.actions:
        _text(pdf, f"• {action}")

    _heading(pdf, _("Bantuan tersalur"))
    if section.aid_totals:
        _aid_totals(pdf, section.aid_totals)
        rows = [(row.date_text, item_name(row.item_code, row.item_name), row.text, row.destination) for row in section.aid]
        _table(pdf, [(_("Tanggal"), _("Barang"), _("Jumlah"), _("Tujuan")), *rows], (28, 56, 40, 50))
    else:
        _text(pdf, _("Belum ada bantuan yang tercatat."))

    _heading(pdf, _("Personel bertugas"))
    if section.personnel:
        rows = [
            (row["name"], row["organisation"] or "—", _(RESPONSE_LABELS[row["response"]]), when(row["arrived_at"]) or "—", when(row["done_at"]) or "—")
            for row in section.personnel
        ]
        _table(pdf, [(_("Nama"), _("Organisasi"), _("Jawaban"), _("Tiba"), _("Selesai")), *rows], (40, 36, 30, 34, 34))
    else:
        _text(pdf, _("Belum ada relawan yang bertugas."))

    _heading(pdf, _("Kronologi"))
    _table(pdf, [(when(event.at), event.text) for event in section.chronology], (38, 136), headings=False)


def _figures(pdf: FPDF, figures: Sequence[Figure]) -> None:
    if figures:
        _table(pdf, [(figure.label, figure.text) for figure in figures], (110, 64), headings=False)


def _aid_totals(pdf: FPDF, totals: Sequence[AidTotal]) -> None:
    _table(pdf, [(_("Barang"), _("Jumlah")), *((item_name(row.item_code, row.item_name), row.text) for row in totals)], (110, 64))


def _heading(pdf: FPDF, text: str, size: int = 11) -> None:
    pdf.ln(3)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)


def _text(pdf: FPDF, text: str) -> None:
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")


def _table(pdf: FPDF, rows: Sequence[Sequence[str]], widths: Sequence[float], *, headings: bool = True) -> None:
    pdf.set_font(FONT, "", 9)
    with pdf.table(
        col_widths=tuple(widths), width=sum(widths), align="LEFT", text_align="LEFT", line_height=5,
        first_row_as_headings=headings, headings_style=HEADINGS, padding=1,
    ) as table:
        for row in rows:
            cells = table.row()
            for value in row:
                cells.cell(str(value))
    pdf.ln(1)


def _time(moment: datetime | None, report: SituationReport) -> str:
    if moment is None:
        return ""
    return format_datetime(moment, TIME_FORMAT, tzinfo=report.zone, locale=i18n.current_locale.get())

