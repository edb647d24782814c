from lapor_bencana.app import create_app
from lapor_bencana.config import Settings

import httpx


async def test_healthz_answers_ok_when_the_database_answers(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == "ok"


async def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    # Port 1 on loopback: nothing listens there, so every connection is refused at once.
    settings = Settings(
        database_url="postgresql://postgres@127.0.0.1:1/none", data_dir=tmp_path, secret_key="x" * 40
    )
    app = create_app(settings)
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.headers["retry-after"]
