"""The situation report as an A4 PDF, drawn with fpdf2 from the same :class:`SituationReport`
the HTML page shows. DejaVu Sans is embedded (subset) because the PDF core fonts know only
Latin-1, and the report has "–", "×" and "⌈⌉" in it (fonts/LICENSE-DejaVu.txt).

Page layout rules of an official document: a heading never ends a page (it moves to the next one
with room for what follows it), a short paragraph and the signature block are never split, and
table rows are never split (fpdf2 moves a row that does not fit, repeating the table's headings).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from lapor_bencana import labels
from lapor_bencana.i18n import gettext as _
from lapor_bencana.i18n import ngettext
from lapor_bencana.aid.deployments import RESPONSE_LABELS
from lapor_bencana.aid.items import item_name
from lapor_bencana.sitrep.aid import AidTotal
from lapor_bencana.sitrep.document import Letterhead, nip_text
from lapor_bencana.sitrep.report import Figure, IncidentSection, SituationReport

FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVu"
HEADINGS = FontFace(emphasis="BOLD", fill_color=(235, 235, 235))
LINE = 5
# Room a heading needs below it so that it is not left alone at the foot of a page: a table's
# heading row and first row, or three lines of text.
KEEP_WITH_HEADING = 3 * LINE + 2
# A paragraph of at most this many lines is moved whole rather than split across pages.
SHORT_PARAGRAPH_LINES = 4
# The coat of arms fits this box (mm), keeping its proportions; the letterhead text stays clear of it.
EMBLEM_WIDTH, EMBLEM_HEIGHT = 30, 24
SIGNATURE_SPACE = 20
SIGNATURE_GAP = 6
HEADING_GAP = 3
CELL_PADDING = 1
TABLE_GAP = 1
CHRONOLOGY_WIDTHS = (42, 132)
# How many of the last chronology rows go with the signature block to its page.
ROWS_WITH_SIGNATURE = 2


class _Document(FPDF):
    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.footer_text = footer_text
        self.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=18)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 8)
        page = _("Halaman %(page)s dari %(pages)s", page=self.page_no(), pages=self.str_alias_nb_pages)
        self.cell(0, 5, f"{self.footer_text} · {page}", align="C")

    def keep(self, height: float) -> None:
        """Starts a new page unless ``height`` more fits on this one."""
        if self.will_page_break(height):
            self.add_page()


def render(report: SituationReport) -> bytes:
    title = _("Laporan Situasi")
    pdf = _Document(f"{title} {report.number}")
    pdf.set_title(f"{title} {report.number}")
    pdf.set_creator("Lapor Bencana")
    pdf.add_page()
    _letterhead(pdf, report.paper.letterhead)
    pdf.set_font(FONT, "BU", 14)
    pdf.cell(0, 7, title.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.cell(0, 5, _("Nomor: %(number)s", number=report.number), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.multi_cell(0, 5, _("%(regency)s · keadaan sampai akhir %(day)s", regency=report.regency_name, day=report.day_text), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 5, _("Dibuat %(when)s", when=report.time_text(report.generated_at)), new_x="LMARGIN", new_y="NEXT")
    if report.is_regency:
        _heading(pdf, _("Ringkasan kabupaten"), 13)
        _text(pdf, report.headline)
        _figures(pdf, report.totals or [])
        if report.aid_totals:
            _heading(pdf, _("Bantuan tersalur"))
            _aid_totals(pdf, report.aid_totals)
    if not report.sections:
        _text(pdf, _("Tidak ada kejadian terverifikasi pada hari ini."))
    held_back: list[tuple[str, str]] = []
    for number, section in enumerate(report.sections, start=1):
        held_back = _section(pdf, section, report, last=number == len(report.sections))
    _ending(pdf, report, held_back)
    return bytes(pdf.output())


def _letterhead(pdf: _Document, letterhead: Letterhead) -> None:
    """The kop surat: the coat of arms on the left, the government and office centred, a double rule."""
    top = pdf.get_y()
    if letterhead.emblem is not None:
        try:
            pdf.image(letterhead.emblem, x=pdf.l_margin, y=top, w=EMBLEM_WIDTH, h=EMBLEM_HEIGHT, keep_aspect_ratio=True)
        except (OSError, ValueError):
            # Checked at start-up; a file gone since must not keep the report from being printed.
            pass
    # Centred between the emblem and an equal space on the right, as a kop surat is set.
    indent = EMBLEM_WIDTH + 4 if letterhead.emblem is not None else 0
    for style, size, height, text in (("B", 12, 6, letterhead.government), ("B", 15, 8, letterhead.office), ("", 9, 4.5, letterhead.address)):
        if text:
            pdf.set_font(FONT, style, size)
            pdf.set_x(pdf.l_margin + indent)
            pdf.multi_cell(pdf.epw - 2 * indent, height, text, align="C", new_x="LMARGIN", new_y="NEXT")
    bottom = max(pdf.get_y() + 1, top + EMBLEM_HEIGHT + 1 if letterhead.emblem else 0)
    right = pdf.w - pdf.r_margin
    pdf.set_line_width(0.8)
    pdf.line(pdf.l_margin, bottom, right, bottom)
    pdf.set_line_width(0.2)
    pdf.line(pdf.l_margin, bottom + 1.2, right, bottom + 1.2)
    pdf.set_y(bottom + 5)


def _ending(pdf: _Document, report: SituationReport, rows: Sequence[tuple[str, str]]) -> None:
    """The last rows of the chronology (with its heading when no row came before them) and the
    signature block, on one page: a signature never stands alone on a page of its own."""
    whole = bool(report.sections) and len(rows) == len(report.sections[-1].chronology)
    chronology = _("Kronologi") if whole else None
    heading = _heading_height(pdf, chronology) if chronology else 0
    pdf.keep(heading + _rows_height(pdf, rows, CHRONOLOGY_WIDTHS) + _signature_height(report))
    if chronology:
        _heading(pdf, chronology)
    if rows:
        _table(pdf, rows, CHRONOLOGY_WIDTHS, headings=False)
    _signature(pdf, report)


def _signature_lines(report: SituationReport) -> list[str]:
    signatory = report.paper.signatory
    return [f"{signatory.place}, {report.signed_on}", signatory.position]


def _signature_height(report: SituationReport) -> float:
    nip = 1 if report.paper.signatory.nip else 0
    return SIGNATURE_GAP + LINE * (len(_signature_lines(report)) + 1 + nip) + SIGNATURE_SPACE


def _signature(pdf: _Document, report: SituationReport) -> None:
    """Place, date, position, room to sign, name and NIP, on the right half."""
    signatory = report.paper.signatory
    lines = _signature_lines(report)
    pdf.ln(SIGNATURE_GAP)
    x = pdf.w / 2
    width = pdf.w - pdf.r_margin - x
    pdf.set_font(FONT, "", 10)
    for line in lines:
        pdf.set_x(x)
        pdf.multi_cell(width, LINE, line, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(SIGNATURE_SPACE)
    pdf.set_x(x)
    pdf.set_font(FONT, "BU", 10)
    pdf.multi_cell(width, LINE, signatory.name or "(" + "." * 40 + ")", align="C", new_x="LMARGIN", new_y="NEXT")
    if signatory.nip:
        pdf.set_font(FONT, "", 10)
        pdf.set_x(x)
        pdf.multi_cell(width, LINE, _("NIP. %(nip)s", nip=nip_text(signatory.nip)), align="C", new_x="LMARGIN", new_y="NEXT")


def _section(pdf: _Document, section: IncidentSection, report: SituationReport, *, last: bool) -> list[tuple[str, str]]:
    """Draws one incident; of the report's last one, answers the chronology rows held back to go
    with the signature (all of them, heading included, when there are only a few)."""
    when = report.time_text
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

    rows = [(report.event_time(event), event.text) for event in section.chronology]
    drawn, held_back = (rows[:-ROWS_WITH_SIGNATURE], rows[-ROWS_WITH_SIGNATURE:]) if last else (rows, [])
    if drawn:
        _heading(pdf, _("Kronologi"))
        _table(pdf, drawn, CHRONOLOGY_WIDTHS, headings=False)
    return held_back


def _figures(pdf: _Document, figures: Sequence[Figure]) -> None:
    if figures:
        _table(pdf, [(figure.label, figure.text) for figure in figures], (110, 64), headings=False)


def _aid_totals(pdf: _Document, totals: Sequence[AidTotal]) -> None:
    _table(pdf, [(_("Barang"), _("Jumlah")), *((item_name(row.item_code, row.item_name), row.text) for row in totals)], (110, 64))


def _heading_height(pdf: _Document, text: str, size: int = 11) -> float:
    pdf.set_font(FONT, "B", size)
    return HEADING_GAP + pdf.multi_cell(0, 6, text, dry_run=True, output="HEIGHT")


def _heading(pdf: _Document, text: str, size: int = 11) -> None:
    pdf.keep(_heading_height(pdf, text, size) + KEEP_WITH_HEADING)
    pdf.ln(HEADING_GAP)
    pdf.set_font(FONT, "B", size)
    pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)


def _text(pdf: _Document, text: str) -> None:
    pdf.set_font(FONT, "", 9)
    height = pdf.multi_cell(0, LINE, text, dry_run=True, output="HEIGHT")
    if height <= SHORT_PARAGRAPH_LINES * LINE:
        pdf.keep(height)
    pdf.multi_cell(0, LINE, text, new_x="LMARGIN", new_y="NEXT")


def _rows_height(pdf: _Document, rows: Sequence[Sequence[str]], widths: Sequence[float]) -> float:
    """The height :func:`_table` gives these rows (without headings): each as tall as its tallest cell."""
    pdf.set_font(FONT, "", 9)
    cells = (
        max(len(pdf.multi_cell(width - 2 * CELL_PADDING, LINE, str(value), dry_run=True, output="LINES")) for value, width in zip(row, widths, strict=True))
        for row in rows
    )
    return sum(lines * LINE + 2 * CELL_PADDING for lines in cells) + TABLE_GAP


def _table(pdf: _Document, rows: Sequence[Sequence[str]], widths: Sequence[float], *, headings: bool = True) -> None:
    pdf.set_font(FONT, "", 9)
    with pdf.table(
        col_widths=tuple(widths), width=sum(widths), align="LEFT", text_align="LEFT", line_height=LINE,
        first_row_as_headings=headings, headings_style=HEADINGS, padding=CELL_PADDING,
    ) as table:
        for row in rows:
            cells = table.row()
            for value in row:
                cells.cell(str(value))
    pdf.ln(TABLE_GAP)


