"""The coordinators' map: the demo incidents are on it and in the list beside it, the list opens
their popups, a resident's new report appears without a reload; the map and dashboard pages pass
axe-core. The demo server's tile server is unreachable here, as in the field without a signal:
the markers must show on the plain background."""

import json
import urllib.request

from playwright.sync_api import Browser, Page, expect

from e2e.helpers import LiveServer, serious_accessibility_violations

LAPTOP = {"width": 1200, "height": 800}
LIVE_TIMEOUT_MS = 2_000


def sign_in_as_coordinator(page: Page, server: LiveServer) -> None:
    page.goto(server.base_url + "/masuk?next=/koordinator/peta")
    page.get_by_label("Nomor HP atau nama pengguna").fill("koordinator")
    page.get_by_label("Kata sandi").fill("demo12345")
    page.get_by_role("button", name="Masuk").click()
    page.goto(server.base_url + "/koordinator/peta")


def page_problems(page: Page) -> list[str]:
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    # Tiles that cannot load are expected here; anything else (a CSP refusal above all) is not.
    page.on("console", lambda m: m.type == "error" and "Failed to load resource" not in m.text and problems.append(m.text))
    return problems


def test_the_map_shows_the_demo_incidents_and_the_list_opens_their_popups(browser: Browser, demo_server: LiveServer):
    page = browser.new_context(viewport=LAPTOP, locale="id-ID").new_page()
    problems = page_problems(page)
    sign_in_as_coordinator(page, demo_server)

    flood = page.locator("[data-map-item]", has_text="Banjir luapan sungai (demo)")
    expect(flood).to_be_visible()
    marker = page.locator(".leaflet-marker-icon[title^='Banjir luapan sungai (demo)']")
    expect(marker).to_be_visible()
    expect(page.locator(".leaflet-marker-icon.map-pin-report").first).to_be_visible()
    # Balangan's eight kecamatan outlined under the markers, each named.
    expect(page.locator("path.map-boundary")).to_have_count(8)
    expect(page.locator(".map-boundary-label", has_text="Paringin Selatan")).to_be_visible()

    flood.get_by_role("button", name="Tampilkan di peta").click()
    popup = page.locator(".leaflet-popup")
    expect(popup).to_contain_text("Banjir luapan sungai (demo)")
    expect(popup.get_by_role("link")).to_have_attribute("href", flood.get_by_role("link").get_attribute("href"))
    expect(flood).to_have_class("card in-view is-selected")

    page.locator(".leaflet-popup-close-button").click()
    for _ in range(3):
        page.get_by_role("button", name="Perkecil").click()
    page.wait_for_timeout(500)  # the zoom animation
    page.locator(".leaflet-marker-icon[title^='Kebakaran rumah (demo)']").click()
    expect(page.locator("[data-map-item].is-selected")).to_contain_text("Kebakaran rumah (demo)")
    expect(page.locator("[data-map-note]")).to_be_visible()

    assert serious_accessibility_violations(page) == []
    page.goto(demo_server.base_url + "/koordinator/dasbor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dasbor")
    expect(page.get_by_test_id("totals")).to_contain_text("Kejadian berjalan")
    expect(page.locator("svg.chart[role=img]")).to_have_count(4)
    expect(page.get_by_test_id("district-map").locator("path.chart-area")).to_have_count(8)
    assert serious_accessibility_violations(page) == []
    assert problems == []
    page.context.close()


def test_a_residents_report_appears_on_an_open_map_and_becomes_an_incident(browser: Browser, own_server: LiveServer):
    own_server.lapor("demo", "seed")
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="id-ID", has_touch=True, is_mobile=True)
    page = context.new_page()
    sign_in_as_coordinator(page, own_server)
    page.wait_for_function("() => window.htmx && document.querySelector('.leaflet-marker-icon')")
    page.wait_for_timeout(300)  # the event stream connects

    body = {"hazard": "tanah_longsor", "village_code": "63.11.06.2005", "latitude": -2.3325, "longitude": 115.4712}
    request = urllib.request.Request(
        own_server.base_url + "/api/v1/reports", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201

    item = page.locator("[data-map-item]", has_text="Tanah longsor").filter(has_text="Balang")
    expect(item).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(page.locator(".leaflet-marker-icon.map-pin-report[title='Tanah longsor']")).to_have_count(2, timeout=LIVE_TIMEOUT_MS)

    # Another coordinator screen verifies it: the map shows the incident.
    desk = context.new_page()
    desk.goto(own_server.base_url + item.get_by_role("link").get_attribute("href"))
    desk.get_by_role("button", name="Benar: jadikan kejadian baru").click()
    expect(desk.get_by_test_id("report-actions")).to_contain_text("Terverifikasi")
    incident = page.locator(".leaflet-marker-icon.map-pin-incident[title^='Tanah longsor – Balang']")
    expect(incident).to_have_count(1, timeout=LIVE_TIMEOUT_MS)
    expect(page.locator("[data-map-item]", has_text="Tanah longsor – Balang")).to_be_visible()
    context.close()
