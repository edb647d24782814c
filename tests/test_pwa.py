import json
import io

from PIL import Image

from lapor_bencana.paths import STATIC_DIR


async def test_manifest_describes_an_installable_app(client):
    response = await client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == "Lapor Bencana Kabupaten Balangan"
    assert manifest["short_name"] == "Lapor Bencana"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"].startswith("/")
    assert manifest["lang"] == "id"
    purposes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes


async def test_manifest_icons_are_served_pngs_of_the_declared_size(client):
    manifest = (await client.get("/manifest.webmanifest")).json()
    for icon in manifest["icons"]:
        response = await client.get(icon["src"])
        assert response.status_code == 200
        image = Image.open(io.BytesIO(response.content))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]


async def test_service_worker_is_served_from_the_root_and_never_cached_stale(client):
    response = await client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["service-worker-allowed"] == "/"
    assert response.headers["cache-control"] == "no-cache"


def test_maskable_icon_keeps_its_mark_inside_the_safe_zone():
    # The safe zone is the centred circle of 80% diameter; outside it the icon is plain background.
    image = Image.open(STATIC_DIR / "icons" / "icon-maskable-512.png").convert("RGB")
    background = image.getpixel((0, 0))
    size = image.width
    for x in range(size):
        for y in range(size):
            if (x - size / 2) ** 2 + (y - size / 2) ** 2 > (0.4 * size) ** 2:
                assert image.getpixel((x, y)) == background


async def test_the_worker_knows_the_notification_icons_and_they_are_served(client):
    body = (await client.get("/sw.js")).text
    config = json.loads(body.split("\n", 1)[0].removeprefix("self.LAPOR = ").removesuffix(";"))
    assert set(config["notification"]) == {"icon", "badge"}
    for url in config["notification"].values():
        assert (await client.get(url)).status_code == 200
    assert 'addEventListener("push"' in body and 'addEventListener("notificationclick"' in body


def test_the_notification_badge_is_a_white_mark_on_transparency():
    # Android draws only the badge's alpha channel; colour would be lost and look wrong elsewhere.
    image = Image.open(STATIC_DIR / "icons" / "badge-96.png").convert("RGBA")
    raw = image.tobytes()
    pixels = [tuple(raw[at : at + 4]) for at in range(0, len(raw), 4)]
    alphas = [a for _r, _g, _b, a in pixels]
    assert min(alphas) == 0 and max(alphas) == 255
    assert all((r, g, b) == (255, 255, 255) for r, g, b, a in pixels if a > 0)
