"""Two coordinators watch the desk: a resident's report appears on both within 2 s, a verification
on one screen shows on the other, and a duplicate is merged — on one process with SQLite, and on
two processes sharing PostgreSQL (each screen served by a different one)."""

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import UNREACHABLE_TILES
from e2e.helpers import POSTGRES_URL, LiveServer, fresh_postgres_database

LIVE_TIMEOUT_MS = 2_000
PASSWORD = "rahasia-koordinator"


def add_coordinators(server: LiveServer) -> None:
    for name in ("sari", "dewi"):
        server.lapor("user", "create", "--role", "koordinator", "--username", name, "--name", name.title(), "--password", PASSWORD)


@pytest.fixture
def server_with_coordinators(own_server: LiveServer) -> LiveServer:
    add_coordinators(own_server)
    return own_server


@pytest.fixture
def two_processes_on_postgres(tmp_path: Path) -> Iterator[tuple[LiveServer, LiveServer]]:
    if not POSTGRES_URL:
        pytest.skip("needs PostgreSQL (LAPOR_TEST_POSTGRES_URL)")
    with fresh_postgres_database("live") as url:
        servers = []
        for label in ("a", "b"):
            (tmp_path / label).mkdir()
            servers.append(LiveServer(tmp_path / label, extra_env={"LAPOR_DATABASE_URL": url}))
        first, second = servers
        first.lapor("db", "migrate")
        first.lapor("regions", "import")
        add_coordinators(first)
        try:
            for server in servers:
                server.start()
            yield first, second
        finally:
            for server in servers:
                server.stop()


def coordinator_page(browser: Browser, server: LiveServer, username: str) -> Page:
    page = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    page.goto(server.base_url + "/masuk")
    page.get_by_label("Nomor HP atau nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(server.base_url + "/koordinator")
    # The live stream is open once the browser has connected its EventSource.
    page.wait_for_function("() => document.querySelector('[sse-connect]') && window.htmx")
    page.wait_for_timeout(300)
    return page


def resident_reports(server: LiveServer, **fields) -> str:
    body = {"hazard": "banjir", "village_code": "63.11.06.2005", "latitude": -2.3325, "longitude": 115.4712, **fields}
    request = urllib.request.Request(
        server.base_url + "/api/v1/reports", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["code"]


def test_reports_and_verifications_reach_every_open_desk_live(browser: Browser, server_with_coordinators):
    server = server_with_coordinators
    watch_two_desks(browser, sari_on=server, dewi_on=server)


def test_changes_made_through_one_process_reach_screens_served_by_another(browser: Browser, two_processes_on_postgres):
    first, second = two_processes_on_postgres
    watch_two_desks(browser, sari_on=first, dewi_on=second)


def watch_two_desks(browser: Browser, sari_on: LiveServer, dewi_on: LiveServer) -> None:
    sari, dewi = coordinator_page(browser, sari_on, "sari"), coordinator_page(browser, dewi_on, "dewi")

    code = resident_reports(sari_on, description="Banjir pertama")
    for page in (sari, dewi):
        expect(page.locator(f'[data-report-code="{code}"]')).to_be_visible(timeout=LIVE_TIMEOUT_MS)

    sari.locator(f'[data-report-code="{code}"] a').click()
    sari.get_by_role("button", name="Benar: jadikan kejadian baru").click()
    expect(sari.get_by_test_id("report-actions")).to_contain_text("Terverifikasi")
    expect(sari.get_by_test_id("report-status")).to_have_text("Terverifikasi")  # the badge too, out of band
    # On the other screen the report leaves the queue of new reports and the incident appears.
    expect(dewi.locator(f'[data-report-code="{code}"]')).to_have_count(0, timeout=LIVE_TIMEOUT_MS)
    expect(dewi.get_by_test_id("open-incidents")).to_contain_text("Banjir – Balang", timeout=LIVE_TIMEOUT_MS)

    duplicate = resident_reports(sari_on, latitude=-2.3330, longitude=115.4716, description="Banjir yang sama")
    expect(dewi.locator(f'[data-report-code="{duplicate}"]')).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    dewi.locator(f'[data-report-code="{duplicate}"] a').click()
    dewi.get_by_role("button", name="Gabungkan").click()
    expect(dewi.get_by_test_id("report-actions")).to_contain_text("Digabung")
    dewi.get_by_role("link", name="Banjir – Balang").click()
    expect(dewi.get_by_test_id("incident")).to_contain_text("Laporan (2)")

    # Sari opens the aid form; Dewi's change refreshes Sari's page live and the form stays open.
    sari.goto(sari_on.base_url + urlsplit(dewi.url).path)
    sari.get_by_text("Catat bantuan tersalur").click()
    expect(sari.get_by_test_id("aid-form")).to_be_visible()
    dewi.get_by_text("Pengaturan kejadian").click()
    dewi.get_by_label("Prioritas").select_option(label="Kritis")
    dewi.get_by_role("button", name="Simpan pengaturan").click()
    expect(sari.get_by_test_id("incident").get_by_role("definition").filter(has_text=re.compile("^Kritis$"))).to_be_visible(
        timeout=LIVE_TIMEOUT_MS
    )
    expect(sari.get_by_test_id("aid-form")).to_be_visible()
    sari.close()
    dewi.close()


def test_a_report_is_merged_into_an_incident_found_by_the_active_search_with_the_keyboard(
    browser: Browser, server_with_coordinators
):
    server = server_with_coordinators
    sari = coordinator_page(browser, server, "sari")
    errors: list[str] = []
    sari.on("pageerror", lambda error: errors.append(str(error)))
    sari.on("console", lambda message: errors.append(message.text) if message.type == "error"
            and not message.location.get("url", "").startswith(UNREACHABLE_TILES) else None)
    first = resident_reports(server, description="Banjir di Balang")
    sari.goto(server.base_url + "/koordinator")
    sari.locator(f'[data-report-code="{first}"] a').click()
    sari.get_by_role("button", name="Benar: jadikan kejadian baru").click()
    expect(sari.get_by_test_id("report-actions")).to_contain_text("Terverifikasi")

    # Far away, in another kecamatan, without a position: no suggestion, so the coordinator searches.
    far = resident_reports(server, village_code="63.11.01.2001", latitude=None, longitude=None)
    sari.goto(server.base_url + "/koordinator")
    sari.locator(f'[data-report-code="{far}"] a').click()
    expect(sari.get_by_test_id("report-actions")).to_contain_text("Tidak ada kejadian serupa di dekatnya.")
    address = sari.url
    sari.get_by_label("Cari kejadian terbuka lain: kode, tempat atau jenis").press_sequentially("balang", delay=30)
    results = sari.get_by_test_id("incident-results")
    expect(results.get_by_role("radio", name="Banjir – Balang")).to_be_visible()
    assert sari.url == address  # found while typing, without loading another page
    sari.keyboard.press("Tab")  # the search button
    sari.keyboard.press("Tab")  # the first result, already chosen
    expect(results.get_by_role("radio", name="Banjir – Balang")).to_be_focused()
    sari.keyboard.press("Tab")
    expect(sari.get_by_role("button", name="Gabungkan ke kejadian terpilih")).to_be_focused()
    sari.keyboard.press("Enter")
    expect(sari.get_by_test_id("report-actions")).to_contain_text("Digabung")
    expect(sari.get_by_test_id("report-actions").get_by_role("link", name="Banjir – Balang")).to_be_visible()
    assert errors == []
    sari.close()
