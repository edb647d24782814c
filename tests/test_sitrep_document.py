"""The situation report as an official document, through HTTP on both databases: letterhead,
number, zone-labelled times, signature block and "Halaman i dari N" in the PDF (read back with
pypdf) and on the page; the chronology with volunteers' answers and aid deliveries; the page
layout rules of the PDF; and the settings that configure the letterhead."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from PIL import Image
from pydantic import ValidationError
from pypdf import PdfReader

from lapor_bencana import timeutil
from lapor_bencana.cli import main
from lapor_bencana.config import Settings
from lapor_bencana.sitrep import document, pdf
from lapor_bencana.sitrep import report as sitrep
from lapor_bencana.sitrep.aid import DeliveryLine
from tests import images
from tests.sitrep_data import answer_every_step, record_aid, seed_flood

WITA = ZoneInfo("Asia/Makassar")
NIP = "198001012005011001"
SIGNER = "Drs. H. Rahmadi Noor"
HEADINGS = ("Dampak", "Kebutuhan", "Tindakan yang dilakukan", "Bantuan tersalur", "Personel bertugas", "Kronologi")


def pages_of(body: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(body)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


async def report_of(app, incident) -> sitrep.SituationReport:
    """Today's report of the incident as the page makes it, to be lengthened by a test."""
    state = app.state
    paper = document.paper_of(state.settings, state.regency_name, {})
    today = timeutil.now().astimezone(WITA).date()
    return await sitrep.incident_report(incident, today, zone=WITA, regency_name=state.regency_name, paper=paper)


@pytest.fixture
def settings(settings, tmp_path):
    """A deployment with its whole letterhead and signatory configured."""
    emblem = tmp_path / "lambang-balangan.png"
    emblem.write_bytes(images.png_with_alpha(120, 140))
    return settings.model_copy(update={
        "letterhead_emblem": emblem,
        "letterhead_office": "Dinas Sosial",
        "letterhead_address": "Jl. A. Yani No. 1, Paringin, Balangan 71662",
        "signatory_name": SIGNER,
        "signatory_position": "Kepala Dinas Sosial",
        "signatory_nip": NIP,
        "signature_place": "Paringin",
    })


async def test_the_pdf_carries_letterhead_number_times_with_zone_signature_and_page_numbers(staff):
    seeded = await seed_flood(staff)
    code = seeded.incident.code
    response = await staff.get(f"/koordinator/kejadian/{code}/laporan-situasi.pdf")
    assert response.status_code == 200
    pages = pages_of(response.content)
    first = flat(pages[0])
    assert first.startswith("PEMERINTAH KABUPATEN BALANGAN DINAS SOSIAL Jl. A. Yani No. 1, Paringin, Balangan 71662 LAPORAN SITUASI")
    today = timeutil.now().astimezone(WITA).date()
    number = f"360/LAPSIT/{code[:4]}-{code[4:]}/{today:%Y%m%d}"
    assert f"Nomor: {number}" in first
    assert re.search(r"Waktu kejadian \d{1,2} \w{3} \d{4} \d{2}:\d{2} WITA", first)
    assert len(PdfReader(io.BytesIO(response.content)).pages[0].images) == 1, "the coat of arms"
    for index, text in enumerate(pages, start=1):
        assert f"Halaman {index} dari {len(pages)}" in text
    signed = flat(pages[-1])
    signature = f"Paringin, {sitrep.day_text(today)} Kepala Dinas Sosial {SIGNER} NIP. 19800101 200501 1 001"
    assert signature in signed

    page = await staff.get(f"/koordinator/kejadian/{code}/laporan-situasi")
    letterhead = re.search(r'data-testid="sitrep-letterhead">(.*?)</header>', page.text, re.S).group(1)
    assert "PEMERINTAH KABUPATEN BALANGAN" in letterhead and "DINAS SOSIAL" in letterhead
    assert 'src="/koordinator/laporan-situasi/lambang"' in letterhead
    assert f"Nomor: {number}" in page.text and " WITA" in page.text
    assert SIGNER in page.text and "NIP. 19800101 200501 1 001" in page.text
    emblem = await staff.get("/koordinator/laporan-situasi/lambang")
    assert emblem.status_code == 200 and emblem.headers["content-type"] == "image/png"


