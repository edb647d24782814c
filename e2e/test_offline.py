"""Offline first, tested against a real server process that is really stopped and started."""

import sqlite3
import time

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e.helpers import FaultyProxy, wait_for_service_worker_control
from tests import images

DELIVERY_TIMEOUT_MS = 30_000


def stored_reports(server) -> list[tuple]:
    with sqlite3.connect(server.data_dir / "lapor.sqlite3") as db:
        return db.execute("SELECT code, hazard, description, idempotency_key FROM report").fetchall()


def stored_photos(server) -> int:
    with sqlite3.connect(server.data_dir / "lapor.sqlite3") as db:
        return db.execute("SELECT count(*) FROM report_photo").fetchone()[0]


def fill_report(page: Page, description: str) -> None:
    page.get_by_role("radio", name="Banjir", exact=True).check()
    page.get_by_label("Kecamatan").select_option(label="Paringin")
    page.get_by_label("Desa/kelurahan").select_option(label="Balang")
    page.get_by_label("Ceritakan singkat").fill(description)


def pending_banner(page: Page):
    return page.locator("[data-pending]")


def open_controlled(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_service_worker_control(page)
    # The precache is complete once the worker controls the page (install finished first).


def send_while_server_is_down(context: BrowserContext, server, description: str, photos=()) -> Page:
    page = context.new_page()
    open_controlled(page, server.base_url + "/lapor")
    server.stop()
    response = page.reload()
    assert response.from_service_worker, "the form must come from the service worker"
    fill_report(page, description)
    if photos:
        page.locator("[data-photo-input]").set_input_files(photos)
        expect(page.locator("[data-photo-list] img")).to_have_count(len(photos))
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_test_id("saved-offline")).to_contain_text("Laporan tersimpan di perangkat")
    expect(pending_banner(page)).to_contain_text("1 laporan menunggu sinyal")
    return page


def reopen_and_wait_for_delivery(context: BrowserContext, page: Page, server) -> Page:
    page.close()
    again = context.new_page()
    again.goto(server.base_url + "/")
    expect(pending_banner(again)).to_contain_text("1 laporan menunggu sinyal")
    assert stored_reports(server) == []
    server.start()
    expect(pending_banner(again)).to_be_hidden(timeout=DELIVERY_TIMEOUT_MS)
    return again


def test_a_report_written_with_the_server_gone_is_delivered_exactly_once(context: BrowserContext, own_server):
    page = send_while_server_is_down(context, own_server, "Banjir di Balang, dikirim tanpa sinyal")
    page = reopen_and_wait_for_delivery(context, page, own_server)
    [(code, hazard, description, _key)] = stored_reports(own_server)
    assert (hazard, description) == ("banjir", "Banjir di Balang, dikirim tanpa sinyal")
    expect(page.get_by_test_id("my-reports")).to_contain_text(f"{code[:4]}-{code[4:]}")
    with sqlite3.connect(own_server.data_dir / "lapor.sqlite3") as db:
        # A resident's report that waited in the outbox, not another system's.
        assert db.execute("SELECT source, channel FROM report").fetchall() == [("warga", "antrean")]


def test_photos_kept_offline_arrive_with_their_report(context: BrowserContext, own_server, tmp_path):
    photos = []
    for index in range(2):
        path = tmp_path / f"foto-{index}.jpg"
        path.write_bytes(images.jpeg(2400, 1800, colour=(60 * index, 100, 200)))
        photos.append(path)
    page = send_while_server_is_down(context, own_server, "Dengan dua foto", photos)
    page = reopen_and_wait_for_delivery(context, page, own_server)
    assert len(stored_reports(own_server)) == 1
    assert stored_photos(own_server) == 2


