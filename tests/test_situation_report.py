"""Situation reports through HTTP on both databases: the HTML page and the PDF (its text read
back with pypdf) show the figures of the records; the day chosen limits what they count."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from lapor_bencana.aid.items import quantity_text
from lapor_bencana.incidents.tables import Assessment
from lapor_bencana.needs.words import number
from lapor_bencana.sitrep import deployments as sitrep_deployments
from lapor_bencana.sitrep import report as sitrep
from lapor_bencana.timeutil import now
from tests.sitrep_data import REPORTER_NAME, VOLUNTEER_NAME, htmx_post, record_aid, seed_flood

WITA = ZoneInfo("Asia/Makassar")


def pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    # Table cells may wrap; compare with runs of white space made single.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def today() -> date:
    return now().astimezone(WITA).date()


def html_cell(page: str, attribute: str, value: str) -> str:
    match = re.search(rf'<(?:dd|tr) {attribute}="{value}"[^>]*>(.*?)</(?:dd|tr)>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


async def test_incident_report_html_and_pdf_agree_with_the_records(staff):
    seeded = await seed_flood(staff)
    await record_aid(staff, seeded.incident)
    await record_aid(staff, seeded.incident, quantity="50")
    code = seeded.incident.code
    figures = await Assessment.objects().where(Assessment.incident == seeded.incident.id).first().run()

    page = await staff.get(f"/koordinator/kejadian/{code}/laporan-situasi")
    assert page.status_code == 200
    assert html_cell(page.text, "data-figure", "displaced") == number(figures.displaced) + " orang" == "100 orang"
    assert html_cell(page.text, "data-figure", "affected_people") == "120 orang"
    rice_total = quantity_text("kg", Decimal(150))
    assert rice_total in html_cell(page.text, "data-item", "beras")
    assert VOLUNTEER_NAME in page.text and "Posko Balai Desa" in page.text
    assert "Kaji cepat dicatat oleh Sari Koordinator" in page.text
    assert 'href="/koordinator/kejadian/' + code + '/laporan-situasi.pdf?tanggal=' in page.text

    response = await staff.get(f"/koordinator/kejadian/{code}/laporan-situasi.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert f"laporan-situasi-{code}-{today().isoformat()}.pdf" in response.headers["content-disposition"]
    text = pdf_text(response.content)
    assert "Laporan Situasi" in text and seeded.incident.title in text
    assert f"Keadaan di lokasi: Pengungsi di rumah {REPORTER_NAME}" in text  # staff-only: notes included
    assert "Mengungsi 100" in text and "Keluarga terdampak (KK) 30" in text and "Rumah rusak berat 4" in text
    assert f"Beras {rice_total}" in text
    needs = html_cell(page.text, "data-need", "beras")  # need / delivered / still missing, as on the page
    assert needs in text
    assert "standar versi 1" in text
    assert "Petugas dapur umum 10 orang" in text and "1 penyaluran bantuan dicatat" not in text
    assert "2 penyaluran bantuan dicatat" in text
    assert VOLUNTEER_NAME in text and "tiba di lokasi" in text
    assert "sari memverifikasi laporan dan membuat kejadian" in text


async def test_an_earlier_day_shows_the_situation_as_it_was_then(staff):
    seeded = await seed_flood(staff, occurred_at=(now() - timedelta(days=2)).isoformat())
    yesterday = today() - timedelta(days=1)
    await record_aid(staff, seeded.incident, date=yesterday.isoformat(), quantity="30")
    await record_aid(staff, seeded.incident, quantity="70")
    # The assessment was verified today: yesterday's report has no verified figures yet.
    page = await staff.get(f"/koordinator/kejadian/{seeded.incident.code}/laporan-situasi", params={"tanggal": yesterday.isoformat()})
    assert page.status_code == 200
    assert "Belum ada kaji cepat terverifikasi." in page.text
    assert quantity_text("kg", Decimal(30)) in html_cell(page.text, "data-item", "beras")
    assert VOLUNTEER_NAME not in page.text
    text = pdf_text((await staff.get(f"/koordinator/kejadian/{seeded.incident.code}/laporan-situasi.pdf",
                                     params={"tanggal": yesterday.isoformat()})).content)
    assert f"Beras {quantity_text('kg', Decimal(30))}" in text and "Mengungsi" not in text


async def test_the_regency_report_adds_up_its_incidents(staff):
    first = await seed_flood(staff)
    second_report = await staff.post("/api/v1/reports", json={"hazard": "kebakaran", "village_code": "63.11.01.2001",
                                                               "description": "Rumah terbakar"})
    from lapor_bencana.reports.tables import Report
    from lapor_bencana.incidents.tables import Incident

    report = await Report.objects().where(Report.code == second_report.json()["code"]).first().run()
    await htmx_post(staff, f"/koordinator/laporan/{report.id}/verifikasi")
    fire = await Incident.objects().where(Incident.hazard == "kebakaran").first().run()
    await htmx_post(staff, f"/kejadian/{fire.code}/kaji-cepat", {"displaced": "12", "affected_families": "3"})
    await record_aid(staff, first.incident)
    await record_aid(staff, fire, quantity="20")

    page = await staff.get("/koordinator/laporan-situasi")
    assert page.status_code == 200
    assert page.text.count('class="sitrep-section"') == 2
    totals = re.search(r'data-testid="sitrep-totals">(.*?)</dl>', page.text, re.S).group(1)
    assert re.search(r'data-figure="displaced">112 orang<', totals)
    assert quantity_text("kg", Decimal(120)) in html_cell(page.text, "data-item", "beras")
    text = pdf_text((await staff.get("/koordinator/laporan-situasi.pdf")).content)
    assert "2 kejadian aktif, 1 relawan bertugas." in text
    assert "Mengungsi 112" in text and f"Beras {quantity_text('kg', Decimal(120))}" in text


async def test_a_bad_day_is_refused_with_the_form_and_no_day_yet_has_no_incidents(staff):
    await seed_flood(staff)
    bad = await staff.get("/koordinator/laporan-situasi", params={"tanggal": "kemarin"})
    assert bad.status_code == 422 and "TTTT-BB-HH" in bad.text and 'name="tanggal"' in bad.text
    assert (await staff.get("/koordinator/laporan-situasi.pdf", params={"tanggal": "2026-02-30"})).status_code == 422
    before = await staff.get("/koordinator/laporan-situasi", params={"tanggal": "2020-01-01"})
    assert "Tidak ada kejadian terverifikasi pada hari ini." in before.text
    text = pdf_text((await staff.get("/koordinator/laporan-situasi.pdf", params={"tanggal": "2020-01-01"})).content)
    assert "Tidak ada kejadian terverifikasi pada hari ini." in text
    assert (await staff.get("/koordinator/kejadian/ZZZZZZZZ/laporan-situasi")).status_code == 404


async def test_the_desk_and_the_incident_page_link_to_reporting(staff):
    seeded = await seed_flood(staff)
    desk = await staff.get("/koordinator")
    assert 'href="/koordinator/laporan-situasi"' in desk.text and 'href="/koordinator/ekspor"' in desk.text
    incident = await staff.get(f"/koordinator/kejadian/{seeded.incident.code}")
    assert f'href="/koordinator/kejadian/{seeded.incident.code}/cap.xml"' in incident.text
    assert f'href="/koordinator/kejadian/{seeded.incident.code}/laporan-situasi.pdf"' in incident.text


def test_a_day_is_bounded_by_local_midnights():
    day = date(2026, 1, 5)
    assert sitrep.start_of_day(day, WITA) == datetime(2026, 1, 4, 16, tzinfo=UTC)
    assert sitrep.end_of_day(day, WITA) == datetime(2026, 1, 5, 16, tzinfo=UTC)
    assert sitrep.parse_day("2026-01-05", WITA) == day
    with pytest.raises(ValueError):
        sitrep.parse_day("05/01/2026", WITA)


def test_impact_lines_keep_zero_and_drop_unknown():
    lines = sitrep.impact_lines({"dead": 0, "missing": None, "displaced": 13825})
    assert [(line.name, line.text) for line in lines] == [("dead", "0 orang"), ("displaced", "13.825 orang")]
    assert sitrep.impact_lines(None) == []


def deployment(row_id, user_id, response, responded, arrived=None, done=None):
    return {"id": row_id, "user_id": user_id, "response": response, "responded_at": responded,
            "arrived_at": arrived, "done_at": done}


def test_personnel_as_of_a_moment_counts_each_volunteer_once_by_what_had_happened():
    start = datetime(2026, 1, 5, tzinfo=UTC)
    hour = timedelta(hours=1)
    rows = [
        deployment(1, 7, "bersedia", start),  # called twice: the later answer counts
        deployment(2, 7, "tiba", start + hour, arrived=start + 2 * hour),
        deployment(3, 8, "selesai", start, arrived=start + hour, done=start + 5 * hour),
        deployment(4, 9, "bersedia", start + 9 * hour),  # answered after the moment
    ]
    result = sitrep_deployments.as_of(rows, start + 3 * hour)
    assert [(row["user_id"], row["response"], row["done_at"]) for row in result] == [(8, "tiba", None), (7, "tiba", None)]
    early = sitrep_deployments.as_of(rows, start + hour + timedelta(minutes=30))
    assert [(row["user_id"], row["response"]) for row in early] == [(8, "tiba"), (7, "bersedia")]
    assert rows[2]["done_at"] is not None  # the caller's rows are left as they were


async def test_without_a_coat_of_arms_or_signatory_the_letterhead_is_text_and_the_name_left_to_write(staff):
    seeded = await seed_flood(staff)
    path = f"/koordinator/kejadian/{seeded.incident.code}/laporan-situasi"
    page = await staff.get(path)
    assert '<link rel="stylesheet" href="/static/css/sitrep.css?v=' in page.text  # the letterhead's layout, the print rules
    letterhead = re.search(r'data-testid="sitrep-letterhead">(.*?)</header>', page.text, re.S).group(1)
    assert "PEMERINTAH KABUPATEN BALANGAN" in letterhead and "DINAS SOSIAL" in letterhead and "<img" not in letterhead
    assert (await staff.get("/koordinator/laporan-situasi/lambang")).status_code == 404
    body = (await staff.get(path + ".pdf")).content
    reader = PdfReader(io.BytesIO(body))
    assert not reader.pages[0].images
    text = pdf_text(body)
    assert text.startswith("PEMERINTAH KABUPATEN BALANGAN DINAS SOSIAL LAPORAN SITUASI Nomor: 360/LAPSIT/")
    assert f"Balangan, {sitrep.day_text(today())} Kepala Dinas Sosial (" + "." * 40 + ")" in text
    assert "NIP." not in text
