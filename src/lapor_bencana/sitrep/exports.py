"""Staff exports of reports, incidents, aid deliveries and deployments, as CSV or XLSX.

CSV is written for a spreadsheet on an Indonesian computer, where it is usually opened: Excel
takes the list separator and the decimal mark from Windows' regional settings, which for
Indonesia are ";" and ",". So the CSV is separated by semicolons, decimals are written with a
comma, and the file starts with a UTF-8 byte-order mark (without it Excel reads UTF-8 as the
ANSI code page and breaks every "é" or "–"). Times are ISO 8601 with the regency's UTC offset.
Programs that want plain numbers take the XLSX, whose cells are typed.

Any text a resident typed can start with "=", "+", "-" or "@", which a spreadsheet would run as
a formula (CSV injection): in CSV such text gets a leading apostrophe, in XLSX the cell is
stored as text, never as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from lapor_bencana import labels
from lapor_bencana.accounts.service import ROLE_LABELS
from lapor_bencana.aid.deployments import RESPONSE_LABELS
from lapor_bencana.aid.items import item_name
from lapor_bencana.aid.panel import DESTINATION_LABELS, SOURCE_LABELS
from lapor_bencana.aid.tables import AidDelivery
from lapor_bencana.hazards import get_hazard
from lapor_bencana.i18n import N_
from lapor_bencana.i18n import gettext as _
from lapor_bencana.impact import FigureField, View, figures_in
from lapor_bencana.incidents.tables import Incident
from lapor_bencana.needs.rules import Unit
from lapor_bencana.needs.words import UNIT_LABELS
from lapor_bencana.regions import service as regions
from lapor_bencana.reports.tables import Report
from lapor_bencana.sitrep import deployments as deployment_records
from lapor_bencana.sitrep import figures as incident_figures

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_DELIMITER = ";"
BOM = "\ufeff"
CSV_CHUNK_ROWS = 500
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_DATE_FORMAT = "yyyy-mm-dd"


class ExportError(ValueError):
    """Bad export parameters; the message is for the person who asked, in Indonesian."""


@dataclass(frozen=True)
class Period:
    """Whole days in the regency's time zone, both ends included; either end may be open."""

    first: date | None = None
    last: date | None = None
    zone: ZoneInfo = ZoneInfo("UTC")

    @classmethod
    def parse(cls, first: str | None, last: str | None, zone: ZoneInfo) -> Period:
        try:
            start = date.fromisoformat(first) if first else None
            end = date.fromisoformat(last) if last else None
        except ValueError:
            raise ExportError(_("Tanggal harus berbentuk TTTT-BB-HH, misalnya 2026-01-31.")) from None
        if start and end and start > end:
            raise ExportError(_("Tanggal awal tidak boleh sesudah tanggal akhir."))
        return cls(start, end, zone)

    @property
    def since(self) -> datetime | None:
        return _midnight(self.first, self.zone) if self.first else None

    @property
    def until(self) -> datetime | None:
        return _midnight(self.last + timedelta(days=1), self.zone) if self.last else None

    def slug(self) -> str:
        return "-".join(day.isoformat() for day in (self.first, self.last) if day) or "semua"


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    # Contact details of people: only in the export a coordinator explicitly asks "with contacts".
    personal: bool = False


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    columns: tuple[Column, ...]
    rows: Callable[[Period], Awaitable[list[dict]]]

    def columns_for(self, with_contacts: bool) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if with_contacts or not column.personal)


REPORTED_FIGURES = figures_in(View.REPORT)
EXPORTED_FIGURES = figures_in(View.EXPORT)


def _figure_columns(figures: tuple[FigureField, ...]) -> tuple[Column, ...]:
    return tuple(Column(figure.name, figure.label) for figure in figures)


async def _report_rows(period: Period) -> list[dict]:
    query = Report.select(
        Report.code, Report.received_at, Report.occurred_at, Report.hazard, Report.status,
        *(getattr(Report, name) for name in labels.SOURCE_COLUMNS),
        Report.village, Report.village.name.as_alias("village_name"), Report.address, Report.latitude,
        Report.longitude, Report.description, Report.incident.code.as_alias("incident_code"),
        Report.reporter_name, Report.reporter_phone, *(getattr(Report, figure.name) for figure in REPORTED_FIGURES),
    )
    if period.since:
        query = query.where(Report.received_at >= period.since)
    if period.until:
        query = query.where(Report.received_at < period.until)
    rows = await query.order_by(Report.received_at).order_by(Report.id).run()
    for row in rows:
        row["hazard"] = _hazard_label(row["hazard"])
        row["status"] = _(labels.REPORT_STATUS[row["status"]])
        row["source"] = labels.report_source(row)
    return rows