def test_a_500_after_the_server_stored_the_report_does_not_make_a_second_one(context: BrowserContext, own_server):
    proxy = FaultyProxy(own_server.port, fail_path="/api/v1/reports", failures=1)
    try:
        page = context.new_page()
        open_controlled(page, proxy.base_url + "/lapor")
        fill_report(page, "Jawaban pertama hilang")
        page.get_by_role("button", name="Kirim laporan").click()
        expect(page.get_by_test_id("saved-offline")).to_be_visible()
        expect(pending_banner(page)).to_be_hidden(timeout=DELIVERY_TIMEOUT_MS)
        assert proxy.failed_posts == 1
        [(code, _hazard, description, _key)] = stored_reports(own_server)
        assert description == "Jawaban pertama hilang"
        page.goto(proxy.base_url + "/")
        expect(page.get_by_test_id("my-reports")).to_contain_text(f"{code[:4]}-{code[4:]}")
    finally:
        proxy.close()


def cache_names(page: Page) -> list[str]:
    return page.evaluate("() => caches.keys()")


def test_a_new_version_is_offered_and_replaces_the_old_cache(context: BrowserContext, own_server):
    page = context.new_page()
    open_controlled(page, own_server.base_url + "/lapor")
    [old_cache] = cache_names(page)
    own_server.stop()
    own_server.env["LAPOR_RELEASE"] = "rilis-berikutnya"
    own_server.start()
    page.reload()
    banner = page.locator("[data-update-banner]")
    expect(banner).to_be_visible(timeout=15_000)
    expect(banner).to_contain_text("Versi baru tersedia")
    with page.expect_event("load"):
        banner.get_by_role("button", name="Muat ulang").click()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and old_cache in cache_names(page):
        time.sleep(0.1)
    names = cache_names(page)
    assert old_cache not in names
    assert len(names) == 1
    expect(banner).to_be_hidden()


@pytest.fixture
def installable_context(playwright, browser_type_launch_args, tmp_path):
    context = playwright.chromium.launch_persistent_context(
        tmp_path / "profile", **browser_type_launch_args, viewport={"width": 360, "height": 640}
    )
    yield context
    context.close()


def test_the_app_is_installable(installable_context, own_server):
    page = installable_context.pages[0] if installable_context.pages else installable_context.new_page()
    open_controlled(page, own_server.base_url + "/")
    cdp = installable_context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == []
    assert cdp.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}


def test_a_poster_address_opens_the_form_at_its_village_and_still_opens_the_form_offline(context: BrowserContext, own_server):
    page = context.new_page()
    open_controlled(page, own_server.base_url + "/lapor?desa=63.11.06.2005")
    expect(page.get_by_label("Kecamatan")).to_have_value("63.11.06")
    expect(page.get_by_label("Desa/kelurahan")).to_have_value("63.11.06.2005")
    own_server.stop()
    # Another village's poster, never opened before: the cached form, without the village chosen.
    response = page.goto(own_server.base_url + "/lapor?desa=63.11.05.2001")
    assert response.from_service_worker
    expect(page.get_by_role("heading", level=1)).to_have_text("Lapor bencana")
    expect(page.get_by_role("button", name="Kirim laporan")).to_be_visible()


def test_the_kept_report_notice_is_shown_at_once_and_becomes_its_tracking_code_when_delivered(
    context: BrowserContext, own_server
):
    page = send_while_server_is_down(context, own_server, "Banjir di Balang, kode muncul tanpa muat ulang")
    notice = page.get_by_test_id("saved-offline")
    expect(notice).to_contain_text("akan dikirim otomatis saat ada sinyal")
    # The person tapped Kirim at the bottom of the form: the answer is brought to them.
    expect(notice).to_be_focused()
    expect(notice).to_be_in_viewport()
    page.evaluate("() => { window.notReloaded = true; }")
    own_server.start()
    delivered = page.get_by_test_id("delivered")
    expect(delivered).to_be_visible(timeout=DELIVERY_TIMEOUT_MS)
    [(code, _hazard, _description, _key)] = stored_reports(own_server)
    expect(delivered).to_have_text(f"Laporan sudah terkirim. Kode pelacakan: {code[:4]}-{code[4:]}")
    expect(delivered.get_by_role("link", name=f"{code[:4]}-{code[4:]}")).to_have_attribute("href", f"/laporan/{code}")
    assert page.evaluate("() => window.notReloaded") is True
