import httpx
import pytest
from litestar.exceptions import TooManyRequestsException

from lapor_bencana.app import create_app
from lapor_bencana.web.rate_limit import SharedWindows, SlidingWindows


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
    limit = SlidingWindows(per_minute=2)
    limit.admit("10.0.0.1", now=100.0)
    limit.admit("10.0.0.1", now=130.0)
    limit.admit("10.0.0.2", now=131.0)
    with pytest.raises(TooManyRequestsException) as refused:
        limit.admit("10.0.0.1", now=150.0)
    assert refused.value.headers["Retry-After"] == "10"
    limit.admit("10.0.0.1", now=160.5)  # the request at 100 s has left the window


def test_addresses_silent_for_a_whole_window_are_forgotten():
    limit = SlidingWindows(per_minute=5)
    for number in range(100):
        limit.admit(f"10.0.1.{number}", now=float(number))
    limit.admit("10.0.2.1", now=500.0)
    assert set(limit._recent) == {"10.0.2.1"}


@pytest.fixture
async def two_processes(settings):
    """Two app instances on one PostgreSQL database, as `lapor run --workers 2` runs them."""
    if settings.database_url.startswith("sqlite"):
        pytest.skip("one process only on SQLite")
    strict = settings.model_copy(update={"rate_limit_per_minute": 4})
    first, second = create_app(strict), create_app(strict)
    async with first.lifespan(), second.lifespan():
        clients = [httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") for app in (first, second)]
        yield clients
        for http in clients:
            await http.aclose()


async def test_the_limit_holds_across_processes_sharing_postgresql(two_processes):
    body = {"hazard": "banjir", "village_code": "63.11.06.2005"}
    statuses = [(await two_processes[n % 2].post("/api/v1/reports", json=body)).status_code for n in range(6)]
    assert statuses == [201, 201, 201, 201, 429, 429]


async def test_shared_windows_weigh_the_previous_minute_by_what_is_left_of_it(app):
    if app.state.settings.database_url.startswith("sqlite"):
        pytest.skip("the shared windows serve PostgreSQL")
    windows = SharedWindows(per_minute=4)
    minute_start = 6000 * 60.0
    for second in range(4):
        await windows.admit("10.0.0.9", now=minute_start + second)
    # 15 s into the next minute, 3/4 of the previous minute's 4 requests still count: 3 + 1 = 4 is allowed.
    await windows.admit("10.0.0.9", now=minute_start + 75)
    with pytest.raises(TooManyRequestsException) as refused:
        await windows.admit("10.0.0.9", now=minute_start + 76)
    assert refused.value.headers["Retry-After"] == "44"
    # Half-way through, half of the previous minute counts: 2 + 2 (both of this minute's) is the limit.
    with pytest.raises(TooManyRequestsException):
        await windows.admit("10.0.0.9", now=minute_start + 90)
    # Another address has its own count.
    await windows.admit("10.0.0.10", now=minute_start + 90)