async def _incident_rows(period: Period) -> list[dict]:
    query = Incident.select(
        Incident.id, Incident.code, Incident.title, Incident.hazard, Incident.status, Incident.priority,
        Incident.emergency_status, Incident.village, Incident.village.name.as_alias("village_name"),
        Incident.latitude, Incident.longitude, Incident.occurred_at, Incident.verified_at, Incident.closed_at,
    )
    if period.since:
        query = query.where(Incident.occurred_at >= period.since)
    if period.until:
        query = query.where(Incident.occurred_at < period.until)
    rows = await query.order_by(Incident.occurred_at).order_by(Incident.id).run()
    latest = await incident_figures.latest_verified([row["id"] for row in rows])
    districts = await regions.names({row["village"].rsplit(".", 1)[0] for row in rows if row["village"]})
    for row in rows:
        row["hazard"] = _hazard_label(row["hazard"])
        row["status"] = _(labels.INCIDENT_STATUS[row["status"]])
        row["priority"] = _(labels.PRIORITY[row["priority"]])
        row["emergency_status"] = _(labels.EMERGENCY_STATUS[row["emergency_status"]]) if row["emergency_status"] else ""
        row["district_name"] = districts.get((row["village"] or "").rsplit(".", 1)[0], "")
        figures = latest.get(row["id"]) or {}
        row.update({figure.name: figures.get(figure.name) for figure in EXPORTED_FIGURES})
        row["figures_verified_at"] = figures.get("verified_at")
    return rows


async def _deployment_rows(period: Period) -> list[dict]:
    rows = await deployment_records.with_answer_times(
        await deployment_records.deployments(since=period.since, until=period.until)
    )
    for row in rows:
        row["role"] = _(ROLE_LABELS[row["role"]]) if row["role"] in ROLE_LABELS else row["role"]
        row["response"] = _(RESPONSE_LABELS[row["response"]])
    return rows


async def _aid_rows(period: Period) -> list[dict]:
    query = AidDelivery.select(
        AidDelivery.incident.code.as_alias("incident_code"), AidDelivery.incident.title.as_alias("incident_title"),
        AidDelivery.delivered_on, AidDelivery.item_code, AidDelivery.item_name, AidDelivery.quantity, AidDelivery.unit,
        AidDelivery.source_kind, AidDelivery.warehouse.name.as_alias("warehouse_name"), AidDelivery.donor,
        AidDelivery.destination_kind, AidDelivery.destination,
        AidDelivery.destination_village.name.as_alias("village_name"), AidDelivery.recipient, AidDelivery.note,
        AidDelivery.recorded_by.full_name.as_alias("recorded_by_name"), AidDelivery.created_at,
    )
    # Deliveries are dated by the day of handing over, already a local date.
    if period.first:
        query = query.where(AidDelivery.delivered_on >= period.first)
    if period.last:
        query = query.where(AidDelivery.delivered_on <= period.last)
    rows = await query.order_by(AidDelivery.delivered_on).order_by(AidDelivery.id).run()
    for row in rows:
        row["quantity"] = Decimal(str(row["quantity"]))
        # Words in the reader's language like every other label column; item_code stays the stable key.
        row["item_name"] = item_name(row["item_code"], row["item_name"])
        row["unit"] = _(UNIT_LABELS[Unit(row["unit"])])
        row["source_kind"] = _(SOURCE_LABELS[row["source_kind"]])
        row["destination_kind"] = _(DESTINATION_LABELS[row["destination_kind"]])
    return rows


def _hazard_label(code: str) -> str:
    hazard = get_hazard(code)
    return _(hazard.label) if hazard else code


