"""Map tile settings and the CSP entry computed from them."""

import pytest
from pydantic import ValidationError

from lapor_bencana.config import Settings
from lapor_bencana.web.security import content_security_policy, tile_sources


def img_src(policy: str) -> list[str]:
    return next(part for part in policy.split("; ") if part.startswith("img-src ")).split()[1:]


@pytest.mark.parametrize(
    ("template", "sources"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", ("https://tile.openstreetmap.org",)),
        ("https://{s}.tile.example.org:8443/{z}/{x}/{y}.png?key=1", ("https://*.tile.example.org:8443",)),
        ("http://peta.balangankab.go.id/tiles/{z}/{x}/{y}{r}.png", ("http://peta.balangankab.go.id",)),
        ("/tiles/{z}/{x}/{y}.png", ()),
        ("", ()),
    ],
)
def test_the_tile_origin_and_nothing_else_is_allowed(template, sources):
    assert tile_sources(template) == sources


@pytest.mark.parametrize(
    "template",
    [
        "javascript:alert(1)",
        "//tile.example.org/{z}/{x}/{y}.png",
        "https://tile.example.org; script-src *",
        "https://*/{z}/{x}/{y}.png",
        "https://{z}.example.org/{x}/{y}.png",
        "https://tile.example.org/{z}/{x}/{y}.png 'unsafe-inline'",
    ],
)
def test_templates_that_would_widen_the_policy_are_refused(template):
    with pytest.raises(ValueError):
        tile_sources(template)
    with pytest.raises(ValidationError):
        Settings(map_tile_url=template)


def test_the_policy_lists_the_tile_origin_beside_the_site_itself():
    policy = content_security_policy(tile_sources("https://tile.openstreetmap.org/{z}/{x}/{y}.png"))
    assert img_src(policy) == ["'self'", "data:", "blob:", "https://tile.openstreetmap.org"]
    assert "style-src 'self';" in policy


def test_map_centre_is_read_as_latitude_comma_longitude(monkeypatch):
    monkeypatch.setenv("LAPOR_MAP_CENTER", " -3.5, 114.8")
    monkeypatch.setenv("LAPOR_MAP_TILE_URL", "")
    settings = Settings()
    assert settings.map_center == (-3.5, 114.8)
    assert settings.map_tile_url == ""
    with pytest.raises(ValidationError):
        Settings(map_center="115.5,-2.3,1")
    with pytest.raises(ValidationError):
        Settings(map_center="-95,115")


async def test_the_app_sends_the_configured_tile_origin(client):
    policy = (await client.get("/")).headers["content-security-policy"]
    assert img_src(policy)[-1] == "https://tile.openstreetmap.org"
