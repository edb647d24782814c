import httpx
import pytest
from litestar import get

from lapor_bencana.app import create_app


async def test_pages_carry_a_strict_content_security_policy(client):
    response = await client.get("/lapor")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


async def test_pages_have_no_inline_scripts_or_styles(client):
    for path in ("/", "/lapor", "/tidak-ada"):
        html = (await client.get(path)).text
        assert "<script>" not in html and "<script type" not in html
        assert "<style" not in html and " style=" not in html
        assert " onclick=" not in html and " onload=" not in html


async def test_static_files_are_cached_for_a_year_and_compressed(client):
    response = await client.get("/static/css/app.css", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["cache-control"]
    assert response.headers["content-encoding"] == "gzip"


async def test_pages_link_static_files_with_a_content_hash(client):
    html = (await client.get("/")).text
    assert "/static/css/app.css?v=" in html
    assert "/static/vendor/htmx-2.0.11.min.js?v=" in html


SECURITY_HEADERS = ("content-security-policy", "x-frame-options", "x-content-type-options", "referrer-policy")


@get("/meledak", opt={"access": "public"})
async def exploding() -> str:
    raise RuntimeError("boom")


@pytest.fixture
async def https_client(settings):
    app = create_app(settings.model_copy(update={"base_url": "https://lapor.example"}))
    app.register(exploding)
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as http:
            yield http


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/lapor", 200),
        ("GET", "/tidak-ada", 404),
        ("PUT", "/lapor", 405),
        ("GET", "/meledak", 500),
        ("GET", "/koordinator", 303),
        ("GET", "/koordinator/akun", 401),
        ("GET", "/static/css/app.css", 200),
        ("GET", "/sw.js", 200),
        ("HEAD", "/lapor", None),
        ("OPTIONS", "/lapor", 204),
        ("POST", "/masuk", 403),
    ],
)
async def test_every_kind_of_answer_carries_the_security_headers(https_client, method, path, status):
    # Asking for JSON makes a route that needs a signed-in person answer 401 instead of redirecting.
    accept = "application/json" if status == 401 else "text/html"
    response = await https_client.request(method, path, headers={"accept": accept})
    if status is not None:
        assert response.status_code == status
    for name in SECURITY_HEADERS:
        assert name in response.headers, name
    assert response.headers["strict-transport-security"] == "max-age=31536000"