DATASETS: dict[str, Dataset] = {
    "laporan": Dataset(
        "laporan",
        N_("Laporan"),
        (
            Column("code", N_("Kode laporan")),
            Column("received_at", N_("Diterima")),
            Column("occurred_at", N_("Waktu kejadian")),
            Column("hazard", N_("Jenis bencana")),
            Column("status", N_("Status")),
            Column("source", N_("Sumber")),
            Column("village", N_("Kode desa")),
            Column("village_name", N_("Desa/kelurahan")),
            Column("address", N_("Alamat")),
            Column("latitude", N_("Lintang")),
            Column("longitude", N_("Bujur")),
            *_figure_columns(REPORTED_FIGURES),
            Column("description", N_("Keterangan")),
            Column("incident_code", N_("Kode kejadian")),
            Column("reporter_name", N_("Nama pelapor"), personal=True),
            Column("reporter_phone", N_("Telepon pelapor"), personal=True),
        ),
        _report_rows,
    ),
    "kejadian": Dataset(
        "kejadian",
        N_("Kejadian"),
        (
            Column("code", N_("Kode kejadian")),
            Column("title", N_("Judul")),
            Column("hazard", N_("Jenis bencana")),
            Column("status", N_("Status")),
            Column("priority", N_("Prioritas")),
            Column("emergency_status", N_("Status darurat")),
            Column("village", N_("Kode desa")),
            Column("village_name", N_("Desa/kelurahan")),
            Column("district_name", N_("Kecamatan")),
            Column("latitude", N_("Lintang")),
            Column("longitude", N_("Bujur")),
            Column("occurred_at", N_("Waktu kejadian")),
            Column("verified_at", N_("Diverifikasi")),
            Column("closed_at", N_("Ditutup")),
            Column("figures_verified_at", N_("Angka dari kaji cepat")),
            *_figure_columns(EXPORTED_FIGURES),
        ),
        _incident_rows,
    ),
    "bantuan": Dataset(
        "bantuan",
        N_("Bantuan tersalur"),
        (
            Column("incident_code", N_("Kode kejadian")),
            Column("incident_title", N_("Kejadian")),
            Column("delivered_on", N_("Tanggal")),
            Column("item_code", N_("Kode barang")),
            Column("item_name", N_("Barang")),
            Column("quantity", N_("Jumlah")),
            Column("unit", N_("Satuan")),
            Column("source_kind", N_("Sumber")),
            Column("warehouse_name", N_("Gudang")),
            Column("donor", N_("Donatur")),
            Column("destination_kind", N_("Jenis tujuan")),
            Column("destination", N_("Tujuan")),
            Column("village_name", N_("Desa/kelurahan")),
            Column("recipient", N_("Penerima"), personal=True),
            Column("note", N_("Catatan")),
            Column("recorded_by_name", N_("Dicatat oleh")),
            Column("created_at", N_("Dicatat")),
        ),
        _aid_rows,
    ),
    "penugasan": Dataset(
        "penugasan",
        N_("Relawan bertugas"),
        (
            Column("incident_code", N_("Kode kejadian")),
            Column("incident_title", N_("Kejadian")),
            Column("name", N_("Nama")),
            Column("role", N_("Peran")),
            Column("organisation", N_("Organisasi")),
            Column("phone", N_("Telepon"), personal=True),
            Column("response", N_("Jawaban")),
            Column("called_at", N_("Dipanggil")),
            Column("first_answer_at", N_("Menjawab")),
            Column("departed_at", N_("Berangkat")),
            Column("arrived_at", N_("Tiba")),
            Column("done_at", N_("Selesai")),
            Column("distance_km", N_("Jarak (km)")),
        ),
        _deployment_rows,
    ),
}

FORMATS = {
    # Litestar adds "; charset=utf-8" to every text/ type itself.
    "csv": ("text/csv", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def guard_formula(text: str) -> str:
    """A spreadsheet shows the text after the apostrophe and never evaluates it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_value(value: object, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, datetime):
        return value.astimezone(zone).replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (float, Decimal)):
        return _decimal_comma(value)
    return guard_formula(str(value))


def _decimal_comma(value: float | Decimal) -> str:
    return format(Decimal(str(value)).normalize(), "f").replace(".", ",")


def csv_chunks(columns: Iterable[Column], rows: Iterable[dict], zone: ZoneInfo) -> Iterator[bytes]:
    """The CSV file in pieces, so a long export is streamed rather than built in memory."""
    columns = tuple(columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow([guard_formula(_(column.label)) for column in columns])
    for number, row in enumerate(rows, start=1):
        writer.writerow([csv_value(row.get(column.key), zone) for column in columns])
        if number % CSV_CHUNK_ROWS == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def xlsx_bytes(title: str, columns: Iterable[Column], rows: Iterable[dict], zone: ZoneInfo) -> bytes:
    """A workbook written in openpyxl's write-only mode: rows go to disk as they come."""
    columns = tuple(columns)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append([_text_cell(sheet, _(column.label)) for column in columns])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, row.get(column.key), zone) for column in columns])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _text_cell(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    # openpyxl would store text starting with "=" as a formula; typed text is never one.
    cell.data_type = "s"
    return cell


def _xlsx_cell(sheet, value: object, zone: ZoneInfo) -> object:
    if isinstance(value, datetime):
        # Excel has no time zones: the regency's local time, as on every page of the app.
        cell = WriteOnlyCell(sheet, value=value.astimezone(zone).replace(tzinfo=None, microsecond=0))
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = XLSX_DATE_FORMAT
        return cell
    if isinstance(value, bool):
        return _text_cell(sheet, _("ya") if value else _("tidak"))
    if value is None or isinstance(value, (int, float, Decimal)):
        return value
    return _text_cell(sheet, str(value))


def filename(dataset: Dataset, period: Period, extension: str, with_contacts: bool) -> str:
    contacts = "-dengan-kontak" if with_contacts else ""
    return f"lapor-bencana-{dataset.slug}-{period.slug()}{contacts}.{extension}"
