"""A resident reports from a phone: hazard, location, photos, progress, tracking page."""

import sqlite3

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.helpers import serious_accessibility_violations
from tests import images

BALANGAN = {"latitude": -2.3325, "longitude": 115.4712, "accuracy": 12}


@pytest.fixture
def phone(browser: Browser, browser_context_args) -> Page:
    context = browser.new_context(**browser_context_args, geolocation=BALANGAN, permissions=["geolocation"])
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def two_photos(tmp_path):
    paths = []
    for index, colour in enumerate([(200, 40, 40), (40, 120, 200)]):
        path = tmp_path / f"foto-{index}.jpg"
        path.write_bytes(images.jpeg(3000, 2000, colour=colour))
        paths.append(path)
    return paths


def reports_in(server) -> list[tuple]:
    with sqlite3.connect(server.data_dir / "lapor.sqlite3") as db:
        return db.execute("SELECT code, hazard, latitude, location_source FROM report").fetchall()


def photo_count(server) -> int:
    with sqlite3.connect(server.data_dir / "lapor.sqlite3") as db:
        return db.execute("SELECT count(*) FROM report_photo").fetchone()[0]


def test_a_resident_reports_with_location_and_two_photos(phone: Page, own_server, two_photos):
    errors = []
    phone.on("pageerror", lambda error: errors.append(str(error)))
    phone.goto(own_server.base_url + "/lapor")
    phone.get_by_role("radio", name="Banjir", exact=True).check()
    phone.get_by_role("button", name="Gunakan lokasi saya").click()
    expect(phone.locator("[data-location-status]")).to_contain_text("akurasi ± 12 m")

    phone.locator("[data-photo-input]").set_input_files(two_photos)
    expect(phone.locator("[data-photo-list] img")).to_have_count(2)
    phone.get_by_label("Ceritakan singkat").fill("Air masuk rumah setinggi lutut")

    # A slow uplink, so the progress bar has time to show (the browser throttles, nothing is faked).
    cdp = phone.context.new_cdp_session(phone)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 100, "downloadThroughput": 400_000, "uploadThroughput": 60_000},
    )
    phone.get_by_role("button", name="Kirim laporan").click()
    phone.wait_for_function(
        "() => { const bar = document.querySelector('#upload-progress');"
        " return !bar.closest('[data-progress]').hidden && bar.value > 0 && bar.value < 100; }"
    )
    expect(phone.locator("[data-progress-label]")).to_contain_text("Mengirim foto")

    expect(phone.get_by_test_id("sent-notice")).to_be_visible(timeout=30_000)
    code = phone.get_by_test_id("tracking-code").inner_text().replace("-", "")
    assert phone.url.endswith(f"/laporan/{code}?baru=1")
    expect(phone.locator(".photo-grid img")).to_have_count(2)
    [(stored_code, hazard, latitude, source)] = reports_in(own_server)
    assert (stored_code, hazard, source) == (code, "banjir", "perangkat")
    assert latitude == pytest.approx(BALANGAN["latitude"], abs=1e-5)
    assert photo_count(own_server) == 2
    with sqlite3.connect(own_server.data_dir / "lapor.sqlite3") as db:
        # Sent through the JSON API by the page, named by it: a resident's report, not another system's.
        assert db.execute("SELECT source, channel, client_name FROM report").fetchall() == [("warga", "formulir", "")]
    assert serious_accessibility_violations(phone) == []
    assert errors == []


def test_mistakes_are_shown_next_to_the_fields_and_can_be_corrected(page: Page, own_server, console_errors):
    page.goto(own_server.base_url + "/lapor")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("#hazard-error")).to_have_text("Pilih jenis bencana.")
    expect(page.locator("#village_code-error")).to_contain_text("Pilih desa")
    assert reports_in(own_server) == []

    page.get_by_role("radio", name="Kebakaran rumah", exact=True).check()
    page.get_by_label("Kecamatan").select_option(label="Lampihong")
    page.get_by_label("Desa/kelurahan").select_option(index=1)
    page.locator("summary").click()
    page.get_by_label("Rumah rusak berat").fill("-2")
    page.get_by_label("Rumah rusak berat").blur()
    expect(page.locator("#houses_heavily_damaged-error")).to_have_text("Isi dengan angka bulat 0 atau lebih.")
    page.get_by_label("Rumah rusak berat").fill("2")
    page.get_by_role("button", name="Kirim laporan").click()

    expect(page.get_by_test_id("sent-notice")).to_be_visible()
    [(_code, hazard, _lat, _source)] = reports_in(own_server)
    assert hazard == "kebakaran"
    # A 422 is the server's answer to a mistake; the browser logs it, nothing else may appear.
    assert [e for e in console_errors if "422" not in e] == []
