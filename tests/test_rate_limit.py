import httpx
import pytest
from litestar.exceptions import TooManyRequestsException

from lapor_bencana.app import create_app
from lapor_bencana.web.rate_limit import PublicWriteRateLimit


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


async def test_a_429_says_when_to_try_again(strict_client):
    for _ in range(3):
        await strict_client.post("/api/v1/reports", json={"hazard": "banjir", "village_code": "63.11.06.2005"})
    refused = await strict_client.post("/api/v1/reports", json={})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["retry-after"]) <= 60


def test_the_window_slides_and_each_address_has_its_own():
    limit = PublicWriteRateLimit(per_minute=2)
    limit.admit("10.0.0.1", now=100.0)
    limit.admit("10.0.0.1", now=130.0)
    limit.admit("10.0.0.2", now=131.0)
    with pytest.raises(TooManyRequestsException) as refused:
        limit.admit("10.0.0.1", now=150.0)
    assert refused.value.headers["Retry-After"] == "10"
    limit.admit("10.0.0.1", now=160.5)  # the request at 100 s has left the window


def test_addresses_silent_for_a_whole_window_are_forgotten():
    limit = PublicWriteRateLimit(per_minute=5)
    for number in range(100):
        limit.admit(f"10.0.1.{number}", now=float(number))
    limit.admit("10.0.2.1", now=500.0)
    assert set(limit._recent) == {"10.0.2.1"}
