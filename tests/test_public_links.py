"""Every absolute link the app hands out starts with LAPOR_BASE_URL: on a poster, in its QR code,
on the tracking page and its WhatsApp share, in a CAP alert."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from tests.sitrep_data import seed_flood

BASE = "http://127.0.0.1:8611"


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"base_url": BASE})


def test_a_trailing_slash_of_the_setting_makes_no_double_slash(tmp_path):
    from lapor_bencana.config import Settings

    settings = Settings(data_dir=tmp_path, base_url="https://lapor.example/")
    assert settings.link("/lapor") == "https://lapor.example/lapor"


async def test_links_on_pages_and_alerts_start_with_the_base_url(client, staff):
    seeded = await seed_flood(staff)
    code = seeded.report.code
    pages = {
        "/poster/63.11.06.2005": f"{BASE}/lapor",
        f"/laporan/{code}": f"{BASE}/laporan/{code}",
        f"/koordinator/kejadian/{seeded.incident.code}/cap.xml": f"<web>{BASE}/transparansi</web>",
    }
    for path, link in pages.items():
        response = await staff.get(path)
        assert response.status_code == 200, path
        text = unquote(response.text)
        assert link in text, path
        assert ":8000" not in text, path
    status_page = unquote((await client.get(f"/laporan/{code}")).text)
    assert "https://wa.me/?text=" in status_page and f"{BASE}/laporan/{code}" in status_page
