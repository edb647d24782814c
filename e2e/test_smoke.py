"""The first pages a resident sees load cleanly on a phone-sized screen."""

import pytest
from playwright.sync_api import Page, expect

from e2e.helpers import serious_accessibility_violations, wait_for_service_worker_control


@pytest.mark.parametrize("path", ["/", "/lapor", "/transparansi"])
def test_page_loads_on_a_phone_without_errors_and_passes_axe(page: Page, demo_server, console_errors, path):
    response = page.goto(demo_server.base_url + path)
    assert response.status == 200
    expect(page.locator("link[rel=manifest]")).to_have_attribute("href", "/manifest.webmanifest")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360, "no sideways scrolling"
    assert serious_accessibility_violations(page) == []
    wait_for_service_worker_control(page)
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    assert console_errors == []


def test_home_shows_demo_incidents_and_leads_to_the_form(page: Page, demo_server, console_errors):
    page.goto(demo_server.base_url + "/")
    expect(page.get_by_test_id("incident-list")).to_contain_text("Banjir luapan sungai (demo)")
    page.get_by_test_id("report-button").click()
    expect(page).to_have_url(demo_server.base_url + "/lapor")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lapor bencana")
    assert console_errors == []


def test_choosing_a_kecamatan_fills_the_desa_list(page: Page, demo_server, console_errors):
    page.goto(demo_server.base_url + "/lapor")
    page.get_by_label("Kecamatan").select_option(label="Paringin")
    villages = page.get_by_label("Desa/kelurahan")
    expect(villages.locator("option", has_text="Balang")).to_have_count(1)
    villages.select_option(label="Balang")
    assert villages.input_value() == "63.11.06.2005"
    assert console_errors == []


def test_language_switch_shows_english(page: Page, demo_server, console_errors):
    page.goto(demo_server.base_url + "/lapor")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report a disaster")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert console_errors == []


def test_the_accessibility_check_does_catch_violations(page: Page, demo_server):
    # Guards the guard: a field without a label must be reported.
    page.goto(demo_server.base_url + "/lapor")
    page.evaluate("() => document.querySelector('main').append(document.createElement('input'))")
    violations = serious_accessibility_violations(page)
    assert "label" in {v["id"] for v in violations}
