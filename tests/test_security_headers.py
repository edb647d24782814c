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
