"""Staff exports through HTTP on both databases, parsed back with the csv module and openpyxl;
and the unit rules they follow (periods, formula guard, Indonesian CSV)."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from lapor_bencana.sitrep import exports
from tests.sitrep_data import (
    ANSWERING_NAME, FLOOD, answer_every_step, RECIPIENT, REPORTER_NAME, VOLUNTEER_NAME, VOLUNTEER_PHONE, record_aid, seed_flood,
)

WITA = ZoneInfo("Asia/Makassar")


def parse_csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 byte-order mark for Excel"
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def parse_xlsx(body: bytes) -> list[dict[str, object]]:
    sheet = load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


async def test_reports_csv_without_contacts_by_default_and_with_them_on_request(staff):
    seeded = await seed_flood(staff)
    plain = await staff.get("/koordinator/ekspor/laporan", params={"format": "csv"})
    assert plain.status_code == 200
    assert plain.headers["content-type"].startswith("text/csv")
    assert "attachment" in plain.headers["content-disposition"] and plain.headers["cache-control"] == "no-store"
    [row] = parse_csv(plain.content)
    assert row["Kode laporan"] == seeded.report.code
    assert row["Kode kejadian"] == seeded.incident.code
    assert row["Lintang"] == "-2,3325" and row["Bujur"] == "115,4712"
    assert row["Diterima"] == seeded.report.received_at.astimezone(WITA).replace(microsecond=0).isoformat()
    assert row["Keterangan"] == "'" + FLOOD["description"]
    stored_phone = seeded.report.reporter_phone  # normalised to +62…
    assert REPORTER_NAME not in plain.text and stored_phone[3:] not in plain.text

    staff_copy = await staff.get("/koordinator/ekspor/laporan", params={"format": "csv", "kontak": "ya"})
    [row] = parse_csv(staff_copy.content)
    # "+62…" would be a formula (and a number losing its "+") in a spreadsheet.
    assert (row["Nama pelapor"], row["Telepon pelapor"]) == (REPORTER_NAME, "'" + stored_phone)
    assert "dengan-kontak" in staff_copy.headers["content-disposition"]


async def test_reports_xlsx_has_typed_cells_and_never_a_formula(staff):
    seeded = await seed_flood(staff)
    response = await staff.get("/koordinator/ekspor/laporan", params={"format": "xlsx"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    [row] = parse_xlsx(response.content)
    assert row["Kode laporan"] == seeded.report.code
    assert row["Lintang"] == pytest.approx(-2.3325) and row["Mengungsi"] is None
    received = seeded.report.received_at.astimezone(WITA).replace(tzinfo=None, microsecond=0)
    assert row["Diterima"] == received
    # Stored as text: openpyxl reads a formula cell back as its "=..." source with data_type "f".
    sheet = load_workbook(io.BytesIO(response.content)).active
    description = next(cell for cell in sheet[2] if cell.value == FLOOD["description"])
    assert description.data_type == "s"
    assert "Nama pelapor" not in row


async def test_incidents_export_carries_the_latest_verified_figures(staff):
    seeded = await seed_flood(staff)
    [row] = parse_csv((await staff.get("/koordinator/ekspor/kejadian", params={"format": "csv"})).content)
    assert row["Kode kejadian"] == seeded.incident.code
    assert (row["Mengungsi"], row["Keluarga terdampak (KK)"], row["Rumah rusak berat"]) == ("100", "30", "4")
    assert row["Kecamatan"] == "Paringin" and row["Status"] == "Terverifikasi"
    [sheet_row] = parse_xlsx((await staff.get("/koordinator/ekspor/kejadian", params={"format": "xlsx"})).content)
    assert sheet_row["Mengungsi"] == 100 and sheet_row["Jiwa terdampak"] == 120


async def test_deployments_export_lists_volunteers_with_arrival_times(staff):
    seeded = await seed_flood(staff)
    response = await staff.get("/koordinator/ekspor/penugasan", params={"format": "csv"})
    [row] = parse_csv(response.content)
    assert row["Kode kejadian"] == seeded.incident.code
    assert row["Nama"] == VOLUNTEER_NAME and row["Jawaban"] == "tiba di lokasi"
    assert row["Tiba"] and row["Selesai"] == "" and row["Jarak (km)"] == "2,5"
    assert VOLUNTEER_PHONE[1:] not in response.text
    with_contacts = parse_csv((await staff.get("/koordinator/ekspor/penugasan", params={"format": "csv", "kontak": "ya"})).content)
    assert with_contacts[0]["Telepon"] == "'+62" + VOLUNTEER_PHONE[1:]


async def test_deployments_export_keeps_answer_departure_arrival_and_finish_apart(app, staff):
    seeded = await seed_flood(staff)
    await answer_every_step(app, seeded.incident)
    rows = parse_csv((await staff.get("/koordinator/ekspor/penugasan", params={"format": "csv"})).content)
    answered = next(row for row in rows if row["Nama"] == ANSWERING_NAME)
    moments = [answered[column] for column in ("Menjawab", "Berangkat", "Tiba", "Selesai")]
    assert all(moments) and len(set(moments)) == 4
    assert [datetime.fromisoformat(moment) for moment in moments] == sorted(datetime.fromisoformat(moment) for moment in moments)
    assert answered["Jawaban"] == "selesai"
    # A deployment recorded without answers through the app: only its latest answer time is known.
    other = next(row for row in rows if row["Nama"] == VOLUNTEER_NAME)
    assert other["Menjawab"] and other["Berangkat"] == "" and other["Menjawab"] != other["Tiba"]
    sheet = parse_xlsx((await staff.get("/koordinator/ekspor/penugasan", params={"format": "xlsx"})).content)
    typed = next(row for row in sheet if row["Nama"] == ANSWERING_NAME)
    assert typed["Menjawab"] < typed["Berangkat"] < typed["Tiba"] < typed["Selesai"]


async def test_a_date_range_filters_and_bad_input_answers_422(staff, settings):
    await seed_flood(staff)
    today = datetime.now(UTC).astimezone(WITA).date()
    inside = await staff.get("/koordinator/ekspor/laporan", params={"format": "csv", "dari": today.isoformat(), "sampai": today.isoformat()})
    assert len(parse_csv(inside.content)) == 1
    before = await staff.get("/koordinator/ekspor/laporan", params={"format": "csv", "sampai": "2020-01-01"})
    assert parse_csv(before.content) == []
    bad = await staff.get("/koordinator/ekspor/laporan", params={"format": "csv", "dari": "31-01-2026"})
    assert bad.status_code == 422 and "TTTT-BB-HH" in bad.text
    assert 'id="laporan-dari" name="dari" value="31-01-2026"' in bad.text  # kept for correcting
    reversed_range = await staff.get("/koordinator/ekspor/laporan", params={"dari": "2026-02-01", "sampai": "2026-01-01"})
    assert reversed_range.status_code == 422
    assert (await staff.get("/koordinator/ekspor/laporan", params={"format": "pdf"})).status_code == 422
    assert (await staff.get("/koordinator/ekspor/rahasia")).status_code == 404


async def test_the_export_page_offers_every_dataset_geojson_and_cap(staff):
    seeded = await seed_flood(staff)
    page = await staff.get("/koordinator/ekspor")
    assert page.status_code == 200
    for slug in exports.DATASETS:
        assert f'action="/koordinator/ekspor/{slug}"' in page.text
    geojson = re.search(r'href="([^"]+)"[^>]*data-testid="export-geojson"', page.text).group(1)
    answer = await staff.get(geojson)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/geo+json")
    assert seeded.incident.code in {feature["properties"]["code"] for feature in answer.json()["features"]}
    cap_list = re.search(r'data-testid="export-cap">(.*?)</ul>', page.text, re.S).group(1)
    [cap_link] = re.findall(r'href="([^"]+)"', cap_list)
    assert cap_link == f"/koordinator/kejadian/{seeded.incident.code}/cap.xml"
    alert = await staff.get(cap_link)
    assert alert.status_code == 200 and b"urn:oasis:names:tc:emergency:cap:1.2" in alert.content


@pytest.mark.parametrize(
    ("text", "guarded"),
    [("=1+1", "'=1+1"), ("+62812", "'+62812"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
     ("Banjir", "Banjir"), ("", "")],
)
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(text, guarded):
    assert exports.guard_formula(text) == guarded


def test_csv_values_follow_the_indonesian_spreadsheet_convention():
    moment = datetime(2026, 1, 5, 0, 30, 15, 123456, tzinfo=UTC)
    assert exports.csv_value(moment, WITA) == "2026-01-05T08:30:15+08:00"
    assert exports.csv_value(date(2026, 1, 5), WITA) == "2026-01-05"
    assert exports.csv_value(-2.3325, WITA) == "-2,3325"  # a number, not text: no apostrophe
    assert exports.csv_value(Decimal("1500.000"), WITA) == "1500"
    assert exports.csv_value(13825, WITA) == "13825"
    assert exports.csv_value(None, WITA) == ""


def test_csv_is_streamed_in_chunks_with_one_bom():
    columns = (exports.Column("n", "N"),)
    chunks = list(exports.csv_chunks(columns, ({"n": i} for i in range(exports.CSV_CHUNK_ROWS * 2 + 1)), WITA))
    assert len(chunks) == 3
    body = b"".join(chunks)
    assert body.count(b"\xef\xbb\xbf") == 1
    assert len(parse_csv(body)) == exports.CSV_CHUNK_ROWS * 2 + 1


def test_a_period_is_whole_local_days():
    period = exports.Period.parse("2026-01-05", "2026-01-06", WITA)
    assert period.since == datetime(2026, 1, 4, 16, 0, tzinfo=UTC)
    assert period.until == datetime(2026, 1, 6, 16, 0, tzinfo=UTC)
    assert period.slug() == "2026-01-05-2026-01-06"
    assert exports.Period.parse(None, None, WITA).since is None
    with pytest.raises(exports.ExportError):
        exports.Period.parse("2026-13-01", None, WITA)


async def test_aid_export_lists_deliveries_with_the_recipient_only_on_request(staff):
    seeded = await seed_flood(staff)
    await record_aid(staff, seeded.incident, quantity="12.5")
    plain = await staff.get("/koordinator/ekspor/bantuan", params={"format": "csv"})
    [row] = parse_csv(plain.content)
    assert (row["Kode kejadian"], row["Kode barang"], row["Jumlah"], row["Satuan"]) == (seeded.incident.code, "beras", "12,5", "kg")
    assert row["Sumber"] == "Donatur" and row["Tujuan"] == "Posko Balai Desa"
    assert RECIPIENT not in plain.text
    [with_contacts] = parse_csv((await staff.get("/koordinator/ekspor/bantuan", params={"format": "csv", "kontak": "ya"})).content)
    assert with_contacts["Penerima"] == RECIPIENT
    [sheet_row] = parse_xlsx((await staff.get("/koordinator/ekspor/bantuan", params={"format": "xlsx"})).content)
    assert sheet_row["Jumlah"] == pytest.approx(12.5) and sheet_row["Tanggal"].date() == date.fromisoformat(row["Tanggal"])
    assert parse_csv((await staff.get("/koordinator/ekspor/bantuan", params={"format": "csv", "sampai": "2020-01-01"})).content) == []
