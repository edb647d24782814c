import httpx
import pytest

from lapor_bencana.app import create_app


@pytest.fixture
async def strict_client(settings):
    app = create_app(settings.model_copy(update={"rate_limit_per_minute": 3}))
    async with app.lifespan():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            yield http


async def test_public_posts_beyond_the_limit_get_a_friendly_429(strict_client):
    body = {"hazard": "banjir", "village_code": "63.11.06.2005"}
    statuses = [(await strict_client.post("/api/v1/reports", json=body)).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    refused = await strict_client.post("/api/v1/reports", json=body)
    assert refused.json()["detail"] == "Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi."


async def test_reading_pages_is_not_limited(strict_client):
    statuses = {(await strict_client.get("/lapor")).status_code for _ in range(6)}
    assert statuses == {200}


async def test_the_429_page_is_indonesian_html_for_people(strict_client):
    for _ in range(4):
        response = await strict_client.post("/lapor", data={}, headers={"accept": "text/html"})
    assert response.status_code == 429
    assert "Terlalu banyak permintaan" in response.text
