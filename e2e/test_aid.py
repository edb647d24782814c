"""A coordinator records aid on the incident page, on a phone, and watches "still missing" go down
and the warehouse stock with it."""

from playwright.sync_api import Page, expect

from e2e.helpers import serious_accessibility_violations
from e2e.test_accounts import fits_the_screen, sign_in


def test_recording_aid_lowers_what_is_still_missing(page: Page, demo_server, console_errors):
    sign_in(page, demo_server.base_url, "koordinator")
    page.get_by_test_id("open-incidents").get_by_role("link", name="Banjir luapan sungai (demo)").click()
    rice = page.locator('[data-testid="needs"] tr[data-need="beras"]')
    # The demo flood's verified assessment: 180 displaced × 0,4 kg × 7 days = 504 kg of rice.
    expect(rice.get_by_test_id("needed")).to_have_text("504 kg")
    missing_before = rice.get_by_test_id("missing").inner_text()
    before = int(missing_before.split()[0].replace(".", ""))
    expect(page.get_by_test_id("standards-version")).to_contain_text("standar versi")
    assert fits_the_screen(page)

    page.get_by_text("Catat bantuan tersalur").click()
    form = page.get_by_test_id("aid-form")
    form.get_by_label("Barang", exact=True).select_option("beras")
    form.get_by_label("Jumlah").fill("200")
    form.get_by_label("Gudang", exact=True).check()
    form.get_by_label("Gudang asal").select_option(label="Gudang Dinas Sosial (demo)")
    form.get_by_label("Nama posko, desa atau tempat pengungsian").fill("Posko Balai Desa")
    form.get_by_label("Nama penerima").fill("Pak Pambakal")
    assert serious_accessibility_violations(page) == []
    form.get_by_role("button", name="Simpan bantuan").click()

    expect(rice.get_by_test_id("missing")).to_have_text(f"{before - 200} kg")
    expect(page.get_by_test_id("deliveries")).to_contain_text("Pak Pambakal")
    # A mistyped quantity is refused in place, with the form still filled in.
    page.get_by_text("Catat bantuan tersalur").click()
    form.get_by_label("Barang", exact=True).select_option("beras")
    form.get_by_label("Jumlah").fill("0")
    form.get_by_label("Nama posko, desa atau tempat pengungsian").fill("Posko Balai Desa")
    form.get_by_label("Nama penerima").fill("Bu Bidan")
    form.get_by_role("button", name="Simpan bantuan").click()
    expect(page.locator("#quantity-error")).to_have_text("Jumlah harus lebih dari 0.")
    expect(page.get_by_label("Nama penerima")).to_have_value("Bu Bidan")
    expect(rice.get_by_test_id("missing")).to_have_text(f"{before - 200} kg")
    assert serious_accessibility_violations(page) == []

    # The rice went out of the demo warehouse's 1.500 kg.
    page.goto(demo_server.base_url + "/koordinator/gudang")
    stock = page.get_by_test_id("balances").locator("tr", has_text="Beras")
    expect(stock.get_by_test_id("balance")).to_have_text("1.300 kg")
    assert fits_the_screen(page) and serious_accessibility_violations(page) == []
    # The browser logs the 422 that answered the mistake; nothing else may appear.
    assert [e for e in console_errors if "422" not in e] == []