async def test_a_coat_of_arms_gone_since_the_start_leaves_a_text_letterhead_not_an_error(staff, settings):
    seeded = await seed_flood(staff)
    settings.letterhead_emblem.unlink()
    response = await staff.get(f"/koordinator/kejadian/{seeded.incident.code}/laporan-situasi.pdf")
    assert response.status_code == 200
    assert not PdfReader(io.BytesIO(response.content)).pages[0].images
    assert flat(pages_of(response.content)[0]).startswith("PEMERINTAH KABUPATEN BALANGAN DINAS SOSIAL")
    assert (await staff.get("/koordinator/laporan-situasi/lambang")).status_code == 404


async def test_the_regency_report_is_numbered_for_the_regency(staff):
    await seed_flood(staff)
    today = timeutil.now().astimezone(WITA).date()
    text = flat(" ".join(pages_of((await staff.get("/koordinator/laporan-situasi.pdf")).content)))
    assert f"Nomor: 360/LAPSIT/KAB/{today:%Y%m%d}" in text and "Ringkasan kabupaten" in text


async def test_the_report_form_names_another_signatory_for_one_report(staff):
    seeded = await seed_flood(staff)
    path = f"/koordinator/kejadian/{seeded.incident.code}/laporan-situasi"
    asked = {"penandatangan": "Hj. Siti Aisyah, S.Sos", "jabatan": "Plt. Kepala Dinas Sosial", "nip": "19750505 199903 2 004"}
    page = await staff.get(path, params=asked)
    assert page.status_code == 200
    assert "Hj. Siti Aisyah, S.Sos" in page.text and "NIP. 19750505 199903 2 004" in page.text and SIGNER not in page.text
    pdf_link = re.search(r'href="([^"]+)" data-testid="sitrep-pdf"', page.text).group(1).replace("&amp;", "&")
    text = flat(" ".join(pages_of((await staff.get(pdf_link)).content)))
    assert "Plt. Kepala Dinas Sosial Hj. Siti Aisyah, S.Sos NIP. 19750505 199903 2 004" in text

    refused = await staff.get(path, params={"nip": "12345"})
    assert refused.status_code == 422 and "NIP harus 18 angka" in refused.text
    refused_pdf = await staff.get(path + ".pdf", params={"nip": "12345"})
    assert refused_pdf.status_code == 422 and "NIP harus 18 angka" in refused_pdf.text


async def test_the_chronology_holds_answers_and_deliveries_in_time_order(app, staff):
    seeded = await seed_flood(staff)
    incident = seeded.incident
    last_answer = await answer_every_step(app, incident)
    await record_aid(staff, incident)

    last_day = last_answer.astimezone(WITA).date().isoformat()
    page = await staff.get(f"/koordinator/kejadian/{incident.code}/laporan-situasi", params={"tanggal": last_day})
    chronology = re.search(r'data-testid="sitrep-chronology">(.*?)</ol>', page.text, re.S).group(1)
    moments = [datetime.fromisoformat(moment) for moment in re.findall(r'<time datetime="([^"]+)"', chronology)]
    assert moments == sorted(moments)
    lines = [flat(re.sub(r"<[^>]+>", " ", item)) for item in re.findall(r"<li>(.*?)</li>", chronology, re.S)]
    expected = [
        "memverifikasi laporan dan membuat kejadian",
        "Budi Santoso bersedia bertugas",
        "Budi Santoso berangkat ke lokasi",
        "Budi Santoso tiba di lokasi",
        "Budi Santoso selesai bertugas",
    ]
    positions = [next(i for i, line in enumerate(lines) if text in line) for text in expected]
    assert positions == sorted(positions)
    delivery = next(line for line in lines if "Bantuan disalurkan: Beras 100 kg ke Posko Balai Desa" in line)
    assert delivery.endswith("WITA Bantuan disalurkan: Beras 100 kg ke Posko Balai Desa")

    body = (await staff.get(f"/koordinator/kejadian/{incident.code}/laporan-situasi.pdf", params={"tanggal": last_day})).content
    text = flat(" ".join(pages_of(body)))
    chronology_text = text[text.index("Kronologi"):]
    found = [chronology_text.index(line) for line in expected]
    assert found == sorted(found)
    assert "Bantuan disalurkan: Beras 100 kg ke Posko Balai Desa" in chronology_text


