"""A volunteer registers on a phone, the demo coordinator signs in and approves the registration;
a signed-in field officer's report from the JavaScript form is credited to the officer."""

import secrets

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.helpers import serious_accessibility_violations

DEMO_PASSWORD = "demo12345"


@pytest.fixture
def phone(browser: Browser, browser_context_args):
    """A second phone, for a second person at the same time."""
    context = browser.new_context(**browser_context_args)
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Page, base_url: str, identifier: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(base_url + "/masuk")
    page.get_by_label("Nomor HP atau nama pengguna").fill(identifier)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_role("button", name="Masuk").click()


def fits_the_screen(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= 360


def test_a_coordinator_approves_a_volunteer_who_registered_on_a_phone(
    page: Page, phone: Page, demo_server, console_errors
):
    name = f"Relawan Uji {secrets.token_hex(3)}"
    number = "0813" + "".join(secrets.choice("0123456789") for _ in range(8))

    phone.goto(demo_server.base_url + "/daftar")
    assert serious_accessibility_violations(phone) == []
    phone.get_by_label("Nama lengkap").fill(name)
    phone.get_by_label("Nomor HP/WhatsApp").fill(number)
    phone.get_by_label("Organisasi").fill("Tagana")
    phone.locator("#password").fill("relawan-baru-1")
    phone.get_by_label("Ulangi kata sandi").fill("relawan-baru-1")
    phone.get_by_role("button", name="Daftar").click()
    # The same answer as for a number that already has an account: the volunteer then signs in.
    expect(phone.get_by_test_id("registration-sent")).to_be_visible()
    sign_in(phone, demo_server.base_url, number, "relawan-baru-1")
    expect(phone.get_by_test_id("approval-state")).to_contain_text("Menunggu persetujuan")

    page.goto(demo_server.base_url + "/masuk")
    assert serious_accessibility_violations(page) == []
    assert fits_the_screen(page)
    sign_in(page, demo_server.base_url, "koordinator")
    expect(page).to_have_url(demo_server.base_url + "/koordinator")
    expect(page.get_by_test_id("nav-user")).to_have_text("Koordinator Demo")
    assert fits_the_screen(page)
    pending = page.get_by_test_id("pending-accounts").locator("li", has_text=name)
    expect(pending).to_contain_text("Tagana")
    pending.get_by_role("button", name=f"Setujui {name}").click()
    expect(page.get_by_test_id("pending-accounts").locator("li", has_text=name)).to_have_count(0)
    assert serious_accessibility_violations(page) == []

    phone.reload()
    expect(phone.get_by_test_id("approval-state")).to_have_text("Akun Anda sudah disetujui.")
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_role("link", name="Masuk")).to_be_visible()
    assert console_errors == []


def test_a_signed_in_field_officer_is_credited_with_a_report_sent_by_the_form(page: Page, demo_server, console_errors):
    sign_in(page, demo_server.base_url, "petugas")
    expect(page.get_by_test_id("nav-user")).to_have_text("Petugas Lapangan Demo")
    page.goto(demo_server.base_url + "/lapor")
    page.get_by_role("radio", name="Banjir", exact=True).check()
    page.get_by_label("Kecamatan").select_option(label="Paringin")
    page.get_by_label("Desa/kelurahan").select_option(label="Balang")
    # Sent by report-form.js through the JSON API, which credits the officer only with the CSRF header.
    with page.expect_response("**/api/v1/reports") as sent:
        page.get_by_role("button", name="Kirim laporan").click()
    assert sent.value.status == 201
    expect(page.get_by_test_id("sent-notice")).to_be_visible()
    code = page.get_by_test_id("tracking-code").inner_text().replace("-", "")
    [(source, reporter)] = demo_server.query(
        "SELECT report.source, app_user.username FROM report LEFT JOIN app_user ON app_user.id = report.reporter "
        "WHERE report.code = ?",
        code,
    )
    assert (source, reporter) == ("petugas", "petugas")
    assert console_errors == []
