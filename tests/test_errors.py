"""Unexpected errors reach people as a calm Indonesian page (or JSON), never as a stack trace."""

import httpx
import pytest
from litestar import get

from lapor_bencana.app import create_app


@get("/meledak", opt={"access": "public"})
async def exploding() -> str:
    raise RuntimeError("secret internal detail")


@get("/api/v1/meledak", opt={"access": "public"})
async def exploding_api() -> str:
    raise RuntimeError("secret internal detail")


@pytest.fixture
async def exploding_client(settings):
    app = create_app(settings)
    app.register(exploding)
    app.register(exploding_api)
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_a_crash_in_a_page_gives_an_indonesian_500_page(exploding_client):
    response = await exploding_client.get("/meledak")
    assert response.status_code == 500
    # Said of every failed request, so it promises nothing that may be false (that it was saved).
    assert "permintaan ini mungkin belum diproses" in response.text
    assert "tidak hilang" not in response.text
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text


async def test_a_crash_in_the_api_gives_json_without_internals(exploding_client):
    response = await exploding_client.get("/api/v1/meledak")
    assert response.status_code == 500
    assert response.json()["status_code"] == 500
    assert "secret internal detail" not in response.text


async def test_a_wrong_method_is_a_405_page_in_indonesian(client):
    response = await client.delete("/lapor")
    assert response.status_code == 405
    assert "Cara akses ini tidak didukung" in response.text