def test_aid_recorded_on_a_later_day_stands_at_the_end_of_its_day_by_date_only():
    delivered = date(2026, 1, 10)
    line = DeliveryLine(delivered, "beras", "Beras", "kg", Decimal(100), "Posko", datetime(2026, 1, 12, 3, tzinfo=UTC))
    event = sitrep._delivery_event(line, WITA)
    assert not event.timed
    assert event.at.astimezone(WITA).date() == delivered
    assert event.at < sitrep.end_of_day(delivered, WITA) and event.at > sitrep.end_of_day(delivered, WITA) - timedelta(seconds=1)
    same_day = DeliveryLine(delivered, "beras", "Beras", "kg", Decimal(100), "", datetime(2026, 1, 10, 3, tzinfo=UTC))
    assert sitrep._delivery_event(same_day, WITA) == sitrep.Event(same_day.recorded_at, "Bantuan disalurkan: Beras 100 kg")


async def test_a_long_report_keeps_headings_rows_and_the_signature_whole(staff, app):
    seeded = await seed_flood(staff)
    situation = await report_of(app, seeded.incident)
    # Rows of one to four lines, enough for several pages.
    start = seeded.incident.occurred_at
    events = [
        sitrep.Event(start + timedelta(minutes=n), f"Peristiwa {n:03d} " + "catatan lapangan yang panjang " * (1 + n % 4 * 3))
        for n in range(90)
    ]
    situation.sections[0].chronology.extend(events)
    pages = pages_of(pdf.render(situation))
    assert len(pages) >= 3
    for index, text in enumerate(pages, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        content = [line for line in lines if "Halaman" not in line]
        assert len(content) > 1, f"page {index} holds a single line: {content}"
        assert content[-1] not in HEADINGS, f"page {index} ends with the heading {content[-1]!r}"
        assert f"Halaman {index} dari {len(pages)}" in text
    flattened = [flat(text) for text in pages]
    for event in events:
        # A row is never split: its whole text is on one page.
        assert any(flat(event.text) in text for text in flattened), event.text[:14]
    assert "NIP. 19800101 200501 1 001" in flattened[-1] and SIGNER in flattened[-1]


async def test_the_signature_never_stands_alone_on_a_page(staff, app):
    seeded = await seed_flood(staff)
    situation = await report_of(app, seeded.incident)
    chronology = situation.sections[0].chronology
    start = seeded.incident.occurred_at
    # One more row at a time, the report's end moves down the page and past its foot.
    for n in range(15):
        chronology.append(sitrep.Event(start + timedelta(minutes=n), f"Catatan {n:02d}" + " lapangan" * (n % 3 * 12)))
        last_page = flat(pages_of(pdf.render(situation))[-1])
        assert f"Catatan {n:02d}" in last_page, f"with {len(chronology)} rows the signature is alone"
        assert last_page.index(f"Catatan {n:02d}") < last_page.index(SIGNER)


def test_a_missing_or_unreadable_coat_of_arms_stops_the_start_with_a_clear_message(tmp_path):
    not_an_image = tmp_path / "lambang.png"
    not_an_image.write_text("bukan gambar")
    for path, message in ((tmp_path / "tidak-ada.png", "cannot read the coat of arms image"), (not_an_image, "cannot read the coat of arms image")):
        with pytest.raises(ValidationError, match=message):
            Settings(letterhead_emblem=path)
    gif = tmp_path / "lambang.gif"
    Image.new("P", (16, 16)).save(gif, format="GIF")
    with pytest.raises(ValidationError, match="must be PNG or JPEG"):
        Settings(letterhead_emblem=gif)
    assert Settings(letterhead_emblem="").letterhead_emblem is None
    with pytest.raises(ValidationError, match="18 digits"):
        Settings(signatory_nip="1980")
    assert Settings(signatory_nip="19800101 200501 1 001").signatory_nip == NIP


def test_start_up_names_the_bad_setting(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {"LAPOR_DATA_DIR": str(tmp_path / "data"), "LAPOR_LETTERHEAD_EMBLEM": str(tmp_path / "tidak-ada.png")}
    result = CliRunner().invoke(main, ["db", "migrate"], env=env)
    assert result.exit_code != 0
    assert "LAPOR_LETTERHEAD_EMBLEM" in result.output and "cannot read the coat of arms image" in result.output
