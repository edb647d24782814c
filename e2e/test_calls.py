"""A coordinator sends a call for help from an incident page; a volunteer on a phone answers on the
field incident page, and the answer appears on the coordinator's open page without a reload."""

import sqlite3

from playwright.sync_api import Browser, Page, expect

from e2e.helpers import serious_accessibility_violations
from e2e.test_accounts import sign_in

LIVE_TIMEOUT_MS = 2_000


def test_a_volunteers_answer_reaches_the_coordinators_open_incident_page(
    browser: Browser, page: Page, demo_server, console_errors
):
    desk = browser.new_context(viewport={"width": 1024, "height": 800}).new_page()
    sign_in(desk, demo_server.base_url, "koordinator")
    expect(desk).to_have_url(demo_server.base_url + "/koordinator")
    desk.get_by_test_id("open-incidents").get_by_role("link", name="Kebakaran rumah (demo)").click()
    code = desk.url.rsplit("/", 1)[1]
    desk.wait_for_function("() => document.querySelector('[sse-connect]') && window.htmx")

    desk.get_by_text("Kirim panggilan bantuan").click()
    desk.get_by_role("checkbox", name="Dapur umum", exact=True).check()
    desk.get_by_label("Pesan singkat (tidak wajib)").fill("Kumpul di balai desa")
    desk.get_by_role("button", name="Kirim panggilan").click()
    expect(desk.get_by_test_id("call-notice")).to_be_visible()
    calls = desk.get_by_test_id("calls")
    expect(calls.locator("[data-call-id]")).to_have_count(1)
    assert serious_accessibility_violations(desk) == []
    desk.wait_for_timeout(300)  # the event stream is connected again after the swap

    # The volunteer, on a phone (the test's own page), answers; never reloading the desk.
    page.goto(f"{demo_server.base_url}/kejadian/{code}?jawab=bersedia")
    sign_in(page, demo_server.base_url, "relawan1")
    page.goto(f"{demo_server.base_url}/kejadian/{code}?jawab=bersedia")
    expect(page.get_by_test_id("field-incident")).to_contain_text("Kebakaran rumah")
    assert serious_accessibility_violations(page) == []
    page.get_by_test_id("confirm-answer").get_by_role("button", name="Bersedia").click()
    expect(page.get_by_test_id("field-calls")).to_contain_text("Jawaban tersimpan: Bersedia.")
    with sqlite3.connect(demo_server.data_dir / "lapor.sqlite3") as db:
        (user_id,) = db.execute("SELECT id FROM app_user WHERE username = 'relawan1'").fetchone()
    row = calls.locator(f'[data-recipient="{user_id}"]')
    expect(row).to_contain_text("Bersedia", timeout=LIVE_TIMEOUT_MS)
    expect(row).to_contain_text("Relawan Tagana Demo 1")

    page.get_by_role("button", name="Berangkat").click()
    expect(page.get_by_test_id("my-answer")).to_have_text("Berangkat")
    expect(row).to_have_attribute("data-response", "berangkat", timeout=LIVE_TIMEOUT_MS)
    assert console_errors == []
    desk.context.close()
