"""The staff reporting pages on a phone: accessible (axe) and without sideways scrolling."""

import pytest
from playwright.sync_api import Page

from e2e.helpers import serious_accessibility_violations
from e2e.test_accounts import fits_the_screen, sign_in


@pytest.mark.parametrize("path", ["/koordinator/laporan-situasi", "/koordinator/ekspor"])
def test_reporting_pages_pass_axe_on_a_phone(page: Page, demo_server, console_errors, path):
    sign_in(page, demo_server.base_url, "koordinator")
    response = page.goto(demo_server.base_url + path)
    assert response.status == 200
    assert fits_the_screen(page), "wide tables scroll inside their box, not the page"
    assert serious_accessibility_violations(page) == []
    assert console_errors == []
