"""Every answer that is not an HTML page names its type once, with at most one charset."""

from __future__ import annotations

from email.message import Message

from lapor_bencana.sitrep import exports
from tests.sitrep_data import seed_flood


def parsed(content_type: str) -> tuple[str, list[tuple[str, str]]]:
    message = Message()
    message["content-type"] = content_type
    return message.get_content_type(), message.get_params()[1:]


async def test_files_and_feeds_name_their_type_once(staff):
    seeded = await seed_flood(staff)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    expected = {
        **{f"/koordinator/ekspor/{name}?format=csv": "text/csv" for name in exports.DATASETS},
        **{f"/koordinator/ekspor/{name}?format=xlsx": xlsx for name in exports.DATASETS},
        "/koordinator/laporan-situasi.pdf": "application/pdf",
        f"/koordinator/kejadian/{seeded.incident.code}/cap.xml": "application/cap+xml",
        "/api/v1/incidents": "application/json",
        "/api/v1/incidents.geojson": "application/geo+json",
        "/manifest.webmanifest": "application/manifest+json",
        "/sw.js": "text/javascript",
        "/static/icons/icon-192.png": "image/png",
        "/static/icons/hazards.svg": "image/svg+xml",
        "/static/css/app.css": "text/css",
    }
    for path, media_type in expected.items():
        response = await staff.get(path)
        assert response.status_code == 200, path
        header = response.headers["content-type"]
        kind, params = parsed(header)
        assert kind == media_type, path
        names = [name for name, _ in params]
        assert len(names) == len(set(names)) and header.count(";") == len(params), (path, header)
        if media_type.startswith("text/"):
            assert params == [("charset", "utf-8")], (path, header)
